/* SPDX-License-Identifier: MIT */
/*
 * filter.c - skbrec -f EXPR compiled by libpcap into classic BPF, once per
 * link type (xlate.c turns the programs into the kernel filter).  Apart
 * from xlate.c because libpcap's struct bpf_insn and the kernel's cannot
 * meet in one file.
 */
#include "skbrec.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(struct bpf_insn) == sizeof(struct cbpf_insn), "classic BPF layout");

int filter_compile(const char *expr, int dlt, struct cbpf_insn **out, size_t *n,
		   char *perr, size_t perrn)
{
	pcap_t *p = pcap_open_dead(dlt, 262144);
	struct bpf_program bp;

	*out = NULL;
	*n = 0;
	if (!p)
		return -1;
	if (pcap_compile(p, &bp, expr, 1, PCAP_NETMASK_UNKNOWN)) {
		snprintf(perr, perrn, "%s", pcap_geterr(p));
		pcap_close(p);
		return 1;
	}
	*out = malloc(bp.bf_len * sizeof(**out));
	if (*out) {
		memcpy(*out, bp.bf_insns, bp.bf_len * sizeof(**out));
		*n = bp.bf_len;
	}
	pcap_freecode(&bp);
	pcap_close(p);
	return *out ? 0 : -1;
}
