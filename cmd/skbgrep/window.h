/* SPDX-License-Identifier: MIT */
/*
 * window.h - --follow on a pipe: the most recent records are held back in a
 * bounded buffer, so an event still in the buffer is kept when a later event
 * of the same packet (tracking id) matches.  Older events have already been
 * decided.
 */
#ifndef SKBGREP_WINDOW_H
#define SKBGREP_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "skb.h"

struct wentry {
	bool is_lost;
	bool matched;           /* the event itself passed the selectors */
	struct skb_event ev;    /* ev.data points to an owned copy */
	struct skb_lost lost;
};

struct window {
	struct wentry *e;       /* ring of cap entries */
	size_t cap, head, n;
	size_t bytes, limit;    /* held bytes (entries + packet copies), bound */
};

void window_init(struct window *w, size_t limit);
/* Hold a copy; 0 or -1 out of memory. */
int window_push_event(struct window *w, const struct skb_event *ev, bool matched);
int window_push_lost(struct window *w, const struct skb_lost *lost);
/* Whether the oldest entry must leave (over the bound). */
bool window_full(const struct window *w);
/* The oldest entry (valid until window_drop), NULL when empty. */
const struct wentry *window_oldest(const struct window *w);
void window_drop(struct window *w);
void window_free(struct window *w);

#endif
