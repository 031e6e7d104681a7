/* SPDX-License-Identifier: MIT */
/*
 * format.h - on-disk sizes and offsets of the .skb records, shared by the
 * reader and the writer.  docs/format.md is the reference; keep in step.
 * The optional event fields are declared in skbfields.h.
 */
#ifndef SKB_FORMAT_H
#define SKB_FORMAT_H

#include "skb.h"

#define SKB_BOM             0x1a2b3c4du  /* byte-order mark, stored LE */
#define SKB_HDR_FIXED       44           /* header bytes before the strings */
#define SKB_REC_HDR         4            /* u8 type, u24 length */
#define SKB_EV_FIXED        36           /* event bytes before optional fields */
#define SKB_OFF_UNKNOWN     0xff         /* stored L3/L4 offset: unknown or > 254 */

#endif
