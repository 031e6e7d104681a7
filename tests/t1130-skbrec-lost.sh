#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Lost events are never silent: a tiny ring buffer under a ping flood loses
# events; they are counted per probe in the kernel, stored in the file as
# lost records, and reported on stderr with a per-probe breakdown, by
# skbcat, skbgrep -c and as pcapng drop counts.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"

if ! need_skbrec || ! need_bpf || ! need_cmd ping python3 skbcat; then
	test_skip "lost events under a burst" "$SKIP_REASON"
	test_done; exit
fi
veth_pair

burst() {
	skbrec -q -b 4k -s 1500 -o lost.skb 2>lost.err \
		--cmd "ip netns exec $NS_A ping -q -f -c 3000 -s 1000 10.77.0.2 >/dev/null"
	cat lost.err
	lost=$(sed -n 's/^[0-9]* events recorded, \([0-9]*\) lost$/\1/p' lost.err)
	events=$(sed -n 's/^\([0-9]*\) events recorded, [0-9]* lost$/\1/p' lost.err)
	test "$lost" -gt 0
	# per-probe lines add up to the total
	per=$(sed -n 's/^  tp:net:[a-z_]*: \([0-9]*\) lost$/\1/p' lost.err | awk '{ s += $1 } END { print s }')
	test "$per" = "$lost"
	# the file holds the same numbers
	skbcat -j lost.skb >lost.json
	python3 - $lost $events <<-\PY
	import json, sys
	lost, events = int(sys.argv[1]), int(sys.argv[2])
	n = l = 0
	probes = set()
	for line in open("lost.json"):
	    r = json.loads(line)
	    if r["type"] == "event":
	        n += 1
	    elif r["type"] == "lost":
	        l += r["count"]
	        probes.add(r["probe"]["spec"])
	print(n, l, probes)
	assert (n, l) == (events, lost)
	assert probes <= {"tp:net:netif_receive_skb", "tp:net:net_dev_start_xmit"} and probes
	PY
	# and a human reader shows them
	skbcat lost.skb | grep -q "events lost on tp:net:"
	# skbgrep -c counts what is there and says what the recording missed
	test "$(skbgrep -c lost.skb 2>c.err)" = "$events"
	grep -qx "skbgrep: the input lost $lost events while recording (not counted)" c.err
	# pcapng: the interfaces' isb_ifdrop add up to the losses
	skb2pcap --pcapng lost.skb >lost.pcapng 2>/dev/null
	python3 "$TOP/tests/skb2pcap/pcapng-dump.py" lost.pcapng >dump
	test "$(sed -n 's/^  isb_ifdrop=//p' dump | awk '{ s += $1 } END { print s }')" = "$lost"
}

enough() {
	# the default ring keeps up with the same traffic at a normal pace
	skbrec -q -s 1500 -o ok.skb 2>ok.err \
		--cmd "ip netns exec $NS_A ping -q -c 200 -i 0.005 -s 1000 10.77.0.2 >/dev/null"
	grep -q "^[0-9]* events recorded, 0 lost$" ok.err
}

# The BPF program counts an event it cannot read (a failed
# bpf_probe_read_kernel of the sk_buff) as lost: SKBREC_FAULT makes every
# read of the copying programs (raw_tp) fail on the real kernel.
unreadable() {
	SKBREC_FAULT=unreadable-skb skbrec -v --no-tp-btf -p tp:net:netif_receive_skb \
		-o bad.skb 2>bad.err \
		--cmd "ip netns exec $NS_A ping -q -c 20 -i 0.01 10.77.0.2 >/dev/null"
	cat bad.err
	grep -q "^skbrec: SKBREC_FAULT=unreadable-skb: " bad.err
	grep -q "attached with raw_tp" bad.err
	lost=$(sed -n 's/^0 events recorded, \([0-9]*\) lost$/\1/p' bad.err)
	# 20 echo replies at least, each an unreadable event
	test "$lost" -ge 20
	skbcat bad.skb | grep -q "events lost on tp:net:netif_receive_skb"
	# an unknown fault is refused, before anything is loaded
	rc=0
	SKBREC_FAULT=nonsense skbrec -p tp:net:netif_receive_skb -o never.skb 2>unknown.err ||
		rc=$?
	test "$rc" = 2
	grep -qx "skbrec: SKBREC_FAULT=nonsense: unknown fault (known: unreadable-skb, refuse-kprobe, refuse-fentry, no-attach-cookie, no-ptr-mem, verifier-refuses)" unknown.err
}

test_expect_success 'an sk_buff the program cannot read: counted lost' 'run_case unreadable'
test_expect_success 'a tiny ring under a burst: losses counted, stored, reported' 'run_case burst'
test_expect_success 'the default ring loses nothing at a moderate rate' 'run_case enough'

test_done
