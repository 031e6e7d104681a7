/* SPDX-License-Identifier: MIT */
/*
 * opts.h - each program declares its options once, in one table: name,
 * argument, help.  getopt_long's arguments and the --help text are both
 * made from it (the way xdp-tools' params.h does), so an option cannot be
 * parsed but undocumented, or documented with another spelling.
 *
 *   static const struct skb_option opts[] = {
 *           SKB_OPT_OUTPUT("write to FILE instead of standard output"),
 *           { 's', "snaplen", "N", "packet bytes per event" },
 *           { OPT_STACK, "stack", NULL, "record the kernel stack" },
 *           SKB_OPT_HELP, SKB_OPT_VERSION, SKB_OPT_END,
 *   };
 *   while ((c = skb_getopt(&cmd, argc, argv)) != -1) switch (c) { ... }
 */
#ifndef SKB_OPTS_H
#define SKB_OPTS_H

#include <stdio.h>

struct skb_option {
	int id;                 /* the short option's letter, or >= 256 (long only);
				   0: a heading line in --help (help is its text) */
	const char *name;       /* long name; NULL: short only */
	const char *arg;        /* argument as shown in --help; NULL: takes none */
	const char *help;       /* '\n' starts a continuation line; NULL: a
				   hidden alias (parsed, not listed) */
};

#define SKB_OPT_END             { 0, NULL, NULL, NULL }
#define SKB_OPT_HEADING(text)   { 0, NULL, NULL, text }

/* Options that mean the same in every program. */
#define SKB_OPT_OUTPUT(help)    { 'o', "output", "FILE", help }
#define SKB_OPT_PROBE(help)     { 'p', "probe", "PROBE", help }
#define SKB_OPT_IFACE(help)     { 'i', "iface", "IFACE", help }
#define SKB_OPT_FILTER          { 'f', "filter", "EXPR", \
				  "pcap-filter(7) expression on the packet bytes" }
#define SKB_OPT_COMPRESS        { 'z', "compress", NULL, \
				  "compress the output (gzip members, docs/format.md)" }
#define SKB_OPT_HELP            { 'h', "help", NULL, "show this help and exit" }
#define SKB_OPT_VERSION         { 'V', "version", NULL, "show the version and exit" }

struct skb_cmdline {
	const char *synopsis;   /* after "usage: PROG "; '\n' for more forms */
	const char *about;      /* what the program does, after the synopsis */
	const struct skb_option *opts;   /* ends with SKB_OPT_END */
	const char *epilog;     /* exit status, examples; may be NULL */
};

/*
 * The next option, like getopt_long: its id, -1 after the last one, '?'
 * after a message about a bad option or a missing argument.  -h and -V are
 * answered here (usage or version on stdout) and returned as 'h' and 'V'
 * for main to exit 0.  The argument is in optarg.
 */
int skb_getopt(const struct skb_cmdline *cl, int argc, char **argv);
void skb_usage(const struct skb_cmdline *cl, FILE *f);
/* After '?': one line on stderr pointing to --help. */
void skb_usage_hint(void);

#endif
