/* SPDX-License-Identifier: MIT */
/*
 * intern.h - map byte strings to small sequential ids (1, 2, 3 ...).
 * The writer uses it to emit each dictionary record once: the key is the
 * record's payload itself, so "same content" means "same id".
 */
#ifndef SKB_INTERN_H
#define SKB_INTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct intern_entry {
	uint64_t hash;
	size_t off;
	uint32_t len;
};

struct intern {
	uint32_t *slot;             /* 0 empty, else entry index + 1 */
	size_t cap;                 /* slots, power of two */
	struct intern_entry *ent;
	size_t n, ent_cap;
	uint8_t *arena;
	size_t arena_len, arena_cap;
	uint32_t recent[4];         /* ids of the last keys asked for, 0 none */
};

/* *id = the key's id; *fresh = true when it was not there before. 0 / -ENOMEM */
int intern_get(struct intern *t, const void *key, size_t len, uint32_t *id, bool *fresh);
void intern_free(struct intern *t);
uint64_t intern_hash(const void *key, size_t len);

#endif
