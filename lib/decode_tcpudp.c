/* SPDX-License-Identifier: MIT */
/*
 * decode_tcpudp.c - TCP (RFC 9293, options from RFC 7323, 2018, 7413, 8684)
 * and UDP (RFC 768).  Ports were printed with the addresses by the IP
 * decoder; here come flags, sequence numbers, window, an options summary
 * and the payload length (from the IP length, so it is right even when the
 * capture is cut).  UDP to port 4789 / 6081 continues into VXLAN / Geneve.
 *
 * TCP:
 *    0                   1                   2                   3
 *   +-------------------------------+-------------------------------+
 *   |          Source Port          |       Destination Port        |
 *   +-------------------------------+-------------------------------+
 *   |                        Sequence Number                        |
 *   |                    Acknowledgment Number                      |
 *   +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 *   |  Data | Rsrvd |C|E|U|A|P|R|S|F|            Window             |
 *   | Offset|       |W|C|R|C|S|S|Y|I|                               |
 *   +-------+-------+-+-+-+-+-+-+-+-+-------------------------------+
 *   |           Checksum            |         Urgent Pointer        |
 *   |                    Options (Data Offset > 5)                  |
 *
 * UDP:
 *   +-------------------------------+-------------------------------+
 *   |          Source Port          |       Destination Port        |
 *   |            Length             |           Checksum            |
 *   +-------------------------------+-------------------------------+
 */
#include "decode.h"

#define VXLAN_PORT  4789
#define GENEVE_PORT 6081

/* tcpdump's letters, in bit order: FIN SYN RST PSH ACK URG ECE CWR. */
static void print_flags(struct dctx *d, uint8_t f)
{
	static const char letter[8] = { 'F', 'S', 'R', 'P', '.', 'U', 'E', 'W' };
	dc_puts(d, "flags [");
	for (int i = 0; i < 8; i++)
		if (f & (1u << i))
			sb_putc(d->sb, letter[i]);
	if (!f)
		sb_puts(d->sb, "none");
	sb_putc(d->sb, ']');
}

static void print_options(struct dctx *d, const uint8_t *o, uint32_t olen)
{
	uint32_t i = 0;
	bool first = true;
	dc_puts(d, "options [");
	while (i < olen) {
		uint8_t kind = o[i];
		if (!first)
			sb_putc(d->sb, ',');
		first = false;
		if (kind == 0) {
			sb_puts(d->sb, "eol");
			break;
		}
		if (kind == 1) {
			sb_puts(d->sb, "nop");
			i++;
			continue;
		}
		if (i + 1 >= olen || o[i + 1] < 2 || o[i + 1] > olen - i) {
			sb_puts(d->sb, "bad opt");
			break;
		}
		uint8_t l = o[i + 1];
		const uint8_t *v = o + i + 2;
		switch (kind) {
		case 2:
			sb_puts(d->sb, "mss");
			if (l == 4) {
				sb_putc(d->sb, ' ');
				sb_u64(d->sb, dc_be16(v));
			}
			break;
		case 3:
			sb_puts(d->sb, "wscale");
			if (l == 3) {
				sb_putc(d->sb, ' ');
				sb_u64(d->sb, v[0]);
			}
			break;
		case 4:
			sb_puts(d->sb, "sackOK");
			break;
		case 5:
			sb_puts(d->sb, "sack ");
			sb_u64(d->sb, (uint32_t)(l - 2) / 8);
			break;
		case 8:
			sb_puts(d->sb, "TS");
			if (l == 10) {
				sb_puts(d->sb, " val ");
				sb_u64(d->sb, dc_be32(v));
				sb_puts(d->sb, " ecr ");
				sb_u64(d->sb, dc_be32(v + 4));
			}
			break;
		case 19: sb_puts(d->sb, "md5"); break;
		case 29: sb_puts(d->sb, "tcp-ao"); break;
		case 30: sb_puts(d->sb, "mptcp"); break;
		case 34: sb_puts(d->sb, "tfo"); break;
		default:
			sb_puts(d->sb, "opt-");
			sb_u64(d->sb, kind);
			break;
		}
		i += l;
	}
	sb_putc(d->sb, ']');
}

void decode_tcp(struct dctx *d, const uint8_t *p, uint32_t len, uint32_t l4len)
{
	if (!dc_has(len, 0, 20)) {
		dc_trunc(d);
		return;
	}
	uint32_t hl = (uint32_t)(p[12] >> 4) * 4;
	uint8_t flags = p[13];
	print_flags(d, flags);
	dc_puts(d, "seq ");
	sb_u64(d->sb, dc_be32(p + 4));
	if (flags & 0x10) {
		dc_puts(d, "ack ");
		sb_u64(d->sb, dc_be32(p + 8));
	}
	dc_puts(d, "win ");
	sb_u64(d->sb, dc_be16(p + 14));
	if (flags & 0x20) {
		dc_puts(d, "urg ");
		sb_u64(d->sb, dc_be16(p + 18));
	}
	if (hl < 20) {
		dc_puts(d, "bad data offset ");
		sb_u64(d->sb, hl);
		return;
	}
	if (hl > 20) {
		if (!dc_has(len, 0, hl)) {
			dc_puts(d, "options");
			dc_trunc(d);
			return;
		}
		print_options(d, p + 20, hl - 20);
	}
	dc_puts(d, "length ");
	sb_u64(d->sb, l4len >= hl ? l4len - hl : 0);
}

void decode_udp(struct dctx *d, const uint8_t *p, uint32_t len, uint32_t l4len)
{
	(void)l4len;
	if (!dc_has(len, 0, 8)) {
		dc_trunc(d);
		return;
	}
	uint16_t dport = dc_be16(p + 2), ulen = dc_be16(p + 4);
	if (ulen < 8) {
		dc_puts(d, "bad length ");
		sb_u64(d->sb, ulen);
		return;
	}
	dc_puts(d, "length ");
	sb_u64(d->sb, ulen - 8u);
	if (dport == VXLAN_PORT)
		decode_vxlan(d, p + 8, len - 8);
	else if (dport == GENEVE_PORT)
		decode_geneve(d, p + 8, len - 8);
}
