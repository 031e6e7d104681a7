#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Tracking ids on real traffic through NAT: namespaces A - R - C, R routes
# and masquerades (nftables), a packet socket in C makes clones.  1000 tagged UDP
# datagrams, a TCP bulk transfer and a TCP request/response loop
# (TCP_NODELAY) run while skbrec records the default probes plus
# skb:consume_skb and skb:kfree_skb.  tests/skbrec/tracking.py then checks
# that no id holds two packets, that every tag keeps one id before and after
# NAT, and that clones keep it.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"

if ! need_skbrec || ! need_bpf || ! need_cmd nft python3 skbcat; then
	test_skip "tracking ids through NAT and clones" "$SKIP_REASON"
	test_done; exit
fi

# A (10.81.1.1) - R (10.81.1.2 | 10.81.2.1, masquerade out of r1) - C (10.81.2.2)
make_netns A R C
VA=skt$$a VR0=skt$$r0 VR1=skt$$r1 VC=skt$$c
ip link add "$VA" netns "$NS_A" type veth peer name "$VR0" netns "$NS_R"
ip link add "$VR1" netns "$NS_R" type veth peer name "$VC" netns "$NS_C"
ip -n "$NS_A" addr add 10.81.1.1/24 dev "$VA"
ip -n "$NS_R" addr add 10.81.1.2/24 dev "$VR0"
ip -n "$NS_R" addr add 10.81.2.1/24 dev "$VR1"
ip -n "$NS_C" addr add 10.81.2.2/24 dev "$VC"
for x in "$NS_A $VA" "$NS_R $VR0" "$NS_R $VR1" "$NS_C $VC"; do
	set -- $x
	ip -n "$1" link set "$2" up
done
ip -n "$NS_A" route add default via 10.81.1.2
ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
ip netns exec "$NS_R" nft -f - <<EOF
table ip skbt_nat {
	chain post {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$VR1" masquerade
	}
}
EOF
export NS_A NS_R NS_C VC

track_through_nat() {
	rec=
	td=
	trap 'kill $rec $td 2>/dev/null || :' EXIT
	# An AF_PACKET socket without a ring (tcpdump's ring copies): every
	# packet C receives is cloned for it.
	ip netns exec $NS_C python3 -c '
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
s.bind((sys.argv[1], 0))
open("tap.ready", "w").close()
while True:
    s.recv(70000)
' $VC &
	td=$!
	wait_file tap.ready
	skbrec -v -q -s 128 -p tp:net:netif_receive_skb -p tp:net:net_dev_start_xmit \
		-p tp:skb:consume_skb -p tp:skb:kfree_skb -o run.skb 2>rec.err &
	rec=$!
	wait_for rec.err "kfree_skb: attached"
	# C: a UDP sink and a TCP server (bulk: read all; rr: echo each message)
	ip netns exec $NS_C python3 -c '
import socket, threading
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("10.81.2.2", 9000))
t = socket.socket()
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("10.81.2.2", 9001)); t.listen(4)
open("srv.ready", "w").close()
def udp():
    n = 0
    while n < 1000:
        u.recv(100); n += 1
    open("udp.done", "w").close()
threading.Thread(target=udp, daemon=True).start()
for _ in range(2):
    c, _ = t.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        d = c.recv(65536)
        if not d:
            break
        if d.startswith(b"rr"):
            c.sendall(d)
    c.close()
' &
	srv=$!
	wait_file srv.ready
	ip netns exec $NS_A python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # unconnected: IP id 0
for i in range(1000):
    u.sendto(b"TAG%06d" % i + bytes(40), ("10.81.2.2", 9000))
    if i % 50 == 49:
        time.sleep(0.01)
b = socket.create_connection(("10.81.2.2", 9001))
b.sendall(bytes(4 << 20)); b.close()
r = socket.create_connection(("10.81.2.2", 9001))
r.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for i in range(500):
    m = b"rr%06d" % i
    r.sendall(m)
    got = b""
    while len(got) < len(m):
        got += r.recv(100)
r.close()
'
	wait $srv
	wait_file udp.done
	sleep 0.5
	kill -INT $rec
	wait $rec
	rec=
	kill $td
	wait $td 2>/dev/null || :
	td=
	grep -q "^[0-9]* events recorded, 0 lost$" rec.err
	skbcat -j run.skb >run.json
	python3 "$TOP/tests/skbrec/tracking.py" run.json 1000 10.81.1.1 10.81.2.1
}
test_expect_success "tracking ids: one per packet through NAT and clones, none joins two" \
	'run_case track_through_nat'

test_done
