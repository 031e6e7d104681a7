#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skb2pcap: pcap output read by the real tcpdump, L2 and L3-only packets
# mixed, both link types, -p, inputs from files and stdin.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skb2pcap/fixtures.sh"
G=$TOP/tests/skb2pcap

if ! need_cmd tcpdump python3; then
	test_skip 'skb2pcap pcap tests' "$SKIP_REASON"
	test_done; exit
fi

test_expect_success '--help and --version' '
	skb2pcap --help >help &&
	grep -q "^usage: skb2pcap" help &&
	grep -q -- "--linktype" help &&
	skb2pcap --version >ver &&
	grep -qx "skb2pcap (skbtools) [0-9][0-9.]*" ver
'

test_expect_success 'bad options exit 2 with a message' '
	echo 2 >want &&
	{ skb2pcap --bogus </dev/null >/dev/null 2>err; echo $? >rc; } &&
	test_cmp want rc && grep -q "Try .skb2pcap --help" err &&
	{ skb2pcap -l fddi </dev/null >/dev/null 2>err; echo $? >rc; } &&
	test_cmp want rc && grep -q "unknown link type" err
'

test_expect_success 'default sll2: tcpdump reads mixed L2 and L3 events from a pipe' '
	make_fixtures &&
	skb2pcap mix.skb | tcpdump_text -enr - >out &&
	test_cmp "$G/mix-sll2.txt" out &&
	skb2pcap mix.skb | tcpdump -r - 2>&1 >/dev/null | grep -q "link-type LINUX_SLL2"
'

test_expect_success 'pcap header: nanosecond magic, version 2.4, link type 276' '
	make_fixtures &&
	skb2pcap mix.skb >out.pcap &&
	head -c 24 out.pcap | od -An -tx4 -w24 | tr -s " " >hdr &&
	echo " a1b23c4d 00040002 00000000 00000000 00040000 00000114" >want &&
	test_cmp want hdr
'

test_expect_success '--linktype ether: synthetic header only for L3 events' '
	make_fixtures &&
	skb2pcap -l ether mix.skb | tcpdump -enr - >out 2>/dev/null &&
	test_cmp "$G/mix-ether.txt" out
'

test_expect_success 'sll2 keeps direction and ifindex: tcpdump inbound/outbound/ifindex filters' '
	make_fixtures &&
	skb2pcap -o mix.pcap mix.skb &&
	test "$(tcpdump -nr mix.pcap outbound 2>/dev/null | wc -l)" = 2 &&
	test "$(tcpdump -nr mix.pcap inbound 2>/dev/null | wc -l)" = 3 &&
	test "$(tcpdump -nr mix.pcap ifindex 7 2>/dev/null | wc -l)" = 2 &&
	test "$(tcpdump -nr mix.pcap "ifindex 4 and udp" 2>/dev/null | wc -l)" = 1
'

# (libpcap has no "vlan" filter for Linux cooked v2: the filter is tried on ether)
test_expect_success 'metadata-rich stream: VLAN tag back in the frame, drops, no-bytes event' '
	make_fixtures &&
	skb2pcap gen.skb 2>err | tcpdump_text -enr - >out &&
	test_cmp "$G/gen-sll2.txt" out &&
	skb2pcap -l ether gen.skb 2>/dev/null | tcpdump -enr - >out 2>/dev/null &&
	test_cmp "$G/gen-ether.txt" out &&
	test "$(skb2pcap -l ether gen.skb 2>/dev/null | tcpdump -nr - "vlan 10 and udp port 5201" 2>/dev/null | wc -l)" = 1
'

test_expect_success 'events without bytes and lost events are counted on stderr' '
	make_fixtures &&
	skb2pcap gen.skb >/dev/null 2>err &&
	cat >want <<-\EOF &&
	skb2pcap: 1 event without packet bytes skipped
	skb2pcap: 7 events were lost while recording (tp:net:netif_receive_skb: 5, unknown probe: 2)
	EOF
	test_cmp want err &&
	skb2pcap mix.skb >/dev/null 2>err &&
	test_cmp /dev/null err
'

test_expect_success '-p keeps one probe (skbgrep -p rules: word, glob, type; repeated: either)' '
	make_fixtures &&
	skb2pcap -p xmit mix.skb | tcpdump_text -nr - >out &&
	test "$(wc -l <out)" = 2 && ! grep -v " Out " out &&
	skb2pcap -p "tp:net:*receive*" mix.skb | tcpdump -nr - >out 2>/dev/null &&
	test "$(wc -l <out)" = 3 &&
	skb2pcap -p xmit -p "*receive*" mix.skb | tcpdump -nr - >out 2>/dev/null &&
	test "$(wc -l <out)" = 5 &&
	{ skb2pcap -p "" mix.skb >/dev/null 2>err; echo $? >rc; } &&
	echo 2 >want && test_cmp want rc && grep -q "empty pattern" err &&
	{ skb2pcap -p "k:net_dev_start_xmit" mix.skb >k.pcap; echo $? >rc; } &&
	echo 1 >want && test_cmp want rc &&
	tcpdump -nr k.pcap >out 2>/dev/null && test ! -s out
'

test_expect_success '-p matching nothing: a valid empty pcap, exit 1' '
	make_fixtures &&
	{ skb2pcap -p nosuchprobe mix.skb >out.pcap; echo $? >rc; } &&
	echo 1 >want && test_cmp want rc &&
	test "$(stat -c %s out.pcap)" = 24 &&
	tcpdump -r out.pcap >out 2>/dev/null && test ! -s out
'

test_expect_success 'several files, stdin, and one concatenated stream agree' '
	make_fixtures &&
	skb2pcap mix.skb >a.pcap &&
	skb2pcap e.skb r.skb >b.pcap &&
	skb2pcap <mix.skb >c.pcap &&
	cat e.skb r.skb | skb2pcap - >d.pcap &&
	cmp a.pcap b.pcap && cmp a.pcap c.pcap && cmp a.pcap d.pcap
'

test_expect_success 'compressed recordings (-z) convert to the same packets' '
	make_fixtures &&
	pcap2skb -z -p tp:net:netif_receive_skb -i eth0 --ifindex 4 eth.pcap >ez.skb &&
	skb2pcap e.skb >plain.pcap &&
	skb2pcap ez.skb >z.pcap &&
	cat ez.skb | skb2pcap >zpipe.pcap &&
	cmp plain.pcap z.pcap && cmp plain.pcap zpipe.pcap
'

test_expect_success '-o FILE is created with mode 0600' '
	make_fixtures &&
	skb2pcap -o out.pcap mix.skb &&
	test "$(stat -c %a out.pcap)" = 600 &&
	tcpdump -r out.pcap >/dev/null 2>&1
'

# A live pipe: packets reach the reader while the recorder is still running.
test_expect_success 'live pipe input: converted packets are passed on before the input ends' '
	make_fixtures &&
	cat >slow-writer.py <<-\EOF &&
	import os, sys, time
	d = open("e.skb", "rb").read()
	out = sys.stdout.buffer
	out.write(d[:-32]); out.flush()      # all but the END record
	deadline = time.time() + 30
	while time.time() < deadline:
	    if os.path.exists("seen") and open("seen").read().count("\n") >= 3:
	        break
	    time.sleep(0.05)
	else:
	    open("timeout", "w").close()
	out.write(d[-32:])
	EOF
	python3 slow-writer.py | skb2pcap | tcpdump -l -nr - >seen 2>/dev/null &&
	test ! -e timeout &&
	test "$(wc -l <seen)" = 3
'

test_expect_success '-U writes every packet at once' '
	make_fixtures &&
	skb2pcap -U mix.skb >u.pcap &&
	skb2pcap mix.skb >b.pcap &&
	cmp u.pcap b.pcap
'

test_expect_success 'no wall-clock offset in the file: monotonic times, said once per file' '
	"$BUILD/tests/skb2pcap-gen" --no-wall >nowall.skb &&
	skb2pcap nowall.skb nowall.skb 2>err | tcpdump -tt --nano -nr - 2>/dev/null >out &&
	test "$(grep -c "no wall-clock offset in the file" err)" = 2 &&
	grep -q "^skb2pcap: nowall.skb: no wall-clock offset in the file; timestamps are monotonic" err &&
	head -n 1 out | grep -q "^0.000001000 " &&
	make_fixtures && skb2pcap mix.skb 2>err >/dev/null && test_cmp /dev/null err
'

test_done
