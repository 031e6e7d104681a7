/* SPDX-License-Identifier: MIT */
/*
 * pktfilter.c - pcap-filter expressions compiled by libpcap for Ethernet and
 * raw IP, run with bpf_filter() on recorded bytes (see pktfilter.h).
 */
#include "pktfilter.h"
#include "skb.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VLAN_HLEN 4
#define ETH_ADDRS_LEN 12        /* destination + source MAC */

struct skb_pktfilter {
	struct bpf_program prog[2];     /* indexed by enum skb_pkt_layer */
	bool ok[2];
	uint8_t *vlan_buf;              /* bytes with an offloaded tag put back */
};

/* Compile for one link type; false with libpcap's message in err. */
static bool compile_one(struct bpf_program *prog, int dlt, const char *expr,
			char *err, size_t errsz)
{
	pcap_t *p = pcap_open_dead(dlt, SKB_SNAPLEN_MAX);
	if (!p) {
		snprintf(err, errsz, "out of memory");
		return false;
	}
	bool ok = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN) == 0;
	if (!ok)
		snprintf(err, errsz, "%s", pcap_geterr(p));
	pcap_close(p);
	return ok;
}

struct skb_pktfilter *skb_pktfilter_new(const char *expr, char *err, size_t errsz)
{
	char raw_err[PCAP_ERRBUF_SIZE + 64];
	struct skb_pktfilter *f = calloc(1, sizeof(*f));
	if (!f) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	f->ok[SKB_PKT_ETHER] = compile_one(&f->prog[SKB_PKT_ETHER], DLT_EN10MB, expr, err, errsz);
	f->ok[SKB_PKT_RAWIP] = compile_one(&f->prog[SKB_PKT_RAWIP], DLT_RAW, expr,
					   raw_err, sizeof(raw_err));
	if (!f->ok[SKB_PKT_ETHER] && !f->ok[SKB_PKT_RAWIP]) {
		free(f);
		return NULL;
	}
	return f;
}

bool skb_pktfilter_has(const struct skb_pktfilter *f, enum skb_pkt_layer layer)
{
	return f->ok[layer];
}

bool skb_pktfilter_match_bytes(const struct skb_pktfilter *f, enum skb_pkt_layer layer,
			       const uint8_t *data, uint32_t caplen, uint32_t orig_len)
{
	if (!f->ok[layer])
		return false;
	if (orig_len < caplen)          /* a damaged length never reads past data */
		orig_len = caplen;
	return bpf_filter(f->prog[layer].bf_insns, data, orig_len, caplen) != 0;
}

bool skb_pktfilter_match(struct skb_pktfilter *f, const struct skb_event *ev)
{
	if (ev->flags & SKB_EV_L3)
		return skb_pktfilter_match_bytes(f, SKB_PKT_RAWIP, ev->data, ev->caplen, ev->orig_len);
	if (!(ev->flags & SKB_EV_L2))
		return false;
	if (!ev->vlan_proto || ev->caplen < ETH_ADDRS_LEN || ev->caplen > SKB_SNAPLEN_MAX ||
	    ev->orig_len > UINT32_MAX - VLAN_HLEN)
		return skb_pktfilter_match_bytes(f, SKB_PKT_ETHER, ev->data, ev->caplen, ev->orig_len);

	/* The tag was offloaded (skb->vlan_tci): rebuild the 802.1Q header so
	 * "vlan 10" matches as it does on a live tcpdump capture. */
	if (!f->vlan_buf && !(f->vlan_buf = malloc(SKB_SNAPLEN_MAX + VLAN_HLEN)))
		return false;
	uint8_t *b = f->vlan_buf;
	memcpy(b, ev->data, ETH_ADDRS_LEN);
	b[12] = ev->vlan_proto >> 8;
	b[13] = ev->vlan_proto & 0xff;
	b[14] = ev->vlan_tci >> 8;
	b[15] = ev->vlan_tci & 0xff;
	memcpy(b + ETH_ADDRS_LEN + VLAN_HLEN, ev->data + ETH_ADDRS_LEN, ev->caplen - ETH_ADDRS_LEN);
	return skb_pktfilter_match_bytes(f, SKB_PKT_ETHER, b, ev->caplen + VLAN_HLEN,
					 ev->orig_len + VLAN_HLEN);
}

void skb_pktfilter_free(struct skb_pktfilter *f)
{
	if (!f)
		return;
	for (int i = 0; i < 2; i++)
		if (f->ok[i])
			pcap_freecode(&f->prog[i]);
	free(f->vlan_buf);
	free(f);
}
