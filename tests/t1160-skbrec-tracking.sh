#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tracking ids on real traffic through NAT: namespaces A - R - C, R routes
# and masquerades (nftables); tcpdump in A and a packet socket in C make
# clones.  1000 tagged UDP datagrams A -> C, at the same time a TCP bulk
# transfer C -> A and 2000 TCP request/response round trips (TCP_NODELAY),
# while skbrec records the default probes plus skb:consume_skb and
# skb:kfree_skb.  tests/skbrec/tracking.py then checks that no id holds two
# packets, that every tag keeps one id over its four hops (A xmit, R
# receive, R xmit, C receive) and in its clones.  The whole script runs on
# the 6.1 kernel in the VM too.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"
test_also_in_vm

if ! need_skbrec || ! need_bpf || ! need_cmd tcpdump nft python3 skbcat; then
	test_skip "tracking ids through NAT and clones" "$SKIP_REASON"
	test_done; exit
fi

# A (10.81.1.1) - R (10.81.1.2 | 10.81.2.1, masquerade out of r1) - C (10.81.2.2)
routed 10.81
ip netns exec "$NS_R" nft -f - <<EOF
table ip skbt_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$VR1" masquerade
	}
}
EOF
export NS_A NS_R NS_C VA VR0 VR1 VC

track_through_nat() {
	rec= td= tap=
	trap 'kill $rec $td $tap 2>/dev/null || :' EXIT
	# Clones: tcpdump on A's veth (a clone of every packet sent) and, in C,
	# a packet socket without a ring (a clone of every packet received).
	ip netns exec $NS_A tcpdump --immediate-mode -U -n -i $VA -w a.pcap 2>td.err &
	td=$!
	ip netns exec $NS_C python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
open("tap.ready", "w").close()
while True:
    s.recv(70000)
' $VC &
	tap=$!
	wait_for td.err "listening on"
	wait_file tap.ready
	skbrec -v -q -s 128 -p tp:net:netif_receive_skb -p tp:net:net_dev_start_xmit \
		-p tp:skb:consume_skb -p tp:skb:kfree_skb -o run.skb 2>rec.err &
	rec=$!
	wait_for rec.err "kfree_skb: attached"
	ip netns exec $NS_C python3 "$TOP/tests/skbrec/nat-traffic.py" server 10.81.2.2 &
	srv=$!
	wait_file srv.ready
	ip netns exec $NS_A python3 "$TOP/tests/skbrec/nat-traffic.py" client 10.81.2.2 1000
	wait $srv
	echo "C received $(cat udp.done) of 1000 datagrams"
	sleep 0.5
	kill -INT $rec
	wait $rec
	rec=
	kill $td $tap
	wait $td $tap 2>/dev/null || :
	td= tap=
	grep -q "^[0-9]* events recorded, 0 lost$" rec.err
	skbcat -j run.skb >run.json
	python3 "$TOP/tests/skbrec/tracking.py" run.json 1000 10.81.1.1 10.81.2.1 \
		"$VA $VR0 $VR1 $VC"
}
test_expect_success "tracking ids: one per packet through NAT and clones, none joins two" \
	'run_case track_through_nat'

# Copies: R duplicates every datagram to C (nft dup: pskb_copy, a new
# sk_buff and buffer).  Where fexit exists the copy keeps the id; elsewhere
# skbrec -v says it cannot follow copies and the case skips with its words.
copy_keeps_id() {
	rec=
	trap 'kill $rec 2>/dev/null || :' EXIT
	ip netns exec $NS_R nft -f - <<-EOF
	table ip skbt_dup {
		chain pre {
			type filter hook prerouting priority 0; policy accept;
			udp dport 9100 dup to 10.81.2.2 device "$VR1"
		}
	}
	EOF
	skbrec -v -q -s 128 -p tp:net:netif_receive_skb -p tp:net:net_dev_start_xmit \
		-o copy.skb 2>rec.err &
	rec=$!
	wait_for rec.err "net_dev_start_xmit: attached"
	ip netns exec $NS_A python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(200):
    u.sendto(b"TAG%06d" % i + bytes(40), ("10.81.2.2", 9100))
    time.sleep(0.001)
'
	sleep 0.5
	kill -INT $rec
	wait $rec
	rec=
	ip netns exec $NS_R nft delete table ip skbt_dup
	grep "tracking: copies followed" rec.err
	skbcat -j copy.skb >copy.json
	python3 - copy.json "$VC" <<-\PY
	import json, sys
	from collections import defaultdict
	sys.path.insert(0, __import__("os").environ["TOP"] + "/tests/skbrec")
	from tracking import identity
	ids, skbs = defaultdict(set), defaultdict(set)
	for line in open(sys.argv[1]):
	    e = json.loads(line)
	    r = identity(e)
	    if r is None or r[0][0] != "udp":
	        continue        # (C's port unreachable errors quote the tags too)
	    tag = r[0][1]
	    ids[tag].add(e["track"])
	    if e["probe"]["spec"] == "tp:net:netif_receive_skb" and e["ifname"] == sys.argv[2]:
	        skbs[tag].add(e["skb"])
	assert len(ids) == 200, len(ids)
	split = [t for t in ids if len(ids[t]) != 1]
	assert not split, ("copies with their own id", split[:3], [ids[t] for t in split[:3]])
	both = sum(1 for t in ids if len(skbs[t]) >= 2)
	print(both, "of 200 tags reached C twice (original and copy), one id each")
	assert both >= 190, both
	PY
}
why=$(skbrec -v -q -d 1 -o /dev/null 2>&1 |
	sed -n 's/^skbrec: tracking: a copied packet gets a new id (\(.*\))$/\1/p')
if [ -n "$why" ]; then
	test_skip "tracking ids: a copy (nft dup) keeps the id" "$why"
else
	test_expect_success "tracking ids: a copy (nft dup) keeps the id" 'run_case copy_keeps_id'
fi

test_done
