/* SPDX-License-Identifier: MIT */
/* trackset.h - a set of tracking ids (open addressing, grows by doubling). */
#ifndef SKBGREP_TRACKSET_H
#define SKBGREP_TRACKSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct trackset {
	uint64_t *slot;         /* 0 marks an empty slot; id 0 is kept apart */
	size_t cap, n;
	bool has_zero;
};

/* 0 ok, -1 out of memory. */
int trackset_add(struct trackset *s, uint64_t id);
bool trackset_has(const struct trackset *s, uint64_t id);
void trackset_free(struct trackset *s);

#endif
