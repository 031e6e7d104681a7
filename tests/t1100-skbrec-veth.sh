#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbrec on real traffic: two namespaces joined by a veth pair, ARP, ICMP,
# ICMPv6, UDP and a TCP exchange; tcpdump captures one veth at the same
# time and every event at net_dev_start_xmit / netif_receive_skb for that
# veth must hold tcpdump's bytes, ifindex, netns, protocol, length and
# direction (tests/skbrec/match.py).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"

if ! need_skbrec || ! need_bpf || ! need_cmd tcpdump nc ping python3 skbcat; then
	test_skip "veth traffic matches tcpdump" "$SKIP_REASON"
	test_done; exit
fi
veth_pair

traffic_vs_tcpdump() {
	ip netns exec $NS_A tcpdump --immediate-mode -U -n -i $VA -Q in -w in.pcap 2>td-in.err &
	tin=$!
	ip netns exec $NS_A tcpdump --immediate-mode -U -n -i $VA -Q out -w out.pcap 2>td-out.err &
	tout=$!
	wait_for td-in.err "listening on"
	wait_for td-out.err "listening on"
	skbrec -v -q -s ${SNAP:-4096} ${REC_ARGS:-} -o run.skb 2>rec.err &
	rec=$!
	wait_for rec.err "net_dev_start_xmit: attached"
	# ARP (empty neighbour table), ICMP, ICMPv6 (with NDP)
	ip -n $NS_A neigh flush dev $VA
	ip netns exec $NS_A ping -q -c 3 -i 0.2 10.77.0.2
	ip netns exec $NS_A ping -q -6 -c 3 -i 0.2 fd77::2
	# echo requests of 342 to 2042 bytes (IP fragments past the MTU):
	# at -s 1500 the record is built in the ring for those of 750 bytes
	# and more, in the scratch slot below (bpf/skbrec.bpf.c,
	# record_in_ring), and cut at 1500 bytes
	for size in 300 1000 1400 2000; do
		ip netns exec $NS_A ping -q -c 1 -s $size 10.77.0.2
	done
	# MANY: 160 more echo requests, of sizes that are no multiple of 8,
	# so records start and wrap at every offset of a small ring
	if [ -n "${MANY:-}" ]; then
		for size in 21 77 130 203; do
			ip netns exec $NS_A ping -q -c 40 -i 0.005 -s $size 10.77.0.2
		done
	fi
	# TCP: connect, data, close
	ip netns exec $NS_B nc -l 7777 >tcp.got &
	srv=$!
	sleep 0.3
	echo hello-tcp | ip netns exec $NS_A nc -N 10.77.0.2 7777
	wait $srv
	grep -qx hello-tcp tcp.got
	# UDP: one datagram each way
	ip netns exec $NS_B python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.77.0.2", 9999))
open("udp.ready", "w").close()
d, a = s.recvfrom(100)
s.sendto(d, a)' &
	udp=$!
	wait_file udp.ready
	echo hello-udp | ip netns exec $NS_A nc -u -w1 10.77.0.2 9999 >udp.got || :
	wait $udp
	grep -qx hello-udp udp.got
	sleep 0.3
	kill -INT $rec
	wait $rec
	sleep 0.3
	kill $tin $tout
	wait $tin $tout || :
	grep -q "^[0-9]* events recorded, 0 lost$" rec.err
	skbcat -j run.skb >run.json
	python3 "$TOP/tests/skbrec/match.py" run.json in.pcap out.pcap $VA $IFINDEX_A $NETNS_A \
		${SNAP:-4096}
}

both_sides() {
	skbrec -v -q -p tp:net:netif_receive_skb -o run.skb 2>rec.err &
	rec=$!
	wait_for rec.err "attached"
	ip netns exec $NS_A ping -q -c 2 -i 0.2 10.77.0.2
	kill -TERM $rec
	wait $rec
	skbcat -j run.skb >run.json
	python3 - $VA $IFINDEX_A $NETNS_A $VB $IFINDEX_B $NETNS_B <<-\PY
	import json, sys
	a, ia, na, b, ib, nb = sys.argv[1:]
	seen = {a: 0, b: 0}
	for line in open("run.json"):
	    ev = json.loads(line)
	    if ev.get("ifname") in seen:
	        want = (int(ia), int(na)) if ev["ifname"] == a else (int(ib), int(nb))
	        assert (ev["ifindex"], ev["netns"]) == want, ev
	        assert ev["pkt_type"] == 0 and ev["protocol"] in (0x800, 0x806, 0x86dd), ev
	        seen[ev["ifname"]] += 1
	assert seen[a] >= 2 and seen[b] >= 2, seen
	print(seen)
	PY
}

# The sending task of a datagram is its context at net_dev_start_xmit: a
# process that names itself sends from a second thread, and the event's
# comm, pid and tid must be that thread's (the thread's comm is its own).
sender_context() {
	skbrec -v -q -p tp:net:net_dev_start_xmit ${REC_ARGS:-} -o run.skb 2>rec.err &
	rec=$!
	wait_for rec.err "attached"
	# the neighbour first: a datagram queued for ARP leaves from the
	# softirq that handles the reply, in whatever task it interrupted
	ip netns exec $NS_A ping -q -c 1 10.77.0.2 >/dev/null
	ip netns exec $NS_A python3 - <<-\PY
	import os, socket, threading
	def send():
	    with open("/proc/thread-self/comm", "w") as f:
	        f.write("skbctx-%d" % os.getpid())
	    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    s.sendto(b"context-marker", ("10.77.0.2", 9))
	    with open("ctx.want", "w") as f:
	        f.write("%d %d skbctx-%d\n" % (os.getpid(), threading.get_native_id(), os.getpid()))
	t = threading.Thread(target=send)
	t.start()
	t.join()
	PY
	sleep 0.3
	kill -INT $rec
	wait $rec
	skbcat -j run.skb >run.json
	python3 - <<-\PY
	import json
	pid, tid, comm = open("ctx.want").read().split()
	pid, tid = int(pid), int(tid)
	assert pid != tid
	# the datagram (not the ICMP error that quotes it)
	hits = [e for e in map(json.loads, open("run.json"))
	        if "context-marker".encode().hex() in (e.get("data") or "")
	        and e["packet"]["ip_proto"] == 17]
	assert len(hits) == 1, hits
	e = hits[0]
	assert (e["pid"], e["tid"], e["comm"]) == (pid, tid, comm), (e, pid, tid, comm)
	print(pid, tid, comm)
	PY
}

test_expect_success 'events on the veth are exactly what tcpdump saw' 'run_case traffic_vs_tcpdump'
test_expect_success 'the same through raw_tp (--no-tp-btf)' '
	REC_ARGS=--no-tp-btf run_case traffic_vs_tcpdump && grep -q "attached with raw_tp" rec.err'
test_expect_success 'the same at -s 1500: frames up to the MTU, whole or cut' '
	SNAP=1500 run_case traffic_vs_tcpdump &&
	python3 -c "
import json, sys
n = sum(1 for l in open(\"run.json\") if (e := json.loads(l)).get(\"type\") == \"event\"
        and e[\"orig_len\"] > 1500 and e[\"caplen\"] == 1500)
print(n, \"events cut at 1500 bytes\")
sys.exit(n < 2)"'
# skbrec's reader (cmd/skbrec/ring.c) walks the kernel's ring itself: a
# 16 KiB ring, wrapped ~20 times by records of every size, must hand over
# every record whole, records that straddle its end included.
test_expect_success 'the same through a 16 KiB ring, wrapped over and over' '
	REC_ARGS="-b 16k" SNAP=256 MANY=1 run_case traffic_vs_tcpdump'
test_expect_success 'both sides of the veth: ifindex and netns of each namespace' 'run_case both_sides'
test_expect_success 'an event names the thread that sent the packet' 'run_case sender_context'
test_expect_success 'the same through raw_tp (--no-tp-btf)' '
	REC_ARGS=--no-tp-btf run_case sender_context && grep -q "attached with raw_tp" rec.err'

test_done
