/* SPDX-License-Identifier: MIT */
/*
 * mingrep - the least `skbgrep -f EXPR -o OUT IN` can do, for
 * bench/readers.sh (row "floor: mingrep -f"): read the .skb file in 256 KiB
 * read(2)s, walk its records by their length, run libpcap's compiled
 * expression (the interpreter tcpdump runs, through skbgrep's own
 * lib/pktfilter.c) on each event's packet bytes,
 * and copy the records it keeps, and every other record, to OUT in 1 MiB
 * write(2)s.  No check of anything (one section, lengths trusted), no
 * dictionary, no decoding of the fields past the data's start, no VLAN
 * tag put back: what skbgrep costs above this is what its checks, its
 * decoding and its selectors cost.  A benchmark baseline, not a tool.
 *
 *   mingrep EXPR IN OUT      prints "N events, K kept" on stderr
 */
#include "format.h"
#include "le.h"
#include "pktfilter.h"
#include "skbfields.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_SIZE  (256u << 10)
#define WRITE_SIZE (1u << 20)
#define MAX_REC    (1u << 24)   /* a u24 length */

/* Write n bytes of b to fd; 0 or -1. */
static int put(int fd, const uint8_t *b, size_t n)
{
	while (n) {
		ssize_t k = write(fd, b, n);

		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct skb_pktfilter *filter;
	char err[512];
	uint8_t *buf, *ob;
	size_t pos = 0, end = 0, on = 0, events = 0, kept = 0;
	int in, out, eof = 0;

	if (argc != 4) {
		fprintf(stderr, "usage: mingrep EXPR IN OUT\n");
		return 2;
	}
	if (!(filter = skb_pktfilter_new(argv[1], err, sizeof(err)))) {
		fprintf(stderr, "mingrep: %s\n", err);
		return 2;
	}
	in = open(argv[2], O_RDONLY);
	out = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	buf = malloc(MAX_REC + READ_SIZE);
	ob = malloc(WRITE_SIZE);
	if (in < 0 || out < 0 || !buf || !ob) {
		fprintf(stderr, "mingrep: cannot open %s or %s\n", argv[2], argv[3]);
		return 2;
	}
	for (size_t need = SKB_REC_HDR;;) {
		/* refill when the next record is not whole in buf (it then has
		 * room for it: need <= MAX_REC) */
		if (end - pos < need && !eof) {
			memmove(buf, buf + pos, end - pos);
			end -= pos;
			pos = 0;
			ssize_t k = read(in, buf + end, READ_SIZE);
			if (k < 0)
				return 2;
			eof = k == 0;
			end += (size_t)k;
			continue;
		}
		if (end - pos < SKB_REC_HDR)
			break;
		const uint8_t *p = buf + pos;
		/* the file header: its length at offset 12; records: a u24 */
		size_t len = p[0] == SKB_REC_SECTION ? (end - pos >= 16 ? le32(p + 12) : 16) :
			     (size_t)(p[1] | p[2] << 8 | p[3] << 16);
		if (len < SKB_REC_HDR || len > MAX_REC)
			break;
		if (len > end - pos) {
			if (eof)
				break;
			need = len;
			continue;
		}
		need = SKB_REC_HDR;
		bool keep = true;
		if (p[0] == SKB_REC_EVENT && len >= SKB_EV_FIXED) {
			uint16_t f = le16(p + 30);
			size_t d = SKB_EV_FIXED + skb_fields_size(f);
			uint32_t caplen = d <= len ? (uint32_t)(len - d) : 0;
			uint32_t wire = f & SKB_F_ORIG_LEN ? le32(p + SKB_EV_FIXED) : caplen;
			keep = skb_pktfilter_match_bytes(filter, p[32] & SKB_EV_L3 ? SKB_PKT_RAWIP :
							 SKB_PKT_ETHER, p + d, caplen, wire);
			events++;
		}
		if (keep) {
			if (on + len > WRITE_SIZE) {
				if (put(out, ob, on))
					return 2;
				on = 0;
			}
			if (len > WRITE_SIZE) {
				if (put(out, p, len))
					return 2;
			} else {
				memcpy(ob + on, p, len);
				on += len;
			}
			kept++;
		}
		pos += len;
	}
	if (put(out, ob, on))
		return 2;
	fprintf(stderr, "%zu events, %zu kept\n", events, kept);
	return 0;
}
