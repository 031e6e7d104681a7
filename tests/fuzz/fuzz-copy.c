/* SPDX-License-Identifier: MIT */
/*
 * fuzz-copy - whatever the reader accepts, written the way skbgrep writes
 * what it keeps (skbw_event_copy: the record's bytes, with this writer's
 * dictionary ids and time offset) and the way the encoder writes events
 * (skbw_event), must read back as the same events.  Aborts when they differ.
 */
#include "input.h"

#include <stdio.h>
#include <string.h>

struct out {
	int fd;
	struct skb_writer *w;
};

static int memfd(void)
{
	int fd = memfd_create("fuzz-copy", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	return fd;
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static void differ(const char *what, unsigned n)
{
	fprintf(stderr, "fuzz-copy: event %u: %s differs between the copy and the encoding\n", n,
		what);
	abort();
}

/* Two events read back from the two outputs, field by field. */
static void compare(const struct skb_event *a, const struct skb_event *b, unsigned n)
{
	const uint8_t enc = SKB_EV_DATA_L3 | SKB_EV_RX_DEV;   /* the writer's choice */

#define SAME(f) do { if (a->f != b->f) differ(#f, n); } while (0)
	SAME(ts); SAME(skb); SAME(track); SAME(netns); SAME(pkt_type); SAME(l3_off);
	SAME(l4_off); SAME(orig_len); SAME(caplen); SAME(len); SAME(data_len); SAME(protocol);
	SAME(queue_mapping); SAME(mark); SAME(hash); SAME(priority); SAME(vlan_proto);
	SAME(vlan_tci); SAME(ip_summed); SAME(csum_level); SAME(cloned); SAME(fclone);
	SAME(users); SAME(gso_size); SAME(gso_segs); SAME(gso_type); SAME(rx_ifindex);
	SAME(drop_reason);
#undef SAME
	if ((a->flags & ~enc) != (b->flags & ~enc))
		differ("flags", n);
	if (a->caplen && memcmp(a->data, b->data, a->caplen))
		differ("packet bytes", n);
	if (a->probe->kind != b->probe->kind || a->probe->flags != b->probe->flags ||
	    !same_str(a->probe->spec, b->probe->spec))
		differ("probe", n);
	if (!a->iface != !b->iface || (a->iface && (a->iface->netns != b->iface->netns ||
			a->iface->ifindex != b->iface->ifindex || !same_str(a->iface->name, b->iface->name))))
		differ("interface", n);
	if (!a->ctx != !b->ctx || (a->ctx && (a->ctx->cpu != b->ctx->cpu || a->ctx->pid != b->ctx->pid ||
			a->ctx->tid != b->ctx->tid || !same_str(a->ctx->comm, b->ctx->comm))))
		differ("context", n);
	if (!a->stack != !b->stack || (a->stack && a->stack->n != b->stack->n))
		differ("stack", n);
	for (uint16_t i = 0; a->stack && i < a->stack->n && i < SKB_STACK_MAX; i++)
		if (a->stack->frame[i].addr != b->stack->frame[i].addr ||
		    a->stack->frame[i].off != b->stack->frame[i].off ||
		    !same_str(a->stack->frame[i].sym, b->stack->frame[i].sym))
			differ("stack frame", n);
	if (!a->drop_name != !b->drop_name || !same_str(a->drop_name, b->drop_name))
		differ("drop reason's name", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skb_reader *r = fuzz_reader(data, size);
	struct out o[2] = { { memfd(), NULL }, { memfd(), NULL } };
	struct skb_record rec;
	unsigned written = 0;
	bool failed = false;

	while (skbr_next(r, &rec) > 0) {
		if (rec.kind == SKB_SECTION) {
			/* a section for each input section, as skbgrep writes them
			 * (its times are valid with its own wall-clock offset) */
			for (int i = 0; i < 2; i++) {
				if (o[i].w && skbw_close(o[i].w))
					abort();
				if (!(o[i].w = skbw_open_fd(o[i].fd, rec.info, SKBW_STABLE_REFS)))
					abort();
			}
		}
		if (rec.kind != SKB_EVENT || !o[0].w)
			continue;
		int ea = skbw_event_copy(o[0].w, &rec), eb = skbw_event(o[1].w, &rec.ev);
		if (!ea != !eb) {
			fprintf(stderr, "fuzz-copy: copy %d, encoding %d\n", ea, eb);
			abort();
		}
		if (ea) {
			failed = true;   /* both refused it (out of memory): nothing to compare */
			break;
		}
		written++;
	}
	for (int i = 0; i < 2; i++) {
		if (o[i].w && failed)
			skbw_abort(o[i].w);
		else if (o[i].w && skbw_close(o[i].w))
			abort();
	}
	if (o[0].w && !failed) {
		/* the two outputs, read back in step */
		struct skb_reader *back[2];
		struct skb_record ra, rb;
		unsigned n = 0;
		int ka, kb;

		for (int i = 0; i < 2; i++) {
			if (lseek(o[i].fd, 0, SEEK_SET) || !(back[i] = skbr_open_fd(o[i].fd, "out")))
				abort();
		}
		for (;;) {
			while ((ka = skbr_next(back[0], &ra)) > 0 && ra.kind != SKB_EVENT)
				;
			while ((kb = skbr_next(back[1], &rb)) > 0 && rb.kind != SKB_EVENT)
				;
			if (ka != kb) {
				fprintf(stderr, "fuzz-copy: read back %d and %d after %u events: %s | %s\n",
					ka, kb, n, ka < 0 ? skbr_error(back[0]) : "",
					kb < 0 ? skbr_error(back[1]) : "");
				abort();
			}
			if (ka <= 0)
				break;
			compare(&ra.ev, &rb.ev, n++);
		}
		if (ka < 0 || n != written) {
			fprintf(stderr, "fuzz-copy: %u events written, %u read back (%s)\n", written, n,
				ka < 0 ? skbr_error(back[0]) : "clean end");
			abort();
		}
		skbr_close(back[0]);
		skbr_close(back[1]);
	}
	close(o[0].fd);
	close(o[1].fd);
	skbr_close(r);
	return 0;
}
