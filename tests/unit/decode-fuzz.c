/* SPDX-License-Identifier: MIT */
/*
 * decode-fuzz - test helper: run the packet decoders over every prefix of
 * every packet of the given pcaps, and over mutated and random bytes, each
 * time from a heap buffer of exactly the captured size (so ASan catches any
 * read past caplen).  Checks that every cut packet says "[truncated]".
 *
 *   decode-fuzz [-n ITER] FILE.pcap...     exit 0 ok, 1 a check failed
 */
#include "decode.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static char text[1 << 16];

/* Decode len bytes copied into an exact-size allocation. */
static const char *decode_exact(const uint8_t *p, uint32_t len, uint32_t orig,
				enum decode_start start, bool eth)
{
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		perror("malloc");
		exit(2);
	}
	memcpy(copy, p, len);
	struct strbuf sb;
	struct decode_info info;
	sb_init(&sb, text, sizeof(text) - 1, -1);
	struct decode_opts o = {
		.start = start, .show_eth = eth, .orig_len = orig,
		.vlan_proto = (len & 1) ? 0x8100 : 0, .vlan_tci = 0x2064,
	};
	decode_packet(&sb, copy, len, &o, &info);
	text[sb.len] = 0;
	free(copy);
	if (len < orig && !info.truncated) {
		fprintf(stderr, "cut at %u of %u bytes, not marked truncated: %s\n",
			len, orig, text);
		exit(1);
	}
	return text;
}

int main(int argc, char **argv)
{
	int iters = 2000, first = 1;
	if (argc > 2 && !strcmp(argv[1], "-n")) {
		iters = atoi(argv[2]);
		first = 3;
	}
	uint64_t runs = 0;
	for (int a = first; a < argc; a++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *pc = pcap_open_offline(argv[a], err);
		if (!pc) {
			fprintf(stderr, "%s\n", err);
			return 2;
		}
		enum decode_start start = pcap_datalink(pc) == DLT_EN10MB ? DECODE_L2 : DECODE_L3;
		struct pcap_pkthdr *h;
		const u_char *d;
		while (pcap_next_ex(pc, &h, &d) == 1) {
			uint32_t n = h->caplen;
			for (uint32_t l = 0; l <= n; l++, runs++)
				decode_exact(d, l, n, start, l & 2);
			uint8_t *m = malloc(n ? n : 1);
			memcpy(m, d, n);
			for (int i = 0; i < iters && n; i++, runs++) {
				memcpy(m, d, n);
				int k = 1 + (int)(next_rand() % 4);
				for (int j = 0; j < k; j++)
					m[next_rand() % n] = (uint8_t)next_rand();
				uint32_t l = next_rand() % (n + 1);
				decode_exact(m, l, n, start, i & 1);
			}
			free(m);
		}
		pcap_close(pc);
	}
	/* Pure noise, both starts. */
	uint8_t noise[512];
	for (int i = 0; i < iters * 10; i++, runs++) {
		uint32_t l = next_rand() % sizeof(noise);
		for (uint32_t j = 0; j < l; j++)
			noise[j] = (uint8_t)next_rand();
		if (l > 0 && (i & 4))
			noise[0] = (i & 8) ? 0x45 : 0x60;   /* look like IP more often */
		decode_exact(noise, l, l, (i & 1) ? DECODE_L3 : DECODE_L2, i & 2);
	}
	printf("%llu decodes\n", (unsigned long long)runs);
	return 0;
}
