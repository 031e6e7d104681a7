/* SPDX-License-Identifier: MIT */
/*
 * skbgrep-list - print every record of a .skb stream on one stable line, for
 * the skbgrep golden tests (independent of skbcat's layout):
 *
 *   section snaplen=N wall_offset=NS tool=.. host=.. kernel=.. cmdline=..
 *   event wall=SEC.NSEC ts=NS probe=SPEC if=NAME/INDEX netns=N rx=N pid=N
 *         comm=NAME mark=0xN track=N len=CAP/ORIG l2|l3 [drop=REASON/NAME]
 *   lost probe=SPEC count=N
 *   end events=N lost=N
 *
 * Usage: skbgrep-list [-w|-t] [FILE]
 *   -w  only the wall time of each event minus 1700000000 s (for pcap2skb
 *       output of mkmix.py captures: the index of the packet in the pcap)
 *   -t  only the monotonic time of each event in whole seconds, one line
 * Exit 2 with the reader's message on damage.
 */
#include "skb.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *str(const char *s)
{
	return s && *s ? s : "-";
}

int main(int argc, char **argv)
{
	bool wall_only = argc > 1 && !strcmp(argv[1], "-w");
	bool ts_only = argc > 1 && !strcmp(argv[1], "-t");
	int a = 1 + (wall_only || ts_only);
	const char *path = argc > a ? argv[a] : "-";
	char err[512];
	struct skb_reader *r = skbr_open(path, err, sizeof(err));
	struct skb_record rec;
	int n;

	if (!r) {
		fprintf(stderr, "skbgrep-list: %s\n", err);
		return 2;
	}
	while ((n = skbr_next(r, &rec)) > 0) {
		const struct skb_event *ev = &rec.ev;
		const struct skb_info *in = rec.info;
		/* (ev is only an event's: the union holds other records) */
		int64_t wall = rec.kind == SKB_EVENT ? (int64_t)ev->ts + (in ? in->wall_offset : 0) : 0;
		if (ts_only) {
			if (rec.kind == SKB_EVENT)
				printf("%" PRIu64 "\n", ev->ts / 1000000000);
			continue;
		}
		if (wall_only) {
			if (rec.kind == SKB_EVENT)
				printf("%" PRId64 "\n", wall / 1000000000 - 1700000000);
			continue;
		}
		switch (rec.kind) {
		case SKB_SECTION:
			printf("section snaplen=%u wall_offset=%" PRId64 " tool=%s host=%s kernel=%s cmdline=%s\n",
			       in->snaplen, in->wall_offset, str(in->tool), str(in->host),
			       str(in->kernel), str(in->cmdline));
			break;
		case SKB_EVENT:
			printf("event wall=%" PRId64 ".%09" PRId64 " ts=%" PRIu64 " probe=%s if=%s/%u netns=%u rx=%u"
			       " pid=%u comm=%s mark=0x%x track=%" PRIu64 " len=%u/%u %s",
			       wall / 1000000000, wall % 1000000000, ev->ts,
			       ev->probe ? str(ev->probe->spec) : "-",
			       ev->iface ? str(ev->iface->name) : "-", ev->iface ? ev->iface->ifindex : 0,
			       ev->netns, ev->rx_ifindex, ev->ctx ? ev->ctx->pid : 0,
			       ev->ctx ? str(ev->ctx->comm) : "-", ev->mark, ev->track,
			       ev->caplen, ev->orig_len,
			       ev->flags & SKB_EV_L2 ? "l2" : ev->flags & SKB_EV_L3 ? "l3" : "raw");
			if (ev->flags & SKB_EV_DROP)
				printf(" drop=%u/%s", ev->drop_reason, str(ev->drop_name));
			if (ev->vlan_proto)
				printf(" vlan=0x%04x/%u", ev->vlan_proto, ev->vlan_tci);
			printf("\n");
			break;
		case SKB_LOST:
			printf("lost probe=%s count=%" PRIu64 "\n",
			       rec.lost.probe ? str(rec.lost.probe->spec) : "-", rec.lost.count);
			break;
		case SKB_END:
			printf("end events=%" PRIu64 " lost=%" PRIu64 "\n", rec.end.events, rec.end.lost);
			break;
		default:
			break;
		}
	}
	if (n < 0) {
		fflush(stdout);
		fprintf(stderr, "skbgrep-list: %s\n", skbr_error(r));
		skbr_close(r);
		return 2;
	}
	skbr_close(r);
	return 0;
}
