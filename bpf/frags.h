/* SPDX-License-Identifier: MIT */
/*
 * frags.h - the packet bytes that are not in the linear area: the page
 * fragments of skb_shinfo(skb)->frags[], then the frag_list members (their
 * linear part, then their fragments), as tcpdump sees them.
 *
 * A fragment names a struct page (or, from 6.8 on, a netmem_ref whose low
 * bit marks a net_iov: device memory the CPU cannot read).  Its bytes are
 * at page_address(page) + offset; on x86-64 that is the direct map:
 *
 *     pfn  = (page - vmemmap_base) / sizeof(struct page)
 *     addr = page_offset_base + pfn * 4096 + offset
 *
 * Both bases move with KASLR (CONFIG_RANDOMIZE_MEMORY).  User space finds
 * the two variables in /proc/kallsyms and the program reads their values
 * once; where kallsyms does not list them, the unrandomised defaults are
 * used.  A page pointer that does not give a pfn below the machine's
 * highest pfn (from /proc/zoneinfo) is not read: the event is flagged
 * SKBREC_MISSING instead of carrying wrong bytes.
 *
 * skb_frag_t is struct bio_vec (page, len, offset) before 6.2 and struct
 * skb_frag (page or netmem, len, offset) after: the same three 8/4/4-byte
 * fields in the same order, so one 16-byte read serves both.
 *
 * Included by skbrec.bpf.c only.
 */
#ifndef SKBREC_FRAGS_H
#define SKBREC_FRAGS_H

#define FRAG_STEPS    48   /* fragments + frag_list members (MAX_SKB_FRAGS: 17 by
			    * default, 45 at most) */
#define PAGE_SHIFT_X86 12

/* Set by user space before load. */
const volatile __u64 mem_pob_sym = 0;       /* &page_offset_base, 0: not known */
const volatile __u64 mem_vmemmap_sym = 0;   /* &vmemmap_base, 0: not known */
const volatile __u64 mem_pob_default = 0xffff888000000000ULL;
const volatile __u64 mem_vmemmap_default = 0xffffea0000000000ULL;
const volatile __u64 mem_max_pfn = 0;       /* 0: fragments are never read */

/* The bases in use, read once (racing CPUs store the same values). */
__u64 mem_pob, mem_vmemmap;

struct frag16 {
	__u64 page;     /* struct page *, or netmem_ref */
	__u32 len;
	__u32 off;
};

static __always_inline int mem_bases(void)
{
	__u64 pob = mem_pob_default, vm = mem_vmemmap_default;

	if (mem_pob)
		return 0;
	if (!mem_max_pfn)
		return -1;
	if (mem_pob_sym && bpf_probe_read_kernel(&pob, sizeof(pob), (void *)mem_pob_sym))
		return -1;
	if (mem_vmemmap_sym && bpf_probe_read_kernel(&vm, sizeof(vm), (void *)mem_vmemmap_sym))
		return -1;
	mem_vmemmap = vm;
	mem_pob = pob;
	return 0;
}

/* Kernel address of a fragment's bytes, 0 when they cannot be read. */
static __always_inline __u64 frag_addr(const struct frag16 *f)
{
	__u64 psz = bpf_core_type_size(struct page), pfn;

	if ((f->page & 1) || f->page < mem_vmemmap || !psz)
		return 0;   /* net_iov (device memory), or not a page */
	pfn = (f->page - mem_vmemmap) / psz;
	if (pfn >= mem_max_pfn)
		return 0;
	return mem_pob + (pfn << PAGE_SHIFT_X86) + f->off;
}

/*
 * Where the copy stands.  It lives in the scratch slot behind the event's
 * two snaplens of data (frag_state_of), not on the stack: the verifier does
 * not track values in map memory, so the loop below reaches the same state
 * whatever path an iteration took, and its walk stays linear in the number
 * of steps instead of doubling with each one.
 */
struct frag_state {
	__u64 sh;       /* struct skb_shared_info * whose fragments come next */
	__u64 next;     /* next frag_list member */
	__u32 off;      /* bytes in e->data so far */
	__u32 i, nr;    /* fragment index, count in sh */
	__u32 missing;  /* some bytes could not be read */
	__u32 pre;      /* -f ran on the first bytes alone (skbrec.bpf.c) */
};

static __always_inline struct frag_state *frag_state_of(struct skbrec_event *e)
{
	return (struct frag_state *)(e->data + 2 * (__u64)snaplen);
}

/* n bytes from kernel address src to e->data + fs->off, within snaplen
 * (the slot holds 2 * snaplen bytes so that the verifier accepts a copy at
 * a variable offset below snaplen of a length below snaplen). */
static __always_inline void copy_bytes(struct skbrec_event *e, struct frag_state *fs,
				       __u64 src, __u32 n)
{
	__u32 off = fs->off;

	if (off >= snaplen || !n)
		return;
	if (n > snaplen - off)
		n = snaplen - off;
	if (!src || bpf_probe_read_kernel(e->data + clamp(off, snaplen), clamp(n, snaplen),
					  (void *)src)) {
		fs->missing = 1;
		return;
	}
	fs->off = off + n;
}

/*
 * The fragments of skb_shinfo fs->sh in order, then each frag_list
 * member's linear data and fragments: one flat loop of at most FRAG_STEPS
 * steps (a fragment or a member each).  Steps left over mean bytes left
 * out: missing.
 */
static __always_inline void copy_paged(struct skbrec_event *e, struct frag_state *fs)
{
	struct skb_shared_info *sh0 = (struct skb_shared_info *)fs->sh;
	bool bases = !mem_bases();
	struct frag16 f;

	/* (BPF_CORE_READ on a local variable: on fs->sh it would relocate
	 * struct frag_state against the kernel's BTF too) */
	fs->next = (__u64)BPF_CORE_READ(sh0, frag_list);
	fs->nr = BPF_CORE_READ(sh0, nr_frags);
	fs->i = 0;
	for (__u32 step = 0; step < FRAG_STEPS; step++) {
		struct skb_shared_info *sh = (struct skb_shared_info *)fs->sh;
		struct sk_buff *m = (struct sk_buff *)fs->next;
		__u32 i = fs->i;

		if (fs->off >= snaplen || fs->missing)
			return;
		if (i < fs->nr) {
			if (!bases || bpf_probe_read_kernel(&f, sizeof(f), &sh->frags[i & 0xff])) {
				fs->missing = 1;
				return;
			}
			copy_bytes(e, fs, frag_addr(&f), f.len);
			fs->i = i + 1;
			continue;
		}
		if (!m)
			return;
		/* the next frag_list member: its linear data, then its fragments */
		unsigned char *head = BPF_CORE_READ(m, head);
		__u32 len = BPF_CORE_READ(m, len), data_len = BPF_CORE_READ(m, data_len);

		if (len >= data_len)
			copy_bytes(e, fs, (__u64)BPF_CORE_READ(m, data), len - data_len);
		sh = (struct skb_shared_info *)(head + BPF_CORE_READ(m, end));
		fs->sh = (__u64)sh;
		fs->nr = BPF_CORE_READ(sh, nr_frags);
		fs->i = 0;
		fs->next = (__u64)BPF_CORE_READ(m, next);
	}
	if ((fs->i < fs->nr || fs->next) && fs->off < snaplen)
		fs->missing = 1;
}

#endif
