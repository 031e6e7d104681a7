/* SPDX-License-Identifier: MIT */
/*
 * timefmt.c - the --time formats: raw monotonic ns (Retis' default), local
 * and UTC ISO 8601 with nanoseconds, seconds since the first record and
 * since the previous one.  The calendar part is computed once per second
 * (localtime_r is slow and events come thousands per second).
 */
#include "skbcat.h"

#include <time.h>

int64_t rec_time_key(const struct rec_time *t)
{
	return t->has_wall ? t->wall : (int64_t)t->mono;
}

static void split_ns(int64_t ns, int64_t *sec, int64_t *frac)
{
	*sec = ns / 1000000000;
	*frac = ns % 1000000000;
	if (*frac < 0) {        /* floor, for times before 1970 */
		*frac += 1000000000;
		(*sec)--;
	}
}

static void print_frac9(struct strbuf *sb, int64_t frac)
{
	char tmp[9];
	for (int i = 8; i >= 0; i--) {
		tmp[i] = (char)('0' + frac % 10);
		frac /= 10;
	}
	sb_mem(sb, tmp, 9);
}

/* Calendar text for one second: "YYYY-MM-DDTHH:MM:SS" and the zone suffix. */
static void print_calendar(struct strbuf *sb, int64_t wall_ns, bool utc,
			   struct time_state *st)
{
	int64_t sec, frac;
	split_ns(wall_ns, &sec, &frac);
	if (!st || st->cached_sec != sec || st->cached_utc != utc || !st->cached_len) {
		struct tm tm;
		time_t tt = (time_t)sec;
		char tmp[40];
		size_t n;
		if (utc ? !gmtime_r(&tt, &tm) : !localtime_r(&tt, &tm)) {
			sb_i64(sb, wall_ns);
			return;
		}
		n = strftime(tmp, sizeof(tmp), "%Y-%m-%dT%H:%M:%S", &tm);
		if (!st) {
			sb_mem(sb, tmp, n);
			sb_putc(sb, '.');
			print_frac9(sb, frac);
			sb_putc(sb, 'Z');
			return;
		}
		st->cached_sec = sec;
		st->cached_utc = utc;
		memcpy(st->cached, tmp, n);
		if (utc) {
			st->cached[n++] = 'Z';
		} else {
			long off = tm.tm_gmtoff;
			char sign = off < 0 ? '-' : '+';
			if (off < 0)
				off = -off;
			st->cached[n++] = sign;
			st->cached[n++] = (char)('0' + off / 36000 % 10);
			st->cached[n++] = (char)('0' + off / 3600 % 10);
			st->cached[n++] = ':';
			st->cached[n++] = (char)('0' + off / 600 % 6);
			st->cached[n++] = (char)('0' + off / 60 % 10);
		}
		st->cached_len = (int)n;
	}
	/* date-time (19 chars), fraction, then the zone */
	sb_mem(sb, st->cached, 19);
	sb_putc(sb, '.');
	print_frac9(sb, frac);
	sb_mem(sb, st->cached + 19, (size_t)st->cached_len - 19);
}

void time_print_utc(struct strbuf *sb, int64_t wall_ns, struct time_state *st)
{
	print_calendar(sb, wall_ns, true, st);
}

static void print_seconds(struct strbuf *sb, int64_t ns)
{
	if (ns < 0) {
		sb_putc(sb, '-');
		ns = -ns;
	}
	sb_i64(sb, ns / 1000000000);
	sb_putc(sb, '.');
	print_frac9(sb, ns % 1000000000);
}

void time_print_duration(struct strbuf *sb, int64_t ns)
{
	uint64_t a = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	if (ns < 0)
		sb_putc(sb, '-');
	if (a < 1000000) {              /* 12.345us */
		sb_u64(sb, a / 1000);
		sb_putc(sb, '.');
		sb_putc(sb, (char)('0' + a / 100 % 10));
		sb_putc(sb, (char)('0' + a / 10 % 10));
		sb_putc(sb, (char)('0' + a % 10));
		sb_puts(sb, "us");
	} else if (a < 1000000000) {    /* 3.210ms */
		sb_u64(sb, a / 1000000);
		sb_putc(sb, '.');
		uint64_t us = a / 1000 % 1000;
		sb_putc(sb, (char)('0' + us / 100));
		sb_putc(sb, (char)('0' + us / 10 % 10));
		sb_putc(sb, (char)('0' + us % 10));
		sb_puts(sb, "ms");
	} else {                        /* 1.500000s */
		sb_u64(sb, a / 1000000000);
		sb_putc(sb, '.');
		uint64_t us = a / 1000 % 1000000;
		char tmp[6];
		for (int i = 5; i >= 0; i--) {
			tmp[i] = (char)('0' + us % 10);
			us /= 10;
		}
		sb_mem(sb, tmp, 6);
		sb_putc(sb, 's');
	}
}

void time_print(struct strbuf *sb, enum time_fmt f, const struct rec_time *t,
		struct time_state *st)
{
	int64_t key = rec_time_key(t);
	if (!st->started) {
		st->started = true;
		st->first = st->prev = key;
	}
	switch (f) {
	case TF_MONO:
		sb_u64(sb, t->mono);
		break;
	case TF_WALL:
	case TF_UTC:
		if (t->has_wall)
			print_calendar(sb, t->wall, f == TF_UTC, st);
		else
			sb_u64(sb, t->mono);   /* main() warned once */
		break;
	case TF_REL:
		print_seconds(sb, key - st->first);
		break;
	case TF_DELTA:
		print_seconds(sb, key - st->prev);
		break;
	}
	st->prev = key;
}
