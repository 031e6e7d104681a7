/* SPDX-License-Identifier: MIT */
/*
 * skbgrep - keep the recorded events that match a probe, an interface, a
 * pcap-filter expression and more; write them as a .skb stream (with the
 * dictionary records they need and every lost-event record) or count them.
 *
 * Memory stays constant for any input, except with --follow: the set of
 * matching tracking ids, and on a pipe the bounded --follow-buffer.
 */
#include "cli.h"
#include "skb.h"

#include "output.h"
#include "select.h"
#include "trackset.h"
#include "window.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FOLLOW_BUFFER_DEFAULT (64u << 20)

struct opts {
	bool invert, count, follow, compress;
	uint64_t max;           /* -m; 0: no limit */
	uint64_t follow_buffer;
	const char *output;
};

/* Why reading stopped early. */
enum stop { GO_ON, STOP_MAX, STOP_DAMAGE, STOP_WRITE };

struct grep {
	struct opts o;
	struct selector sel;
	struct output out;
	struct trackset tracks; /* --follow: ids of packets that matched */
	struct window win;      /* --follow on a pipe */
	int status;             /* 2 once any error was reported */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: %s [OPTION]... [FILE]...\n"
"Keep the events of .skb recordings that match; write them as .skb.\n"
"Reads FILEs, or standard input when none or '-'.\n"
"\n"
"Selectors (different options AND together, a repeated option ORs):\n"
"  -p, --probe PATTERN     probe: a word matches inside the spec ('xmit'),\n"
"                          '*?[' make a glob, 'tp:' 'k:' 'kr:' restrict the type\n"
"  -i, --iface IFACE       interface name or index\n"
"      --rx-iface          -i tests the receiving interface (skb_iif) instead\n"
"  -f, --filter EXPR       pcap-filter(7) expression on the packet bytes\n"
"      --netns INODE       network namespace inode\n"
"      --pid PID           process id (tgid) in the event's context\n"
"      --comm NAME         command name (glob with '*?[')\n"
"      --mark VALUE[/MASK] skb->mark\n"
"      --drop              drop events only\n"
"      --reason NAME       drop reason, with or without SKB_DROP_REASON_, or a number\n"
"      --track ID          tracking id\n"
"      --since T           events at or after T   (T: monotonic ns as in the\n"
"      --until T           events at or before T   events, @EPOCH_SECONDS, or\n"
"                          YYYY-MM-DD[THH:MM[:SS[.FRAC]]][Z|+HH:MM])\n"
"      --follow            also keep every other event of the packets (tracking\n"
"                          ids) that matched; two passes over files, a bounded\n"
"                          buffer on pipes\n"
"      --follow-buffer SIZE  memory for --follow on a pipe (default 64M)\n"
"\n"
"Output:\n"
"  -v, --invert-match      keep the events that do not match\n"
"  -c, --count             print only the number of selected events\n"
"  -m, --max-count N       stop after N selected events\n"
"  -o, --output FILE       write to FILE instead of standard output\n"
"  -z, --compress          compress the output (gzip members, as skbrec -z)\n"
"  -h, --help              show this help\n"
"  -V, --version           show the version\n"
"\n"
"Exit status: 0 something selected, 1 nothing selected, 2 error.\n"
"Example: %s -p xmit run.skb | skb2pcap | tcpdump -nnr -\n",
		skb_prog, skb_prog);
}

enum {
	OPT_RX_IFACE = 256, OPT_NETNS, OPT_PID, OPT_COMM, OPT_MARK, OPT_DROP,
	OPT_REASON, OPT_TRACK, OPT_SINCE, OPT_UNTIL, OPT_FOLLOW, OPT_FOLLOW_BUFFER,
};

static const struct option long_opts[] = {
	{ "probe", required_argument, NULL, 'p' },
	{ "iface", required_argument, NULL, 'i' },
	{ "interface", required_argument, NULL, 'i' },
	{ "rx-iface", no_argument, NULL, OPT_RX_IFACE },
	{ "filter", required_argument, NULL, 'f' },
	{ "netns", required_argument, NULL, OPT_NETNS },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "comm", required_argument, NULL, OPT_COMM },
	{ "mark", required_argument, NULL, OPT_MARK },
	{ "drop", no_argument, NULL, OPT_DROP },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "track", required_argument, NULL, OPT_TRACK },
	{ "since", required_argument, NULL, OPT_SINCE },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "follow-buffer", required_argument, NULL, OPT_FOLLOW_BUFFER },
	{ "invert-match", no_argument, NULL, 'v' },
	{ "count", no_argument, NULL, 'c' },
	{ "max-count", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "compress", no_argument, NULL, 'z' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void parse_args(struct grep *g, int argc, char **argv)
{
	struct selector *s = &g->sel;
	int c, bad = 0;
	g->o.follow_buffer = FOLLOW_BUFFER_DEFAULT;
	while ((c = getopt_long(argc, argv, "p:i:f:vcm:o:zhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'p': bad |= sel_add_probe(s, optarg); break;
		case 'i': bad |= sel_add_iface(s, optarg); break;
		case OPT_RX_IFACE: s->rx_iface = true; break;
		case 'f': bad |= sel_add_filter(s, optarg); break;
		case OPT_NETNS: bad |= sel_add_netns(s, optarg); break;
		case OPT_PID: bad |= sel_add_pid(s, optarg); break;
		case OPT_COMM: bad |= sel_add_comm(s, optarg); break;
		case OPT_MARK: bad |= sel_add_mark(s, optarg); break;
		case OPT_DROP: s->drop = true; break;
		case OPT_REASON: bad |= sel_add_reason(s, optarg); break;
		case OPT_TRACK: bad |= sel_add_track(s, optarg); break;
		case OPT_SINCE: bad |= sel_set_since(s, optarg); break;
		case OPT_UNTIL: bad |= sel_set_until(s, optarg); break;
		case OPT_FOLLOW: g->o.follow = true; break;
		case OPT_FOLLOW_BUFFER:
			bad |= skb_parse_size("--follow-buffer", optarg, 1u << 16,
					      SIZE_MAX / 2, &g->o.follow_buffer);
			break;
		case 'v': g->o.invert = true; break;
		case 'c': g->o.count = true; break;
		case 'm': bad |= skb_parse_u64("-m", optarg, 1, UINT64_MAX, &g->o.max); break;
		case 'o': g->o.output = optarg; break;
		case 'z': g->o.compress = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("skbgrep %s\n", SKBTOOLS_VERSION); exit(0);
		default: bad = -1; break;
		}
	}
	if (s->rx_iface && !s->n_iface) {
		skb_warn("--rx-iface says how -i matches; give -i IFACE too");
		bad = -1;
	}
	if (g->o.count && g->o.output) {
		skb_warn("-c prints a count on standard output; it does not go with -o");
		bad = -1;
	}
	if (bad) {
		fprintf(stderr, "Try '%s --help' for more information.\n", skb_prog);
		exit(2);
	}
}

/* ---- one pass over the inputs ---- */

/* An output error ends the run: quietly (status kept) for a closed pipe. */
static enum stop write_failed(struct grep *g, int err)
{
	if (!skb_is_epipe(err)) {
		skb_warn("%s: %s", g->o.output ? g->o.output : "standard output", strerror(-err));
		g->status = 2;
	}
	return STOP_WRITE;
}

/* The final decision on an event: its own match or its packet's, inverted by -v. */
static bool keep(const struct grep *g, const struct skb_event *ev, bool matched)
{
	if (!matched && g->o.follow && ev->track)
		matched = trackset_has(&g->tracks, ev->track);
	return matched != g->o.invert;
}

static enum stop emit(struct grep *g, const struct skb_event *ev)
{
	int err = out_event(&g->out, ev);
	if (err)
		return write_failed(g, err);
	return g->o.max && g->out.selected >= g->o.max ? STOP_MAX : GO_ON;
}

/* Decide the oldest held record of --follow on a pipe. */
static enum stop window_release(struct grep *g)
{
	const struct wentry *e = window_oldest(&g->win);
	enum stop st = GO_ON;
	int err = 0;
	if (e->is_lost)
		err = out_lost(&g->out, &e->lost);
	else if (keep(g, &e->ev, e->matched))
		st = emit(g, &e->ev);
	window_drop(&g->win);
	return err ? write_failed(g, err) : st;
}

static enum stop window_flush(struct grep *g)
{
	enum stop st = GO_ON;
	while (st == GO_ON && window_oldest(&g->win))
		st = window_release(g);
	return st;
}

static void remember(struct grep *g, const struct skb_event *ev)
{
	if (ev->track && trackset_add(&g->tracks, ev->track))
		skb_die(2, "out of memory (--follow: too many matching packets)");
}

/* Record handling for each mode.  collect: first pass of --follow over
 * files (ids only, nothing written); windowed: --follow on a pipe. */
enum mode { PLAIN, COLLECT, WINDOWED };

static enum stop on_event(struct grep *g, enum mode m, const struct skb_record *rec)
{
	const struct skb_event *ev = &rec->ev;
	bool matched = sel_match(&g->sel, ev, rec->info);
	switch (m) {
	case COLLECT:
		if (matched)
			remember(g, ev);
		return GO_ON;
	case WINDOWED:
		if (matched)
			remember(g, ev);
		if (window_push_event(&g->win, ev, matched))
			skb_die(2, "out of memory (--follow-buffer)");
		while (window_full(&g->win)) {
			enum stop st = window_release(g);
			if (st != GO_ON)
				return st;
		}
		return GO_ON;
	case PLAIN:
	default:
		return keep(g, ev, matched) ? emit(g, ev) : GO_ON;
	}
}

static enum stop on_lost(struct grep *g, enum mode m, const struct skb_record *rec)
{
	int err = 0;
	if (m == COLLECT)
		return GO_ON;
	if (m == WINDOWED) {
		if (window_push_lost(&g->win, &rec->lost))
			skb_die(2, "out of memory (--follow-buffer)");
		return GO_ON;
	}
	err = out_lost(&g->out, &rec->lost);
	return err ? write_failed(g, err) : GO_ON;
}

/* Open an input; stdin is rewound for the second pass when it is a file. */
static struct skb_reader *open_input(struct grep *g, enum mode m, const char *path,
				     bool rewind)
{
	const char *err = NULL;
	if (rewind && !strcmp(path, "-") && lseek(STDIN_FILENO, 0, SEEK_SET) < 0) {
		skb_warn("-: cannot rewind for --follow: %s", strerror(errno));
		g->status = 2;
		return NULL;
	}
	struct skb_reader *r = skbr_open(path, &err);
	if (!r) {
		if (m != COLLECT)       /* said once, by the pass that writes */
			skb_warn("%s", err ? err : path);
		g->status = 2;
	}
	return r;
}

static enum stop read_input(struct grep *g, enum mode m, const char *path, bool rewind)
{
	struct skb_reader *r = open_input(g, m, path, rewind);
	struct skb_record rec;
	const struct skb_info *info = NULL;
	enum stop st = GO_ON;
	int n;

	if (!r)
		return GO_ON;   /* like grep: report, go on with the next file */
	while (st == GO_ON && (n = skbr_next(r, &rec)) > 0) {
		/* The output section follows the input's: set at the start of
		 * each input and again at each new input section (held --follow
		 * records are released into the section they came from first). */
		if (rec.kind == SKB_SECTION && m == WINDOWED)
			st = window_flush(g);
		if (st == GO_ON && m != COLLECT && (!info || rec.kind == SKB_SECTION)) {
			int err = out_section(&g->out, rec.info);
			if (err)
				st = write_failed(g, err);
		}
		info = rec.info;
		if (st != GO_ON)
			break;
		if (rec.kind == SKB_EVENT)
			st = on_event(g, m, &rec);
		else if (rec.kind == SKB_LOST)
			st = on_lost(g, m, &rec);
	}
	if (st == GO_ON && n < 0) {
		/* damage: the first pass leaves the report to the second */
		st = STOP_DAMAGE;
		if (m != COLLECT) {
			skb_warn("%s", skbr_error(r));
			g->status = 2;
		}
	}
	if (m == WINDOWED && (st == GO_ON || st == STOP_DAMAGE)) {
		enum stop fl = window_flush(g);
		if (st == GO_ON)
			st = fl;
	}
	skbr_close(r);
	return st;
}

static enum stop read_all(struct grep *g, enum mode m, char **paths, int n, bool rewind)
{
	enum stop st = GO_ON;
	for (int i = 0; i < n && st == GO_ON; i++)
		st = read_input(g, m, paths[i], rewind);
	return st;
}

/* Two passes need every input to be a regular file (stdin included). */
static bool all_seekable(char **paths, int n)
{
	struct stat st;
	for (int i = 0; i < n; i++) {
		int ok = !strcmp(paths[i], "-") ? fstat(STDIN_FILENO, &st) : stat(paths[i], &st);
		if (ok == 0 && !S_ISREG(st.st_mode))
			return false;
		if (ok == 0 && !strcmp(paths[i], "-") && lseek(STDIN_FILENO, 0, SEEK_CUR) != 0)
			return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct grep g = { 0 };

	skb_cli_init(argv[0]);
	parse_args(&g, argc, argv);
	char **paths = optind < argc ? argv + optind : stdin_only;
	int npaths = optind < argc ? argc - optind : 1;

	skb_ignore_sigpipe();
	out_init(&g.out, g.o.count ? -1 : skb_open_binary_output(g.o.output),
		 g.o.compress ? SKBW_COMPRESS : 0);

	enum stop st;
	if (!g.o.follow) {
		st = read_all(&g, PLAIN, paths, npaths, false);
	} else if (all_seekable(paths, npaths)) {
		read_all(&g, COLLECT, paths, npaths, false);
		st = read_all(&g, PLAIN, paths, npaths, true);
	} else {
		window_init(&g.win, g.o.follow_buffer);
		st = read_all(&g, WINDOWED, paths, npaths, false);
	}

	int err = out_finish(&g.out, st != STOP_DAMAGE);
	if (err && st != STOP_WRITE)
		write_failed(&g, err);
	if (g.o.count && st != STOP_WRITE) {
		printf("%llu\n", (unsigned long long)g.out.selected);
		if (fflush(stdout) && !skb_is_epipe(errno)) {
			skb_warn("standard output: %s", strerror(errno));
			g.status = 2;
		}
	}
	if (g.o.output && close(g.out.fd) && !g.status) {
		skb_warn("%s: %s", g.o.output, strerror(errno));
		g.status = 2;
	}
	window_free(&g.win);
	trackset_free(&g.tracks);
	sel_free(&g.sel);
	if (g.status)
		return g.status;
	return g.out.selected ? 0 : 1;
}
