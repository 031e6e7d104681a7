#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbrec at tp:skb:kfree_skb: drop reasons by name from the kernel's BTF
# (an nft drop rule -> NETFILTER_DROP, a closed UDP port -> NO_SOCKET) and
# the kernel stack of the drop, symbolized at record time.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"

if ! need_skbrec || ! need_bpf || ! need_cmd nft nc python3 skbcat; then
	test_skip "kfree_skb drop reasons" "$SKIP_REASON"
	test_done; exit
fi
veth_pair
ip netns exec "$NS_B" nft -f - <<EOF2
table inet skbt {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 5555 drop
	}
}
EOF2
# in A, locally generated packets to port 5556 die in OUTPUT, before any
# device is set: the netns comes from the socket
ip netns exec "$NS_A" nft -f - <<EOF2
table inet skbt {
	chain out {
		type filter hook output priority 0; policy accept;
		udp dport 5556 drop
	}
}
EOF2
ip -n "$NS_A" neigh replace 10.77.0.2 dev "$VA" \
	lladdr "$(ip -n "$NS_B" -o link show "$VB" | sed 's/.*ether \([^ ]*\).*/\1/')"

drops() {
	skbrec -v -q ${REC_ARGS:-} -p tp:skb:kfree_skb/stack -o drops.skb 2>rec.err &
	rec=$!
	wait_for rec.err "kfree_skb: attached"
	for i in 1 2 3; do
		echo dropped | ip netns exec $NS_A nc -u -w0 10.77.0.2 5555
		echo nobody | ip netns exec $NS_A nc -u -w0 10.77.0.2 6666
		echo out | ip netns exec $NS_A nc -u -w0 10.77.0.2 5556 || :
	done
	sleep 0.3
	kill -INT $rec
	wait $rec
	skbcat -j drops.skb >drops.json
	python3 - $VB $NETNS_B $NETNS_A <<-\PY
	import json, sys
	vb, nb, na = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	got = {}
	out = 0
	for line in open("drops.json"):
	    ev = json.loads(line)
	    if ev.get("type") != "event":
	        continue
	    if ev.get("netns") == na and ev.get("ifname") is None and ev["drop"]["name"] == "NETFILTER_DROP":
	        # dropped in A's OUTPUT hook: no device, netns of the socket
	        assert ev["ifindex"] in (0, None), ev
	        # no MAC header yet: the bytes start at the IPv4 header
	        pkt = bytes.fromhex(ev["data"])
	        assert ev["packet"]["layer"] == "l3" and pkt[0] >> 4 == 4, ev
	        assert ev["l3_off"] == 0 and ev["orig_len"] == ev["len"], ev
	        out += 1
	        continue
	    if ev.get("netns") != nb:
	        continue
	    pkt = bytes.fromhex(ev["data"])
	    l4 = ev["l4_off"]
	    if ev["protocol"] != 0x800 or pkt[ev["l3_off"] + 9] != 17:
	        continue
	    port = int.from_bytes(pkt[l4 + 2:l4 + 4], "big")
	    assert ev["drop"] is not None, ev
	    assert ev["ifname"] == vb, ev
	    syms = [f["sym"] for f in ev["stack"] or []]
	    assert syms and not syms[0].startswith("bpf_"), syms[:4]
	    got.setdefault(port, set()).add(ev["drop"]["name"])
	    if port == 5555:
	        assert "nf_hook_slow" in syms, syms
	    if port == 6666:
	        assert any(s.startswith("__udp4_lib_rcv") for s in syms), syms
	print(got)
	assert got.get(5555) == {"NETFILTER_DROP"}, got
	assert got.get(6666) == {"NO_SOCKET"}, got
	assert out >= 3, out
	PY
	skbcat drops.skb | grep -q "reason NETFILTER_DROP"
}

listed() {
	skbrec -l tp:skb:kfree_skb >list.out
	grep -q "^tp:skb:kfree_skb	skb=0 reason=2$" list.out
}

test_expect_success 'nft drop and closed port give NETFILTER_DROP and NO_SOCKET with stacks' 'run_case drops'
test_expect_success 'the same through raw_tp (--no-tp-btf)' '
	REC_ARGS=--no-tp-btf run_case drops && grep -q "kfree_skb: attached with raw_tp" rec.err'
test_expect_success 'skbrec -l shows the reason argument of kfree_skb' 'run_case listed'

test_done
