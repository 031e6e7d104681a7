/* SPDX-License-Identifier: MIT */
/*
 * decode_tunnel.c - one level of encapsulation: VXLAN (RFC 7348, UDP 4789),
 * Geneve (RFC 8926, UDP 6081) and GRE (RFC 2784 + RFC 2890 key/sequence).
 * The tunnel header is printed, then " | " and the inner packet.
 *
 * VXLAN:
 *   +-+-+-+-+-+-+-+-+-----------------------------------------------+
 *   |R|R|R|R|I|R|R|R|                 Reserved (24)                 |
 *   +---------------+-------------------------------+---------------+
 *   |              VXLAN Network Identifier (24)    | Reserved (8)  |
 *   +-----------------------------------------------+---------------+
 *   then an Ethernet frame.
 *
 * Geneve:
 *   +---+-----------+-+-+-----------+-------------------------------+
 *   |Ver| Opt Len(6)|O|C|   Rsvd.   |         Protocol Type         |
 *   +---+-----------+-+-+-----------+---------------+---------------+
 *   |        Virtual Network Identifier (VNI)       |   Reserved    |
 *   +-----------------------------------------------+---------------+
 *   |              Variable-Length Options (Opt Len * 4 bytes)      |
 *
 * GRE:
 *   +-+-+-+-+-+---------+---------+-----+-------------------------------+
 *   |C|R|K|S|s| Recur   | Flags   | Ver |          Protocol Type        |
 *   +-+-+-+-+-+---------+---------+-----+-------------------------------+
 *   |   Checksum (if C)             |       Reserved1 (if C)            |
 *   |                          Key (if K)                               |
 *   |                    Sequence Number (if S)                         |
 */
#include "decode.h"

void decode_vxlan(struct dctx *d, const uint8_t *p, uint32_t len)
{
	dc_puts(d, "vxlan");
	if (!dc_has(len, 0, 8)) {
		dc_trunc(d);
		return;
	}
	if (!(p[0] & 0x08)) {
		dc_puts(d, "flags ");
		sb_hex(d->sb, p[0]);
		dc_puts(d, "(no VNI)");
		return;
	}
	dc_puts(d, "vni ");
	sb_u64(d->sb, dc_be32(p + 4) >> 8);
	dc_inner(d, 0x6558, p + 8, len - 8);
}

void decode_geneve(struct dctx *d, const uint8_t *p, uint32_t len)
{
	dc_puts(d, "geneve");
	if (!dc_has(len, 0, 8)) {
		dc_trunc(d);
		return;
	}
	uint8_t ver = p[0] >> 6;
	uint32_t optlen = (uint32_t)(p[0] & 0x3f) * 4;
	uint16_t proto = dc_be16(p + 2);
	if (ver != 0) {
		dc_puts(d, "version ");
		sb_u64(d->sb, ver);
		return;
	}
	dc_puts(d, "vni ");
	sb_u64(d->sb, dc_be32(p + 4) >> 8);
	dc_puts(d, "proto 0x");
	sb_hexw(d->sb, proto, 4);
	if (p[1] & 0x80)
		dc_puts(d, "[O]");
	if (p[1] & 0x40)
		dc_puts(d, "[C]");
	if (optlen) {
		dc_puts(d, "options ");
		sb_u64(d->sb, optlen);
		sb_puts(d->sb, "B");
	}
	if (!dc_has(len, 8, optlen)) {
		dc_trunc(d);
		return;
	}
	dc_inner(d, proto, p + 8 + optlen, len - 8 - optlen);
}

void decode_gre(struct dctx *d, const uint8_t *p, uint32_t len)
{
	dc_puts(d, "gre");
	if (!dc_has(len, 0, 4)) {
		dc_trunc(d);
		return;
	}
	uint16_t fl = dc_be16(p), proto = dc_be16(p + 2);
	uint8_t ver = fl & 7;
	if (ver != 0) {
		dc_puts(d, "version ");
		sb_u64(d->sb, ver);
		dc_puts(d, "proto 0x");
		sb_hexw(d->sb, proto, 4);
		return;
	}
	uint32_t off = 4;
	dc_puts(d, "proto 0x");
	sb_hexw(d->sb, proto, 4);
	if (fl & 0x8000) {
		if (!dc_has(len, off, 4)) {
			dc_trunc(d);
			return;
		}
		dc_puts(d, "csum ");
		sb_hex(d->sb, dc_be16(p + off));
		off += 4;
	}
	if (fl & 0x2000) {
		if (!dc_has(len, off, 4)) {
			dc_trunc(d);
			return;
		}
		dc_puts(d, "key ");
		sb_hex(d->sb, dc_be32(p + off));
		off += 4;
	}
	if (fl & 0x1000) {
		if (!dc_has(len, off, 4)) {
			dc_trunc(d);
			return;
		}
		dc_puts(d, "seq ");
		sb_u64(d->sb, dc_be32(p + off));
		off += 4;
	}
	dc_inner(d, proto, p + off, len - off);
}
