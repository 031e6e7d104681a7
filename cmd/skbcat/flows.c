/* SPDX-License-Identifier: MIT */
/*
 * flows.c - --flows: regroup the stream by tracking id, like `retis sort`,
 * but streaming in bounded memory.
 *
 * Rendered records wait in a window of N slots, in input (time) order.
 * When the window is full, the flow of the oldest waiting record is printed
 * as one group: every waiting record with its tracking id, sorted by time,
 * each hop after the first prefixed with the time since the previous hop.
 * So a packet's journey is complete as long as it spans fewer than N
 * records of the stream; a longer one is printed in several groups with the
 * same #track.  Records without a tracking id (0) and lost-event markers are
 * groups of their own.  Memory: N slots whose text buffers are reused.
 */
#include "skbcat.h"

#include <stdio.h>
#include <stdlib.h>

#define NIL UINT32_MAX

struct slot {
	uint64_t track;
	int64_t key;
	char *text;
	size_t len, cap;
	uint32_t next;      /* next slot of the same flow, in arrival order */
	uint32_t flow;      /* flow entry, NIL for a group of its own */
	bool done;
};

struct flow {
	uint64_t track;
	uint32_t head, tail, count;
	uint32_t hnext;     /* hash chain / free list */
};

struct flows {
	uint32_t n;                 /* window size */
	uint32_t first, used;       /* ring of slots */
	struct slot *slot;
	struct flow *flow;
	uint32_t free_flow;
	uint32_t *bucket;
	uint32_t nbucket;           /* power of two */
	uint32_t *order;            /* scratch for sorting one flow */
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p) {
		fputs("skbcat: out of memory\n", stderr);
		exit(2);
	}
	return p;
}

struct flows *flows_new(uint32_t window)
{
	struct flows *f = xcalloc(1, sizeof(*f));
	f->n = window;
	f->slot = xcalloc(window, sizeof(*f->slot));
	f->flow = xcalloc(window, sizeof(*f->flow));
	f->order = xcalloc(window, sizeof(*f->order));
	for (uint32_t i = 0; i < window; i++)
		f->flow[i].hnext = i + 1 < window ? i + 1 : NIL;
	f->free_flow = 0;
	f->nbucket = 1;
	while (f->nbucket < 2 * window)
		f->nbucket <<= 1;
	f->bucket = xcalloc(f->nbucket, sizeof(*f->bucket));
	for (uint32_t i = 0; i < f->nbucket; i++)
		f->bucket[i] = NIL;
	return f;
}

static uint32_t hash_track(const struct flows *f, uint64_t t)
{
	t ^= t >> 33;
	t *= 0xff51afd7ed558ccdull;
	t ^= t >> 33;
	return (uint32_t)t & (f->nbucket - 1);
}

static uint32_t flow_find(struct flows *f, uint64_t track)
{
	for (uint32_t i = f->bucket[hash_track(f, track)]; i != NIL; i = f->flow[i].hnext)
		if (f->flow[i].track == track)
			return i;
	return NIL;
}

static void flow_remove(struct flows *f, uint32_t id)
{
	uint32_t *pp = &f->bucket[hash_track(f, f->flow[id].track)];
	while (*pp != id)
		pp = &f->flow[*pp].hnext;
	*pp = f->flow[id].hnext;
	f->flow[id].hnext = f->free_flow;
	f->free_flow = id;
}

static void print_slot(struct strbuf *out, const struct slot *s, int64_t prev_key, bool hop)
{
	/* The text was rendered with a two-space indent: the delta goes after it. */
	if (hop && s->len >= 2) {
		sb_mem(out, s->text, 2);
		sb_putc(out, '+');
		time_print_duration(out, s->key - prev_key);
		sb_putc(out, ' ');
		sb_mem(out, s->text + 2, s->len - 2);
	} else {
		sb_mem(out, s->text, s->len);
	}
}

/* Print the group of the oldest waiting record and free its slots. */
static void emit_oldest(struct flows *f, struct strbuf *out)
{
	while (f->used && f->slot[f->first].done) {
		f->first = (f->first + 1) % f->n;
		f->used--;
	}
	if (!f->used)
		return;
	struct slot *s = &f->slot[f->first];
	if (s->flow == NIL) {
		print_slot(out, s, 0, false);
		s->done = true;
	} else {
		struct flow *fl = &f->flow[s->flow];
		uint32_t k = 0;
		for (uint32_t i = fl->head; i != NIL; i = f->slot[i].next)
			f->order[k++] = i;
		/* insertion sort by time, stable: journeys are short and nearly sorted */
		for (uint32_t i = 1; i < k; i++) {
			uint32_t v = f->order[i], j = i;
			while (j > 0 && f->slot[f->order[j - 1]].key > f->slot[v].key) {
				f->order[j] = f->order[j - 1];
				j--;
			}
			f->order[j] = v;
		}
		int64_t span = f->slot[f->order[k - 1]].key - f->slot[f->order[0]].key;
		sb_putc(out, '#');
		sb_hexw(out, fl->track, 1);
		sb_putc(out, ' ');
		sb_u64(out, k);
		sb_puts(out, k == 1 ? " event" : " events");
		if (k > 1) {
			sb_puts(out, " in ");
			time_print_duration(out, span);
		}
		sb_putc(out, '\n');
		for (uint32_t i = 0; i < k; i++) {
			struct slot *h = &f->slot[f->order[i]];
			print_slot(out, h, i ? f->slot[f->order[i - 1]].key : 0, i > 0);
			h->done = true;
		}
		flow_remove(f, s->flow);
	}
	while (f->used && f->slot[f->first].done) {
		f->first = (f->first + 1) % f->n;
		f->used--;
	}
}

void flows_add(struct flows *f, struct strbuf *out, uint64_t track,
	       int64_t key, const char *text, size_t len)
{
	if (f->used == f->n)
		emit_oldest(f, out);
	uint32_t idx = (f->first + f->used) % f->n;
	struct slot *s = &f->slot[idx];
	f->used++;
	if (s->cap < len) {
		size_t cap = len < 256 ? 256 : len;
		char *p = realloc(s->text, cap);
		if (!p) {
			fputs("skbcat: out of memory\n", stderr);
			exit(2);
		}
		s->text = p;
		s->cap = cap;
	}
	memcpy(s->text, text, len);
	s->len = len;
	s->track = track;
	s->key = key;
	s->next = NIL;
	s->done = false;
	s->flow = NIL;
	if (!track)
		return;
	uint32_t id = flow_find(f, track);
	if (id == NIL) {
		id = f->free_flow;      /* never empty: flows <= waiting slots */
		f->free_flow = f->flow[id].hnext;
		struct flow *fl = &f->flow[id];
		fl->track = track;
		fl->head = fl->tail = idx;
		fl->count = 1;
		uint32_t b = hash_track(f, track);
		fl->hnext = f->bucket[b];
		f->bucket[b] = id;
	} else {
		struct flow *fl = &f->flow[id];
		f->slot[fl->tail].next = idx;
		fl->tail = idx;
		fl->count++;
	}
	s->flow = id;
}

void flows_finish(struct flows *f, struct strbuf *out)
{
	while (f->used)
		emit_oldest(f, out);
}

void flows_free(struct flows *f)
{
	if (!f)
		return;
	for (uint32_t i = 0; i < f->n; i++)
		free(f->slot[i].text);
	free(f->slot);
	free(f->flow);
	free(f->order);
	free(f->bucket);
	free(f);
}
