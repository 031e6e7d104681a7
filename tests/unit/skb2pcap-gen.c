/* SPDX-License-Identifier: MIT */
/*
 * skb2pcap-gen - test helper: write a small deterministic .skb stream to
 * stdout that exercises what skb2pcap must carry into pcap/pcapng and that
 * pcap2skb cannot express: several probes, interfaces in two netns, an event
 * without a device, L2 and L3 events mixed, an offloaded VLAN tag, outgoing
 * packets, a tracking id shared across probes, queue, mark, a drop reason,
 * an event without bytes, lost-event records (attributed and not).
 *
 *   skb2pcap-gen [--no-wall] > gen.skb   (see tests/t3000-skb2pcap.sh)
 */
#include "cli.h"
#include "skb.h"

#include <string.h>
#include <unistd.h>

static uint16_t csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* IPv4 + UDP (proto 17) or a bare TCP header (proto 6), payload text. */
static size_t ipv4(uint8_t *p, const uint8_t src[4], const uint8_t dst[4], uint8_t proto,
		   uint16_t sport, uint16_t dport, const char *text)
{
	size_t tl = strlen(text), l4 = proto == 6 ? 20 : 8, n = 20 + l4 + tl;
	memset(p, 0, n);
	p[0] = 0x45;
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	p[5] = 1;
	p[6] = 0x40;
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	uint16_t c = csum(p, 20);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	uint8_t *t = p + 20;
	t[0] = (uint8_t)(sport >> 8); t[1] = (uint8_t)sport;
	t[2] = (uint8_t)(dport >> 8); t[3] = (uint8_t)dport;
	if (proto == 6) {
		t[7] = 1;          /* seq 1 */
		t[12] = 5 << 4;    /* data offset */
		t[13] = 0x02;      /* SYN */
		t[15] = 0xff;      /* window */
	} else {
		t[4] = (uint8_t)((8 + tl) >> 8);
		t[5] = (uint8_t)(8 + tl);
	}
	memcpy(t + l4, text, tl);
	return n;
}

static size_t ether(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	p[12] = (uint8_t)(type >> 8);
	p[13] = (uint8_t)type;
	return 14;
}

/* IPv6 + ICMPv6 echo request, with its checksum (pseudo header first). */
static size_t ipv6_echo(uint8_t *p)
{
	static const uint8_t src[16] = { 0xfd, [15] = 1 }, dst[16] = { 0xfd, [15] = 2 };
	uint8_t ph[40 + 12];
	memset(p, 0, 48);
	p[0] = 0x60;
	p[5] = 8 + 4;
	p[6] = 58;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
	p[40] = 128;
	p[45] = 7;   /* id 7 */
	p[47] = 1;   /* seq 1 */
	memcpy(p + 48, "ping", 4);
	memset(ph, 0, sizeof(ph));
	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[35] = 12;         /* upper-layer length */
	ph[39] = 58;         /* next header */
	memcpy(ph + 40, p + 40, 12);
	uint16_t c = csum(ph, sizeof(ph));
	p[42] = (uint8_t)(c >> 8);
	p[43] = (uint8_t)c;
	return 52;
}

static void put(struct skb_writer *w, struct skb_event *ev, uint8_t *buf, size_t n)
{
	ev->data = buf;
	ev->caplen = (uint32_t)n;
	ev->orig_len = ev->len = (uint32_t)n;
	if (skbw_event(w, ev))
		skb_die(2, "write failed");
}

int main(int argc, char **argv)
{
	static const uint8_t ma[6] = { 2, 0, 0, 0, 0, 1 }, mb[6] = { 2, 0, 0, 0, 0, 2 };
	static const uint8_t a[4] = { 10, 0, 0, 1 }, b[4] = { 10, 0, 0, 2 };
	const uint32_t ns_a = 4026531840u, ns_b = 4026532001u;
	struct skb_probe rx = { .kind = SKB_PROBE_TP, .flags = SKB_PROBE_F_RX,
				.spec = "tp:net:netif_receive_skb" };
	struct skb_probe tx = { .kind = SKB_PROBE_TP, .flags = SKB_PROBE_F_TX,
				.spec = "tp:net:net_dev_start_xmit" };
	struct skb_probe kfree = { .kind = SKB_PROBE_TP, .spec = "tp:skb:kfree_skb" };
	struct skb_iface eth0 = { .netns = ns_a, .ifindex = 4, .name = "eth0" };
	struct skb_iface veth1 = { .netns = ns_b, .ifindex = 2, .name = "veth1" };
	struct skb_ctx ctx = { .cpu = 1, .pid = 42, .tid = 42, .comm = "gen" };
	struct skb_info info = {
		.snaplen = 65535, .wall_offset = 1700000000000000000ll,
		.time_base = 0, .tool = "skbrec 0.1.0", .host = "genhost",
		.kernel = "6.1.0-test", .cmdline = "skbrec -p rx -p tx -p kfree_skb",
	};
	uint8_t buf[256];
	size_t n;

	skb_cli_init("skb2pcap-gen");
	if (argc == 2 && !strcmp(argv[1], "--no-wall"))
		info.wall_offset = 0;     /* a recorder that did not know the time */
	else if (argc != 1)
		skb_die(2, "usage: skb2pcap-gen [--no-wall] > out.skb");
	if (isatty(1))
		skb_die(2, "refusing to write binary data to a terminal");
	struct skb_writer *w = skbw_open_fd(1, &info, 0);
	if (!w)
		skb_die(2, "cannot start the output");

	/* 1: received on eth0 (L2), tracked as 100, marked */
	struct skb_event ev = {
		.ts = 1000, .skb = 0xffff888000001000ull, .track = 100, .probe = &rx,
		.iface = &eth0, .ctx = &ctx, .netns = ns_a, .flags = SKB_EV_L2 | SKB_EV_MAC_SET,
		.pkt_type = 0, .l3_off = 14, .l4_off = 34, .protocol = 0x0800,
		.mark = 0x2a, .users = 1,
	};
	n = ether(buf, mb, ma, 0x0800);
	n += ipv4(buf + n, a, b, 17, 40000, 5201, "hello");
	put(w, &ev, buf, n);

	/* 2: the same packet sent out of eth0 on queue 3 */
	ev.ts = 2000;
	ev.probe = &tx;
	ev.pkt_type = 4;
	ev.queue_mapping = 3;
	put(w, &ev, buf, n);

	/* 3: received on veth1 with an offloaded VLAN tag (id 10) */
	struct skb_event e3 = {
		.ts = 3000, .skb = 0xffff888000002000ull, .track = 101, .probe = &rx,
		.iface = &veth1, .ctx = &ctx, .netns = ns_b, .flags = SKB_EV_L2 | SKB_EV_MAC_SET,
		.pkt_type = 0, .l3_off = 14, .l4_off = 34, .protocol = 0x0800,
		.vlan_tci = 10, .vlan_proto = 0x8100, .users = 1,
	};
	n = ether(buf, ma, mb, 0x0800);
	n += ipv4(buf + n, b, a, 17, 5201, 40000, "vlan");
	put(w, &e3, buf, n);

	/* 5 events of the receive probe lost here */
	struct skb_lost lost = { .ts = 3500, .count = 5, .probe = &rx };
	if (skbw_lost(w, &lost))
		skb_die(2, "write failed");

	/* 4: IPv6 received on veth1 seen from the network header (L3) */
	struct skb_event e4 = {
		.ts = 4000, .skb = 0xffff888000003000ull, .track = 102, .probe = &rx,
		.iface = &veth1, .ctx = &ctx, .netns = ns_b, .flags = SKB_EV_L3,
		.pkt_type = 2, .l3_off = 0, .l4_off = 40, .protocol = 0x86dd, .users = 1,
	};
	n = ipv6_echo(buf);
	put(w, &e4, buf, n);

	/* 5: an event without packet bytes */
	struct skb_event e5 = e4;
	e5.ts = 5000;
	e5.track = 103;
	e5.data = NULL;
	e5.caplen = 0;
	e5.orig_len = e5.len = 60;
	if (skbw_event(w, &e5))
		skb_die(2, "write failed");

	/* 6: a TCP SYN dropped without a device in netns B */
	struct skb_event e6 = {
		.ts = 6000, .skb = 0xffff888000004000ull, .track = 104, .probe = &kfree,
		.iface = NULL, .ctx = &ctx, .netns = ns_b, .flags = SKB_EV_L3 | SKB_EV_DROP,
		.pkt_type = 0, .l3_off = 0, .l4_off = 20, .protocol = 0x0800,
		.drop_reason = 2, .drop_name = "NO_SOCKET", .users = 1,
	};
	n = ipv4(buf, a, b, 6, 40001, 80, "");
	put(w, &e6, buf, n);

	/* 2 events lost that no probe is named for */
	lost.ts = 6500;
	lost.count = 2;
	lost.probe = NULL;
	if (skbw_lost(w, &lost))
		skb_die(2, "write failed");

	/* 7: an L3 packet sent out of veth1 (the network header only); the
	 * skb says PACKET_HOST as locally sent skbs do: the probe says TX */
	struct skb_event e7 = {
		.ts = 7000, .skb = 0xffff888000005000ull, .track = 105, .probe = &tx,
		.iface = &veth1, .ctx = &ctx, .netns = ns_b, .flags = SKB_EV_L3,
		.pkt_type = 0, .l3_off = 0, .l4_off = 20, .protocol = 0x0800, .users = 1,
	};
	n = ipv4(buf, b, a, 17, 5202, 40002, "answer");
	put(w, &e7, buf, n);

	int err = skbw_close(w);
	if (err)
		skb_die(2, "write failed");
	return 0;
}
