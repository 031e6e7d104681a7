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

struct ksyms *ksyms_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	struct ksyms *ks = calloc(1, sizeof(*ks));
	size_t cap = 0;
	char line[512];

	if (!f || !ks) {
		if (f)
			fclose(f);
		free(ks);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long addr;
		char type, name[256];

		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (!addr || (type != 't' && type != 'T'))
			continue;   /* text only; 0 means addresses are hidden */
		if (ks->n == cap) {
			size_t nc = cap ? cap * 2 : 65536;
			struct ksym *v = realloc(ks->v, nc * sizeof(*v));

			if (!v)
				break;
			ks->v = v;
			cap = nc;
		}
		ks->v[ks->n].addr = addr;
		ks->v[ks->n].name = strdup(name);
		if (!ks->v[ks->n].name)
			break;
		ks->n++;
	}
	fclose(f);
	qsort(ks->v, ks->n, sizeof(*ks->v), cmp);
	return ks;
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
