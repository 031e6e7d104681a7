/* SPDX-License-Identifier: MIT */
/*
 * decode_eth.c - Ethernet II (IEEE 802.3), 802.1Q / 802.1ad VLAN tags and
 * ARP (RFC 826); the ethertype dispatch every layer-2 path goes through.
 *
 * Ethernet II:
 *    0                   1                   2                   3
 *   +-------------------------------+-------------------------------+
 *   |          destination MAC (6)  |          source MAC (6)       |
 *   +-------------------------------+---------------+---------------+
 *   |  ethertype (2) | payload ...   (< 0x0600: 802.3 length, LLC)
 *   +----------------+
 *
 * 802.1Q / 802.1ad tag, in place of the ethertype (TPID 0x8100 / 0x88a8):
 *   +----------------+-----+---+------------------------+----------------+
 *   |    TPID (16)   | PCP |DEI|       VLAN ID (12)     | ethertype (16) |
 *   +----------------+-----+---+------------------------+----------------+
 * The kernel usually strips the outer tag into skb->vlan_tci ("offloaded");
 * the event carries it and it is printed like an in-band tag.
 *
 * ARP for Ethernet / IPv4 (RFC 826):
 *   +--------------+--------------+-----+-----+--------------+
 *   | htype (16)   | ptype (16)   |hlen |plen | oper (16)    |
 *   +--------------+--------------+-----+-----+--------------+
 *   | sender MAC (hlen) | sender IP (plen) | target MAC | target IP |
 */
#include "decode.h"

void decode_vlan_tag(struct dctx *d, uint16_t tpid, uint16_t tci, bool offloaded)
{
	dc_puts(d, tpid == 0x88a8 ? "802.1ad" : tpid == 0x8100 ? "802.1Q" : "vlan-tpid");
	if (tpid != 0x8100 && tpid != 0x88a8) {
		sb_putc(d->sb, ' ');
		sb_hex(d->sb, tpid);
	}
	dc_puts(d, "vlan ");
	sb_u64(d->sb, tci & 0x0fff);
	dc_puts(d, "p ");
	sb_u64(d->sb, tci >> 13);
	if (tci & 0x1000)
		dc_puts(d, "DEI");
	if (offloaded)
		dc_puts(d, "(offloaded)");
}

/* "ethertype IPv4 (0x0800)", or "ethertype 0x88b5" for one without a name */
static void put_ethertype(struct dctx *d, uint16_t type)
{
	const char *name = dc_ethertype_name(type);
	dc_puts(d, "ethertype ");
	if (name) {
		sb_puts(d->sb, name);
		sb_puts(d->sb, " (0x");
		sb_hexw(d->sb, type, 4);
		sb_putc(d->sb, ')');
	} else {
		sb_puts(d->sb, "0x");
		sb_hexw(d->sb, type, 4);
	}
}

void decode_ether(struct dctx *d, const uint8_t *p, uint32_t len)
{
	if (!dc_has(len, 0, 14)) {
		if (d->show_eth && len >= 12) {
			dc_word(d);
			sb_mac(d->sb, p + 6);
			dc_puts(d, ">");
			dc_word(d);
			sb_mac(d->sb, p);
		}
		dc_puts(d, "Ethernet");
		dc_trunc(d);
		return;
	}
	uint16_t type = dc_be16(p + 12);
	if (d->show_eth) {
		dc_word(d);
		sb_mac(d->sb, p + 6);
		dc_puts(d, ">");
		dc_word(d);
		sb_mac(d->sb, p);
		if (type >= 0x0600)
			put_ethertype(d, type);
	}
	if (d->off_tpid) {
		decode_vlan_tag(d, d->off_tpid, d->off_tci, true);
		d->off_tpid = 0;
	}
	if (type < 0x0600) {
		/* 802.3 frame: the field is a length and LLC follows. */
		dc_puts(d, "802.3 LLC length ");
		sb_u64(d->sb, type);
		return;
	}
	decode_ethertype(d, type, p + 14, len - 14);
}

void decode_ethertype(struct dctx *d, uint16_t type, const uint8_t *p, uint32_t len)
{
	/* In-band VLAN tags (QinQ stacks loop here, 4 bytes each). */
	while (type == 0x8100 || type == 0x88a8) {
		if (!dc_has(len, 0, 4)) {
			dc_puts(d, type == 0x8100 ? "802.1Q" : "802.1ad");
			dc_trunc(d);
			return;
		}
		decode_vlan_tag(d, type, dc_be16(p), false);
		type = dc_be16(p + 2);
		p += 4;
		len -= 4;
	}
	if (d->info && !d->info->ethertype)
		d->info->ethertype = type;
	switch (type) {
	case 0x0800:
		decode_ipv4(d, p, len);
		return;
	case 0x86dd:
		decode_ipv6(d, p, len);
		return;
	case 0x0806:
		decode_arp(d, p, len);
		return;
	default: {
		put_ethertype(d, type);
		dc_puts(d, "length ");
		sb_u64(d->sb, len);
		return;
	}
	}
}

void decode_arp(struct dctx *d, const uint8_t *p, uint32_t len)
{
	dc_puts(d, "ARP");
	if (!dc_has(len, 0, 8)) {
		dc_trunc(d);
		return;
	}
	uint16_t htype = dc_be16(p), ptype = dc_be16(p + 2), op = dc_be16(p + 6);
	uint8_t hlen = p[4], plen = p[5];
	if (htype != 1 || ptype != 0x0800 || hlen != 6 || plen != 4) {
		dc_puts(d, "htype ");
		sb_u64(d->sb, htype);
		dc_puts(d, "ptype 0x");
		sb_hexw(d->sb, ptype, 4);
		dc_puts(d, "op ");
		sb_u64(d->sb, op);
		return;
	}
	if (!dc_has(len, 8, 28 - 8)) {
		dc_puts(d, op == 1 ? "request" : op == 2 ? "reply" : "op");
		dc_trunc(d);
		return;
	}
	const uint8_t *sha = p + 8, *spa = p + 14, *tha = p + 18, *tpa = p + 24;
	switch (op) {
	case 1:
		dc_puts(d, "request who-has ");
		sb_ip4(d->sb, tpa);
		dc_puts(d, "tell ");
		sb_ip4(d->sb, spa);
		break;
	case 2:
		dc_puts(d, "reply ");
		sb_ip4(d->sb, spa);
		dc_puts(d, "is-at ");
		sb_mac(d->sb, sha);
		break;
	default:
		dc_puts(d, "op ");
		sb_u64(d->sb, op);
		dc_puts(d, "sender ");
		sb_ip4(d->sb, spa);
		sb_putc(d->sb, ' ');
		sb_mac(d->sb, sha);
		dc_puts(d, "target ");
		sb_ip4(d->sb, tpa);
		sb_putc(d->sb, ' ');
		sb_mac(d->sb, tha);
		break;
	}
}
