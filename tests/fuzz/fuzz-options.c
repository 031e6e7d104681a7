/* SPDX-License-Identifier: MIT */
/*
 * fuzz-options - the text parsers behind the command lines: numbers and
 * sizes (-s, -c, -b, -C), --mark VALUE/MASK, probe specs and -p patterns,
 * skbgrep's --since/--until times, and skb_getopt() itself.  The input is
 * split at NUL bytes into the strings tried.
 */
#include "input.h"
#include "cli.h"
#include "opts.h"
#include "probespec.h"
#include "when.h"

#include <getopt.h>
#include <string.h>

static const struct skb_option options[] = {
	SKB_OPT_OUTPUT("output"),
	{ 's', "snaplen", "N", "snaplen" },
	{ 'x', NULL, NULL, "hex" },
	{ 256, "since", "T", "since" },
	{ 257, "long-only", NULL, NULL },
	SKB_OPT_END,
};

static const struct skb_cmdline cmdline = { .synopsis = "FILE", .opts = options };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *argv[34];
	int argc = 1;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	const char *a = s, *b = s + strlen(s);
	b = b < s + size ? b + 1 : b;   /* the second string, or "" */

	uint64_t v;
	uint32_t val, mask;
	struct when w;
	const char *rest;
	struct skb_probe p = { .kind = (uint8_t)(size % 5), .spec = b };

	skb_parse_u64("-c", a, 0, UINT64_MAX, &v);
	skb_parse_u64("-s", a, 1, 262144, &v);
	skb_parse_size("-b", a, 4096, 1ull << 30, &v);
	skb_parse_mark("--mark", a, &val, &mask);
	when_parse(a, &w);
	skb_probe_kind_parse(a, &rest);
	skb_probe_match(a, &p);

	/* the strings as a command line */
	argv[0] = (char *)"fuzz";
	for (char *q = s; q < s + size && argc < 33; q += strlen(q) + 1)
		argv[argc++] = q;
	argv[argc] = NULL;
	optind = 0;
	opterr = 0;
	while (skb_getopt(&cmdline, argc, argv) != -1)
		;
	free(s);
	return 0;
}
