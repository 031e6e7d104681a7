/* SPDX-License-Identifier: MIT */
/*
 * format-test - checks of the .skb writer and reader against each other and
 * against damaged input.  One case per sub-command (run by t0100-format.sh):
 *   roundtrip [-z]   many varied events written and read back field by field
 *   cut [-z]         the stream cut at every byte offset
 *   flips            random bit flips and garbage: no crash, no hang
 *   header           foreign magic, future major version, text-mode damage, empty
 *   concat           concatenated plain and compressed streams read as one
 *   contexts         dictionary ids running out start a new section
 *   copy [-z]        events copied as read (skbw_event_copy) from three
 *                    inputs with other ids and time bases read back the same
 *   absent           a VLAN field without TPID and a DROP field without the
 *                    flag read as absent (what a writer leaves out)
 * Exit 0 when the case holds; messages on stderr say what did not.
 */
#include "skb.h"
#include "skbfields.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
	return rng;
}

static int mem_fd(const void *p, size_t n)
{
	int fd = memfd_create("skb", 0);
	if (fd < 0 || (n && write(fd, p, n) != (ssize_t)n) || lseek(fd, 0, SEEK_SET))
		abort();
	return fd;
}

static uint8_t *fd_bytes(int fd, size_t *n)
{
	off_t len = lseek(fd, 0, SEEK_END);
	uint8_t *p = malloc(len ? (size_t)len : 1);
	if (!p || pread(fd, p, (size_t)len, 0) != len)
		abort();
	*n = (size_t)len;
	return p;
}

/* ---- a deterministic set of varied events ---- */

static struct skb_probe probes[3] = {
	{ .kind = SKB_PROBE_TP, .flags = SKB_PROBE_F_RX, .spec = "tp:net:netif_receive_skb" },
	{ .kind = SKB_PROBE_KPROBE, .spec = "k:ip_rcv" },
	{ .kind = SKB_PROBE_TP, .spec = "tp:skb:kfree_skb" },
};
static struct skb_iface ifaces[2] = {
	{ .netns = 4026531840u, .ifindex = 2, .name = "eth0" },
	{ .netns = 4026532999u, .ifindex = 7, .name = "veth-\"odd\"\\name" },
};
static struct skb_ctx ctxs[2] = {
	{ .cpu = 1, .pid = 0, .tid = 0, .comm = "swapper/1" },
	{ .cpu = 0, .pid = 1234, .tid = 1240, .comm = "curl" },
};
static struct skb_stack_frame frames[3] = {
	{ 0xffffffff81a00010ull, 0x4d, "ip_rcv" },
	{ 0xffffffff81a10020ull, 0x120, "__netif_receive_skb_core" },
	{ 0xffffffff81000000ull, 0, "" },
};
/* two stacks: ids that differ between a file and a copy of part of it */
static struct skb_stack stacks[2] = { { .n = 3, .frame = frames }, { .n = 2, .frame = frames + 1 } };
static uint8_t payload[SKB_SNAPLEN_MAX];

static void make_event(unsigned i, uint64_t ts, struct skb_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts = ts;
	ev->skb = 0xffff888000000000ull | rnd() >> 20;
	ev->track = rnd();
	ev->probe = &probes[i % 3];
	ev->iface = i % 5 ? &ifaces[i % 2] : NULL;
	ev->ctx = i % 7 ? &ctxs[i % 2] : NULL;
	ev->stack = i % 4 == 0 ? &stacks[i / 4 % 2] : NULL;
	ev->netns = ev->iface ? ev->iface->netns : (i % 3 ? 4026532000u : 0);
	ev->flags = i % 2 ? SKB_EV_L2 | SKB_EV_MAC_SET : SKB_EV_L3;
	ev->pkt_type = i % 8;
	ev->l3_off = i % 2 ? 14 : 0;
	ev->l4_off = i % 9 ? ev->l3_off + 20 : 0xffff;
	ev->caplen = i % 11 == 0 ? 0 : (uint32_t)(rnd() % (i % 13 == 0 ? 4096 : 200));
	ev->orig_len = ev->caplen + (i % 3 ? 0 : (uint32_t)(rnd() % 1500));
	ev->data = payload;
	ev->len = i % 2 ? ev->orig_len : ev->orig_len + 14;
	if (i % 4 == 1 && ev->orig_len >= 14)
		ev->len = ev->orig_len - 14;   /* receive path: skb->data at L3 */
	ev->data_len = i % 6 == 0 ? 1000 : 0;
	ev->protocol = i % 10 == 0 ? 0x0806 : (ev->flags & SKB_EV_L2 && ev->caplen >= 14 ?
			(uint16_t)(payload[12] << 8 | payload[13]) : 0);
	ev->mark = i % 3 == 0 ? (uint32_t)rnd() : 0;
	ev->hash = (uint32_t)rnd();
	ev->priority = i % 17 == 0 ? 6 : 0;
	ev->queue_mapping = i % 5 == 1 ? 3 : 0;
	if (i % 12 == 0) { ev->vlan_tci = 100; ev->vlan_proto = 0x8100; }
	ev->ip_summed = i % 4;
	ev->csum_level = i % 19 == 0;
	if (i % 14 == 0) { ev->gso_size = 1448; ev->gso_segs = 3; ev->gso_type = 0x11; }
	ev->cloned = i % 16 == 0;
	ev->fclone = i % 32 == 0 ? 2 : 0;
	ev->users = i % 15 == 0 ? 2 : 1;
	if (i % 3 == 2) {
		ev->flags |= SKB_EV_DROP;
		ev->drop_reason = i % 2 ? 2 : 0x10005;
		ev->drop_name = i % 2 ? "NOT_SPECIFIED" : "OVS_SOMETHING";
	}
	ev->rx_ifindex = i % 2 ? 2 : 0;
}

static int same_event(const struct skb_event *a, const struct skb_event *b, unsigned i)
{
	int bad = failures;
#define EQ(f) CHECK(a->f == b->f, "event %u: " #f " %llu != %llu", i, \
		    (unsigned long long)a->f, (unsigned long long)b->f)
	CHECK(((a->flags ^ b->flags) & ~(SKB_EV_DATA_L3 | SKB_EV_RX_DEV)) == 0, "event %u: flags", i);
	EQ(ts); EQ(skb); EQ(track); EQ(netns); EQ(pkt_type); EQ(l3_off); EQ(l4_off);
	EQ(orig_len); EQ(caplen); EQ(len); EQ(data_len); EQ(protocol); EQ(mark); EQ(hash);
	EQ(priority); EQ(queue_mapping); EQ(vlan_tci); EQ(vlan_proto); EQ(ip_summed);
	EQ(csum_level); EQ(cloned); EQ(fclone); EQ(users); EQ(gso_size); EQ(gso_segs);
	EQ(gso_type); EQ(rx_ifindex);
	if (a->flags & SKB_EV_DROP) {
		EQ(drop_reason);
		CHECK(b->drop_name && !strcmp(a->drop_name, b->drop_name), "event %u: drop name", i);
	}
#undef EQ
	CHECK(!strcmp(a->probe->spec, b->probe->spec) && a->probe->kind == b->probe->kind &&
	      a->probe->flags == b->probe->flags,
	      "event %u: probe", i);
	CHECK(!a->iface == !b->iface, "event %u: iface presence", i);
	if (a->iface && b->iface)
		CHECK(a->iface->ifindex == b->iface->ifindex && a->iface->netns == b->iface->netns &&
		      !strcmp(a->iface->name, b->iface->name), "event %u: iface", i);
	CHECK(!a->ctx == !b->ctx, "event %u: ctx presence", i);
	if (a->ctx && b->ctx)
		CHECK(a->ctx->cpu == b->ctx->cpu && a->ctx->pid == b->ctx->pid &&
		      a->ctx->tid == b->ctx->tid && !strcmp(a->ctx->comm, b->ctx->comm), "event %u: ctx", i);
	CHECK(!a->stack == !b->stack, "event %u: stack presence", i);
	if (a->stack && b->stack) {
		CHECK(a->stack->n == b->stack->n, "event %u: stack depth", i);
		for (unsigned k = 0; k < a->stack->n && k < b->stack->n; k++)
			CHECK(a->stack->frame[k].addr == b->stack->frame[k].addr &&
			      a->stack->frame[k].off == b->stack->frame[k].off &&
			      !strcmp(a->stack->frame[k].sym, b->stack->frame[k].sym),
			      "event %u: frame %u", i, k);
	}
	CHECK(!memcmp(a->data, b->data, a->caplen), "event %u: packet bytes", i);
	return failures == bad;
}

static const struct skb_info info = {
	.snaplen = 4096, .wall_offset = 1700000000000000000ll, .time_base = 5000000000ull,
	.tool = "format-test", .host = "host\x01with\tcontrol", .kernel = "6.18.0",
	.cmdline = "skbrec -p tp:net:netif_receive_skb -o x.skb",
};

/* Write n events (and a lost record every 50) to a memfd; events kept in out[]. */
static int write_stream(unsigned n, int flags, struct skb_event *out, uint64_t ts0)
{
	int fd = mem_fd(NULL, 0);
	struct skb_writer *w = skbw_open_fd(fd, &info, flags);
	CHECK(w, "open writer");
	uint64_t ts = ts0;
	for (unsigned i = 0; i < n; i++) {
		/* small steps, a few steps back (CPU reordering), a few long gaps */
		if (i % 97 == 96)
			ts += 5000000000ull;
		else if (i % 10 == 9)
			ts -= 3000;
		else
			ts += rnd() % 100000;
		make_event(i, ts, &out[i]);
		int err = skbw_event(w, &out[i]);
		CHECK(!err, "skbw_event %u: %d", i, err);
		if (i % 50 == 49) {
			struct skb_lost l = { .ts = ts, .count = i, .probe = &probes[1] };
			CHECK(!skbw_lost(w, &l), "skbw_lost");
		}
	}
	CHECK(!skbw_close(w), "skbw_close");
	lseek(fd, 0, SEEK_SET);
	return fd;
}

/* Read everything: events compared with want[] (when given); returns events
 * read, *err the reader's result (0 clean end, -1 damage). */
static unsigned read_all(int fd, const struct skb_event *want, unsigned nwant, int *res,
			 char *msg, size_t msz, unsigned *sections)
{
	struct skb_reader *r = skbr_open_fd(fd, "test.skb");
	struct skb_record rec;
	unsigned n = 0, lost = 0, secs = 0, in_sec = 0;
	int k;
	while ((k = skbr_next(r, &rec)) == 1) {
		if (rec.kind == SKB_EVENT) {
			if (want && n < nwant)
				same_event(&want[n], &rec.ev, n);
			n++;
			in_sec++;
		} else if (rec.kind == SKB_LOST) {
			lost++;
			if (want)
				CHECK(rec.lost.probe && !strcmp(rec.lost.probe->spec, "k:ip_rcv"), "lost probe");
		} else if (rec.kind == SKB_SECTION) {
			secs++;
			in_sec = 0;
			if (want)
				CHECK(!strcmp(rec.info->cmdline, info.cmdline) && rec.info->snaplen == 4096 &&
			      rec.info->wall_offset == info.wall_offset, "section info");
		} else if (rec.kind == SKB_END && want) {
			CHECK(rec.end.events == in_sec, "end record count %llu, section had %u",
			      (unsigned long long)rec.end.events, in_sec);
		}
	}
	*res = k;
	snprintf(msg, msz, "%s", k < 0 ? skbr_error(r) : "");
	if (sections)
		*sections = secs;
	skbr_close(r);
	(void)lost;
	return n;
}

static struct skb_event evs[3000];

static int roundtrip(int flags)
{
	for (unsigned k = 0; k < 1000; k++)
		payload[k] = (uint8_t)rnd();
	int fd = write_stream(3000, flags, evs, 5000000000ull);
	int res;
	char msg[600];
	unsigned n = read_all(fd, evs, 3000, &res, msg, sizeof(msg), NULL);
	CHECK(res == 0, "reader ended with %d: %s", res, msg);
	CHECK(n == 3000, "read %u events, wrote 3000", n);
	close(fd);

	/* A typical event (received Ethernet frame, skb->data at L3, a hash,
	 * skb_iif = its device) costs at most 40 bytes besides its packet. */
	fd = mem_fd(NULL, 0);
	struct skb_writer *w = skbw_open_fd(fd, &info, 0);
	struct skb_event ev = {
		.ts = 5000000100ull, .skb = 0xffff888012345600ull, .track = 77,
		.probe = &probes[0], .iface = &ifaces[0], .ctx = &ctxs[0],
		.netns = ifaces[0].netns, .flags = SKB_EV_L2 | SKB_EV_MAC_SET,
		.l3_off = 14, .l4_off = 34, .orig_len = 98, .caplen = 98, .data = payload,
		.len = 84, .protocol = (uint16_t)(payload[12] << 8 | payload[13]),
		.hash = 0x12345678, .users = 1, .rx_ifindex = ifaces[0].ifindex,
	};
	skbw_event(w, &ev);
	skbw_event(w, &ev);
	skbw_close(w);
	struct skb_reader *r = skbr_open_fd(fd, "typical");
	lseek(fd, 0, SEEK_SET);
	struct skb_record rec;
	unsigned seen = 0;
	while (skbr_next(r, &rec) == 1)
		if (rec.kind == SKB_EVENT) {
			CHECK(rec.size - rec.ev.caplen <= 40, "typical event overhead %u bytes",
			      rec.size - rec.ev.caplen);
			same_event(&ev, &rec.ev, 0);
			seen++;
		}
	CHECK(seen == 2, "typical events read: %u", seen);
	skbr_close(r);
	close(fd);
	return failures != 0;
}

static int cut(int flags)
{
	struct skb_event ev[40];
	int fd = write_stream(40, flags, ev, 1000);
	size_t size;
	uint8_t *all = fd_bytes(fd, &size);
	close(fd);

	/* where each event record ends, from a full read (plain only) */
	uint64_t end_of[40];
	unsigned nev = 0;
	if (!(flags & SKBW_COMPRESS)) {
		int f2 = mem_fd(all, size);
		struct skb_reader *r = skbr_open_fd(f2, "x");
		struct skb_record rec;
		while (skbr_next(r, &rec) == 1)
			if (rec.kind == SKB_EVENT)
				end_of[nev++] = rec.offset + rec.size;
		skbr_close(r);
		close(f2);
		CHECK(nev == 40, "full read gave %u events", nev);
	}
	unsigned last = 0;
	for (size_t c = 0; c <= size; c++) {
		int f = mem_fd(all, c), res;
		char msg[600];
		unsigned n = read_all(f, ev, 40, &res, msg, sizeof(msg), NULL);
		close(f);
		if (c == size) {
			CHECK(res == 0 && n == 40, "whole stream: res %d n %u %s", res, n, msg);
			continue;
		}
		CHECK(res == -1, "cut at %zu: no error", c);
		CHECK(strstr(msg, "test.skb: offset "), "cut at %zu: message '%s'", c, msg);
		if (!(flags & SKBW_COMPRESS)) {
			unsigned want = 0;
			while (want < nev && end_of[want] <= c)
				want++;
			CHECK(n == want, "cut at %zu: %u events, want %u", c, n, want);
		} else {
			CHECK(n >= last, "cut at %zu: fewer events than a shorter cut", c);
			last = n;
		}
	}
	free(all);
	return failures != 0;
}

static int flips(void)
{
	struct skb_event ev[60];
	for (int z = 0; z < 2; z++) {
		int fd = write_stream(60, z ? SKBW_COMPRESS : 0, ev, 1000);
		size_t size;
		uint8_t *all = fd_bytes(fd, &size);
		close(fd);
		for (int it = 0; it < 3000; it++) {
			uint8_t *copy = malloc(size);
			memcpy(copy, all, size);
			int nflip = 1 + (int)(rnd() % 4);
			for (int k = 0; k < nflip; k++) {
				size_t at = rnd() % size;
				if (it % 3 == 0)
					copy[at] = (uint8_t)rnd();      /* garbage byte */
				else
					copy[at] ^= (uint8_t)(1u << (rnd() % 8));
			}
			int f = mem_fd(copy, size), res;
			char msg[600];
			read_all(f, NULL, 0, &res, msg, sizeof(msg), NULL);
			close(f);
			if (res)
				CHECK(strstr(msg, "offset "), "flip: error without offset: %s", msg);
			free(copy);
		}
		free(all);
	}
	/* pure garbage after a valid header */
	for (int it = 0; it < 500; it++) {
		uint8_t buf[4096];
		int fd = write_stream(1, 0, ev, 1000);
		size_t size;
		uint8_t *all = fd_bytes(fd, &size);
		close(fd);
		size_t hl = all[12] | all[13] << 8;
		memcpy(buf, all, hl);
		for (size_t k = hl; k < sizeof(buf); k++)
			buf[k] = (uint8_t)rnd();
		int f = mem_fd(buf, sizeof(buf)), res;
		char msg[600];
		read_all(f, NULL, 0, &res, msg, sizeof(msg), NULL);
		CHECK(res == -1, "garbage read without error");
		close(f);
		free(all);
	}
	return failures != 0;
}

static void expect_error(const void *p, size_t n, const char *want)
{
	int f = mem_fd(p, n), res;
	char msg[600];
	read_all(f, NULL, 0, &res, msg, sizeof(msg), NULL);
	close(f);
	CHECK(res == -1 && strstr(msg, want), "want error '%s', got %d '%s'", want, res, msg);
}

static int header(void)
{
	struct skb_event ev[2];
	int fd = write_stream(2, 0, ev, 1000);
	size_t size;
	uint8_t *all = fd_bytes(fd, &size);
	close(fd);

	expect_error("", 0, "offset 0: empty input");
	expect_error("GIF89a......", 12, "offset 0: not a .skb stream");
	uint8_t *c = malloc(size);
	memcpy(c, all, size);
	c[8] = 2;   /* major version 2 */
	c[10] = 7;  /* minor 7 */
	c[11] = 0;
	expect_error(c, size, "unsupported format version 2.7");
	memcpy(c, all, size);
	memmove(c + 4, c + 5, size - 5);   /* \r\n -> \n, as a text-mode copy does */
	expect_error(c, size - 1, "text-mode");
	memcpy(c, all, size);
	c[16] = 0x1a; c[17] = 0x2b; c[18] = 0x3c; c[19] = 0x4d;   /* big-endian mark */
	expect_error(c, size, "byte-order mark");
	/* a newer minor version with a longer header and an unknown record type */
	uint8_t *d = malloc(size + 64);
	size_t hl = all[12] | all[13] << 8;
	memcpy(d, all, hl);
	d[10] = 7;                          /* minor 7 */
	d[12] = (uint8_t)(hl + 8);          /* 8 more header bytes */
	memset(d + hl, 0xee, 8);
	uint8_t unknown[12] = { 0x70, 12, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8 };
	memcpy(d + hl + 8, unknown, 12);
	memcpy(d + hl + 20, all + hl, size - hl);
	int f = mem_fd(d, size + 20), res;
	char msg[600];
	unsigned n = read_all(f, ev, 2, &res, msg, sizeof(msg), NULL);
	CHECK(res == 0 && n == 2, "minor 7 with unknown record: res %d n %u %s", res, n, msg);
	close(f);
	free(d);
	free(c);
	free(all);
	return failures != 0;
}

static int concat(void)
{
	static struct skb_event a[300], b[300];
	size_t na, nb;
	int fa = write_stream(300, 0, a, 1000);
	int fb = write_stream(300, SKBW_COMPRESS, b, 7000000000ull);
	uint8_t *pa = fd_bytes(fa, &na), *pb = fd_bytes(fb, &nb);
	static struct skb_event both[600];
	memcpy(both, a, sizeof(a));
	memcpy(both + 300, b, sizeof(b));
	/* plain + compressed, compressed + plain, compressed + compressed */
	const uint8_t *part[3][2] = { { pa, pb }, { pb, pa }, { pb, pb } };
	size_t len[3][2] = { { na, nb }, { nb, na }, { nb, nb } };
	for (int k = 0; k < 3; k++) {
		uint8_t *cat = malloc(len[k][0] + len[k][1]);
		memcpy(cat, part[k][0], len[k][0]);
		memcpy(cat + len[k][0], part[k][1], len[k][1]);
		int f = mem_fd(cat, len[k][0] + len[k][1]), res;
		char msg[600];
		unsigned secs;
		unsigned n = read_all(f, k == 0 ? both : NULL, 600, &res, msg, sizeof(msg), &secs);
		CHECK(res == 0 && n == 600 && secs == 2, "concat %d: res %d n %u sections %u %s",
		      k, res, n, secs, msg);
		close(f);
		free(cat);
	}
	free(pa);
	free(pb);
	close(fa);
	close(fb);
	return failures != 0;
}

/* More distinct contexts than 16-bit ids hold: the writer starts a new
 * section with fresh dictionaries, and every event still reads back. */
static int many_contexts(void)
{
	int fd = mem_fd(NULL, 0);
	struct skb_writer *w = skbw_open_fd(fd, &info, SKBW_COMPRESS);
	const unsigned n = 70000;
	for (unsigned i = 0; i < n; i++) {
		struct skb_ctx c = { .cpu = 1, .pid = i, .tid = i, .comm = "worker" };
		struct skb_event ev = { .ts = 1000 + i, .probe = &probes[0], .ctx = &c,
					.users = 1, .track = i };
		CHECK(!skbw_event(w, &ev), "event %u", i);
	}
	CHECK(!skbw_close(w), "close");
	lseek(fd, 0, SEEK_SET);
	struct skb_reader *r = skbr_open_fd(fd, "ctx");
	struct skb_record rec;
	unsigned events = 0, sections = 0, bad = 0;
	int k;
	while ((k = skbr_next(r, &rec)) == 1) {
		if (rec.kind == SKB_SECTION)
			sections++;
		if (rec.kind == SKB_EVENT && (rec.ev.ctx->tid != events || rec.ev.track != events))
			bad++;
		events += rec.kind == SKB_EVENT;
	}
	CHECK(k == 0, "reader: %s", skbr_error(r));
	CHECK(events == n && sections == 2 && !bad, "events %u sections %u bad %u", events, sections, bad);
	skbr_close(r);
	close(fd);
	return failures != 0;
}

/*
 * What skbgrep does with the events it keeps: three inputs (each starts
 * with other probes, so their ids differ; the third says it was written by
 * a later minor version, so its records are encoded again), part of their
 * events copied into one writer as the reader returned them, then read back
 * and compared with the events made.
 */
static int copy(int flags)
{
	static struct skb_event made[3][1200];
	const unsigned n = 1200;
	const uint64_t ts0[3] = { 5000000000ull, 900000000000ull, 20000000ull };
	uint8_t *in[3];
	size_t len[3];
	/* the second compressed; the third with its events seconds apart (a
	 * TIME_BASE every few) and marked as written by a later minor */
	for (int k = 0; k < 3; k++) {
		int fd = mem_fd(NULL, 0);
		struct skb_writer *w = skbw_open_fd(fd, &info, k == 1 ? SKBW_COMPRESS : 0);
		uint64_t ts = ts0[k];
		for (unsigned i = 0; i < n; i++) {
			ts += k == 2 ? rnd() % 3000000000ull :
			      i % 97 == 96 ? 5000000000ull : rnd() % 100000;
			/* shifted by k: the inputs meet probes, interfaces,
			 * contexts and stacks in other orders, so their ids differ */
			make_event(i + k, ts, &made[k][i]);
			CHECK(!skbw_event(w, &made[k][i]), "input %d event %u", k, i);
		}
		CHECK(!skbw_close(w), "close input %d", k);
		in[k] = fd_bytes(fd, &len[k]);
		close(fd);
	}
	in[2][10] = SKB_VERSION_MINOR + 1;

	static struct skb_event *kept[3 * 1200];
	unsigned nkept = 0;
	int out = mem_fd(NULL, 0);
	struct skb_writer *w = skbw_open_fd(out, &info, flags | SKBW_STABLE_REFS);
	struct skb_reader *r[3];
	for (int k = 0; k < 3; k++) {
		int fd = mem_fd(in[k], len[k]);
		struct skb_record rec;
		unsigned i = 0;
		int res;
		r[k] = skbr_open_fd(fd, "in");
		skbw_forget_refs(w);
		while ((res = skbr_next(r[k], &rec)) == 1) {
			if (rec.kind != SKB_EVENT)
				continue;
			CHECK(!rec.raw == (k == 2), "input %d: raw bytes %s", k, rec.raw ? "given" : "missing");
			/* a different part of each: other ids and time bases */
			if (i % (k + 2) != 1) {
				CHECK(!skbw_event_copy(w, &rec), "copy %d/%u", k, i);
				kept[nkept++] = &made[k][i];
			}
			i++;
		}
		CHECK(res == 0 && i == n, "input %d: %d, %u events", k, res, i);
		close(fd);
	}
	CHECK(!skbw_close(w), "close copy");
	for (int k = 0; k < 3; k++) {
		skbr_close(r[k]);   /* after the writer: its STABLE_REFS objects */
		free(in[k]);
	}
	lseek(out, 0, SEEK_SET);
	struct skb_reader *rd = skbr_open_fd(out, "copy");
	struct skb_record rec;
	unsigned got = 0;
	int res;
	while ((res = skbr_next(rd, &rec)) == 1)
		if (rec.kind == SKB_EVENT && got < nkept) {
			same_event(kept[got], &rec.ev, got);
			got++;
		}
	CHECK(res == 0 && got == nkept, "copy read back: %d, %u of %u events %s", res, got, nkept,
	      res ? skbr_error(rd) : "");
	skbr_close(rd);
	close(out);
	return failures != 0;
}

/* An event with a VLAN tag and a drop reason, then its bytes changed: the
 * TPID to 0 (no tag, the TCI still 5), flag DROP off (the field still
 * there).  Both fields must read as absent: TCI 0, reason 0. */
static int absent(void)
{
	int fd = mem_fd(NULL, 0);
	struct skb_writer *w = skbw_open_fd(fd, &info, 0);
	struct skb_event ev = {
		.ts = 5000000100ull, .probe = &probes[0], .flags = SKB_EV_L3 | SKB_EV_DROP,
		.vlan_tci = 5, .vlan_proto = 0x8100, .drop_reason = 7, .users = 1,
	};
	CHECK(w && !skbw_event(w, &ev) && !skbw_close(w), "write");
	size_t n;
	uint8_t *b = fd_bytes(fd, &n);
	close(fd);

	/* find the event record, then its VLAN field */
	int f = mem_fd(b, n);
	struct skb_reader *r = skbr_open_fd(f, "absent");
	struct skb_record rec;
	uint64_t at = 0;
	while (skbr_next(r, &rec) == 1)
		if (rec.kind == SKB_EVENT)
			at = rec.offset;
	skbr_close(r);
	close(f);
	uint16_t mask = (uint16_t)(b[at + 30] | b[at + 31] << 8);
	CHECK(at && (mask & SKB_F_VLAN) && (mask & SKB_F_DROP), "event with VLAN and DROP fields");
	size_t vlan = at + 36 + skb_fields_size(mask & (SKB_F_VLAN - 1));
	b[vlan + 2] = b[vlan + 3] = 0;          /* TPID 0 */
	b[at + 32] &= (uint8_t)~SKB_EV_DROP;    /* flag off */

	f = mem_fd(b, n);
	r = skbr_open_fd(f, "absent");
	unsigned seen = 0;
	int k;
	while ((k = skbr_next(r, &rec)) == 1)
		if (rec.kind == SKB_EVENT) {
			seen++;
			CHECK(rec.ev.vlan_proto == 0 && rec.ev.vlan_tci == 0,
			      "TCI %u without TPID read as a tag", rec.ev.vlan_tci);
			CHECK(rec.ev.drop_reason == 0 && !(rec.ev.flags & SKB_EV_DROP),
			      "reason %u without flag DROP read", rec.ev.drop_reason);
		}
	CHECK(k == 0 && seen == 1, "read back: %d, %u events %s", k, seen, k ? skbr_error(r) : "");
	skbr_close(r);
	close(f);
	free(b);
	return failures != 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	int z = argc > 2 && !strcmp(argv[2], "-z") ? SKBW_COMPRESS : 0;
	int r;
	if (!strcmp(c, "roundtrip"))
		r = roundtrip(z);
	else if (!strcmp(c, "cut"))
		r = cut(z);
	else if (!strcmp(c, "flips"))
		r = flips();
	else if (!strcmp(c, "header"))
		r = header();
	else if (!strcmp(c, "concat"))
		r = concat();
	else if (!strcmp(c, "contexts"))
		r = many_contexts();
	else if (!strcmp(c, "copy"))
		r = copy(z);
	else if (!strcmp(c, "absent"))
		r = absent();
	else {
		fprintf(stderr, "usage: format-test roundtrip|cut|flips|header|concat|contexts|copy|absent [-z]\n");
		return 2;
	}
	if (r)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return r;
}
