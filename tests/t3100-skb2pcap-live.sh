#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skb2pcap end to end on real traffic: skbrec records pings across a veth
# pair in throwaway namespaces; skb2pcap's output read by tcpdump and tshark
# must show the packets tcpdump itself captured on the veth (same bytes),
# with the right interface, netns, direction and one tracking id per packet
# across both ends of the veth.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"
. "$TOP/tests/skb2pcap/fixtures.sh"

if ! need_skbrec || ! need_bpf || ! need_cmd tcpdump tshark ping; then
	test_skip "skb2pcap on a live skbrec recording" "$SKIP_REASON"
	test_done; exit
fi
veth_pair
# every case works in one shared folder: the recording is made once
W=$TRASH/shared
mkdir -p "$W"
export W

record_pings() {
	cd "$W"
	ip netns exec $NS_A tcpdump --immediate-mode -U -n -i $VA -Q out -w out.pcap icmp 2>td.err &
	td=$!
	wait_for td.err "listening on"
	skbrec -q -o run.skb 2>rec.err &
	rec=$!
	sleep 1
	ip netns exec $NS_A ping -q -c 3 -i 0.2 10.77.0.2 >/dev/null
	sleep 0.3
	kill -INT $rec
	wait $rec
	sleep 0.3
	kill $td
	wait $td || :
	test -s run.skb
	test "$(tcpdump -r out.pcap 2>/dev/null | grep -c "echo request")" = 3
}

pcapng_metadata() {
	cd "$W"
	skb2pcap --pcapng -o run.pcapng run.skb
	# echo requests leaving A (xmit) and arriving at B (receive)
	tshark -r run.pcapng -Y "icmp.type == 8 && frame.interface_name == \"$VA\"" -T fields \
		-e frame.comment -e frame.packet_flags_direction -e frame.packet_id \
		>a.txt 2>/dev/null
	tshark -r run.pcapng -Y "icmp.type == 8 && frame.interface_name == \"$VB\"" -T fields \
		-e frame.comment -e frame.packet_flags_direction -e frame.packet_id \
		>b.txt 2>/dev/null
	cat a.txt b.txt
	test "$(grep -c "^probe=tp:net:net_dev_start_xmit netns=$NETNS_A ifindex=$IFINDEX_A mark=0x0 skb=0x[0-9a-f]*	0x00000002	[0-9]" a.txt)" = 3
	test "$(grep -c "^probe=tp:net:netif_receive_skb netns=$NETNS_B ifindex=$IFINDEX_B mark=0x0 skb=0x[0-9a-f]*	0x00000001	[0-9]" b.txt)" = 3
	# one packet, one id at both ends of the veth
	cut -f3 a.txt | sort >ida
	cut -f3 b.txt | sort >idb
	diff -u ida idb
	test "$(sort -u ida | wc -l)" = 3
}

same_bytes_as_tcpdump() {
	cd "$W"
	# what left A through the veth, as tcpdump saw it, byte for byte
	skb2pcap -l ether -p net_dev_start_xmit --pcapng run.skb |
		tshark -r - -Y "frame.interface_name == \"$VA\" && icmp" -F pcap -w sel.pcap 2>/dev/null
	tcpdump -t -nn -xx -r out.pcap >want 2>/dev/null
	tcpdump -t -nn -xx -r sel.pcap >got 2>/dev/null
	test "$(grep -c "echo request" got)" = 3
	diff -u want got
}

tcpdump_reads_both() {
	cd "$W"
	skb2pcap run.skb | tcpdump -nr - "icmp and outbound and ifindex $IFINDEX_A" 2>/dev/null >o.txt
	test "$(grep -c "Out IP 10.77.0.1 > 10.77.0.2: ICMP echo request" o.txt)" = 3
	skb2pcap --pcapng run.skb | tcpdump -nr - "icmp and inbound and ifindex $IFINDEX_B" 2>/dev/null >i.txt
	test "$(grep -c "In  IP 10.77.0.1 > 10.77.0.2: ICMP echo request" i.txt)" = 3
}

skbgrep_pipeline() {
	cd "$W"
	# the issue's pipeline: skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr -
	skbgrep -p xmit -f icmp --netns $NETNS_A run.skb | skb2pcap | tcpdump -nnr - >p.txt 2>/dev/null
	cat p.txt
	test "$(grep -c "Out IP 10.77.0.1 > 10.77.0.2: ICMP echo request" p.txt)" = 3
	test "$(wc -l <p.txt)" = 3
}

test_expect_success 'record pings across a veth pair (and tcpdump them)' 'run_case record_pings'
test_expect_success 'pcapng: interface, netns, direction, one packet id across the veth' \
	'run_case pcapng_metadata'
test_expect_success 'the packets tcpdump captured, byte for byte' 'run_case same_bytes_as_tcpdump'
test_expect_success 'tcpdump filters inbound/outbound/ifindex on pcap and pcapng pipes' \
	'run_case tcpdump_reads_both'

if need_cmd skbgrep; then
	test_expect_success 'skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr -' 'run_case skbgrep_pipeline'
else
	test_skip 'skbgrep | skb2pcap | tcpdump' "$SKIP_REASON"
fi

test_done
