/* SPDX-License-Identifier: MIT */
/*
 * skbfields.c - the optional EVENT fields: their table, and the writer's
 * and the reader's code that follows it (see skbfields.h).
 */
#include "skbfields.h"
#include "format.h"
#include "le.h"

#include <string.h>

/* A part that is a struct skb_event member, its width taken from the struct. */
#define MEMBER(k, m, p, d) { .kind = (k), .pos = (p), .def = (d), \
	.width = sizeof(((struct skb_event *)0)->m), .off = offsetof(struct skb_event, m) }
#define V(m, p)         MEMBER(SKB_PART_VALUE, m, p, 0)      /* default 0 */
#define VD(m, p, d)     MEMBER(SKB_PART_VALUE, m, p, d)      /* default d */
#define ALONG(m, p)     MEMBER(SKB_PART_ALONG, m, p, 0)
#define PAD(p, w)       { .kind = SKB_PART_PAD, .pos = (p), .width = (w) }
#define STACK_ID(p)     { .kind = SKB_PART_STACK_ID, .pos = (p), .width = 4 }
#define EXT_LEN(p)      { .kind = SKB_PART_EXT_LEN, .pos = (p), .width = 2 }

/* One field: its bit and name from enum skb_field, its size, its parts.
 * FIELD: every member has a constant default (0 unless VD says otherwise).
 * DYNAMIC: the default, in the comment, is worked out by name below. */
#define ROW(NAME, dyn, sz, ...) [__builtin_ctz(SKB_F_##NAME)] = \
	{ .name = #NAME, .size = (sz), .dynamic = (dyn), .part = { __VA_ARGS__ } }
#define FIELD(NAME, sz, ...)    ROW(NAME, false, sz, __VA_ARGS__)
#define DYNAMIC(NAME, sz, ...)  ROW(NAME, true, sz, __VA_ARGS__)

const struct skb_field_desc skb_fields[SKB_FIELDS] = {
	/*      name    size  parts: member, position in the field[, default] */
	DYNAMIC(ORIG_LEN, 4,  V(orig_len, 0)),                  /* caplen */
	DYNAMIC(SKB_LEN,  8,  V(len, 0), V(data_len, 4)),       /* orig_len [- l3_off], 0 */
	DYNAMIC(PROTOCOL, 2,  V(protocol, 0)),                  /* from the bytes */
	FIELD(MARK,       4,  V(mark, 0)),
	FIELD(HASH,       4,  V(hash, 0)),
	FIELD(PRIORITY,   4,  V(priority, 0)),
	FIELD(QUEUE,      2,  V(queue_mapping, 0)),
	FIELD(VLAN,       4,  ALONG(vlan_tci, 0), V(vlan_proto, 2)),
	FIELD(CSUM,       2,  V(ip_summed, 0), V(csum_level, 1)),
	FIELD(GSO,        8,  V(gso_size, 0), V(gso_segs, 2), V(gso_type, 4)),
	FIELD(CLONE,      8,  V(cloned, 0), V(fclone, 1), PAD(2, 2), VD(users, 4, 1)),
	DYNAMIC(DROP,     4,  V(drop_reason, 0)),               /* present iff flag DROP */
	DYNAMIC(RX_IF,    4,  V(rx_ifindex, 0)),                /* RX_DEV ? iface's : 0 */
	DYNAMIC(STACK,    4,  STACK_ID(0)),                     /* no stack */
	DYNAMIC(NETNS,    4,  V(netns, 0)),                     /* iface's, else 0 */
	DYNAMIC(EXT,      2,  EXT_LEN(0)),                      /* never written; skipped */
};

/* ---- a member by its table entry, in host order ---- */

static inline uint32_t member_get(const struct skb_event *ev, const struct skb_field_part *pt)
{
	const uint8_t *p = (const uint8_t *)ev + pt->off;
	uint16_t v16;
	uint32_t v32;

	switch (pt->width) {
	case 1:
		return *p;
	case 2:
		memcpy(&v16, p, 2);
		return v16;
	default:
		memcpy(&v32, p, 4);
		return v32;
	}
}

static inline void member_set(struct skb_event *ev, const struct skb_field_part *pt, uint32_t v)
{
	uint8_t *p = (uint8_t *)ev + pt->off;
	uint16_t v16 = (uint16_t)v;

	switch (pt->width) {
	case 1:
		*p = (uint8_t)v;
		break;
	case 2:
		memcpy(p, &v16, 2);
		break;
	default:
		memcpy(p, &v, 4);
	}
}

/* ---- dynamic defaults, by name (docs/format.md states each) ---- */

/* PROTOCOL: the Ethernet type of L2 bytes, the IP version of L3 bytes. */
static uint16_t default_protocol(uint8_t flags, const uint8_t *d, uint32_t caplen)
{
	if ((flags & SKB_EV_L2) && caplen >= 14)
		return (uint16_t)(d[12] << 8 | d[13]);
	if ((flags & SKB_EV_L3) && caplen >= 1) {
		if (d[0] >> 4 == 4)
			return 0x0800;
		if (d[0] >> 4 == 6)
			return 0x86dd;
	}
	return 0;
}

uint32_t skb_fields_choose(const struct skb_event *ev, uint32_t stack_id, uint8_t *flags)
{
	uint32_t f = 0;

	/* Constant defaults, from the table.  Unrolled, the table folds into
	 * one compare per member, as if the checks were written out. */
#pragma GCC unroll 16
	for (unsigned b = 0; b < SKB_FIELDS; b++) {
#pragma GCC unroll 4
		for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++) {
			const struct skb_field_part *pt = &skb_fields[b].part[k];

			if (!skb_fields[b].dynamic && pt->kind == SKB_PART_VALUE &&
			    member_get(ev, pt) != pt->def)
				f |= 1u << b;
		}
	}

	/* ORIG_LEN: the captured length */
	if (ev->orig_len != ev->caplen)
		f |= SKB_F_ORIG_LEN;
	/* SKB_LEN: orig_len and 0, or orig_len - L3 offset with DATA_L3 */
	if (ev->len == ev->orig_len && !ev->data_len)
		;
	else if (ev->l3_off < SKB_OFF_UNKNOWN && ev->orig_len >= ev->l3_off &&
		 ev->len == ev->orig_len - ev->l3_off && !ev->data_len)
		*flags |= SKB_EV_DATA_L3;       /* receive path: skb->data at L3 */
	else
		f |= SKB_F_SKB_LEN;
	/* PROTOCOL: what the bytes say */
	if (ev->protocol != default_protocol(ev->flags, ev->data, ev->caplen))
		f |= SKB_F_PROTOCOL;
	/* DROP: present exactly when flag DROP is */
	if (ev->flags & SKB_EV_DROP)
		f |= SKB_F_DROP;
	/* RX_IF: 0, or the interface's ifindex with RX_DEV */
	if (ev->rx_ifindex && ev->iface && ev->rx_ifindex == ev->iface->ifindex)
		*flags |= SKB_EV_RX_DEV;
	else if (ev->rx_ifindex)
		f |= SKB_F_RX_IF;
	/* STACK: none */
	if (stack_id)
		f |= SKB_F_STACK;
	/* NETNS: the interface's, else 0 */
	if (ev->netns != (ev->iface ? ev->iface->netns : 0))
		f |= SKB_F_NETNS;
	return f;
}

int skb_fields_defaults(struct skb_event *ev, uint32_t f)
{
	/* Constant defaults other than 0 (ev starts zeroed), from the table. */
#pragma GCC unroll 16
	for (unsigned b = 0; b < SKB_FIELDS; b++) {
#pragma GCC unroll 4
		for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++) {
			const struct skb_field_part *pt = &skb_fields[b].part[k];

			if (!skb_fields[b].dynamic && !(f & 1u << b) &&
			    pt->kind == SKB_PART_VALUE && pt->def)
				member_set(ev, pt, pt->def);
		}
	}

	/* A present field whose values all equal their defaults says no more
	 * than an absent one: the members stored along read as absent too
	 * (VLAN's TCI without a TPID is no tag), as a writer would leave them. */
#pragma GCC unroll 16
	for (unsigned b = 0; b < SKB_FIELDS; b++) {
		bool along = false, set = false;

		if (skb_fields[b].dynamic || !(f & 1u << b))
			continue;
#pragma GCC unroll 4
		for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++) {
			const struct skb_field_part *pt = &skb_fields[b].part[k];

			along |= pt->kind == SKB_PART_ALONG;
			set |= pt->kind == SKB_PART_VALUE && member_get(ev, pt) != pt->def;
		}
		if (!along || set)
			continue;
#pragma GCC unroll 4
		for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++)
			if (skb_fields[b].part[k].kind == SKB_PART_ALONG)
				member_set(ev, &skb_fields[b].part[k], 0);
	}
	/* DROP: a reason counts only with flag DROP */
	if (!(ev->flags & SKB_EV_DROP))
		ev->drop_reason = 0;

	if (!(f & SKB_F_ORIG_LEN))
		ev->orig_len = ev->caplen;
	else if (ev->orig_len < ev->caplen)
		return SKB_FIELDS_ORIG_SHORT;
	if (!(f & SKB_F_SKB_LEN)) {
		ev->len = ev->orig_len;
		if (ev->flags & SKB_EV_DATA_L3 && ev->l3_off != 0xffff) {
			if (ev->l3_off > ev->orig_len)
				return SKB_FIELDS_L3_PAST;
			ev->len = ev->orig_len - ev->l3_off;
		}
	}
	if (!(f & SKB_F_PROTOCOL))
		ev->protocol = default_protocol(ev->flags, ev->data, ev->caplen);
	if (!(f & SKB_F_RX_IF) && ev->flags & SKB_EV_RX_DEV && ev->iface)
		ev->rx_ifindex = ev->iface->ifindex;
	if (!(f & SKB_F_NETNS))
		ev->netns = ev->iface ? ev->iface->netns : 0;
	return 0;
}

/* ---- present fields, in bit order ----
 * The loops over the table are unrolled (as in skb_fields_choose()): each
 * field becomes a test of its bit and a few loads and stores of fixed width
 * at fixed offsets, the code one would write by hand for it. */

size_t skb_fields_size(uint32_t f)
{
	size_t n = 0;

	for (; f; f &= f - 1)
		n += skb_fields[__builtin_ctz(f)].size;
	return n;
}

uint8_t *skb_fields_put(uint8_t *q, uint32_t f, const struct skb_event *ev, uint32_t stack_id)
{
#pragma GCC unroll 16
	for (unsigned b = 0; b < SKB_FIELDS; b++) {
		if (!(f & 1u << b))
			continue;
#pragma GCC unroll 4
		for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++) {
			const struct skb_field_part *pt = &skb_fields[b].part[k];
			uint32_t v = 0;

			if (pt->kind == SKB_PART_NONE || pt->kind == SKB_PART_EXT_LEN)
				continue;       /* a writer has no EXT bytes */
			if (pt->kind == SKB_PART_VALUE || pt->kind == SKB_PART_ALONG)
				v = member_get(ev, pt);
			else if (pt->kind == SKB_PART_STACK_ID)
				v = stack_id;
			le_put(q + pt->pos, v, pt->width);
		}
		q += skb_fields[b].size;
	}
	return q;
}

const uint8_t *skb_fields_get(const uint8_t *q, const uint8_t *lim, uint32_t f,
			      struct skb_event *ev, uint32_t *stack_id)
{
#pragma GCC unroll 16
	for (unsigned b = 0; b < SKB_FIELDS; b++) {
		size_t more = 0;

		if (!(f & 1u << b))
			continue;
		if ((size_t)(lim - q) < skb_fields[b].size)
			return NULL;
#pragma GCC unroll 4
		for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++) {
			const struct skb_field_part *pt = &skb_fields[b].part[k];

			if (pt->kind == SKB_PART_NONE || pt->kind == SKB_PART_PAD)
				continue;
			uint32_t v = le_get(q + pt->pos, pt->width);
			if (pt->kind == SKB_PART_VALUE || pt->kind == SKB_PART_ALONG)
				member_set(ev, pt, v);
			else if (pt->kind == SKB_PART_STACK_ID)
				*stack_id = v;
			else
				more = v;       /* SKB_PART_EXT_LEN */
		}
		q += skb_fields[b].size;
		if ((size_t)(lim - q) < more)
			return NULL;
		q += more;
	}
	return q;
}
