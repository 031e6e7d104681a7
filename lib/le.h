/* SPDX-License-Identifier: MIT */
/*
 * le.h - loads and stores on unaligned bytes, one name for each byte order:
 *   le16, put16 ...        little-endian: the .skb format
 *   be16, put_be16 ...     big-endian (network order): link-layer headers
 *   put_host16 ...         host order: pcap and pcapng files, written in the
 *                          writer's byte order and told apart by their magic
 */
#ifndef SKB_LE_H
#define SKB_LE_H

#include <stdint.h>
#include <string.h>

static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t le64(const uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }

static inline void put16(uint8_t *p, uint16_t v) { p[0] = v; p[1] = v >> 8; }
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = v; p[1] = v >> 8; p[2] = v >> 16; p[3] = v >> 24;
}
static inline void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v); put32(p + 4, v >> 32); }

/* Width-generic forms, for code that follows a table: width is 1, 2 or 4. */
static inline uint32_t le_get(const uint8_t *p, unsigned width)
{
	return width == 1 ? p[0] : width == 2 ? le16(p) : le32(p);
}
static inline void le_put(uint8_t *p, uint32_t v, unsigned width)
{
	if (width == 1)
		p[0] = (uint8_t)v;
	else if (width == 2)
		put16(p, (uint16_t)v);
	else
		put32(p, v);
}

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline void put_be16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

/* Host order; return the byte after, for writing headers in sequence. */
static inline uint8_t *put_host16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
	return p + 2;
}
static inline uint8_t *put_host32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
	return p + 4;
}

#endif
