/* SPDX-License-Identifier: MIT */
/*
 * minrec.bpf.c - the least a recorder can do per event, for bench/rec-cost.sh
 * (mode "minrec"): on skbrec's two default tracepoints, reserve one
 * fixed-size record in a BPF ring buffer, fill in the time, the sk_buff
 * address and its length, submit.  What skbrec costs above this is what its
 * metadata, packet bytes and tracking cost (docs/benchmarks.md).
 * With `empty` set (minrec --empty, mode "empty") the programs return at
 * once: what a program on these tracepoints costs the traffic by being
 * there, the floor of a recorder whose in-kernel filter rejects everything.
 * With `bytes` set (minrec --bytes N, mode "minrec-sN") every record also
 * holds up to N bytes of the packet from skb->data, read straight into the
 * ring (one copy): the floor of a recorder at -s N.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "Dual MIT/GPL";

struct minrec_event {
	__u64 ts, skb;
	__u32 len, probe;
	__u8 data[];
};

#define MINREC_BYTES_MAX 4096   /* minrec --bytes checks it too */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} events SEC(".maps");

__u64 lost;
const volatile __u32 empty = 0;
/* constant to the verifier (read-only data, frozen at load): the size of a
 * reservation must be one */
const volatile __u32 bytes = 0;

static __always_inline int minrec_record(struct sk_buff *skb, __u32 probe)
{
	struct minrec_event *e;

	if (empty)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e) + (bytes & (MINREC_BYTES_MAX - 1)), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return 0;
	}
	e->ts = bpf_ktime_get_ns();
	e->skb = (__u64)skb;
	e->len = skb->len;
	e->probe = probe;
	if (bytes) {
		/* the linear bytes from skb->data, at most `bytes` */
		__u64 n = skb->len - skb->data_len, max = bytes & (MINREC_BYTES_MAX - 1);

		/* min in one register, so the verifier keeps the bound */
		asm volatile("if %[n] <= %[m] goto +1\n\t%[n] = %[m]" : [n] "+r"(n) : [m] "r"(max));
		if (bpf_probe_read_kernel(e->data, n, skb->data))
			e->len = 0;
	}
	/* wake the reader only once 1 MiB has piled up, as skbrec does */
	bpf_ringbuf_submit(e, bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= (1 << 20) ?
			   BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(minrec_rx, struct sk_buff *skb)
{
	return minrec_record(skb, 0);
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(minrec_tx, struct sk_buff *skb, struct net_device *dev)
{
	return minrec_record(skb, 1);
}
