/* SPDX-License-Identifier: MIT */
/*
 * minrec - the minimal recorder of bench/rec-cost.sh: loads minrec.bpf.c,
 * reads its ring buffer with skbrec's reader (cmd/skbrec/ring.c) until
 * SIGINT/SIGTERM, counts the records and prints "N events recorded, M
 * lost" on stderr, as skbrec does.  A benchmark
 * baseline, not a tool: it writes nothing.  `minrec --empty`: programs that
 * return at once (the cost of being attached at all); `--rx`: on
 * net:netif_receive_skb only (one program a packet, as tcpdump's one tap);
 * `--bytes N`: each record also holds up to N of the packet's bytes (N <
 * 4096), read straight into the ring.
 */
#include <errno.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "minrec.skel.h"
#include "../../cmd/skbrec/ring.h"

static volatile sig_atomic_t stop;
static unsigned long long events;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_event(void *ctx, void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	events++;
}

int main(int argc, char **argv)
{
	struct minrec_bpf *skel;
	struct ring *rb = NULL;
	bool empty = false, rx_only = false;
	unsigned long bytes = 0;
	char *end;
	int err = 1;

	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--empty")) {
			empty = true;
		} else if (!strcmp(argv[i], "--rx")) {
			rx_only = true;
		} else if (!strcmp(argv[i], "--bytes") && i + 1 < argc &&
			   (bytes = strtoul(argv[i + 1], &end, 10)) < 4096 && !*end && end != argv[i + 1]) {
			i++;
		} else {
			fprintf(stderr, "usage: minrec [--empty] [--rx] [--bytes N (< 4096)]\n");
			return 2;
		}
	}
	skel = minrec_bpf__open();
	if (skel) {
		skel->rodata->empty = empty;
		skel->rodata->bytes = (__u32)bytes;
		if (rx_only)
			bpf_program__set_autoload(skel->progs.minrec_tx, false);
	}
	if (!skel || minrec_bpf__load(skel) || minrec_bpf__attach(skel)) {
		fprintf(stderr, "minrec: cannot load or attach its programs\n");
		goto out;
	}
	rb = ring_open(bpf_map__fd(skel->maps.events), on_event, NULL);
	if (!rb) {
		fprintf(stderr, "minrec: no ring buffer\n");
		goto out;
	}
	while (!stop) {
		long n = ring_poll(rb, 100);

		if (n < 0 && n != -EINTR) {
			fprintf(stderr, "minrec: ring buffer poll: %ld\n", n);
			goto out;
		}
	}
	ring_consume(rb);
	fprintf(stderr, "%llu events recorded, %llu lost\n", events, skel->bss->lost);
	err = 0;
out:
	ring_close(rb);
	minrec_bpf__destroy(skel);
	return err;
}
