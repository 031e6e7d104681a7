/* SPDX-License-Identifier: MIT */
/* xlate-load.c - see xlate-load.h. */
#include "xlate-load.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

/*
 * The wrapper: copy the packet out of the context into a map value (the
 * translated code reads a map value, as in skbrec), then call it.
 *   r6 = ctx; r0 = lookup(map, 0); if !r0 exit 0
 *   probe_read_kernel(r0, maxlen, ctx + 16)
 *   r0 = match(value, ctx->caplen, ctx->wirelen, ctx->l2); exit
 */
int xlate_load(int map_fd, const struct bpf_insn *body, size_t n, uint32_t maxlen,
	       char *log, size_t logsz)
{
	struct bpf_insn head[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 6, .src_reg = 1 },
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = 10, .off = -4, .imm = 0 },
		{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = map_fd },
		{ 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 2, .src_reg = 10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 2, .imm = -4 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = 0, .off = 2, .imm = 0 },
		{ .code = BPF_ALU | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 7, .src_reg = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 1, .src_reg = 7 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 2, .imm = (int32_t)maxlen },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 3, .src_reg = 6 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = 3, .imm = 16 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_probe_read_kernel },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 1, .src_reg = 7 },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 2, .src_reg = 6, .off = 0 },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 3, .src_reg = 6, .off = 4 },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 4, .src_reg = 6, .off = 8 },
		{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	size_t nh = sizeof(head) / sizeof(head[0]), total = nh + n;
	struct bpf_insn *v = malloc(total * sizeof(*v));
	LIBBPF_OPTS(bpf_prog_load_opts, o, .log_buf = log, .log_size = (uint32_t)logsz,
		    .log_level = log ? 1 : 0,
		    .prog_flags = BPF_F_SLEEPABLE);   /* syscall programs must be */
	int fd, saved;

	if (!v) {
		errno = ENOMEM;
		return -1;
	}
	if (log && logsz)
		log[0] = 0;
	memcpy(v, head, sizeof(head));
	memcpy(v + nh, body, n * sizeof(*v));
	fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "xlate", "Dual MIT/GPL", v, total, &o);
	saved = errno;
	free(v);
	errno = saved;
	return fd;
}
