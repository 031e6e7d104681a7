/* SPDX-License-Identifier: MIT */
/*
 * xlate-diff-pcap.c - libpcap's side of tests/skbrec/xlate-diff.c (its
 * struct bpf_insn and the kernel's cannot meet in one file).
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int load_pcap_packets(const char *path, void (*add)(const uint8_t *b, uint32_t caplen,
						     uint32_t wirelen));
void *pcap_side_compile(const char *expr, int dlt);
int pcap_side_match(void *prog, const uint8_t *b, uint32_t caplen, uint32_t wirelen);
void pcap_side_free(void *prog);

int load_pcap_packets(const char *path, void (*add)(const uint8_t *b, uint32_t caplen,
						     uint32_t wirelen))
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_open_offline(path, err);
	struct pcap_pkthdr *h;
	const u_char *d;

	if (!p) {
		fprintf(stderr, "xlate-diff: %s\n", err);
		return -1;
	}
	while (pcap_next_ex(p, &h, &d) == 1)
		add(d, h->caplen, h->len);
	pcap_close(p);
	return 0;
}

/* NULL when libpcap refuses the expression for that link type. */
void *pcap_side_compile(const char *expr, int dlt)
{
	pcap_t *p = pcap_open_dead(dlt, 262144);
	struct bpf_program *bp = calloc(1, sizeof(*bp));

	if (!p || !bp || pcap_compile(p, bp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		free(bp);
		bp = NULL;
	}
	if (p)
		pcap_close(p);
	return bp;
}

int pcap_side_match(void *prog, const uint8_t *b, uint32_t caplen, uint32_t wirelen)
{
	struct pcap_pkthdr h = { .caplen = caplen, .len = wirelen };

	return prog && pcap_offline_filter(prog, &h, b) != 0;
}

void pcap_side_free(void *prog)
{
	if (prog) {
		pcap_freecode(prog);
		free(prog);
	}
}
