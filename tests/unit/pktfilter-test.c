/* SPDX-License-Identifier: MIT */
/*
 * pktfilter-test - lib/pktfilter.c on hand-built packets: the Ethernet and
 * raw-IP variants, L2-only expressions against L3 events, offloaded VLAN
 * tags, truncated captures, invalid expressions.  Prints one line per check,
 * exits 1 when any check fails.
 */
#include "pktfilter.h"
#include "skb.h"

#include <stdio.h>
#include <string.h>

static int failed;

static void check(const char *what, bool got, bool want)
{
	printf("%s %s\n", got == want ? "ok" : "FAIL", what);
	if (got != want)
		failed = 1;
}

/* Ethernet + IPv4 + TCP 10.0.0.1:1234 > 10.0.0.2:80, SYN. */
static const uint8_t eth_tcp[] = {
	0x02, 0, 0, 0, 0, 0x02,  0x02, 0, 0, 0, 0, 0x01,  0x08, 0x00,
	0x45, 0, 0, 40,  0, 1, 0x40, 0,  64, 6, 0, 0,  10, 0, 0, 1,  10, 0, 0, 2,
	0x04, 0xd2, 0, 80,  0, 0, 0, 1,  0, 0, 0, 0,  0x50, 0x02, 0xff, 0xff,  0, 0, 0, 0,
};

/* Ethernet ARP request who-has 10.0.0.2 tell 10.0.0.1. */
static const uint8_t eth_arp[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  0x02, 0, 0, 0, 0, 0x01,  0x08, 0x06,
	0, 1, 0x08, 0, 6, 4, 0, 1,  0x02, 0, 0, 0, 0, 0x01,  10, 0, 0, 1,
	0, 0, 0, 0, 0, 0,  10, 0, 0, 2,
};

/* IPv6 UDP 2001:db8::1.53 > 2001:db8::2.5353, no link layer. */
static const uint8_t raw6_udp[] = {
	0x60, 0, 0, 0,  0, 8, 17, 64,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
	0, 53, 0x14, 0xe9, 0, 8, 0, 0,
};

static struct skb_pktfilter *compile(const char *expr)
{
	char err[512];
	struct skb_pktfilter *f = skb_pktfilter_new(expr, err, sizeof(err));
	if (!f) {
		printf("FAIL compile %s: %s\n", expr, err);
		failed = 1;
	}
	return f;
}

static bool ev_match(const char *expr, const uint8_t *b, uint32_t len, uint8_t flags,
		     uint16_t vlan_proto, uint16_t vlan_tci)
{
	struct skb_pktfilter *f = compile(expr);
	if (!f)
		return false;
	struct skb_event ev = {
		.flags = flags, .data = b, .caplen = len, .orig_len = len,
		.vlan_proto = vlan_proto, .vlan_tci = vlan_tci,
	};
	bool m = skb_pktfilter_match(f, &ev);
	skb_pktfilter_free(f);
	return m;
}

int main(void)
{
	const uint8_t *raw4 = eth_tcp + 14;
	uint32_t raw4_len = sizeof(eth_tcp) - 14;

	check("L2 tcp port 80", ev_match("tcp port 80", eth_tcp, sizeof(eth_tcp), SKB_EV_L2, 0, 0), true);
	check("L2 udp does not match tcp", ev_match("udp", eth_tcp, sizeof(eth_tcp), SKB_EV_L2, 0, 0), false);
	check("L2 src host", ev_match("src host 10.0.0.1 and dst port 80", eth_tcp, sizeof(eth_tcp), SKB_EV_L2, 0, 0), true);
	check("L2 ether src", ev_match("ether src 02:00:00:00:00:01", eth_tcp, sizeof(eth_tcp), SKB_EV_L2, 0, 0), true);
	check("L3 tcp port 80 (raw IPv4)", ev_match("tcp port 80", raw4, raw4_len, SKB_EV_L3, 0, 0), true);
	check("L3 tcp[tcpflags] & tcp-syn", ev_match("tcp[tcpflags] & tcp-syn != 0", raw4, raw4_len, SKB_EV_L3, 0, 0), true);
	check("L3 ip6 udp port 53 (raw IPv6)", ev_match("ip6 and udp src port 53", raw6_udp, sizeof(raw6_udp), SKB_EV_L3, 0, 0), true);
	check("L3 ip does not match IPv6", ev_match("ip", raw6_udp, sizeof(raw6_udp), SKB_EV_L3, 0, 0), false);
	check("L3 ether host never matches", ev_match("ether host 02:00:00:00:00:01", raw4, raw4_len, SKB_EV_L3, 0, 0), false);
	check("L2 arp", ev_match("arp", eth_arp, sizeof(eth_arp), SKB_EV_L2, 0, 0), true);
	check("L2 arp dst host", ev_match("arp and dst host 10.0.0.2", eth_arp, sizeof(eth_arp), SKB_EV_L2, 0, 0), true);
	check("L3 arp never matches", ev_match("arp", raw4, raw4_len, SKB_EV_L3, 0, 0), false);
	check("no layer flag never matches", ev_match("ip", eth_tcp, sizeof(eth_tcp), 0, 0, 0), false);
	check("offloaded VLAN tag put back", ev_match("vlan 10 and tcp port 80", eth_tcp, sizeof(eth_tcp), SKB_EV_L2, 0x8100, 10), true);
	check("offloaded VLAN other id", ev_match("vlan 11", eth_tcp, sizeof(eth_tcp), SKB_EV_L2, 0x8100, 10), false);
	check("untagged is not vlan", ev_match("vlan", eth_tcp, sizeof(eth_tcp), SKB_EV_L2, 0, 0), false);

	/* A capture cut inside the TCP header: a port test cannot be answered
	 * and libpcap's programs reject the packet, as tcpdump does. */
	check("truncated capture", ev_match("tcp port 80", eth_tcp, 14 + 20 + 2, SKB_EV_L2, 0, 0), false);
	check("zero bytes", ev_match("ip", eth_tcp, 0, SKB_EV_L2, 0, 0), false);
	/* "greater" compares the wire length (orig_len), not the capture */
	struct skb_pktfilter *g = compile("greater 1000");
	struct skb_event big = { .flags = SKB_EV_L2, .data = eth_tcp,
				 .caplen = sizeof(eth_tcp), .orig_len = 1500 };
	check("len keyword uses orig_len", g && skb_pktfilter_match(g, &big), true);
	skb_pktfilter_free(g);

	char err[512] = "";
	struct skb_pktfilter *bad = skb_pktfilter_new("tcp port", err, sizeof(err));
	check("invalid expression refused", bad == NULL, true);
	check("libpcap message given", strstr(err, "syntax error") != NULL, true);
	printf("# message: %s\n", err);
	skb_pktfilter_free(bad);

	struct skb_pktfilter *l2 = compile("ether broadcast");
	check("L2-only: Ethernet variant", l2 && skb_pktfilter_has(l2, SKB_PKT_ETHER), true);
	check("L2-only: no raw-IP variant", l2 && skb_pktfilter_has(l2, SKB_PKT_RAWIP), false);
	skb_pktfilter_free(l2);
	return failed;
}
