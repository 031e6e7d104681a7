/* SPDX-License-Identifier: MIT */
/*
 * when.c - parse the time points of --since / --until: monotonic
 * nanoseconds (what skbcat prints as the event time) or a wall-clock date.
 */
#include "when.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_SEC 1000000000LL

/* Exactly n digits at *p, advanced past them. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

/* ".FRAC" (1..9 digits) as nanoseconds; no dot is 0. */
static int fraction(const char **p, int64_t *ns)
{
	*ns = 0;
	if (**p != '.')
		return 0;
	(*p)++;
	int n = 0;
	int64_t scale = NS_PER_SEC;
	while (isdigit((unsigned char)**p)) {
		if (++n > 9)
			return -1;
		scale /= 10;
		*ns += (**p - '0') * scale;
		(*p)++;
	}
	return n ? 0 : -1;
}

static int parse_epoch(const char *s, struct when *out)
{
	char *end;
	errno = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	long long sec = strtoll(s, &end, 10);
	if (errno || sec > INT64_MAX / NS_PER_SEC - 1)
		return -1;
	const char *p = end;
	int64_t frac;
	if (fraction(&p, &frac) || *p)
		return -1;
	out->wall = true;
	out->ns = sec * NS_PER_SEC + frac;
	return 0;
}

static int parse_date(const char *s, struct when *out)
{
	const char *p = s;
	struct tm tm = { 0 };
	int y, mo, d, h = 0, mi = 0, sec = 0;
	int64_t frac = 0;
	bool utc = false;
	long off = 0;   /* seconds east of UTC when a zone is given */

	if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' ||
	    digits(&p, 2, &d))
		return -1;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
			return -1;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) || fraction(&p, &frac))
				return -1;
		}
	}
	if (*p == 'Z') {
		utc = true;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (digits(&p, 2, &oh))
			return -1;
		if (*p == ':')
			p++;
		if (digits(&p, 2, &om) || oh > 23 || om > 59)
			return -1;
		utc = true;
		off = sign * (oh * 3600L + om * 60L);
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	time_t t = utc ? timegm(&tm) : mktime(&tm);
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return -1;
	/* years 0000..9999 reach past the signed 64-bit nanoseconds (1678 to
	 * 2262): those are refused, not wrapped around */
	int64_t ns;
	if (__builtin_mul_overflow((int64_t)t - off, NS_PER_SEC, &ns) ||
	    __builtin_add_overflow(ns, frac, &ns))
		return -1;
	out->wall = true;
	out->ns = ns;
	return 0;
}

int when_parse(const char *s, struct when *out)
{
	if (!s || !*s)
		return -1;
	if (*s == '@')
		return parse_epoch(s + 1, out);
	if (strspn(s, "0123456789") == strlen(s)) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(s, &end, 10);
		if (errno || *end || v > INT64_MAX)
			return -1;
		out->wall = false;
		out->ns = (int64_t)v;
		return 0;
	}
	return parse_date(s, out);
}
