/* SPDX-License-Identifier: MIT */
/*
 * jitimg ID FILE - write the machine code the kernel's JIT made of BPF
 * program ID to FILE and print its tag (the hex in perf's symbol
 * bpf_prog_TAG_NAME) on stdout.  bench/bpf-profile.sh disassembles it to
 * name the instructions perf's samples fall on: Debian's bpftool cannot
 * dump JIT code (it is built without libbfd).  A benchmark helper, root
 * only, never installed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

int main(int argc, char **argv)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info), n;
	unsigned char *img;
	char *end;
	FILE *f;
	long id;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: jitimg ID FILE\n");
		return 2;
	}
	id = strtol(argv[1], &end, 10);
	if (*end || id <= 0 || id > 0x7fffffff) {
		fprintf(stderr, "jitimg: '%s' is not a program id\n", argv[1]);
		return 2;
	}
	fd = bpf_prog_get_fd_by_id((__u32)id);
	memset(&info, 0, sizeof(info));
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "jitimg: program %ld: %s\n", id, strerror(errno));
		return 1;
	}
	/* the second call fills the buffer the first one sized */
	n = info.jited_prog_len;
	if (!n || !(img = malloc(n))) {
		fprintf(stderr, "jitimg: program %ld has no JIT image\n", id);
		return 1;
	}
	memset(&info, 0, sizeof(info));
	info.jited_prog_len = n;
	info.jited_prog_insns = (__u64)(unsigned long)img;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.jited_prog_len > n) {
		fprintf(stderr, "jitimg: program %ld: its image changed size\n", id);
		return 1;
	}
	if (!(f = fopen(argv[2], "wb")) || fwrite(img, 1, info.jited_prog_len, f) != info.jited_prog_len ||
	    fclose(f)) {
		fprintf(stderr, "jitimg: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < sizeof(info.tag); i++)
		printf("%02x", info.tag[i]);
	printf("\n");
	free(img);
	close(fd);
	return 0;
}
