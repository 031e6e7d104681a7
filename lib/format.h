/* SPDX-License-Identifier: MIT */
/*
 * format.h - on-disk sizes and offsets of the .skb records, shared by the
 * reader and the writer.  docs/format.md is the reference; keep in step.
 */
#ifndef SKB_FORMAT_H
#define SKB_FORMAT_H

#include "skb.h"

#define SKB_BOM             0x1a2b3c4du  /* byte-order mark, stored LE */
#define SKB_HDR_FIXED       44           /* header bytes before the strings */
#define SKB_REC_HDR         4            /* u8 type, u24 length */
#define SKB_EV_FIXED        36           /* event bytes before optional fields */
#define SKB_OFF_UNKNOWN     0xff         /* stored L3/L4 offset: unknown or > 254 */

/* Size on disk of each optional event field, in SKB_F_* bit order. */
static const uint8_t skb_field_size[16] = {
	4,      /* ORIG_LEN  */
	8,      /* SKB_LEN   */
	2,      /* PROTOCOL  */
	4,      /* MARK      */
	4,      /* HASH      */
	4,      /* PRIORITY  */
	2,      /* QUEUE     */
	4,      /* VLAN      */
	2,      /* CSUM      */
	8,      /* GSO       */
	8,      /* CLONE     */
	4,      /* DROP      */
	4,      /* RX_IF     */
	4,      /* STACK     */
	4,      /* NETNS     */
	2,      /* EXT: u16 length, then that many bytes (skipped) */
};

/* The protocol a reader assumes when the PROTOCOL field is absent. */
static inline uint16_t skb_default_protocol(uint8_t flags, const uint8_t *d, uint32_t caplen)
{
	if ((flags & SKB_EV_L2) && caplen >= 14)
		return (uint16_t)(d[12] << 8 | d[13]);
	if ((flags & SKB_EV_L3) && caplen >= 1) {
		if (d[0] >> 4 == 4)
			return 0x0800;
		if (d[0] >> 4 == 6)
			return 0x86dd;
	}
	return 0;
}

#endif
