/* SPDX-License-Identifier: MIT */
/*
 * trackset.c - the tracking ids --follow keeps: a flat open-addressing hash
 * set, 8 bytes per slot, load factor kept under 1/2.
 */
#include "trackset.h"

#include <stdlib.h>

static size_t hash(uint64_t id, size_t cap)
{
	/* ids are often addresses or counters: mix all bits (splitmix64 finaliser) */
	id ^= id >> 30;
	id *= 0xbf58476d1ce4e5b9ULL;
	id ^= id >> 27;
	id *= 0x94d049bb133111ebULL;
	id ^= id >> 31;
	return (size_t)id & (cap - 1);
}

static void put(uint64_t *slot, size_t cap, uint64_t id)
{
	size_t i = hash(id, cap);
	while (slot[i] && slot[i] != id)
		i = (i + 1) & (cap - 1);
	slot[i] = id;
}

static int grow(struct trackset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	uint64_t *slot = calloc(cap, sizeof(*slot));
	if (!slot)
		return -1;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i])
			put(slot, cap, s->slot[i]);
	free(s->slot);
	s->slot = slot;
	s->cap = cap;
	return 0;
}

int trackset_add(struct trackset *s, uint64_t id)
{
	if (!id) {
		s->has_zero = true;
		return 0;
	}
	if (trackset_has(s, id))
		return 0;
	if ((s->n + 1) * 2 > s->cap && grow(s))
		return -1;
	put(s->slot, s->cap, id);
	s->n++;
	return 0;
}

bool trackset_has(const struct trackset *s, uint64_t id)
{
	if (!id)
		return s->has_zero;
	if (!s->cap)
		return false;
	for (size_t i = hash(id, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == id)
			return true;
	return false;
}

void trackset_free(struct trackset *s)
{
	free(s->slot);
	*s = (struct trackset){ 0 };
}
