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

#include <getopt.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fprintf(f,
"usage: pcap2skb [OPTION]... IN.pcap\n"
"Turn a pcap/pcapng capture into a .skb stream (test helper).\n"
"  -o FILE          output (default: stdout)\n"
"  -p SPEC          probe spec (default \"pcap\"; \"tp:...\", \"k:...\", \"kr:...\" set its kind)\n"
"  -i NAME          interface name (default pcap0)\n"
"  --ifindex N      interface index (default 1)\n"
"  --netns N        netns inode (default 4026531840)\n"
"  -s SNAPLEN       keep at most SNAPLEN bytes of each packet\n"
"  --outgoing       mark packets outgoing (pkt_type 4)\n"
"  --mark N         skb mark of every event\n"
"  --drop V=NAME    make every event a drop with reason V named NAME\n"
"  --track-base N   first tracking id (default 1)\n"
"  -z               compress\n");
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

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "ifindex", required_argument, 0, 1 }, { "netns", required_argument, 0, 2 },
		{ "outgoing", no_argument, 0, 3 }, { "mark", required_argument, 0, 4 },
		{ "drop", required_argument, 0, 5 }, { "track-base", required_argument, 0, 6 },
		{ "help", no_argument, 0, 'h' }, { 0, 0, 0, 0 },
	};
	const char *out = NULL, *spec = "pcap", *ifname = "pcap0", *drop_name = NULL;
	uint64_t ifindex = 1, netns = 4026531840u, snap = SKB_SNAPLEN_MAX, mark = 0;
	uint64_t drop_val = 0, track = 1;
	bool outgoing = false;
	int flags = 0, c;

	skb_cli_init(argv[0]);
	while ((c = getopt_long(argc, argv, "o:p:i:s:zh", lo, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'p': spec = optarg; break;
		case 'i': ifname = optarg; break;
		case 's': if (skb_parse_u64("-s", optarg, 0, SKB_SNAPLEN_MAX, &snap)) return 2; break;
		case 'z': flags |= SKBW_COMPRESS; break;
		case 1: if (skb_parse_u64("--ifindex", optarg, 0, UINT32_MAX, &ifindex)) return 2; break;
		case 2: if (skb_parse_u64("--netns", optarg, 0, UINT32_MAX, &netns)) return 2; break;
		case 3: outgoing = true; break;
		case 4: if (skb_parse_u64("--mark", optarg, 0, UINT32_MAX, &mark)) return 2; break;
		case 5: {
			char *eq = strchr(optarg, '=');
			if (!eq)
				skb_die(2, "--drop wants VALUE=NAME");
			*eq = 0;
			if (skb_parse_u64("--drop", optarg, 0, UINT32_MAX, &drop_val))
				return 2;
			drop_name = eq + 1;
			break;
		}
		case 6: if (skb_parse_u64("--track-base", optarg, 0, UINT64_MAX, &track)) return 2; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return 2;
	}

	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline_with_tstamp_precision(argv[optind],
					PCAP_TSTAMP_PRECISION_NANO, errbuf);
	if (!pc)
		skb_die(2, "%s", errbuf);
	int dlt = pcap_datalink(pc);
	bool l2 = dlt == DLT_EN10MB;
	if (!l2 && dlt != DLT_RAW && dlt != DLT_IPV4 && dlt != DLT_IPV6)
		skb_die(2, "%s: link type %s is not supported (Ethernet or raw IP only)",
			argv[optind], pcap_datalink_val_to_name(dlt));

	struct skb_probe probe = { .kind = SKB_PROBE_SYNTH, .spec = spec };
	if (!strncmp(spec, "tp:", 3))
		probe.kind = SKB_PROBE_TP;
	else if (!strncmp(spec, "kr:", 3))
		probe.kind = SKB_PROBE_KRETPROBE;
	else if (!strncmp(spec, "k:", 2))
		probe.kind = SKB_PROBE_KPROBE;
	struct skb_iface iface = { .netns = (uint32_t)netns, .ifindex = (uint32_t)ifindex, .name = ifname };
	struct skb_ctx ctx = { .cpu = 0, .pid = 0, .tid = 0, .comm = "pcap2skb" };

	int fd = skb_open_binary_output(out);
	struct skb_writer *w = NULL;
	struct pcap_pkthdr *h;
	const u_char *d;
	int64_t wall_offset = 0;
	uint64_t n = 0;
	int r;
	while ((r = pcap_next_ex(pc, &h, &d)) == 1) {
		int64_t wall = (int64_t)h->ts.tv_sec * 1000000000 + h->ts.tv_usec;
		if (!w) {
			/* first packet at monotonic 1 s: deterministic, never 0 */
			wall_offset = wall - 1000000000;
			struct skb_info info = {
				.snaplen = (uint32_t)snap, .wall_offset = wall_offset,
				.time_base = 1000000000, .tool = "pcap2skb " SKBTOOLS_VERSION,
				.host = "pcap2skb", .kernel = "", .cmdline = "pcap2skb",
			};
			if (!(w = skbw_open_fd(fd, &info, flags)))
				skb_die(2, "cannot start the output");
		}
		uint32_t cap = h->caplen < snap ? h->caplen : (uint32_t)snap;
		struct skb_event ev = {
			.ts = (uint64_t)(wall - wall_offset),
			.skb = 0xffff888000000000ull + n * 0x100,
			.track = track + n,
			.probe = &probe, .iface = &iface, .ctx = &ctx,
			.netns = (uint32_t)netns,
			.flags = l2 ? SKB_EV_L2 | SKB_EV_MAC_SET : SKB_EV_L3,
			.orig_len = h->len < cap ? cap : h->len,
			.caplen = cap, .data = d,
			.mark = (uint32_t)mark, .users = 1,
		};
		ev.len = ev.orig_len;
		offsets(d, cap, l2, &ev.l3_off, &ev.l4_off);
		if (l2 && cap >= 6)
			ev.pkt_type = d[0] == 0xff && d[1] == 0xff ? 1 : (d[0] & 1) ? 2 : 0;
		if (outgoing)
			ev.pkt_type = 4;
		ev.protocol = 0;
		if (l2 && cap >= 14)
			ev.protocol = (uint16_t)(d[12] << 8 | d[13]);
		else if (!l2 && cap >= 1)
			ev.protocol = d[0] >> 4 == 6 ? 0x86dd : 0x0800;
		if (drop_name) {
			ev.flags |= SKB_EV_DROP;
			ev.drop_reason = (uint32_t)drop_val;
			ev.drop_name = drop_name;
		}
		int err = skbw_event(w, &ev);
		if (err)
			skb_die(2, "write: %s", strerror(-err));
		n++;
	}
	if (r == -1)
		skb_die(2, "%s: %s", argv[optind], pcap_geterr(pc));
	if (!w) {
		struct skb_info info = { .snaplen = (uint32_t)snap, .tool = "pcap2skb " SKBTOOLS_VERSION,
					 .host = "pcap2skb", .cmdline = "pcap2skb" };
		w = skbw_open_fd(fd, &info, flags);
	}
	int err = w ? skbw_close(w) : -1;
	pcap_close(pc);
	if (err)
		skb_die(2, "write: %s", err < 0 ? strerror(-err) : "failed");
	return 0;
}
