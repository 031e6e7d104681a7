/* SPDX-License-Identifier: MIT */
/*
 * skbcat.h - what the parts of skbcat share: options, the time formats and
 * the renderers that turn one record into text or JSON.
 */
#ifndef SKBCAT_H
#define SKBCAT_H

#include <stdbool.h>
#include <stdint.h>

#include "skb.h"
#include "strbuf.h"

enum time_fmt { TF_MONO, TF_WALL, TF_UTC, TF_REL, TF_DELTA };

struct cat_opts {
	enum time_fmt time;
	bool show_eth;      /* -e */
	bool verbose;       /* -v: skb metadata lines */
	bool hex;           /* -x: hex + ASCII dump */
	bool json;          /* -j: JSON Lines */
	bool flows;         /* --flows */
	uint32_t flows_window;
};

/* Time of a record: monotonic ns, and wall-clock ns when the file knows it. */
struct rec_time {
	uint64_t mono;
	int64_t wall;           /* ns since the epoch, valid if has_wall */
	bool has_wall;
};

/* State the relative time formats need between records. */
struct time_state {
	bool started;
	int64_t first, prev;    /* in the clock used for ordering */
	int64_t cached_sec;     /* wall formatting cache: second -> "YYYY-..." */
	bool cached_utc;
	char cached[40];
	int cached_len;
};

/* timefmt.c */
int64_t rec_time_key(const struct rec_time *t);
void time_print(struct strbuf *sb, enum time_fmt f, const struct rec_time *t,
		struct time_state *st);
/* ISO 8601 UTC with nanoseconds, "2026-11-27T13:05:42.123456789Z". */
void time_print_utc(struct strbuf *sb, int64_t wall_ns, struct time_state *st);
/* A duration in ns as "12.345us" / "3.210ms" / "1.500000s". */
void time_print_duration(struct strbuf *sb, int64_t ns);

/* render_text.c: where the decoders start (bytes, length, options). */
struct decode_opts;
uint32_t event_decode_opts(const struct skb_event *ev, const struct cat_opts *o,
			   struct decode_opts *dopt, const uint8_t **data);
/* render_text.c: the event's lines (header, packet, -v, stack, -x). */
void render_event_text(struct strbuf *sb, const struct cat_opts *o,
		       const struct skb_event *ev, const struct rec_time *t,
		       struct time_state *st, const char *indent);
void render_lost_text(struct strbuf *sb, const struct skb_lost *l, const char *indent);

/* render_json.c: one JSON object and a newline. */
void render_event_json(struct strbuf *sb, const struct cat_opts *o,
		       const struct skb_event *ev, const struct rec_time *t,
		       const char *file);
void render_lost_json(struct strbuf *sb, const struct skb_lost *l,
		      const struct rec_time *t, const char *file);

/* flows.c: --flows regrouping with a bounded window. */
struct flows;
struct flows *flows_new(uint32_t window);
/* Take a rendered record (text without the flow indentation). */
void flows_add(struct flows *f, struct strbuf *out, uint64_t track,
	       int64_t key, const char *text, size_t len);
/* Print everything still buffered. */
void flows_finish(struct flows *f, struct strbuf *out);
void flows_free(struct flows *f);

#endif
