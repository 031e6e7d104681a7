/* SPDX-License-Identifier: MIT */
/*
 * cli.h - small helpers every skbtools program shares: messages on stderr,
 * checked number parsing, output opening, quiet end on a closed pipe.
 */
#ifndef SKB_CLI_H
#define SKB_CLI_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

extern const char *skb_prog;   /* set by skb_cli_init() from argv[0] */
extern int skb_verbose;        /* -v count where a tool has it */

void skb_cli_init(const char *argv0);
/* "prog: message" on stderr. */
void skb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* skb_warn, then exit(status). */
void skb_die(int status, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* Whole-string numbers with range checks: 0 ok, -1 bad (message printed). */
int skb_parse_u64(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out);
/* Sizes with an optional k/K, m/M, g/G suffix (powers of 1024). */
/* "VALUE[/MASK]" (MASK default 0xffffffff) for --mark; 0, or -1 after a
 * message (also when VALUE has bits outside MASK: it could never match). */
int skb_parse_mark(const char *what, const char *s, uint32_t *value, uint32_t *mask);
int skb_parse_size(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Open the output for binary records: NULL or "-" is stdout.  Refuses a
 * terminal (hint: pipe into skbcat), creates files with mode 0600.
 * Returns the fd, or -1 after a message.
 */
int skb_open_binary_output(const char *path);

/* Ignore SIGPIPE so writes fail with EPIPE; skb_is_epipe() tells that case. */
void skb_ignore_sigpipe(void);
bool skb_is_epipe(int err);

#endif
