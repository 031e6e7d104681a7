/* SPDX-License-Identifier: MIT */
/*
 * attach.c - load skbrec's BPF object and attach one program per probe.
 *
 * The object is loaded once (maps, CO-RE relocations).  Trampoline programs
 * (tp_btf, fentry, fexit) must name their target at load time, and raw
 * tracepoints carry no cookie on most kernels, so every tracepoint or
 * function probe gets its own copy of a template (skb_btf for trampolines
 * and tp_btf, skb_ctx for raw_tp): its final instructions (map fds already
 * in place) with the probe's config word patched in, loaded with
 * bpf_prog_load().  kprobes use the template programs themselves and get
 * the config word as the attach cookie (one kprobe-multi link per glob);
 * on kernels without attach cookies (before 5.15) they get a patched copy
 * each too (skb_kprobe_cfg & co.), attached to a kprobe perf event
 * (kprobe_pmu.c).
 *
 * Fallbacks: tracepoints tp_btf -> raw_tp; functions fentry/fexit -> kprobe
 * / kretprobe; function globs kprobe-multi first.  When nothing works the
 * error says what the kernel lacks.
 */
#include "skbrec.h"
#include "cli.h"
#include "../../bpf/skbrec.h"
#include "skbrec.skel.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ENOTSUPP
#define ENOTSUPP 524   /* kernel-internal "not supported", seen by BPF users */
#endif

#define KPROBE_PMU KPROBE_PMU_DIR "/type"

struct rec_bpf {
	struct skbrec_bpf *skel;
	bool kprobe_ok, multi_ok;
	bool kprobe_cfg;                /* kprobes by patched copies (no attach cookie) */
	bool no_trampoline, no_tp_btf;
	bool fault_refuse_fentry;       /* SKBREC_FAULT=refuse-fentry */
	int kprobe_err, multi_err;      /* why the templates did not load */
	int *fds;                       /* instance programs and raw links */
	size_t nfds, capfds;
	struct bpf_link **links;
	size_t nlinks, caplinks;
	int *obj_fds;                   /* module BTF fds by kbtf index, -2 unknown */
	int nobj;
	struct rec_filter filter;       /* -f, spliced into each skb_ctx instance */
};

const char *how_name(enum rec_how h)
{
	switch (h) {
	case HOW_TP_BTF: return "tp_btf";
	case HOW_RAW_TP: return "raw_tp";
	case HOW_FENTRY: return "fentry";
	case HOW_FEXIT: return "fexit";
	case HOW_KPROBE: return "kprobe";
	case HOW_KRETPROBE: return "kretprobe";
	case HOW_KPROBE_MULTI: return "kprobe-multi";
	case HOW_KRETPROBE_MULTI: return "kretprobe-multi";
	default: return "-";
	}
}

static const char *errstr(int err)
{
	if (err < 0)
		err = -err;
	if (err == ENOTSUPP)
		return "not supported by this kernel";
	return strerror(err);
}

static int keep_fd(struct rec_bpf *b, int fd)
{
	if (b->nfds == b->capfds) {
		size_t cap = b->capfds ? b->capfds * 2 : 64;
		int *v = realloc(b->fds, cap * sizeof(*v));

		if (!v) {
			close(fd);
			return -ENOMEM;
		}
		b->fds = v;
		b->capfds = cap;
	}
	b->fds[b->nfds++] = fd;
	return 0;
}

static int keep_link(struct rec_bpf *b, struct bpf_link *l)
{
	if (b->nlinks == b->caplinks) {
		size_t cap = b->caplinks ? b->caplinks * 2 : 16;
		struct bpf_link **v = realloc(b->links, cap * sizeof(*v));

		if (!v) {
			bpf_link__destroy(l);
			return -ENOMEM;
		}
		b->links = v;
		b->caplinks = cap;
	}
	b->links[b->nlinks++] = l;
	return 0;
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN && skb_verbose)
		return vfprintf(stderr, fmt, ap);
	if (skb_verbose > 1)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static void perm_hint(int err)
{
	if (err == EPERM || err == EACCES)
		skb_warn("permission denied loading BPF programs: run as root "
			 "(or with CAP_BPF and CAP_PERFMON)");
	else
		skb_warn("cannot load the BPF programs: %s (run with -vv for "
			 "the verifier's log)", errstr(err));
}

static struct bpf_insn *splice_filter(struct bpf_insn *insn, size_t *n,
				      const struct rec_filter *f, bool need);

static bool fault_refuse_kprobe;   /* SKBREC_FAULT=refuse-kprobe */
static bool fault_bad_insn;        /* SKBREC_FAULT=verifier-refuses */

/* -f for the programs libbpf loads itself (the kprobe templates): their
 * instructions get the filter in libbpf's last step before the load. */
static int kprobe_prepare(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			  long cookie)
{
	const struct rec_filter *f = (const struct rec_filter *)cookie;

	if (fault_refuse_kprobe)
		return -EACCES;
	size_t n = bpf_program__insn_cnt(prog);
	struct bpf_insn *v = malloc(n * sizeof(*v));
	int err;

	(void)opts;
	if (!v)
		return -ENOMEM;
	memcpy(v, bpf_program__insns(prog), n * sizeof(*v));
	v = splice_filter(v, &n, f, false);   /* (the kretprobe entry has no call) */
	if (!v)
		return -EINVAL;
	err = bpf_program__set_insns(prog, v, n);
	free(v);
	return err;
}

/* Handlers for the kprobe sections when a filter is to be spliced in. */
static void kprobe_handlers(const struct rec_filter *f)
{
	static const struct { const char *sec; enum bpf_attach_type eat; } secs[4] = {
		{ "kprobe", 0 }, { "kretprobe", 0 },
		{ "kprobe.multi", BPF_TRACE_KPROBE_MULTI },
		{ "kretprobe.multi", BPF_TRACE_KPROBE_MULTI },
	};

	if (!f->insns)
		return;
	for (int i = 0; i < 4; i++) {
		LIBBPF_OPTS(libbpf_prog_handler_opts, ho, .cookie = (long)f,
			    .prog_prepare_load_fn = kprobe_prepare);
		libbpf_register_prog_handler(secs[i].sec, BPF_PROG_TYPE_KPROBE, secs[i].eat, &ho);
	}
}

static struct skbrec_bpf *open_load_skel(const struct rec_opts *o, const struct kmem *km,
					 bool kprobe, bool multi, bool cfg, int *err)
{
	struct skbrec_bpf *s = skbrec_bpf__open();
	int ncpu = libbpf_num_possible_cpus();
	/* twice the snaplen, the fragment copy's state and the tracker's
	 * bytes: see the scratch map in bpf/skbrec.bpf.c */
	uint32_t copy = o->filter.insns && o->snaplen < FILTER_MIN_BYTES ? FILTER_MIN_BYTES :
			o->snaplen;
	uint32_t vsize = (uint32_t)(sizeof(struct skbrec_event) + 2 * copy + SKBREC_SCRATCH_TAIL + 7) & ~7u;

	if (!s) {
		*err = errno;
		return NULL;
	}
	if (ncpu <= 0)
		ncpu = 1;
	s->rodata->snaplen = o->snaplen;
	if (o->filter.insns) {
		/* the filter sees FILTER_MIN_BYTES at least; store_len is kept */
		s->rodata->filter_on = 1;
		s->rodata->store_len = o->snaplen;
		if (o->snaplen < FILTER_MIN_BYTES)
			s->rodata->snaplen = FILTER_MIN_BYTES;
		/* the filter runs first on the linear bytes it can load at
		 * most (1: it loads none; all that is copied: no bound) */
		s->rodata->filter_need = o->filter.need >= copy ? copy :
					 o->filter.need ? o->filter.need : 1;
	}
	s->rodata->ptr_mem = o->ptr_mem;
	s->rodata->sel_on = o->sel_on;
	s->rodata->sel_ifindex = o->sel_ifindex;
	s->rodata->sel_netns = o->sel_netns;
	s->rodata->sel_mark = o->sel_mark;
	s->rodata->sel_mark_mask = o->sel_mark_mask;
	s->rodata->sel_follow = o->sel_follow;
	s->rodata->track_marks_on = o->sel_on || o->filter.insns;
	s->rodata->fault_unreadable_skb = o->fault_unreadable_skb;
	s->rodata->mem_pob_sym = km->pob_sym;
	s->rodata->mem_vmemmap_sym = km->vmemmap_sym;
	s->rodata->mem_max_pfn = km->max_pfn;
	/* wake the reader when an eighth of the ring is filled, and from one
	 * CPU at most once in the time the ring takes to fill a sixteenth
	 * more at 1 GB/s (16 MiB: ~1 ms; bpf/skbrec.bpf.c says why) */
	s->rodata->wake_bytes = (uint32_t)(o->ring_size / 8);
	s->rodata->wake_gap_ns = o->ring_size / 16;
	if (bpf_map__set_max_entries(s->maps.events, (uint32_t)o->ring_size) ||
	    bpf_map__set_value_size(s->maps.scratch, vsize) ||
	    bpf_map__set_max_entries(s->maps.scratch, (uint32_t)ncpu * SKBREC_NEST_MAX) ||
	    bpf_map__set_max_entries(s->maps.skbcopy, (uint32_t)ncpu * SKBREC_NEST_MAX)) {
		*err = errno;
		skbrec_bpf__destroy(s);
		return NULL;
	}
	bpf_program__set_autoload(s->progs.skb_kprobe, kprobe && !cfg);
	bpf_program__set_autoload(s->progs.skb_kret_entry, kprobe && !cfg);
	bpf_program__set_autoload(s->progs.skb_kretprobe, kprobe && !cfg);
	bpf_program__set_autoload(s->progs.skb_kprobe_cfg, kprobe && cfg);
	bpf_program__set_autoload(s->progs.skb_kret_entry_cfg, kprobe && cfg);
	bpf_program__set_autoload(s->progs.skb_kretprobe_cfg, kprobe && cfg);
	bpf_program__set_autoload(s->progs.skb_kprobe_multi, multi);
	bpf_program__set_autoload(s->progs.skb_kret_entry_multi, multi);
	bpf_program__set_autoload(s->progs.skb_kretprobe_multi, multi);
	*err = -skbrec_bpf__load(s);
	if (*err) {
		skbrec_bpf__destroy(s);
		return NULL;
	}
	return s;
}

static struct skbrec_bpf *open_load(const struct rec_opts *o, const struct kmem *km,
				    bool kprobe, bool multi, bool cfg, int *err)
{
	static bool registered;

	/* Registered from the first open (which picks a section's handler)
	 * and never unregistered: libbpf 1.1's unregister of the last handler
	 * frees its table but keeps the pointer, and the next register (the
	 * retry without the kprobe templates after a refusal) freed it again
	 * (a double free, found when 6.1 refused a kprobe program with -f).
	 * The handlers only serve the sections of our own object. */
	fault_refuse_kprobe = o->fault_refuse_kprobe;
	fault_bad_insn = o->fault_bad_insn;
	if (!registered) {
		kprobe_handlers(&o->filter);
		registered = true;
	}
	return open_load_skel(o, km, kprobe, multi, cfg, err);
}

struct rec_bpf *recbpf_open(const struct rec_opts *o)
{
	struct rec_bpf *b = calloc(1, sizeof(*b));
	bool kprobe = o->need_kprobe, multi = o->need_kprobe && o->need_multi, cfg = false;
	struct kmem km;
	int err = 0;

	if (!b) {
		skb_warn("out of memory");
		return NULL;
	}
	libbpf_set_print(silent_print);
	kmem_layout(&km);
	if (skb_verbose && *km.why)
		skb_warn("page fragments: %s", km.why);
	/* Without attach cookies (before 5.15; kprobe-multi came later) the
	 * kprobes are patched copies, as the tracepoints are everywhere. */
	if (kprobe && (o->fault_no_cookie ||
		       libbpf_probe_bpf_helper(BPF_PROG_TYPE_KPROBE, BPF_FUNC_get_attach_cookie,
					       NULL) == 0)) {
		cfg = true;
		multi = false;
	}
	/* Try with every template needed; drop the kprobe-multi ones, then the
	 * kprobe ones, when this kernel refuses them (remembering why). */
	for (;;) {
		b->skel = open_load(o, &km, kprobe, multi, cfg, &err);
		if (b->skel)
			break;
		if (!kprobe && !multi) {
			perm_hint(err);
			free(b);
			return NULL;
		}
		if (multi) {
			multi = false;
			b->multi_err = err;
		} else {
			kprobe = false;
			b->kprobe_err = err;
		}
	}
	b->kprobe_ok = kprobe;
	b->kprobe_cfg = cfg;
	b->multi_ok = multi;
	b->filter = o->filter;
	b->no_trampoline = o->no_trampoline;
	b->fault_refuse_fentry = o->fault_refuse_fentry;
	b->no_tp_btf = o->no_tp_btf;
	if (!b->multi_err && o->need_multi && !multi)
		b->multi_err = b->kprobe_err;
	return b;
}

int recbpf_ring_fd(const struct rec_bpf *b)
{
	return bpf_map__fd(b->skel->maps.events);
}

int recbpf_lost_fd(const struct rec_bpf *b)
{
	return bpf_map__fd(b->skel->maps.lost);
}

int recbpf_stack_fd(const struct rec_bpf *b)
{
	return bpf_map__fd(b->skel->maps.stacks);
}

static uint64_t cfg_of(const struct rec_probe *p)
{
	return SKBREC_CFG(p->index, p->args.skb,
			  p->args.reason < 0 ? SKBREC_NO_ARG : p->args.reason, p->stack);
}

/*
 * -f: the template's BPF-to-BPF calls go to its filter subprograms
 * (filter_match() on copied bytes, filter_match_mem() on bytes in place),
 * the last ones (every other function is inlined); each of their bodies,
 * from the first target to the end, becomes a copy of the translated
 * filter, and the calls are pointed at the copies.  *n shrinks or grows.
 */
#define FILTER_SUBPROGS 2
static struct bpf_insn *splice_filter(struct bpf_insn *insn, size_t *n,
				      const struct rec_filter *f, bool need)
{
	size_t to[FILTER_SUBPROGS], nto = 0, first = SIZE_MAX, calls = 0;
	bool bad = false;
	struct bpf_insn *v;

	for (size_t i = 0; i < *n; i++)
		if (insn[i].code == (BPF_JMP | BPF_CALL) && insn[i].src_reg == BPF_PSEUDO_CALL) {
			size_t t = i + 1 + (size_t)(int64_t)insn[i].imm, k = 0;

			while (k < nto && to[k] != t)
				k++;
			if (k == nto && nto < FILTER_SUBPROGS)
				to[nto++] = t;
			else if (k == nto)
				bad = true;   /* more targets than subprograms */
			if (t < first)
				first = t;
			if (i >= first)
				bad = true;   /* a call inside a subprogram */
			calls++;
		}
	if (!calls && !need)
		return insn;   /* a program without the filter call */
	if (!calls || bad || !first || first >= *n) {
		skb_warn("internal error: the BPF template's filter call is not where expected");
		free(insn);
		return NULL;
	}
	v = realloc(insn, (first + nto * f->n) * sizeof(*v));
	if (!v) {
		free(insn);
		return NULL;
	}
	for (size_t i = 0; i < first; i++)
		if (v[i].code == (BPF_JMP | BPF_CALL) && v[i].src_reg == BPF_PSEUDO_CALL) {
			size_t t = i + 1 + (size_t)(int64_t)v[i].imm, k = 0;

			while (to[k] != t)
				k++;
			v[i].imm = (int32_t)(first + k * f->n - (i + 1));
		}
	for (size_t k = 0; k < nto; k++)
		memcpy(v + first + k * f->n, f->insns, f->n * sizeof(*v));
	*n = first + nto * f->n;
	return v;
}

/* A copy of template t (skb_ctx, track_copy) with cfg in place of the
 * magic immediate (and skb_ctx with the -f filter in filter_match()). */
static int load_instance(const struct bpf_program *t, const struct rec_filter *f,
			 enum bpf_prog_type type, enum bpf_attach_type eat,
			 int obj_fd, uint32_t btf_id, uint64_t cfg)
{
	const struct bpf_insn *src = bpf_program__insns(t);
	size_t n = bpf_program__insn_cnt(t);
	struct bpf_insn *insn = malloc(n * sizeof(*insn));
	const uint32_t lo = (uint32_t)SKBREC_CFG_MAGIC, hi = (uint32_t)(SKBREC_CFG_MAGIC >> 32);
	int patched = 0, fd;
	char *log = NULL;
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = eat,
		    .attach_btf_id = btf_id,
		    .attach_btf_obj_fd = obj_fd > 0 ? obj_fd : 0);

	if (!insn)
		return -ENOMEM;
	memcpy(insn, src, n * sizeof(*insn));
	for (size_t i = 0; i + 1 < n; i++)
		if (insn[i].code == (BPF_LD | BPF_IMM | BPF_DW) && insn[i].src_reg == 0 &&
		    (uint32_t)insn[i].imm == lo && (uint32_t)insn[i + 1].imm == hi) {
			insn[i].imm = (int32_t)(uint32_t)cfg;
			insn[i + 1].imm = (int32_t)(uint32_t)(cfg >> 32);
			patched++;
			i++;
		}
	if (!patched) {
		free(insn);
		skb_warn("internal error: no config slot in the BPF template");
		return -EINVAL;
	}
	if (f && f->insns && !(insn = splice_filter(insn, &n, f, true)))
		return -EINVAL;
	if (fault_bad_insn)   /* r0 = *(u64 *)(r10 + 8): above the stack */
		insn[0] = (struct bpf_insn){ .code = BPF_LDX | BPF_MEM | BPF_DW,
					     .dst_reg = BPF_REG_0, .src_reg = BPF_REG_10,
					     .off = 8 };
	if (skb_verbose > 1) {
		/* -vv: the statistics alone (level 4); level 1 formats every
		 * instruction walked (under TCG the 14 loads of k:ip_r* took
		 * 3-4 times as long; now 15.0 s against 14.4 without -vv), so
		 * it is asked for only to explain a refusal */
		log = calloc(1, 1 << 20);
		opts.log_buf = log;
		opts.log_size = log ? 1 << 20 : 0;
		opts.log_level = log ? 4 : 0;
	}
	fd = bpf_prog_load(type, "skbrec", "Dual MIT/GPL", insn, n, &opts);
	if (fd < 0) {
		fd = -errno;
		if (log) {
			int again;

			*log = 0;
			opts.log_level = 1;
			again = bpf_prog_load(type, "skbrec", "Dual MIT/GPL", insn, n, &opts);
			if (again >= 0)
				close(again);   /* refused once: keep the first answer */
			if (*log)
				fprintf(stderr, "%s\n", log);
		}
	} else if (log) {
		/* -vv: how hard the verifier worked (its limit: 1M insns) */
		const char *st = strstr(log, "processed ");

		if (st)
			fprintf(stderr, "skbrec: verifier: %.*s\n", (int)strcspn(st, "\n"), st);
	}
	free(log);
	free(insn);
	return fd;
}

static int obj_fd_of(struct rec_bpf *b, struct kbtf *k, const struct kbtf_src *src)
{
	int i = (int)(src - k->src);

	if (i == 0)
		return 0;
	if (!b->obj_fds) {
		b->obj_fds = malloc(k->n * sizeof(int));
		if (!b->obj_fds)
			return -1;
		for (int j = 0; j < k->n; j++)
			b->obj_fds[j] = -2;
		b->nobj = k->n;
	}
	if (b->obj_fds[i] == -2)
		b->obj_fds[i] = kbtf_obj_fd(src);
	return b->obj_fds[i];
}

/* Load + raw-tracepoint-open; the link fd keeps the program alive. */
static int attach_template(struct rec_bpf *b, const struct bpf_program *t,
			   enum bpf_prog_type type, enum bpf_attach_type eat,
			   int obj_fd, uint32_t btf_id, uint64_t cfg, const char *tp_name)
{
	bool probe = t == b->skel->progs.skb_ctx || t == b->skel->progs.skb_btf;
	int pfd = load_instance(t, probe ? &b->filter : NULL, type, eat, obj_fd, btf_id, cfg),
	    lfd, err;

	if (pfd < 0)
		return pfd;
	lfd = bpf_raw_tracepoint_open(tp_name, pfd);
	if (lfd < 0) {
		err = -errno;
		close(pfd);
		return err;
	}
	if ((err = keep_fd(b, pfd)) || (err = keep_fd(b, lfd)))
		return err;
	return 0;
}

/* After a refused load: where to look (the verifier refuses with EACCES;
 * with -f, EINVAL and E2BIG may be the filter's size too). */
static const char *refusal_hint(const struct rec_bpf *b, int err)
{
	if (b->filter.insns && (err == -EINVAL || err == -EACCES || err == -E2BIG))
		return " (the program holds the -f filter: -vv prints the verifier's log)";
	return err == -EACCES ? " (the verifier refused it: -vv prints its log)" : "";
}

/* A probe: the template that reads the sk_buff directly where BTF types
 * the arguments (tp_btf, fentry, fexit), the one that copies it for raw_tp. */
static int attach_instance(struct rec_bpf *b, enum bpf_prog_type type,
			   enum bpf_attach_type eat, int obj_fd, uint32_t btf_id,
			   uint64_t cfg, const char *tp_name)
{
	return attach_template(b, type == BPF_PROG_TYPE_TRACING ? b->skel->progs.skb_btf :
			       b->skel->progs.skb_ctx, type, eat, obj_fd, btf_id, cfg, tp_name);
}

static int attach_tp(struct rec_bpf *b, struct kbtf *k, struct rec_probe *p)
{
	uint64_t cfg = cfg_of(p);
	int obj = obj_fd_of(b, k, p->src), e1, e2;

	e1 = b->no_tp_btf ? -ECANCELED : obj < 0 ? -ENOENT :
	     attach_instance(b, BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, obj,
			     p->btf_id, cfg, NULL);
	if (!e1) {
		p->how = HOW_TP_BTF;
		return 0;
	}
	e2 = attach_instance(b, BPF_PROG_TYPE_RAW_TRACEPOINT, 0, 0, 0, cfg, p->event);
	if (!e2) {
		p->how = HOW_RAW_TP;
		if (skb_verbose && e1 != -ECANCELED)
			skb_warn("%s: tp_btf failed (%s), using raw_tp", p->spec, errstr(e1));
		return 0;
	}
	if (!p->glob || skb_verbose)
		skb_warn("%s: cannot attach: tp_btf: %s; raw_tp: %s%s", p->spec, errstr(e1),
			 errstr(e2), refusal_hint(b, e2));
	return -1;
}

/* One line on why kprobes cannot be used here. */
static void kprobe_why(struct rec_bpf *b, int err, char *buf, size_t sz)
{
	if (access(KPROBE_PMU, F_OK))
		snprintf(buf, sz, "this kernel has no kprobes (CONFIG_KPROBES/"
			 "CONFIG_KPROBE_EVENTS not set: %s missing)", KPROBE_PMU);
	else if (!b->kprobe_ok)
		snprintf(buf, sz, "kprobe programs do not load on this kernel (%s)",
			 errstr(b->kprobe_err));
	else
		snprintf(buf, sz, "%s", errstr(err));
}

static void fentry_why(int err, bool ret, char *buf, size_t sz)
{
	if (err == -ECANCELED)
		snprintf(buf, sz, "%s: not tried (--no-fentry)", ret ? "fexit" : "fentry");
	else if (err == -EPERM || err == -ENOTSUPP || err == -EOPNOTSUPP || err == -EINVAL)
		snprintf(buf, sz, "%s: this kernel refuses BPF trampolines (%s; needs "
			 "CONFIG_DYNAMIC_FTRACE_WITH_DIRECT_CALLS and an unlocked kernel)",
			 ret ? "fexit" : "fentry", errstr(err));
	else
		snprintf(buf, sz, "%s: %s", ret ? "fexit" : "fentry", errstr(err));
}

/* A kprobe (kretprobe: its entry and its return) by patched copies of the
 * _cfg templates, each on its own perf event. */
static int attach_kprobe_cfg(struct rec_bpf *b, struct rec_probe *p, bool ret)
{
	struct skbrec_bpf *s = b->skel;
	/* a kretprobe's entry only stashes the arguments: no filter there */
	struct { const struct bpf_program *prog; bool ret, filter; } part[2] = {
		{ ret ? s->progs.skb_kret_entry_cfg : s->progs.skb_kprobe_cfg, false, !ret },
		{ s->progs.skb_kretprobe_cfg, true, true },
	};

	size_t before = b->nfds;
	int err = 0;

	for (int i = 0; i < (ret ? 2 : 1) && !err; i++) {
		int fd = load_instance(part[i].prog, part[i].filter ? &b->filter : NULL,
				       BPF_PROG_TYPE_KPROBE, 0, 0, 0, cfg_of(p));

		if (fd >= 0 && !(err = keep_fd(b, fd)))
			fd = kprobe_pmu_attach(p->event, part[i].ret, fd);
		if (!err)
			err = fd < 0 ? fd : keep_fd(b, fd);
	}
	/* a kretprobe's entry without its return would only fill kret_args */
	while (err && b->nfds > before)
		close(b->fds[--b->nfds]);
	return err;
}

static int attach_kprobe_one(struct rec_bpf *b, struct rec_probe *p, int *err)
{
	bool ret = p->p.kind == SKB_PROBE_KRETPROBE;
	LIBBPF_OPTS(bpf_kprobe_opts, o, .bpf_cookie = cfg_of(p));
	struct bpf_link *l1, *l2 = NULL;

	if (!b->kprobe_ok) {
		*err = -b->kprobe_err;
		return -1;
	}
	if (p->args.skb >= SKBREC_KPROBE_ARGS || p->args.reason >= SKBREC_KPROBE_ARGS) {
		*err = -E2BIG;
		return -1;
	}
	if (b->kprobe_cfg) {
		if ((*err = attach_kprobe_cfg(b, p, ret)))
			return -1;
		p->how = ret ? HOW_KRETPROBE : HOW_KPROBE;
		return 0;
	}
	l1 = bpf_program__attach_kprobe_opts(ret ? b->skel->progs.skb_kret_entry :
					     b->skel->progs.skb_kprobe, p->event, &o);
	if (!l1) {
		*err = -errno;
		return -1;
	}
	if (ret) {
		o.retprobe = true;
		l2 = bpf_program__attach_kprobe_opts(b->skel->progs.skb_kretprobe,
						     p->event, &o);
		if (!l2) {
			*err = -errno;
			bpf_link__destroy(l1);
			return -1;
		}
	}
	if (keep_link(b, l1) || (l2 && keep_link(b, l2))) {
		*err = -ENOMEM;
		return -1;
	}
	p->how = ret ? HOW_KRETPROBE : HOW_KPROBE;
	return 0;
}

static int attach_func(struct rec_bpf *b, struct kbtf *k, struct rec_probe *p)
{
	bool ret = p->p.kind == SKB_PROBE_KRETPROBE;
	int obj = obj_fd_of(b, k, p->src), e1, e2 = 0;
	char w1[256], w2[256];

	e1 = b->no_trampoline ? -ECANCELED : obj < 0 ? -ENOENT :
	     b->fault_refuse_fentry ? -EACCES :   /* as the verifier refuses */
	     attach_instance(b, BPF_PROG_TYPE_TRACING,
			     ret ? BPF_TRACE_FEXIT : BPF_TRACE_FENTRY, obj, p->btf_id,
			     cfg_of(p), NULL);
	if (!e1) {
		p->how = ret ? HOW_FEXIT : HOW_FENTRY;
		return 0;
	}
	fentry_why(e1, ret, w1, sizeof(w1));
	if (!attach_kprobe_one(b, p, &e2)) {
		/* -v says why, as for tp_btf -> raw_tp */
		if (skb_verbose && e1 != -ECANCELED)
			skb_warn("%s: %s, using %s", p->spec, w1, ret ? "kretprobe" : "kprobe");
		return 0;
	}
	if (e2 == -E2BIG)
		snprintf(w2, sizeof(w2), "argument %d is not in a register",
			 p->args.skb >= SKBREC_KPROBE_ARGS ? p->args.skb : p->args.reason);
	else
		kprobe_why(b, e2, w2, sizeof(w2));
	if (!p->glob || skb_verbose)
		skb_warn("%s: cannot attach: %s; %s: %s%s", p->spec, w1,
			 ret ? "kretprobe" : "kprobe", w2, refusal_hint(b, e1));
	return -1;
}

/* Every probe of one function glob through one kprobe-multi link (two for
 * kretprobes).  0 attached, -1 not possible here (caller falls back). */
static int attach_multi(struct rec_bpf *b, struct rec_probes *ps, int group)
{
	size_t n = 0;
	const char **syms;
	__u64 *cookies;
	bool ret = false;
	struct bpf_link *l1, *l2 = NULL;
	int rc = -1;

	if (!b->multi_ok)
		return -1;
	syms = calloc(ps->n, sizeof(*syms));
	cookies = calloc(ps->n, sizeof(*cookies));
	if (!syms || !cookies)
		goto out;
	for (size_t i = 0; i < ps->n; i++) {
		struct rec_probe *p = &ps->v[i];

		if (p->group != group || p->how)
			continue;
		if (p->args.skb >= SKBREC_KPROBE_ARGS || p->args.reason >= SKBREC_KPROBE_ARGS)
			continue;   /* left for fentry */
		ret = p->p.kind == SKB_PROBE_KRETPROBE;
		syms[n] = p->event;
		cookies[n] = cfg_of(p);
		n++;
	}
	if (n < 2)
		goto out;
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .syms = syms, .cookies = cookies, .cnt = n);
	l1 = bpf_program__attach_kprobe_multi_opts(ret ? b->skel->progs.skb_kret_entry_multi :
						   b->skel->progs.skb_kprobe_multi, NULL, &o);
	if (!l1) {
		if (skb_verbose)
			skb_warn("kprobe-multi: %s, attaching one by one", errstr(errno));
		goto out;
	}
	if (ret) {
		o.retprobe = true;
		l2 = bpf_program__attach_kprobe_multi_opts(b->skel->progs.skb_kretprobe_multi,
							   NULL, &o);
		if (!l2) {
			bpf_link__destroy(l1);
			goto out;
		}
	}
	if (keep_link(b, l1) || (l2 && keep_link(b, l2)))
		goto out;
	for (size_t i = 0; i < ps->n; i++) {
		struct rec_probe *p = &ps->v[i];

		if (p->group == group && !p->how && p->args.skb < SKBREC_KPROBE_ARGS &&
		    p->args.reason < SKBREC_KPROBE_ARGS)
			p->how = ret ? HOW_KRETPROBE_MULTI : HOW_KPROBE_MULTI;
	}
	rc = 0;
out:
	free(syms);
	free(cookies);
	return rc;
}

/*
 * Tracking follows a packet into a copy (new sk_buff, new buffer) through
 * fexit on the copy functions, where the kernel allows trampolines; else
 * the copy starts a new id (docs/tracking.md).  Never fatal.
 */
static void follow_copies(struct rec_bpf *b, struct kbtf *k)
{
	static const char *const fns[] = { "skb_copy", "__pskb_copy_fclone", "skb_copy_expand" };
	const struct btf *btf = k->src[0].btf;
	int n = 0, err = -ECANCELED;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]) && !b->no_trampoline; i++) {
		int id = btf__find_by_name_kind(btf, fns[i], BTF_KIND_FUNC);
		const struct btf_type *proto;

		if (id < 0)
			continue;
		proto = btf__type_by_id(btf, btf__type_by_id(btf, (uint32_t)id)->type);
		if (!proto || !btf_is_func_proto(proto))
			continue;
		/* fexit: the return value follows the arguments */
		err = attach_template(b, b->skel->progs.track_copy, BPF_PROG_TYPE_TRACING,
				      BPF_TRACE_FEXIT, 0, (uint32_t)id,
				      SKBREC_CFG(0, btf_vlen(proto), SKBREC_NO_ARG, 0), NULL);
		if (!err)
			n++;
	}
	if (skb_verbose && n) {
		skb_warn("tracking: copies followed (fexit on %d sk_buff copy functions)", n);
	} else if (skb_verbose) {
		char why[256];

		fentry_why(err, true, why, sizeof(why));
		skb_warn("tracking: a copied packet gets a new id (%s)", why);
	}
}

int recbpf_attach(struct rec_bpf *b, struct kbtf *k, struct rec_probes *ps)
{
	int rc = 0;

	for (int g = 0; g < ps->groups; g++)
		attach_multi(b, ps, g);
	/* A glob also matches functions that cannot be traced (inlined
	 * everywhere, notrace, too many arguments for a trampoline): those are
	 * skipped and counted; a probe named on its own must attach. */
	size_t skipped = 0, attached = 0;
	struct rec_probe *first = NULL;

	for (size_t i = 0; i < ps->n && !rc; i++) {
		struct rec_probe *p = &ps->v[i];

		if (p->how) {
			attached++;
			continue;
		}
		rc = p->p.kind == SKB_PROBE_TP ? attach_tp(b, k, p) : attach_func(b, k, p);
		if (rc && p->glob) {
			skipped++;
			first = first ? first : p;
			rc = 0;
		} else if (!rc) {
			attached++;
		}
	}
	if (rc)
		return -1;
	if (skipped)
		skb_warn("%zu probe%s matched by a glob cannot be attached here, skipped "
			 "(first: %s; -v says why)", skipped, skipped > 1 ? "s" : "", first->spec);
	if (!attached) {
		/* nothing at all: say why for one of them (the kernel lacks a
		 * feature, most likely), as a probe named alone would */
		if (first) {
			first->glob = false;
			if (first->p.kind == SKB_PROBE_TP)
				attach_tp(b, k, first);
			else
				attach_func(b, k, first);
		}
		skb_warn("no probe could be attached");
		return -1;
	}
	follow_copies(b, k);
	return 0;
}

void recbpf_detach(struct rec_bpf *b)
{
	for (size_t i = 0; i < b->nlinks; i++)
		bpf_link__destroy(b->links[i]);
	b->nlinks = 0;
	for (size_t i = b->nfds; i > 0; i--)
		close(b->fds[i - 1]);
	b->nfds = 0;
}

void recbpf_close(struct rec_bpf *b)
{
	if (!b)
		return;
	recbpf_detach(b);
	for (int i = 0; i < b->nobj; i++)
		if (b->obj_fds[i] > 0)
			close(b->obj_fds[i]);
	free(b->obj_fds);
	free(b->filter.insns);
	free(b->links);
	free(b->fds);
	skbrec_bpf__destroy(b->skel);
	free(b);
}
