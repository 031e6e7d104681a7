/* SPDX-License-Identifier: MIT */
/* pcap_sink.c - events as classic pcap records, nanosecond stamps. */
#include "sink.h"
#include "pcaprec.h"

void pcap_sink_begin(struct strbuf *o, uint32_t linktype)
{
	uint8_t *p = sb_reserve(o, PCAP_FILE_HDR_LEN);
	if (!p)
		return;
	pcaprec_file_header(p, PCAP_SNAPLEN_MAX, linktype);
	sb_commit(o, PCAP_FILE_HDR_LEN);
}

void pcap_sink_packet(struct strbuf *o, const struct skb_event *ev,
		      const struct pcaplink_frame *f, uint64_t wall_ns)
{
	size_t n = PCAP_REC_HDR_LEN + f->caplen;
	uint8_t *p = sb_reserve(o, n);
	if (!p)
		return;
	pcaprec_header(p, wall_ns, f->caplen, f->orig_len);
	pcaplink_copy(p + PCAP_REC_HDR_LEN, f, ev);
	sb_commit(o, n);
}
