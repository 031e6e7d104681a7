/* SPDX-License-Identifier: MIT */
/* when.h - the time points of --since / --until. */
#ifndef SKBGREP_WHEN_H
#define SKBGREP_WHEN_H

#include <stdbool.h>
#include <stdint.h>

struct when {
	bool wall;      /* ns since the epoch; else monotonic ns (event ts) */
	int64_t ns;
};

/*
 * Parse T:  digits only        monotonic ns, as in the events' ts;
 *           @SECONDS[.FRAC]    wall clock, seconds since the epoch;
 *           YYYY-MM-DD[(T| )HH:MM[:SS[.FRAC]]][Z|±HH[:]MM]
 *                              wall clock, local time without a zone.
 * 0 ok, -1 bad.
 */
int when_parse(const char *s, struct when *out);

#endif
