/* SPDX-License-Identifier: MIT */
/*
 * pcaplink.c - frames of LINKTYPE_ETHERNET / LINKTYPE_LINUX_SLL2 from events
 * (see pcaplink.h for the choices).
 *
 * LINKTYPE_LINUX_SLL2 header (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html),
 * all fields big endian:
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------------------------------+-------------------------------+
 *   |         Protocol type         |       Reserved (MBZ)          |
 *   +-------------------------------+-------------------------------+
 *   |                        Interface index                        |
 *   +-------------------------------+---------------+---------------+
 *   |      ARPHRD_ type             |  Packet type  | Addr. length  |
 *   +-------------------------------+---------------+---------------+
 *   |              Link-layer address (8 bytes, zero padded)        |
 *   +                                                               +
 *   |                                                               |
 *   +---------------------------------------------------------------+
 *   |        packet from the network header on ...                  |
 */
#include "pcaplink.h"
#include "le.h"
#include "pcaprec.h"

#include <string.h>
#include <strings.h>

#define ETH_HLEN        14
#define ETH_ALEN        6
#define ETH_P_802_3     0x0001   /* 802.3 frame without 802.2 LLC (raw IPX) */
#define ETH_P_802_2     0x0004   /* 802.3 frame with 802.2 LLC */
#define ETH_P_IP        0x0800
#define ETH_P_IPV6      0x86dd
#define ETH_P_8021Q     0x8100
#define ETH_P_8021AD    0x88a8
#define ETH_MIN_TYPE    0x0600   /* below: an 802.3 length field */
#define ARPHRD_ETHER    1
#define ARPHRD_NONE     0xfffe   /* no link-layer header known */
#define L3_OFF_UNKNOWN  0xffff

#define PACKET_HOST       0
#define PACKET_BROADCAST  1
#define PACKET_MULTICAST  2
#define PACKET_OTHERHOST  3
#define PACKET_OUTGOING   4

/*
 * For probes recorded without a TX/RX flag: the kernel's naming habits.
 * Transmit path: *xmit* (dev_queue_xmit, net_dev_start_xmit), *_output
 * (ip_output, ip6_output), net_dev_queue.  Receive path: *receive*
 * (netif_receive_skb, napi_gro_receive_entry), *_rcv* (ip_rcv, tcp_v4_rcv),
 * netif_rx*.  Anything else (kfree_skb, consume_skb, ip_forward...) can see
 * both ways.
 */
static uint8_t probe_dir_by_name(const char *spec)
{
	const char *body = spec ? strrchr(spec, ':') : NULL;
	body = body ? body + 1 : spec ? spec : "";
	if (strstr(body, "xmit") || strstr(body, "_output") || strstr(body, "net_dev_queue"))
		return SKB_PROBE_F_TX;
	if (strstr(body, "receive") || strstr(body, "_rcv") || strstr(body, "netif_rx"))
		return SKB_PROBE_F_RX;
	return 0;
}

int pcaplink_direction(const struct skb_event *ev)
{
	uint8_t pf = ev->probe ? ev->probe->flags & (SKB_PROBE_F_TX | SKB_PROBE_F_RX) : 0;
	if (!pf && ev->probe)
		pf = probe_dir_by_name(ev->probe->spec);
	if (pf == SKB_PROBE_F_TX)
		return PCAPLINK_DIR_OUT;
	if (pf == SKB_PROBE_F_RX)
		return PCAPLINK_DIR_IN;
	switch (ev->pkt_type) {
	case PACKET_OUTGOING:
		return PCAPLINK_DIR_OUT;
	case PACKET_BROADCAST:
	case PACKET_MULTICAST:
	case PACKET_OTHERHOST:
		return PCAPLINK_DIR_IN;
	default:
		return PCAPLINK_DIR_UNKNOWN;
	}
}

uint32_t pcaplink_by_name(const char *name)
{
	if (!strcasecmp(name, "ether") || !strcasecmp(name, "ethernet") ||
	    !strcasecmp(name, "en10mb") || !strcmp(name, "1"))
		return PCAPLINK_ETHERNET;
	if (!strcasecmp(name, "sll2") || !strcasecmp(name, "linux_sll2") ||
	    !strcmp(name, "276"))
		return PCAPLINK_SLL2;
	return 0;
}

const char *pcaplink_name(uint32_t linktype)
{
	switch (linktype) {
	case PCAPLINK_ETHERNET: return "ether";
	case PCAPLINK_SLL2: return "sll2";
	default: return "?";
	}
}

/*
 * Where the network header starts in ev->data, or -1 when the bytes are an
 * Ethernet frame.  An L2 event whose MAC header is shorter than Ethernet's
 * (a tunnel or a device without link header) is treated as starting at its
 * network header: only the Ethernet header can be kept or folded.
 */
static long l3_start(const struct skb_event *ev)
{
	if (!(ev->flags & SKB_EV_L2))
		return 0;
	if (ev->l3_off == L3_OFF_UNKNOWN || ev->l3_off >= ETH_HLEN)
		return -1;
	return ev->l3_off <= ev->caplen ? ev->l3_off : ev->caplen;
}

/* Ethertype of bytes starting at the network header. */
static uint16_t l3_proto(const struct skb_event *ev, const uint8_t *p, uint32_t n)
{
	if (ev->protocol && ev->protocol != ETH_P_8021Q && ev->protocol != ETH_P_8021AD)
		return ev->protocol;
	if (n >= 1 && p[0] >> 4 == 4)
		return ETH_P_IP;
	if (n >= 1 && p[0] >> 4 == 6)
		return ETH_P_IPV6;
	return 0;
}

/* SLL2 protocol for an Ethernet frame's type/length field (as Linux sets it). */
static uint16_t sll_proto_of_eth(const uint8_t *d, uint32_t caplen)
{
	uint16_t type = be16(d + 12);
	if (type >= ETH_MIN_TYPE)
		return type;
	if (caplen >= ETH_HLEN + 2 && d[14] == 0xff && d[15] == 0xff)
		return ETH_P_802_3;
	return ETH_P_802_2;
}

static void finish(struct pcaplink_frame *f, const struct skb_event *ev)
{
	if (f->skip > ev->caplen)
		f->skip = ev->caplen;
	f->caplen = f->hdr_len + ev->caplen - f->skip;
	/* libpcap refuses records past its maximum snaplen: a whole 256 KiB
	 * capture behind a cooked header loses its last bytes (orig_len says
	 * how many there were) */
	if (f->caplen > PCAP_SNAPLEN_MAX)
		f->caplen = PCAP_SNAPLEN_MAX;
	uint64_t orig = ev->orig_len > ev->caplen ? ev->orig_len : ev->caplen;
	orig = orig + f->hdr_len - f->skip;
	if (orig > UINT32_MAX)
		orig = UINT32_MAX;
	f->orig_len = orig < f->caplen ? f->caplen : (uint32_t)orig;
}

static void frame_ether(struct pcaplink_frame *f, const struct skb_event *ev)
{
	const uint8_t *d = ev->data;
	long l3 = l3_start(ev);

	if (l3 < 0) {
		/* An Ethernet frame: unchanged, or with its offloaded tag back. */
		if (ev->vlan_proto && ev->caplen >= 2 * ETH_ALEN) {
			memcpy(f->hdr, d, 2 * ETH_ALEN);
			put_be16(f->hdr + 12, ev->vlan_proto);
			put_be16(f->hdr + 14, ev->vlan_tci);
			f->hdr_len = 16;
			f->skip = 2 * ETH_ALEN;
		}
		return;
	}
	/* Synthetic header: zero MACs, ethertype from protocol / IP version. */
	memset(f->hdr, 0, 2 * ETH_ALEN);
	uint32_t n = 2 * ETH_ALEN;
	if (ev->vlan_proto) {
		put_be16(f->hdr + n, ev->vlan_proto);
		put_be16(f->hdr + n + 2, ev->vlan_tci);
		n += 4;
	}
	put_be16(f->hdr + n, l3_proto(ev, d + l3, ev->caplen - (uint32_t)l3));
	f->hdr_len = n + 2;
	f->skip = (uint32_t)l3;
}

static void frame_sll2(struct pcaplink_frame *f, const struct skb_event *ev)
{
	const uint8_t *d = ev->data;
	uint8_t *h = f->hdr;
	long l3 = l3_start(ev);
	uint16_t proto;

	memset(h, 0, PCAPLINK_SLL2_LEN);
	put_be32(h + 4, ev->iface ? ev->iface->ifindex : 0);
	h[10] = pcaplink_direction(ev) == PCAPLINK_DIR_OUT ? PACKET_OUTGOING : ev->pkt_type;
	f->hdr_len = PCAPLINK_SLL2_LEN;
	if (l3 < 0) {
		/* Fold the Ethernet header: source MAC is the link address. */
		put_be16(h + 8, ARPHRD_ETHER);
		if (ev->caplen >= 2 * ETH_ALEN) {
			h[11] = ETH_ALEN;
			memcpy(h + 12, d + ETH_ALEN, ETH_ALEN);
		}
		proto = ev->caplen >= ETH_HLEN ? sll_proto_of_eth(d, ev->caplen) : ev->protocol;
		f->skip = ETH_HLEN;
		if (ev->vlan_proto && ev->caplen >= ETH_HLEN) {
			/* as on the wire after the source MAC: tag, then type */
			put_be16(h + 0, ev->vlan_proto);
			put_be16(h + 20, ev->vlan_tci);
			memcpy(h + 22, d + 12, 2);
			f->hdr_len += 4;
			return;
		}
	} else {
		put_be16(h + 8, ARPHRD_NONE);
		proto = l3_proto(ev, d + l3, ev->caplen - (uint32_t)l3);
		f->skip = (uint32_t)l3;
		if (ev->vlan_proto) {
			put_be16(h + 0, ev->vlan_proto);
			put_be16(h + 20, ev->vlan_tci);
			put_be16(h + 22, proto);
			f->hdr_len += 4;
			return;
		}
	}
	put_be16(h + 0, proto);
}

int pcaplink_frame(struct pcaplink_frame *f, const struct skb_event *ev, uint32_t linktype)
{
	f->hdr_len = 0;
	f->skip = 0;
	if (ev->caplen == 0 || !ev->data)
		return -1;
	if (linktype == PCAPLINK_SLL2)
		frame_sll2(f, ev);
	else
		frame_ether(f, ev);
	finish(f, ev);
	return 0;
}

void pcaplink_copy(uint8_t *dst, const struct pcaplink_frame *f, const struct skb_event *ev)
{
	memcpy(dst, f->hdr, f->hdr_len);
	memcpy(dst + f->hdr_len, ev->data + f->skip, ev->caplen - f->skip);
}
