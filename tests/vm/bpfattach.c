/* SPDX-License-Identifier: MIT */
/*
 * bpfattach OBJ PROG[,PROG...] CMD [ARG...]
 *
 * Loads the named programs of a BPF object, attaches each the way its
 * section says (fentry, kprobe, ...), runs CMD, then prints every global
 * __u64 of the object's .bss as "NAME VALUE" on stdout.  A test helper
 * for the kernel matrix (tests/t5000-vm.sh, tests/vm/matrix.sh): it tells
 * which attach mechanisms a kernel really offers, not just which it
 * advertises.  Exit: CMD's status; 3 when a program does not load or
 * attach (the reason on stderr, one line per program); 2 usage.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int wanted(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	while ((p = strstr(p, name)) != NULL) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static int print_bss(struct bpf_object *obj)
{
	struct bpf_map *map = NULL, *m;
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct btf *btf = bpf_object__btf(obj);
	unsigned char *val;
	__u32 zero = 0;
	size_t size;
	int i, id;

	bpf_object__for_each_map(m, obj)
		if (strstr(bpf_map__name(m), ".bss"))
			map = m;
	if (!map || !btf)
		return -1;
	size = bpf_map__value_size(map);
	val = calloc(1, size);
	if (!val || bpf_map__lookup_elem(map, &zero, sizeof(zero), val, size, 0)) {
		free(val);
		return -1;
	}
	id = btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC);
	sec = id > 0 ? btf__type_by_id(btf, id) : NULL;
	for (i = 0, vs = sec ? btf_var_secinfos(sec) : NULL; sec && i < btf_vlen(sec); i++, vs++) {
		const struct btf_type *var = btf__type_by_id(btf, vs->type);
		unsigned long long v;

		/* every length from the object is checked against the map */
		if (vs->size != sizeof(v) || vs->offset > size - sizeof(v))
			continue;
		memcpy(&v, val + vs->offset, sizeof(v));
		printf("%s %llu\n", btf__name_by_offset(btf, var->name_off), v);
	}
	free(val);
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog;
	int n = 0, bad = 0, status;
	pid_t pid;

	if (argc < 4) {
		fprintf(stderr, "usage: bpfattach OBJ PROG[,PROG...] CMD [ARG...]\n");
		return 2;
	}
	libbpf_set_print(getenv("BPFATTACH_DEBUG") ? NULL : quiet_libbpf);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "bpfattach: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	bpf_object__for_each_program(prog, obj) {
		int on = wanted(argv[2], bpf_program__name(prog));

		bpf_program__set_autoload(prog, on);
		n += on;
	}
	if (n == 0) {
		fprintf(stderr, "bpfattach: %s: no program named %s\n", argv[1], argv[2]);
		return 2;
	}
	if (bpf_object__load(obj)) {
		fprintf(stderr, "bpfattach: load: %s\n", strerror(errno));
		return 3;
	}
	bpf_object__for_each_program(prog, obj) {
		if (!bpf_program__autoload(prog))
			continue;
		if (!bpf_program__attach(prog)) {
			fprintf(stderr, "bpfattach: %s: attach: %s\n",
				bpf_program__name(prog), strerror(errno));
			bad = 1;
		}
	}
	if (bad)
		return 3;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "bpfattach: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "bpfattach: fork: %s\n", strerror(errno));
		return 2;
	}
	if (print_bss(obj)) {
		fprintf(stderr, "bpfattach: cannot read the counters\n");
		return 2;
	}
	bpf_object__close(obj);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
