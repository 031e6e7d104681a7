/* SPDX-License-Identifier: MIT */
/* pcaprec.c - classic pcap file and record headers (see pcaprec.h). */
#include "pcaprec.h"

#include "le.h"

void pcaprec_file_header(uint8_t out[PCAP_FILE_HDR_LEN], uint32_t snaplen, uint32_t linktype)
{
	uint8_t *p = put_host32(out, PCAP_MAGIC_NS);
	p = put_host16(p, 2);
	p = put_host16(p, 4);
	p = put_host32(p, 0);
	p = put_host32(p, 0);
	p = put_host32(p, snaplen);
	put_host32(p, linktype);
}

void pcaprec_header(uint8_t out[PCAP_REC_HDR_LEN], uint64_t ns, uint32_t caplen, uint32_t orig_len)
{
	uint64_t sec = ns / 1000000000u;
	/* the format has 32 unsigned bits of seconds: good until 2106 */
	uint8_t *p = put_host32(out, sec > UINT32_MAX ? UINT32_MAX : (uint32_t)sec);
	p = put_host32(p, (uint32_t)(ns % 1000000000u));
	p = put_host32(p, caplen);
	put_host32(p, orig_len);
}
