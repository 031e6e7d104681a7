/* SPDX-License-Identifier: MIT */
/*
 * pcaprec.h - the classic pcap file format, nanosecond flavour
 * (https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/), host byte
 * order like libpcap writes it; readers detect the order from the magic.
 *
 *   file header (24 bytes)              record header (16 bytes)
 *   u32 magic 0xa1b23c4d (ns stamps)    u32 seconds since the epoch
 *   u16 major 2, u16 minor 4            u32 nanoseconds
 *   u32 reserved 0, u32 reserved 0      u32 captured length
 *   u32 snaplen                         u32 original length
 *   u32 link type                       then the captured bytes
 */
#ifndef SKB_PCAPREC_H
#define SKB_PCAPREC_H

#include <stdint.h>

#define PCAP_MAGIC_NS      0xa1b23c4du
#define PCAP_FILE_HDR_LEN  24
#define PCAP_REC_HDR_LEN   16
/* libpcap's MAXIMUM_SNAPLEN: the snaplen written when any length may come. */
#define PCAP_SNAPLEN_MAX   262144u

void pcaprec_file_header(uint8_t out[PCAP_FILE_HDR_LEN], uint32_t snaplen, uint32_t linktype);
/* ns: wall-clock nanoseconds since the epoch. */
void pcaprec_header(uint8_t out[PCAP_REC_HDR_LEN], uint64_t ns, uint32_t caplen, uint32_t orig_len);

#endif
