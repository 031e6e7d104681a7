#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skb2pcap round trips: pcap -> pcap2skb -> skb2pcap gives the same packets
# and timestamps (byte for byte with --linktype ether; same network-layer
# bytes with sll2), on crafted pcaps and on a real tcpdump capture.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skb2pcap/fixtures.sh"

if ! need_cmd tcpdump python3; then
	test_skip 'skb2pcap round trips' "$SKIP_REASON"
	test_done; exit
fi

# Records after the 24-byte file header (the snaplen field differs).
records() {
	tail -c +25 "$1"
}

# Our pcap is in host byte order, the crafted ones little endian.
little_endian() {
	[ "$(printf '\1\0' | od -An -tu2 | tr -d ' ')" = 1 ]
}

test_expect_success 'Ethernet pcap -> pcap2skb -> skb2pcap -l ether: same bytes' '
	python3 "$TOP/tests/fixtures/mkpcap.py" eth >in.pcap &&
	pcap2skb in.pcap | skb2pcap -l ether >out.pcap &&
	tcpdump -nn -tt --nano -xx -r in.pcap >want 2>/dev/null &&
	tcpdump -nn -tt --nano -xx -r out.pcap >got 2>/dev/null &&
	test -s want && test_cmp want got &&
	if little_endian; then records in.pcap >a && records out.pcap >b && cmp a b; fi
'

# Format minor 1: events up to 262144 bytes (tcpdump's maximum snaplen).
test_expect_success 'a 200000-byte frame and a 262144-byte one survive pcap2skb | skb2pcap' '
	python3 - >in.pcap <<-\PY &&
	import struct, sys
	out = sys.stdout.buffer
	out.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1))
	for i, n in enumerate((200000, 262144)):
	    frame = bytes.fromhex("020000000002020000000001") + b"\x88\xb5" + \
	        bytes((j * 13 + i) & 255 for j in range(n - 14))
	    out.write(struct.pack("<IIII", 1700000000 + i, 0, n, n) + frame)
	PY
	pcap2skb in.pcap >mid.skb &&
	skbcat -j mid.skb | python3 -c "
import json, sys
c = [json.loads(l)[\"caplen\"] for l in sys.stdin]
assert c == [200000, 262144], c" &&
	skb2pcap -l ether <mid.skb >out.pcap &&
	tcpdump -nn -tt -xx -r in.pcap >want 2>/dev/null &&
	tcpdump -nn -tt -xx -r out.pcap >got 2>/dev/null &&
	test "$(grep -c "^[0-9]" want)" = 2 &&
	test_cmp want got
'

test_expect_success 'awkward frames (802.3/LLC, 802.1Q, QinQ, 1514 bytes, cut at snaplen): same bytes' '
	for snap in 65535 128 14 ; do
		python3 "$TOP/tests/skb2pcap/mkpcap-rt.py" 300 $snap >in.pcap &&
		pcap2skb in.pcap | skb2pcap -l ether >out.pcap &&
		tcpdump -nn -tt --nano -xx -r in.pcap >want 2>/dev/null &&
		tcpdump -nn -tt --nano -xx -r out.pcap >got 2>/dev/null &&
		test "$(grep -c "^[0-9]" want)" = 300 &&
		test_cmp want got &&
		if little_endian; then records in.pcap >a && records out.pcap >b && cmp a b; fi ||
		return 1
	done
'

if ! need_cmd editcap; then
	test_skip 'the pcapng output carries the same frames (editcap -F nsecpcap back)' "$SKIP_REASON"
else
test_expect_success 'the pcapng output carries the same frames (editcap -F nsecpcap back)' '
	python3 "$TOP/tests/skb2pcap/mkpcap-rt.py" 100 >in.pcap &&
	pcap2skb in.pcap | skb2pcap --pcapng -l ether >out.pcapng &&
	editcap -F nsecpcap out.pcapng out.pcap &&
	tcpdump -nn -tt --nano -xx -r in.pcap >want 2>/dev/null &&
	tcpdump -nn -tt --nano -xx -r out.pcap >got 2>/dev/null &&
	test_cmp want got
'
fi

test_expect_success 'raw-IP pcap -> pcap2skb -> skb2pcap (sll2): same network-layer bytes' '
	python3 "$TOP/tests/fixtures/mkpcap.py" raw >in.pcap &&
	pcap2skb in.pcap | skb2pcap >out.pcap &&
	tcpdump -nn -tt --nano -x -r in.pcap >want 2>/dev/null &&
	tcpdump -nn -tt --nano -x -r out.pcap 2>/dev/null |
		sed -E "s/^([0-9.]+) [^ ]+ +(In|Out|B|M|P) +/\1 /" >got &&
	test -s want && test_cmp want got
'

test_expect_success 'Ethernet -> sll2: same network-layer bytes and times, link address kept' '
	python3 "$TOP/tests/skb2pcap/mkpcap-rt.py" 50 >in.pcap &&
	pcap2skb in.pcap | skb2pcap >out.pcap &&
	tcpdump -nn -tt --nano -r in.pcap "ip or ip6" 2>/dev/null | cut -d" " -f1 >t1 &&
	tcpdump -nn -tt --nano -r out.pcap "ip or ip6" 2>/dev/null | cut -d" " -f1 >t2 &&
	test -s t1 && test_cmp t1 t2 &&
	tcpdump -nn --nano -x -r in.pcap "ip and not vlan" 2>/dev/null | grep -v "^[0-9]" >b1 &&
	tcpdump -nn --nano -x -r out.pcap "ip" 2>/dev/null | grep -v "^[0-9]" >b2 &&
	test -s b1 && test_cmp b1 b2 &&
	tcpdump -e -nn -r out.pcap arp 2>/dev/null | grep -q "02:00:00:00:03:02 ethertype ARP"
'

# make_netns at the top level, so the namespace is removed at exit.
if need_root && need_cmd ping && make_netns rt; then
	test_expect_success 'a real tcpdump capture (ping on lo in a fresh netns) round trips' '
		{ timeout 30 ip netns exec "$NS_rt" tcpdump -U -i lo -w cap.pcap -c 6 icmp 2>/dev/null & } &&
		pid=$! &&
		for i in 1 2 3 4 5 6 7 8 9 10; do
			ip netns exec "$NS_rt" ping -c 3 -i 0.2 -W 1 127.0.0.1 >/dev/null 2>&1 || :
			kill -0 $pid 2>/dev/null || break
		done &&
		wait $pid &&
		pcap2skb cap.pcap | skb2pcap -l ether >out.pcap &&
		tcpdump -nn -tt -xx -r cap.pcap >want 2>/dev/null &&
		tcpdump -nn -tt -xx -r out.pcap >got 2>/dev/null &&
		test "$(grep -c "^[0-9]" want)" = 6 &&
		test_cmp want got
	'
else
	test_skip 'a real tcpdump capture round trips' "${SKIP_REASON:-cannot make a netns}"
fi

test_done
