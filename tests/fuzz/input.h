/* SPDX-License-Identifier: MIT */
/*
 * input.h - what the fuzz targets share: the input bytes as a reader (in a
 * memfd, read by skbr_open_fd() as a file would be: the reader's own
 * buffering and gzip members are what is fuzzed), and an output nobody
 * reads (the printers and writers run in full, the bytes go nowhere).
 */
#ifndef SKB_FUZZ_INPUT_H
#define SKB_FUZZ_INPUT_H

#include "skb.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static int fuzz_memfd = -1;

static inline struct skb_reader *fuzz_reader(const uint8_t *data, size_t size)
{
	if (fuzz_memfd < 0 && (fuzz_memfd = memfd_create("fuzz", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fuzz_memfd, 0))
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t k = pwrite(fuzz_memfd, data + off, size - off, (off_t)off);
		if (k <= 0)
			abort();
		off += (size_t)k;
	}
	if (lseek(fuzz_memfd, 0, SEEK_SET) != 0)
		abort();
	struct skb_reader *r = skbr_open_fd(fuzz_memfd, "fuzz");
	if (!r)
		abort();
	return r;
}

static inline int fuzz_sink_fd(void)
{
	static int fd = -1;

	if (fd < 0 && (fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) < 0)
		abort();
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
