/* SPDX-License-Identifier: MIT */
/*
 * skbfields.h - the optional fields of an EVENT record, declared once.
 *
 * skb_fields[] (skbfields.c) has one row per bit of the field mask: the
 * field's name, its size on disk and what it carries, each struct skb_event
 * member with its width, its position inside the field and the value it has
 * when the field is absent.  The writer and the reader go only through the
 * functions below, which follow the table; the table in docs/format.md is
 * compared with it (tests/t0100-format.sh, tests/unit/fields-table.c).
 *
 * A field whose default is a constant (0, or users = 1) is one row: the
 * functions need nothing else.  Fields whose default depends on the rest of
 * the event are marked dynamic and handled by name next to the table:
 * skb_fields_choose() for the writer, skb_fields_defaults() for the reader.
 */
#ifndef SKB_FIELDS_H
#define SKB_FIELDS_H

#include "skb.h"

#define SKB_FIELDS        16    /* bits of the field mask */
#define SKB_FIELD_MEMBERS 4     /* most parts in one field */

/* What one part of a field holds. */
enum skb_part_kind {
	SKB_PART_NONE = 0,      /* unused slot: the list ends */
	SKB_PART_VALUE,         /* a member; the field is stored when it is not .def */
	SKB_PART_ALONG,         /* a member stored with the others, whose value alone
				 * does not make the field present (VLAN's TCI: no
				 * offloaded tag without a TPID); absent: 0 */
	SKB_PART_PAD,           /* zero bytes, ignored when read */
	SKB_PART_STACK_ID,      /* the id of the event's STACK record (not a member) */
	SKB_PART_EXT_LEN,       /* u16 n: n more bytes follow the field, skipped */
};

struct skb_field_part {
	uint8_t kind;           /* enum skb_part_kind */
	uint8_t width;          /* bytes, on disk and in the struct: 1, 2 or 4 */
	uint8_t pos;            /* byte position inside the field */
	uint16_t off;           /* offsetof(struct skb_event, member) */
	uint32_t def;           /* its value when the field is absent (constant fields) */
};

struct skb_field_desc {
	const char *name;       /* as in docs/format.md: "ORIG_LEN" */
	uint8_t size;           /* bytes on disk (EXT: before its n bytes) */
	bool dynamic;           /* default depends on the event: see skbfields.c */
	struct skb_field_part part[SKB_FIELD_MEMBERS];
};

extern const struct skb_field_desc skb_fields[SKB_FIELDS];

/*
 * Writer.  skb_fields_choose() returns the mask of fields to store for ev:
 * those that differ from their default.  *flags comes in as the event's
 * flags without the encoding flags; SKB_EV_DATA_L3 and SKB_EV_RX_DEV are
 * added when they let SKB_LEN and RX_IF be left out.  stack_id is the id of
 * the event's STACK record, 0 for none.
 */
uint32_t skb_fields_choose(const struct skb_event *ev, uint32_t stack_id, uint8_t *flags);
/* Bytes the fields of mask f take (without EXT, which a writer never sets). */
size_t skb_fields_size(uint32_t f);
/* Store the fields of mask f at q, in bit order; returns the byte after them. */
uint8_t *skb_fields_put(uint8_t *q, uint32_t f, const struct skb_event *ev, uint32_t stack_id);

/*
 * Reader.  skb_fields_get() reads the fields of mask f from q (not past
 * lim) into *ev, which starts zeroed, and the STACK id into *stack_id;
 * returns the byte after them (where the packet bytes start), NULL when they
 * run past lim.  Then, with ev's flags, l3_off, iface, caplen and data set,
 * skb_fields_defaults() gives every absent field its default and checks what
 * that involves: 0, or one of the errors below.
 */
const uint8_t *skb_fields_get(const uint8_t *q, const uint8_t *lim, uint32_t f,
			      struct skb_event *ev, uint32_t *stack_id);

enum {
	SKB_FIELDS_ORIG_SHORT = 1,      /* original length below the captured length */
	SKB_FIELDS_L3_PAST,             /* DATA_L3 with an L3 offset past the packet */
};
int skb_fields_defaults(struct skb_event *ev, uint32_t f);

#endif
