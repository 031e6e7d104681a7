/* SPDX-License-Identifier: MIT */
/*
 * pcaplink.h - turn an event's bytes into a frame of a pcap link type.
 *
 * Events start at the MAC header (SKB_EV_L2) or at the network header
 * (SKB_EV_L3).  A pcap file has one link type, so one of them has to be
 * adapted:
 *
 *   LINKTYPE_LINUX_SLL2 (276): a 20-byte header carrying protocol, ifindex,
 *     device type, pkt_type and the sender's link address, then the packet
 *     from the network header.  An Ethernet header is folded into it (the
 *     destination MAC is the only thing lost); L3 events need no invention.
 *   LINKTYPE_ETHERNET (1): L2 events pass unchanged (byte exact); L3 events
 *     get a synthetic header with zero MACs and the ethertype from
 *     skb->protocol or the IP version.
 *
 * In SLL2 the packet type of an outgoing packet is PACKET_OUTGOING, as
 * AF_PACKET reports it, even when the skb itself still says PACKET_HOST.
 *
 * An offloaded VLAN tag (vlan_proto != 0) is put back into the frame the way
 * libpcap does on a live capture, so filters like "vlan 10" keep working.
 *
 * A frame is hdr[0..hdr_len) followed by ev->data[skip..caplen): no copy of
 * the packet bytes is needed to describe it.
 */
#ifndef SKB_PCAPLINK_H
#define SKB_PCAPLINK_H

#include <stdint.h>
#include "skb.h"

#define PCAPLINK_ETHERNET  1u
#define PCAPLINK_SLL2      276u

#define PCAPLINK_HDR_MAX   24   /* SLL2 (20) + a reinserted VLAN tag (4) */
#define PCAPLINK_SLL2_LEN  20
/* A frame is at most this much longer than the event's bytes. */
#define PCAPLINK_GROWTH    PCAPLINK_HDR_MAX

struct pcaplink_frame {
	uint8_t hdr[PCAPLINK_HDR_MAX];
	uint32_t hdr_len;       /* bytes of hdr[] that start the frame */
	uint32_t skip;          /* event bytes replaced by hdr[] (folded L2 header) */
	uint32_t caplen;        /* hdr_len + caplen - skip */
	uint32_t orig_len;      /* same adjustment applied to the event's orig_len */
};

/* Direction of a packet (pcapng epb_flags bits 0-1 use the same values). */
#define PCAPLINK_DIR_UNKNOWN  0
#define PCAPLINK_DIR_IN       1
#define PCAPLINK_DIR_OUT      2

/*
 * Which way ev's packet goes: from its probe's SKB_PROBE_F_TX/RX flag (or,
 * for a probe without either, from its name: xmit/_output are transmit,
 * receive/_rcv/netif_rx receive), else from pkt_type (PACKET_OUTGOING is out; broadcast, multicast, other-host
 * are set on receive only; PACKET_HOST is also what a locally sent skb
 * carries, so alone it says nothing).
 */
int pcaplink_direction(const struct skb_event *ev);

/* Link type by name ("ether", "en10mb", "sll2", "linux_sll2"); 0 unknown. */
uint32_t pcaplink_by_name(const char *name);
const char *pcaplink_name(uint32_t linktype);

/*
 * Build the frame of ev for linktype.  Returns 0, or -1 when the event has no
 * packet bytes (caplen 0) and there is nothing to write.
 */
int pcaplink_frame(struct pcaplink_frame *f, const struct skb_event *ev, uint32_t linktype);
/* Copy the frame's f->caplen bytes (header, then event bytes) to dst. */
void pcaplink_copy(uint8_t *dst, const struct pcaplink_frame *f, const struct skb_event *ev);

#endif
