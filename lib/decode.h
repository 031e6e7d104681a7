/* SPDX-License-Identifier: MIT */
/*
 * decode.h - packet decoders: one line of text per packet, tcpdump/Retis
 * style, from untrusted captured bytes.
 *
 * Every decoder reads the packet only through the bounds checks below: a
 * field is read after `dc_has()` said it lies inside the captured bytes.
 * When a header is cut by the snaplen the decoder prints what it could and
 * then " [truncated]" (once), and stops.  Nothing is allocated; text goes
 * into a caller's strbuf.
 *
 * One file per protocol family, each naming its RFC and drawing its header:
 *   decode_eth.c     Ethernet, 802.1Q/802.1ad, ARP, ethertype dispatch
 *   decode_ip.c      IPv4 (options, fragments), IPv6 (extension headers)
 *   decode_tcpudp.c  TCP (flags, options) and UDP (+ tunnel ports)
 *   decode_icmp.c    ICMP and ICMPv6 (neighbour discovery)
 *   decode_tunnel.c  VXLAN, Geneve, GRE (one level of inner packet)
 *   decode.c         the entry point and the helpers shared by all
 */
#ifndef SKB_DECODE_H
#define SKB_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

/* Where the captured bytes start. */
enum decode_start {
	DECODE_L2 = 0,      /* Ethernet header */
	DECODE_L3 = 1,      /* network header; protocol says which */
};

struct decode_opts {
	enum decode_start start;
	bool show_eth;          /* -e: print MAC addresses and ethertype */
	uint16_t protocol;      /* ethertype of an L3 start (0: guess from version) */
	uint16_t vlan_tci;      /* offloaded VLAN tag (vlan_proto != 0) */
	uint16_t vlan_proto;    /* 0x8100 / 0x88a8, 0 = none */
	uint32_t orig_len;      /* wire length from the first byte (0: unknown) */
};

/* What the outermost packet was, for JSON and flow titles. */
struct decode_info {
	uint8_t family;         /* 0 none, 4 IPv4, 6 IPv6 */
	uint8_t ip_proto;       /* final protocol (after IPv6 extension headers) */
	bool has_ports;
	bool truncated;
	uint16_t ethertype;     /* outermost network protocol */
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
};

/*
 * Decode caplen bytes at data into one line of text (no newline).  info may
 * be NULL.  Never reads data[caplen] or beyond.
 */
void decode_packet(struct strbuf *sb, const uint8_t *data, uint32_t caplen,
		   const struct decode_opts *o, struct decode_info *info);

/* ---- shared by the decoder files ---- */

struct dctx {
	struct strbuf *sb;
	struct decode_info *info;   /* outermost packet only (depth 0) */
	bool show_eth;
	bool truncated;
	bool sep;                   /* a word was printed: next one needs a space */
	int depth;                  /* encapsulation level, 0 = outer */
	uint16_t off_tpid, off_tci; /* offloaded VLAN tag still to print */
};

static inline bool dc_has(uint32_t len, uint32_t off, uint32_t n)
{
	return off <= len && n <= len - off;
}

static inline uint16_t dc_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dc_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Print " [truncated]" once and remember it. */
void dc_trunc(struct dctx *d);
/* Start a new word: a space unless it is the first one. */
static inline void dc_word(struct dctx *d)
{
	if (d->sep)
		sb_putc(d->sb, ' ');
	d->sep = true;
}
static inline void dc_puts(struct dctx *d, const char *s)
{
	dc_word(d);
	sb_puts(d->sb, s);
}
/* Decode an inner packet after an encapsulation header (" | " + inner). */
void dc_inner(struct dctx *d, uint16_t ethertype, const uint8_t *p, uint32_t len);
/* Name of an ethertype ("IPv4") or NULL. */
const char *dc_ethertype_name(uint16_t type);
/* Name of an IP protocol ("TCP") or NULL. */
const char *dc_ipproto_name(uint8_t proto);

/* Dispatchers (each prints its own part, then calls the next layer). */
void decode_ether(struct dctx *d, const uint8_t *p, uint32_t len);
void decode_ethertype(struct dctx *d, uint16_t type, const uint8_t *p, uint32_t len);
void decode_vlan_tag(struct dctx *d, uint16_t tpid, uint16_t tci, bool offloaded);
void decode_arp(struct dctx *d, const uint8_t *p, uint32_t len);
void decode_ipv4(struct dctx *d, const uint8_t *p, uint32_t len);
void decode_ipv6(struct dctx *d, const uint8_t *p, uint32_t len);
/* Transport after the IP header; l4len is the length the IP header claims. */
void decode_l4(struct dctx *d, uint8_t proto, const uint8_t *p, uint32_t len,
	       uint32_t l4len, int family);
/* The IP header quoted by an ICMP / ICMPv6 error (addresses, ports, proto). */
void decode_ip_quote(struct dctx *d, int family, const uint8_t *p, uint32_t len);
void decode_tcp(struct dctx *d, const uint8_t *p, uint32_t len, uint32_t l4len);
void decode_udp(struct dctx *d, const uint8_t *p, uint32_t len, uint32_t l4len);
void decode_icmp(struct dctx *d, const uint8_t *p, uint32_t len);
void decode_icmp6(struct dctx *d, const uint8_t *p, uint32_t len, uint32_t l4len);
void decode_vxlan(struct dctx *d, const uint8_t *p, uint32_t len);
void decode_geneve(struct dctx *d, const uint8_t *p, uint32_t len);
void decode_gre(struct dctx *d, const uint8_t *p, uint32_t len);

#endif
