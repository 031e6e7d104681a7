/* SPDX-License-Identifier: MIT */
/* pcapng.c - pcapng block and option encoding (see pcapng.h). */
#include "pcapng.h"
#include "le.h"

#include <string.h>

#define PAD4(n) (((n) + 3u) & ~(size_t)3u)

void pcapng_opts_init(struct pcapng_opts *o)
{
	o->len = 0;
}

/* Room for an option of n value bytes, keeping 4 for opt_endofopt. */
static size_t opt_room(const struct pcapng_opts *o)
{
	size_t used = o->len + 4 + 4;
	return used < sizeof(o->buf) ? sizeof(o->buf) - used : 0;
}

static void opt_put(struct pcapng_opts *o, uint16_t code, const void *v, size_t n)
{
	uint8_t *p = o->buf + o->len;
	p = put_host16(p, code);
	p = put_host16(p, (uint16_t)n);
	memcpy(p, v, n);
	memset(p + n, 0, PAD4(n) - n);
	o->len += 4 + PAD4(n);
}

void pcapng_opt_str(struct pcapng_opts *o, uint16_t code, const char *s)
{
	size_t n = strlen(s), room = opt_room(o) & ~(size_t)3u;
	if (room > UINT16_MAX)
		room = UINT16_MAX & ~3u;
	if (n > room) {
		n = room;
		/* do not end inside a UTF-8 sequence */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if (n == 0)
		return;
	opt_put(o, code, s, n);
}

void pcapng_opt_u8(struct pcapng_opts *o, uint16_t code, uint8_t v)
{
	if (opt_room(o) >= 4)
		opt_put(o, code, &v, 1);
}

void pcapng_opt_u32(struct pcapng_opts *o, uint16_t code, uint32_t v)
{
	if (opt_room(o) >= 4)
		opt_put(o, code, &v, 4);
}

void pcapng_opt_u64(struct pcapng_opts *o, uint16_t code, uint64_t v)
{
	if (opt_room(o) >= 8)
		opt_put(o, code, &v, 8);
}

void pcapng_opt_ts(struct pcapng_opts *o, uint16_t code, uint64_t ts)
{
	uint32_t v[2] = { (uint32_t)(ts >> 32), (uint32_t)ts };
	if (opt_room(o) >= 8)
		opt_put(o, code, v, 8);
}

/* Options as written: the list plus opt_endofopt, or nothing at all. */
static size_t opts_len(const struct pcapng_opts *o)
{
	return o && o->len ? o->len + 4 : 0;
}

static uint8_t *put_opts(uint8_t *p, const struct pcapng_opts *o)
{
	if (!opts_len(o))
		return p;
	memcpy(p, o->buf, o->len);
	p += o->len;
	p = put_host16(p, PCAPNG_OPT_END);
	return put_host16(p, 0);
}

size_t pcapng_shb_len(const struct pcapng_opts *o)
{
	return 28 + opts_len(o);
}

size_t pcapng_idb_len(const struct pcapng_opts *o)
{
	return 20 + opts_len(o);
}

size_t pcapng_isb_len(const struct pcapng_opts *o)
{
	return 24 + opts_len(o);
}

size_t pcapng_epb_len(uint32_t caplen, const struct pcapng_opts *o)
{
	return PCAPNG_EPB_HDR_LEN + PAD4((size_t)caplen) + opts_len(o) + 4;
}

size_t pcapng_shb(uint8_t *out, const struct pcapng_opts *o)
{
	size_t total = pcapng_shb_len(o);
	uint8_t *p = put_host32(out, PCAPNG_SHB);
	p = put_host32(p, (uint32_t)total);
	p = put_host32(p, PCAPNG_BYTE_ORDER_MAGIC);
	p = put_host16(p, 1);
	p = put_host16(p, 0);
	int64_t section_len = -1;   /* unknown: we stream */
	memcpy(p, &section_len, 8);
	p = put_opts(p + 8, o);
	put_host32(p, (uint32_t)total);
	return total;
}

size_t pcapng_idb(uint8_t *out, uint16_t linktype, uint32_t snaplen, const struct pcapng_opts *o)
{
	size_t total = pcapng_idb_len(o);
	uint8_t *p = put_host32(out, PCAPNG_IDB);
	p = put_host32(p, (uint32_t)total);
	p = put_host16(p, linktype);
	p = put_host16(p, 0);
	p = put_host32(p, snaplen);
	p = put_opts(p, o);
	put_host32(p, (uint32_t)total);
	return total;
}

size_t pcapng_isb(uint8_t *out, uint32_t ifid, uint64_t ts, const struct pcapng_opts *o)
{
	size_t total = pcapng_isb_len(o);
	uint8_t *p = put_host32(out, PCAPNG_ISB);
	p = put_host32(p, (uint32_t)total);
	p = put_host32(p, ifid);
	p = put_host32(p, (uint32_t)(ts >> 32));
	p = put_host32(p, (uint32_t)ts);
	p = put_opts(p, o);
	put_host32(p, (uint32_t)total);
	return total;
}

void pcapng_epb_head(uint8_t *out, size_t total, uint32_t ifid, uint64_t ts,
		     uint32_t caplen, uint32_t orig_len)
{
	uint8_t *p = put_host32(out, PCAPNG_EPB);
	p = put_host32(p, (uint32_t)total);
	p = put_host32(p, ifid);
	p = put_host32(p, (uint32_t)(ts >> 32));
	p = put_host32(p, (uint32_t)ts);
	p = put_host32(p, caplen);
	put_host32(p, orig_len);
}

void pcapng_epb_tail(uint8_t *out, size_t total, uint32_t caplen, const struct pcapng_opts *o)
{
	size_t pad = PAD4((size_t)caplen) - caplen;
	memset(out, 0, pad);
	uint8_t *p = put_opts(out + pad, o);
	put_host32(p, (uint32_t)total);
}
