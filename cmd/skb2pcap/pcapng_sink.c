/* SPDX-License-Identifier: MIT */
/*
 * pcapng_sink.c - events as pcapng: one section header, one interface block
 * per (netns, ifindex, device name) as it first appears, one enhanced packet
 * block per event with the metadata stock Wireshark shows and filters on,
 * interface statistics blocks at the end.
 *
 * Every interface block has the same link type and snaplen: libpcap refuses
 * files where they differ.
 */
#include "sink.h"
#include "cli.h"
#include "pcapng.h"
#include "pcaprec.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#define PACKET_HOST       0
#define PACKET_BROADCAST  1
#define PACKET_MULTICAST  2
#define PACKET_OTHERHOST  3

struct ng_if {
	uint32_t netns, ifindex;
	char *name;
	uint64_t first_ts, last_ts, packets;
	char *probes;                     /* "spec,spec,..." that saw it */
	size_t probes_len;
	const struct skb_probe *last_probe;   /* already in probes (this section) */
};

void ng_sink_init(struct ng_sink *s, struct strbuf *o, uint32_t linktype)
{
	memset(s, 0, sizeof(*s));
	s->out = o;
	s->linktype = linktype;
}

/*
 * The options of the block being built (one at a time; an IDB is finished
 * before the packet that needed it starts its own): 4 KiB, kept off the stack.
 */
static struct pcapng_opts opts;

static void put_shb(struct strbuf *o)
{
	size_t len = pcapng_shb_len(&opts);
	uint8_t *p = sb_reserve(o, len);
	if (!p)
		return;
	pcapng_shb(p, &opts);
	sb_commit(o, len);
}

static void put_idb(struct strbuf *o, uint16_t linktype)
{
	size_t len = pcapng_idb_len(&opts);
	uint8_t *p = sb_reserve(o, len);
	if (!p)
		return;
	pcapng_idb(p, linktype, PCAP_SNAPLEN_MAX, &opts);
	sb_commit(o, len);
}

void ng_sink_begin(struct ng_sink *s, const struct skb_info *info)
{
	struct utsname u;
	char buf[1024];

	if (s->begun)
		return;
	s->begun = true;
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	pcapng_opts_init(&opts);
	if (info && (info->host || info->cmdline)) {
		snprintf(buf, sizeof(buf), "recorded on %s with: %s",
			 info->host && *info->host ? info->host : "?",
			 info->cmdline && *info->cmdline ? info->cmdline : "?");
		pcapng_opt_str(&opts, PCAPNG_OPT_COMMENT, buf);
	}
	/* The hardware of the converting host: the file does not record it. */
	pcapng_opt_str(&opts, PCAPNG_SHB_HARDWARE, u.machine);
	snprintf(buf, sizeof(buf), "Linux %s",
		 info && info->kernel && *info->kernel ? info->kernel : u.release);
	pcapng_opt_str(&opts, PCAPNG_SHB_OS, buf);
	if (info && info->tool && *info->tool)
		snprintf(buf, sizeof(buf), "skb2pcap %s (from %s)", SKBTOOLS_VERSION, info->tool);
	else
		snprintf(buf, sizeof(buf), "skb2pcap %s", SKBTOOLS_VERSION);
	pcapng_opt_str(&opts, PCAPNG_SHB_USERAPPL, buf);
	put_shb(s->out);
}

void ng_sink_section(struct ng_sink *s)
{
	for (uint32_t i = 0; i < s->n; i++)
		s->ifs[i].last_probe = NULL;
}

static uint32_t hash_key(uint32_t netns, uint32_t ifindex)
{
	uint64_t k = (uint64_t)netns << 32 | ifindex;
	k *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(k >> 32);
}

static bool same_if(const struct ng_if *f, uint32_t netns, uint32_t ifindex, const char *name)
{
	return f->netns == netns && f->ifindex == ifindex && !strcmp(f->name, name);
}

static void rehash(struct ng_sink *s)
{
	uint32_t nslot = s->nslot ? s->nslot * 2 : 64;
	uint32_t *slot = calloc(nslot, sizeof(*slot));
	if (!slot)
		skb_die(2, "out of memory");
	for (uint32_t i = 0; i < s->n; i++) {
		uint32_t h = hash_key(s->ifs[i].netns, s->ifs[i].ifindex) & (nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = i + 1;
	}
	free(s->slot);
	s->slot = slot;
	s->nslot = nslot;
}

static void write_idb(struct ng_sink *s, const struct ng_if *f, const struct skb_probe *probe)
{
	char desc[512];
	pcapng_opts_init(&opts);
	if (*f->name)
		pcapng_opt_str(&opts, PCAPNG_IF_NAME, f->name);
	if (probe)
		snprintf(desc, sizeof(desc), "netns=%" PRIu32 " ifindex=%" PRIu32 " first_probe=%s",
			 f->netns, f->ifindex, probe->spec ? probe->spec : "?");
	else
		snprintf(desc, sizeof(desc), "no packets");
	pcapng_opt_str(&opts, PCAPNG_IF_DESCRIPTION, desc);
	pcapng_opt_u8(&opts, PCAPNG_IF_TSRESOL, 9);   /* nanoseconds */
	put_idb(s->out, (uint16_t)s->linktype);
}

/*
 * Interface id of (netns, ifindex, name), writing its IDB the first time;
 * probe: the first probe that saw it, NULL for the placeholder interface.
 */
static uint32_t iface_id(struct ng_sink *s, uint32_t netns, uint32_t ifindex,
			 const char *name, const struct skb_probe *probe)
{
	if (s->nslot) {
		uint32_t h = hash_key(netns, ifindex) & (s->nslot - 1);
		for (; s->slot[h]; h = (h + 1) & (s->nslot - 1))
			if (same_if(&s->ifs[s->slot[h] - 1], netns, ifindex, name))
				return s->slot[h] - 1;
	}
	if (s->n == s->cap) {
		uint32_t cap = s->cap ? s->cap * 2 : 16;
		struct ng_if *ifs = realloc(s->ifs, cap * sizeof(*ifs));
		if (!ifs)
			skb_die(2, "out of memory");
		s->ifs = ifs;
		s->cap = cap;
	}
	struct ng_if *f = &s->ifs[s->n];
	memset(f, 0, sizeof(*f));
	f->netns = netns;
	f->ifindex = ifindex;
	f->name = strdup(name);
	if (!f->name)
		skb_die(2, "out of memory");
	s->n++;
	if (s->n * 2 > s->nslot)
		rehash(s);
	else {
		uint32_t h = hash_key(netns, ifindex) & (s->nslot - 1);
		while (s->slot[h])
			h = (h + 1) & (s->nslot - 1);
		s->slot[h] = s->n;
	}
	write_idb(s, f, probe);
	return s->n - 1;
}

/* Remember that probe saw interface f (for the statistics block). */
static void note_probe(struct ng_if *f, const struct skb_probe *probe)
{
	if (!probe || f->last_probe == probe)
		return;
	f->last_probe = probe;
	const char *spec = probe->spec ? probe->spec : "?";
	size_t n = strlen(spec);
	/* already in the comma-separated list?  (an empty spec too: compare
	 * item by item, never search for "" in a loop) */
	for (const char *p = f->probes; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, spec, n) && (p[n] == ',' || p[n] == 0))
			return;
	char *np = realloc(f->probes, f->probes_len + n + 2);
	if (!np)
		skb_die(2, "out of memory");
	if (f->probes_len)
		np[f->probes_len++] = ',';
	memcpy(np + f->probes_len, spec, n + 1);
	f->probes = np;
	f->probes_len += n;
}

/* Direction, and for inbound packets the reception type from pkt_type. */
static uint32_t epb_flags(const struct skb_event *ev)
{
	int dir = pcaplink_direction(ev);
	if (dir != PCAPLINK_DIR_IN)
		return dir == PCAPLINK_DIR_OUT ? PCAPNG_DIR_OUTBOUND : 0;
	switch (ev->pkt_type) {
	case PACKET_HOST:      return PCAPNG_DIR_INBOUND | PCAPNG_RX_UNICAST;
	case PACKET_BROADCAST: return PCAPNG_DIR_INBOUND | PCAPNG_RX_BROADCAST;
	case PACKET_MULTICAST: return PCAPNG_DIR_INBOUND | PCAPNG_RX_MULTICAST;
	case PACKET_OTHERHOST: return PCAPNG_DIR_INBOUND | PCAPNG_RX_PROMISC;
	default:               return PCAPNG_DIR_INBOUND;
	}
}

/* A bounded text builder: the comment is made for every packet, and
 * snprintf per key costs more than the rest of the packet block. */
struct text {
	char *buf;
	size_t n, size;   /* size > 0; buf stays NUL-terminated */
};

static void add_str(struct text *t, const char *s)
{
	while (*s && t->n + 1 < t->size)
		t->buf[t->n++] = *s++;
	t->buf[t->n] = 0;
}

static void add_num(struct text *t, uint64_t v, unsigned base)
{
	char tmp[24];
	size_t i = sizeof(tmp);
	tmp[--i] = 0;
	do {
		tmp[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	add_str(t, tmp + i);
}

/* Stable key=value pairs, only the keys that apply, in a fixed order. */
static void comment(char *buf, size_t size, const struct skb_event *ev, const char *drop_name)
{
	struct text t = { buf, 0, size };
	add_str(&t, "probe=");
	add_str(&t, ev->probe && ev->probe->spec ? ev->probe->spec : "?");
	if (ev->netns) {
		add_str(&t, " netns=");
		add_num(&t, ev->netns, 10);
	}
	if (ev->iface && ev->iface->ifindex) {
		add_str(&t, " ifindex=");
		add_num(&t, ev->iface->ifindex, 10);
	}
	/* every skb has a mark; 0 is stored as "absent" but is still a value */
	add_str(&t, " mark=0x");
	add_num(&t, ev->mark, 16);
	if (ev->skb) {
		add_str(&t, " skb=0x");
		add_num(&t, ev->skb, 16);
	}
	if (ev->flags & SKB_EV_DROP) {
		if (drop_name && !strncmp(drop_name, "SKB_DROP_REASON_", 16))
			drop_name += 16;
		add_str(&t, " drop_reason=");
		if (drop_name && *drop_name)
			add_str(&t, drop_name);
		else
			add_num(&t, ev->drop_reason, 10);
	}
}

void ng_sink_packet(struct ng_sink *s, const struct skb_event *ev,
		    const struct pcaplink_frame *f, uint64_t wall_ns,
		    uint64_t dropcount, const char *drop_name)
{
	char text[1024];

	ng_sink_begin(s, NULL);
	uint32_t id = iface_id(s, ev->netns, ev->iface ? ev->iface->ifindex : 0,
			       ev->iface && ev->iface->name ? ev->iface->name : "", ev->probe);
	struct ng_if *nf = &s->ifs[id];
	if (!nf->packets++)
		nf->first_ts = wall_ns;
	nf->last_ts = wall_ns;
	note_probe(nf, ev->probe);

	pcapng_opts_init(&opts);
	pcapng_opt_u32(&opts, PCAPNG_EPB_FLAGS, epb_flags(ev));
	if (dropcount)
		pcapng_opt_u64(&opts, PCAPNG_EPB_DROPCOUNT, dropcount);
	if (ev->track)
		pcapng_opt_u64(&opts, PCAPNG_EPB_PACKETID, ev->track);
	pcapng_opt_u32(&opts, PCAPNG_EPB_QUEUE, ev->queue_mapping);
	comment(text, sizeof(text), ev, drop_name);
	pcapng_opt_str(&opts, PCAPNG_OPT_COMMENT, text);

	size_t total = pcapng_epb_len(f->caplen, &opts);
	uint8_t *p = sb_reserve(s->out, total);
	if (!p)
		return;
	pcapng_epb_head(p, total, id, wall_ns, f->caplen, f->orig_len);
	pcaplink_copy(p + PCAPNG_EPB_HDR_LEN, f, ev);
	pcapng_epb_tail(p + PCAPNG_EPB_HDR_LEN + f->caplen, total, f->caplen, &opts);
	sb_commit(s->out, total);
}

void ng_sink_finish(struct ng_sink *s, uint64_t lost)
{
	char text[PCAPNG_OPTS_MAX];

	ng_sink_begin(s, NULL);
	/* libpcap cannot open a pcapng without an interface block */
	if (!s->n)
		iface_id(s, 0, 0, "", NULL);
	for (uint32_t i = 0; i < s->n; i++) {
		const struct ng_if *f = &s->ifs[i];
		pcapng_opts_init(&opts);
		/* Lost events cannot be told apart by interface: all on the first. */
		int k = snprintf(text, sizeof(text), "packets=%" PRIu64, f->packets);
		if (i == 0 && k > 0 && (size_t)k < sizeof(text))
			k += snprintf(text + k, sizeof(text) - k, " lost=%" PRIu64, lost);
		if (k > 0 && (size_t)k < sizeof(text))
			snprintf(text + k, sizeof(text) - k, " probes=%s", f->probes ? f->probes : "");
		pcapng_opt_ts(&opts, PCAPNG_ISB_STARTTIME, f->first_ts);
		pcapng_opt_ts(&opts, PCAPNG_ISB_ENDTIME, f->last_ts);
		if (i == 0)
			pcapng_opt_u64(&opts, PCAPNG_ISB_IFDROP, lost);
		pcapng_opt_u64(&opts, PCAPNG_ISB_USRDELIV, f->packets);
		pcapng_opt_str(&opts, PCAPNG_OPT_COMMENT, text);   /* last: may be cut */
		size_t len = pcapng_isb_len(&opts);
		uint8_t *p = sb_reserve(s->out, len);
		if (!p)
			return;
		pcapng_isb(p, i, f->last_ts, &opts);
		sb_commit(s->out, len);
	}
}

void ng_sink_free(struct ng_sink *s)
{
	for (uint32_t i = 0; i < s->n; i++) {
		free(s->ifs[i].name);
		free(s->ifs[i].probes);
	}
	free(s->ifs);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}
