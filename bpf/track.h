/* SPDX-License-Identifier: MIT */
/*
 * track.h - tracking ids: one id per packet, the same at every probe and for
 * every clone, never shared by two packets (docs/tracking.md).
 *
 * A packet is known by its data buffer (skb->head: clones share it) plus a
 * fingerprint of bytes that NAT, TTL and checksum updates do not change,
 * read at the position (relative to head) where the network header was
 * when the packet was first seen.  The buffer of a freed packet is soon
 * used again by another one; its bytes then differ, and so does the
 * fingerprint: the new packet gets a new id.  No free path has to be
 * traced, so this works with tracepoints alone.
 *
 * Bytes at the anchor count only while they belong to the current packet:
 * not before its lowest header (a reused buffer holds the old packet's bytes
 * where the new one has not written yet) and not past its linear end.
 *
 * pskb_expand_head() moves a packet to a new buffer but keeps its struct
 * sk_buff (NAT on a clone, room for a tunnel header): a second table keyed by
 * the sk_buff address, holding the fingerprint at the network header, finds
 * the packet again there without any hook.
 *
 * Copies (skb_copy() & co.: new sk_buff, new buffer) are followed by fexit
 * programs where the kernel has them (track_follow_copy).
 *
 * Both caches are direct-mapped arrays indexed by a hash of the key: no
 * locks, no allocation, one inlined lookup.  Entries are written without
 * atomics; a torn entry fails its check word and counts as a miss (a new
 * id: a split, never a wrong join).  A slot taken over by another head also
 * makes the old packet's next event a miss.  Entries not seen for
 * track_age_ns are ignored, which bounds how long two identical packets in
 * one buffer could be taken for one.  A new id is a hash of what
 * identifies the packet, so CPUs racing on one new packet agree on it.
 *
 * Included by skbrec.bpf.c only (needs vmlinux.h and the libbpf headers).
 */
#ifndef SKBREC_TRACK_H
#define SKBREC_TRACK_H

#define TRACK_BITS   17
#define TRACK_SLOTS  (1u << TRACK_BITS)
#define TRACK_FP_MAX 64    /* bytes fingerprinted, at most */
#define TRACK_FP_MIN 8     /* fewer available bytes: no cache, a fresh id */

/* Set by user space before load. */
const volatile __u64 track_age_ns = 1000000000ULL;

struct track_ent {
	__u64 key;      /* skb->head, or the struct sk_buff address */
	__u64 id;
	__u64 fp;       /* fingerprint of fp_len bytes at head + anchor */
	__u64 last;     /* last seen, ns */
	__u16 anchor;   /* head table: offset from head; skb table: unused */
	__u16 fp_len;
	__u32 check;    /* hash of the fields above but last: torn-write guard */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct track_ent);
	__uint(max_entries, TRACK_SLOTS);
} track_head SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct track_ent);
	__uint(max_entries, TRACK_SLOTS);
} track_skb SEC(".maps");

/*
 * With a selection (-i, --netns, --mark, -f; track_marks_on, set before
 * load) a byte per slot says an entry was put there during this recording
 * (never cleared).  track_known() asks it first: 128 KiB the cache keeps,
 * where a new packet's slots in the tables (5 MiB each) miss it, two
 * memory loads for every packet the selection then rejects.  A packet
 * whose slots were never used has no entry to be known by.
 */
const volatile __u32 track_marks_on = 0;
__u8 track_marks[TRACK_SLOTS];

static __always_inline void track_mark(__u32 slot)
{
	slot &= TRACK_SLOTS - 1;
	if (track_marks_on && !track_marks[slot])
		track_marks[slot] = 1;   /* read first: no store to a shared line */
}

static __always_inline __u64 track_mix(__u64 h, __u64 v)
{
	h ^= v;
	h *= 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

static __always_inline __u32 track_slot(__u64 key)
{
	return (__u32)(((key >> 6) * 0x9e3779b97f4a7c15ULL) >> (64 - TRACK_BITS));
}

/* One mix of the fields xored (three chained mixes before: ~10 cycles more
 * a check).  An entry torn between two writes holds an id or a fingerprint
 * of one and the rest of the other: its xor is neither write's, and its
 * 32-bit check passes one time in 2^32, as before. */
static __always_inline __u32 track_check(const struct track_ent *t)
{
	return (__u32)track_mix(t->key ^ t->id ^ t->fp, (__u64)t->anchor << 16 | t->fp_len);
}

static __always_inline void track_put(struct track_ent *t, __u64 key, __u64 id,
				      __u64 fp, __u64 now, __u32 anchor, __u32 fp_len)
{
	t->key = key;
	t->id = id;
	t->fp = fp;
	t->last = now;
	t->anchor = (__u16)anchor;
	t->fp_len = (__u16)fp_len;
	t->check = track_check(t);
}

/* w[i] &= mi: a mask of ~0 costs nothing, one of 0 a store (constants in
 * each caller's branch). */
static __always_inline void track_and(__u64 *w, __u64 m0, __u64 m1, __u64 m2, __u64 m3,
				      __u64 m4, __u64 m5, __u64 m6, __u64 m7)
{
	w[0] &= m0;
	w[1] &= m1;
	w[2] &= m2;
	w[3] &= m3;
	w[4] &= m4;
	w[5] &= m5;
	w[6] &= m6;
	w[7] &= m7;
}

/*
 * Keep the bits of the first 64 bytes at the anchor (w, little-endian
 * words: bytes 8i..8i+7 in w[i]) that identify the packet, zero the rest.
 * Left out: TOS/traffic class, TTL/hop limit, addresses, ports, checksums,
 * the ICMP echo id (NAT rewrites it as a port), TCP options (MSS clamping),
 * ICMP error payloads (NAT rewrites the quoted header).  Kept: lengths,
 * IPv4 id and fragment field, protocol, IPv6 flow label, TCP
 * seq/ack/flags/window, UDP length and 20 payload bytes, ICMP
 * type/code/sequence and payload.  Returns the IP packet's length (bytes
 * past it are not the packet's), or ~0 for non-IP.  The masks are applied
 * in each protocol's branch as constants (an array of masks built on the
 * stack and then applied word by word was 3-4 ns an event more,
 * bench/ab-bpf.sh).
 */
static __always_inline __u32 track_masks(__u64 *w)
{
	const __u8 *b = (const __u8 *)w;
	__u8 ver = b[0] >> 4;

	if (ver == 4) {
		__u8 proto = b[9];
		bool first = !(b[6] & 0x1f) && !b[7];   /* fragment offset 0 */
		__u32 iplen = (__u32)b[2] << 8 | b[3];
		/* all but TOS; protocol */
		const __u64 m0 = 0xffffffffffff00ffULL, m1 = 0x000000000000ff00ULL;

		if ((b[0] & 0xf) != 5)          /* options: the IP fields alone */
			track_and(w, m0, m1, 0, 0, 0, 0, 0, 0);
		else if (!first)                /* a later fragment: payload */
			track_and(w, m0, m1, 0xffffffff00000000ULL, ~0ULL, ~0ULL, 0, 0, 0);
		else if (proto == 6)            /* TCP: seq, ack; flags, window, urg */
			track_and(w, m0, m1, 0, ~0ULL, 0xffff0000ffffffffULL, 0, 0, 0);
		else if (proto == 17)           /* UDP: length, payload */
			track_and(w, m0, m1, 0, 0xffffffff0000ffffULL, ~0ULL, ~0ULL, 0, 0);
		else if (proto == 1 && (b[20] == 0 || b[20] == 8))
			/* ICMP echo: type, code; seq, payload */
			track_and(w, m0, m1, 0x0000ffff00000000ULL, 0xffffffffffff0000ULL,
				  ~0ULL, ~0ULL, 0, 0);
		else if (proto == 1)            /* other ICMP: type, code, 4 bytes */
			track_and(w, m0, m1, 0x0000ffff00000000ULL, 0x00000000ffffffffULL,
				  0, 0, 0, 0);
		else
			track_and(w, m0, m1, 0xffffffff00000000ULL, ~0ULL, ~0ULL, 0, 0, 0);
		return iplen;
	}
	if (ver == 6) {
		__u8 nh = b[6];
		__u32 iplen = 40 + ((__u32)b[4] << 8 | b[5]);
		/* flow label, length, next header */
		const __u64 m0 = 0x00ffffffffff0ff0ULL;

		if (nh == 6)                    /* TCP: seq; ack, flags, window; urg */
			track_and(w, m0, 0, 0, 0, 0, 0xffffffff00000000ULL, ~0ULL,
				  0x00000000ffff0000ULL);
		else if (nh == 17)              /* UDP: length, payload */
			track_and(w, m0, 0, 0, 0, 0, 0x0000ffff00000000ULL, ~0ULL, ~0ULL);
		else if (nh == 58 && (b[40] == 128 || b[40] == 129))
			/* echo: type, code, seq; the rest */
			track_and(w, m0, 0, 0, 0, 0, 0xffff00000000ffffULL, ~0ULL, ~0ULL);
		else if (nh == 58 && b[40] >= 128)   /* not an error: the rest */
			track_and(w, m0, 0, 0, 0, 0, 0xffffffff0000ffffULL, ~0ULL, ~0ULL);
		else if (nh == 58)              /* an error: type, code */
			track_and(w, m0, 0, 0, 0, 0, 0xffffffff0000ffffULL, 0, 0);
		else                            /* extension headers */
			track_and(w, m0, 0, 0, 0, 0, ~0ULL, ~0ULL, 0);
		return iplen;
	}
	/* not IP: the bytes as they are */
	track_and(w, ~0ULL, ~0ULL, ~0ULL, ~0ULL, 0, 0, 0, 0);
	return ~0U;
}

/*
 * Up to TRACK_FP_MAX bytes at one position, masked (track_masks): the
 * fingerprint of any length up to what was read, without reading again.
 * track_id reads the bytes at the network header once an event; the entries
 * under the buffer and the sk_buff, and a new packet's fingerprint, are then
 * all computed from them (a new packet whose buffer and sk_buff were both
 * used before, the common case, read them three times: ~2 helper calls an
 * event less).
 */
struct track_bytes {
	__u64 w[8];     /* little-endian words, & their masks */
	__u32 iplen;    /* the IP packet's length, ~0 for non-IP */
	__u32 pad;
};

/*
 * track_id's two byte buffers (the network header's, another anchor's) live
 * in the event's scratch slot, not on the stack: the verifier does not
 * track values in map memory, so the paths through track_masks (one per
 * protocol, each leaving other known bits in the masked words) meet again
 * once the words are stored instead of each being walked through the rest
 * of the program.  A probe's program on 6.1: 145 000 instructions processed
 * on the stack, 54 000 here (k:ip_* under TCG attached in 105 s, now 44 s);
 * on 6.18: 44 800, 34 600.  Same run time (bench/ab-bpf.sh).
 */
struct track_tmp {
	struct track_bytes net, other;
};

static __always_inline int track_read(struct track_bytes *b, unsigned char *head,
				      const unsigned char *mem, __u32 off, __u32 len)
{
	const __u64 *w = (const __u64 *)(mem + off);

	len = clamp(len, TRACK_FP_MAX);
	if (mem && len == TRACK_FP_MAX) {
		/* the usual packet: all 64 bytes there, a plain copy */
		for (__u32 i = 0; i < 8; i++)
			b->w[i] = w[i];
	} else if (mem) {
		/* mem: the buffer as memory the program loads from (ptr_mem,
		 * 6.17+), no helper call.  The words holding the len bytes,
		 * the bytes past len zeroed, as the helper's read into zeroed
		 * words leaves them; each word stored once. */
		for (__u32 i = 0; i < 8; i++) {
			__u64 v = 0;

			if (8 * i < len) {
				v = w[i];
				if (8 * i + 8 > len)
					v &= (1ULL << (8 * (len - 8 * i))) - 1;
			}
			b->w[i] = v;
		}
	} else {
		for (__u32 i = 0; i < 8; i++)
			b->w[i] = 0;
		if (bpf_probe_read_kernel(b->w, len, head + off))
			return -1;
	}
	b->iplen = track_masks(b->w);
	return 0;
}

/*
 * Fingerprint of the first len (<= what was read) bytes of b, those past
 * the IP packet's own length ignored.  *used: how many counted (store it;
 * the next check of this packet asks for that many).  The masks depend
 * only on bytes below any byte they keep, so bytes read past len change
 * nothing: the same value as reading exactly len bytes.
 */
static __always_inline __u64 track_fp(const struct track_bytes *b, __u32 len, __u32 *used)
{
	__u64 h, v;

	if (b->iplen < len)
		len = b->iplen;
	h = len;
	if (len == TRACK_FP_MAX) {
		/* the usual packet: every word whole */
		for (__u32 i = 0; i < 8; i++)
			h = track_mix(h, b->w[i]);
		*used = len;
		return h;
	}
	for (__u32 i = 0; i < 8; i++) {
		v = b->w[i];
		if (8 * i >= len)
			v = 0;
		else if (8 * i + 8 > len)
			v &= (1ULL << (8 * (len - 8 * i))) - 1;
		h = track_mix(h, v);
	}
	*used = len;
	return h;
}

/* Where the current packet's bytes are, as offsets from head. */
struct track_geo {
	__u32 lo;       /* lowest header: bytes before it are not this packet's */
	__u32 lin_end;  /* end of the linear data */
	__u32 net;      /* the network header, or data when there is none */
};

static __always_inline void track_geo_from(struct track_geo *g, __u32 data_off, __u32 len,
					   __u32 data_len, __u16 mac, __u16 net)
{
	g->lin_end = len >= data_len ? data_off + (len - data_len) : data_off;
	g->lo = data_off;
	if (mac != (__u16)~0U && mac < g->lo)
		g->lo = mac;
	g->net = data_off;
	if (net != 0 && net != (__u16)~0U && net < g->lin_end) {
		g->net = net;
		if (net < g->lo)
			g->lo = net;
	}
}

/* Of an sk_buff in kernel memory, read field by field (the copy followers). */
static __always_inline void track_geo_of(struct sk_buff *skb, struct track_geo *g)
{
	unsigned char *head = BPF_CORE_READ(skb, head);

	track_geo_from(g, BPF_CORE_READ(skb, data) - head, BPF_CORE_READ(skb, len),
		       BPF_CORE_READ(skb, data_len), BPF_CORE_READ(skb, mac_header),
		       BPF_CORE_READ(skb, network_header));
}

/* Does entry t, found under key, still describe the packet whose bytes are
 * at head + anchor?  net: the bytes at the network header, already read
 * (NULL: none), and net_fp their fingerprint of net_used bytes (track_fp):
 * an entry of that length is compared without computing it again (a new
 * packet of the usual size checks both tables' entries and then takes
 * that fingerprint itself: one chain of eight multiplications, not
 * three); other anchors are read here. */
static __always_inline bool track_same(const struct track_ent *t, __u64 key, __u64 now,
				       unsigned char *head, const unsigned char *mem, __u32 anchor,
				       const struct track_geo *g, const struct track_bytes *net,
				       __u64 net_fp, __u32 net_used, struct track_bytes *b)
{
	__u32 used;
	__u64 fp;

	/* signed: another CPU may have stored a time later than ours */
	if (t->key != key || (__s64)(now - t->last) >= (__s64)track_age_ns ||
	    t->check != track_check(t) || anchor < g->lo || anchor + t->fp_len > g->lin_end)
		return false;
	if (anchor != g->net || !net) {
		if (track_read(b, head, mem, anchor, t->fp_len))
			return false;
		net = b;
	} else if (t->fp_len == net_used) {
		/* track_fp(net, fp_len) is net_fp: the same length counted */
		return net_fp == t->fp;
	}
	fp = track_fp(net, t->fp_len, &used);
	return used == t->fp_len && fp == t->fp;
}

/* The ids of the entries under this packet's buffer (ids[0]) and sk_buff
 * (ids[1]), 0 where there is none.  Keys only, no byte read: a packet
 * without either cannot be given a known id (track_id would make a new
 * one), and with one it may still be another packet (buffers and sk_buffs
 * are reused).  skbrec's selection uses it to leave unselected packets
 * untracked. */
static __always_inline void track_known(__u64 skb, unsigned char *head, __u64 ids[2])
{
	__u32 hslot = track_slot((__u64)head), sslot = track_slot(skb);
	struct track_ent *th, *ts;

	ids[0] = ids[1] = 0;
	if (track_marks_on && !track_marks[hslot & (TRACK_SLOTS - 1)] &&
	    !track_marks[sslot & (TRACK_SLOTS - 1)])
		return;
	th = bpf_map_lookup_elem(&track_head, &hslot);
	ts = bpf_map_lookup_elem(&track_skb, &sslot);
	if (th && th->key == (__u64)head)
		ids[0] = th->id;
	if (ts && ts->key == skb)
		ids[1] = ts->id;
}

/*
 * The tracking id of the packet whose struct sk_buff is at skb (ls: it or a
 * copy of it; head and data_off: where its buffer and data are; mem: the
 * buffer to load from in place, NULL: read through the helper): the
 * cached id when a table entry still describes the packet, else a new one;
 * `fresh` (unique, from the caller) when the packet has too few bytes to be
 * recognised again.
 */
static __always_inline __u64 track_id(__u64 skb, struct sk_buff *ls, unsigned char *head,
				      const unsigned char *mem, __u32 data_off, __u64 now,
				      __u64 fresh, struct track_tmp *tmp)
{
	__u32 hslot = track_slot((__u64)head), sslot = track_slot(skb);
	struct track_ent *th = bpf_map_lookup_elem(&track_head, &hslot);
	struct track_ent *ts = bpf_map_lookup_elem(&track_skb, &sslot);
	struct track_bytes *nb = &tmp->net;
	struct track_geo g;
	__u32 used, avail;
	__u64 id, fp;
	bool have;

	if (!th || !ts)
		return fresh;
	track_geo_from(&g, data_off, ls->len, ls->data_len, ls->mac_header, ls->network_header);
	/* The bytes the linear area holds at the network header, read once
	 * for all three checks below. */
	avail = g.lin_end > g.net ? g.lin_end - g.net : 0;
	if (avail > TRACK_FP_MAX)
		avail = TRACK_FP_MAX;
	have = avail >= TRACK_FP_MIN && g.net <= 0xffff && !track_read(nb, head, mem, g.net, avail);
	/* their fingerprint, what a new packet's entries will hold */
	used = 0;
	fp = have ? track_fp(nb, avail, &used) : 0;
	if (track_same(th, (__u64)head, now, head, mem, th->anchor, &g, have ? nb : NULL,
		       fp, used, &tmp->other)) {
		/* the packet's own buffer: keep the skb table current too */
		th->last = now;
		if (th->anchor == g.net) {
			track_put(ts, skb, th->id, th->fp, now, 0, th->fp_len);
			track_mark(sslot);
		}
		return th->id;
	}
	if (have && track_same(ts, skb, now, head, mem, g.net, &g, nb, fp, used, &tmp->other)) {
		/* same sk_buff, same bytes, another buffer: moved by
		 * pskb_expand_head() */
		id = ts->id;
		ts->last = now;
		track_put(th, (__u64)head, id, ts->fp, now, g.net, ts->fp_len);
		track_mark(hslot);
		return id;
	}
	/* A new packet: its fingerprint at the network header (fp). */
	if (!have || used < TRACK_FP_MIN)
		return fresh;
	/* The new id is made of what identifies the packet here, so two CPUs
	 * that see it at once (a tap's clone consumed on one while the
	 * original reaches its first probe on another) make the same id
	 * without talking to each other: no atomics (5.10 has no cmpxchg).
	 * The time in ~1 ms steps keeps a later packet with the same bytes in
	 * the same buffer apart.  One mix: fp is already a hash of the bytes,
	 * and the buffer plus the time step times an odd constant differ for
	 * two packets with the same bytes (buffers are < 2^47 apart, a step's
	 * multiple is not). */
	id = track_mix(fp ^ used, (__u64)head + (now >> 20) * 0x9e3779b97f4a7c15ULL);
	if (!id)
		id = 1;
	track_put(th, (__u64)head, id, fp, now, g.net, used);
	track_put(ts, skb, id, fp, now, 0, used);
	track_mark(hslot);
	track_mark(sslot);
	return id;
}

/*
 * n was just made as a copy of o (skb_copy(), pskb_copy(), skb_copy_expand():
 * a new sk_buff and a new buffer).  If o's packet has an id and n holds the
 * same bytes at its network header, n's packet gets that id.  Runs from
 * fexit programs, where the kernel has them.
 */
static __always_inline void track_follow_copy(struct sk_buff *o, struct sk_buff *n, __u64 now)
{
	__u32 oslot = track_slot((__u64)o), nslot = track_slot((__u64)n), hslot;
	struct track_ent *to = bpf_map_lookup_elem(&track_skb, &oslot);
	struct track_ent *tn = bpf_map_lookup_elem(&track_skb, &nslot), *th;
	unsigned char *head = BPF_CORE_READ(n, head);
	struct track_bytes b;
	struct track_geo g;
	__u64 id;

	if (!to || !tn || !n)
		return;
	track_geo_of(n, &g);
	if (!track_same(to, (__u64)o, now, head, NULL, g.net, &g, NULL, 0, 0, &b))
		return;
	id = to->id;
	hslot = track_slot((__u64)head);
	th = bpf_map_lookup_elem(&track_head, &hslot);
	if (!th)
		return;
	track_put(th, (__u64)head, id, to->fp, now, g.net, to->fp_len);
	track_put(tn, (__u64)n, id, to->fp, now, 0, to->fp_len);
	track_mark(hslot);
	track_mark(nslot);
}

#endif
