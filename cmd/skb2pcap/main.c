/* SPDX-License-Identifier: MIT */
/*
 * skb2pcap - write .skb events as pcap or pcapng for tcpdump, tshark and
 * Wireshark.
 *
 *   skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr -
 *   skb2pcap --pcapng -o run.pcapng run.skb
 *
 * main.c reads the inputs, keeps the events of -p PATTERN, counts lost
 * events per probe and hands each event with bytes to a sink (pcap_sink.c,
 * pcapng_sink.c).  Link-layer framing is lib/pcaplink.c.
 */
#include "cli.h"
#include "opts.h"
#include "probespec.h"
#include "pcaplink.h"
#include "sink.h"
#include "skb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_IDS 65536u   /* probe ids are u16 within a section */

#define OUT_BUF (1u << 20)

enum { OPT_PCAPNG = 256 };

static const struct skb_option options[] = {
	SKB_OPT_OUTPUT("write to FILE instead of standard output"),
	{ 'p', "probe", "PATTERN", "keep only events of probes matching PATTERN\n"
	  "(same rules as skbgrep -p: a word matches as a\n"
	  "substring, * ? [ make a glob, tp: k: kr: a type;\n"
	  "a repeated -p keeps the events of either)" },
	{ OPT_PCAPNG, "pcapng", NULL, "write pcapng with per-packet metadata (interface,\n"
	  "direction, tracking id, comment key=value pairs)" },
	{ 'l', "linktype", "TYPE", "sll2 (default): Linux cooked v2, keeps ifindex,\n"
	  "direction and protocol for packets with and\n"
	  "without an Ethernet header;\n"
	  "ether: Ethernet, L2 packets byte for byte, a zero\n"
	  "header added to packets recorded from L3" },
	{ 'U', "packet-buffered", NULL, "write each packet at once (by default output is\n"
	  "written in blocks, and whenever a pipe input\n"
	  "keeps us waiting)" },
	SKB_OPT_HELP,
	SKB_OPT_VERSION,
	SKB_OPT_END,
};

static const struct skb_cmdline cmdline = {
	.synopsis = "[OPTION]... [FILE]...",
	.about = "Write the events of .skb FILEs (or standard input) as pcap or pcapng.\n",
	.opts = options,
	.epilog =
	"Timestamps are wall-clock nanoseconds.  Events without packet bytes are\n"
	"skipped and counted on standard error, like events lost while recording.\n"
	"Exit status: 0 ok, 1 -p matched no event, 2 error (damaged input: what\n"
	"came before the damage is written first).\n"
	"\n"
	"Examples:\n"
	"  skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr -\n"
	"  skb2pcap --pcapng -o run.pcapng run.skb\n"
	"  skb2pcap -p netif_receive_skb run.skb > rx.pcap\n",
};

/* Lost events per probe spec: "" holds the ones no probe is named for. */
struct lost_ent {
	char *spec;
	uint64_t total;
	uint64_t pending;   /* not yet reported in an epb_dropcount */
};

struct conv {
	const char **pattern;   /* -p, any of them; NULL: every probe */
	size_t npattern;
	uint32_t linktype;
	bool pcapng;
	bool packet_buffered;   /* -U */
	bool warned_wall;       /* this input has no wall-clock offset: said so */
	bool said_write_error;  /* output_failed() reports once */
	const char *output;     /* -o, NULL: standard output */
	struct strbuf out;
	struct ng_sink ng;

	/*
	 * Caches by probe id, valid for one section: an entry counts only when
	 * its generation is the current one, so a new section costs nothing.
	 */
	const struct skb_info *info;
	uint32_t gen;
	uint32_t match_gen[PROBE_IDS];
	bool match[PROBE_IDS];            /* -p keeps this probe */
	uint32_t lost_gen[PROBE_IDS];
	uint32_t lost_idx[PROBE_IDS];     /* index into lost[] */

	struct lost_ent *lost;
	size_t nlost;
	uint64_t matched, nobytes, lost_total;
	bool finished;          /* statistics blocks written */
};

static void new_section(struct conv *c, const struct skb_info *info)
{
	c->info = info;
	c->gen++;
	if (c->pcapng)
		ng_sink_section(&c->ng);
}

static bool keep_probe(struct conv *c, const struct skb_probe *p)
{
	if (!c->pattern)
		return true;
	if (!p)
		return false;
	if (c->match_gen[p->id] != c->gen) {
		c->match_gen[p->id] = c->gen;
		bool m = false;
		for (size_t i = 0; i < c->npattern && !m; i++)
			m = skb_probe_match(c->pattern[i], p);
		c->match[p->id] = m;
	}
	return c->match[p->id];
}

static struct lost_ent *lost_entry(struct conv *c, const struct skb_probe *p)
{
	if (p && c->lost_gen[p->id] == c->gen)
		return &c->lost[c->lost_idx[p->id]];
	const char *spec = p && p->spec ? p->spec : "";
	size_t i;
	for (i = 0; i < c->nlost; i++)
		if (!strcmp(c->lost[i].spec, spec))
			break;
	if (i == c->nlost) {
		struct lost_ent *l = realloc(c->lost, (c->nlost + 1) * sizeof(*l));
		if (!l || !(spec = strdup(spec)))
			skb_die(2, "out of memory");
		c->lost = l;
		memset(&l[i], 0, sizeof(l[i]));
		l[i].spec = (char *)spec;
		c->nlost++;
	}
	if (p) {
		c->lost_gen[p->id] = c->gen;
		c->lost_idx[p->id] = (uint32_t)i;
	}
	return &c->lost[i];
}

/* Lost events since the previous packet of this probe (and unattributed). */
static uint64_t take_dropcount(struct conv *c, const struct skb_probe *p)
{
	if (!c->nlost)
		return 0;
	struct lost_ent *l = lost_entry(c, p);
	uint64_t n = l->pending;
	l->pending = 0;
	if (p) {
		l = lost_entry(c, NULL);
		n += l->pending;
		l->pending = 0;
	}
	return n;
}

/* The first write error ends the program: quietly when the reader of our
 * output went away (like grep), else with one message naming the output.
 * 0 goes on. */
static int output_failed(struct conv *c)
{
	if (!c->out.err)
		return 0;
	if (!skb_is_epipe(c->out.err) && !c->said_write_error)
		skb_warn("%s: %s", c->output ? c->output : "standard output",
			 strerror(c->out.err));
	c->said_write_error = true;
	return 1;
}

/* The reader is about to wait for a live input: what is converted so far
 * goes out now (skbrec -o - | skb2pcap | tcpdump -r -). */
static void on_idle(void *arg)
{
	sb_flush(&((struct conv *)arg)->out);
}

static void on_event(struct conv *c, struct skb_reader *r, const struct skb_record *rec)
{
	const struct skb_event *ev = &rec->ev;
	struct pcaplink_frame f;

	if (!keep_probe(c, ev->probe))
		return;
	c->matched++;
	if (pcaplink_frame(&f, ev, c->linktype)) {
		c->nobytes++;
		return;
	}
	if (!c->warned_wall && (!rec->info || !rec->info->wall_offset)) {
		skb_warn("%s: no wall-clock offset in the file; timestamps are monotonic "
			 "(time since boot)", skbr_name(r));
		c->warned_wall = true;
	}
	uint64_t ns = (uint64_t)skb_wall_ns(rec->info, ev->ts);
	if (c->pcapng) {
		ng_sink_packet(&c->ng, ev, &f, ns, take_dropcount(c, ev->probe),
			       ev->flags & SKB_EV_DROP ? ev->drop_name : NULL);
	} else {
		pcap_sink_packet(&c->out, ev, &f, ns);
	}
}

static void on_lost(struct conv *c, const struct skb_lost *lost)
{
	if (lost->probe && !keep_probe(c, lost->probe))
		return;
	struct lost_ent *l = lost_entry(c, lost->probe);
	l->total += lost->count;
	l->pending += lost->count;
	c->lost_total += lost->count;
}

/* 0 at a clean end, -1 after damage, -2 when the input cannot be opened,
 * -3 after a write error (said). */
static int convert(struct conv *c, const char *path)
{
	char err[512];
	struct skb_reader *r = skbr_open(path, err, sizeof(err));
	struct skb_record rec;
	int n;

	if (!r) {
		skb_warn("%s", err);   /* the message names the file */
		return -2;
	}
	c->info = NULL;
	c->warned_wall = false;
	if (!c->packet_buffered)
		skbr_set_idle(r, on_idle, c);
	while ((n = skbr_next(r, &rec)) > 0) {
		if (rec.info != c->info || rec.kind == SKB_SECTION)
			new_section(c, rec.info);
		if (c->pcapng && !c->ng.begun)
			ng_sink_begin(&c->ng, rec.info);
		if (rec.kind == SKB_EVENT)
			on_event(c, r, &rec);
		else if (rec.kind == SKB_LOST)
			on_lost(c, &rec.lost);
		if (c->packet_buffered)
			sb_flush(&c->out);
		if (output_failed(c)) {
			skbr_close(r);
			return -3;
		}
	}
	if (n < 0) {
		/* everything before the damage is out first */
		if (c->pcapng)
			ng_sink_finish(&c->ng, c->lost_total);
		c->finished = true;
		sb_flush(&c->out);
		if (output_failed(c)) {
			skbr_close(r);
			return -3;
		}
		skb_warn("%s", skbr_error(r));
	}
	skbr_close(r);
	return n < 0 ? -1 : 0;
}

static void summary(const struct conv *c)
{
	if (c->nobytes)
		skb_warn("%" PRIu64 " event%s without packet bytes skipped",
			 c->nobytes, c->nobytes == 1 ? "" : "s");
	if (!c->lost_total)
		return;
	char buf[768];
	size_t n = 0;
	for (size_t i = 0; i < c->nlost && n < sizeof(buf); i++) {
		if (!c->lost[i].total)
			continue;
		int k = snprintf(buf + n, sizeof(buf) - n, "%s%s: %" PRIu64, n ? ", " : "",
				 *c->lost[i].spec ? c->lost[i].spec : "unknown probe",
				 c->lost[i].total);
		if (k > 0)
			n += (size_t)k;
	}
	skb_warn("%" PRIu64 " event%s lost while recording (%s)%s", c->lost_total,
		 c->lost_total == 1 ? " was" : "s were", buf,
		 c->pcapng ? "; counts are in the pcapng statistics" : "");
}

static int take_option(struct conv *c, int opt, const char **output)
{
	switch (opt) {
	case 'o':
		*output = optarg;
		return 0;
	case 'p': {
		if (!*optarg) {
			skb_warn("-p: empty pattern");
			return 2;
		}
		const char **pp = realloc(c->pattern, (c->npattern + 1) * sizeof(*pp));
		if (!pp) {
			skb_warn("out of memory");
			return 2;
		}
		pp[c->npattern++] = optarg;
		c->pattern = pp;
		return 0;
	}
	case OPT_PCAPNG:
		c->pcapng = true;
		return 0;
	case 'l':
		c->linktype = pcaplink_by_name(optarg);
		if (!c->linktype) {
			skb_warn("unknown link type '%s' (sll2 or ether)", optarg);
			return 2;
		}
		return 0;
	case 'U':
		c->packet_buffered = true;
		return 0;
	}
	return 2;
}

/* Every input in turn; stops at damage, like the reader does. */
static int convert_all(struct conv *c, int argc, char **argv)
{
	int status = 0;

	if (optind == argc)
		return convert(c, "-") ? 2 : 0;
	for (int i = optind; i < argc; i++) {
		int rc = convert(c, argv[i]);

		if (rc)
			status = 2;
		if (rc == -1 || rc == -3)
			break;
	}
	return status;
}

static void conv_free(struct conv *c)
{
	if (c->pcapng)
		ng_sink_free(&c->ng);
	sb_free(&c->out);
	for (size_t i = 0; i < c->nlost; i++)
		free(c->lost[i].spec);
	free(c->lost);
	free(c->pattern);
	free(c);
}

int main(int argc, char **argv)
{
	/* large (caches by probe id): on the heap, passed around explicitly */
	struct conv *c = calloc(1, sizeof(*c));
	const char *output = NULL;
	int opt, status = 0, fd;

	skb_cli_init(argv[0]);
	if (!c) {
		skb_warn("out of memory");
		return 2;
	}
	c->linktype = PCAPLINK_SLL2;
	while (!status && (opt = skb_getopt(&cmdline, argc, argv)) != -1) {
		if (opt == 'h' || opt == 'V') {
			conv_free(c);
			return 0;
		}
		status = take_option(c, opt, &output);
	}
	skb_ignore_sigpipe();
	if (status || (fd = skb_open_binary_output(output)) < 0) {
		conv_free(c);
		return 2;
	}
	c->output = output && strcmp(output, "-") ? output : NULL;
	sb_init_owned(&c->out, OUT_BUF, fd);
	if (c->pcapng)
		ng_sink_init(&c->ng, &c->out, c->linktype);
	else
		pcap_sink_begin(&c->out, c->linktype);

	status = convert_all(c, argc, argv);
	if (!output_failed(c)) {
		if (c->pcapng && !c->finished)
			ng_sink_finish(&c->ng, c->lost_total);
		sb_flush(&c->out);
	}
	if (output_failed(c)) {
		status = skb_is_epipe(c->out.err) ? 0 : 2;
	} else {
		summary(c);
		if (!status && c->pattern && !c->matched)
			status = 1;
	}
	if (fd > STDERR_FILENO && close(fd) && !status) {
		skb_warn("%s: %s", output, strerror(errno));
		status = 2;
	}
	conv_free(c);
	return status;
}
