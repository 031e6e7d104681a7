/* SPDX-License-Identifier: MIT */
/*
 * skbrec.h - what the parts of skbrec share: the probe list (probes.c),
 * the kernel's BTF (kbtf.c), tracefs names (tracefs.c), loading and
 * attaching (attach.c), kernel symbols (ksyms.c), turning ring records into
 * .skb events (events.c), the rotating output (output.c), the command line
 * (main.c) and the recording itself (record.c).
 */
#ifndef SKBREC_INTERNAL_H
#define SKBREC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>   /* __u32 & co. for bpf/skbrec.h */

#include "skb.h"

struct btf;

/* ---- kernel BTF: vmlinux plus module BTF (kbtf.c) ---- */

struct kbtf_src {
	char name[64];          /* "vmlinux" or the module name */
	struct btf *btf;
};

struct kbtf {
	struct kbtf_src *src;   /* src[0] is vmlinux */
	int n;
};

/* 0, or -1 after one clear line on stderr (no BTF, no permission...). */
int kbtf_load(struct kbtf *k, bool modules);
void kbtf_free(struct kbtf *k);
/* Can tracing programs load through skb->head (6.17+)?  kbtf.c */
bool kbtf_ptr_mem(const struct kbtf *k);
/* fd of a loaded module's BTF object for attach_btf_obj_fd, 0 for vmlinux,
 * -1 when not found. */
int kbtf_obj_fd(const struct kbtf_src *s);

/* Where the struct sk_buff * (and enum skb_drop_reason) arguments are. */
struct kbtf_args {
	int skb;                /* -1: none */
	int reason;             /* -1: none */
};
/* Of a FUNC_PROTO type id; skip = 1 for tracepoints (leading void *ctx). */
void kbtf_proto_args(const struct btf *btf, uint32_t proto_id, int skip,
		     struct kbtf_args *a);
/* Every name of the kernel's enum skb_drop_reason ("NO_SOCKET" ...);
 * fn's non-zero return stops.  Number of names, -1: enum not in BTF. */
int kbtf_drop_reasons(const struct kbtf *k,
		      int (*fn)(void *arg, uint32_t value, const char *name), void *arg);

/* ---- tracefs: SUBSYS:NAME of every tracepoint (tracefs.c) ---- */

/* Sorted "subsys:name" strings; -1 after a message. */
int tracefs_events(char ***names, size_t *n);

/* ---- probes (probes.c) ---- */

enum rec_how {
	HOW_NONE = 0, HOW_TP_BTF, HOW_RAW_TP, HOW_FENTRY, HOW_FEXIT,
	HOW_KPROBE, HOW_KRETPROBE, HOW_KPROBE_MULTI, HOW_KRETPROBE_MULTI,
};

struct rec_probe {
	struct skb_probe p;     /* kind, flags, spec: what the file records
				   (p.id is unused: the writer numbers probes) */
	unsigned index;         /* in rec_probes.v: the probe number the BPF
				   programs report and count losses under */
	char *spec;             /* owned storage behind p.spec */
	char *event;            /* tracepoint name (no subsystem) or function */
	const struct kbtf_src *src;
	uint32_t btf_id;        /* btf_trace_<event> typedef or the FUNC */
	struct kbtf_args args;
	bool stack;
	int group;              /* function globs: probes from one -p share it */
	bool glob;              /* came from a glob: skipped when it cannot attach */
	enum rec_how how;       /* how it got attached */
	uint64_t events;        /* recorded */
	uint64_t lost;          /* lost, last value read from the kernel */
};

struct rec_probes {
	struct rec_probe *v;
	size_t n, cap;
	int groups;
};

/* The rec_probe an event's probe belongs to (events.c sets ev->probe to
 * &rec_probe.p). */
static inline struct rec_probe *rec_probe_of(const struct skb_probe *p)
{
	return (struct rec_probe *)((char *)p - offsetof(struct rec_probe, p));
}

/*
 * Expand the -p specs into probes.  Unknown names and probes without an
 * skb argument are errors (from a glob: skipped and counted in one warning).
 * Returns 0 or -1 after messages.
 */
int probes_resolve(struct kbtf *k, char **specs, size_t nspecs, bool stack_all,
		   struct rec_probes *out);
void probes_free(struct rec_probes *ps);
/* skbrec -l [PATTERN]: print matching probes; 0 some, 1 none, 2 error. */
int probes_list(struct kbtf *k, const char *pattern);

/* ---- kernel memory layout for page fragments (kmem.c) ---- */

struct kmem {
	uint64_t pob_sym;       /* &page_offset_base, 0: use the default */
	uint64_t vmemmap_sym;   /* &vmemmap_base, 0: use the default */
	uint64_t max_pfn;       /* 0: fragments cannot be read here */
	char why[160];          /* a note for -v when something is assumed or missing */
};
void kmem_layout(struct kmem *k);

/* ---- -f: classic BPF from libpcap to eBPF (xlate.c, filter.c) ---- */

/* A classic BPF instruction (libpcap's struct bpf_insn, the kernel's
 * struct sock_filter: one layout, three names). */
struct cbpf_insn {
	uint16_t code;
	uint8_t jt, jf;
	uint32_t k;
};

struct bpf_insn;
/* The classic program as the body of a subprogram r0 = match(r1 bytes, r2
 * captured length, r3 wire length) over a buffer of maxlen bytes; -1 and
 * a reason in err when it cannot be translated (xlate.c). */
int xlate_cbpf(const struct cbpf_insn *prog, size_t n, uint32_t maxlen,
	       struct bpf_insn **out, size_t *nout, char *err, size_t errn);
/* pcap_compile(expr) for link type dlt: 0 and a malloc'd program; 1 when
 * libpcap refuses the expression for that link type (its words in perr);
 * -1 out of memory (filter.c). */
int filter_compile(const char *expr, int dlt, struct cbpf_insn **out, size_t *n,
		   char *perr, size_t perrn);

/* The bytes -f sees at least, whatever the snaplen. */
#define FILTER_MIN_BYTES 512

struct rec_filter {
	struct bpf_insn *insns; /* filter_match()'s new body, NULL: no -f */
	size_t n;
	uint32_t need;          /* bytes it can load at most (cbpf_need), either variant */
};
/* The bytes a classic program can load at most, capped at maxlen;
 * FILTER_NEED_ANY: no bound (xlate.c). */
#define FILTER_NEED_ANY UINT32_MAX
uint32_t cbpf_need(const struct cbpf_insn *prog, size_t n, uint32_t maxlen);
/* Both variants joined (xlate.c); 0, or -1 after a message naming the
 * expression. */
int filter_build(const char *expr, uint32_t maxlen, struct rec_filter *f);

/* ---- loading and attaching (attach.c) ---- */

struct rec_bpf;

struct rec_opts {
	uint32_t snaplen;
	uint64_t ring_size;
	bool need_kprobe;       /* load the kprobe templates */
	bool need_multi;        /* and the kprobe-multi ones (function globs) */
	bool no_trampoline;     /* --no-fentry: functions through kprobes only */
	bool no_tp_btf;         /* --no-tp-btf: tracepoints through raw_tp only */
	/* in-kernel selectors (select.c): 0 any */
	bool sel_on, sel_follow;
	uint32_t sel_ifindex, sel_netns, sel_mark, sel_mark_mask;
	struct rec_filter filter;   /* -f */
	bool fault_unreadable_skb;  /* a test's fault: SKBREC_FAULT=unreadable-skb */
	bool fault_refuse_kprobe;   /* a test's fault: SKBREC_FAULT=refuse-kprobe */
	bool fault_refuse_fentry;   /* a test's fault: SKBREC_FAULT=refuse-fentry */
	bool fault_no_cookie;       /* a test's fault: SKBREC_FAULT=no-attach-cookie */
	bool fault_no_ptr_mem;      /* a test's fault: SKBREC_FAULT=no-ptr-mem */
	bool fault_bad_insn;        /* a test's fault: SKBREC_FAULT=verifier-refuses */
	bool ptr_mem;               /* kbtf_ptr_mem(), unless SKBREC_FAULT=no-ptr-mem */
};

struct rec_bpf *recbpf_open(const struct rec_opts *o);
/* Attach every probe; 0 when all attached, -1 after messages. */
int recbpf_attach(struct rec_bpf *b, struct kbtf *k, struct rec_probes *ps);
int recbpf_ring_fd(const struct rec_bpf *b);
int recbpf_lost_fd(const struct rec_bpf *b);
int recbpf_stack_fd(const struct rec_bpf *b);
/* Stop every probe (maps stay readable for the final drain). */
void recbpf_detach(struct rec_bpf *b);
void recbpf_close(struct rec_bpf *b);
const char *how_name(enum rec_how h);

/* ---- kprobes as perf events (kprobe_pmu.c) ---- */

/* The kernel's kprobe PMU; without it the kernel has no kprobes. */
#define KPROBE_PMU_DIR "/sys/bus/event_source/devices/kprobe"

/* A kprobe (ret: kretprobe) on function fn running prog_fd: the perf
 * event's fd (closing it removes the probe), or -errno. */
int kprobe_pmu_attach(const char *fn, bool ret, int prog_fd);

/* ---- kernel symbols (ksyms.c) ---- */

struct ksyms;
struct ksyms *ksyms_load(void);
/* fn for every symbol of /proc/kallsyms with a visible address, until it
 * returns non-zero; -1: unreadable, or fn returned < 0. */
int ksyms_each(int (*fn)(void *arg, uint64_t addr, char type, const char *name), void *arg);
/* Symbol containing addr, or NULL; *off gets the offset into it. */
const char *ksyms_find(const struct ksyms *ks, uint64_t addr, uint32_t *off);
void ksyms_free(struct ksyms *ks);

/* ---- ring records -> .skb events (events.c) ---- */

struct events;
struct events *events_new(struct rec_probes *ps, int stack_fd);
/* Decode one ring record into *ev (pointers valid until events_free).
 * 0 ok, -1 malformed (counted). */
int events_decode(struct events *es, const void *data, size_t size, struct skb_event *ev);
uint64_t events_malformed(const struct events *es);
void events_free(struct events *es);

/* ---- output with -C/-W rotation (output.c) ---- */

struct rec_output;
struct recout_opts {
	const char *path;       /* NULL or "-": stdout */
	uint64_t rotate_size;   /* -C, 0: none */
	unsigned keep;          /* -W, 0: all */
	int flags;              /* SKBW_* */
	const struct skb_info *info;
	struct kbtf *btf;       /* drop reason names, written to every file */
};
/* NULL after a message. */
struct rec_output *recout_open(const struct recout_opts *o);
int recout_event(struct rec_output *out, const struct skb_event *ev);
int recout_lost(struct rec_output *out, const struct skb_lost *l);
int recout_flush(struct rec_output *out);
uint64_t recout_bytes(const struct rec_output *out);
/* END record, flush, free; 0 or -errno. */
int recout_close(struct rec_output *out);

/* ---- the command line (main.c) and one recording (record.c) ---- */

/* ---- -Z USER (privs.c) ---- */

struct rec_user {
	const char *name;
	unsigned uid, gid;
};
/* 0, or -1 after a message (no such user). */
int privs_lookup(const char *user, struct rec_user *u);
/* Become USER, keeping CAP_BPF only where the kernel needs it to look up
 * map_fd (tried first in a child).  0, or -1 after a message. */
int privs_drop(const struct rec_user *u, int map_fd);

struct rec_config {
	char **specs;           /* -p, or the default probes */
	size_t nspecs;
	const char *path;       /* -o; NULL or "-": stdout */
	const char *cmd;        /* --cmd */
	uint32_t snaplen;       /* -s */
	uint64_t count;         /* -c, 0: no limit */
	uint64_t duration;      /* -d seconds, 0: none */
	uint64_t ring;          /* -b, a power of two */
	uint64_t rotate;        /* -C */
	unsigned keep;          /* -W */
	int wflags;             /* SKBW_*: -z */
	bool quiet, stack_all, no_fentry, no_tp_btf;
	const char *iface;      /* -i */
	const char *filter;     /* -f EXPR */
	uint32_t netns;         /* --netns, 0: any */
	uint32_t mark, mark_mask;   /* --mark, mask 0: any */
	bool no_follow;         /* --no-follow */
	const char *user;       /* -Z: go on as this user once attached */
	struct rec_user uid;    /* -Z's user, looked up before anything starts */
	char *cmdline;          /* for the file header */
};

/* The selectors of c as the BPF program compares them; -1 after a message
 * (select.c). */
int rec_select(const struct rec_config *c, struct rec_opts *o);

/* Set up, record until told to stop, print the summary: the exit status. */
int record(const struct rec_config *cfg);

#endif
