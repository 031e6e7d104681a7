/* SPDX-License-Identifier: MIT */
/* xlate-load.h - a translated -f filter loaded into the running kernel
 * (tests/skbrec/xlate-diff.c, tests/fuzz/fuzz-xlate.c). */
#ifndef SKB_XLATE_LOAD_H
#define SKB_XLATE_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct bpf_insn;

/*
 * body (n instructions, xlate_cbpf()/filter_build() output for maxlen
 * bytes) as the subprogram of a BPF_PROG_TYPE_SYSCALL program whose context
 * is { u32 caplen, wirelen, l2, pad; u8 data[maxlen] }: the bytes are
 * copied into map_fd's value (an array map, one entry of at least maxlen
 * bytes), as skbrec's programs read a map value.  The program fd, or -1
 * with errno and the verifier's log in log[logsz].
 */
int xlate_load(int map_fd, const struct bpf_insn *body, size_t n, uint32_t maxlen,
	       char *log, size_t logsz);

#endif
