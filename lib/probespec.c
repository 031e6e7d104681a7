/* SPDX-License-Identifier: MIT */
/* probespec.c - probe type prefixes and probe matching (see probespec.h). */
#include "probespec.h"
#include "skb.h"

#include <fnmatch.h>
#include <string.h>

static const struct {
	const char *prefix;     /* as typed, with its colon */
	int kind;
} prefixes[] = {
	{ "tp:", SKB_PROBE_TP },
	{ "k:", SKB_PROBE_KPROBE },
	{ "kprobe:", SKB_PROBE_KPROBE },
	{ "kr:", SKB_PROBE_KRETPROBE },
	{ "kretprobe:", SKB_PROBE_KRETPROBE },
};

int skb_probe_kind_parse(const char *spec, const char **rest)
{
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i].prefix);

		if (!strncmp(spec, prefixes[i].prefix, n)) {
			*rest = spec + n;
			return prefixes[i].kind;
		}
	}
	*rest = spec;
	return 0;
}

const char *skb_probe_kind_prefix(int kind)
{
	switch (kind) {
	case SKB_PROBE_TP: return "tp";
	case SKB_PROBE_KPROBE: return "k";
	case SKB_PROBE_KRETPROBE: return "kr";
	default: return "";
	}
}

bool skb_probe_match(const char *pattern, const struct skb_probe *p)
{
	const char *rest;
	int kind = skb_probe_kind_parse(pattern, &rest);
	const char *spec = p->spec ? p->spec : "";
	const char *body = strchr(spec, ':');   /* spec without its "TYPE:" */

	body = body ? body + 1 : spec;
	if (kind && kind != p->kind)
		return false;
	if (strpbrk(rest, "*?["))
		return fnmatch(rest, body, 0) == 0 || fnmatch(rest, spec, 0) == 0;
	return strstr(kind ? body : spec, rest) != NULL;
}
