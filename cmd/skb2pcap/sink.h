/* SPDX-License-Identifier: MIT */
/*
 * sink.h - the two output formats of skb2pcap.  main.c reads and filters
 * events; a sink turns each one into a pcap record or pcapng blocks.
 */
#ifndef SKB2PCAP_SINK_H
#define SKB2PCAP_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include "strbuf.h"
#include "pcaplink.h"
#include "skb.h"

/* ---- classic pcap (pcap_sink.c) ---- */
void pcap_sink_begin(struct strbuf *o, uint32_t linktype);
void pcap_sink_packet(struct strbuf *o, const struct skb_event *ev,
		      const struct pcaplink_frame *f, uint64_t wall_ns);

/* ---- pcapng (pcapng_sink.c) ---- */
struct ng_if;

struct ng_sink {
	struct strbuf *out;
	uint32_t linktype;
	bool begun;
	struct ng_if *ifs;      /* in interface id order */
	uint32_t n, cap;
	uint32_t *slot;         /* hash of (netns, ifindex) -> id + 1 */
	uint32_t nslot;
};

void ng_sink_init(struct ng_sink *s, struct strbuf *o, uint32_t linktype);
/* Section header block from the first section's metadata (NULL: none). */
void ng_sink_begin(struct ng_sink *s, const struct skb_info *info);
/* A new input section: pointers cached from the previous one are stale. */
void ng_sink_section(struct ng_sink *s);
/* dropcount: events lost since the previous packet of this probe. */
void ng_sink_packet(struct ng_sink *s, const struct skb_event *ev,
		    const struct pcaplink_frame *f, uint64_t wall_ns,
		    uint64_t dropcount, const char *drop_name);
/* Interface statistics blocks; lost: events lost while recording. */
void ng_sink_finish(struct ng_sink *s, uint64_t lost);
void ng_sink_free(struct ng_sink *s);

#endif
