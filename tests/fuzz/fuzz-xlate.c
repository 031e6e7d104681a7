/* SPDX-License-Identifier: MIT */
/*
 * fuzz-xlate - random classic BPF programs (8 bytes an instruction, the
 * layout of struct sock_filter) through skbrec's translator: each is
 * refused with a reason, or becomes eBPF that the running kernel's verifier
 * accepts as skbrec's filter subprogram (tests/skbrec/xlate-load.c).  A
 * translation the verifier refuses is a bug: the target aborts with the
 * verifier's log.  Without root or BPF only the translator runs (said once).
 */
#include "input.h"
#include "skbrec.h"
#include "../skbrec/xlate-load.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>

#define MAXLEN 512
#define MAX_INSNS 4096   /* BPF_MAXINSNS of classic BPF */

static int map_fd = -2;   /* -2: not tried yet, -1: no kernel check */
static char log_buf[1 << 20];

static void kernel_check(const struct bpf_insn *body, size_t n)
{
	if (map_fd == -2) {
		map_fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "fuzz_xlate", 4, MAXLEN, 1, NULL);
		if (map_fd < 0)
			fprintf(stderr, "fuzz-xlate: no kernel check (%s): the translator only\n",
				strerror(errno));
	}
	if (map_fd < 0)
		return;
	int fd = xlate_load(map_fd, body, n, MAXLEN, log_buf, sizeof(log_buf));
	if (fd >= 0) {
		close(fd);
		return;
	}
	if (errno == EPERM || errno == ENOSYS || errno == EOPNOTSUPP) {
		fprintf(stderr, "fuzz-xlate: no kernel check (%s): the translator only\n",
			strerror(errno));
		close(map_fd);
		map_fd = -1;
		return;
	}
	fprintf(stderr, "fuzz-xlate: the verifier refused a translation (%s):\n%s\n",
		strerror(errno), log_buf);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size / sizeof(struct cbpf_insn);
	struct cbpf_insn *prog;
	struct bpf_insn *out = NULL;
	size_t nout = 0;
	char err[256];

	if (n == 0 || n > MAX_INSNS)
		return 0;
	prog = malloc(n * sizeof(*prog));
	if (!prog)
		return 0;
	memcpy(prog, data, n * sizeof(*prog));
	/* the bound skbrec copies before filtering: any program, within maxlen */
	uint32_t need = cbpf_need(prog, n, MAXLEN);

	if (need > MAXLEN && need != FILTER_NEED_ANY) {
		fprintf(stderr, "fuzz-xlate: cbpf_need %u past %u\n", need, MAXLEN);
		abort();
	}
	if (xlate_cbpf(prog, n, MAXLEN, &out, &nout, err, sizeof(err)) == 0) {
		kernel_check(out, nout);
		free(out);
	} else if (!err[0]) {
		fprintf(stderr, "fuzz-xlate: refused without a reason\n");
		abort();
	}
	free(prog);
	return 0;
}
