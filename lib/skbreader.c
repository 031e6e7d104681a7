/* SPDX-License-Identifier: MIT */
/*
 * skbreader.c - streaming .skb reader.
 *
 * Constant memory: one buffer of decoded bytes, refilled from the fd,
 * through zlib when the stream holds gzip members.  It starts small and
 * grows only as far as the largest record met needs (at most a little more
 * than the largest record allowed), so small inputs cost little.  Records are parsed in place; every length is
 * checked against the record and the record against the buffer before a
 * byte is read.  Damage stops the reader with "NAME: offset N: what", after
 * every complete record before it has been returned.
 */
#include "skb.h"
#include "format.h"
#include "le.h"
#include "skbfields.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define RBUF_SIZE (SKB_RECORD_MAX + (256u << 10))  /* the most buf grows to */
#define RBUF_INIT (128u << 10)              /* where it starts */
#define RBUF_SLACK (64u << 10)              /* room kept past a record */
#define ZIN_READ  (128u << 10)              /* one read() of raw input */
#define ZIN_CAP   (RBUF_SIZE + ZIN_READ)    /* raw input incl. handed-back bytes */

/* ---- arena: dictionary entries live until skbr_close() ---- */

struct arena_blk {
	struct arena_blk *next;
	size_t used, cap;
	max_align_t data[];
};

static void *arena_alloc(struct arena_blk **a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!*a || (*a)->cap - (*a)->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		struct arena_blk *b = malloc(sizeof(*b) + cap);
		if (!b)
			return NULL;
		b->next = *a;
		b->used = 0;
		b->cap = cap;
		*a = b;
	}
	void *p = (char *)(*a)->data + (*a)->used;
	(*a)->used += n;
	return p;
}

/* ---- id map: u32 id -> entry ----
 * Writers number each dictionary 1, 2, 3...: ids below IDMAP_DENSE sit in
 * a plain array grown to the highest one seen (one load per reference; the
 * lookup runs for every reference of every event), any other u32 a file
 * may carry in open addressing.  At most IDMAP_DENSE pointers a map. */
#define IDMAP_DENSE 65536u

struct idmap {
	void **dense;           /* ids < ndense */
	uint32_t ndense;
	uint32_t *key;
	void **val;
	size_t cap, n;
};

static void *idmap_get(const struct idmap *m, uint32_t k)
{
	if (k < IDMAP_DENSE)
		return k < m->ndense ? m->dense[k] : NULL;
	if (!m->cap)
		return NULL;
	for (size_t i = (k * 2654435761u) & (m->cap - 1); m->val[i]; i = (i + 1) & (m->cap - 1))
		if (m->key[i] == k)
			return m->val[i];
	return NULL;
}

static int idmap_put_dense(struct idmap *m, uint32_t k, void *v)
{
	if (k >= m->ndense) {
		uint32_t n = m->ndense ? m->ndense : 64;
		void **d;

		while (n <= k)
			n *= 2;
		if (!(d = realloc(m->dense, n * sizeof(*d))))
			return -ENOMEM;
		memset(d + m->ndense, 0, (n - m->ndense) * sizeof(*d));
		m->dense = d;
		m->ndense = n;
	}
	m->dense[k] = v;   /* a repeated dictionary record redefines */
	return 0;
}

static int idmap_put(struct idmap *m, uint32_t k, void *v)
{
	if (k < IDMAP_DENSE)
		return idmap_put_dense(m, k, v);
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		uint32_t *key = calloc(cap, sizeof(*key));
		void **val = calloc(cap, sizeof(*val));
		if (!key || !val) {
			free(key);
			free(val);
			return -ENOMEM;
		}
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->val[i])
				continue;
			size_t j = (m->key[i] * 2654435761u) & (cap - 1);
			while (val[j])
				j = (j + 1) & (cap - 1);
			key[j] = m->key[i];
			val[j] = m->val[i];
		}
		free(m->key);
		free(m->val);
		m->key = key;
		m->val = val;
		m->cap = cap;
	}
	size_t i = (k * 2654435761u) & (m->cap - 1);
	for (; m->val[i]; i = (i + 1) & (m->cap - 1))
		if (m->key[i] == k) {
			m->val[i] = v;   /* a repeated dictionary record redefines */
			return 0;
		}
	m->key[i] = k;
	m->val[i] = v;
	m->n++;
	return 0;
}

static void idmap_clear(struct idmap *m)
{
	free(m->dense);
	free(m->key);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

/* ---- reader state ---- */

struct skb_reader {
	int fd;
	bool own_fd;
	char *name;
	uint8_t *buf;
	size_t cap, pos, end;   /* buf[pos..end) unread, of cap bytes */
	uint64_t buf_off;       /* stream offset of buf[0] (decoded bytes) */
	bool fd_eof;
	/* gzip members */
	bool gz, gz_seen, z_init;
	z_stream z;
	uint8_t *zin;
	size_t zin_cap, zin_pos, zin_end;
	/* state */
	int failed;
	bool any_section, in_section, ended;
	char err[600];
	struct skb_info info;
	int64_t time_base;
	uint64_t sec_events;    /* events read in this section, checked at END */
	struct arena_blk *arena;
	struct idmap probes, ifaces, ctxs, stacks, reasons;
	void (*idle_fn)(void *arg);     /* skbr_set_idle */
	void *idle_arg;
	bool regular;           /* fd is a regular file: never waits */
};

static int fail(struct skb_reader *r, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct skb_reader *r, uint64_t off, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof(r->err), "%s: offset %llu%s: %s", r->name,
		 (unsigned long long)off, r->gz_seen ? " (uncompressed)" : "", msg);
	r->failed = 1;
	return -1;
}

static ssize_t read_some(struct skb_reader *r, uint8_t *p, size_t n)
{
	if (r->idle_fn && !r->regular) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		if (poll(&pfd, 1, 0) == 0)
			r->idle_fn(r->idle_arg);
	}
	for (;;) {
		ssize_t k = read(r->fd, p, n);
		if (k >= 0 || errno != EINTR)
			return k;
	}
}

void skbr_set_idle(struct skb_reader *r, void (*fn)(void *arg), void *arg)
{
	struct stat st;
	r->idle_fn = fn;
	r->idle_arg = arg;
	r->regular = !fstat(r->fd, &st) && S_ISREG(st.st_mode);
}

/*
 * Raw input: bytes left over in zin[zin_pos..zin_end) come first, then the
 * fd.  Plain records are copied from here into buf; gzip members are
 * inflated from zin into buf.
 */
/* zin can hold at least n bytes; it grows by doubling up to ZIN_CAP. */
static int zin_alloc(struct skb_reader *r, size_t n)
{
	if (r->zin_cap >= n)
		return 0;
	size_t cap = r->zin_cap ? 2 * r->zin_cap : ZIN_READ;
	cap = cap < n ? n : cap > ZIN_CAP ? ZIN_CAP : cap;
	uint8_t *z = realloc(r->zin, cap);
	if (!z)
		return fail(r, r->buf_off + r->end, "out of memory");
	r->zin = z;
	r->zin_cap = cap;
	return 0;
}

/* Make sure zin holds at least `want` bytes unless the fd is at its end. */
static int zin_fill(struct skb_reader *r, size_t want)
{
	while (r->zin_end - r->zin_pos < want && !r->fd_eof) {
		if (r->zin_pos) {
			memmove(r->zin, r->zin + r->zin_pos, r->zin_end - r->zin_pos);
			r->zin_end -= r->zin_pos;
			r->zin_pos = 0;
		}
		if (zin_alloc(r, r->zin_end + ZIN_READ < ZIN_CAP ? r->zin_end + ZIN_READ : ZIN_CAP))
			return -1;
		size_t room = r->zin_cap - r->zin_end;
		ssize_t k = read_some(r, r->zin + r->zin_end, room < ZIN_READ ? room : ZIN_READ);
		if (k < 0)
			return fail(r, r->buf_off + r->end, "read error: %s", strerror(errno));
		if (k == 0)
			r->fd_eof = true;
		r->zin_end += (size_t)k;
	}
	return 0;
}

/* Switch to gzip: the raw bytes buf[pos..end) go back in front of zin. */
static int start_gzip(struct skb_reader *r)
{
	size_t n = r->end - r->pos, left = r->zin_end - r->zin_pos;
	if (zin_alloc(r, n + left))
		return -1;
	memmove(r->zin + n, r->zin + r->zin_pos, left);
	memcpy(r->zin, r->buf + r->pos, n);
	r->zin_pos = 0;
	r->zin_end = n + left;
	r->end = r->pos;
	r->gz = r->gz_seen = true;
	int zr = r->z_init ? inflateReset(&r->z) : inflateInit2(&r->z, 15 + 16);
	if (zr != Z_OK)
		return fail(r, r->buf_off + r->pos, "zlib: cannot start inflating");
	r->z_init = true;
	return 0;
}

/* Decode more gzip data into buf[end..]. */
static int inflate_more(struct skb_reader *r)
{
	size_t before = r->end;
	while (r->end == before && r->gz) {
		if (zin_fill(r, 1))
			return -1;
		if (r->zin_pos == r->zin_end)
			return fail(r, r->buf_off + r->end, "compressed block cut short");
		r->z.next_in = r->zin + r->zin_pos;
		r->z.avail_in = (uInt)(r->zin_end - r->zin_pos);
		r->z.next_out = r->buf + r->end;
		r->z.avail_out = (uInt)(r->cap - r->end);
		int zr = inflate(&r->z, Z_NO_FLUSH);
		r->zin_pos = r->zin_end - r->z.avail_in;
		r->end = r->cap - r->z.avail_out;
		if (zr == Z_STREAM_END) {
			/* Member done: another member, plain records, or the end follow. */
			if (zin_fill(r, 2))
				return -1;
			const uint8_t *z = r->zin + r->zin_pos;
			if (r->zin_end - r->zin_pos >= 2 && z[0] == 0x1f && z[1] == 0x8b)
				inflateReset(&r->z);
			else
				r->gz = false;
		} else if (zr == Z_BUF_ERROR && r->z.avail_out == 0) {
			return 0;
		} else if (zr != Z_OK) {
			return fail(r, r->buf_off + r->end, "compressed data damaged (%s)",
				    r->z.msg ? r->z.msg : "zlib error");
		}
	}
	return 0;
}

/* Make at least `need` bytes available at buf+pos, or all that is left.
 * Returns the number available (may be < need at end of input), -1 on error. */
static ssize_t fill_more(struct skb_reader *r, size_t need)
{
	while (r->end - r->pos < need) {
		/* need + slack past pos: the record fits, and each refill has
		 * room (need <= SKB_RECORD_MAX, so within RBUF_SIZE) */
		size_t want = need + RBUF_SLACK;
		if (r->pos && r->cap - r->pos < want) {
			memmove(r->buf, r->buf + r->pos, r->end - r->pos);
			r->end -= r->pos;
			r->buf_off += r->pos;
			r->pos = 0;
		}
		if (r->cap - r->pos < want) {
			size_t cap = 2 * r->cap < want ? want : 2 * r->cap;
			uint8_t *b = realloc(r->buf, cap < RBUF_SIZE ? cap : RBUF_SIZE);
			if (!b)
				return fail(r, r->buf_off + r->end, "out of memory");
			r->buf = b;
			r->cap = cap < RBUF_SIZE ? cap : RBUF_SIZE;
		}
		if (r->gz) {
			if (inflate_more(r))
				return -1;
			continue;
		}
		size_t room = r->cap - r->end;
		if (r->zin_pos < r->zin_end) {
			size_t n = r->zin_end - r->zin_pos;
			n = n < room ? n : room;
			memcpy(r->buf + r->end, r->zin + r->zin_pos, n);
			r->zin_pos += n;
			r->end += n;
			continue;
		}
		if (r->fd_eof)
			break;
		ssize_t k = read_some(r, r->buf + r->end, room);
		if (k < 0)
			return fail(r, r->buf_off + r->end, "read error: %s", strerror(errno));
		if (k == 0)
			r->fd_eof = true;
		r->end += (size_t)k;
	}
	return (ssize_t)(r->end - r->pos);
}

/* fill(): twice a record, almost always with the bytes already there */
static inline ssize_t fill(struct skb_reader *r, size_t need)
{
	if (r->end - r->pos >= need)
		return (ssize_t)(r->end - r->pos);
	return fill_more(r, need);
}

/* ---- record parsing helpers ---- */

/* A u16-length-prefixed string at p[*off], within len: copied into the arena. */
static const char *take_str(struct skb_reader *r, const uint8_t *p, size_t len, size_t *off)
{
	if (*off + 2 > len)
		return NULL;
	size_t n = le16(p + *off);
	if (*off + 2 + n > len)
		return NULL;
	char *s = arena_alloc(&r->arena, n + 1);
	if (!s)
		return NULL;
	memcpy(s, p + *off + 2, n);
	s[n] = 0;
	/* names are shown to people: replace NULs so C strings stay whole */
	for (size_t i = 0; i < n; i++)
		if (!s[i])
			s[i] = '?';
	*off += 2 + n;
	return s;
}

static void reset_dicts(struct skb_reader *r)
{
	idmap_clear(&r->probes);
	idmap_clear(&r->ifaces);
	idmap_clear(&r->ctxs);
	idmap_clear(&r->stacks);
	idmap_clear(&r->reasons);
}

/*
 * Times come from the file, so they are checked like lengths: a monotonic
 * time (base + offset) and its wall-clock time (+ the header's offset) must
 * both lie in 0..INT64_MAX ns, so that every reader can add and subtract
 * them without overflow.  Anything else is damage (docs/format.md).
 */
static int check_time(struct skb_reader *r, uint64_t off, uint64_t ts, const char *what)
{
	int64_t wall;

	if (ts > INT64_MAX)
		return fail(r, off, "%s time %llu ns is out of range", what, (unsigned long long)ts);
	if (r->info.wall_offset &&
	    (__builtin_add_overflow((int64_t)ts, r->info.wall_offset, &wall) || wall < 0))
		return fail(r, off, "%s time %llu ns plus the wall-clock offset %lld ns is out of range",
			    what, (unsigned long long)ts, (long long)r->info.wall_offset);
	return 0;
}

static int parse_header(struct skb_reader *r, struct skb_record *rec)
{
	uint64_t off = r->buf_off + r->pos;
	ssize_t have = fill(r, SKB_HDR_FIXED);
	if (have < 0)
		return -1;
	const uint8_t *p = r->buf + r->pos;
	size_t cmp = (size_t)have < SKB_MAGIC_LEN ? (size_t)have : SKB_MAGIC_LEN;
	if (memcmp(p, SKB_MAGIC, cmp)) {
		if (have >= 7 && !memcmp(p, "\x89SKB\n\x1a\n", 7))
			return fail(r, off, "damaged by a text-mode transfer (\\r\\n became \\n)");
		return fail(r, off, "not a .skb stream (bad magic)");
	}
	if ((size_t)have < SKB_HDR_FIXED)
		return fail(r, off, "file header cut short (%zd of %u bytes)", have, SKB_HDR_FIXED);
	uint16_t major = le16(p + 8), minor = le16(p + 10);
	uint32_t hlen = le32(p + 12);
	if (major != SKB_VERSION_MAJOR)
		return fail(r, off, "unsupported format version %u.%u (this reader reads %u.x)",
			    major, minor, SKB_VERSION_MAJOR);
	if (le32(p + 16) != SKB_BOM)
		return fail(r, off, "bad byte-order mark 0x%08x (expected 0x%08x)",
			    le32(p + 16), SKB_BOM);
	if (hlen < SKB_HDR_FIXED + 8 || hlen > SKB_RECORD_MAX)
		return fail(r, off, "bad header length %u", hlen);
	have = fill(r, hlen);
	if (have < 0)
		return -1;
	if ((size_t)have < hlen)
		return fail(r, off, "file header cut short (%zd of %u bytes)", have, hlen);
	p = r->buf + r->pos;

	struct skb_info in = {
		.major = major, .minor = minor,
		.snaplen = le32(p + 20),
		.wall_offset = (int64_t)le64(p + 24),
		.time_base = le64(p + 32),
	};
	size_t o = SKB_HDR_FIXED;
	const char **s[4] = { &in.tool, &in.host, &in.kernel, &in.cmdline };
	for (int i = 0; i < 4; i++)
		if (!(*s[i] = take_str(r, p, hlen, &o)))
			return fail(r, off + o, "file header: string field runs past the header");
	reset_dicts(r);
	r->info = in;
	if (check_time(r, off, in.time_base, "file header's base"))
		return -1;
	r->time_base = (int64_t)in.time_base;
	r->any_section = r->in_section = true;
	r->ended = false;
	r->sec_events = 0;
	r->pos += hlen;
	rec->kind = SKB_SECTION;
	rec->offset = off;
	rec->size = hlen;
	rec->info = &r->info;
	return 1;
}

static int dict_record(struct skb_reader *r, uint8_t type, const uint8_t *p, size_t len,
		       uint64_t off)
{
	size_t o;
	switch (type) {
	case SKB_REC_PROBE: {
		struct skb_probe *e = arena_alloc(&r->arena, sizeof(*e));
		o = 8;
		if (!e || len < 8 || !(e->spec = take_str(r, p, len, &o)))
			return fail(r, off, "probe record damaged");
		e->id = le16(p + 4);
		e->kind = p[6];
		e->flags = p[7];
		if (!e->id || idmap_put(&r->probes, e->id, e))
			return fail(r, off, "probe record has id 0");
		return 0;
	}
	case SKB_REC_IFACE: {
		struct skb_iface *e = arena_alloc(&r->arena, sizeof(*e));
		o = 16;
		if (!e || len < 16 || !(e->name = take_str(r, p, len, &o)))
			return fail(r, off, "interface record damaged");
		e->id = le16(p + 4);
		e->netns = le32(p + 8);
		e->ifindex = le32(p + 12);
		if (!e->id || idmap_put(&r->ifaces, e->id, e))
			return fail(r, off, "interface record has id 0");
		return 0;
	}
	case SKB_REC_CTX: {
		struct skb_ctx *e = arena_alloc(&r->arena, sizeof(*e));
		o = 16;
		if (!e || len < 16 || !(e->comm = take_str(r, p, len, &o)))
			return fail(r, off, "context record damaged");
		e->id = le16(p + 4);
		e->cpu = le16(p + 6);
		e->pid = le32(p + 8);
		e->tid = le32(p + 12);
		if (!e->id || idmap_put(&r->ctxs, e->id, e))
			return fail(r, off, "context record has id 0");
		return 0;
	}
	case SKB_REC_DROP_REASON: {
		o = 8;
		const char *name = len >= 8 ? take_str(r, p, len, &o) : NULL;
		uint32_t v = len >= 8 ? le32(p + 4) : 0;
		/* the map cannot hold key->NULL, and value 0 is a valid key */
		if (!name || idmap_put(&r->reasons, v, (void *)name))
			return fail(r, off, "drop-reason record damaged");
		return 0;
	}
	case SKB_REC_STACK: {
		if (len < 12)
			return fail(r, off, "stack record damaged");
		unsigned n = le16(p + 8);
		if (n > SKB_STACK_MAX)
			return fail(r, off, "stack record has %u frames (at most %u)", n, SKB_STACK_MAX);
		struct skb_stack *e = arena_alloc(&r->arena, sizeof(*e));
		struct skb_stack_frame *f = arena_alloc(&r->arena, (n ? n : 1) * sizeof(*f));
		if (!e || !f)
			return fail(r, off, "out of memory");
		o = 12;
		for (unsigned i = 0; i < n; i++) {
			if (o + 12 > len)
				return fail(r, off, "stack record damaged (frame %u)", i);
			f[i].addr = le64(p + o);
			f[i].off = le32(p + o + 8);
			o += 12;
			if (!(f[i].sym = take_str(r, p, len, &o)))
				return fail(r, off, "stack record damaged (frame %u name)", i);
		}
		e->id = le32(p + 4);
		e->n = (uint16_t)n;
		e->frame = f;
		if (!e->id || idmap_put(&r->stacks, e->id, e))
			return fail(r, off, "stack record has id 0");
		return 0;
	}
	case SKB_REC_TIME_BASE:
		if (len < 16)
			return fail(r, off, "time-base record damaged");
		if (check_time(r, off, le64(p + 8), "time-base record's"))
			return -1;
		r->time_base = (int64_t)le64(p + 8);
		return 0;
	}
	return 0;   /* unknown types are skipped by length */
}

static int parse_event(struct skb_reader *r, const uint8_t *p, size_t len, uint64_t off,
		       struct skb_event *ev)
{
	if (len < SKB_EV_FIXED)
		return fail(r, off, "event record too short (%zu bytes)", len);
	uint16_t f = le16(p + 30);
	skb_event_clear(ev);
	int64_t ts;
	if (__builtin_add_overflow(r->time_base, (int32_t)le32(p + 4), &ts) || ts < 0)
		return fail(r, off, "event time (base %lld ns %+d ns) is out of range",
			    (long long)r->time_base, (int32_t)le32(p + 4));
	if (check_time(r, off, (uint64_t)ts, "event"))
		return -1;
	ev->ts = (uint64_t)ts;
	ev->skb = le64(p + 8);
	ev->track = le64(p + 16);
	uint16_t pid = le16(p + 24), iid = le16(p + 26), cid = le16(p + 28);
	ev->fields = f;
	ev->flags = p[32];
	ev->pkt_type = p[33];
	ev->l3_off = p[34] == SKB_OFF_UNKNOWN ? 0xffff : p[34];
	ev->l4_off = p[35] == SKB_OFF_UNKNOWN ? 0xffff : p[35];

	if (!(ev->probe = idmap_get(&r->probes, pid)))
		return fail(r, off, "event refers to undefined probe %u", pid);
	if (iid && !(ev->iface = idmap_get(&r->ifaces, iid)))
		return fail(r, off, "event refers to undefined interface %u", iid);
	if (cid && !(ev->ctx = idmap_get(&r->ctxs, cid)))
		return fail(r, off, "event refers to undefined context %u", cid);

	/* Optional fields, each bounds-checked against the record. */
	uint32_t sid = 0;
	const uint8_t *q = skb_fields_get(p + SKB_EV_FIXED, p + len, f, ev, &sid);
	if (!q)
		return fail(r, off, "event's optional fields run past the record");
	ev->caplen = (uint32_t)(p + len - q);
	ev->data = q;
	if (ev->caplen > SKB_SNAPLEN_MAX)
		return fail(r, off, "event holds %u packet bytes (at most %u)", ev->caplen,
			    SKB_SNAPLEN_MAX);
	switch (skb_fields_defaults(ev, f)) {
	case SKB_FIELDS_ORIG_SHORT:
		return fail(r, off, "event's packet length %u is less than its %u captured bytes",
			    ev->orig_len, ev->caplen);
	case SKB_FIELDS_L3_PAST:
		return fail(r, off, "event's L3 offset is past the packet");
	}
	if (sid && !(ev->stack = idmap_get(&r->stacks, sid)))
		return fail(r, off, "event refers to undefined stack %u", sid);
	if (ev->flags & SKB_EV_DROP)
		ev->drop_name = idmap_get(&r->reasons, ev->drop_reason);
	return 0;
}

int skbr_next(struct skb_reader *r, struct skb_record *rec)
{
	if (r->failed)
		return -1;
	for (;;) {
		uint64_t off = r->buf_off + r->pos;
		ssize_t have = fill(r, SKB_REC_HDR);
		if (have < 0)
			return -1;
		if (have == 0) {
			if (!r->any_section)
				return fail(r, off, "empty input (not a .skb stream)");
			if (!r->ended)
				return fail(r, off, "stream ends without an end record (truncated)");
			rec->kind = SKB_EOF;
			return 0;
		}
		const uint8_t *p = r->buf + r->pos;
		if (p[0] == SKB_REC_SECTION)
			return parse_header(r, rec);
		if (p[0] == SKB_REC_GZIP && have >= 2 && p[1] == 0x8b && !r->gz) {
			if (start_gzip(r))
				return -1;
			continue;
		}
		if (!r->any_section)
			return fail(r, off, "not a .skb stream (bad magic)");
		if (have < SKB_REC_HDR)
			return fail(r, off, "record header cut short (%zd of 4 bytes)", have);
		uint8_t type = p[0];
		size_t len = p[1] | p[2] << 8 | (size_t)p[3] << 16;
		if (len < SKB_REC_HDR)
			return fail(r, off, "record length %zu is too small", len);
		if (len > SKB_RECORD_MAX)
			return fail(r, off, "record length %zu exceeds %u", len, SKB_RECORD_MAX);
		if (r->ended)
			return fail(r, off, "record of type 0x%02x after the end record", type);
		have = fill(r, len);
		if (have < 0)
			return -1;
		if ((size_t)have < len)
			return fail(r, off, "record of %zu bytes cut short (%zd bytes left)", len, have);
		p = r->buf + r->pos;
		rec->offset = off;
		rec->size = (uint32_t)len;
		rec->info = &r->info;

		switch (type) {
		case SKB_REC_EVENT:
			if (parse_event(r, p, len, off, &rec->ev))
				return -1;
			rec->kind = SKB_EVENT;
			rec->raw = r->info.minor <= SKB_VERSION_MINOR ? p : NULL;
			r->sec_events++;
			r->pos += len;
			return 1;
		case SKB_REC_LOST: {
			if (len < 24)
				return fail(r, off, "lost-events record damaged");
			uint16_t pid = le16(p + 4);
			rec->lost.probe = pid ? idmap_get(&r->probes, pid) : NULL;
			if (pid && !rec->lost.probe)
				return fail(r, off, "lost-events record refers to undefined probe %u", pid);
			rec->lost.count = le64(p + 8);
			rec->lost.ts = le64(p + 16);
			if (check_time(r, off, rec->lost.ts, "lost-events record's"))
				return -1;
			rec->kind = SKB_LOST;
			r->pos += len;
			return 1;
		}
		case SKB_REC_END:
			if (len < 32)
				return fail(r, off, "end record damaged");
			rec->end.events = le64(p + 8);
			rec->end.lost = le64(p + 16);
			rec->end.ts = le64(p + 24);
			if (check_time(r, off, rec->end.ts, "end record's"))
				return -1;
			if (rec->end.events != r->sec_events)
				return fail(r, off, "end record counts %llu events, the section held %llu"
					    " (records lost or damaged)",
					    (unsigned long long)rec->end.events,
					    (unsigned long long)r->sec_events);
			rec->kind = SKB_END;
			r->ended = true;
			r->pos += len;
			return 1;
		default:
			if (dict_record(r, type, p, len, off))
				return -1;
			r->pos += len;
		}
	}
}

struct skb_reader *skbr_open_fd(int fd, const char *name)
{
	struct skb_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fd = fd;
	r->name = strdup(name ? name : "-");
	r->cap = RBUF_INIT;
	r->buf = malloc(r->cap);
	if (!r->name || !r->buf) {
		skbr_close(r);
		return NULL;
	}
	return r;
}

struct skb_reader *skbr_open(const char *path, char *err, size_t errsz)
{
	int fd = STDIN_FILENO;
	if (strcmp(path, "-")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			return NULL;
		}
	}
	struct skb_reader *r = skbr_open_fd(fd, path);
	if (!r) {
		if (fd != STDIN_FILENO)
			close(fd);
		snprintf(err, errsz, "%s: out of memory", path);
		return NULL;
	}
	r->own_fd = fd != STDIN_FILENO;
	return r;
}

const char *skbr_error(const struct skb_reader *r)
{
	return r->err[0] ? r->err : NULL;
}

const char *skbr_name(const struct skb_reader *r)
{
	return r->name;
}

void skbr_close(struct skb_reader *r)
{
	if (!r)
		return;
	if (r->own_fd)
		close(r->fd);
	if (r->z_init)
		inflateEnd(&r->z);
	reset_dicts(r);
	while (r->arena) {
		struct arena_blk *b = r->arena;
		r->arena = b->next;
		free(b);
	}
	free(r->zin);
	free(r->buf);
	free(r->name);
	free(r);
}
