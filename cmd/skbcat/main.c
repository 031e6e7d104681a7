/* SPDX-License-Identifier: MIT */
/*
 * skbcat - print recorded sk_buff events for people (text) or scripts
 * (JSON Lines).  Several inputs are merged in time order, like mergecap:
 * one pending record per input, the earliest printed first.
 */
#include "cli.h"
#include "skbcat.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OUT_BUF   (256u << 10)
#define SCRATCH   (1u << 20)      /* one rendered event for --flows */
#define FLOWS_WINDOW_DEFAULT 10000u

static const char usage_text[] =
"usage: skbcat [OPTION]... [FILE]...\n"
"Print the events of .skb recordings (FILE '-' or none: standard input).\n"
"Several files are merged in time order (wall clock when the files know it).\n"
"\n"
"  -t                  same as --time=wall\n"
"      --time=FMT      mono (default: monotonic ns), wall (local ISO 8601),\n"
"                      utc, rel (seconds since the first event),\n"
"                      delta (seconds since the previous event)\n"
"  -e                  print Ethernet addresses and ethertype\n"
"  -v                  print skb metadata lines\n"
"  -x                  print a hex and ASCII dump of the captured bytes\n"
"  -j, --json          JSON Lines, one object per event or lost record\n"
"                      (schema: docs/json.md)\n"
"      --flows         group events by tracking id, a packet's journey with\n"
"                      the time between hops\n"
"      --flows-window=N  records held back for --flows (default 10000)\n"
"  -l, --line-buffered write every record at once (output is otherwise\n"
"                      written in blocks, and when a pipe input is idle)\n"
"  -c N                stop after N events\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"Exit status: 0 ok, 2 bad usage, unreadable or damaged input.\n";

struct input {
	struct skb_reader *r;
	const char *name;
	struct skb_record rec;
	struct rec_time t;
	int live_fd;        /* a pipe we may wait on (flush first), else -1 */
	bool have;          /* rec is a pending EVENT or LOST */
	bool done;
	bool warned;
	char error[512];    /* damage found, reported at the end */
};

static struct cat_opts opt = { .time = TF_MONO, .flows_window = FLOWS_WINDOW_DEFAULT };
static char outmem[OUT_BUF];
static struct strbuf out;
static int status;
static bool line_buffered;  /* -l */

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

static void out_check(void)
{
	if (!out.err)
		return;
	if (skb_is_epipe(out.err))
		exit(0);        /* reader went away (skbcat x | head): quiet */
	skb_die(2, "write: %s", strerror(out.err));
}

/* Next EVENT or LOST record of an input; sections and ends are absorbed. */
static void fetch(struct input *in, bool many)
{
	in->have = false;
	while (!in->done) {
		/*
		 * Live input (skbrec -o - | skbcat): before a read that may wait,
		 * hand out what is printed so far.  A pipe with nothing to read
		 * right now is the sign; regular files never wait.
		 */
		if (in->live_fd >= 0 && out.len) {
			struct pollfd pfd = { .fd = in->live_fd, .events = POLLIN };
			if (poll(&pfd, 1, 0) == 0) {
				sb_flush(&out);
				out_check();
			}
		}
		int r = skbr_next(in->r, &in->rec);
		if (r == 0) {
			in->done = true;
			return;
		}
		if (r < 0) {
			/* said at the end, after everything before the damage is out
			 * (also what --flows still holds and the other inputs) */
			snprintf(in->error, sizeof(in->error), "%s", skbr_error(in->r));
			status = 2;
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
		    (many || opt.time == TF_WALL || opt.time == TF_UTC)) {
			skb_warn("%s: no wall-clock offset in the file; using monotonic time",
				 in->name);
			in->warned = true;
		}
		in->have = true;
		return;
	}
}

static void print_record(struct input *in, struct flows *fl, struct time_state *st)
{
	static char scratch[SCRATCH];
	const struct skb_record *rec = &in->rec;
	if (opt.json) {
		if (rec->kind == SKB_EVENT)
			render_event_json(&out, &opt, &rec->ev, &in->t, in->name);
		else
			render_lost_json(&out, &rec->lost, &in->t, in->name);
		return;
	}
	if (!fl) {
		if (rec->kind == SKB_EVENT)
			render_event_text(&out, &opt, &rec->ev, &in->t, st, "");
		else
			render_lost_text(&out, &rec->lost, "");
		return;
	}
	struct strbuf sb;
	sb_init(&sb, scratch, sizeof(scratch), -1);
	if (rec->kind == SKB_EVENT) {
		render_event_text(&sb, &opt, &rec->ev, &in->t, st, "  ");
		flows_add(fl, &out, rec->ev.track, rec_time_key(&in->t), sb.buf, sb.len);
	} else {
		render_lost_text(&sb, &rec->lost, "");
		flows_add(fl, &out, 0, rec_time_key(&in->t), sb.buf, sb.len);
	}
}

static int parse_time(const char *s)
{
	static const struct { const char *name; enum time_fmt f; } fmts[] = {
		{ "mono", TF_MONO }, { "wall", TF_WALL }, { "utc", TF_UTC },
		{ "rel", TF_REL }, { "delta", TF_DELTA },
	};
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		if (!strcmp(s, fmts[i].name)) {
			opt.time = fmts[i].f;
			return 0;
		}
	}
	skb_warn("--time: '%s' is not one of mono, wall, utc, rel, delta", s);
	return -1;
}

int main(int argc, char **argv)
{
	enum { OPT_TIME = 256, OPT_FLOWS, OPT_FLOWS_WINDOW };
	static const struct option longopts[] = {
		{ "time", required_argument, NULL, OPT_TIME },
		{ "json", no_argument, NULL, 'j' },
		{ "line-buffered", no_argument, NULL, 'l' },
		{ "flows", no_argument, NULL, OPT_FLOWS },
		{ "flows-window", required_argument, NULL, OPT_FLOWS_WINDOW },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t max_events = UINT64_MAX, v;
	int c;

	skb_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "tevxjlc:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 't': opt.time = TF_WALL; break;
		case 'e': opt.show_eth = true; break;
		case 'v': opt.verbose = true; break;
		case 'x': opt.hex = true; break;
		case 'l': line_buffered = true; break;
		case 'j': opt.json = true; break;
		case OPT_TIME:
			if (parse_time(optarg))
				return 2;
			break;
		case OPT_FLOWS: opt.flows = true; break;
		case OPT_FLOWS_WINDOW:
			if (skb_parse_u64("--flows-window", optarg, 1, 10000000, &v))
				return 2;
			opt.flows_window = (uint32_t)v;
			break;
		case 'c':
			if (skb_parse_u64("-c", optarg, 1, UINT64_MAX, &max_events))
				return 2;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("skbcat (skbtools) %s\n", SKBTOOLS_VERSION);
			return 0;
		default:
			fputs("Try 'skbcat --help'.\n", stderr);
			return 2;
		}
	}
	if (opt.json && opt.flows)
		skb_die(2, "--flows is for text output; with -j group by the \"track\" key");

	int nin = optind < argc ? argc - optind : 0;
	char *stdin_only[] = { "-" };
	char **paths = nin ? argv + optind : stdin_only;
	if (!nin)
		nin = 1;
	int nstdin = 0;
	for (int i = 0; i < nin; i++)
		nstdin += !strcmp(paths[i], "-");
	if (nstdin > 1)
		skb_die(2, "standard input ('-') can be read only once");

	skb_ignore_sigpipe();
	sb_init(&out, outmem, sizeof(outmem), STDOUT_FILENO);

	struct input *in = calloc((unsigned)nin, sizeof(*in));
	if (!in)
		skb_die(2, "out of memory");
	for (int i = 0; i < nin; i++) {
		const char *err = NULL;
		in[i].live_fd = -1;
		in[i].name = !strcmp(paths[i], "-") ? "(stdin)" : paths[i];
		in[i].r = skbr_open(paths[i], &err);
		if (!in[i].r) {
			/* the reader's message already names the file */
			if (err && !strncmp(err, paths[i], strlen(paths[i])))
				skb_warn("%s", err);
			else
				skb_warn("%s: %s", paths[i], err ? err : "cannot open");
			status = 2;
			in[i].done = true;
			continue;
		}
		in[i].name = skbr_name(in[i].r);
		struct stat stt;
		if (!strcmp(paths[i], "-") && !fstat(STDIN_FILENO, &stt) &&
		    (S_ISFIFO(stt.st_mode) || S_ISSOCK(stt.st_mode) || S_ISCHR(stt.st_mode)))
			in[i].live_fd = STDIN_FILENO;
		if (in[i].live_fd >= 0)
			drain_on_interrupt();
	}
	for (int i = 0; i < nin; i++)
		if (in[i].r)
			fetch(&in[i], nin > 1);

	struct flows *fl = opt.flows ? flows_new(opt.flows_window) : NULL;
	struct time_state st = { .started = false };
	uint64_t events = 0;
	for (;;) {
		struct input *best = NULL;
		for (int i = 0; i < nin; i++) {
			if (!in[i].have)
				continue;
			if (!best || rec_time_key(&in[i].t) < rec_time_key(&best->t))
				best = &in[i];
		}
		if (!best || events >= max_events)
			break;
		if (best->rec.kind == SKB_EVENT)
			events++;
		print_record(best, fl, &st);
		if (line_buffered)
			sb_flush(&out);
		out_check();
		fetch(best, nin > 1);
	}
	if (fl)
		flows_finish(fl, &out);
	sb_flush(&out);
	out_check();
	for (int i = 0; i < nin; i++)
		if (in[i].error[0])
			skb_warn("%s", in[i].error);
	flows_free(fl);
	for (int i = 0; i < nin; i++)
		if (in[i].r)
			skbr_close(in[i].r);
	free(in);
	return status;
}
