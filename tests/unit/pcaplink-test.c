/* SPDX-License-Identifier: MIT */
/*
 * pcaplink-test - exact bytes of the frames and pcapng encodings that the
 * tcpdump/tshark tests do not reach: short and odd L2 headers, 802.3 frames
 * in SLL2, VLAN tags on L3 events, lengths, direction rules, option
 * cutting at UTF-8 boundaries, block padding.  Prints "ok N - name" lines
 * and exits 1 on the first failure.
 */
#include "pcaplink.h"
#include "pcapng.h"
#include "pcaprec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int n_ok;

#define CHECK(cond) do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
			exit(1); \
		} \
	} while (0)

static void ok(const char *name)
{
	printf("ok %d - %s\n", ++n_ok, name);
}

static const uint8_t eth_ip[] = {
	2, 0, 0, 0, 0, 2,  2, 0, 0, 0, 0, 1,  0x08, 0x00,
	0x45, 0, 0, 20, 0, 1, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
};

static struct skb_event l2_event(const uint8_t *d, uint32_t n)
{
	struct skb_event ev = {
		.flags = SKB_EV_L2, .l3_off = 14, .data = d, .caplen = n, .orig_len = n,
	};
	return ev;
}

static void frame_bytes(uint8_t *out, const struct pcaplink_frame *f,
			const struct skb_event *ev)
{
	pcaplink_copy(out, f, ev);
}

static void test_ether_passthrough(void)
{
	struct skb_event ev = l2_event(eth_ip, sizeof(eth_ip));
	struct pcaplink_frame f;
	uint8_t out[128];
	ev.orig_len = 1000;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_ETHERNET) == 0);
	CHECK(f.hdr_len == 0 && f.skip == 0);
	CHECK(f.caplen == sizeof(eth_ip) && f.orig_len == 1000);
	frame_bytes(out, &f, &ev);
	CHECK(!memcmp(out, eth_ip, sizeof(eth_ip)));
	ok("ether: an Ethernet event passes unchanged, orig_len kept");
}

static void test_ether_vlan(void)
{
	struct skb_event ev = l2_event(eth_ip, sizeof(eth_ip));
	struct pcaplink_frame f;
	uint8_t out[128];
	ev.vlan_proto = 0x8100;
	ev.vlan_tci = 0x2064;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_ETHERNET) == 0);
	CHECK(f.caplen == sizeof(eth_ip) + 4 && f.orig_len == sizeof(eth_ip) + 4);
	frame_bytes(out, &f, &ev);
	static const uint8_t tag[] = { 0x81, 0x00, 0x20, 0x64, 0x08, 0x00 };
	CHECK(!memcmp(out, eth_ip, 12) && !memcmp(out + 12, tag, 6));
	CHECK(!memcmp(out + 18, eth_ip + 14, sizeof(eth_ip) - 14));
	ok("ether: an offloaded VLAN tag goes back after the MACs");
}

static void test_ether_l3(void)
{
	const uint8_t *ip = eth_ip + 14;
	struct skb_event ev = { .flags = SKB_EV_L3, .data = ip, .caplen = 20, .orig_len = 60 };
	struct pcaplink_frame f;
	uint8_t out[128];
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_ETHERNET) == 0);
	CHECK(f.hdr_len == 14 && f.caplen == 34 && f.orig_len == 74);
	frame_bytes(out, &f, &ev);
	static const uint8_t zero[12];
	CHECK(!memcmp(out, zero, 12) && out[12] == 0x08 && out[13] == 0x00);
	/* protocol wins over the version nibble; VLAN on an L3 event */
	ev.protocol = 0x86dd;
	ev.vlan_proto = 0x88a8;
	ev.vlan_tci = 5;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_ETHERNET) == 0);
	CHECK(f.hdr_len == 18);
	frame_bytes(out, &f, &ev);
	static const uint8_t tag[] = { 0x88, 0xa8, 0x00, 0x05, 0x86, 0xdd };
	CHECK(!memcmp(out + 12, tag, 6));
	ok("ether: L3 events get zero MACs and the ethertype, tag included");
}

static void test_sll2_l2(void)
{
	struct skb_iface ifc = { .ifindex = 0x01020304 };
	struct skb_event ev = l2_event(eth_ip, sizeof(eth_ip));
	struct pcaplink_frame f;
	uint8_t out[128];
	ev.iface = &ifc;
	ev.pkt_type = 3;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_SLL2) == 0);
	CHECK(f.hdr_len == 20 && f.skip == 14 && f.caplen == sizeof(eth_ip) + 6);
	frame_bytes(out, &f, &ev);
	static const uint8_t want[20] = {
		0x08, 0x00, 0, 0, 1, 2, 3, 4, 0, 1, 3, 6, 2, 0, 0, 0, 0, 1, 0, 0,
	};
	CHECK(!memcmp(out, want, 20));
	CHECK(!memcmp(out + 20, eth_ip + 14, sizeof(eth_ip) - 14));
	ok("sll2: Ethernet header folded (protocol, ifindex, ARPHRD_ETHER, type, source MAC)");
}

static void test_sll2_8023(void)
{
	uint8_t llc[40];
	memcpy(llc, eth_ip, 12);
	llc[12] = 0;
	llc[13] = 20;         /* 802.3 length */
	memset(llc + 14, 0x42, sizeof(llc) - 14);
	struct skb_event ev = l2_event(llc, sizeof(llc));
	ev.l3_off = 0xffff;
	struct pcaplink_frame f;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_SLL2) == 0);
	CHECK(f.hdr[0] == 0 && f.hdr[1] == 4);          /* ETH_P_802_2 */
	llc[14] = llc[15] = 0xff;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_SLL2) == 0);
	CHECK(f.hdr[0] == 0 && f.hdr[1] == 1);          /* ETH_P_802_3 (raw IPX) */
	ok("sll2: 802.3 frames get Linux's 802.2 / 802.3 protocols");
}

static void test_short_and_odd_l2(void)
{
	struct skb_event ev = l2_event(eth_ip, 10);   /* shorter than a header */
	ev.l3_off = 0xffff;
	struct pcaplink_frame f;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_SLL2) == 0);
	CHECK(f.skip == 10 && f.caplen == 20);
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_ETHERNET) == 0);
	CHECK(f.caplen == 10);
	/* a 4-byte MAC header (a tunnel): treated as starting at L3 */
	uint8_t tun[24];
	memset(tun, 0xee, 4);
	memcpy(tun + 4, eth_ip + 14, 20);
	ev = l2_event(tun, sizeof(tun));
	ev.l3_off = 4;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_SLL2) == 0);
	CHECK(f.skip == 4 && f.caplen == 40 && f.hdr[0] == 0x08 && f.hdr[8] == 0xff && f.hdr[9] == 0xfe);
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_ETHERNET) == 0);
	CHECK(f.skip == 4 && f.hdr_len == 14 && f.caplen == 34);
	/* no bytes: nothing to write */
	ev.caplen = 0;
	CHECK(pcaplink_frame(&f, &ev, PCAPLINK_SLL2) == -1);
	ok("short L2 events, non-Ethernet MAC headers, events without bytes");
}

static void test_direction(void)
{
	struct skb_probe tx = { .flags = SKB_PROBE_F_TX, .spec = "k:whatever" };
	struct skb_probe rx = { .flags = SKB_PROBE_F_RX, .spec = "tp:net:net_dev_start_xmit" };
	struct skb_probe byname_tx = { .spec = "k:ip_output" };
	struct skb_probe byname_rx = { .spec = "tp:net:netif_receive_skb" };
	struct skb_probe neither = { .spec = "tp:skb:kfree_skb" };
	struct skb_event ev = { .pkt_type = 0, .probe = &tx };
	CHECK(pcaplink_direction(&ev) == PCAPLINK_DIR_OUT);
	ev.probe = &rx;         /* the flag wins over the name */
	CHECK(pcaplink_direction(&ev) == PCAPLINK_DIR_IN);
	ev.probe = &byname_tx;
	CHECK(pcaplink_direction(&ev) == PCAPLINK_DIR_OUT);
	ev.probe = &byname_rx;
	CHECK(pcaplink_direction(&ev) == PCAPLINK_DIR_IN);
	ev.probe = &neither;
	CHECK(pcaplink_direction(&ev) == PCAPLINK_DIR_UNKNOWN);
	ev.pkt_type = 4;
	CHECK(pcaplink_direction(&ev) == PCAPLINK_DIR_OUT);
	ev.pkt_type = 1;
	CHECK(pcaplink_direction(&ev) == PCAPLINK_DIR_IN);
	/* SLL2 says PACKET_OUTGOING for a TX probe even with PACKET_HOST */
	struct skb_event l3 = { .flags = SKB_EV_L3, .data = eth_ip + 14, .caplen = 20,
				.orig_len = 20, .probe = &byname_tx };
	struct pcaplink_frame f;
	CHECK(pcaplink_frame(&f, &l3, PCAPLINK_SLL2) == 0 && f.hdr[10] == 4);
	ok("direction: probe flag, then probe name, then pkt_type");
}

static void test_pcapng_opts(void)
{
	static struct pcapng_opts o;
	static char big[PCAPNG_OPTS_MAX * 2];
	pcapng_opts_init(&o);
	pcapng_opt_str(&o, PCAPNG_OPT_COMMENT, "abcde");
	CHECK(o.len == 12 && o.buf[0] == 1 && o.buf[2] == 5 && !memcmp(o.buf + 4, "abcde", 5));
	CHECK(o.buf[9] == 0 && o.buf[10] == 0 && o.buf[11] == 0);
	/* a string too long for the rest is cut, never inside a UTF-8 char */
	memset(big, 'x', sizeof(big) - 1);
	for (size_t i = 0; i + 2 < sizeof(big) - 1; i += 3) {
		big[i] = (char)0xe2;     /* "€", 3 bytes: cuts at multiples of 4 */
		big[i + 1] = (char)0x82; /* fall inside one unless we back up */
		big[i + 2] = (char)0xac;
	}
	pcapng_opt_str(&o, PCAPNG_OPT_COMMENT, big);
	uint16_t n;
	memcpy(&n, o.buf + 14, 2);
	CHECK(n > 0 && n % 3 == 0);       /* whole 3-byte characters */
	CHECK(o.len + 4 <= PCAPNG_OPTS_MAX);
	/* numbers that no longer fit are left out, the list stays valid */
	size_t before = o.len;
	pcapng_opt_u64(&o, PCAPNG_EPB_PACKETID, 1);
	CHECK(o.len == before);
	ok("pcapng options: padding, cut at a UTF-8 boundary, no overflow");
}

static void test_pcapng_blocks(void)
{
	static struct pcapng_opts o;
	uint8_t buf[256];
	uint32_t v;
	pcapng_opts_init(&o);
	/* no options: no opt_endofopt either */
	CHECK(pcapng_idb(buf, 276, 262144, &o) == 20);
	memcpy(&v, buf + 16, 4);
	CHECK(v == 20);
	pcapng_opt_u8(&o, PCAPNG_IF_TSRESOL, 9);
	CHECK(pcapng_idb(buf, 276, 262144, &o) == 32);
	CHECK(buf[20] == 9 && buf[24] == 0 && buf[25] == 0);   /* option, end */
	memcpy(&v, buf + 28, 4);
	CHECK(v == 32);
	/* an EPB of 5 bytes: padded to 8, lengths at both ends */
	size_t total = pcapng_epb_len(5, &o);
	CHECK(total == 28 + 8 + 12 + 4);
	memset(buf, 0xaa, sizeof(buf));
	pcapng_epb_head(buf, total, 3, 0x0000000100000002ull, 5, 9);
	memcpy(buf + 28, "hello", 5);
	pcapng_epb_tail(buf + 33, total, 5, &o);
	memcpy(&v, buf + 12, 4);
	CHECK(v == 1);
	memcpy(&v, buf + 16, 4);
	CHECK(v == 2);
	CHECK(buf[33] == 0 && buf[34] == 0 && buf[35] == 0);
	memcpy(&v, buf + total - 4, 4);
	CHECK(v == total);
	/* classic pcap record header: seconds and nanoseconds */
	pcaprec_header(buf, 1700000000123456789ull, 5, 9);
	memcpy(&v, buf, 4);
	CHECK(v == 1700000000u);
	memcpy(&v, buf + 4, 4);
	CHECK(v == 123456789u);
	ok("pcapng blocks: lengths, padding, timestamp halves; pcap record header");
}

int main(void)
{
	test_ether_passthrough();
	test_ether_vlan();
	test_ether_l3();
	test_sll2_l2();
	test_sll2_8023();
	test_short_and_odd_l2();
	test_direction();
	test_pcapng_opts();
	test_pcapng_blocks();
	printf("%d passed\n", n_ok);
	return 0;
}
