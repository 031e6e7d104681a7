/* SPDX-License-Identifier: MIT */
/*
 * record.c - one recording: set up (BTF, probes, BPF programs, output),
 * the record loop (ring buffer -> writer, lost counters, stop conditions,
 * status line), and the end (drain, END record, summary).
 */
#include "skbrec.h"
#include "cli.h"
#include "ring.h"
#include "../../bpf/skbrec.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NS_PER_S        1000000000ull
#define FLUSH_EVERY_NS  (NS_PER_S / 2)   /* a killed recorder loses <= ~1 s */
#define STATUS_EVERY_NS (NS_PER_S / 2)

struct recorder {
	const struct rec_config *cfg;
	struct kbtf btf;
	struct rec_probes probes;
	struct rec_bpf *bpf;
	struct rec_output *out;
	struct events *es;
	struct ring *rb;
	uint64_t *lostvals;     /* one per possible CPU */
	int ncpu;
	pid_t child;            /* --cmd, -1: none or ended */
	int child_status;
	uint64_t events, lost;
	uint64_t missing;       /* events flagged SKB_EV_MISSING */
	int err;                /* first write error, -errno */
	bool full;              /* -c reached */
	bool status_line;
	char host[256];
	struct utsname un;
	char tool[64];
};

static volatile sig_atomic_t stop_sig;

static void on_signal(int sig)
{
	stop_sig = sig;
}

static uint64_t now_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void on_record(void *arg, void *data, size_t size)
{
	struct recorder *r = arg;
	struct skb_event ev;
	int err;

	if (r->err || r->full)
		return;
	if (events_decode(r->es, data, size, &ev))
		return;
	err = recout_event(r->out, &ev);
	if (err) {
		r->err = err;
		return;
	}
	rec_probe_of(ev.probe)->events++;
	r->events++;
	if (ev.flags & SKB_EV_MISSING)
		r->missing++;
	if (r->cfg->count && r->events >= r->cfg->count)
		r->full = true;
}

/* Read the kernel's per-probe lost counters; write a LOST record for each
 * change.  Sets r->lost to the total. */
static void poll_lost(struct recorder *r)
{
	int fd = recbpf_lost_fd(r->bpf);
	uint64_t total = 0;

	for (size_t i = 0; i < r->probes.n; i++) {
		struct rec_probe *p = &r->probes.v[i];
		uint32_t key = p->index;
		uint64_t sum = 0;

		if (bpf_map_lookup_elem(fd, &key, r->lostvals))
			continue;
		for (int c = 0; c < r->ncpu; c++)
			sum += r->lostvals[c];
		if (sum > p->lost) {
			struct skb_lost l = {
				.ts = now_ns(CLOCK_MONOTONIC),
				.count = sum - p->lost,
				.probe = &p->p,
			};
			int err = recout_lost(r->out, &l);

			if (err && !r->err)
				r->err = err;
			p->lost = sum;
		}
		total += p->lost;
	}
	r->lost = total;
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

static void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/*
 * Faults for tests (docs/skbrec.md, "Lost events"), one switch of struct
 * rec_opts each, said out loud when set: a recording made with one is not
 * a recording of the traffic.
 */
static const struct fault {
	const char *name, *what;
	size_t flag;            /* offsetof the bool in struct rec_opts */
} faults[] = {
	{ "unreadable-skb", "each sk_buff copied (raw_tp, kprobe) is read from a bad address, "
	  "its event lost", offsetof(struct rec_opts, fault_unreadable_skb) },
	{ "refuse-kprobe", "the kprobe programs with -f are refused at load",
	  offsetof(struct rec_opts, fault_refuse_kprobe) },
	{ "refuse-fentry", "the fentry and fexit programs of k: and kr: probes are refused "
	  "at load", offsetof(struct rec_opts, fault_refuse_fentry) },
	{ "no-attach-cookie", "kprobes attached as on kernels without bpf_get_attach_cookie "
	  "(one program each)", offsetof(struct rec_opts, fault_no_cookie) },
	{ "no-ptr-mem", "the sk_buff's buffer read as on kernels before 6.17 (through "
	  "bpf_probe_read_kernel)", offsetof(struct rec_opts, fault_no_ptr_mem) },
	{ "verifier-refuses", "the programs skbrec patches itself (tracepoints, fentry/fexit, "
	  "kprobe copies) start with a read above the stack, which the verifier refuses",
	  offsetof(struct rec_opts, fault_bad_insn) },
};

/* SKBREC_FAULT's switch set in ro; -1 after a message for an unknown one. */
static int set_fault(struct rec_opts *ro, const char *name)
{
	char known[256] = "";
	size_t n = 0;

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		if (!strcmp(name, faults[i].name)) {
			skb_warn("SKBREC_FAULT=%s: %s", name, faults[i].what);
			*(bool *)((char *)ro + faults[i].flag) = true;
			return 0;
		}
		if (n < sizeof(known))
			n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "",
					      faults[i].name);
	}
	skb_warn("SKBREC_FAULT=%s: unknown fault (known: %s)", name, known);
	return -1;
}

/* Probes from the specs, then the BPF object loaded and attached. */
static int setup_probes(struct recorder *r)
{
	const struct rec_config *c = r->cfg;
	struct rec_opts ro = {
		.snaplen = c->snaplen,
		.ring_size = c->ring,
		.no_trampoline = c->no_fentry,
		.no_tp_btf = c->no_tp_btf,
	};
	const char *fault = getenv("SKBREC_FAULT");

	if (fault && *fault && set_fault(&ro, fault))
		return -1;
	if (!may_trace()) {
		skb_warn("needs root (or CAP_BPF and CAP_PERFMON) to load BPF programs");
		return -1;
	}
	if (rec_select(c, &ro) ||
	    (c->filter && filter_build(c->filter, c->snaplen < FILTER_MIN_BYTES ?
				       FILTER_MIN_BYTES : c->snaplen, &ro.filter)) ||
	    kbtf_load(&r->btf, true))
		return -1;
	ro.ptr_mem = !ro.fault_no_ptr_mem && kbtf_ptr_mem(&r->btf);
	if (skb_verbose)
		skb_warn("sk_buff buffer: %s", ro.ptr_mem ?
			 "loaded in place (the verifier types it as memory: 6.17+)" :
			 "read through bpf_probe_read_kernel");
	if (probes_resolve(&r->btf, c->specs, c->nspecs, c->stack_all, &r->probes))
		return -1;
	for (size_t i = 0; i < r->probes.n; i++) {
		if (r->probes.v[i].p.kind != SKB_PROBE_TP)
			ro.need_kprobe = true;
		if (r->probes.v[i].group >= 0)
			ro.need_multi = true;
	}
	r->bpf = recbpf_open(&ro);
	if (!r->bpf || recbpf_attach(r->bpf, &r->btf, &r->probes))
		return -1;
	if (skb_verbose)
		for (size_t i = 0; i < r->probes.n; i++)
			if (r->probes.v[i].how)
				skb_warn("%s: attached with %s (skb arg %d)", r->probes.v[i].spec,
					 how_name(r->probes.v[i].how), r->probes.v[i].args.skb);
	return 0;
}

/* The output file(s), the ring buffer reader and the event decoder. */
static int setup_output(struct recorder *r)
{
	const struct rec_config *c = r->cfg;

	gethostname(r->host, sizeof(r->host) - 1);
	uname(&r->un);
	snprintf(r->tool, sizeof(r->tool), "skbrec %s", SKBTOOLS_VERSION);
	struct skb_info info = {
		.major = SKB_VERSION_MAJOR,
		.minor = SKB_VERSION_MINOR,
		.snaplen = c->snaplen,
		.wall_offset = (int64_t)(now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC)),
		.time_base = now_ns(CLOCK_MONOTONIC),
		.tool = r->tool,
		.host = r->host,
		.kernel = r->un.release,
		.cmdline = c->cmdline ? c->cmdline : "skbrec",
	};
	struct recout_opts oo = {
		.path = c->path,
		.rotate_size = c->rotate,
		.keep = c->keep,
		/* events.c keeps one object per probe, interface, context, stack */
		.flags = c->wflags | SKBW_STABLE_REFS,
		.info = &info,
		.btf = &r->btf,
	};

	r->es = events_new(&r->probes, recbpf_stack_fd(r->bpf));
	r->lostvals = calloc((size_t)r->ncpu, sizeof(uint64_t));
	if (!r->es || !r->lostvals) {
		skb_warn("out of memory");
		return -1;
	}
	r->rb = ring_open(recbpf_ring_fd(r->bpf), on_record, r);
	if (!r->rb) {
		skb_warn("ring buffer: %s", strerror(errno));
		return -1;
	}
	/* -Z: everything privileged is done; the files are USER's */
	if (c->user && privs_drop(&c->uid, recbpf_lost_fd(r->bpf)))
		return -1;
	r->out = recout_open(&oo);
	return r->out ? 0 : -1;
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

static void status_line(const struct recorder *r, uint64_t events, uint64_t ns)
{
	char w[32];
	double rate = (double)(r->events - events) * 1e9 / (double)ns;

	human(w, sizeof(w), recout_bytes(r->out));
	fprintf(stderr, "\r%.0f events/s, %llu events, %llu lost, %llu incomplete, "
		"%s written\033[K", rate, (unsigned long long)r->events,
		(unsigned long long)r->lost, (unsigned long long)r->missing, w);
}

/* Until a signal, -c, -d, --cmd's end or a write error. */
static void record_loop(struct recorder *r)
{
	const struct rec_config *c = r->cfg;
	uint64_t t0 = now_ns(CLOCK_MONOTONIC), last_flush = t0, last_status = t0,
		 last_lost = t0, status_events = 0;
	uint64_t deadline = c->duration ? t0 + c->duration * NS_PER_S : 0;
	/* one counter lookup per probe: every 100 ms, or every second when a
	 * glob attached hundreds of probes */
	uint64_t lost_every = r->probes.n <= 256 ? NS_PER_S / 10 : NS_PER_S;

	while (!stop_sig && !r->full && !r->err) {
		/* the kernel wakes us only when a lot is waiting: what is
		 * there is read after the timeout too */
		long n = ring_poll(r->rb, 100);
		uint64_t now;

		if (n < 0 && n != -EINTR) {
			skb_warn("ring buffer: %s", strerror((int)-n));
			r->err = (int)n;
			break;
		}
		now = now_ns(CLOCK_MONOTONIC);
		if (now - last_lost >= lost_every) {
			poll_lost(r);
			last_lost = now;
		}
		if (now - last_flush >= FLUSH_EVERY_NS) {
			int err = recout_flush(r->out);

			if (err && !r->err)
				r->err = err;
			last_flush = now;
		}
		if (r->status_line && now - last_status >= STATUS_EVERY_NS) {
			status_line(r, status_events, now - last_status);
			status_events = r->events;
			last_status = now;
		}
		if (deadline && now >= deadline)
			break;
		if (r->child > 0 && waitpid(r->child, &r->child_status, WNOHANG) == r->child) {
			r->child = -1;
			break;
		}
	}
	if (r->status_line)
		fprintf(stderr, "\r\033[K");
}

/* Stop the probes, drain the ring, close the file; the exit status. */
static int finish(struct recorder *r)
{
	int rc = 0, err;

	recbpf_detach(r->bpf);
	if (!r->err)
		ring_consume(r->rb);
	poll_lost(r);
	if (events_malformed(r->es))
		skb_warn("%llu malformed ring records ignored",
			 (unsigned long long)events_malformed(r->es));
	err = recout_close(r->out);
	r->out = NULL;
	if (err && !r->err)
		r->err = err;
	/* every error was said where it happened; a closed pipe ends quietly */
	if (r->err && !skb_is_epipe(r->err))
		rc = 2;
	fprintf(stderr, "%llu events recorded, %llu lost\n",
		(unsigned long long)r->events, (unsigned long long)r->lost);
	if (r->missing)
		fprintf(stderr, "  %llu events lack packet bytes that could not be read "
			"(flagged in the file; docs/skbrec.md)\n", (unsigned long long)r->missing);
	if (r->lost)
		for (size_t i = 0; i < r->probes.n; i++)
			if (r->probes.v[i].lost)
				fprintf(stderr, "  %s: %llu lost\n", r->probes.v[i].spec,
					(unsigned long long)r->probes.v[i].lost);
	return rc;
}

/* --cmd: stop CMD if it still runs (signal, -c, -d, an error) and take its
 * status as ours when the recording itself went well. */
static int end_child(struct recorder *r, int rc)
{
	if (r->child > 0) {
		kill(r->child, SIGTERM);
		waitpid(r->child, &r->child_status, 0);
		r->child = -1;
	}
	if (rc || !r->cfg->cmd)
		return rc;
	if (WIFEXITED(r->child_status))
		return WEXITSTATUS(r->child_status);
	if (WIFSIGNALED(r->child_status))
		return 128 + WTERMSIG(r->child_status);
	return rc;
}

static void cleanup(struct recorder *r)
{
	if (r->out)
		recout_close(r->out);
	ring_close(r->rb);
	events_free(r->es);
	free(r->lostvals);
	recbpf_close(r->bpf);
	probes_free(&r->probes);
	kbtf_free(&r->btf);
}

int record(const struct rec_config *cfg)
{
	struct recorder r = { .cfg = cfg, .child = -1 };
	int rc = 2;

	r.ncpu = libbpf_num_possible_cpus();
	if (r.ncpu <= 0)
		r.ncpu = 1;
	r.status_line = !cfg->quiet && isatty(STDERR_FILENO);
	/* From here on a signal stops the recording cleanly (also while
	 * attaching: the file then holds whatever came, and its END). */
	catch_stop_signals();
	if (setup_probes(&r) || setup_output(&r))
		goto out;
	if (cfg->cmd && (r.child = run_cmd(cfg->cmd)) < 0)
		goto out;
	record_loop(&r);
	rc = finish(&r);
out:
	rc = end_child(&r, rc);
	cleanup(&r);
	return rc;
}
