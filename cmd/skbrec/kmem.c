/* SPDX-License-Identifier: MIT */
/*
 * kmem.c - where this kernel keeps its direct map and its struct page
 * array, so that the BPF programs can turn a fragment's page into the
 * address of its bytes (bpf/frags.h).  x86-64 only.
 *
 *   /proc/kallsyms   addresses of page_offset_base and vmemmap_base (listed
 *                    with CONFIG_KALLSYMS_ALL, as on Debian, Ubuntu, RHEL);
 *                    without them the program assumes the unrandomised
 *                    defaults
 *   /proc/zoneinfo   the highest page frame number: a page pointer past it
 *                    is not read
 */
#include "skbrec.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

static int base_sym(void *arg, uint64_t addr, char type, const char *name)
{
	struct kmem *k = arg;

	(void)type;
	if (!strcmp(name, "page_offset_base"))
		k->pob_sym = addr;
	else if (!strcmp(name, "vmemmap_base"))
		k->vmemmap_sym = addr;
	return k->pob_sym && k->vmemmap_sym;   /* both found: stop */
}

/* One past the highest pfn of any zone: max(start_pfn + spanned). */
static uint64_t zoneinfo_max_pfn(void)
{
	FILE *f = fopen("/proc/zoneinfo", "r");
	char line[256];
	uint64_t spanned = 0, v, max = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, " spanned %" SCNu64, &v) == 1)
			spanned = v;
		else if (sscanf(line, " start_pfn: %" SCNu64, &v) == 1 && v + spanned > max)
			max = v + spanned;
	}
	fclose(f);
	return max;
}

void kmem_layout(struct kmem *k)
{
	struct utsname u;

	*k = (struct kmem){ 0 };
	if (uname(&u) || strcmp(u.machine, "x86_64")) {
		snprintf(k->why, sizeof(k->why), "page fragments are read on x86-64 only");
		return;
	}
	k->max_pfn = zoneinfo_max_pfn();
	if (!k->max_pfn) {
		snprintf(k->why, sizeof(k->why), "no page frame numbers in /proc/zoneinfo");
		return;
	}
	ksyms_each(base_sym, k);
	if (!k->pob_sym || !k->vmemmap_sym) {
		k->pob_sym = k->vmemmap_sym = 0;
		snprintf(k->why, sizeof(k->why), "page_offset_base and vmemmap_base are not in "
			 "/proc/kallsyms: assuming the unrandomised x86-64 defaults");
	}
}
