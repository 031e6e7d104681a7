/* SPDX-License-Identifier: MIT */
/*
 * skbcat-gen - test helper: write a small deterministic .skb stream to
 * stdout with what pcap2skb cannot express and skbcat must print: context
 * (cpu, comm, pid/tid), tracepoint / kprobe / kretprobe probes sharing one
 * tracking id, a kernel stack, skb metadata, an offloaded VLAN tag, drop
 * reasons with and without a name, lost-event records (attributed or not),
 * odd bytes in comm and device names, an event without device or context
 * and one without bytes.
 *
 *   skbcat-gen [--no-wall] > gen.skb   (see tests/t2000-skbcat-golden.sh)
 *
 * --no-wall leaves the wall-clock offset unknown (0), as a recorder that
 * could not read the clocks would.
 */
#include "cli.h"
#include "skb.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Packet bytes written as hex text: easy to read against the decoders. */
static size_t unhex(uint8_t *out, const char *s)
{
	size_t n = 0;
	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		unsigned v;
		char tmp[3] = { s[0], s[1], 0 };
		v = (unsigned)strtoul(tmp, NULL, 16);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* Ethernet + IPv4 ICMP echo request 10.1.0.1 > 10.1.0.2, id 0x42 seq 7 */
static const char ETH_ICMP[] =
	"020000000002 020000000001 0800"
	"4500 001c 1234 4000 4001 0000 0a010001 0a010002"
	"0800 0000 0042 0007";
/* Ethernet (tag stripped into the skb) + IPv4 UDP 10.2.0.1.1000 > 10.2.0.2.2000 */
static const char ETH_UDP[] =
	"0a0000000002 0a0000000001 0800"
	"4500 001d 0001 0000 4011 0000 0a020001 0a020002"
	"03e8 07d0 0009 0000 78";

/* The dictionaries every event below refers to. */
static struct skb_probe rx = { .kind = SKB_PROBE_TP, .spec = "tp:net:netif_receive_skb" };
static struct skb_probe iprcv = { .kind = SKB_PROBE_KPROBE, .spec = "k:ip_rcv" };
static struct skb_probe iprcv_ret = { .kind = SKB_PROBE_KRETPROBE, .spec = "kr:ip_rcv" };
static struct skb_probe kfree = { .kind = SKB_PROBE_TP, .spec = "tp:skb:kfree_skb" };
static struct skb_probe xmit = { .kind = SKB_PROBE_TP, .spec = "tp:net:net_dev_start_xmit" };
static struct skb_iface eth0 = { .netns = 4026531840u, .ifindex = 4, .name = "eth0" };
static struct skb_iface odd = { .netns = 4026532000u, .ifindex = 9, .name = "we ird\x01" };
static struct skb_ctx ping = { .cpu = 3, .pid = 1234, .tid = 1234, .comm = "ping" };
static struct skb_ctx softirq = { .cpu = 1, .pid = 0, .tid = 0, .comm = "swapper/1" };
static struct skb_ctx weird = { .cpu = 0, .pid = 4321, .tid = 4322,
				.comm = "a\"b\\c\x01\xff\xc3\xa9" };
static const struct skb_stack_frame frames[] = {
	{ .addr = 0xffffffff81a0004dull, .off = 0x4d, .sym = "ip_rcv" },
	{ .addr = 0xffffffff819f02a0ull, .off = 0x2a0, .sym = "__netif_receive_skb_one_core" },
	{ .addr = 0xffffffff81000123ull, .off = 0, .sym = "" },
};
static struct skb_stack stack = { .id = 1, .n = 3, .frame = frames };

/* Packet bytes: an Ethernet ICMP echo, its L3 part, an Ethernet UDP frame. */
struct pkts {
	uint8_t eth[256], l3[256], udp[256];
	size_t n, n3, nu;
};

/* Records 1-5: one packet's journey (metadata, stack, lost events, ip_rcv
 * entry and return) with an unrelated outgoing packet in between. */
static void write_journey(struct skb_writer *w, const struct skb_event *base,
			  const struct pkts *k, uint64_t t)
{
	struct skb_event ev;

	/* 1: the packet arrives, with metadata and a stack */
	ev = *base;
	ev.ts = t;
	ev.probe = &rx;
	ev.flags = SKB_EV_L2 | SKB_EV_MAC_SET;
	ev.mark = 0x2a;
	ev.hash = 0xdeadbeef;
	ev.priority = 6;
	ev.queue_mapping = 2;
	ev.ip_summed = 2;
	ev.cloned = 1;
	ev.users = 2;
	ev.rx_ifindex = 4;
	ev.stack = &stack;
	skbw_event(w, &ev);

	/* 2: lost events on that probe */
	struct skb_lost lost = { .ts = t + 5000, .count = 1234, .probe = &rx };
	skbw_lost(w, &lost);

	/* 3: ip_rcv entry, L3 bytes, 12.5 us later */
	ev = *base;
	ev.ts = t + 12500;
	ev.probe = &iprcv;
	ev.flags = SKB_EV_L3;
	ev.l3_off = 0;
	ev.l4_off = 20;
	ev.data = k->l3;
	ev.caplen = ev.orig_len = ev.len = (uint32_t)k->n3;
	skbw_event(w, &ev);

	/* 4: an unrelated packet in between, offloaded VLAN tag, outgoing */
	ev = *base;
	ev.ts = t + 15000;
	ev.probe = &xmit;
	ev.ctx = &ping;
	ev.track = 0x2000;
	ev.skb = 0xffff888003a1d000ull;
	ev.flags = SKB_EV_L2 | SKB_EV_MAC_SET;
	ev.pkt_type = 4;
	ev.vlan_tci = (3 << 13) | 100;
	ev.vlan_proto = 0x8100;
	ev.gso_size = 1448;
	ev.gso_segs = 2;
	ev.gso_type = 1;
	ev.data = k->udp;
	ev.caplen = ev.orig_len = ev.len = (uint32_t)k->nu;
	skbw_event(w, &ev);

	/* 5: ip_rcv returns */
	ev = *base;
	ev.ts = t + 20000;
	ev.probe = &iprcv_ret;
	ev.flags = SKB_EV_L3;
	ev.l3_off = 0;
	ev.l4_off = 20;
	ev.data = k->l3;
	ev.caplen = ev.orig_len = ev.len = (uint32_t)k->n3;
	skbw_event(w, &ev);
}

/* Records 6-10: drops with and without a reason name, unattributed losses,
 * an event without device, context, tracking id or bytes, one whose bytes
 * the recorder could not read. */
static void write_drops(struct skb_writer *w, const struct skb_event *base,
			const struct pkts *k, uint64_t t)
{
	struct skb_event ev;

	/* 6: dropped, the reason named by the file's dictionary */
	ev = *base;
	ev.ts = t + 1250000;
	ev.probe = &kfree;
	ev.flags = SKB_EV_L3 | SKB_EV_DROP;
	ev.drop_reason = 3;
	ev.drop_name = "NO_SOCKET";
	ev.data = k->l3;
	ev.l3_off = 0;
	ev.caplen = ev.orig_len = ev.len = (uint32_t)k->n3;
	skbw_event(w, &ev);

	/* 7: a drop whose reason has no name, odd strings, pid != tid */
	ev = *base;
	ev.ts = t + 2000000;
	ev.probe = &kfree;
	ev.ctx = &weird;
	ev.iface = &odd;
	ev.netns = odd.netns;
	ev.track = 0x3000;
	ev.skb = 0xffff888003a1e000ull;
	ev.flags = SKB_EV_L2 | SKB_EV_DROP;
	ev.drop_reason = 77;
	ev.drop_name = NULL;
	skbw_event(w, &ev);

	/* 8: lost events nobody can attribute */
	struct skb_lost lost = { .ts = t + 2500000, .count = 1, .probe = NULL };
	skbw_lost(w, &lost);

	/* 9: no device, no context, no tracking id, no bytes */
	ev = *base;
	ev.ts = t + 3000000;
	ev.probe = &xmit;
	ev.ctx = NULL;
	ev.iface = NULL;
	ev.netns = 0;
	ev.track = 0;
	ev.flags = SKB_EV_L3;
	ev.l3_off = ev.l4_off = 0xffff;
	ev.caplen = 0;
	ev.orig_len = ev.len = 60;
	ev.data = k->l3;
	skbw_event(w, &ev);

	/* 10: the recorder could not read the fragments (device memory): 20
	 * bytes of a 1500-byte packet under a large snaplen, flagged */
	ev = *base;
	ev.ts = t + 3500000;
	ev.probe = &rx;
	ev.flags = SKB_EV_L3 | SKB_EV_MISSING;
	ev.l3_off = 0;
	ev.l4_off = 0xffff;
	ev.data = k->l3;
	ev.caplen = 20;
	ev.orig_len = ev.len = 1500;
	ev.data_len = 1480;
	skbw_event(w, &ev);
}

int main(int argc, char **argv)
{
	struct pkts k;

	k.n = unhex(k.eth, ETH_ICMP);
	k.n3 = k.n - 14;
	memcpy(k.l3, k.eth + 14, k.n3);
	k.nu = unhex(k.udp, ETH_UDP);

	struct skb_info info = {
		.snaplen = 256, .wall_offset = 1764244800000000000LL - 5000000000LL,
		.time_base = 5000000000ULL, .tool = "skbcat-gen", .host = "gen",
		.kernel = "6.18.0", .cmdline = "skbcat-gen",
	};
	if (argc > 1 && !strcmp(argv[1], "--no-wall"))
		info.wall_offset = 0;
	int fd = skb_open_binary_output(NULL);
	struct skb_writer *w = fd < 0 ? NULL : skbw_open_fd(fd, &info, 0);
	if (!w)
		return 2;
	skbw_drop_reason(w, 3, "NO_SOCKET");

	struct skb_event base = {
		.skb = 0xffff888003a1c200ull, .track = 0x1d3f, .ctx = &softirq,
		.iface = &eth0, .netns = 4026531840u, .l3_off = 14, .l4_off = 34,
		.orig_len = (uint32_t)k.n, .caplen = (uint32_t)k.n, .len = (uint32_t)k.n,
		.protocol = 0x0800, .users = 1, .data = k.eth,
	};
	write_journey(w, &base, &k, 5000000000ULL);
	write_drops(w, &base, &k, 5000000000ULL);
	if (skbw_close(w)) {
		fprintf(stderr, "skbcat-gen: write failed\n");
		return 2;
	}
	return 0;
}
