/* SPDX-License-Identifier: MIT */
/*
 * skbrec.bpf.c - the kernel side of skbrec: one sk_buff event per probe hit,
 * sent to user space through one BPF ring buffer as a variable-size record
 * (bpf/skbrec.h).
 *
 * Program templates (the loader in cmd/skbrec/attach.c turns them into probes):
 *   skb_btf      tp_btf / fentry / fexit (BPF_PROG_TYPE_TRACING): ctx is an
 *                array of u64 arguments typed by BTF; loaded again per
 *                target with the probe's config word patched into its
 *                instructions.  Reads the sk_buff directly.
 *   skb_ctx      the same for raw_tp, whose arguments are bare numbers:
 *                reads through bpf_probe_read_kernel.
 *   skb_kprobe   kprobe / kprobe-multi entry; config word = attach cookie.
 *   skb_kret_entry / skb_kretprobe
 *                kretprobe: the entry stashes the arguments per task, the
 *                return reads them back (registers are gone by then).
 *   skb_kprobe_cfg, skb_kret_entry_cfg, skb_kretprobe_cfg
 *                the same where the kernel has no attach cookie (< 5.15):
 *                loaded again per probe with the config word patched in.
 *   track_copy   loaded again as fexit on the sk_buff copy functions, so
 *                that a copy keeps the original's tracking id.
 *
 * Every field offset is a CO-RE relocation, so one object runs on any kernel
 * with BTF.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_endian.h>
#include "skbrec.h"

char LICENSE[] SEC("license") = "Dual MIT/GPL";

/* Settings written by user space before load (frozen: the verifier sees them
 * as constants, which bounds the packet copy). */
const volatile __u32 snaplen = 256;
const volatile __u32 wake_bytes = 1 << 20;
/* The least time between two wakeups of the reader from one CPU. */
const volatile __u64 wake_gap_ns = 1000000;
/* A test's fault (SKBREC_FAULT=unreadable-skb): the copying programs read
 * every sk_buff from an address that cannot be read, so the lost-event path
 * of a failed read runs on the real kernel.  0 in use: the verifier drops
 * the branch (frozen), nothing is added to the path of an event. */
const volatile __u32 fault_unreadable_skb = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);   /* -b */
} events SEC(".maps");

/* Where a record is built before bpf_ringbuf_output copies exactly
 * header + caplen bytes into the ring: one slot per CPU and nesting level
 * (an interrupt can run a probe while a probe on the same CPU is running).
 * Value size is set at load: sizeof(struct skbrec_event) + 2 * snaplen (a
 * fragment is copied to a variable offset below snaplen with a length below
 * snaplen, and the verifier checks the sum against the value size), then a
 * struct frag_state (bpf/frags.h, 64 bytes at most) and a struct track_tmp
 * (bpf/track.h): SKBREC_SCRATCH_TAIL. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(struct skbrec_event) + SKBREC_SCRATCH_TAIL);
	__uint(max_entries, SKBREC_NEST_MAX);   /* * nr_cpus at load */
} scratch SEC(".maps");

/* The struct sk_buff being recorded, copied whole where it cannot be read
 * directly (skb_ctx, kprobes; same slots as scratch). */
#define SKBREC_SKB_COPY 1024
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, SKBREC_SKB_COPY);
	__uint(max_entries, SKBREC_NEST_MAX);   /* * nr_cpus at load */
} skbcopy SEC(".maps");

/* Per CPU: how deep probes are nested now, and the sequence number of the
 * next new tracking id. */
struct cpu_state {
	__u32 lvl;
	__u32 pad;
	__u64 seq;
	__u64 woke;     /* when this CPU last woke the reader, ns */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, struct cpu_state);
	__uint(max_entries, 1);
} nest SEC(".maps");

/* Events that did not fit into the ring (or nested too deep), per probe. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, SKBREC_MAX_PROBES);
} lost SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, SKBREC_STACK_MAX * sizeof(__u64));
	__uint(max_entries, 16384);
} stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct skbrec_kret_key);
	__type(value, struct skbrec_kret_val);
	__uint(max_entries, 16384);
} kret_args SEC(".maps");

/* The config word of a trampoline / raw tracepoint instance: a 64-bit
 * immediate the loader finds by its magic value and replaces. */
static __always_inline __u64 patched_cfg(void)
{
	__u64 v;

	asm volatile("%0 = 0x5ca1ab1e0defaced ll" : "=r"(v));
	return v;
}

/* min(v, max) in one register, so the verifier keeps the bound (the
 * compiler likes to clamp one copy and pass another to the helper). */
static __always_inline __u64 clamp(__u64 v, __u64 max)
{
	asm volatile("if %[v] <= %[m] goto +1\n\t%[v] = %[m]"
		     : [v] "+r"(v) : [m] "r"(max));
	return v;
}

#include "track.h"
#include "frags.h"

/* The tracker's byte buffers in the event's scratch slot, after the fragment
 * copy's state (bpf/track.h says why not on the stack). */
#define FRAG_STATE_ROOM 64
_Static_assert(sizeof(struct frag_state) <= FRAG_STATE_ROOM, "frag_state outgrew its room");
_Static_assert(FRAG_STATE_ROOM + sizeof(struct track_tmp) <= SKBREC_SCRATCH_TAIL,
	       "scratch tail too small");

static __always_inline struct track_tmp *track_tmp_of(struct skbrec_event *e)
{
	return (struct track_tmp *)((char *)frag_state_of(e) + FRAG_STATE_ROOM);
}

static __always_inline void count_lost(__u32 probe)
{
	__u64 *n = bpf_map_lookup_elem(&lost, &probe);

	if (n)
		*n += 1;   /* per-CPU slot: no other writer */
}

/*
 * Two ways to read the kernel's structures, picked at compile time by
 * `direct` (a constant in each template, so one of the two is compiled):
 *   direct   the sk_buff pointer is typed by BTF (tp_btf, fentry, fexit):
 *            fields are plain loads the verifier checks against BTF, the
 *            JIT turns into faulting-safe loads: no helper call each.
 *   !direct  raw_tp and kprobes, whose arguments are bare numbers: the
 *            struct sk_buff is copied once into map memory and read there;
 *            what it points to is read with BPF_CORE_READ (bpf_probe_read).
 */
static __always_inline __u32 netns_of_dev(struct net_device *dev, bool direct)
{
	if (!bpf_core_field_exists(dev->nd_net.net))
		return 0;
	if (direct)
		return dev->nd_net.net->ns.inum;
	return BPF_CORE_READ(dev, nd_net.net, ns.inum);
}

static __always_inline __u32 netns_of_sk(struct sock *sk, bool direct)
{
	if (!bpf_core_field_exists(sk->__sk_common.skc_net.net))
		return 0;
	if (direct)
		return sk->__sk_common.skc_net.net->ns.inum;
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

static __always_inline __u32 ifindex_of(struct net_device *dev, bool direct)
{
	return direct ? dev->ifindex : BPF_CORE_READ(dev, ifindex);
}

/*
 * In-kernel selectors (-i, --netns, --mark; set before load, 0: any) and
 * following: a packet whose tracking id matched at one probe passes at the
 * later ones too (through NAT, tunnels, other interfaces), unless
 * --no-follow.  The ids that matched sit in a direct-mapped array: a slot
 * taken over by another id ends the older packet's following early, it
 * never lets another packet through.
 */
const volatile __u32 sel_on = 0;
const volatile __u32 sel_ifindex = 0;
const volatile __u32 sel_netns = 0;
const volatile __u32 sel_mark = 0, sel_mark_mask = 0;
const volatile __u32 sel_follow = 1;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1 << 16);
} followed SEC(".maps");

/* -f: the user's snaplen when the filter needs more bytes copied (snaplen
 * is then max(snaplen, 512), what the filter sees).  filter_need: the
 * bytes the expression can load at most (cmd/skbrec/xlate.c, cbpf_need),
 * snaplen when it has no such bound. */
const volatile __u32 filter_on = 0;
const volatile __u32 store_len = 0;
const volatile __u32 filter_need = 0;
/* The verifier lets BTF-typed programs load through skb->head (6.17+;
 * cmd/skbrec/kbtf.c asks it): head_data(). */
const volatile __u32 ptr_mem = 0;

/* Do the selectors (-i, --netns, --mark) hold for this skb? */
static __always_inline bool selectors_hold(struct sk_buff *ls, bool direct)
{
	__u32 ifindex = 0, netns = 0;
	struct net_device *dev = ls->dev;
	struct sock *sk = ls->sk;   /* once: the verifier checks the pointer it tested */

	if (dev) {
		ifindex = ifindex_of(dev, direct);
		netns = netns_of_dev(dev, direct);
	} else if (sk) {
		netns = netns_of_sk(sk, direct);
	}
	return (!sel_ifindex || ifindex == sel_ifindex) && (!sel_netns || netns == sel_netns) &&
	       (ls->mark & sel_mark_mask) == sel_mark;
}

/* The slot of the followed table that would hold id, NULL: not following. */
static __always_inline __u64 *follow_slot(__u64 id)
{
	__u32 slot = (__u32)((id * 0x9e3779b97f4a7c15ULL) >> 48);

	return sel_follow ? bpf_map_lookup_elem(&followed, &slot) : NULL;
}

/* Is id (0: none) followed, i.e. did its packet match at an earlier probe? */
static __always_inline bool is_followed(__u64 id)
{
	__u64 *fw = id ? follow_slot(id) : NULL;

	return fw && *fw == id;
}

/*
 * The -f expression: its body is replaced at load by the translation of
 * libpcap's classic BPF (cmd/skbrec/xlate.c, filter.c): the Ethernet
 * variant when l2 is set, the raw-IP one otherwise.  Returns 1 match, 0 no
 * match, 2 no match because it loaded past the caplen bytes given.  This
 * stand-in, never loaded as it is, only fixes the calling convention; the
 * asm keeps the compiler from folding the call or dropping arguments.
 */
static __noinline int filter_match(const unsigned char *data, __u64 caplen, __u64 wirelen,
				   __u64 l2)
{
	int r;

	asm volatile("%0 = 1" : "=r"(r) : "r"(data), "r"(caplen), "r"(wirelen), "r"(l2));
	return r;
}

/* The same, on the linear bytes in place (ptr_mem): data is read-only
 * untrusted memory, each load a faulting-safe load, nothing copied first.
 * A second subprogram: one load instruction may not see two kinds of
 * pointer (its stand-in body differs, or the compiler would merge the two;
 * cmd/skbrec/attach.c splices the filter into both). */
static __noinline int filter_match_mem(const unsigned char *data, __u64 caplen, __u64 wirelen,
				       __u64 l2)
{
	int r;

	asm volatile("%0 = 1; %0 += 0" : "=r"(r) : "r"(data), "r"(caplen), "r"(wirelen), "r"(l2));
	return r;
}

/*
 * gso_size, gso_segs and gso_type from skb_shared_info (at head + end) with
 * three loads from the buffer in place (6.17+), not a helper's copy: 6-9 ns
 * a run less (bench/ab-bpf.sh, UDP and TCP).  Only without a selection
 * (-i, --netns, --mark, -f; fixed at load, so the verifier walks one way):
 * with one, the verifier walks paths on which mem is not set after the
 * filter's branches, and reading it behind `if (mem)` there made its work
 * on -f 1.7 times as large (98 000 -> 167 000 instructions on 6.18).
 */
static __always_inline void fill_gso_in_place(struct skbrec_event *e, struct sk_buff *ls,
					      const unsigned char *mem)
{
	const unsigned char *end = mem + ls->end;

	e->gso_size = *(const __u16 *)(end + bpf_core_field_offset(struct skb_shared_info,
								   gso_size));
	e->gso_segs = *(const __u16 *)(end + bpf_core_field_offset(struct skb_shared_info,
								   gso_segs));
	e->gso_type = *(const __u32 *)(end + bpf_core_field_offset(struct skb_shared_info,
								   gso_type));
}

/*
 * The metadata.  `ls` is the struct sk_buff itself (direct) or its copy in
 * map memory; either way its fields are plain loads, with CO-RE offsets for
 * the running kernel: this is the hot path at hundreds of thousands of
 * events a second.
 */
static __always_inline void fill_meta(struct skbrec_event *e, struct sk_buff *ls,
				      unsigned char *head, const unsigned char *mem, bool direct,
				      bool gso_in_place)
{
	struct net_device *dev = ls->dev;
	/* skb_shinfo(skb) = head + end (end is an offset on 64-bit kernels):
	 * its first bytes, gso_size to gso_type, with one read */
	const struct skb_shared_info *sh;
	__u64 shb[4] = {};

	e->netns = 0;
	e->ifindex = 0;
	e->ifname[0] = 0;
	if (dev) {
		e->ifindex = ifindex_of(dev, direct);
		if (direct) {
			/* two 8-byte loads: BTF lets them span the char array */
			*(__u64 *)&e->ifname[0] = *(__u64 *)&dev->name[0];
			*(__u64 *)&e->ifname[8] = *(__u64 *)&dev->name[8];
		} else {
			bpf_probe_read_kernel_str(e->ifname, sizeof(e->ifname), dev->name);
		}
		e->netns = netns_of_dev(dev, direct);
	} else {
		struct sock *sk = ls->sk;

		e->flags |= SKBREC_NO_DEV;
		if (sk)
			e->netns = netns_of_sk(sk, direct);
	}
	e->rx_ifindex = ls->skb_iif;
	e->mark = ls->mark;
	e->hash = ls->hash;
	e->priority = ls->priority;
	e->protocol = bpf_ntohs(ls->protocol);
	e->queue_mapping = ls->queue_mapping;
	e->vlan_tci = ls->vlan_tci;
	e->vlan_proto = bpf_ntohs(ls->vlan_proto);
	e->pkt_type = BPF_CORE_READ_BITFIELD(ls, pkt_type);
	e->ip_summed = BPF_CORE_READ_BITFIELD(ls, ip_summed);
	e->csum_level = BPF_CORE_READ_BITFIELD(ls, csum_level);
	e->cloned = BPF_CORE_READ_BITFIELD(ls, cloned);
	e->fclone = BPF_CORE_READ_BITFIELD(ls, fclone);
	e->users = ls->users.refs.counter;

	if (gso_in_place) {
		fill_gso_in_place(e, ls, mem);
		return;
	}
	sh = (const struct skb_shared_info *)shb;
	if (bpf_probe_read_kernel(shb, clamp(bpf_core_field_offset(struct skb_shared_info, gso_type) + 4,
					     sizeof(shb)), head + ls->end) == 0) {
		e->gso_size = sh->gso_size;
		e->gso_segs = sh->gso_segs;
		e->gso_type = sh->gso_type;
	} else {
		e->gso_size = e->gso_segs = 0;
		e->gso_type = 0;
	}
}

/*
 * Where the captured bytes start: the MAC header when it is set (and not
 * past data), else the network header, else data itself.  Offsets are from
 * skb->head; everything is checked against the linear area.  Sets the
 * flags, orig_len and the header offsets; returns the start, and in
 * *lin_end where the linear data ends.
 */
struct place {
	__u32 start, lin_end, orig_len;
	__u16 l3_off, l4_off;
	__u8 flags;
};

static __always_inline void place_of(struct place *pl, struct sk_buff *ls, __u32 data_off,
				     __u32 len, __u32 data_len)
{
	__u32 lin_end = data_off + (len - data_len);  /* end of linear data */
	__u16 mac = ls->mac_header;
	__u16 net = ls->network_header;
	__u16 trans = ls->transport_header;
	__u32 start = data_off;
	__u8 flags = 0;

	if (len < data_len)
		lin_end = data_off;
	if (mac != (__u16)~0U)
		flags |= SKBREC_MAC_SET;
	if (mac != (__u16)~0U && mac <= data_off) {
		start = mac;
		flags |= SKBREC_L2;
	} else if (net != 0 && net != (__u16)~0U && net <= lin_end) {
		start = net;
		flags |= SKBREC_L3;
	}
	pl->start = start;
	pl->lin_end = lin_end;
	pl->flags = flags;
	pl->orig_len = len + (data_off - start);
	pl->l3_off = (net != (__u16)~0U && net >= start && net - start < 0xffff) ?
		     net - start : 0xffff;
	pl->l4_off = (trans != (__u16)~0U && trans >= start && trans - start < 0xffff) ?
		     trans - start : 0xffff;
}

static __always_inline __u32 fill_place(struct skbrec_event *e, struct sk_buff *ls,
					__u32 data_off, __u32 *lin_end_out)
{
	struct place pl;

	place_of(&pl, ls, data_off, e->len, e->data_len);
	e->flags |= pl.flags;
	e->orig_len = pl.orig_len;
	e->l3_off = pl.l3_off;
	e->l4_off = pl.l4_off;
	*lin_end_out = pl.lin_end;
	return pl.start;
}

/* Linear bytes up to this many words are copied from the buffer in place
 * (mem, 6.17+) by word loads and stores, no helper call; more through
 * bpf_probe_read_kernel (a loop the verifier walks whole: kept short). */
#define COPY_WORDS_DIRECT 16

/* How many of the bytes to keep (from start, at most orig_len and snaplen)
 * the linear area holds. */
static __always_inline __u32 linear_caplen(__u32 start, __u32 lin_end, __u32 orig_len)
{
	__u32 n = lin_end > start ? lin_end - start : 0;

	if (n > orig_len)
		n = orig_len;
	return n < snaplen ? n : snaplen;
}

/* n (<= COPY_WORDS_DIRECT * 8) bytes from the buffer in place, in words
 * (the last one whole: d has room for COPY_WORDS_DIRECT words). */
static __always_inline void copy_words(__u64 *d, const __u64 *w, __u64 n)
{
	for (__u32 i = 0; i < COPY_WORDS_DIRECT; i++) {
		if (8 * i >= n)
			break;
		d[i] = w[i];
	}
}

/*
 * The bytes tcpdump would see from start: linear data, fragments,
 * frag_list (frags.h), at most snaplen.
 */

static __always_inline void fill_copy(struct skbrec_event *e, struct sk_buff *ls,
				      unsigned char *head, const unsigned char *mem, __u32 start,
				      __u32 lin_end)
{
	struct frag_state *fs = frag_state_of(e);
	__u64 caplen;

	/* The linear bytes, then the fragments and the frag_list members. */
	caplen = clamp(linear_caplen(start, lin_end, e->orig_len), snaplen);
	fs->off = 0;
	fs->missing = 0;
	if (mem && caplen && caplen <= COPY_WORDS_DIRECT * 8) {
		copy_words((__u64 *)e->data, (const __u64 *)(mem + start), caplen);
		fs->off = caplen;
	} else if (caplen && bpf_probe_read_kernel(e->data, caplen, head + start) == 0)
		fs->off = caplen;
	else if (caplen)
		fs->missing = 1;
	if (e->data_len && !fs->missing && fs->off < snaplen) {
		fs->sh = (__u64)(head + ls->end);
		copy_paged(e, fs);
	}
	/* Fewer bytes than the packet and the snaplen allow: say so. */
	caplen = clamp(fs->off, snaplen);
	if (caplen < e->orig_len && caplen < snaplen)
		e->flags |= SKBREC_MISSING;
	e->caplen = caplen;
}

/*
 * skb->head and skb->data as numbers (to hash, compare, store), and in
 * *mem the buffer as memory to load from, or NULL.  From a copy of the
 * sk_buff (!direct) they are plain numbers.  From a BTF-typed one, 6.17+
 * verifiers (ptr_mem) type them as read-only untrusted memory: loads
 * through it are allowed, arithmetic other than adding an offset is not,
 * but a pointer minus a pointer is a number (privileged programs): head -
 * skb plus skb's address is head.  Before 6.17 (and where the struct is
 * laid out unexpectedly) one bpf_probe_read_kernel of both.
 */
static __always_inline int head_data(__u64 skb, struct sk_buff *ls, bool direct,
				     unsigned char **head, __u32 *data_off, unsigned char **mem)
{
	__u64 hd[2];

	if (!direct) {
		hd[0] = (__u64)ls->head;
		hd[1] = (__u64)ls->data;
	} else if (ptr_mem) {
		unsigned char *h = ls->head, *d = ls->data;
		__u64 ho, dl;

		/* in asm: the compiler would fold (h - ls) + skb back into h,
		 * a pointer where a number is needed */
		asm volatile("%0 = %1; %0 -= %2" : "=&r"(ho) : "r"(h), "r"(ls));
		asm volatile("%0 = %1; %0 -= %2" : "=&r"(dl) : "r"(d), "r"(h));
		hd[0] = ho + skb;
		hd[1] = hd[0] + dl;
		*mem = h;
	} else if (bpf_core_field_offset(struct sk_buff, data) ==
		   bpf_core_field_offset(struct sk_buff, head) + 8) {
		/* adjacent, as in every kernel so far: one read */
		if (bpf_probe_read_kernel(hd, sizeof(hd),
					  (void *)skb + bpf_core_field_offset(struct sk_buff, head)))
			return -1;
	} else {
		hd[0] = (__u64)BPF_CORE_READ((struct sk_buff *)skb, head);
		hd[1] = (__u64)BPF_CORE_READ((struct sk_buff *)skb, data);
	}
	*head = (unsigned char *)hd[0];
	*data_off = (__u32)(hd[1] - hd[0]);
	return 0;
}

/* The running task: process and thread id and comm.  Where the kernel has
 * bpf_get_current_task_btf (5.11+), these are plain loads from the task,
 * the comm as two 8-byte loads (BTF lets them span the char array; bytes
 * after its NUL come along, the reader stops at the NUL): cheaper than
 * bpf_get_current_pid_tgid and bpf_get_current_comm's string copy (~50 ns
 * an event less, bench/ab-bpf.sh).  In every program: the raw_tp and
 * kprobe ones kept the helpers while 6.1's verifier went past its million
 * instructions with the loads on the kprobe program with -f, before the
 * tracker's buffers left the stack (bpf/track.h). */
static __always_inline void fill_task(struct skbrec_event *e)
{
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf)) {
		struct task_struct *t = bpf_get_current_task_btf();

		e->pid = t->tgid;
		e->tid = t->pid;
		*(__u64 *)&e->comm[0] = *(__u64 *)&t->comm[0];
		*(__u64 *)&e->comm[8] = *(__u64 *)&t->comm[8];
	} else {
		__u64 pid_tgid = bpf_get_current_pid_tgid();

		e->pid = pid_tgid >> 32;
		e->tid = (__u32)pid_tgid;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
}

/*
 * The address a BTF-typed pointer holds, as a number (to hash and store:
 * the verifier allows no arithmetic on the typed pointer itself).  Stored
 * into map memory, which privileged programs may do, and loaded back: the
 * verifier does not track what map memory holds, so the load is a number.
 * slot: 8 bytes of this program run's own (its scratch slot's).  In asm:
 * the compiler would reuse the register it stored.  Two helper calls
 * fewer than task_ptr_addr() (bench/ab-bpf.sh).
 */
static __always_inline __u64 ptr_as_number(void *p, __u64 *slot)
{
	__u64 v;

	asm volatile("*(u64 *)(%1 + 0) = %2; %0 = *(u64 *)(%1 + 0)"
		     : "=r"(v) : "r"(slot), "r"(p) : "memory");
	return v;
}

/* The same before any slot is taken (for early_filter): p minus the
 * running task's typed pointer, plus the task's address as
 * bpf_get_current_task gives it (a pointer minus a pointer is a number,
 * privileged programs); 0 before 5.11. */
static __always_inline __u64 task_ptr_addr(void *p)
{
	struct task_struct *t;
	__u64 d;

	if (!bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_get_current_task_btf))
		return 0;
	t = bpf_get_current_task_btf();
	/* in asm: the compiler would fold it back into p */
	asm volatile("%0 = %1; %0 -= %2" : "=&r"(d) : "r"(p), "r"(t));
	return d + bpf_get_current_task();
}

/*
 * -f before anything else, where the buffer can be loaded in place
 * (ptr_mem) and no selector is set: the first pass of the filter on the
 * linear bytes where they lie, before a nesting slot or the event's
 * memory is touched.  EARLY_REJECT: nothing to record (rejected, not
 * followed); EARLY_MATCH: the filter matched (record() skips its own first
 * pass); EARLY_OPEN: record() decides (the filter needs bytes past the
 * linear ones, or the packet is followed).
 */
enum { EARLY_REJECT, EARLY_MATCH, EARLY_OPEN };

static __always_inline int early_filter(struct sk_buff *skb, __u64 addr)
{
	unsigned char *h = skb->head, *d = skb->data;
	__u64 ho, dl, ids[2];
	__u32 want, n = 0;
	struct place pl;
	int r = 0;

	/* as head_data() does: numbers by subtracting pointers (calling it
	 * instead, with its array of two on the stack, made the verifier
	 * walk 159 000 instructions with -f 'udp port 9' on 6.18, not 102 000) */
	asm volatile("%0 = %1; %0 -= %2" : "=&r"(ho) : "r"(h), "r"(skb));
	asm volatile("%0 = %1; %0 -= %2" : "=&r"(dl) : "r"(d), "r"(h));
	place_of(&pl, skb, (__u32)dl, skb->len, skb->data_len);
	want = pl.orig_len < filter_need ? pl.orig_len : filter_need;
	if (pl.lin_end > pl.start)
		n = pl.lin_end - pl.start < want ? pl.lin_end - pl.start : want;
	if (!n)
		return EARLY_OPEN;
	if (pl.flags & (SKBREC_L2 | SKBREC_L3))
		r = filter_match_mem(h + pl.start, clamp(n, filter_need), pl.orig_len,
				     pl.flags & SKBREC_L2);
	if (r == 2 && n != want)
		return EARLY_OPEN;
	if (r == 1)
		return EARLY_MATCH;
	if (sel_follow) {
		track_known(addr, (unsigned char *)(ho + addr), ids);
		if (is_followed(ids[0]) || is_followed(ids[1]))
			return EARLY_OPEN;
	}
	return EARLY_REJECT;
}

/* What every record holds besides the time, the tracking id, the place and
 * the bytes: the same for a record built in the scratch slot and one built
 * in the ring (record_in_ring). */
static __always_inline void fill_rest(void *ctx, __u64 cfg, struct skbrec_event *e,
				      struct sk_buff *ls, __u64 addr, __u32 cpu, __u64 reason,
				      unsigned char *head, const unsigned char *mem, bool direct,
				      bool gso_in_place)
{
	e->skb = addr;
	e->probe = SKBREC_CFG_ID(cfg);
	e->cpu = cpu;
	fill_task(e);
	e->drop_reason = 0;
	if (SKBREC_CFG_REASON(cfg) != SKBREC_NO_ARG) {
		e->drop_reason = (__u32)reason;
		e->flags |= SKBREC_DROP;
	}
	e->stack_id = -1;
	if (SKBREC_CFG_STACK(cfg))
		e->stack_id = bpf_get_stackid(ctx, &stacks, 0);
	fill_meta(e, ls, head, mem, direct, gso_in_place);
}

/*
 * Wake the reader only when enough has piled up: no wakeup per event.
 * The reader also polls with a short timeout, so little traffic still
 * reaches the file quickly.  And from one CPU at most once in wake_gap_ns:
 * while the reader is behind, the ring stays above wake_bytes, and a
 * wakeup per record was an IPI per record (irq_work_queue; ~1.5 us under a
 * hypervisor: 3/4 of the BPF time at -s 1500, bench/bpf-profile.sh).  A
 * reader that missed one (it was busy, then slept) gets the next within
 * the gap, in which the ring fills a sixteenth more at 1 GB/s.
 */
static __always_inline __u64 wake_flags(struct cpu_state *st, __u64 ts)
{
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= wake_bytes &&
	    ts - st->woke >= wake_gap_ns) {
		st->woke = ts;
		return BPF_RB_FORCE_WAKEUP;
	}
	return BPF_RB_NO_WAKEUP;
}

/*
 * A record built in the ring itself (bpf_ringbuf_reserve, then submit),
 * not in the scratch slot that bpf_ringbuf_output then copies (one copy of
 * the record less: 184 -> 168 ns a run on 64-byte UDP, 383 -> 295 at
 * -s 1500 on 1472-byte payloads, bench/ab-bpf.sh): where the buffer is
 * loaded in place (direct, ptr_mem), nothing is selected, and the bytes to
 * keep are linear.  A reservation's size must be a constant: it holds
 * RING_DIRECT_BYTES (the usual small packet, copied in words), or the
 * snaplen for a packet of at least half of it (so at most twice the room
 * the bytes need; a reservation of the most any packet could need, for
 * every packet, was dearer than the copy: docs/benchmarks.md).  Other
 * packets (fragments, sizes between) take the scratch slot.  Returns 0
 * when it did not record (the caller does), 1 when it did.  e: the scratch
 * slot, whose tail the tracker uses.
 */
#define RING_DIRECT_BYTES (COPY_WORDS_DIRECT * 8)

static __always_inline int record_in_ring(void *ctx, __u64 cfg, struct skbrec_event *e,
					  struct sk_buff *ls, __u64 addr, __u32 cpu,
					  __u64 reason, unsigned char *head,
					  const unsigned char *mem, __u32 data_off,
					  struct cpu_state *st, __u64 fresh)
{
	struct skbrec_event *r;
	struct place pl;
	__u32 cap, len = ls->len;

	place_of(&pl, ls, data_off, len, ls->data_len);
	cap = linear_caplen(pl.start, pl.lin_end, pl.orig_len);
	if (cap < pl.orig_len && cap < snaplen)
		return 0;   /* bytes in fragments too */
	/* the bytes first, in the branch that reserved: the verifier keeps
	 * each reservation's size with its copy */
	if (cap <= RING_DIRECT_BYTES) {
		r = bpf_ringbuf_reserve(&events, sizeof(*r) + RING_DIRECT_BYTES, 0);
		if (!r)
			return 0;   /* full: the scratch path counts it lost */
		copy_words((__u64 *)r->data, (const __u64 *)(mem + pl.start), cap);
		r->flags = pl.flags;
	} else if (snaplen > RING_DIRECT_BYTES && cap >= snaplen / 2) {
		/* at most twice the bytes it holds */
		r = bpf_ringbuf_reserve(&events, sizeof(*r) + snaplen, 0);
		if (!r)
			return 0;   /* (or larger than the ring: -b) */
		r->flags = pl.flags;
		if (bpf_probe_read_kernel(r->data, clamp(cap, snaplen), head + pl.start)) {
			cap = 0;
			r->flags |= SKBREC_MISSING;
		}
	} else {
		return 0;
	}
	r->ts = bpf_ktime_get_ns();
	r->track = track_id(addr, ls, head, mem, data_off, r->ts, fresh, track_tmp_of(e));
	if (r->track == fresh)
		st->seq++;
	r->len = len;
	r->data_len = ls->data_len;
	r->orig_len = pl.orig_len;
	r->l3_off = pl.l3_off;
	r->l4_off = pl.l4_off;
	r->caplen = cap;
	fill_rest(ctx, cfg, r, ls, addr, cpu, reason, head, mem, true, true);
	bpf_ringbuf_submit(r, wake_flags(st, r->ts));
	return 1;
}

/* One event of the probe cfg on the sk_buff at addr (skb: the same
 * pointer, typed by BTF when direct). */
static __always_inline int record(void *ctx, __u64 cfg, struct sk_buff *skb, __u64 addr,
				  __u64 reason, bool direct)
{
	__u32 probe = SKBREC_CFG_ID(cfg), zero = 0, slot, cpu;
	struct cpu_state *st;
	struct skbrec_event *e;
	struct sk_buff *ls;
	unsigned char *head, *mem = NULL;
	struct frag_state *fs;
	__u32 data_off, start, lin_end;
	__u64 size, fresh, *fw;
	bool select = sel_on || filter_on, known = false, pass = true;
	int early = EARLY_OPEN;

	if (!skb)
		return 0;
	if (direct && ptr_mem && filter_on && filter_need && !sel_on) {
		early = early_filter(skb, addr);
		if (early == EARLY_REJECT)
			return 0;
	}
	st = bpf_map_lookup_elem(&nest, &zero);
	if (!st)
		return 0;
	if (st->lvl >= SKBREC_NEST_MAX) {
		count_lost(probe);
		return 0;
	}
	cpu = bpf_get_smp_processor_id();
	slot = cpu * SKBREC_NEST_MAX + st->lvl;
	e = bpf_map_lookup_elem(&scratch, &slot);
	if (!e) {
		count_lost(probe);
		return 0;
	}
	if (direct) {
		if (!addr)
			addr = ptr_as_number(skb, &e->skb);
		ls = skb;
	} else {
		ls = bpf_map_lookup_elem(&skbcopy, &slot);
		if (!ls) {
			count_lost(probe);
			return 0;
		}
		/* an skb we cannot read is an event we cannot record: lost,
		 * counted like a full ring (never silent) */
		if (fault_unreadable_skb)
			skb = (struct sk_buff *)8;   /* the first page is never mapped */
		if (bpf_probe_read_kernel(ls, clamp(bpf_core_type_size(struct sk_buff),
						    SKBREC_SKB_COPY), skb)) {
			count_lost(probe);
			return 0;
		}
	}
	if (head_data(addr, ls, direct, &head, &data_off, &mem)) {
		count_lost(probe);
		return 0;
	}
	st->lvl += 1;

	/* A unique id for packets the tracker cannot recognise: CPU + 1 in
	 * the top 16 bits, a per-CPU sequence below (a timestamp is not
	 * unique: two CPUs can read the same nanosecond). */
	fresh = (__u64)(cpu + 1) << 48 | (st->seq & 0xffffffffffffULL);
	/* Without a selection the tracker goes first (measured: ~50 ns less
	 * per event than after the bytes).  With one (-i, --netns, --mark,
	 * -f) the selection comes first: the tracker's reads are the dearest
	 * part of an event, and a packet neither selected nor followed needs
	 * no id.  A followed packet is one the tracker knows (an entry under
	 * its buffer or its sk_buff: with a selection, entries are made for
	 * the packets let through and those found under their keys): only
	 * those get their id before they are let through.  The selectors
	 * before anything is copied, the filter on the copied bytes.  `select`
	 * is fixed at load: the verifier keeps one of the two orders.  The
	 * time is read just before the tracker (a helper call fewer for a
	 * packet rejected). */
	if (!select && direct && ptr_mem &&
	    record_in_ring(ctx, cfg, e, ls, addr, cpu, reason, head, mem, data_off, st, fresh))
		goto skip;
	if (!select) {
		e->ts = bpf_ktime_get_ns();
		e->track = track_id(addr, ls, head, mem, data_off, e->ts, fresh, track_tmp_of(e));
	} else {
		/* Only a packet that may have a followed id is worth the
		 * tracker's work when rejected: a buffer or sk_buff merely
		 * reused (the allocator hands the same few back all the time)
		 * would otherwise send every packet through it once anything
		 * matched (-f tcp on a UDP flood: ~570 ns a run, not ~160). */
		if (sel_follow) {
			__u64 ids[2];

			track_known(addr, head, ids);
			known = is_followed(ids[0]) || is_followed(ids[1]);
		}
		if (sel_on && !selectors_hold(ls, direct)) {
			if (!known)
				goto skip;
			pass = false;
		}
	}
	e->flags = 0;
	e->len = ls->len;
	e->data_len = ls->data_len;
	start = fill_place(e, ls, data_off, &lin_end);
	fs = frag_state_of(e);
	fs->pre = 0;   /* map memory: the verifier does not split paths on it */
	if (early == EARLY_MATCH)
		fs->pre = 1;
	else if (filter_on && filter_need && pass) {
		/* The expression runs first on the linear bytes it can load
		 * (at most filter_need, the whole packet when shorter): an
		 * answer that needed no byte past them is its answer on the
		 * whole packet, and a packet it rejects is not copied any
		 * further (its fragments, up to snaplen).  It loaded past
		 * them (2) before all it can load was there: the bytes are
		 * copied whole and it runs again below.  (Bytes that start at
		 * neither header never match: skbgrep -f.) */
		__u32 want = e->orig_len < filter_need ? e->orig_len : filter_need;
		__u32 n = lin_end - start < want ? lin_end - start : want;
		int r = 0;

		bool here = mem != NULL;   /* the bytes in place: no copy first */

		if (n && (here || bpf_probe_read_kernel(e->data, clamp(n, filter_need),
							head + start) == 0)) {
			if ((e->flags & (SKBREC_L2 | SKBREC_L3)) && here)
				r = filter_match_mem(mem + start, clamp(n, filter_need),
						     e->orig_len, e->flags & SKBREC_L2);
			else if (e->flags & (SKBREC_L2 | SKBREC_L3))
				r = filter_match(e->data, clamp(n, filter_need), e->orig_len,
						 e->flags & SKBREC_L2);
			if (r != 2 || n == want) {
				fs->pre = 1;
				if (r != 1)
					pass = false;
				if (!pass && !known)
					goto skip;
			}
		}
	}
	fill_copy(e, ls, head, mem, start, lin_end);
	if (filter_on) {
		/* the same on all the bytes copied, where the linear ones
		 * were not enough */
		if (pass && !fs->pre &&
		    (!(e->flags & (SKBREC_L2 | SKBREC_L3)) ||
		     filter_match(e->data, clamp(e->caplen, snaplen), e->orig_len,
				  e->flags & SKBREC_L2) != 1))
			pass = false;
		if (!pass && !known)
			goto skip;
		if (e->caplen > store_len)   /* the filter saw more than is kept */
			e->caplen = store_len;
	}
	if (select) {
		e->ts = bpf_ktime_get_ns();
		e->track = track_id(addr, ls, head, mem, data_off, e->ts, fresh, track_tmp_of(e));
		/* a packet that matched at an earlier probe passes */
		fw = follow_slot(e->track);
		if (!(fw && *fw == e->track)) {
			if (!pass)
				goto skip;
			if (fw)
				*fw = e->track;
		}
	}
	if (e->track == fresh)
		st->seq++;
	fill_rest(ctx, cfg, e, ls, addr, cpu, reason, head, mem, direct,
		  !select && direct && ptr_mem);
	size = clamp(e->caplen, snaplen) + sizeof(*e);
	if (bpf_ringbuf_output(&events, e, size, wake_flags(st, e->ts)))
		count_lost(probe);
skip:
	st->lvl -= 1;
	return 0;
}

/* Argument i of a u64-array context (raw_tp, tp_btf, fentry, fexit).  Read
 * through the helper so that one instruction stream fits every position and
 * every program type; the loader only picks positions BTF says exist. */
static __always_inline __u64 ctx_arg(__u64 *ctx, __u32 i)
{
	__u64 v = 0;

	if (i < SKBREC_ARGS_MAX)
		bpf_probe_read_kernel(&v, sizeof(v), &ctx[i]);
	return v;
}

SEC("raw_tp")
int skb_ctx(__u64 *ctx)
{
	__u64 cfg = patched_cfg();
	__u32 r = SKBREC_CFG_REASON(cfg);

	/* No comparison with the magic here: the loader patches every
	 * occurrence of it.  The template itself is never attached. */
	__u64 skb = ctx_arg(ctx, SKBREC_CFG_SKB(cfg));

	return record(ctx, cfg, (struct sk_buff *)skb, skb,
		      r != SKBREC_NO_ARG ? ctx_arg(ctx, r) : 0, false);
}

/* Argument i of a BTF-typed context (tp_btf, fentry, fexit), loaded
 * directly so that the verifier gives it its BTF type.  i is a constant
 * once the config word is patched in: the verifier follows only its case
 * (the template itself, with the magic, takes the default). */
static __always_inline __u64 btf_arg(__u64 *ctx, __u32 i)
{
	__u64 v = 0;

	/* one load per case, its offset in the instruction (the compiler
	 * would otherwise add the offset to ctx first, which the verifier
	 * refuses) */
#define BTF_ARG_CASE(n) \
	case n: asm volatile("%0 = *(u64 *)(%1 + " #n " * 8)" : "=r"(v) : "r"(ctx)); break
	switch (i) {
	BTF_ARG_CASE(0); BTF_ARG_CASE(1); BTF_ARG_CASE(2); BTF_ARG_CASE(3);
	BTF_ARG_CASE(4); BTF_ARG_CASE(5); BTF_ARG_CASE(6); BTF_ARG_CASE(7);
	BTF_ARG_CASE(8); BTF_ARG_CASE(9); BTF_ARG_CASE(10); BTF_ARG_CASE(11);
	}
#undef BTF_ARG_CASE
	return v;
}

/* The probe template for tp_btf, fentry and fexit: loaded by libbpf on one
 * tracepoint every kernel has, then again per target like skb_ctx. */
SEC("tp_btf/netif_receive_skb")
int skb_btf(__u64 *ctx)
{
	__u64 cfg = patched_cfg();
	__u32 r = SKBREC_CFG_REASON(cfg), i = SKBREC_CFG_SKB(cfg);
	struct sk_buff *skb = (struct sk_buff *)btf_arg(ctx, i);

	/* (the template, never attached, has a 0 here) */
	if (!skb)
		return 0;
	/* The address as a number.  Without a selection record() makes it
	 * from its scratch slot (ptr_as_number); with one (sel_on, filter_on:
	 * fixed at load) here, for early_filter(), which runs before the slot
	 * is taken: ptr_as_number's number there made the verifier walk half
	 * as much again with -f (110 000 -> 165 000 instructions on 6.18).
	 * 0 (no bpf_get_current_task_btf, before 5.11): record() makes it. */
	return record(ctx, cfg, skb, sel_on || filter_on ? task_ptr_addr(skb) : 0,
		      r != SKBREC_NO_ARG ? btf_arg(ctx, r) : 0, true);
}

/* Register argument i of a kprobe.  Read through the helper (the _CORE
 * accessors): the index comes from the cookie, and the compiler would turn
 * direct loads into "ctx + variable offset", which the verifier refuses. */
static __always_inline __u64 regs_arg(struct pt_regs *regs, __u32 i)
{
	switch (i) {
	case 0: return PT_REGS_PARM1_CORE(regs);
	case 1: return PT_REGS_PARM2_CORE(regs);
	case 2: return PT_REGS_PARM3_CORE(regs);
	case 3: return PT_REGS_PARM4_CORE(regs);
	case 4: return PT_REGS_PARM5_CORE(regs);
	}
	return 0;
}

/* cfg: the attach cookie, or the patched word (kernels without cookies) */
static __always_inline int do_kprobe(struct pt_regs *regs, __u64 cfg)
{
	__u32 r = SKBREC_CFG_REASON(cfg);

	__u64 skb = regs_arg(regs, SKBREC_CFG_SKB(cfg));

	return record(regs, cfg, (struct sk_buff *)skb, skb,
		      r != SKBREC_NO_ARG ? regs_arg(regs, r) : 0, false);
}

static __always_inline int do_kret_entry(struct pt_regs *regs, __u64 cfg)
{
	__u32 r = SKBREC_CFG_REASON(cfg);
	struct skbrec_kret_key k = {
		.pid_tgid = bpf_get_current_pid_tgid(),
		.probe = SKBREC_CFG_ID(cfg),
	};
	struct skbrec_kret_val v = {
		.skb = regs_arg(regs, SKBREC_CFG_SKB(cfg)),
		.reason = r != SKBREC_NO_ARG ? regs_arg(regs, r) : 0,
	};

	bpf_map_update_elem(&kret_args, &k, &v, BPF_ANY);
	return 0;
}

static __always_inline int do_kretprobe(struct pt_regs *regs, __u64 cfg)
{
	struct skbrec_kret_key k = {
		.pid_tgid = bpf_get_current_pid_tgid(),
		.probe = SKBREC_CFG_ID(cfg),
	};
	struct skbrec_kret_val *v = bpf_map_lookup_elem(&kret_args, &k);
	struct skbrec_kret_val copy;

	if (!v)
		return 0;
	copy = *v;
	bpf_map_delete_elem(&kret_args, &k);
	return record(regs, cfg, (struct sk_buff *)copy.skb, copy.skb, copy.reason, false);
}

SEC("kprobe")
int skb_kprobe(struct pt_regs *regs)
{
	return do_kprobe(regs, bpf_get_attach_cookie(regs));
}

SEC("kprobe")
int skb_kret_entry(struct pt_regs *regs)
{
	return do_kret_entry(regs, bpf_get_attach_cookie(regs));
}

SEC("kretprobe")
int skb_kretprobe(struct pt_regs *regs)
{
	return do_kretprobe(regs, bpf_get_attach_cookie(regs));
}

/* The same three for kprobe-multi links (a distinct attach type at load). */
SEC("kprobe.multi")
int skb_kprobe_multi(struct pt_regs *regs)
{
	return do_kprobe(regs, bpf_get_attach_cookie(regs));
}

SEC("kprobe.multi")
int skb_kret_entry_multi(struct pt_regs *regs)
{
	return do_kret_entry(regs, bpf_get_attach_cookie(regs));
}

SEC("kretprobe.multi")
int skb_kretprobe_multi(struct pt_regs *regs)
{
	return do_kretprobe(regs, bpf_get_attach_cookie(regs));
}

/*
 * The same three for kernels without bpf_get_attach_cookie (before 5.15):
 * templates loaded again per probe with its config word patched in, like
 * skb_ctx, each instance attached to its own kprobe perf event
 * (cmd/skbrec/kprobe_pmu.c).  Loaded only there.
 */
SEC("kprobe")
int skb_kprobe_cfg(struct pt_regs *regs)
{
	return do_kprobe(regs, patched_cfg());
}

SEC("kprobe")
int skb_kret_entry_cfg(struct pt_regs *regs)
{
	return do_kret_entry(regs, patched_cfg());
}

SEC("kretprobe")
int skb_kretprobe_cfg(struct pt_regs *regs)
{
	return do_kretprobe(regs, patched_cfg());
}

/*
 * Template of the copy followers (docs/tracking.md): loaded again as fexit
 * on skb_copy, __pskb_copy_fclone and skb_copy_expand, with the index of
 * the return value (the function's argument count) patched in as the
 * config's skb field.  Argument 0 is the original.
 */
SEC("raw_tp")
int track_copy(__u64 *ctx)
{
	__u64 cfg = patched_cfg();

	track_follow_copy((struct sk_buff *)ctx_arg(ctx, 0),
			  (struct sk_buff *)ctx_arg(ctx, SKBREC_CFG_SKB(cfg)),
			  bpf_ktime_get_ns());
	return 0;
}
