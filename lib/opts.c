/* SPDX-License-Identifier: MIT */
/* opts.c - getopt_long and --help from one option table (see opts.h). */
#include "opts.h"
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPTS 64
#define HELP_COL 26   /* where help text starts in --help */

/* getopt_long's view of the table, made once per table. */
static const struct skb_cmdline *built;
static char shorts[3 * MAX_OPTS + 2];
static struct option longs[MAX_OPTS + 1];

static void build(const struct skb_cmdline *cl)
{
	size_t ns = 0, nl = 0;

	shorts[ns++] = ':';   /* a missing argument is told apart from a bad option */
	for (const struct skb_option *o = cl->opts; o->id || o->help; o++) {
		if (!o->id)
			continue;
		if (o->id < 256 && o->help && ns + 3 < sizeof(shorts)) {
			shorts[ns++] = (char)o->id;
			if (o->arg)
				shorts[ns++] = ':';
		}
		if (o->name && nl < MAX_OPTS)
			longs[nl++] = (struct option){
				o->name, o->arg ? required_argument : no_argument, NULL, o->id,
			};
	}
	shorts[ns] = 0;
	longs[nl] = (struct option){ NULL, 0, NULL, 0 };
	built = cl;
}

static const struct skb_option *find(const struct skb_cmdline *cl, int id)
{
	for (const struct skb_option *o = cl->opts; o->id || o->help; o++)
		if (o->id == id)
			return o;
	return NULL;
}

int skb_getopt(const struct skb_cmdline *cl, int argc, char **argv)
{
	int c;

	if (built != cl)
		build(cl);
	opterr = 0;   /* our messages, one line each */
	c = getopt_long(argc, argv, shorts, longs, NULL);
	switch (c) {
	case 'h':
		skb_usage(cl, stdout);
		return c;
	case 'V':
		printf("%s (skbtools) %s\n", skb_prog, SKBTOOLS_VERSION);
		return c;
	case ':': {
		const struct skb_option *o = find(cl, optopt);

		if (o && o->name && optopt >= 256)
			skb_warn("--%s needs an argument (%s)", o->name, o->arg);
		else if (o)
			skb_warn("-%c needs an argument (%s)", optopt, o->arg);
		else
			skb_warn("%s needs an argument", argv[optind - 1]);
		skb_usage_hint();
		return '?';
	}
	case '?':
		if (optopt && optopt < 256)
			skb_warn("unknown option -%c", optopt);
		else
			skb_warn("unknown option %s", argv[optind - 1]);
		skb_usage_hint();
		return '?';
	}
	return c;
}

void skb_usage_hint(void)
{
	fprintf(stderr, "Try '%s --help' for more information.\n", skb_prog);
}

/* "  -o, --output FILE" and its help, continuation lines aligned. */
static void print_option(FILE *f, const struct skb_option *o)
{
	char head[80];
	int n;

	if (o->id < 256 && o->name)
		n = snprintf(head, sizeof(head), "  -%c, --%s", o->id, o->name);
	else if (o->id < 256)
		n = snprintf(head, sizeof(head), "  -%c", o->id);
	else
		n = snprintf(head, sizeof(head), "      --%s", o->name);
	if (o->arg && n > 0 && (size_t)n < sizeof(head))
		n += snprintf(head + n, sizeof(head) - (size_t)n, " %s", o->arg);
	fputs(head, f);
	if (!*o->help)
		fputc('\n', f);
	for (const char *h = o->help; *h;) {
		const char *e = strchr(h, '\n');
		int len = e ? (int)(e - h) : (int)strlen(h);

		if (n >= HELP_COL - 1) {   /* head too long: help on the next line */
			fputc('\n', f);
			n = 0;
		}
		fprintf(f, "%*s%.*s\n", HELP_COL - n, "", len, h);
		n = 0;
		h += len + (e != NULL);
	}
}

void skb_usage(const struct skb_cmdline *cl, FILE *f)
{
	const char *s = cl->synopsis;

	/* one "usage:" per form, the others aligned under it */
	for (int first = 1; *s; first = 0) {
		const char *e = strchr(s, '\n');
		int len = e ? (int)(e - s) : (int)strlen(s);

		fprintf(f, "%s %s %.*s\n", first ? "usage:" : "      ", skb_prog, len, s);
		s += len + (e != NULL);
	}
	if (cl->about)
		fprintf(f, "%s\n", cl->about);
	for (const struct skb_option *o = cl->opts; o->id || o->help; o++) {
		if (!o->help)
			continue;   /* hidden alias */
		if (!o->id)
			fprintf(f, "\n%s\n", o->help);
		else
			print_option(f, o);
	}
	if (cl->epilog)
		fprintf(f, "\n%s", cl->epilog);
}
