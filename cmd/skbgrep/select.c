/* SPDX-License-Identifier: MIT */
/*
 * select.c - parse skbgrep's selector options and test events against them.
 * Cheap metadata tests run first; the packet filter (bpf_filter over the
 * bytes) runs last, only for events every other selector kept.
 */
#include "select.h"

#include "cli.h"
#include "pktfilter.h"
#include "probespec.h"
#include "skb.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define COMM_MAX 15             /* TASK_COMM_LEN - 1: the kernel cuts names here */
#define DEV_MAX 1024            /* learned (netns, ifindex) pairs for --rx-iface */
#define REASON_PREFIX "SKB_DROP_REASON_"

/* Room for one more element in a growing array; out of memory is fatal. */
static void *more(void *arr, size_t n, size_t size)
{
	void *p = realloc(arr, (n + 1) * size);
	if (!p)
		skb_die(2, "out of memory");
	return p;
}

#define PUSH(arr, n, val) do {                          \
		(arr) = more((arr), (n), sizeof(*(arr)));       \
		(arr)[(n)++] = (val);                           \
	} while (0)

static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

int sel_add_probe(struct selector *s, const char *arg)
{
	if (!*arg) {
		skb_warn("-p: empty pattern");
		return -1;
	}
	PUSH(s->probe, s->n_probe, arg);
	return 0;
}

int sel_add_iface(struct selector *s, const char *arg)
{
	struct sel_iface i = { .name = arg };
	if (!*arg) {
		skb_warn("-i: empty interface name");
		return -1;
	}
	if (all_digits(arg)) {
		uint64_t v;
		if (skb_parse_u64("-i", arg, 1, UINT32_MAX, &v))
			return -1;
		i.by_index = true;
		i.index = (uint32_t)v;
	}
	PUSH(s->iface, s->n_iface, i);
	return 0;
}

int sel_add_filter(struct selector *s, const char *arg)
{
	char err[512];
	struct skb_pktfilter *f = skb_pktfilter_new(arg, err, sizeof(err));
	if (!f) {
		skb_warn("-f '%s': %s", arg, err);
		return -1;
	}
	PUSH(s->filter, s->n_filter, f);
	return 0;
}

static int add_u32(const char *what, const char *arg, uint32_t **arr, size_t *n)
{
	uint64_t v;
	if (skb_parse_u64(what, arg, 0, UINT32_MAX, &v))
		return -1;
	PUSH(*arr, *n, (uint32_t)v);
	return 0;
}

int sel_add_netns(struct selector *s, const char *arg)
{
	return add_u32("--netns", arg, &s->netns, &s->n_netns);
}

int sel_add_pid(struct selector *s, const char *arg)
{
	return add_u32("--pid", arg, &s->pid, &s->n_pid);
}

int sel_add_comm(struct selector *s, const char *arg)
{
	PUSH(s->comm, s->n_comm, arg);
	return 0;
}

int sel_add_mark(struct selector *s, const char *arg)
{
	struct sel_mark m;

	if (skb_parse_mark("--mark", arg, &m.value, &m.mask))
		return -1;
	PUSH(s->mark, s->n_mark, m);
	return 0;
}

static const char *strip_reason_prefix(const char *name)
{
	size_t n = strlen(REASON_PREFIX);
	return strncasecmp(name, REASON_PREFIX, n) ? name : name + n;
}

int sel_add_reason(struct selector *s, const char *arg)
{
	struct sel_reason r = { .name = strip_reason_prefix(arg) };
	if (!*r.name) {
		skb_warn("--reason: empty name");
		return -1;
	}
	if (all_digits(arg)) {
		uint64_t v;
		if (skb_parse_u64("--reason", arg, 0, UINT32_MAX, &v))
			return -1;
		r.numeric = true;
		r.value = (uint32_t)v;
	}
	PUSH(s->reason, s->n_reason, r);
	return 0;
}

int sel_add_track(struct selector *s, const char *arg)
{
	uint64_t v;
	if (skb_parse_u64("--track", arg, 0, UINT64_MAX, &v))
		return -1;
	PUSH(s->track, s->n_track, v);
	return 0;
}

static int set_when(const char *what, const char *arg, struct when *w, bool *has)
{
	if (when_parse(arg, w)) {
		skb_warn("%s: '%s' is not a time (monotonic ns, @EPOCH_SECONDS or "
			 "YYYY-MM-DD[THH:MM[:SS[.FRAC]]][Z|+HH:MM])", what, arg);
		return -1;
	}
	*has = true;
	return 0;
}

int sel_set_since(struct selector *s, const char *arg)
{
	return set_when("--since", arg, &s->since, &s->has_since);
}

int sel_set_until(struct selector *s, const char *arg)
{
	return set_when("--until", arg, &s->until, &s->has_until);
}

/* ---- matching ---- */

static bool has_u32(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool match_probe(const struct selector *s, const struct skb_event *ev)
{
	if (!ev->probe)
		return false;
	for (size_t i = 0; i < s->n_probe; i++)
		if (skb_probe_match(s->probe[i], ev->probe))
			return true;
	return false;
}

static void learn_dev(struct selector *s, const struct skb_iface *d)
{
	for (size_t i = 0; i < s->n_dev; i++)
		if (s->dev[i].netns == d->netns && s->dev[i].ifindex == d->ifindex)
			return;
	if (s->n_dev < DEV_MAX)
		PUSH(s->dev, s->n_dev, ((struct sel_dev){ d->netns, d->ifindex }));
}

static bool match_iface(struct selector *s, const struct skb_event *ev)
{
	const struct skb_iface *d = ev->iface;
	for (size_t i = 0; i < s->n_iface; i++) {
		const struct sel_iface *w = &s->iface[i];
		if (!s->rx_iface) {
			if (d && (w->by_index ? d->ifindex == w->index
					      : d->name && !strcmp(d->name, w->name)))
				return true;
		} else if (w->by_index && ev->rx_ifindex == w->index) {
			return true;
		}
	}
	if (!s->rx_iface || !ev->rx_ifindex)
		return false;
	for (size_t i = 0; i < s->n_dev; i++)
		if (s->dev[i].ifindex == ev->rx_ifindex &&
		    (!ev->netns || !s->dev[i].netns || s->dev[i].netns == ev->netns))
			return true;
	return false;
}

static bool match_comm(const struct selector *s, const struct skb_event *ev)
{
	const char *comm = ev->ctx && ev->ctx->comm ? ev->ctx->comm : NULL;
	if (!comm)
		return false;
	for (size_t i = 0; i < s->n_comm; i++) {
		const char *w = s->comm[i];
		if (strpbrk(w, "*?[") ? !fnmatch(w, comm, 0)
		    : strlen(w) > COMM_MAX ? !strncmp(w, comm, COMM_MAX) && strlen(comm) == COMM_MAX
		    : !strcmp(w, comm))
			return true;
	}
	return false;
}

static bool match_mark(const struct selector *s, const struct skb_event *ev)
{
	for (size_t i = 0; i < s->n_mark; i++)
		if ((ev->mark & s->mark[i].mask) == s->mark[i].value)
			return true;
	return false;
}

static bool match_reason(const struct selector *s, const struct skb_event *ev)
{
	const char *name = ev->drop_name ? strip_reason_prefix(ev->drop_name) : NULL;
	for (size_t i = 0; i < s->n_reason; i++) {
		const struct sel_reason *r = &s->reason[i];
		if (r->numeric ? ev->drop_reason == r->value : name && !strcasecmp(name, r->name))
			return true;
	}
	return false;
}

static bool match_track(const struct selector *s, const struct skb_event *ev)
{
	for (size_t i = 0; i < s->n_track; i++)
		if (s->track[i] == ev->track)
			return true;
	return false;
}

/* Compare an event's time with a bound, in the bound's clock. */
static int64_t event_time(const struct skb_event *ev, const struct skb_info *info, bool wall)
{
	return wall ? skb_wall_ns(info, ev->ts) : (int64_t)ev->ts;
}

static bool match_filter(struct selector *s, const struct skb_event *ev)
{
	for (size_t i = 0; i < s->n_filter; i++)
		if (skb_pktfilter_match(s->filter[i], ev))
			return true;
	return false;
}

/* Remember which devices carry a wanted name: skb_iif is only an index. */
static void learn_devs(struct selector *s, const struct skb_iface *d)
{
	if (!d || !d->ifindex || !d->name)
		return;
	for (size_t i = 0; i < s->n_iface; i++)
		if (!s->iface[i].by_index && !strcmp(d->name, s->iface[i].name))
			learn_dev(s, d);
}

bool sel_match(struct selector *s, const struct skb_event *ev, const struct skb_info *info)
{
	if (s->rx_iface && s->n_iface && ev->iface)
		learn_devs(s, ev->iface);
	bool dropped = ev->flags & SKB_EV_DROP;
	if ((s->drop || s->n_reason) && !dropped)
		return false;
	if (s->n_reason && !match_reason(s, ev))
		return false;
	if (s->n_track && !match_track(s, ev))
		return false;
	if (s->has_since && event_time(ev, info, s->since.wall) < s->since.ns)
		return false;
	if (s->has_until && event_time(ev, info, s->until.wall) > s->until.ns)
		return false;
	if (s->n_netns && !has_u32(s->netns, s->n_netns, ev->netns))
		return false;
	if (s->n_pid && !(ev->ctx && has_u32(s->pid, s->n_pid, ev->ctx->pid)))
		return false;
	if (s->n_mark && !match_mark(s, ev))
		return false;
	if (s->n_comm && !match_comm(s, ev))
		return false;
	if (s->n_probe && !match_probe(s, ev))
		return false;
	if (s->n_iface && !match_iface(s, ev))
		return false;
	if (s->n_filter && !match_filter(s, ev))
		return false;
	return true;
}

void sel_free(struct selector *s)
{
	for (size_t i = 0; i < s->n_filter; i++)
		skb_pktfilter_free(s->filter[i]);
	free(s->probe);
	free(s->iface);
	free(s->filter);
	free(s->netns);
	free(s->pid);
	free(s->comm);
	free(s->mark);
	free(s->reason);
	free(s->track);
	free(s->dev);
	*s = (struct selector){ 0 };
}
