/* SPDX-License-Identifier: MIT */
/*
 * fuzz-pcap - a .skb stream through the reader into skb2pcap's two
 * writers: classic pcap (with each link type) and pcapng (interfaces,
 * comments, drop counts, statistics).
 */
#include "input.h"
#include "sink.h"

static const uint32_t linktypes[] = { PCAPLINK_SLL2, PCAPLINK_ETHERNET };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skb_reader *r = fuzz_reader(data, size);
	struct strbuf pcap, ng;
	struct ng_sink sink;
	struct skb_record rec;
	const struct skb_info *info = NULL;
	uint32_t lt = linktypes[size % 2];
	uint64_t lost = 0;

	sb_init_owned(&pcap, 1 << 16, fuzz_sink_fd());
	sb_init_owned(&ng, 1 << 16, fuzz_sink_fd());
	pcap_sink_begin(&pcap, lt);
	ng_sink_init(&sink, &ng, lt);
	while (skbr_next(r, &rec) > 0) {
		if (rec.info != info || rec.kind == SKB_SECTION) {
			info = rec.info;
			ng_sink_section(&sink);
		}
		if (!sink.begun)
			ng_sink_begin(&sink, rec.info);
		if (rec.kind == SKB_LOST) {
			lost += rec.lost.count;
			continue;
		}
		if (rec.kind != SKB_EVENT)
			continue;
		struct pcaplink_frame f;
		uint64_t ns = (uint64_t)skb_wall_ns(rec.info, rec.ev.ts);

		if (pcaplink_frame(&f, &rec.ev, lt))
			continue;
		pcap_sink_packet(&pcap, &rec.ev, &f, ns);
		ng_sink_packet(&sink, &rec.ev, &f, ns, lost, rec.ev.drop_name);
		lost = 0;
	}
	ng_sink_finish(&sink, lost);
	ng_sink_free(&sink);
	sb_flush(&pcap);
	sb_flush(&ng);
	sb_free(&pcap);
	sb_free(&ng);
	skbr_close(r);
	return 0;
}
