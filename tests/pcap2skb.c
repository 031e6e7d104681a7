/* SPDX-License-Identifier: MIT */
/*
 * pcap2skb - test helper: turn a pcap (or pcapng) capture into a .skb
 * stream, one synthetic probe, each packet one event with its bytes.
 * Ethernet captures give L2 events, raw-IP captures L3 events.  Output is
 * deterministic (the first packet is at monotonic time 1 s), so golden
 * tests can depend on it.  Built into build/, not installed.
 */
#include "skb.h"
#include "cli.h"
#include "opts.h"
#include "probespec.h"

#include <errno.h>
#include <getopt.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { OPT_IFINDEX = 256, OPT_NETNS, OPT_OUTGOING, OPT_MARK, OPT_DROP, OPT_TRACK };

static const struct skb_option options[] = {
	SKB_OPT_OUTPUT("output (default: stdout)"),
	{ 'p', "probe", "SPEC", "probe spec (default \"pcap\"; \"tp:...\", \"k:...\", \"kr:...\" set its kind)" },
	{ 'i', "iface", "NAME", "interface name (default pcap0)" },
	{ OPT_IFINDEX, "ifindex", "N", "interface index (default 1)" },
	{ OPT_NETNS, "netns", "N", "netns inode (default 4026531840)" },
	{ 's', "snaplen", "SNAPLEN", "keep at most SNAPLEN bytes of each packet" },
	{ OPT_OUTGOING, "outgoing", NULL, "mark packets outgoing (pkt_type 4)" },
	{ OPT_MARK, "mark", "N", "skb mark of every event" },
	{ OPT_DROP, "drop", "V=NAME", "make every event a drop with reason V named NAME" },
	{ OPT_TRACK, "track-base", "N", "first tracking id (default 1)" },
	SKB_OPT_COMPRESS,
	SKB_OPT_HELP,
	SKB_OPT_END,
};

static const struct skb_cmdline cmdline = {
	.synopsis = "[OPTION]... IN.pcap",
	.about = "Turn a pcap/pcapng capture into a .skb stream (test helper).",
	.opts = options,
};

struct p2s {
	const char *out, *spec, *ifname, *drop_name;
	uint64_t ifindex, netns, snap, mark, drop_val, track;
	bool outgoing;
	int flags;
};

static int take_option(struct p2s *o, int c)
{
	switch (c) {
	case 'o': o->out = optarg; return 0;
	case 'p': o->spec = optarg; return 0;
	case 'i': o->ifname = optarg; return 0;
	case 's': return skb_parse_u64("-s", optarg, 0, SKB_SNAPLEN_MAX, &o->snap);
	case 'z': o->flags |= SKBW_COMPRESS; return 0;
	case OPT_IFINDEX: return skb_parse_u64("--ifindex", optarg, 0, UINT32_MAX, &o->ifindex);
	case OPT_NETNS: return skb_parse_u64("--netns", optarg, 0, UINT32_MAX, &o->netns);
	case OPT_OUTGOING: o->outgoing = true; return 0;
	case OPT_MARK: return skb_parse_u64("--mark", optarg, 0, UINT32_MAX, &o->mark);
	case OPT_DROP: {
		char *eq = strchr(optarg, '=');
		if (!eq) {
			skb_warn("--drop wants VALUE=NAME");
			return -1;
		}
		*eq = 0;
		o->drop_name = eq + 1;
		return skb_parse_u64("--drop", optarg, 0, UINT32_MAX, &o->drop_val);
	}
	case OPT_TRACK: return skb_parse_u64("--track-base", optarg, 0, UINT64_MAX, &o->track);
	}
	return -1;
}

/* Header offsets for the event: skip 802.1Q/802.1ad tags, then IPv4/IPv6. */
static void offsets(const uint8_t *d, uint32_t cap, bool l2, uint16_t *l3, uint16_t *l4)
{
	uint32_t o = 0;
	*l3 = *l4 = 0xffff;
	if (l2) {
		if (cap < 14)
			return;
		uint16_t et = (uint16_t)(d[12] << 8 | d[13]);
		o = 14;
		while ((et == 0x8100 || et == 0x88a8) && cap >= o + 4) {
			et = (uint16_t)(d[o + 2] << 8 | d[o + 3]);
			o += 4;
		}
		if (et != 0x0800 && et != 0x86dd)
			return;
	}
	*l3 = (uint16_t)o;
	if (cap < o + 1)
		return;
	if (d[o] >> 4 == 4 && cap >= o + 20)
		*l4 = (uint16_t)(o + (d[o] & 15) * 4);
	else if (d[o] >> 4 == 6 && cap >= o + 40)
		*l4 = (uint16_t)(o + 40);
}

/* Each packet of pc as one event into fd; 0, or 2 after a message. */
static int convert(const struct p2s *o, pcap_t *pc, const char *in, int fd)
{
	int dlt = pcap_datalink(pc);
	bool l2 = dlt == DLT_EN10MB;
	if (!l2 && dlt != DLT_RAW && dlt != DLT_IPV4 && dlt != DLT_IPV6) {
		skb_warn("%s: link type %s is not supported (Ethernet or raw IP only)",
			 in, pcap_datalink_val_to_name(dlt));
		return 2;
	}
	const char *rest;
	struct skb_probe probe = { .kind = SKB_PROBE_SYNTH, .spec = o->spec };
	int kind = skb_probe_kind_parse(o->spec, &rest);
	if (kind)
		probe.kind = (uint8_t)kind;
	struct skb_iface iface = { .netns = (uint32_t)o->netns, .ifindex = (uint32_t)o->ifindex,
				   .name = o->ifname };
	struct skb_ctx ctx = { .cpu = 0, .pid = 0, .tid = 0, .comm = "pcap2skb" };
	struct skb_writer *w = NULL;
	struct pcap_pkthdr *h;
	const u_char *d;
	int64_t wall_offset = 0;
	uint64_t n = 0;
	int r, err = 0;

	while (!err && (r = pcap_next_ex(pc, &h, &d)) == 1) {
		int64_t wall = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
		if (!w) {
			/* first packet at monotonic 1 s: deterministic, never 0 */
			wall_offset = wall - 1000000000;
			struct skb_info info = {
				.snaplen = (uint32_t)o->snap, .wall_offset = wall_offset,
				.time_base = 1000000000, .tool = "pcap2skb " SKBTOOLS_VERSION,
				.host = "pcap2skb", .kernel = "", .cmdline = "pcap2skb",
			};
			if (!(w = skbw_open_fd(fd, &info, o->flags))) {
				skb_warn("cannot start the output");
				return 2;
			}
		}
		uint32_t cap = h->caplen < o->snap ? h->caplen : (uint32_t)o->snap;
		struct skb_event ev = {
			.ts = (uint64_t)(wall - wall_offset),
			.skb = 0xffff888000000000ull + n * 0x100,
			.track = o->track + n,
			.probe = &probe, .iface = &iface, .ctx = &ctx,
			.netns = (uint32_t)o->netns,
			.flags = l2 ? SKB_EV_L2 | SKB_EV_MAC_SET : SKB_EV_L3,
			.orig_len = h->len < cap ? cap : h->len,
			.caplen = cap, .data = d,
			.mark = (uint32_t)o->mark, .users = 1,
		};
		ev.len = ev.orig_len;
		offsets(d, cap, l2, &ev.l3_off, &ev.l4_off);
		if (l2 && cap >= 6)
			ev.pkt_type = d[0] == 0xff && d[1] == 0xff ? 1 : (d[0] & 1) ? 2 : 0;
		if (o->outgoing)
			ev.pkt_type = 4;
		if (l2 && cap >= 14)
			ev.protocol = (uint16_t)(d[12] << 8 | d[13]);
		else if (!l2 && cap >= 1)
			ev.protocol = d[0] >> 4 == 6 ? 0x86dd : 0x0800;
		if (o->drop_name) {
			ev.flags |= SKB_EV_DROP;
			ev.drop_reason = (uint32_t)o->drop_val;
			ev.drop_name = o->drop_name;
		}
		err = skbw_event(w, &ev);
		n++;
	}
	if (!err && r == -1) {
		skb_warn("%s: %s", in, pcap_geterr(pc));
		skbw_abort(w);
		return 2;
	}
	if (!w) {
		struct skb_info info = { .snaplen = (uint32_t)o->snap,
					 .tool = "pcap2skb " SKBTOOLS_VERSION,
					 .host = "pcap2skb", .cmdline = "pcap2skb" };
		w = skbw_open_fd(fd, &info, o->flags);
	}
	if (err)
		skbw_abort(w);
	else
		err = w ? skbw_close(w) : -EIO;
	if (err) {
		skb_warn("%s: %s", o->out && strcmp(o->out, "-") ? o->out : "standard output", strerror(-err));
		return 2;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct p2s o = {
		.spec = "pcap", .ifname = "pcap0", .ifindex = 1, .netns = 4026531840u,
		.snap = SKB_SNAPLEN_MAX, .track = 1,
	};
	int c;

	skb_cli_init(argv[0]);
	while ((c = skb_getopt(&cmdline, argc, argv)) != -1) {
		if (c == 'h')
			return 0;
		if (c == '?' || take_option(&o, c))
			return 2;
	}
	if (optind != argc - 1) {
		skb_usage(&cmdline, stderr);
		return 2;
	}
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(argv[optind],
					PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc) {
		skb_warn("%s", errbuf);
		return 2;
	}
	int fd = skb_open_binary_output(o.out);
	int rc = fd < 0 ? 2 : convert(&o, pc, argv[optind], fd);
	pcap_close(pc);
	return rc;
}
