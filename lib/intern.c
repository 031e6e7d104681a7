/* SPDX-License-Identifier: MIT */
/* intern.c - open-addressing table from byte strings to sequential ids. */
#include "intern.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t intern_hash(const void *key, size_t len)
{
	/* Eight bytes a step (keys are a name and a few integers, ~20-60
	 * bytes; the writer hashes three of them per event). */
	const uint8_t *p = key;
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	return h ^ (h >> 29);
}

static int grow_slots(struct intern *t)
{
	size_t cap = t->cap ? t->cap * 2 : 64;
	uint32_t *slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = t->ent[i].hash & (cap - 1);
		while (slot[j])
			j = (j + 1) & (cap - 1);
		slot[j] = (uint32_t)(i + 1);
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

#define RECENT (sizeof(((struct intern *)0)->recent) / sizeof(uint32_t))

/* id becomes the most recent key (the oldest one drops out). */
static void remember(struct intern *t, uint32_t id)
{
	memmove(t->recent + 1, t->recent, (RECENT - 1) * sizeof(t->recent[0]));
	t->recent[0] = id;
}

int intern_get(struct intern *t, const void *key, size_t len, uint32_t *id, bool *fresh)
{
	/* Events mostly repeat one of the last few keys (a packet crossing a
	 * veth alternates between its two interfaces): try those first, no
	 * hash needed. */
	for (size_t i = 0; i < RECENT; i++) {
		const struct intern_entry *e;

		if (!t->recent[i])
			break;
		e = &t->ent[t->recent[i] - 1];
		if (e->len == len && !memcmp(t->arena + e->off, key, len)) {
			*id = t->recent[i];
			*fresh = false;
			return 0;
		}
	}
	uint64_t h = intern_hash(key, len);
	if ((t->n + 1) * 2 > t->cap && grow_slots(t))
		return -ENOMEM;
	size_t j = h & (t->cap - 1);
	for (; t->slot[j]; j = (j + 1) & (t->cap - 1)) {
		const struct intern_entry *e = &t->ent[t->slot[j] - 1];
		if (e->hash == h && e->len == len && !memcmp(t->arena + e->off, key, len)) {
			*id = t->slot[j];
			remember(t, *id);
			*fresh = false;
			return 0;
		}
	}
	if (t->n == t->ent_cap) {
		size_t c = t->ent_cap ? t->ent_cap * 2 : 64;
		void *p = realloc(t->ent, c * sizeof(*t->ent));
		if (!p)
			return -ENOMEM;
		t->ent = p;
		t->ent_cap = c;
	}
	if (t->arena_len + len > t->arena_cap) {
		size_t c = t->arena_cap ? t->arena_cap : 4096;
		while (c < t->arena_len + len)
			c *= 2;
		void *p = realloc(t->arena, c);
		if (!p)
			return -ENOMEM;
		t->arena = p;
		t->arena_cap = c;
	}
	memcpy(t->arena + t->arena_len, key, len);
	t->ent[t->n] = (struct intern_entry){ .hash = h, .off = t->arena_len, .len = (uint32_t)len };
	t->arena_len += len;
	t->n++;
	t->slot[j] = (uint32_t)t->n;
	*id = (uint32_t)t->n;
	remember(t, *id);
	*fresh = true;
	return 0;
}

void intern_free(struct intern *t)
{
	free(t->slot);
	free(t->ent);
	free(t->arena);
	memset(t, 0, sizeof(*t));
}
