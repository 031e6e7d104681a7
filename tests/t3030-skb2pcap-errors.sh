#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skb2pcap on bad input and bad output: damage reported as FILE: offset N,
# everything before it written (a valid, readable file), exit 2; missing
# files; a closed pipe ends quietly with 0; binary never to a terminal.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skb2pcap/fixtures.sh"
G=$TOP/tests/skb2pcap

if ! need_cmd tcpdump python3; then
	test_skip 'skb2pcap error handling' "$SKIP_REASON"
	test_done; exit
fi

test_expect_success 'cuts all along a stream: exit 2, one FILE: offset N line, a readable prefix' '
	make_fixtures &&
	skb2pcap gen.skb 2>/dev/null | tcpdump -nn -tt --nano -r - >full 2>/dev/null &&
	size=$(stat -c %s gen.skb) &&
	for n in $(seq 1 37 $((size - 1))) $((size - 1)); do
		head -c $n gen.skb >cut.skb &&
		{ skb2pcap cut.skb >cut.pcap 2>err; echo $? >rc; } &&
		test "$(cat rc)" = 2 &&
		test "$(grep -c "^skb2pcap: cut.skb: offset [0-9][0-9]*: " err)" = 1 &&
		tcpdump -nn -tt --nano -r cut.pcap >got 2>tderr &&
		! grep -qi "truncated\|error" tderr &&
		head -n "$(wc -l <got)" full >want &&
		test_cmp want got || { echo "cut at $n"; return 1; }
	done
'

test_expect_success 'cuts with --pcapng: exit 2, a strictly valid pcapng prefix' '
	make_fixtures &&
	size=$(stat -c %s gen.skb) &&
	for n in $(seq 3 41 $((size - 1))) $((size - 1)); do
		head -c $n gen.skb >cut.skb &&
		{ skb2pcap --pcapng cut.skb >cut.pcapng 2>err; echo $? >rc; } &&
		test "$(cat rc)" = 2 &&
		grep -q "^skb2pcap: cut.skb: offset [0-9][0-9]*: " err &&
		python3 "$G/pcapng-dump.py" cut.pcapng >dump &&
		tcpdump -r cut.pcapng >/dev/null 2>&1 || { echo "cut at $n"; cat dump; return 1; }
	done
'

test_expect_success 'damage in the second file: the first is written, the third not read' '
	make_fixtures &&
	head -c 300 gen.skb >cut.skb &&
	{ skb2pcap e.skb cut.skb r.skb >out.pcap 2>err; echo $? >rc; } &&
	echo 2 >want && test_cmp want rc &&
	grep -q "^skb2pcap: cut.skb: offset [0-9]*: " err &&
	tcpdump_text -nr out.pcap >got &&
	test "$(grep -c "ifindex\|ARP\|IP" got)" -ge 3 &&
	test "$(head -n 3 got | wc -l)" = 3 &&
	! grep -q "Out.*10.0.0.2.5201 > 10.0.0.1.40000: UDP, length 5" got
'

test_expect_success 'a missing file is named, the others are still converted, exit 2' '
	make_fixtures &&
	{ skb2pcap nosuch.skb e.skb >out.pcap 2>err; echo $? >rc; } &&
	echo 2 >want && test_cmp want rc &&
	grep -q "^skb2pcap: nosuch.skb: No such file or directory$" err &&
	test "$(tcpdump -r out.pcap 2>/dev/null | wc -l)" = 3
'

test_expect_success 'not a .skb stream (a pcap): FILE: offset 0, exit 2' '
	make_fixtures &&
	{ skb2pcap eth.pcap >out.pcap 2>err; echo $? >rc; } &&
	echo 2 >want && test_cmp want rc &&
	grep -q "^skb2pcap: eth.pcap: offset 0: " err
'

test_expect_success 'a closed output pipe ends quietly with status 0 (pcap and pcapng)' '
	make_fixtures &&
	python3 -c "import sys; sys.stdout.buffer.write(open(\"e.skb\",\"rb\").read() * 30000)" >big.skb &&
	for f in "" --pcapng; do
		{ skb2pcap $f big.skb 2>err; echo $? >rc; } | head -c 100 >/dev/null &&
		echo 0 >want && test_cmp want rc && test_cmp /dev/null err || return 1
	done
'

if ! need_cmd script; then
	test_skip 'refuses to write binary data to a terminal' "$SKIP_REASON"
else
test_expect_success 'refuses to write binary data to a terminal' '
	make_fixtures &&
	script -qec "skb2pcap e.skb" /dev/null >out.txt 2>&1 || :
	grep -q "refusing to write binary data to a terminal" out.txt &&
	! grep -q "ARP" out.txt
'
fi

if [ ! -w /dev/full ]; then
	test_skip 'a failing output (disk full) is an error: message, exit 2' "no writable /dev/full"
else
test_expect_success 'a failing output (disk full) is an error: message, exit 2' '
	make_fixtures &&
	for f in "" --pcapng; do
		{ skb2pcap $f mix.skb >/dev/full 2>err; echo $? >rc; } &&
		echo 2 >want && test_cmp want rc &&
		grep -qx "skb2pcap: standard output: No space left on device" err || return 1
	done
'
fi

test_done
