/* SPDX-License-Identifier: MIT */
/*
 * ring.h - the BPF ring buffer's reader (ring.c): skbrec's, and the
 * minimal recorder's (bench/minrec), so the floor reads as skbrec does.
 */
#ifndef SKBREC_RING_H
#define SKBREC_RING_H

#include <stddef.h>

struct ring;
/* Called with each committed record, in order (the bytes are valid until
 * it returns). */
typedef void (*ring_fn)(void *arg, void *data, size_t size);
/* Of a BPF_MAP_TYPE_RINGBUF's fd; NULL with errno. */
struct ring *ring_open(int map_fd, ring_fn fn, void *arg);
/* Hand every committed record to fn; how many, or -errno. */
long ring_consume(struct ring *r);
/* Wait up to timeout_ms for a wakeup, then ring_consume(). */
long ring_poll(struct ring *r, int timeout_ms);
void ring_close(struct ring *r);

#endif
