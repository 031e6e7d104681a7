/* SPDX-License-Identifier: MIT */
/*
 * fields-table - print the optional EVENT fields as the C table declares
 * them (lib/skbfields.c), one line per bit, as docs/format.md's table has
 * them:
 *
 *   BIT NAME SIZE          e.g. "0 ORIG_LEN 4", "15 EXT 2 + n"
 *
 * and check that the table holds together: every bit named once, each
 * field's parts (members, pads, ids) tile its bytes exactly, widths 1, 2 or
 * 4, members inside struct skb_event, a constant-default field has a value
 * that decides it.  Exit 1 with messages on stderr when it does not
 * (t0100-format.sh compares the output with docs/format.md).
 */
#include "skbfields.h"

#include <stdio.h>
#include <string.h>

static int bad;

#define CHECK(c, ...) do { if (!(c)) { bad = 1; fprintf(stderr, "fields-table: " __VA_ARGS__); \
	fputc('\n', stderr); } } while (0)

static void check_field(unsigned b)
{
	const struct skb_field_desc *d = &skb_fields[b];
	uint8_t covered[256] = { 0 };
	bool ended = false, decides = false;

	for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++) {
		const struct skb_field_part *pt = &d->part[k];

		if (pt->kind == SKB_PART_NONE) {
			ended = true;
			continue;
		}
		CHECK(!ended, "%s: part %u after the end of the list", d->name, k);
		CHECK(pt->width == 1 || pt->width == 2 || pt->width == 4,
		      "%s: part %u is %u bytes wide", d->name, k, pt->width);
		CHECK(pt->pos + pt->width <= d->size, "%s: part %u ends past the field's %u bytes",
		      d->name, k, d->size);
		for (unsigned i = pt->pos; i < pt->pos + pt->width && i < sizeof(covered); i++) {
			CHECK(!covered[i], "%s: byte %u is in two parts", d->name, i);
			covered[i] = 1;
		}
		if (pt->kind == SKB_PART_VALUE || pt->kind == SKB_PART_ALONG)
			CHECK(pt->off + pt->width <= sizeof(struct skb_event),
			      "%s: part %u is outside struct skb_event", d->name, k);
		else
			CHECK(pt->def == 0, "%s: part %u is no member but has a default", d->name, k);
		if (pt->width < 4)
			CHECK(pt->def < 1u << (8 * pt->width), "%s: part %u: default too wide",
			      d->name, k);
		decides |= pt->kind == SKB_PART_VALUE;
	}
	for (unsigned i = 0; i < d->size; i++)
		CHECK(covered[i], "%s: byte %u is in no part (a pad must be declared)", d->name, i);
	CHECK(d->dynamic || decides, "%s: a constant-default field needs a value part", d->name);
}

int main(void)
{
	for (unsigned b = 0; b < SKB_FIELDS; b++) {
		const struct skb_field_desc *d = &skb_fields[b];
		bool ext = false;

		CHECK(d->name && *d->name, "bit %u has no field", b);
		if (!d->name)
			continue;
		for (unsigned c = 0; c < b; c++)
			CHECK(!skb_fields[c].name || strcmp(skb_fields[c].name, d->name),
			      "%s is bits %u and %u", d->name, c, b);
		check_field(b);
		for (unsigned k = 0; k < SKB_FIELD_MEMBERS; k++)
			ext |= d->part[k].kind == SKB_PART_EXT_LEN;
		printf("%u %s %u%s\n", b, d->name, d->size, ext ? " + n" : "");
	}
	return bad;
}
