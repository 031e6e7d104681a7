/* SPDX-License-Identifier: MIT */
/*
 * decode_ip.c - IPv4 (RFC 791: options, fragments) and IPv6 (RFC 8200:
 * extension headers).  The summary follows Retis:
 *   SRC[.SPORT] > DST[.DPORT] ttl 64 tos 0x0 id 1 off 0 [DF] len 84 proto ICMP (1) ...
 * Ports are peeked from the transport header so that they read with the
 * addresses; the transport decoder then prints the rest.
 *
 * IPv4:
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-------+-------+---------------+-------------------------------+
 *   |Version|  IHL  |      TOS      |          Total Length         |
 *   +-------+-------+---------------+-----+-------------------------+
 *   |         Identification        |Flags|     Fragment Offset     |
 *   +---------------+---------------+-----+-------------------------+
 *   |      TTL      |   Protocol    |        Header Checksum        |
 *   +---------------+---------------+-------------------------------+
 *   |                        Source Address                         |
 *   |                     Destination Address                       |
 *   |                 Options (IHL > 5) ...                         |
 *
 * IPv6:
 *   +-------+---------------+---------------------------------------+
 *   |Version| Traffic Class |              Flow Label               |
 *   +-------+---------------+-------+---------------+---------------+
 *   |         Payload Length        |  Next Header  |   Hop Limit   |
 *   +-------------------------------+---------------+---------------+
 *   |                 Source Address (128 bits)                     |
 *   |              Destination Address (128 bits)                   |
 * Extension headers: next header (8), length (8, in 8-octet units not
 * counting the first; AH: 4-octet units minus 2), ... ; Fragment header:
 *   | Next Header | Reserved | Fragment Offset (13) |Res|M| Identification (32) |
 */
#include "decode.h"

#include <string.h>

/* Print "proto NAME (N)". */
static void print_proto(struct dctx *d, uint8_t proto)
{
	const char *name = dc_ipproto_name(proto);
	dc_puts(d, "proto ");
	if (name) {
		sb_puts(d->sb, name);
		sb_puts(d->sb, " (");
		sb_u64(d->sb, proto);
		sb_putc(d->sb, ')');
	} else {
		sb_u64(d->sb, proto);
	}
}

/* Ports of TCP, UDP, SCTP, UDPLite if the first 4 bytes are there. */
static bool peek_ports(uint8_t proto, const uint8_t *p, uint32_t len,
		       uint16_t *sport, uint16_t *dport)
{
	if (proto != 6 && proto != 17 && proto != 132 && proto != 136)
		return false;
	if (!dc_has(len, 0, 4))
		return false;
	*sport = dc_be16(p);
	*dport = dc_be16(p + 2);
	return true;
}

static void print_ipv4_options(struct dctx *d, const uint8_t *o, uint32_t olen)
{
	uint32_t i = 0;
	dc_puts(d, "opts [");
	while (i < olen) {
		uint8_t t = o[i];
		uint32_t l = 1;
		if (i)
			sb_putc(d->sb, ',');
		if (t == 0) {
			sb_puts(d->sb, "EOL");
			break;
		}
		if (t != 1) {
			if (i + 1 >= olen || o[i + 1] < 2 || o[i + 1] > olen - i) {
				sb_puts(d->sb, "bad option length");
				break;
			}
			l = o[i + 1];
		}
		switch (t) {
		case 1: sb_puts(d->sb, "NOP"); break;
		case 7: sb_puts(d->sb, "RR"); break;
		case 68: sb_puts(d->sb, "TS"); break;
		case 130: sb_puts(d->sb, "SEC"); break;
		case 131: sb_puts(d->sb, "LSRR"); break;
		case 136: sb_puts(d->sb, "SID"); break;
		case 137: sb_puts(d->sb, "SSRR"); break;
		case 148: sb_puts(d->sb, "RA"); break;
		default:
			sb_puts(d->sb, "opt-");
			sb_u64(d->sb, t);
			break;
		}
		i += l;
	}
	sb_putc(d->sb, ']');
}

static void print_addr_port(struct dctx *d, int family, const uint8_t *a,
			    bool ports, uint16_t port)
{
	dc_word(d);
	if (family == 4)
		sb_ip4(d->sb, a);
	else
		sb_ip6(d->sb, a);
	if (ports) {
		sb_putc(d->sb, '.');
		sb_u64(d->sb, port);
	}
}

static void set_info(struct dctx *d, int family, const uint8_t *src,
		     const uint8_t *dst, uint8_t proto, bool ports,
		     uint16_t sport, uint16_t dport)
{
	struct decode_info *in = d->info;
	if (!in || in->family)
		return;
	size_t n = family == 4 ? 4 : 16;
	in->family = (uint8_t)family;
	memcpy(in->src, src, n);
	memcpy(in->dst, dst, n);
	in->ip_proto = proto;
	in->has_ports = ports;
	in->sport = sport;
	in->dport = dport;
}

void decode_ipv4(struct dctx *d, const uint8_t *p, uint32_t len)
{
	if (!dc_has(len, 0, 20)) {
		dc_puts(d, "IPv4");
		dc_trunc(d);
		return;
	}
	if (p[0] >> 4 != 4) {
		dc_puts(d, "IPv4 bad version ");
		sb_u64(d->sb, p[0] >> 4);
		return;
	}
	uint32_t hl = (uint32_t)(p[0] & 0x0f) * 4;
	uint16_t tot = dc_be16(p + 2), id = dc_be16(p + 4), frag = dc_be16(p + 6);
	uint16_t off = (uint16_t)((frag & 0x1fff) * 8);
	uint8_t ttl = p[8], proto = p[9];
	if (hl < 20) {
		dc_word(d);
		sb_ip4(d->sb, p + 12);
		dc_puts(d, ">");
		dc_word(d);
		sb_ip4(d->sb, p + 16);
		dc_puts(d, "bad ihl ");
		sb_u64(d->sb, hl);
		return;
	}
	uint16_t sport = 0, dport = 0;
	bool ports = off == 0 && dc_has(len, 0, hl) &&
		     peek_ports(proto, p + hl, len - hl, &sport, &dport);
	set_info(d, 4, p + 12, p + 16, proto, ports, sport, dport);
	print_addr_port(d, 4, p + 12, ports, sport);
	dc_puts(d, ">");
	print_addr_port(d, 4, p + 16, ports, dport);
	dc_puts(d, "ttl ");
	sb_u64(d->sb, ttl);
	dc_puts(d, "tos ");
	sb_hex(d->sb, p[1]);
	dc_puts(d, "id ");
	sb_u64(d->sb, id);
	dc_puts(d, "off ");
	sb_u64(d->sb, off);
	if (frag & 0xe000) {
		dc_puts(d, "[");
		bool first = true;
		if (frag & 0x8000) { sb_puts(d->sb, "RF"); first = false; }
		if (frag & 0x4000) { sb_puts(d->sb, first ? "DF" : ",DF"); first = false; }
		if (frag & 0x2000) sb_puts(d->sb, first ? "MF" : ",MF");
		sb_putc(d->sb, ']');
	}
	dc_puts(d, "len ");
	sb_u64(d->sb, tot);
	if (hl > 20) {
		if (!dc_has(len, 0, hl)) {
			dc_puts(d, "opts");
			dc_trunc(d);
			return;
		}
		print_ipv4_options(d, p + 20, hl - 20);
	}
	print_proto(d, proto);
	if (off != 0) {
		dc_puts(d, "fragment");
		return;
	}
	uint32_t l4len = tot >= hl ? tot - hl : 0;
	if (tot < hl)
		dc_puts(d, "bad total length");
	decode_l4(d, proto, p + hl, len - hl, l4len, 4);
}

/* Walk the extension headers; prints " exthdr [...]" when there are any. */
static bool is_ipv6_ext(uint8_t proto)
{
	return proto == 0 || proto == 43 || proto == 44 || proto == 60 || proto == 51;
}

/* Where the transport header starts after the extension headers (bounded
 * by the bytes and by 16 headers).  false when the chain is cut short or
 * this is a later fragment: no ports then. */
static bool ipv6_transport(const uint8_t *p, uint32_t len, uint32_t *off, uint8_t *proto)
{
	bool frag_later = false;

	*off = 40;
	*proto = p[6];
	for (int n = 0; n < 16 && is_ipv6_ext(*proto); n++) {
		if (!dc_has(len, *off, 8))
			return false;
		uint32_t hlen = *proto == 51 ? ((uint32_t)p[*off + 1] + 2) * 4
					     : ((uint32_t)p[*off + 1] + 1) * 8;
		if (*proto == 44) {
			hlen = 8;
			if (dc_be16(p + *off + 2) & 0xfff8)
				frag_later = true;
		}
		*proto = p[*off];
		*off += hlen;
	}
	return !frag_later && *off <= len;
}

/* " exthdr [hbh,frag id ... ]": *off and *proto end at the transport
 * header.  -1 when the headers are cut short (said), 1 for a later
 * fragment, else 0. */
static int print_ipv6_exthdrs(struct dctx *d, const uint8_t *p, uint32_t len,
			      uint32_t *off, uint8_t *proto)
{
	bool any = false, later_frag = false;

	*off = 40;
	*proto = p[6];
	for (int n = 0; n < 16 && is_ipv6_ext(*proto); n++) {
		if (!any)
			dc_puts(d, "exthdr [");
		else
			sb_putc(d->sb, ',');
		any = true;
		if (!dc_has(len, *off, 8)) {
			sb_puts(d->sb, *proto == 0 ? "hbh" : *proto == 43 ? "routing" :
				       *proto == 44 ? "frag" : *proto == 60 ? "dstopts" : "ah");
			sb_putc(d->sb, ']');
			dc_trunc(d);
			return -1;
		}
		const uint8_t *h = p + *off;
		uint32_t hlen = ((uint32_t)h[1] + 1) * 8;
		switch (*proto) {
		case 0:
			sb_puts(d->sb, "hbh");
			break;
		case 60:
			sb_puts(d->sb, "dstopts");
			break;
		case 43:
			sb_puts(d->sb, "routing type ");
			sb_u64(d->sb, h[2]);
			sb_puts(d->sb, " left ");
			sb_u64(d->sb, h[3]);
			break;
		case 44: {
			uint16_t fo = dc_be16(h + 2);
			hlen = 8;
			sb_puts(d->sb, "frag id ");
			sb_hex(d->sb, dc_be32(h + 4));
			sb_puts(d->sb, " off ");
			sb_u64(d->sb, fo & 0xfff8);
			if (fo & 1)
				sb_puts(d->sb, " MF");
			if (fo & 0xfff8)
				later_frag = true;
			break;
		}
		case 51:
			hlen = ((uint32_t)h[1] + 2) * 4;
			sb_puts(d->sb, "ah spi ");
			sb_hex(d->sb, dc_be32(h + 4));
			break;
		}
		*proto = h[0];
		*off += hlen;
	}
	if (any)
		sb_putc(d->sb, ']');
	return later_frag;
}

void decode_ipv6(struct dctx *d, const uint8_t *p, uint32_t len)
{
	if (!dc_has(len, 0, 40)) {
		dc_puts(d, "IPv6");
		dc_trunc(d);
		return;
	}
	if (p[0] >> 4 != 6) {
		dc_puts(d, "IPv6 bad version ");
		sb_u64(d->sb, p[0] >> 4);
		return;
	}
	uint8_t tc = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
	uint32_t label = dc_be32(p) & 0xfffff;
	uint16_t plen = dc_be16(p + 4);
	uint8_t hlim = p[7], proto;
	uint32_t off;

	uint16_t sport = 0, dport = 0;
	bool ports = ipv6_transport(p, len, &off, &proto) &&
		     peek_ports(proto, p + off, len - off, &sport, &dport);
	set_info(d, 6, p + 8, p + 24, proto, ports, sport, dport);
	print_addr_port(d, 6, p + 8, ports, sport);
	dc_puts(d, ">");
	print_addr_port(d, 6, p + 24, ports, dport);
	dc_puts(d, "ttl ");
	sb_u64(d->sb, hlim);
	if (tc) {
		dc_puts(d, "tc ");
		sb_hex(d->sb, tc);
	}
	dc_puts(d, "label ");
	sb_hex(d->sb, label);
	dc_puts(d, "len ");
	sb_u64(d->sb, plen);

	int ext = print_ipv6_exthdrs(d, p, len, &off, &proto);
	if (ext < 0)
		return;
	print_proto(d, proto);
	if (ext > 0) {
		dc_puts(d, "fragment");
		return;
	}
	if (!dc_has(len, 0, off)) {
		dc_trunc(d);
		return;
	}
	uint32_t extlen = off - 40;
	uint32_t l4len = plen >= extlen ? plen - extlen : 0;
	decode_l4(d, proto, p + off, len - off, l4len, 6);
}

/*
 * The packet an ICMP error quotes: "for SRC[.PORT] > DST[.PORT] proto NAME (N)".
 * Only the addresses, ports and protocol: the quote is cut by design.
 */
void decode_ip_quote(struct dctx *d, int family, const uint8_t *p, uint32_t len)
{
	uint32_t hl = family == 4 ? 20 : 40;
	if (!len || p[0] >> 4 != family)
		return;         /* not an IP header: nothing to say */
	if (!dc_has(len, 0, hl)) {
		dc_trunc(d);
		return;
	}
	uint8_t proto = family == 4 ? p[9] : p[6];
	const uint8_t *src = family == 4 ? p + 12 : p + 8;
	const uint8_t *dst = family == 4 ? p + 16 : p + 24;
	bool first_frag = true;
	if (family == 4) {
		hl = (uint32_t)(p[0] & 0x0f) * 4;
		first_frag = (dc_be16(p + 6) & 0x1fff) == 0;
	}
	uint16_t sport = 0, dport = 0;
	bool ports = hl >= 20 && first_frag && dc_has(len, 0, hl) &&
		     peek_ports(proto, p + hl, len - hl, &sport, &dport);
	dc_puts(d, "for");
	print_addr_port(d, family, src, ports, sport);
	dc_puts(d, ">");
	print_addr_port(d, family, dst, ports, dport);
	print_proto(d, proto);
}

void decode_l4(struct dctx *d, uint8_t proto, const uint8_t *p, uint32_t len,
	       uint32_t l4len, int family)
{
	switch (proto) {
	case 6:
		decode_tcp(d, p, len, l4len);
		break;
	case 17:
		decode_udp(d, p, len, l4len);
		break;
	case 1:
		if (family == 4)
			decode_icmp(d, p, len);
		break;
	case 58:
		decode_icmp6(d, p, len, l4len);
		break;
	case 47:
		decode_gre(d, p, len);
		break;
	case 4:
		dc_inner(d, 0x0800, p, len);
		break;
	case 41:
		dc_inner(d, 0x86dd, p, len);
		break;
	case 59:
		break;
	default:
		dc_puts(d, "length ");
		sb_u64(d->sb, l4len);
		break;
	}
}
