/* SPDX-License-Identifier: MIT */
/*
 * pcapng.h - the few pcapng blocks skb2pcap writes, encoded in host byte
 * order (the section header's byte-order magic tells readers which).
 * Reference: draft-ietf-opsawg-pcapng (https://github.com/IETF-OPSAWG-WG/draft-ietf-opsawg-pcap).
 *
 * Every block:                          Every option:
 *   u32 block type                        u16 code, u16 length
 *   u32 block total length                value, zero padded to 32 bits
 *   body (32-bit aligned)                 ... ending with opt_endofopt (0, 0)
 *   options
 *   u32 block total length (again)
 *
 *   SHB 0x0a0d0d0a: u32 0x1a2b3c4d, u16 major 1, u16 minor 0, s64 section length -1
 *   IDB 1: u16 link type, u16 reserved, u32 snaplen
 *   EPB 6: u32 interface id, u32 ts high, u32 ts low, u32 caplen, u32 orig len,
 *          packet bytes padded to 32 bits
 *   ISB 5: u32 interface id, u32 ts high, u32 ts low
 *
 * Only standard blocks and options: custom blocks show up as frames in
 * Wireshark and break `editcap -F pcap`.
 */
#ifndef SKB_PCAPNG_H
#define SKB_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define PCAPNG_SHB              0x0a0d0d0au
#define PCAPNG_IDB              0x00000001u
#define PCAPNG_ISB              0x00000005u
#define PCAPNG_EPB              0x00000006u
#define PCAPNG_BYTE_ORDER_MAGIC 0x1a2b3c4du

/* options valid in every block */
#define PCAPNG_OPT_END          0
#define PCAPNG_OPT_COMMENT      1
/* section header */
#define PCAPNG_SHB_HARDWARE     2
#define PCAPNG_SHB_OS           3
#define PCAPNG_SHB_USERAPPL     4
/* interface description */
#define PCAPNG_IF_NAME          2
#define PCAPNG_IF_DESCRIPTION   3
#define PCAPNG_IF_TSRESOL       9
/* enhanced packet */
#define PCAPNG_EPB_FLAGS        2
#define PCAPNG_EPB_DROPCOUNT    4
#define PCAPNG_EPB_PACKETID     5
#define PCAPNG_EPB_QUEUE        6
/* interface statistics */
#define PCAPNG_ISB_STARTTIME    2
#define PCAPNG_ISB_ENDTIME      3
#define PCAPNG_ISB_IFDROP       5
#define PCAPNG_ISB_USRDELIV     8

/* epb_flags: bits 0-1 direction, bits 2-4 reception type */
#define PCAPNG_DIR_INBOUND      0x1u
#define PCAPNG_DIR_OUTBOUND     0x2u
#define PCAPNG_RX_UNICAST       (1u << 2)
#define PCAPNG_RX_MULTICAST     (2u << 2)
#define PCAPNG_RX_BROADCAST     (3u << 2)
#define PCAPNG_RX_PROMISC       (4u << 2)

#define PCAPNG_EPB_HDR_LEN      28   /* type, length, 5 fields */
#define PCAPNG_OPTS_MAX         4096

/*
 * Options are collected first so a block's total length is known before any
 * of it is written.  A string that does not fit is cut (at a UTF-8 character
 * boundary); a number that does not fit is left out.
 */
struct pcapng_opts {
	size_t len;
	uint8_t buf[PCAPNG_OPTS_MAX];
};

void pcapng_opts_init(struct pcapng_opts *o);
void pcapng_opt_str(struct pcapng_opts *o, uint16_t code, const char *s);
void pcapng_opt_u8(struct pcapng_opts *o, uint16_t code, uint8_t v);
void pcapng_opt_u32(struct pcapng_opts *o, uint16_t code, uint32_t v);
void pcapng_opt_u64(struct pcapng_opts *o, uint16_t code, uint64_t v);
/* A timestamp in the EPB layout (high, low 32 bits), units of if_tsresol. */
void pcapng_opt_ts(struct pcapng_opts *o, uint16_t code, uint64_t ts);

/* Size of each block with these options (NULL: none). */
size_t pcapng_shb_len(const struct pcapng_opts *o);
size_t pcapng_idb_len(const struct pcapng_opts *o);
size_t pcapng_isb_len(const struct pcapng_opts *o);
size_t pcapng_epb_len(uint32_t caplen, const struct pcapng_opts *o);

/* Write a block into out (at least the *_len() above); returns its length. */
size_t pcapng_shb(uint8_t *out, const struct pcapng_opts *o);
size_t pcapng_idb(uint8_t *out, uint16_t linktype, uint32_t snaplen, const struct pcapng_opts *o);
size_t pcapng_isb(uint8_t *out, uint32_t ifid, uint64_t ts, const struct pcapng_opts *o);
/*
 * An EPB is written in two parts around the packet bytes, which the caller
 * puts at out + PCAPNG_EPB_HDR_LEN (caplen of them); then pcapng_epb_tail()
 * at out + PCAPNG_EPB_HDR_LEN + caplen adds padding, options and the length.
 */
void pcapng_epb_head(uint8_t *out, size_t total, uint32_t ifid, uint64_t ts,
		     uint32_t caplen, uint32_t orig_len);
void pcapng_epb_tail(uint8_t *out, size_t total, uint32_t caplen, const struct pcapng_opts *o);

#endif
