/* SPDX-License-Identifier: MIT */
/*
 * ring.c - the BPF ring buffer read in place, the consumer position
 * published once a batch.
 *
 * libbpf's reader (ring_buffer__poll) stores the consumer position after
 * every record.  The programs read that position with every reservation
 * (and with every fill-level query), so while the reader drains, each
 * record it reads takes the position's cache line away from the CPU that
 * records the next event: a cross-core miss in the program, per record
 * (docs/benchmarks.md, "The reader's position").  This reader walks the
 * records the same way (the layout is the kernel's: an 8-byte header, the
 * length with a busy and a discard bit, records 8-byte aligned, the data
 * mapped twice so a record that wraps is contiguous) and publishes the
 * position at the end of a pass, and every 64 KiB in a long one, so the
 * programs get the room back, and see the fill level, while a pass goes
 * on.
 */
#include "ring.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>

/* How much a pass reads before it gives the room back: 64 KiB, or a
 * sixteenth of a smaller ring.  Hundreds of records a store (a miss or
 * two in the programs, not hundreds), and the fill level the programs
 * see (bpf_ringbuf_query, the wakeup threshold) is never more than that
 * behind. */
#define RING_PUBLISH_MAX  (64u << 10)
#define RING_PUBLISH_PART 16

struct ring {
	ring_fn fn;
	void *arg;
	int epfd;
	size_t page, size;     /* size: the data area's, a power of two */
	unsigned long *cons;   /* consumer page (read-write) */
	unsigned long *prod;   /* producer page, then the data twice (read-only) */
	const unsigned char *data;
};

struct ring *ring_open(int map_fd, ring_fn fn, void *arg)
{
	struct bpf_map_info info;
	__u32 ilen = sizeof(info);
	struct epoll_event ev = { .events = EPOLLIN };
	struct ring *r;
	void *p;
	int err;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(map_fd, &info, &ilen))
		return NULL;
	if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
	    (info.max_entries & (info.max_entries - 1))) {
		errno = EINVAL;
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->fn = fn;
	r->arg = arg;
	r->page = (size_t)sysconf(_SC_PAGESIZE);
	r->size = info.max_entries;
	r->epfd = -1;
	p = mmap(NULL, r->page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	r->cons = p;
	p = mmap(NULL, r->page + 2 * r->size, PROT_READ, MAP_SHARED, map_fd, (off_t)r->page);
	if (p == MAP_FAILED)
		goto fail;
	r->prod = p;
	r->data = (const unsigned char *)p + r->page;
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0 || epoll_ctl(r->epfd, EPOLL_CTL_ADD, map_fd, &ev))
		goto fail;
	return r;
fail:
	err = errno;
	ring_close(r);
	errno = err;
	return NULL;
}

void ring_close(struct ring *r)
{
	if (!r)
		return;
	if (r->epfd >= 0)
		close(r->epfd);
	if (r->prod)
		munmap(r->prod, r->page + 2 * r->size);
	if (r->cons)
		munmap(r->cons, r->page);
	free(r);
}

/* Every record committed now, handed to fn in order.  Returns how many, or
 * -EBADMSG when a header's length does not fit the ring (the kernel's
 * bug, not ours to walk past). */
long ring_consume(struct ring *r)
{
	unsigned long cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);
	unsigned long published = cons, part = r->size / RING_PUBLISH_PART;
	long n = 0;

	if (part > RING_PUBLISH_MAX)
		part = RING_PUBLISH_MAX;

	for (;;) {
		unsigned long prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);

		if (cons == prod)
			break;
		while (cons != prod) {
			const uint32_t *hdr = (const uint32_t *)(r->data + (cons & (r->size - 1)));
			uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
			size_t body = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
			size_t total = (body + BPF_RINGBUF_HDR_SZ + 7) & ~(size_t)7;

			if (len & BPF_RINGBUF_BUSY_BIT)
				goto out;   /* reserved, not yet committed */
			if (total > r->size || total > prod - cons) {
				__atomic_store_n(r->cons, cons, __ATOMIC_RELEASE);
				return -EBADMSG;
			}
			if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
				r->fn(r->arg, (void *)(hdr + 2), body);
				n++;
			}
			cons += total;
			if (cons - published >= part) {
				__atomic_store_n(r->cons, cons, __ATOMIC_RELEASE);
				published = cons;
			}
		}
	}
out:
	if (cons != published)
		__atomic_store_n(r->cons, cons, __ATOMIC_RELEASE);
	return n;
}

/* Wait up to timeout_ms for the kernel's wakeup (the programs wake the
 * reader only when a lot is waiting), then consume what is there. */
long ring_poll(struct ring *r, int timeout_ms)
{
	struct epoll_event ev;

	if (epoll_wait(r->epfd, &ev, 1, timeout_ms) < 0)
		return -errno;
	return ring_consume(r);
}
