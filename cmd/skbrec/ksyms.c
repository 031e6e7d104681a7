/* SPDX-License-Identifier: MIT */
/*
 * ksyms.c - kernel text symbols from /proc/kallsyms, so recorded stacks read
 * "ip_rcv+0x4d" anywhere the file goes.  Loaded once, sorted, searched by
 * address.
 */
#include "skbrec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ksym {
	uint64_t addr;
	char *name;
};

struct ksyms {
	struct ksym *v;
	size_t n;
};

static int cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int ksyms_each(int (*fn)(void *arg, uint64_t addr, char type, const char *name), void *arg)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512], type, name[256];
	unsigned long long addr;
	int rc = 0;

	if (!f)
		return -1;
	while (!rc && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) == 3 && addr)
			rc = fn(arg, addr, type, name);   /* (0: addresses are hidden) */
	fclose(f);
	return rc < 0 ? -1 : 0;
}

struct load {
	struct ksyms *ks;
	size_t cap;
};

static int add_text(void *arg, uint64_t addr, char type, const char *name)
{
	struct load *l = arg;
	struct ksyms *ks = l->ks;

	if (type != 't' && type != 'T')
		return 0;   /* text only */
	if (ks->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 65536;
		struct ksym *v = realloc(ks->v, nc * sizeof(*v));

		if (!v)
			return 1;
		ks->v = v;
		l->cap = nc;
	}
	ks->v[ks->n].addr = addr;
	ks->v[ks->n].name = strdup(name);
	if (!ks->v[ks->n].name)
		return 1;
	ks->n++;
	return 0;
}

struct ksyms *ksyms_load(void)
{
	struct load l = { .ks = calloc(1, sizeof(*l.ks)) };

	if (!l.ks || ksyms_each(add_text, &l)) {
		free(l.ks);
		return NULL;
	}
	qsort(l.ks->v, l.ks->n, sizeof(*l.ks->v), cmp);
	return l.ks;
}

const char *ksyms_find(const struct ksyms *ks, uint64_t addr, uint32_t *off)
{
	size_t lo = 0, hi = ks ? ks->n : 0;

	/* last symbol with addr <= target */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ks->v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	if (addr - ks->v[lo - 1].addr > UINT32_MAX)
		return NULL;
	*off = (uint32_t)(addr - ks->v[lo - 1].addr);
	return ks->v[lo - 1].name;
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++)
		free(ks->v[i].name);
	free(ks->v);
	free(ks);
}
