/* SPDX-License-Identifier: MIT */
/*
 * strbuf.h - the append-only output buffer of every program: the printers'
 * text, skb2pcap's pcap records and the .skb writer's records are built
 * here and leave in large writes.
 *
 * Printing one field at a time through stdio is what makes packet printers
 * slow; the decoders and skbcat append into a strbuf instead.  A strbuf
 * either drains into a file descriptor when it fills (fd >= 0) or, for a
 * caller-provided buffer without fd (fd < 0), stops appending and sets
 * `overflow` (the text is cut, never written past `cap`).
 *
 * Binary records are built in place: sb_reserve(), fill, sb_commit().  An
 * owned buffer (sb_init_owned) grows for a record larger than itself.  A
 * drain hook replaces the plain write(2) (the .skb writer compresses each
 * buffer-full into a gzip member that way).
 */
#ifndef SKB_STRBUF_H
#define SKB_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct strbuf;
/* Hand n bytes to their destination: 0, or -errno. */
typedef int (*sb_drain_fn)(void *arg, const char *p, size_t n);

struct strbuf {
	char *buf;
	size_t len, cap;
	int fd;          /* drain target, -1 for none */
	int err;         /* errno of the first failed write, 0 ok; sticky */
	bool overflow;   /* fd < 0 and text did not fit */
	bool owned;      /* buf is malloc'd here: freed by sb_free, may grow */
	uint64_t written;        /* bytes handed to the destination */
	sb_drain_fn drain;       /* NULL: write(2) to fd */
	void *drain_arg;
};

/* A caller's buffer; no allocation happens. */
void sb_init(struct strbuf *sb, char *buf, size_t cap, int fd);
/* A buffer of cap bytes of our own (sb->err = ENOMEM if that fails). */
void sb_init_owned(struct strbuf *sb, size_t cap, int fd);
void sb_free(struct strbuf *sb);
/* Write out what is buffered (fd >= 0).  0 or -errno (also kept in err). */
int sb_flush(struct strbuf *sb);
/* Make room for n bytes; false when impossible (text is then dropped). */
bool sb_room_slow(struct strbuf *sb, size_t n);

static inline bool sb_room(struct strbuf *sb, size_t n)
{
	return sb->cap - sb->len >= n || sb_room_slow(sb, n);
}

static inline void sb_putc(struct strbuf *sb, char c)
{
	if (sb_room(sb, 1))
		sb->buf[sb->len++] = c;
}

static inline void sb_mem(struct strbuf *sb, const void *p, size_t n)
{
	if (sb_room(sb, n)) {
		memcpy(sb->buf + sb->len, p, n);
		sb->len += n;
	}
}

static inline void sb_puts(struct strbuf *sb, const char *s)
{
	sb_mem(sb, s, strlen(s));
}

/* n bytes to fill at the end of the buffer, then sb_commit(n); NULL when
 * there is no room (after an error, or a full caller buffer). */
static inline uint8_t *sb_reserve(struct strbuf *sb, size_t n)
{
	return sb_room(sb, n) ? (uint8_t *)sb->buf + sb->len : NULL;
}

static inline void sb_commit(struct strbuf *sb, size_t n)
{
	sb->len += n;
}

/* Remove the last n bytes (used to undo a trailing separator). */
static inline void sb_unput(struct strbuf *sb, size_t n)
{
	sb->len = n > sb->len ? 0 : sb->len - n;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_u64(struct strbuf *sb, uint64_t v);              /* decimal */
void sb_i64(struct strbuf *sb, int64_t v);
void sb_hex(struct strbuf *sb, uint64_t v);              /* 0x1f */
void sb_hexw(struct strbuf *sb, uint64_t v, int width);  /* zero-padded, no 0x */
void sb_hexbytes(struct strbuf *sb, const uint8_t *p, size_t n);  /* "0a1b" */
void sb_mac(struct strbuf *sb, const uint8_t *mac);      /* aa:bb:cc:dd:ee:ff */
void sb_ip4(struct strbuf *sb, const uint8_t *a);
void sb_ip6(struct strbuf *sb, const uint8_t *a);        /* RFC 5952 */
/* "s" as a JSON string with quotes; invalid UTF-8 bytes become \u00XX. */
void sb_json_str(struct strbuf *sb, const char *s);
/* A name printed in text output: control and non-ASCII bytes as \xNN. */
void sb_safe_str(struct strbuf *sb, const char *s);

#endif
