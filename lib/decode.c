/* SPDX-License-Identifier: MIT */
/*
 * decode.c - entry point of the packet decoders and the small tables they
 * share (protocol names).  See decode.h for the rules every decoder follows.
 */
#include "decode.h"

#include <string.h>

#define ETH_P_IP    0x0800
#define ETH_P_ARP   0x0806
#define ETH_P_IPV6  0x86dd

void dc_trunc(struct dctx *d)
{
	if (!d->truncated)
		dc_puts(d, "[truncated]");
	d->truncated = true;
}

const char *dc_ethertype_name(uint16_t type)
{
	switch (type) {
	case 0x0800: return "IPv4";
	case 0x0806: return "ARP";
	case 0x8035: return "RARP";
	case 0x8100: return "802.1Q";
	case 0x88a8: return "802.1ad";
	case 0x86dd: return "IPv6";
	case 0x8847: return "MPLS";
	case 0x8848: return "MPLS multicast";
	case 0x8863: return "PPPoE D";
	case 0x8864: return "PPPoE S";
	case 0x888e: return "EAPOL";
	case 0x88cc: return "LLDP";
	case 0x88f7: return "PTP";
	case 0x6558: return "Ethernet (TEB)";
	case 0x88be: return "ERSPAN";
	case 0x9000: return "Loopback";
	default: return NULL;
	}
}

const char *dc_ipproto_name(uint8_t proto)
{
	switch (proto) {
	case 0: return "HOPOPT";
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPIP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 41: return "IPv6";
	case 43: return "IPv6-Route";
	case 44: return "IPv6-Frag";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 58: return "ICMPv6";
	case 59: return "IPv6-NoNxt";
	case 60: return "IPv6-Opts";
	case 89: return "OSPF";
	case 103: return "PIM";
	case 112: return "VRRP";
	case 132: return "SCTP";
	case 136: return "UDPLite";
	case 143: return "Ethernet";
	default: return NULL;
	}
}

/* One level of encapsulation is decoded; deeper ones are only named. */
#define DECODE_MAX_DEPTH 1

void dc_inner(struct dctx *d, uint16_t ethertype, const uint8_t *p, uint32_t len)
{
	struct decode_info *saved = d->info;
	dc_puts(d, "|");
	if (d->depth >= DECODE_MAX_DEPTH) {
		dc_puts(d, "[nested encapsulation not decoded]");
		return;
	}
	d->depth++;
	d->info = NULL;     /* info describes the outer packet */
	if (ethertype == 0x6558)
		decode_ether(d, p, len);
	else
		decode_ethertype(d, ethertype, p, len);
	d->info = saved;
	d->depth--;
}

void decode_packet(struct strbuf *sb, const uint8_t *data, uint32_t caplen,
		   const struct decode_opts *o, struct decode_info *info)
{
	struct dctx d = {
		.sb = sb,
		.info = info,
		.show_eth = o->show_eth,
	};
	if (info)
		memset(info, 0, sizeof(*info));
	if (o->vlan_proto) {
		d.off_tpid = o->vlan_proto;
		d.off_tci = o->vlan_tci;
	}
	if (o->start == DECODE_L2) {
		decode_ether(&d, data, caplen);
	} else {
		uint16_t type = o->protocol;
		if (type != ETH_P_IP && type != ETH_P_IPV6 && type != ETH_P_ARP &&
		    caplen >= 1) {
			/* skb->protocol unknown or odd: trust the version nibble */
			if (data[0] >> 4 == 4)
				type = ETH_P_IP;
			else if (data[0] >> 4 == 6)
				type = ETH_P_IPV6;
		}
		if (d.off_tpid) {
			decode_vlan_tag(&d, d.off_tpid, d.off_tci, true);
			d.off_tpid = 0;
		}
		decode_ethertype(&d, type, data, caplen);
	}
	/* Cut by the snaplen after complete headers: still say so. */
	if (o->orig_len > caplen && !d.truncated)
		dc_trunc(&d);
	if (info)
		info->truncated = d.truncated;
}
