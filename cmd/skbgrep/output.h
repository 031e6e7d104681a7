/* SPDX-License-Identifier: MIT */
/*
 * output.h - where selected events go: a .skb stream whose section headers
 * follow the input's (a new section when the input's metadata changes), or
 * only a count (-c).
 */
#ifndef SKBGREP_OUTPUT_H
#define SKBGREP_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "skb.h"

struct grep_output {
	int fd;                 /* -1: count only */
	int flags;              /* SKBW_COMPRESS with -z */
	struct skb_writer *w;   /* NULL until the first section is known */
	struct skb_info info;   /* header of the section being written (owned copy) */
	uint64_t selected;      /* events selected (written or counted) */
	int err;                /* first write error, -errno */
};

void gout_init(struct grep_output *o, int fd, int flags);
/* Make sure the current output section carries INFO's metadata; 0 or -errno. */
int gout_section(struct grep_output *o, const struct skb_info *info);
/* A new input begins: the dictionary objects of the last one are gone. */
void gout_new_input(struct grep_output *o);
/* Into the current section (gout_section() must have been called once).
 * rec: the record ev was read from, copied as it is (NULL: ev encoded). */
int gout_event(struct grep_output *o, const struct skb_event *ev, const struct skb_record *rec);
int gout_lost(struct grep_output *o, const struct skb_lost *lost);
/* Hand what is buffered to the fd (a live input keeps us waiting). */
void gout_flush(struct grep_output *o);
/* Write END and flush (complete=false: flush only, leaving the stream
 * visibly truncated after damaged input).  0 or -errno. */
int gout_finish(struct grep_output *o, bool complete);

#endif
