/* SPDX-License-Identifier: MIT */
/*
 * skbrec.h - the one record skbrec's BPF programs hand to user space, shared
 * by bpf/skbrec.bpf.c and cmd/skbrec.  Fixed-width types only, no includes:
 * the BPF side gets __u64 & co. from its own headers, the user side from
 * <linux/types.h>.
 *
 * Ring buffer record (variable size, host byte order):
 *
 *   +---------------------------+  struct skbrec_event (fixed part)
 *   | ts, skb, track, head ...  |
 *   | caplen                    |
 *   +---------------------------+
 *   | caplen packet bytes       |  from the MAC header (SKBREC_L2) or the
 *   +---------------------------+  network header (SKBREC_L3)
 *
 * The record length reported by the ring buffer is at least
 * sizeof(struct skbrec_event) + caplen (user space checks that): a record
 * built in the ring itself has room for a fixed number of bytes (128, or
 * the snaplen), and the bytes past caplen are not the packet's.
 */
#ifndef SKBREC_H
#define SKBREC_H

#define SKBREC_IFNAMSIZ   16
#define SKBREC_COMM_LEN   16
#define SKBREC_MAX_PROBES 4096   /* probe ids 0..4095 (lost counters) */
#define SKBREC_NEST_MAX   4      /* programs nested on one CPU (irq over task) */
#define SKBREC_STACK_MAX  64     /* frames per kernel stack (== SKB_STACK_MAX) */
#define SKBREC_ARGS_MAX   12     /* raw tracepoints and trampolines: 12 args */
#define SKBREC_KPROBE_ARGS 5     /* kprobes read register arguments only */
/* A scratch slot's bytes past its event and two snaplens of data: the
 * fragment copy's state (64) and the tracker's byte buffers (144) */
#define SKBREC_SCRATCH_TAIL 256

/* Event flags (same bit values as SKB_EV_* in lib/skb.h, checked in
 * cmd/skbrec/events.c). */
#define SKBREC_L2       0x01
#define SKBREC_L3       0x02
#define SKBREC_DROP     0x04
#define SKBREC_MAC_SET  0x08
#define SKBREC_MISSING  0x40   /* caplen < min(orig_len, snaplen): bytes unreadable */
#define SKBREC_NO_DEV   0x80

/*
 * A probe instance's configuration, one 64-bit word.  Trampoline and raw
 * tracepoint programs get it patched into their instructions (one loaded
 * instance per target); kprobes get it as the attach cookie.
 *   bits  0..15  probe id
 *   bits 16..23  index of the struct sk_buff * argument
 *   bits 24..31  index of the enum skb_drop_reason argument, 0xff: none
 *   bit  32      record the kernel stack
 */
#define SKBREC_CFG(id, skb, reason, stack) \
	((unsigned long long)(id) | (unsigned long long)(skb) << 16 | \
	 (unsigned long long)(reason) << 24 | (unsigned long long)!!(stack) << 32)
#define SKBREC_CFG_ID(c)      ((unsigned)((c) & 0xffff))
#define SKBREC_CFG_SKB(c)     ((unsigned)(((c) >> 16) & 0xff))
#define SKBREC_CFG_REASON(c)  ((unsigned)(((c) >> 24) & 0xff))
#define SKBREC_CFG_STACK(c)   ((unsigned)(((c) >> 32) & 1))
#define SKBREC_NO_ARG         0xff
/* Placeholder immediate the loader replaces (ld_imm64, both halves). */
#define SKBREC_CFG_MAGIC      0x5ca1ab1e0defaced

struct skbrec_event {
	__u64 ts;            /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 skb;           /* struct sk_buff address */
	__u64 track;         /* tracking id (docs/tracking.md) */
	__u32 probe;         /* probe id */
	__u32 cpu;
	__u32 pid, tid;
	__u32 netns;         /* netns inode, 0 unknown */
	__u32 ifindex;       /* skb->dev->ifindex, 0 no device */
	__u32 rx_ifindex;    /* skb->skb_iif */
	__u32 mark, hash, priority;
	__u32 len, data_len;
	__u32 orig_len;      /* bytes from the first captured byte to the end */
	__u32 caplen;        /* bytes that follow this header */
	__u32 gso_type;
	__u32 users;
	__u32 drop_reason;
	__s32 stack_id;      /* kernel stack id, < 0 none */
	__u16 protocol;      /* host order */
	__u16 queue_mapping;
	__u16 vlan_tci, vlan_proto;   /* vlan_proto host order, 0: no tag */
	__u16 gso_size, gso_segs;
	__u16 l3_off, l4_off;         /* from the first captured byte, 0xffff unknown */
	__u8 flags;          /* SKBREC_* */
	__u8 pkt_type;
	__u8 ip_summed, csum_level;
	__u8 cloned, fclone;
	__u8 pad[2];
	char comm[SKBREC_COMM_LEN];
	char ifname[SKBREC_IFNAMSIZ];
	unsigned char data[];
};

/* Key of the kretprobe argument stash (entry saves, return reads). */
struct skbrec_kret_key {
	__u64 pid_tgid;
	__u64 probe;
};

struct skbrec_kret_val {
	__u64 skb;
	__u64 reason;
};

#endif
