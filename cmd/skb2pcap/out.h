/* SPDX-License-Identifier: MIT */
/*
 * out.h - a write buffer on a file descriptor.  Records are built in place
 * (out_reserve, then out_commit) so a packet is copied once; the first write
 * error sticks in err and every later call is a no-op.
 */
#ifndef SKB2PCAP_OUT_H
#define SKB2PCAP_OUT_H

#include <stddef.h>
#include <stdint.h>

struct out {
	int fd;
	int err;                /* 0, or the errno of the first failed write */
	uint8_t *buf;
	size_t len, cap;
};

void out_init(struct out *o, int fd);
/* n bytes to fill at the end of the buffer, or NULL after an error. */
uint8_t *out_reserve(struct out *o, size_t n);
void out_commit(struct out *o, size_t n);
/* Everything buffered to the fd: 0, or -errno (also kept in err). */
int out_flush(struct out *o);
void out_free(struct out *o);

#endif
