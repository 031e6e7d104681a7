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
#include "opts.h"
#include "skb.h"

#include "output.h"
#include "select.h"
#include "trackset.h"
#include "window.h"

#include <errno.h>
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
enum stop { GO_ON, STOP_MAX, STOP_DAMAGE, STOP_WRITE, STOP_ERROR };

struct grep {
	struct opts o;
	struct selector sel;
	struct grep_output out;
	struct trackset tracks; /* --follow: ids of packets that matched */
	struct window win;      /* --follow on a pipe */
	uint64_t lost;          /* events the recorder lost, from lost records */
	int status;             /* 2 once any error was reported */
};

enum {
	OPT_RX_IFACE = 256, OPT_NETNS, OPT_PID, OPT_COMM, OPT_MARK, OPT_DROP,
	OPT_REASON, OPT_TRACK, OPT_SINCE, OPT_UNTIL, OPT_FOLLOW, OPT_FOLLOW_BUFFER,
};

static const struct skb_option options[] = {
	SKB_OPT_HEADING("Selectors (different options AND together, a repeated option ORs):"),
	{ 'p', "probe", "PATTERN", "probe: a word matches inside the spec ('xmit'),\n"
	  "'*?[' make a glob, 'tp:' 'k:' 'kr:' restrict the type" },
	SKB_OPT_IFACE("interface name or index"),
	{ 'i', "interface", "IFACE", NULL },
	{ OPT_RX_IFACE, "rx-iface", NULL, "-i tests the receiving interface (skb_iif) instead" },
	SKB_OPT_FILTER,
	{ OPT_NETNS, "netns", "INODE", "network namespace inode" },
	{ OPT_PID, "pid", "PID", "process id (tgid) in the event's context" },
	{ OPT_COMM, "comm", "NAME", "command name (glob with '*?[')" },
	{ OPT_MARK, "mark", "VALUE[/MASK]", "skb->mark" },
	{ OPT_DROP, "drop", NULL, "drop events only" },
	{ OPT_REASON, "reason", "NAME", "drop reason, with or without SKB_DROP_REASON_, or a number" },
	{ OPT_TRACK, "track", "ID", "tracking id" },
	{ OPT_SINCE, "since", "T", "events at or after T   (T: monotonic ns as in the" },
	{ OPT_UNTIL, "until", "T", "events at or before T   events, @EPOCH_SECONDS, or\n"
	  "YYYY-MM-DD[THH:MM[:SS[.FRAC]]][Z|+HH:MM])" },
	{ OPT_FOLLOW, "follow", NULL, "also keep every other event of the packets (tracking\n"
	  "ids) that matched; two passes over files, a bounded\n"
	  "buffer on pipes" },
	{ OPT_FOLLOW_BUFFER, "follow-buffer", "SIZE", "memory for --follow on a pipe (default 64M)" },
	SKB_OPT_HEADING("Output:"),
	{ 'v', "invert-match", NULL, "keep the events that do not match" },
	{ 'c', "count", NULL, "print only the number of selected events" },
	{ 'm', "max-count", "N", "stop after N selected events" },
	SKB_OPT_OUTPUT("write to FILE instead of standard output"),
	SKB_OPT_COMPRESS,
	SKB_OPT_HELP,
	SKB_OPT_VERSION,
	SKB_OPT_END,
};

static const struct skb_cmdline cmdline = {
	.synopsis = "[OPTION]... [FILE]...",
	.about = "Keep the events of .skb recordings that match; write them as .skb.\n"
		 "Reads FILEs, or standard input when none or '-'.",
	.opts = options,
	.epilog = "Exit status: 0 something selected, 1 nothing selected, 2 error.\n"
		  "Example: skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr -\n",
};

/* One option: 0, or non-zero after a message. */
static int take_option(struct grep *g, int c)
{
	struct selector *s = &g->sel;

	switch (c) {
	case 'p': return sel_add_probe(s, optarg);
	case 'i': return sel_add_iface(s, optarg);
	case OPT_RX_IFACE: s->rx_iface = true; return 0;
	case 'f': return sel_add_filter(s, optarg);
	case OPT_NETNS: return sel_add_netns(s, optarg);
	case OPT_PID: return sel_add_pid(s, optarg);
	case OPT_COMM: return sel_add_comm(s, optarg);
	case OPT_MARK: return sel_add_mark(s, optarg);
	case OPT_DROP: s->drop = true; return 0;
	case OPT_REASON: return sel_add_reason(s, optarg);
	case OPT_TRACK: return sel_add_track(s, optarg);
	case OPT_SINCE: return sel_set_since(s, optarg);
	case OPT_UNTIL: return sel_set_until(s, optarg);
	case OPT_FOLLOW: g->o.follow = true; return 0;
	case OPT_FOLLOW_BUFFER:
		return skb_parse_size("--follow-buffer", optarg, 1u << 16, SIZE_MAX / 2,
				      &g->o.follow_buffer);
	case 'v': g->o.invert = true; return 0;
	case 'c': g->o.count = true; return 0;
	case 'm': return skb_parse_u64("-m", optarg, 1, UINT64_MAX, &g->o.max);
	case 'o': g->o.output = optarg; return 0;
	case 'z': g->o.compress = true; return 0;
	}
	return -1;
}

/* The options into g: 0, -1 to exit 0 (help, version), 2 on bad usage. */
static int parse_args(struct grep *g, int argc, char **argv)
{
	struct selector *s = &g->sel;
	int c, bad = 0;

	g->o.follow_buffer = FOLLOW_BUFFER_DEFAULT;
	while ((c = skb_getopt(&cmdline, argc, argv)) != -1) {
		if (c == 'h' || c == 'V')
			return -1;
		if (c == '?')
			return 2;   /* skb_getopt said what and where to look */
		bad |= take_option(g, c);
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
		skb_usage_hint();
		return 2;
	}
	return 0;
}

/* ---- one pass over the inputs ---- */

/* An output error ends the run: quietly (status kept) for a closed pipe. */
static enum stop write_failed(struct grep *g, int err)
{
	if (!skb_is_epipe(err)) {
		const char *o = g->o.output;

		skb_warn("%s: %s", o && strcmp(o, "-") ? o : "standard output", strerror(-err));
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

/* rec: the event as read, written as it is (NULL: ev held by --follow) */
static enum stop emit(struct grep *g, const struct skb_event *ev, const struct skb_record *rec)
{
	int err = gout_event(&g->out, ev, rec);
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
		err = gout_lost(&g->out, &e->lost);
	else if (keep(g, &e->ev, e->matched))
		st = emit(g, &e->ev, NULL);
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

/* Out of memory while reading: what is selected so far is still written. */
static enum stop no_memory(struct grep *g, const char *what)
{
	skb_warn("out of memory (%s)", what);
	g->status = 2;
	return STOP_ERROR;
}

static enum stop remember(struct grep *g, const struct skb_event *ev)
{
	if (ev->track && trackset_add(&g->tracks, ev->track))
		return no_memory(g, "--follow: too many matching packets");
	return GO_ON;
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
		return matched ? remember(g, ev) : GO_ON;
	case WINDOWED:
		if (matched && remember(g, ev) != GO_ON)
			return STOP_ERROR;
		if (window_push_event(&g->win, ev, matched))
			return no_memory(g, "--follow-buffer");
		while (window_full(&g->win)) {
			enum stop st = window_release(g);
			if (st != GO_ON)
				return st;
		}
		return GO_ON;
	case PLAIN:
	default:
		return keep(g, ev, matched) ? emit(g, ev, rec) : GO_ON;
	}
}

static enum stop on_lost(struct grep *g, enum mode m, const struct skb_record *rec)
{
	int err = 0;
	if (m == COLLECT)
		return GO_ON;
	g->lost += rec->lost.count;
	if (m == WINDOWED) {
		if (window_push_lost(&g->win, &rec->lost))
			return no_memory(g, "--follow-buffer");
		return GO_ON;
	}
	err = gout_lost(&g->out, &rec->lost);
	return err ? write_failed(g, err) : GO_ON;
}

/* Open an input; stdin is rewound for the second pass when it is a file. */
static struct skb_reader *open_input(struct grep *g, enum mode m, const char *path,
				     bool rewind)
{
	char err[512];
	if (rewind && !strcmp(path, "-") && lseek(STDIN_FILENO, 0, SEEK_SET) < 0) {
		skb_warn("-: cannot rewind for --follow: %s", strerror(errno));
		g->status = 2;
		return NULL;
	}
	struct skb_reader *r = skbr_open(path, err, sizeof(err));
	if (!r) {
		if (m != COLLECT)       /* said once, by the pass that writes */
			skb_warn("%s", err);
		g->status = 2;
	}
	return r;
}

/* The reader is about to wait on a live input: pass on what is selected
 * (skbrec -o - | skbgrep ... | skbcat shows events as they come). */
static void on_idle(void *arg)
{
	gout_flush(arg);
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
	gout_new_input(&g->out);
	if (m == PLAIN)
		skbr_set_idle(r, on_idle, &g->out);
	while (st == GO_ON && (n = skbr_next(r, &rec)) > 0) {
		/* The output section follows the input's: set at the start of
		 * each input and again at each new input section (held --follow
		 * records are released into the section they came from first). */
		if (rec.kind == SKB_SECTION && m == WINDOWED)
			st = window_flush(g);
		if (st == GO_ON && m != COLLECT && (!info || rec.kind == SKB_SECTION)) {
			int err = gout_section(&g->out, rec.info);
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

/* Every pass the options ask for. */
static enum stop run(struct grep *g, char **paths, int npaths)
{
	enum stop st;

	if (!g->o.follow)
		return read_all(g, PLAIN, paths, npaths, false);
	if (all_seekable(paths, npaths)) {
		st = read_all(g, COLLECT, paths, npaths, false);
		return st == STOP_ERROR ? st : read_all(g, PLAIN, paths, npaths, true);
	}
	window_init(&g->win, g->o.follow_buffer);
	return read_all(g, WINDOWED, paths, npaths, false);
}

int main(int argc, char **argv)
{
	static char *stdin_only[] = { "-" };
	struct grep g = { 0 };
	int fd = -1, rc;

	skb_cli_init(argv[0]);
	rc = parse_args(&g, argc, argv);
	if (!rc) {
		skb_ignore_sigpipe();
		if (!g.o.count && (fd = skb_open_binary_output(g.o.output)) < 0)
			rc = 2;
	}
	if (rc) {
		sel_free(&g.sel);
		return rc < 0 ? 0 : rc;
	}
	char **paths = optind < argc ? argv + optind : stdin_only;
	int npaths = optind < argc ? argc - optind : 1;

	/* the reader's dictionary objects stay put until it is closed */
	gout_init(&g.out, fd, (g.o.compress ? SKBW_COMPRESS : 0) | SKBW_STABLE_REFS);
	enum stop st = run(&g, paths, npaths);
	/* after damage or an error the output stays visibly unfinished */
	int err = gout_finish(&g.out, st != STOP_DAMAGE && st != STOP_ERROR);
	if (err && st != STOP_WRITE)
		write_failed(&g, err);
	if (g.o.count && st != STOP_WRITE) {
		printf("%llu\n", (unsigned long long)g.out.selected);
		/* a count is only as good as the recording: say what it missed */
		if (g.lost)
			skb_warn("the input lost %llu events while recording (not counted)",
				 (unsigned long long)g.lost);
		if (fflush(stdout) && !skb_is_epipe(errno)) {
			skb_warn("standard output: %s", strerror(errno));
			g.status = 2;
		}
	}
	if (fd > STDERR_FILENO && close(fd) && !g.status) {
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
