/* SPDX-License-Identifier: MIT */
/*
 * select.h - skbgrep's selectors.  Different selectors AND together; the
 * values of one repeated selector OR together.  An empty list selects all.
 */
#ifndef SKBGREP_SELECT_H
#define SKBGREP_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "when.h"

struct skb_event;
struct skb_info;
struct skb_pktfilter;

struct sel_iface {
	bool by_index;
	uint32_t index;
	const char *name;
};

struct sel_mark {
	uint32_t value, mask;
};

/* A drop reason by name (without SKB_DROP_REASON_) or by number. */
struct sel_reason {
	bool numeric;
	uint32_t value;
	const char *name;
};

/* (netns, ifindex) of a device seen under a wanted name, for --rx-iface. */
struct sel_dev {
	uint32_t netns, ifindex;
};

struct selector {
	const char **probe;             size_t n_probe;
	struct sel_iface *iface;        size_t n_iface;
	bool rx_iface;                  /* -i tests skb_iif instead of the device */
	struct skb_pktfilter **filter;  size_t n_filter;
	uint32_t *netns;                size_t n_netns;
	uint32_t *pid;                  size_t n_pid;
	const char **comm;              size_t n_comm;
	struct sel_mark *mark;          size_t n_mark;
	bool drop;
	struct sel_reason *reason;      size_t n_reason;
	uint64_t *track;                size_t n_track;
	bool has_since, has_until;
	struct when since, until;

	/* devices learned from the input for --rx-iface NAME (bounded) */
	struct sel_dev *dev;            size_t n_dev;
};

/* Option parsers: 0 ok, -1 bad (message printed). */
int sel_add_probe(struct selector *s, const char *arg);
int sel_add_iface(struct selector *s, const char *arg);
int sel_add_filter(struct selector *s, const char *arg);
int sel_add_netns(struct selector *s, const char *arg);
int sel_add_pid(struct selector *s, const char *arg);
int sel_add_comm(struct selector *s, const char *arg);
int sel_add_mark(struct selector *s, const char *arg);
int sel_add_reason(struct selector *s, const char *arg);
int sel_add_track(struct selector *s, const char *arg);
int sel_set_since(struct selector *s, const char *arg);
int sel_set_until(struct selector *s, const char *arg);

/* Whether an event passes every selector (info: its section's header). */
bool sel_match(struct selector *s, const struct skb_event *ev, const struct skb_info *info);

void sel_free(struct selector *s);

#endif
