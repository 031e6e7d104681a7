/* SPDX-License-Identifier: MIT */
/*
 * decode_icmp.c - ICMP (RFC 792) and ICMPv6 (RFC 4443) with neighbour
 * discovery (RFC 4861): type and code by number and by name, echo id/seq,
 * the MTU of "too big", ND targets and link-layer address options.
 *
 *    0                   1                   2                   3
 *   +---------------+---------------+-------------------------------+
 *   |     Type      |     Code      |          Checksum             |
 *   +---------------+---------------+-------------------------------+
 *   |   echo: Identifier | Sequence;  frag needed / too big: MTU     |
 *   +---------------------------------------------------------------+
 * ND solicitation / advertisement: 4 bytes (flags R S O), target (16),
 * then options: type (8), length (8, in 8-octet units), value.
 */
#include "decode.h"

static void type_code(struct dctx *d, const uint8_t *p)
{
	dc_puts(d, "type ");
	sb_u64(d->sb, p[0]);
	dc_puts(d, "code ");
	sb_u64(d->sb, p[1]);
}

static void echo_ids(struct dctx *d, const uint8_t *p, uint32_t len)
{
	if (!dc_has(len, 0, 8)) {
		dc_trunc(d);
		return;
	}
	dc_puts(d, "id ");
	sb_u64(d->sb, dc_be16(p + 4));
	dc_puts(d, "seq ");
	sb_u64(d->sb, dc_be16(p + 6));
}

void decode_icmp(struct dctx *d, const uint8_t *p, uint32_t len)
{
	static const char *const unreach[16] = {
		"net unreachable", "host unreachable", "protocol unreachable",
		"port unreachable", "fragmentation needed", "source route failed",
		"net unknown", "host unknown", "source host isolated",
		"net prohibited", "host prohibited", "net unreachable for tos",
		"host unreachable for tos", "administratively prohibited",
		"host precedence violation", "precedence cutoff",
	};
	if (!dc_has(len, 0, 4)) {
		dc_trunc(d);
		return;
	}
	type_code(d, p);
	switch (p[0]) {
	case 0:
		dc_puts(d, "echo reply");
		echo_ids(d, p, len);
		break;
	case 8:
		dc_puts(d, "echo request");
		echo_ids(d, p, len);
		break;
	case 3:
		dc_puts(d, p[1] < 16 ? unreach[p[1]] : "destination unreachable");
		if (p[1] == 4 && dc_has(len, 6, 2)) {
			dc_puts(d, "mtu ");
			sb_u64(d->sb, dc_be16(p + 6));
		}
		break;
	case 5: dc_puts(d, "redirect"); break;
	case 9: dc_puts(d, "router advertisement"); break;
	case 10: dc_puts(d, "router solicitation"); break;
	case 11:
		dc_puts(d, p[1] ? "fragment reassembly time exceeded" : "time exceeded in transit");
		break;
	case 12: dc_puts(d, "parameter problem"); break;
	case 13: dc_puts(d, "timestamp request"); break;
	case 14: dc_puts(d, "timestamp reply"); break;
	default: break;
	}
	/* Errors quote the offending packet's header after 8 bytes. */
	if ((p[0] == 3 || p[0] == 5 || p[0] == 11 || p[0] == 12) && len > 8)
		decode_ip_quote(d, 4, p + 8, len - 8);
}

/* ND options after the fixed part: "[sll aa:.., tll .., prefix p/len, mtu N]". */
static void nd_options(struct dctx *d, const uint8_t *o, uint32_t len)
{
	uint32_t i = 0;
	bool first = true;
	while (i < len) {
		if (!dc_has(len, i, 2)) {
			dc_trunc(d);
			return;
		}
		uint32_t olen = (uint32_t)o[i + 1] * 8;
		if (olen == 0) {
			dc_puts(d, "[bad option length]");
			return;
		}
		if (!dc_has(len, i, olen)) {
			if (!first)
				sb_putc(d->sb, ']');
			dc_trunc(d);
			return;
		}
		if (first)
			dc_puts(d, "[");
		else
			sb_puts(d->sb, ", ");
		first = false;
		const uint8_t *v = o + i + 2;
		switch (o[i]) {
		case 1:
		case 2:
			sb_puts(d->sb, o[i] == 1 ? "sll " : "tll ");
			if (olen == 8)
				sb_mac(d->sb, v);
			else
				sb_hexbytes(d->sb, v, olen - 2);
			break;
		case 3:
			sb_puts(d->sb, "prefix ");
			if (olen == 32) {
				sb_ip6(d->sb, o + i + 16);
				sb_putc(d->sb, '/');
				sb_u64(d->sb, v[0]);
			}
			break;
		case 4:
			sb_puts(d->sb, "redirected header");
			break;
		case 14:
			sb_puts(d->sb, "nonce");
			break;
		case 5:
			sb_puts(d->sb, "mtu ");
			if (olen == 8)
				sb_u64(d->sb, dc_be32(v + 2));
			break;
		default:
			sb_puts(d->sb, "opt-");
			sb_u64(d->sb, o[i]);
			break;
		}
		i += olen;
	}
	if (!first)
		sb_putc(d->sb, ']');
}

void decode_icmp6(struct dctx *d, const uint8_t *p, uint32_t len, uint32_t l4len)
{
	static const char *const unreach[8] = {
		"no route", "administratively prohibited", "beyond scope",
		"address unreachable", "port unreachable", "source address failed policy",
		"reject route", "source routing header error",
	};
	if (!dc_has(len, 0, 4)) {
		dc_trunc(d);
		return;
	}
	/* Options are parsed up to the length the IP header claims. */
	uint32_t end = l4len && l4len < len ? l4len : len;
	type_code(d, p);
	switch (p[0]) {
	case 1:
		dc_puts(d, p[1] < 8 ? unreach[p[1]] : "destination unreachable");
		break;
	case 2:
		dc_puts(d, "packet too big");
		if (!dc_has(len, 4, 4)) {
			dc_trunc(d);
			break;
		}
		dc_puts(d, "mtu ");
		sb_u64(d->sb, dc_be32(p + 4));
		break;
	case 3: dc_puts(d, "time exceeded"); break;
	case 4: dc_puts(d, "parameter problem"); break;
	case 128:
		dc_puts(d, "echo request");
		echo_ids(d, p, len);
		break;
	case 129:
		dc_puts(d, "echo reply");
		echo_ids(d, p, len);
		break;
	case 130: dc_puts(d, "multicast listener query"); break;
	case 131: dc_puts(d, "multicast listener report"); break;
	case 143: dc_puts(d, "multicast listener report v2"); break;
	case 133:
		dc_puts(d, "router solicitation");
		if (dc_has(end, 0, 8))
			nd_options(d, p + 8, end - 8);
		break;
	case 134:
		dc_puts(d, "router advertisement");
		if (!dc_has(len, 0, 16)) {
			dc_trunc(d);
			break;
		}
		dc_puts(d, "hlim ");
		sb_u64(d->sb, p[4]);
		if (p[5] & 0x80)
			dc_puts(d, "managed");
		if (p[5] & 0x40)
			dc_puts(d, "other");
		dc_puts(d, "lifetime ");
		sb_u64(d->sb, dc_be16(p + 6));
		if (end >= 16)
			nd_options(d, p + 16, end - 16);
		break;
	case 135:
	case 136:
		dc_puts(d, p[0] == 135 ? "neighbor solicitation" : "neighbor advertisement");
		if (!dc_has(len, 0, 24)) {
			dc_trunc(d);
			break;
		}
		if (p[0] == 136 && (p[4] & 0xe0)) {
			dc_puts(d, "[");
			bool f = true;
			if (p[4] & 0x80) { sb_puts(d->sb, "R"); f = false; }
			if (p[4] & 0x40) { sb_puts(d->sb, f ? "S" : ",S"); f = false; }
			if (p[4] & 0x20) sb_puts(d->sb, f ? "O" : ",O");
			sb_putc(d->sb, ']');
		}
		dc_puts(d, p[0] == 135 ? "who-has " : "tgt ");
		sb_ip6(d->sb, p + 8);
		if (end >= 24)
			nd_options(d, p + 24, end - 24);
		break;
	case 137:
		dc_puts(d, "redirect");
		break;
	default:
		break;
	}
	if (p[0] >= 1 && p[0] <= 4 && len > 8)
		decode_ip_quote(d, 6, p + 8, len - 8);
}
