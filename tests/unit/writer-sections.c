/* SPDX-License-Identifier: MIT */
/*
 * writer-sections - the writer starts a new section when 16-bit dictionary
 * ids run out; what was declared once up front must still be known in the
 * next section.  Writes FILE with drop-reason names declared before any
 * event (as skbrec does from kernel BTF), then more contexts than one
 * section can hold, each event a drop carrying only the reason's number;
 * reads FILE back with the real reader and checks every drop is named.
 * With "stable" (as skbrec writes: SKBW_STABLE_REFS, one object per
 * context), a second round of events reuses contexts of the first section:
 * each must be declared again in the new section, and every event read
 * back must carry its own context.
 * With "forget", one address holds another context after each
 * skbw_forget_refs() (skbgrep: the next input's reader): each event read
 * back must carry the context it was written with.
 * Prints "sections N events N named N" and exits 1 on any mismatch.
 */
#include "skb.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define EVENTS 70000u   /* > 65535 contexts: at least two sections */
#define AGAIN 1000u     /* with "stable": contexts 1..AGAIN once more */

static struct skb_ctx ctxs[EVENTS];

/* The context of the i-th event. */
static uint32_t ctx_of(uint32_t i)
{
	return i < EVENTS ? i : i - EVENTS;
}

/* "forget": three contexts, one after the other at the same address. */
static int forget(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	struct skb_info info = { .snaplen = 64, .tool = "writer-sections" };
	struct skb_writer *w = fd < 0 ? NULL : skbw_open_fd(fd, &info, SKBW_STABLE_REFS);
	struct skb_probe probe = { .kind = SKB_PROBE_TP, .spec = "tp:net:netif_receive_skb" };
	static struct skb_ctx ctx;
	uint8_t pkt[20] = { 0x45 };

	if (!w)
		return 2;
	for (uint32_t i = 0; i < 3; i++) {
		ctx = (struct skb_ctx){ .pid = 100 + i, .tid = 100 + i, .comm = "t" };
		struct skb_event ev = {
			.ts = 1000 + i, .probe = &probe, .ctx = &ctx, .flags = SKB_EV_L3,
			.l3_off = 0, .l4_off = 0xffff, .orig_len = 20, .caplen = 20,
			.len = 20, .data = pkt,
		};
		if (skbw_event(w, &ev))
			return 1;
		skbw_forget_refs(w);
	}
	if (skbw_close(w) || close(fd))
		return 1;

	char err[256];
	struct skb_reader *r = skbr_open(path, err, sizeof(err));
	struct skb_record rec;
	uint32_t n = 0, bad = 0;

	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	while (skbr_next(r, &rec) > 0)
		if (rec.kind == SKB_EVENT && (!rec.ev.ctx || rec.ev.ctx->pid != 100 + n++))
			bad++;
	skbr_close(r);
	printf("forget: events %u wrong contexts %u\n", n, bad);
	return n != 3 || bad;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[2], "forget"))
		return forget(argv[1]);
	bool stable = argc == 3 && !strcmp(argv[2], "stable");
	uint32_t total = EVENTS + (stable ? AGAIN : 0);
	if (argc != 2 && !stable) {
		fprintf(stderr, "usage: writer-sections FILE [stable]\n");
		return 2;
	}
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	struct skb_info info = { .snaplen = 64, .tool = "writer-sections" };
	struct skb_writer *w = skbw_open_fd(fd, &info, stable ? SKBW_STABLE_REFS : 0);
	if (!w || skbw_drop_reason(w, 2, "NOT_SPECIFIED") ||
	    skbw_drop_reason(w, 5, "NETFILTER_DROP")) {
		fprintf(stderr, "writer-sections: cannot start the stream\n");
		return 1;
	}
	struct skb_probe probe = { .kind = SKB_PROBE_TP, .spec = "tp:skb:kfree_skb" };
	uint8_t pkt[20] = { 0x45 };
	for (uint32_t i = 0; i < total; i++) {
		struct skb_ctx *ctx = &ctxs[ctx_of(i)];
		/* without "stable", one object changes under the same address */
		*ctx = (struct skb_ctx){ .cpu = 0, .pid = ctx_of(i) + 1, .tid = ctx_of(i) + 1, .comm = "t" };
		if (!stable)
			ctx = &ctxs[0], *ctx = ctxs[ctx_of(i)];
		struct skb_event ev = {
			.ts = 1000 + i, .probe = &probe, .ctx = ctx,
			.flags = SKB_EV_L3 | SKB_EV_DROP, .drop_reason = i % 2 ? 5 : 2,
			.l3_off = 0, .l4_off = 0xffff, .orig_len = 20, .caplen = 20,
			.len = 20, .data = pkt,
		};
		if (skbw_event(w, &ev)) {
			fprintf(stderr, "writer-sections: event %u not written\n", i);
			return 1;
		}
	}
	if (skbw_close(w) || close(fd)) {
		fprintf(stderr, "writer-sections: close failed\n");
		return 1;
	}

	char err[256];
	struct skb_reader *r = skbr_open(argv[1], err, sizeof(err));
	if (!r) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct skb_record rec;
	unsigned sections = 0, events = 0, named = 0, bad = 0;
	int rc;
	while ((rc = skbr_next(r, &rec)) > 0) {
		if (rec.kind == SKB_SECTION)
			sections++;
		if (rec.kind != SKB_EVENT)
			continue;
		const char *want = rec.ev.drop_reason == 5 ? "NETFILTER_DROP" : "NOT_SPECIFIED";
		if (!rec.ev.ctx || rec.ev.ctx->pid != ctx_of(events) + 1) {
			if (bad++ < 3)
				fprintf(stderr, "event %u (section %u): context of pid %u\n", events,
					sections, rec.ev.ctx ? rec.ev.ctx->pid : 0);
		} else if (rec.ev.drop_name && !strcmp(rec.ev.drop_name, want))
			named++;
		else if (bad++ < 3)
			fprintf(stderr, "event %u (section %u): reason %u named %s\n", events,
				sections, rec.ev.drop_reason,
				rec.ev.drop_name ? rec.ev.drop_name : "(none)");
		events++;
	}
	if (rc < 0)
		fprintf(stderr, "%s\n", skbr_error(r));
	skbr_close(r);
	printf("sections %u events %u named %u\n", sections, events, named);
	return rc < 0 || sections < 2 || events != total || named != total;
}
