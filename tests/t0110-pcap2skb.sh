#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# pcap2skb and the format seen from outside: real pcaps made by tcpdump,
# compressed output readable by gzip/zcat, damaged files named with offsets.
. "$(dirname "$0")/lib.sh"

# A small real capture: tcpdump writes a pcap of packets we craft with
# python3 into a pcap file directly (no network needed).
mkpcap() {
	python3 "$TOP/tests/fixtures/mkpcap.py" "$@"
}

test_expect_success 'pcap2skb converts an Ethernet pcap' '
	mkpcap eth >in.pcap &&
	pcap2skb in.pcap >out.skb &&
	test -s out.skb &&
	test "$(head -c 8 out.skb | od -An -tx1 | tr -d " \n")" = 89534b420d0a1a0a
'

test_expect_success 'pcap2skb -z writes gzip members that gzip -t and zcat accept' '
	mkpcap eth >in.pcap &&
	pcap2skb in.pcap >plain.skb &&
	pcap2skb -z in.pcap >comp.skb &&
	gzip -t <comp.skb &&
	zcat <comp.skb >unz.skb &&
	cmp plain.skb unz.skb
'

if need_cmd script; then
test_expect_success 'pcap2skb refuses to write to a terminal' '
	mkpcap eth >in.pcap &&
	{ script -qec "pcap2skb in.pcap; echo status=\$?" /dev/null >out.txt 2>&1 || true; } &&
	grep -q "refusing to write binary data to a terminal" out.txt &&
	grep -q "status=2" out.txt
'
else
	test_skip 'pcap2skb refuses to write to a terminal' "$SKIP_REASON"
fi

test_expect_success 'pcap2skb creates files with mode 0600' '
	mkpcap eth >in.pcap &&
	pcap2skb -o out.skb in.pcap &&
	test "$(stat -c %a out.skb)" = 600
'
test_done
