/* SPDX-License-Identifier: MIT */
/*
 * events.c - one ring-buffer record (struct skbrec_event + bytes) into one
 * struct skb_event for the writer.  The writer interns dictionaries by
 * content; here we keep one long-lived object per interface, context and
 * stack so that nothing is rebuilt per event (hash tables, never freed
 * before the end: the writer may point at them).
 */
#include "skbrec.h"
#include "cli.h"
#include "../../bpf/skbrec.h"

#include <bpf/bpf.h>
#include <stdlib.h>
#include <string.h>

/* events_decode() copies these flags as they are: the two headers agree. */
_Static_assert(SKBREC_L2 == SKB_EV_L2, "SKBREC_L2 != SKB_EV_L2");
_Static_assert(SKBREC_L3 == SKB_EV_L3, "SKBREC_L3 != SKB_EV_L3");
_Static_assert(SKBREC_DROP == SKB_EV_DROP, "SKBREC_DROP != SKB_EV_DROP");
_Static_assert(SKBREC_MAC_SET == SKB_EV_MAC_SET, "SKBREC_MAC_SET != SKB_EV_MAC_SET");
_Static_assert(SKBREC_MISSING == SKB_EV_MISSING, "SKBREC_MISSING != SKB_EV_MISSING");

struct iface_node {
	struct iface_node *next;
	struct skb_iface i;
	char name[SKBREC_IFNAMSIZ + 1];
};

struct ctx_node {
	struct ctx_node *next;
	struct skb_ctx c;
	char comm[SKBREC_COMM_LEN + 1];
};

struct stack_node {
	struct stack_node *next;
	int32_t kid;            /* kernel stack id */
	struct skb_stack s;
	struct skb_stack_frame f[SKBREC_STACK_MAX];
};

#define NBUCKET 4096   /* power of two */

struct events {
	struct rec_probes *ps;
	int stack_fd;
	struct ksyms *ks;
	bool ks_tried;
	struct iface_node *ifaces[NBUCKET];
	struct ctx_node *ctxs[NBUCKET];
	struct stack_node *stacks[NBUCKET];
	uint64_t malformed;
};

static void load_ksyms(struct events *es)
{
	es->ks = ksyms_load();
	es->ks_tried = true;
	if (!es->ks)
		skb_warn("cannot read /proc/kallsyms: stacks keep bare addresses");
}

struct events *events_new(struct rec_probes *ps, int stack_fd)
{
	struct events *es = calloc(1, sizeof(*es));

	if (!es)
		return NULL;
	es->ps = ps;
	es->stack_fd = stack_fd;
	/* Symbols now, while still privileged: after -Z the kernel shows
	 * /proc/kallsyms with every address 0. */
	for (size_t i = 0; i < ps->n && !es->ks_tried; i++)
		if (ps->v[i].stack)
			load_ksyms(es);
	return es;
}

static uint32_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h & (NBUCKET - 1);
}

/* Names from the kernel are char[16] buffers: the same device or task
 * mostly brings the same 16 bytes (a fixed-size compare, inlined), and the
 * string compare decides when the bytes after the NUL differ. */
_Static_assert(SKBREC_IFNAMSIZ == 16 && SKBREC_COMM_LEN == 16, "name buffers of 16");
static bool same_name(const char *kept, const char *rec)
{
	return !memcmp(kept, rec, 16) || !strncmp(kept, rec, 16);
}

static const struct skb_iface *iface_of(struct events *es, const struct skbrec_event *r)
{
	uint32_t b = mix((uint64_t)r->netns << 32 | r->ifindex);
	struct iface_node *n;

	for (n = es->ifaces[b]; n; n = n->next)
		if (n->i.ifindex == r->ifindex && n->i.netns == r->netns &&
		    same_name(n->name, r->ifname))
			return &n->i;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	memcpy(n->name, r->ifname, SKBREC_IFNAMSIZ);   /* NUL at [16] from calloc */
	n->i.netns = r->netns;
	n->i.ifindex = r->ifindex;
	n->i.name = n->name;
	n->next = es->ifaces[b];
	es->ifaces[b] = n;
	return &n->i;
}

static const struct skb_ctx *ctx_of(struct events *es, const struct skbrec_event *r)
{
	uint32_t b = mix((uint64_t)r->tid << 16 ^ r->cpu ^ (uint64_t)r->pid << 40);
	struct ctx_node *n;

	for (n = es->ctxs[b]; n; n = n->next)
		if (n->c.tid == r->tid && n->c.cpu == r->cpu && n->c.pid == r->pid &&
		    same_name(n->comm, r->comm))
			return &n->c;
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	memcpy(n->comm, r->comm, SKBREC_COMM_LEN);
	n->c.cpu = (uint16_t)r->cpu;
	n->c.pid = r->pid;
	n->c.tid = r->tid;
	n->c.comm = n->comm;
	n->next = es->ctxs[b];
	es->ctxs[b] = n;
	return &n->c;
}

static bool is_glue(const char *sym)
{
	static const char *const glue[] = {
		"bpf_prog_", "bpf_trace_run", "__traceiter_", "__bpf_trace_",
		"bpf_trampoline_", "__bpf_prog_enter", "kprobe_", "trace_call_bpf",
		"kprobe_perf_func", "kretprobe_", "__kretprobe_", "rethook_",
		"arch_rethook_", "fprobe_", "ftrace_",
	};

	for (size_t i = 0; i < sizeof(glue) / sizeof(glue[0]); i++)
		if (!strncmp(sym, glue[i], strlen(glue[i])))
			return true;
	return false;
}

/* Stack ids are stable while the map entry lives (never deleted here). */
static const struct skb_stack *stack_of(struct events *es, int32_t kid)
{
	uint32_t b = mix((uint32_t)kid);
	struct stack_node *n;
	uint64_t ips[SKBREC_STACK_MAX];

	for (n = es->stacks[b]; n; n = n->next)
		if (n->kid == kid)
			return &n->s;
	memset(ips, 0, sizeof(ips));
	if (bpf_map_lookup_elem(es->stack_fd, &kid, ips))
		return NULL;
	if (!es->ks_tried)
		load_ksyms(es);
	n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->kid = kid;
	bool top = true;

	for (int i = 0; i < SKBREC_STACK_MAX && ips[i]; i++) {
		struct skb_stack_frame *f = &n->f[n->s.n];
		const char *sym = ksyms_find(es->ks, ips[i], &f->off);

		/* the innermost frames are skbrec's own program and the
		 * tracing glue that called it: not the user's stack */
		if (top && sym && is_glue(sym))
			continue;
		top = false;
		f->addr = ips[i];
		f->sym = sym ? sym : "";
		if (!sym)
			f->off = 0;
		n->s.n++;
	}
	n->s.frame = n->f;
	n->next = es->stacks[b];
	es->stacks[b] = n;
	return &n->s;
}

int events_decode(struct events *es, const void *data, size_t size, struct skb_event *ev)
{
	const struct skbrec_event *r = data;

	if (size < sizeof(*r) || r->caplen > size - sizeof(*r) ||
	    r->probe >= es->ps->n || r->caplen > r->orig_len) {
		es->malformed++;
		return -1;
	}
	skb_event_clear(ev);
	ev->ts = r->ts;
	ev->skb = r->skb;
	ev->track = r->track;
	ev->probe = &es->ps->v[r->probe].p;
	ev->iface = (r->flags & SKBREC_NO_DEV) ? NULL : iface_of(es, r);
	ev->ctx = ctx_of(es, r);
	ev->stack = r->stack_id >= 0 ? stack_of(es, r->stack_id) : NULL;
	ev->netns = r->netns;
	ev->flags = r->flags & (SKB_EV_L2 | SKB_EV_L3 | SKB_EV_DROP | SKB_EV_MAC_SET |
				SKB_EV_MISSING);
	ev->pkt_type = r->pkt_type;
	ev->l3_off = r->l3_off;
	ev->l4_off = r->l4_off;
	ev->orig_len = r->orig_len;
	ev->caplen = r->caplen;
	ev->len = r->len;
	ev->data_len = r->data_len;
	ev->protocol = r->protocol;
	ev->queue_mapping = r->queue_mapping;
	ev->mark = r->mark;
	ev->hash = r->hash;
	ev->priority = r->priority;
	ev->vlan_tci = r->vlan_tci;
	ev->vlan_proto = r->vlan_proto;
	ev->ip_summed = r->ip_summed;
	ev->csum_level = r->csum_level;
	ev->cloned = r->cloned;
	ev->fclone = r->fclone;
	ev->users = r->users;
	ev->gso_size = r->gso_size;
	ev->gso_segs = r->gso_segs;
	ev->gso_type = r->gso_type;
	ev->drop_reason = r->drop_reason;
	ev->rx_ifindex = r->rx_ifindex;
	ev->data = r->data;
	return 0;
}

uint64_t events_malformed(const struct events *es)
{
	return es->malformed;
}

void events_free(struct events *es)
{
	if (!es)
		return;
	for (int b = 0; b < NBUCKET; b++) {
		for (struct iface_node *n = es->ifaces[b], *x; n; n = x) {
			x = n->next;
			free(n);
		}
		for (struct ctx_node *n = es->ctxs[b], *x; n; n = x) {
			x = n->next;
			free(n);
		}
		for (struct stack_node *n = es->stacks[b], *x; n; n = x) {
			x = n->next;
			free(n);
		}
	}
	ksyms_free(es->ks);
	free(es);
}
