#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skb2pcap --pcapng: block structure checked by a strict parser, metadata as
# tshark 4.0 shows it, display filters on the comment, editcap conversion,
# tcpdump (libpcap) reading it from a pipe, no warnings from tshark.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skb2pcap/fixtures.sh"
G=$TOP/tests/skb2pcap

if ! need_cmd tcpdump tshark editcap capinfos python3; then
	test_skip 'skb2pcap pcapng tests' "$SKIP_REASON"
	test_done; exit
fi

FIELDS="-e frame.comment -e frame.interface_name -e frame.packet_flags_direction
	-e frame.packet_id -e frame.drop_count -e frame.interface_queue"

test_expect_success 'blocks: SHB, one IDB per (netns, ifindex), EPBs, ISBs; strict parse' '
	make_fixtures &&
	skb2pcap --pcapng gen.skb >gen.pcapng 2>/dev/null &&
	python3 "$G/pcapng-dump.py" gen.pcapng >dump &&
	sed -i "s/^  shb_hardware=$(uname -m)\$/  shb_hardware=MACHINE/" dump &&
	test_cmp "$G/gen-pcapng-dump.txt" dump
'

test_expect_success 'tcpdump (libpcap) reads the pcapng from a pipe: mixed L2/L3' '
	make_fixtures &&
	skb2pcap --pcapng mix.skb | tcpdump_text -enr - >out &&
	test_cmp "$G/mix-sll2.txt" out &&
	skb2pcap --pcapng -l ether mix.skb | tcpdump -enr - >out 2>/dev/null &&
	test_cmp "$G/mix-ether.txt" out &&
	skb2pcap --pcapng gen.skb 2>/dev/null | tcpdump_text -enr - >out &&
	test_cmp "$G/gen-sll2.txt" out
'

test_expect_success 'tshark shows comment, interface, direction, packet id, drops, queue' '
	make_fixtures &&
	skb2pcap --pcapng gen.skb 2>/dev/null >gen.pcapng &&
	tshark -r gen.pcapng -T fields $FIELDS >out 2>err &&
	test_cmp "$G/gen-tshark-fields.txt" out &&
	tshark_clean_stderr err >warn && test_cmp /dev/null warn
'

test_expect_success 'display filter frame.comment contains "probe=..." selects one probe' '
	make_fixtures &&
	skb2pcap --pcapng gen.skb 2>/dev/null >gen.pcapng &&
	tshark -r gen.pcapng -Y "frame.comment contains \"probe=tp:net:net_dev_start_xmit\"" \
		-T fields -e frame.number -e frame.packet_flags_direction >out 2>/dev/null &&
	printf "2\t0x00000002\n6\t0x00000002\n" >want &&
	test_cmp want out &&
	tshark -r gen.pcapng -Y "frame.comment contains \"drop_reason=NO_SOCKET\"" \
		-T fields -e frame.number >out 2>/dev/null &&
	echo 5 >want && test_cmp want out
'

test_expect_success 'the same packet across probes shares frame.packet_id' '
	make_fixtures &&
	skb2pcap --pcapng gen.skb 2>/dev/null >gen.pcapng &&
	tshark -r gen.pcapng -Y "frame.packet_id == 100" -T fields -e frame.comment >out 2>/dev/null &&
	test "$(wc -l <out)" = 2 &&
	grep -q "^probe=tp:net:netif_receive_skb " out &&
	grep -q "^probe=tp:net:net_dev_start_xmit " out
'

test_expect_success 'tshark reads pcap and pcapng outputs without warnings' '
	make_fixtures &&
	for args in "" "-l ether" "--pcapng" "--pcapng -l ether"; do
		skb2pcap $args mix.skb >o 2>/dev/null &&
		skb2pcap $args gen.skb >g 2>/dev/null &&
		tshark -r o >/dev/null 2>err && tshark -r g >/dev/null 2>>err &&
		tshark_clean_stderr err >warn && test_cmp /dev/null warn || return 1
	done
'

test_expect_success 'editcap -F pcap converts the pcapng; tcpdump reads the result alike' '
	make_fixtures &&
	skb2pcap --pcapng gen.skb 2>/dev/null >gen.pcapng &&
	editcap -F pcap gen.pcapng conv.pcap 2>err &&
	tshark_clean_stderr err >warn && test_cmp /dev/null warn &&
	tcpdump_text -enr conv.pcap >out &&
	test_cmp "$G/gen-sll2.txt" out &&
	test "$(capinfos -c -M conv.pcap | sed -n "s/^Number of packets: *//p")" = 6
'

test_expect_success 'capinfos shows the section and interface metadata' '
	make_fixtures &&
	skb2pcap --pcapng gen.skb 2>/dev/null >gen.pcapng &&
	capinfos gen.pcapng >info &&
	grep -q "^Capture oper-sys: *Linux 6.1.0-test$" info &&
	grep -q "^Capture application: *skb2pcap [0-9.]* (from skbrec 0.1.0)$" info &&
	grep -q "^Capture comment: *recorded on genhost with: skbrec -p rx -p tx -p kfree_skb$" info &&
	grep -q "^File timestamp precision: *nanoseconds (9)$" info &&
	grep -q "^Number of interfaces in file: 3$" info &&
	grep -q "Name = veth1$" info &&
	grep -q "Description = netns=4026532001 ifindex=2 first_probe=tp:net:netif_receive_skb$" info
'

test_expect_success 'wall-clock nanosecond timestamps survive (tshark epoch time)' '
	make_fixtures &&
	skb2pcap --pcapng mix.skb >m.pcapng &&
	tshark -r m.pcapng -T fields -e frame.time_epoch >out 2>/dev/null &&
	cat >want <<-\EOF &&
	1700000000.123456789
	1700000001.123456789
	1700000002.123456789
	1700000000.123456789
	1700000001.123456789
	EOF
	test_cmp want out
'

test_expect_success 'no packet at all: still one interface block, libpcap opens it' '
	make_fixtures &&
	{ skb2pcap --pcapng -p nosuchprobe gen.skb >empty.pcapng 2>err; echo $? >rc; } &&
	echo 1 >want && test_cmp want rc &&
	python3 "$G/pcapng-dump.py" empty.pcapng >dump &&
	grep -q "^IDB 0 linktype=276" dump &&
	grep -q "^  isb_ifdrop=2$" dump &&
	tcpdump -r empty.pcapng >out 2>/dev/null && test ! -s out
'

test_expect_success 'Wireshark dissects every frame cleanly (no expert errors or warnings)' '
	make_fixtures &&
	for f in "--pcapng" "--pcapng -l ether" "" "-l ether"; do
		skb2pcap $f gen.skb 2>/dev/null | tshark -q -r - -z expert >exp 2>/dev/null &&
		grep -q "^Comments\|^Chats" exp &&
		! grep -q "^Errors\|^Warns" exp || { echo "$f"; cat exp; return 1; }
	done
'

test_done
