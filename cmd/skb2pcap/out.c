/* SPDX-License-Identifier: MIT */
/* out.c - buffered output on a file descriptor (see out.h). */
#include "out.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define OUT_BUF_SIZE (1u << 20)

void out_init(struct out *o, int fd)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->cap = OUT_BUF_SIZE;
	o->buf = malloc(o->cap);
	if (!o->buf)
		o->err = ENOMEM;
}

int out_flush(struct out *o)
{
	size_t done = 0;
	while (!o->err && done < o->len) {
		ssize_t n = write(o->fd, o->buf + done, o->len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			o->err = n < 0 ? errno : EIO;
		else
			done += (size_t)n;
	}
	o->len = 0;
	return -o->err;
}

uint8_t *out_reserve(struct out *o, size_t n)
{
	if (o->err)
		return NULL;
	if (o->cap - o->len < n && out_flush(o))
		return NULL;
	if (o->cap < n) {
		/* one record larger than the buffer: grow it */
		uint8_t *b = realloc(o->buf, n);
		if (!b) {
			o->err = ENOMEM;
			return NULL;
		}
		o->buf = b;
		o->cap = n;
	}
	return o->buf + o->len;
}

void out_commit(struct out *o, size_t n)
{
	o->len += n;
}

void out_free(struct out *o)
{
	free(o->buf);
	o->buf = NULL;
}
