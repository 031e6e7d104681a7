/* SPDX-License-Identifier: MIT */
/*
 * probe.bpf.c - the smallest programs that prove a kernel's attach
 * mechanisms work: each counts calls of ip_rcv() through one mechanism.
 * tests/vm/bpfattach loads the ones asked for and prints the counters, so
 * equal counts mean every mechanism saw the same calls.
 */
#include <linux/types.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 fentry_hits, fexit_hits, kprobe_hits, kretprobe_hits;
__u64 tp_btf_hits, raw_tp_hits;

SEC("fentry/ip_rcv")
int BPF_PROG(fentry_ip_rcv)
{
	__sync_fetch_and_add(&fentry_hits, 1);
	return 0;
}

SEC("fexit/ip_rcv")
int BPF_PROG(fexit_ip_rcv)
{
	__sync_fetch_and_add(&fexit_hits, 1);
	return 0;
}

SEC("kprobe/ip_rcv")
int kprobe_ip_rcv(void *ctx)
{
	__sync_fetch_and_add(&kprobe_hits, 1);
	return 0;
}

SEC("kretprobe/ip_rcv")
int kretprobe_ip_rcv(void *ctx)
{
	__sync_fetch_and_add(&kretprobe_hits, 1);
	return 0;
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(tp_btf_netif_receive_skb)
{
	__sync_fetch_and_add(&tp_btf_hits, 1);
	return 0;
}

SEC("raw_tp/netif_receive_skb")
int raw_tp_netif_receive_skb(void *ctx)
{
	__sync_fetch_and_add(&raw_tp_hits, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
