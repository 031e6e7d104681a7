/* SPDX-License-Identifier: MIT */
/* strbuf.c - the append-only text buffer behind every printer (see strbuf.h). */
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char hexdig[] = "0123456789abcdef";

void sb_init(struct strbuf *sb, char *buf, size_t cap, int fd)
{
	memset(sb, 0, sizeof(*sb));
	sb->buf = buf;
	sb->cap = cap;
	sb->fd = fd;
}

void sb_init_owned(struct strbuf *sb, size_t cap, int fd)
{
	sb_init(sb, malloc(cap), cap, fd);
	sb->owned = true;
	if (!sb->buf) {
		sb->cap = 0;
		sb->err = ENOMEM;
	}
}

void sb_free(struct strbuf *sb)
{
	if (sb->owned)
		free(sb->buf);
	sb->buf = NULL;
	sb->cap = sb->len = 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? -errno : -EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int sb_flush(struct strbuf *sb)
{
	if (sb->fd < 0 && !sb->drain)
		return 0;
	if (!sb->err && sb->len) {
		int r = sb->drain ? sb->drain(sb->drain_arg, sb->buf, sb->len) :
				    write_all(sb->fd, sb->buf, sb->len);
		if (r)
			sb->err = -r;
		else
			sb->written += sb->len;
	}
	/* After a write error the text is dropped: the caller stops on err. */
	sb->len = 0;
	return sb->err ? -sb->err : 0;
}

bool sb_room_slow(struct strbuf *sb, size_t n)
{
	if (sb->fd >= 0 || sb->drain) {
		sb_flush(sb);
		if (sb->err)
			return false;
		if (sb->cap >= n)
			return true;
	}
	if (sb->owned && !sb->err) {
		/* one record larger than the whole buffer: grow for it */
		size_t want = sb->len + n > 2 * sb->cap ? sb->len + n : 2 * sb->cap;
		char *b = want >= n ? realloc(sb->buf, want) : NULL;
		if (b) {
			sb->buf = b;
			sb->cap = want;
			return true;
		}
		sb->err = ENOMEM;
		return false;
	}
	sb->overflow = true;
	return false;
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(tmp))
		n = sizeof(tmp) - 1;
	sb_mem(sb, tmp, (size_t)n);
}

/* Two digits at a time from a table: printing numbers is most of what the
 * JSON printer does (tens of them per event). */
static const char digits2[] =
	"00010203040506070809101112131415161718192021222324252627282930313233343536373839"
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879"
	"8081828384858687888990919293949596979899";

static size_t fmt_u64(char tmp[20], uint64_t v)
{
	size_t i = 20;
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);
		v /= 100;
		i -= 2;
		memcpy(tmp + i, digits2 + 2 * r, 2);
	}
	if (v >= 10) {
		i -= 2;
		memcpy(tmp + i, digits2 + 2 * v, 2);
	} else {
		tmp[--i] = (char)('0' + v);
	}
	return i;
}

void sb_u64(struct strbuf *sb, uint64_t v)
{
	if (v < 10) {
		sb_putc(sb, (char)('0' + v));
		return;
	}
	char tmp[20];
	size_t i = fmt_u64(tmp, v);
	sb_mem(sb, tmp + i, sizeof(tmp) - i);
}

void sb_i64(struct strbuf *sb, int64_t v)
{
	if (v < 0) {
		sb_putc(sb, '-');
		sb_u64(sb, (uint64_t)0 - (uint64_t)v);
	} else {
		sb_u64(sb, (uint64_t)v);
	}
}

void sb_hexw(struct strbuf *sb, uint64_t v, int width)
{
	char tmp[16];
	int i = sizeof(tmp);
	do {
		tmp[--i] = hexdig[v & 0xf];
		v >>= 4;
	} while (v && i > 0);
	while (i > (int)sizeof(tmp) - width && i > 0)
		tmp[--i] = '0';
	sb_mem(sb, tmp + i, sizeof(tmp) - i);
}

void sb_hex(struct strbuf *sb, uint64_t v)
{
	sb_mem(sb, "0x", 2);
	sb_hexw(sb, v, 1);
}

/* "00".."ff": packet bytes are printed a byte, not a nibble, at a time. */
static char hexpairs[256][2];

__attribute__((constructor)) static void init_hexpairs(void)
{
	for (int i = 0; i < 256; i++) {
		hexpairs[i][0] = hexdig[i >> 4];
		hexpairs[i][1] = hexdig[i & 0xf];
	}
}

void sb_hexbytes(struct strbuf *sb, const uint8_t *p, size_t n)
{
	while (n) {
		size_t chunk = n > 256 ? 256 : n;
		if (!sb_room(sb, chunk * 2))
			return;
		char *o = sb->buf + sb->len;
		for (size_t i = 0; i < chunk; i++)
			memcpy(o + 2 * i, hexpairs[p[i]], 2);
		sb->len += chunk * 2;
		p += chunk;
		n -= chunk;
	}
}

void sb_mac(struct strbuf *sb, const uint8_t *mac)
{
	if (!sb_room(sb, 17))
		return;
	char *o = sb->buf + sb->len;
	for (int i = 0; i < 6; i++) {
		o[3 * i] = hexdig[mac[i] >> 4];
		o[3 * i + 1] = hexdig[mac[i] & 0xf];
		if (i < 5)
			o[3 * i + 2] = ':';
	}
	sb->len += 17;
}

void sb_ip4(struct strbuf *sb, const uint8_t *a)
{
	if (!sb_room(sb, 15))
		return;
	char *o = sb->buf + sb->len, tmp[20];
	for (int k = 0; k < 4; k++) {
		size_t i = fmt_u64(tmp, a[k]);
		if (k)
			*o++ = '.';
		memcpy(o, tmp + i, sizeof(tmp) - i);
		o += sizeof(tmp) - i;
	}
	sb->len = (size_t)(o - sb->buf);
}

/* RFC 5952: lower case, no leading zeros, the longest run (>1) of zero
 * groups as "::" (the first on a tie), IPv4-mapped as ::ffff:a.b.c.d. */
void sb_ip6(struct strbuf *sb, const uint8_t *a)
{
	uint16_t g[8];
	int best = -1, bestlen = 1, run = 0;
	for (int i = 0; i < 8; i++) {
		g[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
		run = g[i] ? 0 : run + 1;
		if (run > bestlen) {
			bestlen = run;
			best = i - run + 1;
		}
	}
	if (best == 0 && bestlen == 5 && g[5] == 0xffff) {
		sb_puts(sb, "::ffff:");
		sb_ip4(sb, a + 12);
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			sb_mem(sb, "::", 2);
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			sb_putc(sb, ':');
		sb_hexw(sb, g[i], 1);
	}
}

/* Length of a valid UTF-8 sequence at s, 0 if invalid. */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];
	int n;
	unsigned min;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	if (c < 0xe0) { n = 2; min = 0x80; c &= 0x1f; }
	else if (c < 0xf0) { n = 3; min = 0x800; c &= 0x0f; }
	else { n = 4; min = 0x10000; c &= 0x07; }
	for (int i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return n;
}

/* Bytes a JSON string holds as they are: printable ASCII but '"' and '\\'
 * (one table load per byte; names and summaries are mostly such runs). */
#define PLAIN16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const bool json_plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* '"' */
	[0x30] = PLAIN16, PLAIN16,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,   /* '\\' */
	[0x60] = PLAIN16,
	[0x70] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,   /* DEL */
};

void sb_json_str(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	sb_putc(sb, '"');
	while (*s) {
		unsigned c = *s;
		if (json_plain[c]) {
			const unsigned char *run = s;
			while (json_plain[*s])
				s++;
			sb_mem(sb, run, (size_t)(s - run));
			continue;
		}
		if (c == '"' || c == '\\') {
			sb_putc(sb, '\\');
			sb_putc(sb, (char)c);
		} else if (c == '\n') {
			sb_mem(sb, "\\n", 2);
		} else if (c == '\t') {
			sb_mem(sb, "\\t", 2);
		} else if (c >= 0x80) {
			int n = utf8_len(s);
			if (n) {
				sb_mem(sb, s, (size_t)n);
				s += n;
				continue;
			}
			/* A stray byte: keep its value, as the code point U+00XX. */
			sb_mem(sb, "\\u00", 4);
			sb_hexw(sb, c, 2);
		} else {
			sb_mem(sb, "\\u00", 4);
			sb_hexw(sb, c, 2);
		}
		s++;
	}
	sb_putc(sb, '"');
}

void sb_safe_str(struct strbuf *sb, const char *str)
{
	const unsigned char *s = (const unsigned char *)(str ? str : "");
	for (; *s; s++) {
		if (*s >= 0x20 && *s < 0x7f && *s != '\\') {
			sb_putc(sb, (char)*s);
		} else {
			sb_mem(sb, "\\x", 2);
			sb_hexw(sb, *s, 2);
		}
	}
}
