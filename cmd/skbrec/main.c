/* SPDX-License-Identifier: MIT */
/*
 * skbrec - record sk_buff events (metadata + packet bytes) from tracepoints
 * and kernel functions into a .skb file.
 *
 * main.c: the command line.  It becomes a struct rec_config; record.c then
 * sets up, runs the record loop and prints the summary.
 */
#include "skbrec.h"
#include "cli.h"
#include "opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_SNAPLEN 256
#define MAX_SNAPLEN     262144u      /* tcpdump's; -s 0 means this */
#define DEFAULT_RING    (16u << 20)

static const char *const default_probes[] = {
	"tp:net:netif_receive_skb",
	"tp:net:net_dev_start_xmit",
};

enum { OPT_CMD = 256, OPT_STACK, OPT_NO_FENTRY, OPT_NO_TP_BTF, OPT_NETNS, OPT_MARK,
       OPT_NO_FOLLOW };

static const struct skb_option options[] = {
	SKB_OPT_PROBE("tp:SUBSYS:NAME, k:FUNC (kprobe:), kr:FUNC (kretprobe:);\n"
		      "no type: one ':' is a tracepoint, else a function;\n"
		      "'*' globs; PROBE/stack also records the kernel stack.\n"
		      "Default: tp:net:netif_receive_skb, tp:net:net_dev_start_xmit"),
	{ 'l', "list", NULL, "list probes with a struct sk_buff * argument (matching PATTERN)" },
	SKB_OPT_OUTPUT("write to FILE (mode 0600); '-' or none: stdout (not a tty)"),
	{ 's', "snaplen", "N", "packet bytes per event (default 256; 0: whole packets,\n"
	  "up to 262144)" },
	SKB_OPT_HEADING("In-kernel selection (before anything is copied):"),
	SKB_OPT_FILTER,
	SKB_OPT_IFACE("events on IFACE only (in --netns INODE, else skbrec's own)"),
	{ OPT_NETNS, "netns", "INODE", "events in the network namespace INODE only" },
	{ OPT_MARK, "mark", "VALUE[/MASK]", "events with (skb->mark & MASK) == VALUE only" },
	{ OPT_NO_FOLLOW, "no-follow", NULL, "do not also keep the later events of a packet that\n"
	  "matched (its tracking id) elsewhere" },
	SKB_OPT_HEADING("Recording:"),
	{ 'c', "count", "N", "stop after N events" },
	{ 'd', "duration", "SEC", "stop after SEC seconds" },
	{ OPT_CMD, "cmd", "CMD", "run CMD (sh -c) and stop when it exits; its status is ours" },
	{ 'b', "buffer", "SIZE", "ring buffer size (k/m/g; power of two, default 16m)" },
	{ 'C', "rotate", "SIZE", "write FILE.0, FILE.1, ... of about SIZE each" },
	{ 'W', "keep", "N", "with -C, keep only the last N files" },
	SKB_OPT_COMPRESS,
	{ OPT_STACK, "stack", NULL, "record the kernel stack of every event" },
	{ OPT_NO_FENTRY, "no-fentry", NULL, "attach functions with kprobes even where fentry works" },
	{ OPT_NO_TP_BTF, "no-tp-btf", NULL, "attach tracepoints with raw_tp even where tp_btf works" },
	{ 'Z', "relinquish-privileges", "USER", "once the probes are attached, go on as USER\n"
	  "(who then creates the output files, and runs --cmd)" },
	{ 'q', "quiet", NULL, "no status line" },
	{ 'v', "verbose", NULL, "more messages (-vv: libbpf and verifier logs)" },
	SKB_OPT_HELP,
	SKB_OPT_VERSION,
	SKB_OPT_END,
};

static const struct skb_cmdline cmdline = {
	.synopsis = "[-p PROBE]... [-o FILE] [-s SNAPLEN] [OPTION]...\n-l [PATTERN]",
	.about = "Record sk_buff events (metadata and packet bytes) from tracepoints and\n"
		 "kernel functions into a .skb stream.\n",
	.opts = options,
	.epilog = "Stops on SIGINT/SIGTERM, -c, -d or --cmd; prints 'N events recorded, M lost'.\n",
};

/* The arguments with single spaces, for the file header. */
static char *join_args(int argc, char **argv)
{
	size_t n = 1;
	char *s, *p;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	s = malloc(n);
	if (!s)
		return NULL;
	p = s;
	for (int i = 0; i < argc; i++) {
		size_t l = strlen(argv[i]);

		if (i)
			*p++ = ' ';
		memcpy(p, argv[i], l);
		p += l;
	}
	*p = 0;
	return s;
}

static int add_spec(struct rec_config *c, char *spec)
{
	char **n = realloc(c->specs, (c->nspecs + 1) * sizeof(*n));

	if (!n) {
		skb_warn("out of memory");
		return -1;
	}
	c->specs = n;
	c->specs[c->nspecs++] = spec;
	return 0;
}

/* One option into c: 0, or 2 after a message. */
static int take_option(struct rec_config *c, int opt, bool *list)
{
	uint64_t v;

	switch (opt) {
	case 'p': return add_spec(c, optarg) ? 2 : 0;
	case 'l': *list = true; return 0;
	case 'o': c->path = optarg; return 0;
	case 's':
		if (skb_parse_u64("-s", optarg, 0, MAX_SNAPLEN, &v))
			return 2;
		c->snaplen = v ? (uint32_t)v : MAX_SNAPLEN;   /* 0: as tcpdump */
		return 0;
	case 'i': c->iface = optarg; return 0;
	case 'f': c->filter = optarg; return 0;
	case OPT_NETNS:
		if (skb_parse_u64("--netns", optarg, 1, UINT32_MAX, &v))
			return 2;
		c->netns = (uint32_t)v;
		return 0;
	case OPT_MARK: return skb_parse_mark("--mark", optarg, &c->mark, &c->mark_mask) ? 2 : 0;
	case OPT_NO_FOLLOW: c->no_follow = true; return 0;
	case 'c': return skb_parse_u64("-c", optarg, 1, UINT64_MAX, &c->count) ? 2 : 0;
	case 'd': return skb_parse_u64("-d", optarg, 1, 86400ull * 365, &c->duration) ? 2 : 0;
	case OPT_CMD: c->cmd = optarg; return 0;
	case 'b': return skb_parse_size("-b", optarg, 4096, 1ull << 30, &c->ring) ? 2 : 0;
	case 'C': return skb_parse_size("-C", optarg, 4096, UINT64_MAX, &c->rotate) ? 2 : 0;
	case 'W':
		if (skb_parse_u64("-W", optarg, 1, 1000000, &v))
			return 2;
		c->keep = (unsigned)v;
		return 0;
	case 'z': c->wflags |= SKBW_COMPRESS; return 0;
	case OPT_STACK: c->stack_all = true; return 0;
	case OPT_NO_FENTRY: c->no_fentry = true; return 0;
	case OPT_NO_TP_BTF: c->no_tp_btf = true; return 0;
	case 'Z': c->user = optarg; return 0;
	case 'q': c->quiet = true; return 0;
	case 'v': skb_verbose++; return 0;
	}
	return 2;   /* '?': skb_getopt said what was wrong */
}

/* Combinations that make no sense, found before anything is loaded. */
static int check_config(struct rec_config *c)
{
	uint64_t v;

	if ((c->rotate || c->keep) && (!c->path || !strcmp(c->path, "-"))) {
		skb_warn("-C/-W need -o FILE");
		return 2;
	}
	if (c->keep && !c->rotate) {
		skb_warn("-W needs -C");
		return 2;
	}
	if ((!c->path || !strcmp(c->path, "-")) && isatty(STDOUT_FILENO)) {
		skb_warn("refusing to write binary data to a terminal "
			 "(pipe into skbcat, or use -o FILE)");
		return 2;
	}
	if (c->user && privs_lookup(c->user, &c->uid))
		return 2;
	for (v = 4096; v < c->ring; v <<= 1)   /* a power of two of pages */
		;
	c->ring = v;
	if (!c->nspecs)
		for (size_t i = 0; i < sizeof(default_probes) / sizeof(default_probes[0]); i++)
			if (add_spec(c, (char *)default_probes[i]))
				return 2;
	return 0;
}

static int list_probes(int argc, char **argv)
{
	struct kbtf k;
	int rc;

	if (optind + 1 < argc) {
		skb_warn("-l takes at most one PATTERN");
		return 2;
	}
	if (kbtf_load(&k, true))
		return 2;
	rc = probes_list(&k, optind < argc ? argv[optind] : NULL);
	kbtf_free(&k);
	return rc;
}

int main(int argc, char **argv)
{
	struct rec_config c = {
		.snaplen = DEFAULT_SNAPLEN,
		.ring = DEFAULT_RING,
	};
	bool list = false;
	int opt, rc = 0;

	skb_cli_init(argv[0]);
	while (!rc && (opt = skb_getopt(&cmdline, argc, argv)) != -1) {
		if (opt == 'h' || opt == 'V') {
			free(c.specs);
			return 0;
		}
		rc = take_option(&c, opt, &list);
	}
	if (!rc && list) {
		rc = list_probes(argc, argv);
	} else if (!rc && optind < argc) {
		skb_warn("unexpected argument '%s' (probes go after -p)", argv[optind]);
		skb_usage_hint();
		rc = 2;
	} else if (!rc && !(rc = check_config(&c))) {
		c.cmdline = join_args(argc, argv);
		skb_ignore_sigpipe();
		rc = record(&c);
		free(c.cmdline);
	}
	free(c.specs);
	return rc;
}
