/* SPDX-License-Identifier: MIT */
/*
 * window.c - the bounded buffer behind --follow on a pipe (see window.h).
 * Dictionary entries (probe, interface, context...) stay valid until the
 * reader is closed, so only the event struct and its bytes are copied.
 */
#include "window.h"

#include <stdlib.h>
#include <string.h>

void window_init(struct window *w, size_t limit)
{
	*w = (struct window){ .limit = limit };
}

static struct wentry *slot(const struct window *w, size_t i)
{
	return &w->e[(w->head + i) % w->cap];
}

/* A free slot at the tail, growing the ring when needed. */
static struct wentry *tail(struct window *w)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct wentry *e = malloc(cap * sizeof(*e));
		if (!e)
			return NULL;
		for (size_t i = 0; i < w->n; i++)
			e[i] = *slot(w, i);
		free(w->e);
		w->e = e;
		w->cap = cap;
		w->head = 0;
	}
	struct wentry *t = slot(w, w->n);
	memset(t, 0, sizeof(*t));
	return t;
}

int window_push_event(struct window *w, const struct skb_event *ev, bool matched)
{
	struct wentry *t = tail(w);
	uint8_t *data = malloc(ev->caplen ? ev->caplen : 1);
	if (!t || !data) {
		free(data);
		return -1;
	}
	if (ev->caplen)
		memcpy(data, ev->data, ev->caplen);
	t->ev = *ev;
	t->ev.data = data;
	t->matched = matched;
	w->n++;
	w->bytes += sizeof(*t) + ev->caplen;
	return 0;
}

int window_push_lost(struct window *w, const struct skb_lost *lost)
{
	struct wentry *t = tail(w);
	if (!t)
		return -1;
	t->is_lost = true;
	t->lost = *lost;
	w->n++;
	w->bytes += sizeof(*t);
	return 0;
}

bool window_full(const struct window *w)
{
	return w->n && w->bytes > w->limit;
}

const struct wentry *window_oldest(const struct window *w)
{
	return w->n ? slot(w, 0) : NULL;
}

void window_drop(struct window *w)
{
	if (!w->n)
		return;
	struct wentry *o = slot(w, 0);
	w->bytes -= sizeof(*o) + (o->is_lost ? 0 : o->ev.caplen);
	free((void *)o->ev.data);
	w->head = (w->head + 1) % w->cap;
	w->n--;
}

void window_free(struct window *w)
{
	while (w->n)
		window_drop(w);
	free(w->e);
	*w = (struct window){ 0 };
}
