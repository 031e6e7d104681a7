/* SPDX-License-Identifier: MIT */
/*
 * kbtf.c - the running kernel's BTF (vmlinux and modules): where a
 * function's or tracepoint's struct sk_buff * argument is, and the names of
 * enum skb_drop_reason.
 */
#include "skbrec.h"
#include "cli.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VMLINUX_BTF "/sys/kernel/btf/vmlinux"

int kbtf_load(struct kbtf *k, bool modules)
{
	struct btf *v;
	DIR *d;
	struct dirent *de;

	memset(k, 0, sizeof(*k));
	if (access(VMLINUX_BTF, R_OK)) {
		skb_warn("kernel BTF not available (%s: %s): skbrec needs a kernel "
			 "built with CONFIG_DEBUG_INFO_BTF=y", VMLINUX_BTF, strerror(errno));
		return -1;
	}
	v = btf__load_vmlinux_btf();
	if (!v) {
		skb_warn("cannot read kernel BTF %s: %s", VMLINUX_BTF, strerror(errno));
		return -1;
	}
	k->src = calloc(1, sizeof(*k->src));
	if (!k->src) {
		btf__free(v);
		skb_warn("out of memory");
		return -1;
	}
	snprintf(k->src[0].name, sizeof(k->src[0].name), "vmlinux");
	k->src[0].btf = v;
	k->n = 1;
	if (!modules)
		return 0;
	d = opendir("/sys/kernel/btf");
	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[512];
		struct btf *m;
		struct kbtf_src *ns;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux") ||
		    strlen(de->d_name) >= sizeof(k->src[0].name))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/btf/%s", de->d_name);
		m = btf__parse_split(path, v);
		if (!m)
			continue;   /* a module going away: nothing to probe there */
		ns = realloc(k->src, (k->n + 1) * sizeof(*ns));
		if (!ns) {
			btf__free(m);
			break;
		}
		k->src = ns;
		snprintf(k->src[k->n].name, sizeof(k->src[0].name), "%s", de->d_name);
		k->src[k->n].btf = m;
		k->n++;
	}
	closedir(d);
	return 0;
}

void kbtf_free(struct kbtf *k)
{
	for (int i = k->n - 1; i >= 0; i--)
		btf__free(k->src[i].btf);
	free(k->src);
	memset(k, 0, sizeof(*k));
}

int kbtf_obj_fd(const struct kbtf_src *s)
{
	__u32 id = 0;

	if (!strcmp(s->name, "vmlinux"))
		return 0;
	/* Module BTF objects are found by name among the kernel's BTF ids. */
	while (!bpf_btf_get_next_id(id, &id)) {
		char name[64] = "";
		struct bpf_btf_info info;
		__u32 len = sizeof(info);
		int fd = bpf_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = (__u64)(unsigned long)name;
		info.name_len = sizeof(name);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.kernel_btf &&
		    !strcmp(name, s->name))
			return fd;
		close(fd);
	}
	return -1;
}

/* Skip typedefs and qualifiers. */
static const struct btf_type *skip_mods(const struct btf *btf, uint32_t id, uint32_t *out)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	if (out)
		*out = id;
	return t;
}

static bool is_skb_ptr(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = skip_mods(btf, id, NULL);

	if (!t || !btf_is_ptr(t))
		return false;
	t = skip_mods(btf, t->type, NULL);
	return t && btf_is_struct(t) &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "sk_buff");
}

static bool is_drop_reason(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = skip_mods(btf, id, NULL);

	return t && btf_is_enum(t) &&
	       !strcmp(btf__name_by_offset(btf, t->name_off), "skb_drop_reason");
}

void kbtf_proto_args(const struct btf *btf, uint32_t proto_id, int skip,
		     struct kbtf_args *a)
{
	const struct btf_type *t = btf__type_by_id(btf, proto_id);
	const struct btf_param *p;
	int n;

	a->skb = a->reason = -1;
	if (!t || !btf_is_func_proto(t))
		return;
	n = btf_vlen(t);
	p = btf_params(t);
	for (int i = skip; i < n; i++) {
		if (p[i].type == 0)   /* "..." */
			break;
		if (a->skb < 0 && is_skb_ptr(btf, p[i].type))
			a->skb = i - skip;
		else if (a->reason < 0 && is_drop_reason(btf, p[i].type))
			a->reason = i - skip;
	}
}

int kbtf_drop_reasons(const struct kbtf *k,
		      int (*fn)(void *arg, uint32_t value, const char *name), void *arg)
{
	const struct btf *btf = k->src[0].btf;
	int id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	const struct btf_type *t;
	const struct btf_enum *e;
	static const char prefix[] = "SKB_DROP_REASON_";
	int n = 0;

	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	e = btf_enum(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(btf, e[i].name_off);

		if (!name)
			continue;
		if (!strncmp(name, prefix, sizeof(prefix) - 1))
			name += sizeof(prefix) - 1;
		if (!strcmp(name, "MAX"))
			continue;
		n++;
		if (fn(arg, (uint32_t)e[i].val, name))
			break;
	}
	return n;
}

/* Byte offset of the top-level member name of struct sk_buff, -1: none. */
static int skb_member_off(const struct btf *btf, const char *name)
{
	int id = btf__find_by_name_kind(btf, "sk_buff", BTF_KIND_STRUCT);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;
	const struct btf_member *m = t ? btf_members(t) : NULL;

	for (int i = 0; t && i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return btf_member_bit_offset(t, (uint32_t)i) % 8 ? -1 :
			       (int)(btf_member_bit_offset(t, (uint32_t)i) / 8);
	return -1;
}

/*
 * Does the verifier type skb->head, read from a BTF-typed sk_buff, as
 * memory the program may load from (read-only untrusted memory: 6.17 and
 * later), rather than as a number?  Then the tp_btf, fentry and fexit
 * programs read the buffer's pointers and run the -f filter's first pass
 * on the packet in place, without bpf_probe_read_kernel (bpf/skbrec.bpf.c,
 * ptr_mem).  Asked of the verifier itself, with the loads and the pointer
 * subtractions those programs make, on net:netif_receive_skb.
 */
bool kbtf_ptr_mem(const struct kbtf *k)
{
	const struct btf *btf = k->n ? k->src[0].btf : NULL;
	int tp = btf ? btf__find_by_name_kind(btf, "btf_trace_netif_receive_skb",
					      BTF_KIND_TYPEDEF) : -1;
	int head = btf ? skb_member_off(btf, "head") : -1;
	int data = btf ? skb_member_off(btf, "data") : -1;
	int fd;

	if (tp <= 0 || head < 0 || data < 0)
		return false;

	const struct bpf_insn prog[] = {
		/* r1 = the sk_buff, r2 = skb->head, r3 = skb->data */
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 1, .src_reg = 1 },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 2, .src_reg = 1,
		  .off = (int16_t)head },
		{ .code = BPF_LDX | BPF_MEM | BPF_DW, .dst_reg = 3, .src_reg = 1,
		  .off = (int16_t)data },
		/* r4 = head - skb, r3 = data - head: numbers */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = 4, .src_reg = 2 },
		{ .code = BPF_ALU64 | BPF_SUB | BPF_X, .dst_reg = 4, .src_reg = 1 },
		{ .code = BPF_ALU64 | BPF_SUB | BPF_X, .dst_reg = 3, .src_reg = 2 },
		/* a byte loaded through head at a variable offset */
		{ .code = BPF_ALU64 | BPF_ADD | BPF_X, .dst_reg = 2, .src_reg = 3 },
		{ .code = BPF_LDX | BPF_MEM | BPF_B, .dst_reg = 0, .src_reg = 2 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = (uint32_t)tp);

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "skbrec_probe", "Dual MIT/GPL", prog,
			   sizeof(prog) / sizeof(prog[0]), &opts);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}
