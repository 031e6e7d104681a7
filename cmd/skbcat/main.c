/* SPDX-License-Identifier: MIT */
/*
 * skbcat - print recorded sk_buff events for people (text) or scripts
 * (JSON Lines).  Several inputs are merged in time order, like mergecap:
 * one pending record per input, the earliest printed first.
 */
#include "cli.h"
#include "opts.h"
#include "skbcat.h"

#include <errno.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_BUF   (256u << 10)
#define SCRATCH   (1u << 20)      /* one rendered event for --flows */
#define FLOWS_WINDOW_DEFAULT 10000u

enum { OPT_TIME = 256, OPT_FLOWS, OPT_FLOWS_WINDOW };

static const struct skb_option options[] = {
	{ 't', NULL, NULL, "same as --time=wall" },
	{ OPT_TIME, "time", "FMT", "mono (default: monotonic ns), wall (local ISO 8601),\n"
	  "utc, rel (seconds since the first event),\n"
	  "delta (seconds since the previous event)" },
	{ 'e', NULL, NULL, "print Ethernet addresses and ethertype" },
	{ 'v', NULL, NULL, "print skb metadata lines" },
	{ 'x', NULL, NULL, "print a hex and ASCII dump of the captured bytes" },
	{ 'j', "json", NULL, "JSON Lines, one object per event or lost record\n"
	  "(schema: docs/json.md)" },
	{ OPT_FLOWS, "flows", NULL, "group events by tracking id, a packet's journey with\n"
	  "the time between hops" },
	{ OPT_FLOWS_WINDOW, "flows-window", "N", "records held back for --flows (default 10000)" },
	{ 'l', "line-buffered", NULL, "write every record at once (output is otherwise\n"
	  "written in blocks, and when a pipe input is idle)" },
	{ 'c', NULL, "N", "stop after N events" },
	SKB_OPT_HELP,
	SKB_OPT_VERSION,
	SKB_OPT_END,
};

static const struct skb_cmdline cmdline = {
	.synopsis = "[OPTION]... [FILE]...",
	.about = "Print the events of .skb recordings (FILE '-' or none: standard input).\n"
		 "Several files are merged in time order (wall clock when the files know it).\n",
	.opts = options,
	.epilog = "Exit status: 0 ok, 2 bad usage, unreadable or damaged input.\n",
};

struct input {
	struct skb_reader *r;
	const char *name;
	struct skb_record rec;
	struct rec_time t;
	bool have;          /* rec is a pending EVENT or LOST */
	bool done;
	bool warned;
	char error[512];    /* damage found, reported at the end */
};

/* One run of skbcat: options, inputs, output. */
struct cat {
	struct cat_opts opt;
	struct strbuf out;
	char *outmem;
	char *scratch;          /* one rendered event for --flows */
	bool line_buffered;     /* -l */
	uint64_t max_events;    /* -c */
	struct input *in;
	int nin;
	struct flows *flows;
	struct time_state ts;
	int status;
};

/*
 * Ctrl-C in `skbrec -o - | skbcat` reaches both.  skbrec then flushes its
 * last events and closes the pipe; skbcat keeps reading to print them.  A
 * second Ctrl-C (the default action again) ends skbcat at once.
 */
static void on_interrupt(int sig)
{
	(void)sig;      /* nothing: the writer will end the input */
}

static void drain_on_interrupt(void)
{
	struct sigaction sa;
	if (sigaction(SIGINT, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
		return;         /* started ignoring it (background job): keep that */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sa.sa_flags = SA_RESTART | SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

/* The reader is about to wait on a live input: hand out what is printed. */
static void on_idle(void *arg)
{
	sb_flush(&((struct cat *)arg)->out);
}

/* Next EVENT or LOST record of an input; sections and ends are absorbed. */
static void fetch(struct cat *cat, struct input *in)
{
	in->have = false;
	while (!in->done) {
		int r = skbr_next(in->r, &in->rec);
		if (r == 0) {
			in->done = true;
			return;
		}
		if (r < 0) {
			/* said at the end, after everything before the damage is out
			 * (also what --flows still holds and the other inputs) */
			snprintf(in->error, sizeof(in->error), "%s", skbr_error(in->r));
			cat->status = 2;
			in->done = true;
			return;
		}
		if (in->rec.kind != SKB_EVENT && in->rec.kind != SKB_LOST)
			continue;
		uint64_t ts = in->rec.kind == SKB_EVENT ? in->rec.ev.ts : in->rec.lost.ts;
		in->t.mono = ts;
		in->t.has_wall = in->rec.info && in->rec.info->wall_offset;
		in->t.wall = skb_wall_ns(in->rec.info, ts);
		if (!in->t.has_wall && !in->warned &&
		    (cat->nin > 1 || cat->opt.time == TF_WALL || cat->opt.time == TF_UTC)) {
			skb_warn("%s: no wall-clock offset in the file; using monotonic time",
				 in->name);
			in->warned = true;
		}
		in->have = true;
		return;
	}
}

static void print_record(struct cat *cat, struct input *in)
{
	const struct skb_record *rec = &in->rec;
	const struct cat_opts *o = &cat->opt;

	if (o->json) {
		if (rec->kind == SKB_EVENT)
			render_event_json(&cat->out, o, &rec->ev, &in->t, in->name);
		else
			render_lost_json(&cat->out, &rec->lost, &in->t, in->name);
		return;
	}
	if (!cat->flows) {
		if (rec->kind == SKB_EVENT)
			render_event_text(&cat->out, o, &rec->ev, &in->t, &cat->ts, "");
		else
			render_lost_text(&cat->out, &rec->lost, "");
		return;
	}
	struct strbuf sb;
	sb_init(&sb, cat->scratch, SCRATCH, -1);
	if (rec->kind == SKB_EVENT) {
		render_event_text(&sb, o, &rec->ev, &in->t, &cat->ts, "  ");
		flows_add(cat->flows, &cat->out, rec->ev.track, rec_time_key(&in->t),
			  sb.buf, sb.len);
	} else {
		render_lost_text(&sb, &rec->lost, "");
		flows_add(cat->flows, &cat->out, 0, rec_time_key(&in->t), sb.buf, sb.len);
	}
}

static int parse_time(struct cat_opts *o, const char *s)
{
	static const struct { const char *name; enum time_fmt f; } fmts[] = {
		{ "mono", TF_MONO }, { "wall", TF_WALL }, { "utc", TF_UTC },
		{ "rel", TF_REL }, { "delta", TF_DELTA },
	};
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		if (!strcmp(s, fmts[i].name)) {
			o->time = fmts[i].f;
			return 0;
		}
	}
	skb_warn("--time: '%s' is not one of mono, wall, utc, rel, delta", s);
	return 2;
}

/* One option into cat: 0, or 2 after a message. */
static int take_option(struct cat *cat, int c)
{
	struct cat_opts *o = &cat->opt;
	uint64_t v;

	switch (c) {
	case 't': o->time = TF_WALL; return 0;
	case 'e': o->show_eth = true; return 0;
	case 'v': o->verbose = true; return 0;
	case 'x': o->hex = true; return 0;
	case 'l': cat->line_buffered = true; return 0;
	case 'j': o->json = true; return 0;
	case OPT_TIME: return parse_time(o, optarg);
	case OPT_FLOWS: o->flows = true; return 0;
	case OPT_FLOWS_WINDOW:
		if (skb_parse_u64("--flows-window", optarg, 1, 10000000, &v))
			return 2;
		o->flows_window = (uint32_t)v;
		return 0;
	case 'c':
		return skb_parse_u64("-c", optarg, 1, UINT64_MAX, &cat->max_events) ? 2 : 0;
	}
	return 2;
}

/* The inputs named on the command line (none: standard input). */
static int open_inputs(struct cat *cat, int n, char **paths)
{
	char *stdin_only[] = { "-" };
	int nstdin = 0;

	if (!n) {
		paths = stdin_only;
		n = 1;
	}
	for (int i = 0; i < n; i++)
		nstdin += !strcmp(paths[i], "-");
	if (nstdin > 1) {
		skb_warn("standard input ('-') can be read only once");
		return 2;
	}
	cat->in = calloc((unsigned)n, sizeof(*cat->in));
	if (!cat->in) {
		skb_warn("out of memory");
		return 2;
	}
	cat->nin = n;
	for (int i = 0; i < n; i++) {
		struct input *in = &cat->in[i];
		char err[512];

		in->r = skbr_open(paths[i], err, sizeof(err));
		if (!in->r) {
			skb_warn("%s", err);   /* names the file */
			cat->status = 2;
			in->done = true;
			continue;
		}
		in->name = skbr_name(in->r);
		skbr_set_idle(in->r, on_idle, cat);
		if (!strcmp(paths[i], "-") && !isatty(STDIN_FILENO)) {
			struct stat st;
			if (!fstat(STDIN_FILENO, &st) && !S_ISREG(st.st_mode))
				drain_on_interrupt();
		}
	}
	return 0;
}

/* Print the inputs merged in time order, until they end or -c is reached. */
static void merge(struct cat *cat)
{
	uint64_t events = 0;

	for (int i = 0; i < cat->nin; i++)
		fetch(cat, &cat->in[i]);
	while (!cat->out.err) {
		struct input *best = NULL;
		for (int i = 0; i < cat->nin; i++) {
			struct input *in = &cat->in[i];
			if (in->have && (!best || rec_time_key(&in->t) < rec_time_key(&best->t)))
				best = in;
		}
		if (!best || events >= cat->max_events)
			break;
		if (best->rec.kind == SKB_EVENT)
			events++;
		print_record(cat, best);
		if (cat->line_buffered)
			sb_flush(&cat->out);
		fetch(cat, best);
	}
	if (cat->flows && !cat->out.err)
		flows_finish(cat->flows, &cat->out);
	sb_flush(&cat->out);
}

static void cat_free(struct cat *cat)
{
	flows_free(cat->flows);
	for (int i = 0; i < cat->nin; i++)
		if (cat->in[i].r)
			skbr_close(cat->in[i].r);
	free(cat->in);
	free(cat->outmem);
	free(cat->scratch);
}

int main(int argc, char **argv)
{
	struct cat cat = {
		.opt = { .time = TF_MONO, .flows_window = FLOWS_WINDOW_DEFAULT },
		.max_events = UINT64_MAX,
	};
	int c, rc = 0;

	skb_cli_init(argv[0]);
	while (!rc && (c = skb_getopt(&cmdline, argc, argv)) != -1) {
		if (c == 'h' || c == 'V')
			return 0;
		rc = take_option(&cat, c);
	}
	if (!rc && cat.opt.json && cat.opt.flows) {
		skb_warn("--flows is for text output; with -j group by the \"track\" key");
		rc = 2;
	}
	cat.outmem = malloc(OUT_BUF);
	cat.scratch = cat.opt.flows ? malloc(SCRATCH) : NULL;
	if (!rc && (!cat.outmem || (cat.opt.flows && !cat.scratch))) {
		skb_warn("out of memory");
		rc = 2;
	}
	if (!rc)
		rc = open_inputs(&cat, optind < argc ? argc - optind : 0, argv + optind);
	if (rc) {
		cat_free(&cat);
		return rc;
	}
	skb_ignore_sigpipe();
	sb_init(&cat.out, cat.outmem, OUT_BUF, STDOUT_FILENO);
	cat.flows = cat.opt.flows ? flows_new(cat.opt.flows_window) : NULL;
	merge(&cat);
	if (cat.out.err) {
		/* the reader of our output went away (skbcat x | head): quiet */
		cat.status = skb_is_epipe(cat.out.err) ? 0 : 2;
		if (cat.status)
			skb_warn("write: %s", strerror(cat.out.err));
	} else {
		for (int i = 0; i < cat.nin; i++)
			if (cat.in[i].error[0])
				skb_warn("%s", cat.in[i].error);
	}
	cat_free(&cat);
	return cat.status;
}
