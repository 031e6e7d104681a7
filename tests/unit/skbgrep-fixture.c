/* SPDX-License-Identifier: MIT */
/*
 * skbgrep-fixture - write the small .skb recording the skbgrep golden tests
 * select from (stdout).  Every metadata field a selector looks at varies:
 * probes of three kinds, devices in two namespaces, processes, marks, drops
 * with reasons named with and without the SKB_DROP_REASON_ prefix, tracking
 * ids (one packet seen before and after NAT), an offloaded VLAN tag, L2 and
 * L3 bytes, lost-event records, and a second section with another clock.
 *
 * Event n (1-based) has ts = n seconds, so the golden files name events by
 * their time.  Usage: skbgrep-fixture [--damage | --spread N] > fixture.skb
 *   --damage    end with an event but no END record (a truncated stream)
 *   --spread N  instead: one packet (track 1) seen with 10.0.0.1 at ts 1 s
 *               and after SNAT at ts N+2 s, N unrelated 1000-byte events
 *               between them (for the --follow buffer bound)
 */
#include "skb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEC 1000000000ull
#define NS_A 4026531840u        /* init netns */
#define NS_B 4026532200u

/* Ethernet + IPv4 + TCP SRC:1234 > DST:80 SYN; address bytes patched. */
static uint8_t eth_tcp[] = {
	0x02, 0, 0, 0, 0, 0x02,  0x02, 0, 0, 0, 0, 0x01,  0x08, 0x00,
	0x45, 0, 0, 40,  0, 1, 0x40, 0,  64, 6, 0, 0,  10, 0, 0, 1,  10, 0, 0, 2,
	0x04, 0xd2, 0, 80,  0, 0, 0, 1,  0, 0, 0, 0,  0x50, 0x02, 0xff, 0xff,  0, 0, 0, 0,
};

/* Ethernet + IPv4 + UDP 10.0.0.7:5353 > 10.0.0.2:53 */
static const uint8_t eth_udp[] = {
	0x02, 0, 0, 0, 0, 0x02,  0x02, 0, 0, 0, 0, 0x07,  0x08, 0x00,
	0x45, 0, 0, 28,  0, 2, 0x40, 0,  64, 17, 0, 0,  10, 0, 0, 7,  10, 0, 0, 2,
	0x14, 0xe9, 0, 53,  0, 8, 0, 0,
};

/* Ethernet ARP who-has 10.0.0.2 tell 10.0.0.1 */
static const uint8_t eth_arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  0x02, 0, 0, 0, 0, 0x01,  0x08, 0x06,
	0, 1, 0x08, 0, 6, 4, 0, 1,  0x02, 0, 0, 0, 0, 0x01,  10, 0, 0, 1,
	0, 0, 0, 0, 0, 0,  10, 0, 0, 2,
};

static const struct skb_probe p_rcv = { .id = 1, .kind = SKB_PROBE_TP, .spec = "tp:net:netif_receive_skb" };
static const struct skb_probe p_xmit = { .id = 2, .kind = SKB_PROBE_TP, .spec = "tp:net:net_dev_start_xmit" };
static const struct skb_probe p_free = { .id = 3, .kind = SKB_PROBE_TP, .spec = "tp:skb:kfree_skb" };
static const struct skb_probe p_iprcv = { .id = 4, .kind = SKB_PROBE_KPROBE, .spec = "k:ip_rcv" };
static const struct skb_probe p_qxmit = { .id = 5, .kind = SKB_PROBE_KRETPROBE, .spec = "kr:__dev_queue_xmit" };

static const struct skb_iface if_eth0 = { .id = 1, .netns = NS_A, .ifindex = 2, .name = "eth0" };
static const struct skb_iface if_veth = { .id = 2, .netns = NS_B, .ifindex = 5, .name = "veth1" };
static const struct skb_iface if_lo = { .id = 3, .netns = NS_A, .ifindex = 1, .name = "lo" };

static const struct skb_ctx c_curl = { .id = 1, .cpu = 0, .pid = 100, .tid = 100, .comm = "curl" };
static const struct skb_ctx c_resolved = { .id = 2, .cpu = 1, .pid = 200, .tid = 201, .comm = "systemd-resolve" };
static const struct skb_ctx c_idle = { .id = 3, .cpu = 1, .pid = 0, .tid = 0, .comm = "swapper/1" };

static uint8_t pkt_nat[sizeof(eth_tcp)];

static struct skb_event ev(int n, const struct skb_probe *p, const struct skb_iface *i,
			   const struct skb_ctx *c, uint64_t track, const uint8_t *b, uint32_t len,
			   uint8_t layer)
{
	struct skb_event e = {
		.ts = n * SEC, .skb = 0xffff888000000000ull + track * 0x100, .track = track,
		.probe = p, .iface = i, .ctx = c, .netns = i ? i->netns : NS_A,
		.flags = layer, .l3_off = layer == SKB_EV_L2 ? 14 : 0, .l4_off = 0xffff,
		.orig_len = len, .caplen = len, .len = len, .users = 1, .data = b,
	};
	if (layer == SKB_EV_L3) {       /* the same bytes without Ethernet */
		e.data = b + 14;
		e.caplen = e.orig_len = e.len = len - 14;
	}
	return e;
}

static int put(struct skb_writer *w, struct skb_event e)
{
	return skbw_event(w, &e);
}

static int spread(struct skb_writer *w, int n)
{
	static uint8_t filler[1000];
	int err = 0;
	memcpy(filler, eth_udp, sizeof(eth_udp));
	err |= put(w, ev(1, &p_rcv, &if_eth0, &c_idle, 1, eth_tcp, sizeof(eth_tcp), SKB_EV_L2));
	for (int i = 0; i < n; i++)
		err |= put(w, ev(2 + i, &p_rcv, &if_eth0, &c_idle, 100 + i, filler, sizeof(filler),
				 SKB_EV_L2));
	err |= put(w, ev(n + 2, &p_xmit, &if_veth, &c_curl, 1, pkt_nat, sizeof(pkt_nat), SKB_EV_L2));
	return err || skbw_close(w) ? 2 : 0;
}

int main(int argc, char **argv)
{
	bool damage = argc > 1 && !strcmp(argv[1], "--damage");
	int spread_n = argc > 2 && !strcmp(argv[1], "--spread") ? atoi(argv[2]) : -1;
	struct skb_info info = {
		.snaplen = 256, .wall_offset = 1700000000ll * SEC, .time_base = 0,
		.tool = "skbrec 0.1.0", .host = "fixture-host", .kernel = "6.18.0-test",
		.cmdline = "skbrec -p tp:net:* -o run.skb",
	};
	if (isatty(STDOUT_FILENO)) {
		fprintf(stderr, "skbgrep-fixture: writes binary; redirect stdout\n");
		return 2;
	}
	memcpy(pkt_nat, eth_tcp, sizeof(eth_tcp));
	pkt_nat[26] = 192; pkt_nat[27] = 168; pkt_nat[28] = 1; pkt_nat[29] = 1;   /* SNAT */

	struct skb_writer *w = skbw_open_fd(STDOUT_FILENO, &info, 0);
	if (!w)
		return 2;
	if (spread_n >= 0)
		return spread(w, spread_n);
	skbw_drop_reason(w, 2, "NO_SOCKET");
	skbw_drop_reason(w, 6, "SKB_DROP_REASON_NETFILTER_DROP");

	int err = 0;
	struct skb_event e;
	/* packet 1 (track 1): received on eth0, ip_rcv, then dropped, no socket */
	err |= put(w, ev(1, &p_rcv, &if_eth0, &c_idle, 1, eth_tcp, sizeof(eth_tcp), SKB_EV_L2));
	err |= put(w, ev(2, &p_iprcv, &if_eth0, &c_idle, 1, eth_tcp, sizeof(eth_tcp), SKB_EV_L3));
	e = ev(3, &p_free, &if_eth0, &c_idle, 1, eth_tcp, sizeof(eth_tcp), SKB_EV_L3);
	e.flags |= SKB_EV_DROP; e.drop_reason = 2; e.drop_name = "NO_SOCKET";
	err |= put(w, e);
	/* packet 2 (track 2): curl sends it on veth1 with mark 0x10, SNAT
	 * rewrites 10.0.0.1 to 192.168.1.1 before the xmit */
	e = ev(4, &p_qxmit, &if_veth, &c_curl, 2, eth_tcp, sizeof(eth_tcp), SKB_EV_L2);
	e.mark = 0x10; err |= put(w, e);
	e = ev(5, &p_xmit, &if_veth, &c_curl, 2, pkt_nat, sizeof(pkt_nat), SKB_EV_L2);
	e.mark = 0x10; err |= put(w, e);
	struct skb_lost lost = { .ts = 5 * SEC + 1, .count = 7, .probe = &p_free };
	err |= skbw_lost(w, &lost);
	/* packet 3 (track 3): DNS from systemd-resolved, received on veth1
	 * (rx ifindex 5), mark 0x1ff, netfilter drop */
	e = ev(6, &p_rcv, &if_veth, &c_resolved, 3, eth_udp, sizeof(eth_udp), SKB_EV_L2);
	e.mark = 0x1ff; e.rx_ifindex = 5; err |= put(w, e);
	e = ev(7, &p_free, &if_veth, &c_resolved, 3, eth_udp, sizeof(eth_udp), SKB_EV_L2);
	e.mark = 0x1ff; e.rx_ifindex = 5; e.flags |= SKB_EV_DROP; e.drop_reason = 6;
	e.drop_name = "SKB_DROP_REASON_NETFILTER_DROP"; err |= put(w, e);
	/* packet 4 (track 4): ARP on eth0 with an offloaded VLAN 10 tag */
	e = ev(8, &p_rcv, &if_eth0, &c_idle, 4, eth_arp, sizeof(eth_arp), SKB_EV_L2);
	e.vlan_proto = 0x8100; e.vlan_tci = 10; err |= put(w, e);
	/* packet 5 (track 5): came in on eth0 (rx ifindex 2), leaves on lo
	 * without an L2 header */
	e = ev(9, &p_xmit, &if_lo, &c_curl, 5, eth_udp, sizeof(eth_udp), SKB_EV_L3);
	e.rx_ifindex = 2; err |= put(w, e);
	/* packet 6 (track 6): no device */
	e = ev(10, &p_iprcv, NULL, &c_curl, 6, eth_tcp, sizeof(eth_tcp), SKB_EV_L3);
	e.netns = NS_B; err |= put(w, e);
	lost = (struct skb_lost){ .ts = 10 * SEC + 1, .count = 3, .probe = NULL };
	err |= skbw_lost(w, &lost);
	if (err || skbw_close(w))
		return 2;

	/* second section: another host clock (wall offset one hour later) */
	info.wall_offset += 3600 * SEC;
	info.cmdline = "skbrec -p tp:skb:kfree_skb";
	if (!(w = skbw_open_fd(STDOUT_FILENO, &info, 0)))
		return 2;
	e = ev(11, &p_free, &if_eth0, &c_curl, 7, eth_udp, sizeof(eth_udp), SKB_EV_L2);
	e.flags |= SKB_EV_DROP; e.drop_reason = 2; e.drop_name = "NO_SOCKET"; err |= put(w, e);
	err |= put(w, ev(12, &p_rcv, &if_eth0, &c_idle, 7, eth_udp, sizeof(eth_udp), SKB_EV_L2));
	if (damage) {
		/* flush, then leave half an event record: a truncated stream */
		err |= put(w, ev(13, &p_rcv, &if_eth0, &c_idle, 8, eth_tcp, sizeof(eth_tcp), SKB_EV_L2));
		if (err || skbw_flush(w))
			return 2;
		skbw_abort(w);
		return 0;
	}
	if (err || skbw_close(w))
		return 2;
	return 0;
}
