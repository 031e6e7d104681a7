/* SPDX-License-Identifier: MIT */
/*
 * pktfilter.h - pcap-filter(7) expressions on recorded packet bytes.
 *
 * An expression is compiled by libpcap twice: once for Ethernet (DLT_EN10MB)
 * and once for raw IP (DLT_RAW, IPv4 or IPv6 from the version nibble).  An
 * event is tested with the program that fits how its bytes start: SKB_EV_L2
 * events with the Ethernet program, SKB_EV_L3 events with the raw-IP one.
 * An expression that only makes sense with a link layer ("arp", "ether host")
 * does not compile for raw IP; it then matches no L3 event.
 */
#ifndef SKB_PKTFILTER_H
#define SKB_PKTFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct skb_event;
struct skb_pktfilter;

/* Which link layer the bytes start with. */
enum skb_pkt_layer { SKB_PKT_ETHER, SKB_PKT_RAWIP };

/*
 * Compile EXPR for both link types.  NULL when it compiles for neither, with
 * libpcap's message (for Ethernet) in err.  NULL with err "out of memory" on
 * allocation failure.
 */
struct skb_pktfilter *skb_pktfilter_new(const char *expr, char *err, size_t errsz);

/* Whether a variant exists (raw IP is missing for L2-only expressions). */
bool skb_pktfilter_has(const struct skb_pktfilter *f, enum skb_pkt_layer layer);

/* Run the program for LAYER on caplen captured bytes of an orig_len packet. */
bool skb_pktfilter_match_bytes(const struct skb_pktfilter *f, enum skb_pkt_layer layer,
			       const uint8_t *data, uint32_t caplen, uint32_t orig_len);

/*
 * Test an event: L2 bytes with the Ethernet program (an offloaded VLAN tag,
 * vlan_proto != 0, is put back into the header first, as AF_PACKET does for
 * tcpdump), L3 bytes with the raw-IP program.  Events with neither flag
 * never match.
 */
bool skb_pktfilter_match(struct skb_pktfilter *f, const struct skb_event *ev);

void skb_pktfilter_free(struct skb_pktfilter *f);

#endif
