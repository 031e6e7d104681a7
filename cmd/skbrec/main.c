/* SPDX-License-Identifier: MIT */
/*
 * skbrec - record sk_buff events (metadata + packet bytes) from tracepoints
 * and kernel functions into a .skb file.
 *
 * main.c: options, the record loop (ring buffer -> writer), lost-event
 * accounting, stop conditions, the summary.
 */
#include "skbrec.h"
#include "cli.h"
#include "../../bpf/skbrec.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SNAPLEN 256
#define MAX_SNAPLEN     (1u << 16)   /* per-CPU slot + one ring record */
#define DEFAULT_RING    (16u << 20)

static const char *const default_probes[] = {
	"tp:net:netif_receive_skb",
	"tp:net:net_dev_start_xmit",
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: skbrec [-p PROBE]... [-o FILE] [-s SNAPLEN] [-c COUNT] [-d SECONDS]\n"
"              [--cmd CMD] [-b SIZE] [-C SIZE [-W N]] [-z] [--stack] [-q] [-v]\n"
"       skbrec -l [PATTERN]\n"
"Record sk_buff events (metadata and packet bytes) from tracepoints and\n"
"kernel functions into a .skb stream.\n"
"\n"
"  -p, --probe PROBE    tp:SUBSYS:NAME, k:FUNC (kprobe:), kr:FUNC (kretprobe:);\n"
"                       no type: one ':' is a tracepoint, else a function;\n"
"                       '*' globs; PROBE/stack also records the kernel stack.\n"
"                       Default: tp:net:netif_receive_skb, tp:net:net_dev_start_xmit\n"
"  -l, --list           list probes with a struct sk_buff * argument (matching PATTERN)\n"
"  -o, --output FILE    write to FILE (mode 0600); '-' or none: stdout (not a tty)\n"
"  -s, --snaplen N      packet bytes per event (default %u, at most %u)\n"
"  -c, --count N        stop after N events\n"
"  -d, --duration SEC   stop after SEC seconds\n"
"      --cmd CMD        run CMD (sh -c) and stop when it exits; its status is ours\n"
"  -b, --buffer SIZE    ring buffer size (k/m/g; power of two, default 16m)\n"
"  -C, --rotate SIZE    write FILE.0, FILE.1, ... of about SIZE each\n"
"  -W, --keep N         with -C, keep only the last N files\n"
"  -z, --compress       compress (zlib blocks)\n"
"      --stack          record the kernel stack of every event\n"
"      --no-fentry      attach functions with kprobes even where fentry works\n"
"      --no-tp-btf      attach tracepoints with raw_tp even where tp_btf works\n"
"  -q, --quiet          no status line\n"
"  -v, --verbose        more messages (-vv: libbpf and verifier logs)\n"
"  -h, --help           this help\n"
"  -V, --version        version\n"
"Stops on SIGINT/SIGTERM, -c, -d or --cmd; prints 'N events recorded, M lost'.\n",
		DEFAULT_SNAPLEN, MAX_SNAPLEN);
}

struct state {
	struct events *es;
	struct output *out;
	struct rec_probes *ps;
	uint64_t events, limit;
	int err;                /* first write error, -errno */
	bool full;              /* -c reached */
};

static int on_record(void *arg, void *data, size_t size)
{
	struct state *st = arg;
	struct skb_event ev;
	int err;

	if (st->err || st->full)
		return 0;
	if (events_decode(st->es, data, size, &ev))
		return 0;
	err = output_event(st->out, &ev);
	if (err) {
		st->err = err;
		return 0;
	}
	st->ps->v[ev.probe->id].events++;
	st->events++;
	if (st->limit && st->events >= st->limit)
		st->full = true;
	return 0;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Read the kernel's per-probe lost counters; write a LOST record for each
 * change.  Returns the total lost. */
static uint64_t poll_lost(struct state *st, int lost_fd, int ncpu, uint64_t *vals)
{
	uint64_t total = 0;

	for (size_t i = 0; i < st->ps->n; i++) {
		struct rec_probe *p = &st->ps->v[i];
		uint32_t key = (uint32_t)i;
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(lost_fd, &key, vals))
			continue;
		for (int c = 0; c < ncpu; c++)
			sum += vals[c];
		if (sum > p->lost) {
			struct skb_lost l = {
				.ts = now_ns(CLOCK_MONOTONIC),
				.count = sum - p->lost,
				.probe = &p->p,
			};
			int err = output_lost(st->out, &l);

			if (err && !st->err)
				st->err = err;
			p->lost = sum;
		}
		total += p->lost;
	}
	return total;
}

static void human(char *buf, size_t sz, uint64_t n)
{
	if (n >= 10ull << 30)
		snprintf(buf, sz, "%llu GiB", (unsigned long long)(n >> 30));
	else if (n >= 10ull << 20)
		snprintf(buf, sz, "%llu MiB", (unsigned long long)(n >> 20));
	else if (n >= 10ull << 10)
		snprintf(buf, sz, "%llu KiB", (unsigned long long)(n >> 10));
	else
		snprintf(buf, sz, "%llu B", (unsigned long long)n);
}

/* Tracing needs CAP_SYS_ADMIN, or CAP_BPF + CAP_PERFMON (5.8+).  Say so in
 * one line instead of letting the first BPF call fail obscurely. */
static bool may_trace(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d))
		return true;   /* cannot tell: let the kernel decide */
#define HAS(c) (d[(c) / 32].effective & (1u << ((c) % 32)))
	return HAS(21 /* CAP_SYS_ADMIN */) ||
	       (HAS(39 /* CAP_BPF */) && HAS(38 /* CAP_PERFMON */));
#undef HAS
}

static pid_t run_cmd(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	if (pid < 0)
		skb_warn("--cmd: fork: %s", strerror(errno));
	return pid;
}

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

enum { OPT_CMD = 256, OPT_STACK, OPT_NO_FENTRY, OPT_NO_TP_BTF };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "probe", required_argument, NULL, 'p' },
		{ "list", no_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "snaplen", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "duration", required_argument, NULL, 'd' },
		{ "cmd", required_argument, NULL, OPT_CMD },
		{ "buffer", required_argument, NULL, 'b' },
		{ "rotate", required_argument, NULL, 'C' },
		{ "keep", required_argument, NULL, 'W' },
		{ "compress", no_argument, NULL, 'z' },
		{ "stack", no_argument, NULL, OPT_STACK },
		{ "no-fentry", no_argument, NULL, OPT_NO_FENTRY },
		{ "no-tp-btf", no_argument, NULL, OPT_NO_TP_BTF },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	char **specs = NULL;
	size_t nspecs = 0;
	const char *path = NULL, *cmd = NULL;
	uint64_t snaplen = DEFAULT_SNAPLEN, count = 0, duration = 0,
		 ring = DEFAULT_RING, rotate = 0, keep = 0, v;
	bool list = false, quiet = false, stack_all = false, no_fentry = false,
	     no_tp_btf = false;
	int flags = 0, c, rc = 2;

	skb_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "p:lo:s:c:d:b:C:W:zqvhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': {
			char **n = realloc(specs, (nspecs + 1) * sizeof(*n));

			if (!n)
				skb_die(2, "out of memory");
			specs = n;
			specs[nspecs++] = optarg;
			break;
		}
		case 'l': list = true; break;
		case 'o': path = optarg; break;
		case 's':
			if (skb_parse_u64("-s", optarg, 1, MAX_SNAPLEN, &snaplen))
				return 2;
			break;
		case 'c':
			if (skb_parse_u64("-c", optarg, 1, UINT64_MAX, &count))
				return 2;
			break;
		case 'd':
			if (skb_parse_u64("-d", optarg, 1, 86400ull * 365, &duration))
				return 2;
			break;
		case OPT_CMD: cmd = optarg; break;
		case 'b':
			if (skb_parse_size("-b", optarg, 4096, 1ull << 30, &ring))
				return 2;
			break;
		case 'C':
			if (skb_parse_size("-C", optarg, 4096, UINT64_MAX, &rotate))
				return 2;
			break;
		case 'W':
			if (skb_parse_u64("-W", optarg, 1, 1000000, &keep))
				return 2;
			break;
		case 'z': flags |= SKBW_COMPRESS; break;
		case OPT_STACK: stack_all = true; break;
		case OPT_NO_FENTRY: no_fentry = true; break;
		case OPT_NO_TP_BTF: no_tp_btf = true; break;
		case 'q': quiet = true; break;
		case 'v': skb_verbose++; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("skbrec %s\n", SKBTOOLS_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	skb_ignore_sigpipe();

	struct kbtf k;

	if (list) {
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
	if (optind < argc) {
		skb_warn("unexpected argument '%s' (probes go after -p)", argv[optind]);
		usage(stderr);
		return 2;
	}
	if ((rotate || keep) && (!path || !strcmp(path, "-"))) {
		skb_warn("-C/-W need -o FILE");
		return 2;
	}
	if (keep && !rotate) {
		skb_warn("-W needs -C");
		return 2;
	}
	/* ring buffer: a power of two of pages */
	for (v = 4096; v < ring; v <<= 1)
		;
	ring = v;

	/* Refuse a terminal before loading anything. */
	if ((!path || !strcmp(path, "-")) && isatty(STDOUT_FILENO))
		skb_die(2, "refusing to write binary data to a terminal "
			   "(pipe into skbcat, or use -o FILE)");

	if (!may_trace())
		skb_die(2, "needs root (or CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN) "
			   "to load BPF programs");
	if (kbtf_load(&k, true))
		return 2;

	struct rec_probes ps;
	bool need_kprobe = false, need_multi = false;

	if (!nspecs) {
		specs = malloc(sizeof(default_probes));
		if (!specs)
			skb_die(2, "out of memory");
		for (size_t i = 0; i < 2; i++)
			specs[nspecs++] = (char *)default_probes[i];
	}
	if (probes_resolve(&k, specs, nspecs, stack_all, &ps)) {
		kbtf_free(&k);
		free(specs);
		return 2;
	}
	for (size_t i = 0; i < ps.n; i++) {
		if (ps.v[i].p.kind != SKB_PROBE_TP)
			need_kprobe = true;
		if (ps.v[i].group >= 0)
			need_multi = true;
	}

	struct rec_opts ro = {
		.snaplen = (uint32_t)snaplen,
		.ring_size = ring,
		.need_kprobe = need_kprobe,
		.need_multi = need_multi,
		.no_trampoline = no_fentry,
		.no_tp_btf = no_tp_btf,
	};
	struct rec_bpf *b = NULL;
	struct output *out = NULL;
	struct events *es = NULL;
	struct ring_buffer *rb = NULL;
	uint64_t *lostvals = NULL;
	char host[256] = "", *cmdline = join_args(argc, argv), tool[64];
	struct utsname un;
	pid_t child = -1;
	int child_status = 0, ncpu = libbpf_num_possible_cpus();

	if (ncpu <= 0)
		ncpu = 1;
	/* From here on a signal stops the recording cleanly (also while
	 * attaching: the file then holds whatever came, and its END). */
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	b = recbpf_open(&ro);
	if (!b)
		goto out;
	if (recbpf_attach(b, &k, &ps))
		goto out;

	gethostname(host, sizeof(host) - 1);
	uname(&un);
	snprintf(tool, sizeof(tool), "skbrec %s", SKBTOOLS_VERSION);
	struct skb_info info = {
		.major = SKB_VERSION_MAJOR,
		.minor = SKB_VERSION_MINOR,
		.snaplen = (uint32_t)snaplen,
		.wall_offset = (int64_t)(now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC)),
		.time_base = now_ns(CLOCK_MONOTONIC),
		.tool = tool,
		.host = host,
		.kernel = un.release,
		.cmdline = cmdline ? cmdline : "skbrec",
	};
	struct output_opts oo = {
		.path = path,
		.rotate_size = rotate,
		.keep = (unsigned)keep,
		.flags = flags,
		.info = &info,
		.btf = &k,
	};
	out = output_open(&oo);
	if (!out)
		goto out;
	es = events_new(&ps, recbpf_stack_fd(b));
	lostvals = calloc((size_t)ncpu, sizeof(uint64_t));
	if (!es || !lostvals) {
		skb_warn("out of memory");
		goto out;
	}

	struct state st = { .es = es, .out = out, .ps = &ps, .limit = count };

	rb = ring_buffer__new(recbpf_ring_fd(b), on_record, &st, NULL);
	if (!rb) {
		skb_warn("ring buffer: %s", strerror(errno));
		goto out;
	}

	if (skb_verbose)
		for (size_t i = 0; i < ps.n; i++)
			if (ps.v[i].how)
				skb_warn("%s: attached with %s (skb arg %d)", ps.v[i].spec,
					 how_name(ps.v[i].how), ps.v[i].args.skb);
	if (cmd) {
		child = run_cmd(cmd);
		if (child < 0)
			goto out;
	}

	bool status = !quiet && isatty(STDERR_FILENO);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC), last_flush = t0, last_status = t0,
		 last_lost = t0, status_events = 0, lost_total = 0;
	uint64_t deadline = duration ? t0 + duration * 1000000000ull : 0;

	while (!stop_sig && !st.full && !st.err) {
		int n = ring_buffer__poll(rb, 100);
		uint64_t now;

		if (n < 0 && n != -EINTR) {
			skb_warn("ring buffer: %s", strerror(-n));
			st.err = n;
			break;
		}
		/* the kernel wakes us only when a lot is waiting */
		ring_buffer__consume(rb);
		now = now_ns(CLOCK_MONOTONIC);
		/* one lookup per probe: every 100 ms, or every second when
		 * a glob attached hundreds of probes */
		if (now - last_lost >= (ps.n <= 256 ? 100000000ull : 1000000000ull)) {
			lost_total = poll_lost(&st, recbpf_lost_fd(b), ncpu, lostvals);
			last_lost = now;
		}
		if (now - last_flush >= 500000000ull) {
			int err = output_flush(out);

			if (err && !st.err)
				st.err = err;
			last_flush = now;
		}
		if (status && now - last_status >= 500000000ull) {
			char w[32];
			double rate = (double)(st.events - status_events) * 1e9 /
				      (double)(now - last_status);

			human(w, sizeof(w), output_bytes(out));
			fprintf(stderr, "\r%.0f events/s, %llu events, %llu lost, %s written\033[K",
				rate, (unsigned long long)st.events,
				(unsigned long long)lost_total, w);
			status_events = st.events;
			last_status = now;
		}
		if (deadline && now >= deadline)
			break;
		if (child > 0 && waitpid(child, &child_status, WNOHANG) == child) {
			child = -1;
			break;
		}
	}
	if (status)
		fprintf(stderr, "\r\033[K");

	/* Stop the probes, then drain what is already in the ring. */
	recbpf_detach(b);
	if (!st.err)
		ring_buffer__consume(rb);
	lost_total = poll_lost(&st, recbpf_lost_fd(b), ncpu, lostvals);
	if (events_malformed(es))
		skb_warn("%llu malformed ring records ignored",
			 (unsigned long long)events_malformed(es));
	{
		int err = output_close(out);

		out = NULL;
		if (err && !st.err)
			st.err = err;
	}
	if (st.err && !skb_is_epipe(st.err)) {
		skb_warn("%s: %s", path && strcmp(path, "-") ? path : "stdout",
			 strerror(-st.err));
		rc = 2;
	} else {
		rc = 0;
	}
	fprintf(stderr, "%llu events recorded, %llu lost\n",
		(unsigned long long)st.events, (unsigned long long)lost_total);
	if (lost_total)
		for (size_t i = 0; i < ps.n; i++)
			if (ps.v[i].lost)
				fprintf(stderr, "  %s: %llu lost\n", ps.v[i].spec,
					(unsigned long long)ps.v[i].lost);
	if (cmd && rc == 0) {
		if (child > 0) {   /* stopped by a signal, -c or -d: CMD still runs */
			kill(child, SIGTERM);
			waitpid(child, &child_status, 0);
		}
		if (WIFEXITED(child_status))
			rc = WEXITSTATUS(child_status);
		else if (WIFSIGNALED(child_status))
			rc = 128 + WTERMSIG(child_status);
	}
out:
	if (out)
		output_close(out);
	ring_buffer__free(rb);
	events_free(es);
	free(lostvals);
	recbpf_close(b);
	probes_free(&ps);
	kbtf_free(&k);
	free(specs);
	free(cmdline);
	return rc;
}
