/* SPDX-License-Identifier: MIT */
/*
 * probes.c - from -p specs to probes: parse the spec, match names (with
 * globs) against tracefs and BTF, find the struct sk_buff * argument, and
 * list candidates for skbrec -l.
 *
 *   tp:SUBSYS:NAME            tracepoint
 *   k:FUNC  kprobe:FUNC       kernel function entry
 *   kr:FUNC kretprobe:FUNC    kernel function return
 *   SUBSYS:NAME / FUNC        no type: one ':' is a tracepoint, else a function
 *   .../stack                 also record the kernel stack of each event
 */
#include "skbrec.h"
#include "cli.h"
#include "probespec.h"
#include "../../bpf/skbrec.h"

#include <bpf/btf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A name in BTF: tracepoint (btf_trace_ stripped) or function. */
struct ent {
	const char *name;
	uint32_t id;            /* typedef or FUNC */
	int src;                /* index into kbtf */
};

struct index {
	struct ent *v;
	size_t n;
};

struct ctx {
	struct kbtf *k;
	struct index tps, funcs;
	bool tps_done, funcs_done;
	char **events;          /* tracefs "sys:name", sorted */
	size_t nevents;
	bool events_done;
};

static int ent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->name, ((const struct ent *)b)->name);
}

/* One pass over every BTF: tracepoint typedefs or functions. */
static int build_index(struct kbtf *k, bool tps, struct index *ix)
{
	static const char tp_prefix[] = "btf_trace_";
	size_t cap = 0;

	ix->v = NULL;
	ix->n = 0;
	for (int s = 0; s < k->n; s++) {
		const struct btf *btf = k->src[s].btf;
		uint32_t first = s ? btf__type_cnt(k->src[0].btf) : 1;
		uint32_t cnt = btf__type_cnt(btf);

		for (uint32_t id = first; id < cnt; id++) {
			const struct btf_type *t = btf__type_by_id(btf, id);
			const char *name;

			if (!t || (tps ? !btf_is_typedef(t) : !btf_is_func(t)))
				continue;
			name = btf__name_by_offset(btf, t->name_off);
			if (!name || !*name)
				continue;
			if (tps) {
				if (strncmp(name, tp_prefix, sizeof(tp_prefix) - 1))
					continue;
				name += sizeof(tp_prefix) - 1;
			}
			if (ix->n == cap) {
				size_t nc = cap ? cap * 2 : 4096;
				struct ent *v = realloc(ix->v, nc * sizeof(*v));

				if (!v) {
					skb_warn("out of memory");
					return -1;
				}
				ix->v = v;
				cap = nc;
			}
			ix->v[ix->n++] = (struct ent){ name, id, s };
		}
	}
	/* by name only; find() prefers vmlinux among equal names (a module
	 * may define a function vmlinux has too) */
	qsort(ix->v, ix->n, sizeof(*ix->v), ent_cmp);
	return 0;
}

static const struct ent *find(const struct index *ix, const char *name)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(ix->v[mid].name, name);

		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->n && !strcmp(ix->v[lo].name, name)) {
		/* prefer vmlinux among equal names */
		size_t best = lo;

		for (size_t i = lo; i < ix->n && !strcmp(ix->v[i].name, name); i++)
			if (ix->v[i].src < ix->v[best].src)
				best = i;
		return &ix->v[best];
	}
	return NULL;
}

static int need_tps(struct ctx *c)
{
	if (!c->tps_done) {
		if (build_index(c->k, true, &c->tps))
			return -1;
		c->tps_done = true;
	}
	if (!c->events_done) {
		if (tracefs_events(&c->events, &c->nevents))
			return -1;
		c->events_done = true;
	}
	return 0;
}

static int need_funcs(struct ctx *c)
{
	if (!c->funcs_done) {
		if (build_index(c->k, false, &c->funcs))
			return -1;
		c->funcs_done = true;
	}
	return 0;
}

static void ctx_free(struct ctx *c)
{
	free(c->tps.v);
	free(c->funcs.v);
	for (size_t i = 0; i < c->nevents; i++)
		free(c->events[i]);
	free(c->events);
}

/* Split a spec into kind and target; *stack set by a "/stack" suffix.
 * Returns a malloc'd target or NULL after a message. */
static char *parse_spec(const char *spec, int *kind, bool *stack)
{
	const char *t;
	char *target, *slash;

	*kind = skb_probe_kind_parse(spec, &t);
	target = strdup(t);
	if (!target) {
		skb_warn("out of memory");
		return NULL;
	}
	*stack = false;
	slash = strrchr(target, '/');
	if (slash) {
		if (strcmp(slash, "/stack")) {
			skb_warn("probe '%s': unknown option '%s' (only /stack)", spec, slash);
			free(target);
			return NULL;
		}
		*slash = 0;
		*stack = true;
	}
	if (!*kind) {
		char *c = strchr(target, ':');

		*kind = c && !strchr(c + 1, ':') ? SKB_PROBE_TP : SKB_PROBE_KPROBE;
	}
	if (!*target || (*kind == SKB_PROBE_TP && !strchr(target, ':')) ||
	    (*kind != SKB_PROBE_TP && strchr(target, ':'))) {
		skb_warn("probe '%s': expected tp:SUBSYS:NAME, k:FUNC or kr:FUNC", spec);
		free(target);
		return NULL;
	}
	return target;
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/*
 * Which way packets seen at a probe go, for readers (pcapng direction, SLL2
 * packet type): transmit functions and tracepoints carry "xmit" in their
 * name (net_dev_start_xmit, net_dev_queue's dev_queue_xmit, veth_xmit);
 * the receive path says "receive", "netif_rx", "gro_receive" or ends in
 * "_rcv" (ip_rcv, ipv6_rcv).  Anything else has no direction.
 */
static uint8_t probe_direction(const char *name)
{
	const char *base = strrchr(name, ':');
	size_t n;

	base = base ? base + 1 : name;
	n = strlen(base);
	if (strstr(base, "xmit") || !strcmp(base, "net_dev_queue"))
		return SKB_PROBE_F_TX;
	if (strstr(base, "receive") || strstr(base, "netif_rx") ||
	    (n > 4 && !strcmp(base + n - 4, "_rcv")))
		return SKB_PROBE_F_RX;
	return 0;
}

static int add_probe(struct rec_probes *ps, int kind, const char *name,
		     const char *event, const struct kbtf_src *src, uint32_t btf_id,
		     const struct kbtf_args *a, bool stack, int group, bool glob)
{
	struct rec_probe *p;
	char *spec;

	if (asprintf(&spec, "%s:%s", skb_probe_kind_prefix(kind), name) < 0)
		return -1;
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].spec, spec)) {   /* same probe twice */
			ps->v[i].stack |= stack;
			free(spec);
			return 0;
		}
	if (ps->n >= SKBREC_MAX_PROBES) {
		skb_warn("too many probes (at most %d)", SKBREC_MAX_PROBES);
		free(spec);
		return -1;
	}
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 16;
		struct rec_probe *v = realloc(ps->v, cap * sizeof(*v));

		if (!v) {
			free(spec);
			return -1;
		}
		ps->v = v;
		ps->cap = cap;
	}
	p = &ps->v[ps->n];
	memset(p, 0, sizeof(*p));
	p->spec = spec;
	p->event = strdup(event);
	if (!p->event) {
		free(spec);
		return -1;
	}
	p->index = (unsigned)ps->n;
	p->p.kind = (uint8_t)kind;
	p->p.flags = probe_direction(name);
	p->p.spec = p->spec;
	p->src = src;
	p->btf_id = btf_id;
	p->args = *a;
	p->stack = stack;
	p->group = group;
	p->glob = glob;
	ps->n++;
	return 0;
}

static void tp_args(struct ctx *c, const struct ent *e, struct kbtf_args *a)
{
	const struct btf *btf = c->k->src[e->src].btf;
	const struct btf_type *t = btf__type_by_id(btf, e->id);

	a->skb = a->reason = -1;
	/* typedef -> pointer -> func proto (void *ctx, args...) */
	if (!t || !btf_is_typedef(t))
		return;
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_ptr(t))
		return;
	kbtf_proto_args(btf, t->type, 1, a);
}

static void func_args(struct ctx *c, const struct ent *e, struct kbtf_args *a)
{
	const struct btf *btf = c->k->src[e->src].btf;
	const struct btf_type *t = btf__type_by_id(btf, e->id);

	a->skb = a->reason = -1;
	if (t && btf_is_func(t))
		kbtf_proto_args(btf, t->type, 0, a);
}

static int resolve_tp(struct ctx *c, const char *spec, const char *target,
		      bool stack, struct rec_probes *ps, int *noskb)
{
	bool glob = has_glob(target);
	int found = 0;

	if (need_tps(c))
		return -1;
	for (size_t i = 0; i < c->nevents; i++) {
		const char *ev = c->events[i], *name = strchr(ev, ':') + 1;
		const struct ent *e;
		struct kbtf_args a;

		if (glob ? fnmatch(target, ev, 0) : strcmp(target, ev))
			continue;
		e = find(&c->tps, name);
		if (!e) {
			if (!glob) {
				skb_warn("probe '%s': tracepoint has no BTF description "
					 "(btf_trace_%s)", spec, name);
				return -1;
			}
			(*noskb)++;
			continue;
		}
		tp_args(c, e, &a);
		if (a.skb >= SKBREC_ARGS_MAX)
			a.skb = -1;   /* beyond what a BPF context holds */
		if (a.reason >= SKBREC_ARGS_MAX)
			a.reason = -1;
		if (a.skb < 0) {
			if (!glob) {
				skb_warn("probe '%s': no struct sk_buff * argument "
					 "(see skbrec -l)", spec);
				return -1;
			}
			(*noskb)++;
			continue;
		}
		if (add_probe(ps, SKB_PROBE_TP, ev, name, &c->k->src[e->src], e->id,
			      &a, stack, -1, glob))
			return -1;
		found++;
	}
	if (!found && !*noskb) {
		int sl = (int)strcspn(target, ":");

		skb_warn("probe '%s': no such tracepoint (try skbrec -l 'tp:%.*s:*')",
			 spec, sl, target);
		return -1;
	}
	return found;
}

static int resolve_func(struct ctx *c, const char *spec, const char *target,
			int kind, bool stack, struct rec_probes *ps, int *noskb)
{
	bool glob = has_glob(target);
	int found = 0, group = glob ? ps->groups++ : -1;

	if (need_funcs(c))
		return -1;
	for (size_t i = 0; i < c->funcs.n; i++) {
		const struct ent *e = &c->funcs.v[i];
		struct kbtf_args a;

		if (glob ? fnmatch(target, e->name, 0) : strcmp(target, e->name))
			continue;
		if (i > 0 && !strcmp(e->name, c->funcs.v[i - 1].name))
			continue;   /* duplicate names: first one */
		e = find(&c->funcs, e->name);
		func_args(c, e, &a);
		if (a.skb >= SKBREC_ARGS_MAX)
			a.skb = -1;   /* beyond what a BPF context holds */
		if (a.reason >= SKBREC_ARGS_MAX)
			a.reason = -1;
		if (a.skb < 0) {
			if (!glob) {
				skb_warn("probe '%s': %s has no struct sk_buff * argument",
					 spec, e->name);
				return -1;
			}
			(*noskb)++;
			continue;
		}
		if (add_probe(ps, kind, e->name, e->name, &c->k->src[e->src], e->id,
			      &a, stack, group, glob))
			return -1;
		found++;
	}
	if (!found && !*noskb) {
		skb_warn("probe '%s': no such kernel function in BTF (try skbrec -l 'k:%s')",
			 spec, target);
		return -1;
	}
	return found;
}

int probes_resolve(struct kbtf *k, char **specs, size_t nspecs, bool stack_all,
		   struct rec_probes *out)
{
	struct ctx c = { .k = k };
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < nspecs && !rc; i++) {
		int kind, noskb = 0, n;
		bool stack;
		char *target = parse_spec(specs[i], &kind, &stack);

		if (!target) {
			rc = -1;
			break;
		}
		stack |= stack_all;
		if (kind == SKB_PROBE_TP)
			n = resolve_tp(&c, specs[i], target, stack, out, &noskb);
		else
			n = resolve_func(&c, specs[i], target, kind, stack, out, &noskb);
		if (n < 0) {
			rc = -1;
		} else if (n == 0) {
			skb_warn("probe '%s': none of the %d matching probes has a "
				 "struct sk_buff * argument", specs[i], noskb);
			rc = -1;
		} else if (noskb) {
			skb_warn("probe '%s': %d matching probes have no struct sk_buff * "
				 "argument, skipped", specs[i], noskb);
		}
		free(target);
	}
	ctx_free(&c);
	if (rc)
		probes_free(out);
	return rc;
}

void probes_free(struct rec_probes *ps)
{
	for (size_t i = 0; i < ps->n; i++) {
		free(ps->v[i].spec);
		free(ps->v[i].event);
	}
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

static void print_args(const char *spec, const struct kbtf_args *a, const char *mod)
{
	printf("%s\tskb=%d", spec, a->skb);
	if (a->reason >= 0)
		printf(" reason=%d", a->reason);
	if (mod && strcmp(mod, "vmlinux"))
		printf(" [%s]", mod);
	putchar('\n');
}

int probes_list(struct kbtf *k, const char *pattern)
{
	struct ctx c = { .k = k };
	int kind = 0, shown = 0, rc = 0;
	bool stack;
	char *target = NULL;

	if (pattern) {
		target = parse_spec(pattern, &kind, &stack);
		if (!target)
			return 2;
		/* a plain word lists as a substring, like grep */
		if (!has_glob(target)) {
			char *g;

			if (asprintf(&g, "*%s*", target) < 0) {
				free(target);
				return 2;
			}
			free(target);
			target = g;
		}
	}
	if (!pattern || kind == SKB_PROBE_TP) {
		if (need_tps(&c)) {
			rc = 2;
			goto out;
		}
		for (size_t i = 0; i < c.nevents; i++) {
			const char *ev = c.events[i];
			const struct ent *e;
			struct kbtf_args a;
			char spec[300];

			if (target && fnmatch(target, ev, 0))
				continue;
			e = find(&c.tps, strchr(ev, ':') + 1);
			if (!e)
				continue;
			tp_args(&c, e, &a);
			if (a.skb < 0)
				continue;
			snprintf(spec, sizeof(spec), "tp:%s", ev);
			print_args(spec, &a, k->src[e->src].name);
			shown++;
		}
	}
	if (!pattern || kind != SKB_PROBE_TP) {
		if (need_funcs(&c)) {
			rc = 2;
			goto out;
		}
		for (size_t i = 0; i < c.funcs.n; i++) {
			const struct ent *e = &c.funcs.v[i];
			struct kbtf_args a;
			char spec[300];

			if (i > 0 && !strcmp(e->name, c.funcs.v[i - 1].name))
				continue;
			if (target && fnmatch(target, e->name, 0))
				continue;
			e = find(&c.funcs, e->name);
			func_args(&c, e, &a);
			if (a.skb < 0)
				continue;
			snprintf(spec, sizeof(spec), "%s:%s",
				 kind == SKB_PROBE_KRETPROBE ? "kr" : "k", e->name);
			print_args(spec, &a, k->src[e->src].name);
			shown++;
		}
	}
	rc = shown ? 0 : 1;
out:
	free(target);
	ctx_free(&c);
	if (fflush(stdout) && !skb_is_epipe(errno)) {
		skb_warn("stdout: %s", strerror(errno));
		rc = 2;
	}
	return rc;
}
