#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbgrep selectors on a fixture recording (tests/unit/skbgrep-fixture.c):
# golden selections for each selector and combinations, sections, lost
# records, exit status, errors, damaged input, closed pipes.
# Fixture event n has ts = n s; events 1-10 are in section 1, 11-12 in
# section 2 (wall clock one hour later).  See the fixture for the story.
. "$(dirname "$0")/lib.sh"

FX=$TRASH/fixture.skb
"$BUILD/tests/skbgrep-fixture" >"$FX"
LIST=$BUILD/tests/skbgrep-list

# sel "ARGS" "EXPECTED EVENT TIMES" [EXPECTED STATUS]
sel() {
	local args=$1 want=$2 wst=${3:-} st=0
	[ -n "$wst" ] || { [ -n "$want" ] && wst=0 || wst=1; }
	eval "skbgrep $args \"\$FX\"" >out.skb 2>err || st=$?
	cat err
	[ "$st" = "$wst" ] || { echo "status $st, wanted $wst"; return 1; }
	got=$("$LIST" -t out.skb | tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$want" ] || { echo "selected [$got], wanted [$want]"; return 1; }
}

t() { test_expect_success "$1" "sel $(printf '%q' "$1") $(printf '%q' "$2") ${3:-}"; }

t ''                              '1 2 3 4 5 6 7 8 9 10 11 12'
# -p: substring, type prefix, glob, repeated = OR
t '-p xmit'                       '4 5 9'
t '-p tp:xmit'                    '5 9'
t "-p 'k:*'"                      '2 10'
t '-p kr:'                        '4'
t "-p 'tp:net:*'"                 '1 5 6 8 9 12'
t "-p '*kfree*'"                  '3 7 11'
t '-p kfree_skb -p ip_rcv'        '2 3 7 10 11'
t '-p no_such_probe'              ''
# -i: name, index, repeated, rx interface
t '-i eth0'                       '1 2 3 8 11 12'
t '-i 5'                          '4 5 6 7'
t '-i eth0 -i lo'                 '1 2 3 8 9 11 12'
t '-i eth0 --rx-iface'            '9'
t '-i veth1 --rx-iface'           '6 7'
t '-i 2 --rx-iface'               '9'
# -f: L2 and L3 variants, offloaded VLAN tag, L2-only expressions
t "-f 'tcp port 80'"              '1 2 3 4 5 10'
t "-f 'host 10.0.0.1'"            '1 2 3 4 10'
t "-f 'udp port 53'"              '6 7 9 11 12'
t "-f 'ether host 02:00:00:00:00:07'" '6 7 11 12'
t "-f 'vlan 10 and arp'"          '8'
t "-f arp"                        ''
t "-f 'tcp port 80' -f udp"       '1 2 3 4 5 6 7 9 10 11 12'
# metadata
t '--netns 4026532200'            '4 5 6 7 10'
t '--pid 100'                     '4 5 9 10 11'
t '--pid 100 --pid 200'           '4 5 6 7 9 10 11'
t '--comm curl'                   '4 5 9 10 11'
t '--comm systemd-resolved'       '6 7'
t "--comm 'swap*'"                '1 2 3 8 12'
t '--mark 0x10'                   '4 5'
t '--mark 0x10/0x10'              '4 5 6 7'
t '--mark 0'                      '1 2 3 8 9 10 11 12'
t '--drop'                        '3 7 11'
t '--reason NO_SOCKET'            '3 11'
t '--reason SKB_DROP_REASON_NO_SOCKET' '3 11'
t '--reason netfilter_drop'       '7'
t '--reason 6 --reason 2'         '3 7 11'
t '--track 3'                     '6 7'
t '--track 1 --track 7'           '1 2 3 11 12'
# time: monotonic ns, epoch seconds, ISO dates (wall = ts + the section's offset)
t '--since 5000000000 --until 7000000000' '5 6 7'
t '--since 2023-11-14T22:13:25Z'  '5 6 7 8 9 10 11 12'
t '--until @1700000003'           '1 2 3'
t "--since '2023-11-15T00:13:31+01:00'" '11 12'
t "--since '2023-11-14 22:13:29.5Z' --until @1700003611" '10 11'
# combinations AND
t '-p kfree_skb -i eth0'          '3 11'
t "-p kfree_skb --reason NO_SOCKET -f udp" '11'
t "--pid 100 -f 'tcp' -i veth1"   '4 5'
# --follow: the whole journey of the packets that matched (SNAT: event 5
# no longer has 10.0.0.1), on a file (two passes) and from a pipe
t "--follow -f 'host 10.0.0.1'"   '1 2 3 4 5 10'
t "--follow --drop"               '1 2 3 6 7 11 12'
test_expect_success '--follow from a pipe (bounded buffer) selects the same' '
	cat "$FX" | skbgrep --follow -f "host 10.0.0.1" >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "1 2 3 4 5 10 "
'
test_expect_success '--follow from stdin redirected from a file (two passes)' '
	skbgrep --follow --reason netfilter_drop <"$FX" >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "6 7 "
'
test_expect_success '--follow on a pipe: events older than --follow-buffer are already decided' '
	"$BUILD/tests/skbgrep-fixture" --spread 200 >spread.skb &&
	# the packet matches only after SNAT (ts 202), 200 kB after its first event
	skbgrep --follow -f "host 192.168.1.1" spread.skb >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "1 202 " &&
	cat spread.skb | skbgrep --follow -f "host 192.168.1.1" >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "1 202 " &&
	cat spread.skb | skbgrep --follow --follow-buffer 64k -f "host 192.168.1.1" >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "202 "
'

# -v, -m, -c
t '-v -p xmit'                    '1 2 3 6 7 8 10 11 12'
t "-v --follow -f 'host 10.0.0.1'" '6 7 8 9 11 12'
t "-m 2 -p 'tp:'"                 '1 3'
t '-v'                            ''
t "--follow -m 2 -p 'tp:'"        '1 2'
test_expect_success '-m counts followed events on a pipe too' '
	cat "$FX" | skbgrep --follow -m 2 -p tp: >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "1 2 "
'

test_expect_success '-c prints the count; exit 0, or 1 when nothing matches' '
	test "$(skbgrep -c -p xmit "$FX")" = 3 &&
	st=0 && out=$(skbgrep -c -p nothing "$FX") || st=$? &&
	test "$out" = 0 && test $st = 1 &&
	test "$(skbgrep -c -m 1 --drop "$FX")" = 1
'

test_expect_success 'output keeps both sections, their metadata and all lost records' '
	skbgrep -p kfree_skb "$FX" | "$LIST" >got &&
	cat >want <<-\EOF &&
	section snaplen=256 wall_offset=1700000000000000000 tool=skbrec 0.1.0 host=fixture-host kernel=6.18.0-test cmdline=skbrec -p tp:net:* -o run.skb
	event wall=1700000003.000000000 ts=3000000000 probe=tp:skb:kfree_skb if=eth0/2 netns=4026531840 rx=0 pid=0 comm=swapper/1 mark=0x0 track=1 len=40/40 l3 drop=2/NO_SOCKET
	lost probe=tp:skb:kfree_skb count=7
	event wall=1700000007.000000000 ts=7000000000 probe=tp:skb:kfree_skb if=veth1/5 netns=4026532200 rx=5 pid=200 comm=systemd-resolve mark=0x1ff track=3 len=42/42 l2 drop=6/SKB_DROP_REASON_NETFILTER_DROP
	lost probe=- count=3
	end events=2 lost=10
	section snaplen=256 wall_offset=1700003600000000000 tool=skbrec 0.1.0 host=fixture-host kernel=6.18.0-test cmdline=skbrec -p tp:skb:kfree_skb
	event wall=1700003611.000000000 ts=11000000000 probe=tp:skb:kfree_skb if=eth0/2 netns=4026531840 rx=0 pid=100 comm=curl mark=0x0 track=7 len=42/42 l2 drop=2/NO_SOCKET
	end events=1 lost=0
	EOF
	test_cmp want got
'

test_expect_success 'the output is a valid stream even when nothing matches' '
	st=0 && skbgrep -p nothing "$FX" >out.skb || st=$? &&
	test $st = 1 &&
	"$LIST" out.skb >got &&
	grep -c "^section" got >n && test "$(cat n)" = 2 &&
	test "$(grep -c "^lost" got)" = 2 && ! grep -q "^event" got
'

test_expect_success 'several input files are read in turn' '
	skbgrep -p xmit "$FX" - "$FX" <"$FX" >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "4 5 9 4 5 9 4 5 9 "
'

test_expect_success '-o FILE writes the file (mode 0600)' '
	skbgrep -o sel.skb --drop "$FX" &&
	test "$(stat -c %a sel.skb)" = 600 &&
	test "$("$LIST" -t sel.skb | tr "\n" " ")" = "3 7 11 "
'

test_expect_success '-z compresses; compressed input reads the same' '
	skbgrep -z -p tp: "$FX" >z.skb &&
	test "$(head -c 2 z.skb | od -An -tx1 | tr -d " ")" = 1f8b &&
	skbgrep --drop z.skb >out.skb &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "3 7 11 "
'

test_expect_success 'invalid expression: libpcap message, exit 2, no output' '
	st=0 && skbgrep -f "tcp port" "$FX" >out 2>err || st=$? &&
	test $st = 2 && grep "syntax error" err && test ! -s out
'

test_expect_success 'bad option values: exit 2 with a message' '
	for a in "--mark 0x10/0x0f" "--since yesterday" "--pid x" "-m 0" "-i \"\"" "--bogus" "--rx-iface" "-c -o x.skb"; do
		st=0 && eval "skbgrep $a \"\$FX\"" >out 2>err || st=$?
		test $st = 2 || { echo "$a: status $st"; exit 1; }
		test -s err && test ! -s out || exit 1
	done
'

test_expect_success 'missing file: message, exit 2, the other files still read' '
	st=0 && skbgrep -p xmit nosuch.skb "$FX" >out.skb 2>err || st=$? &&
	test $st = 2 && grep "nosuch.skb" err &&
	test "$("$LIST" -t out.skb | tr "\n" " ")" = "4 5 9 "
'

test_expect_success 'damaged input: everything before it written, one-line error, exit 2' '
	"$BUILD/tests/skbgrep-fixture" --damage >bad.skb &&
	st=0 && skbgrep bad.skb >out.skb 2>err || st=$? &&
	test $st = 2 && cat err && test "$(wc -l <err)" = 1 &&
	grep "bad.skb: offset [0-9]*: " err &&
	lst=0 && "$LIST" -t out.skb >got 2>lerr || lst=$? &&
	test "$(tr "\n" " " <got)" = "1 2 3 4 5 6 7 8 9 10 11 12 13 " &&
	test $lst = 2   # the output stays visibly truncated, not silently complete
'

test_expect_success 'a record cut in half: the events before it written, exit 2' '
	size=$(stat -c %s "$FX") &&
	head -c $((size - 40)) "$FX" >cut.skb &&   # END (32 bytes) + 8 of event 12
	st=0 && skbgrep -p tp: cut.skb >out.skb 2>err || st=$? &&
	test $st = 2 && cat err && grep "cut.skb: offset [0-9]*: .*cut short" err &&
	"$LIST" -t out.skb >got 2>/dev/null || : &&
	test "$(tr "\n" " " <got)" = "1 3 5 6 7 8 9 11 "
'

test_expect_success 'not an .skb stream: exit 2' '
	printf "hello world, not a recording\n" >junk &&
	st=0 && skbgrep junk >out 2>err || st=$? &&
	test $st = 2 && grep "junk: offset 0" err
'

test_expect_success 'a closed output pipe ends quietly with status 0' '
	for i in $(seq 200); do cat "$FX"; done >big.skb &&
	(skbgrep big.skb; echo $? >st) 2>err | head -c 100 >/dev/null &&
	test "$(cat st)" = 0 && test ! -s err
'

# found by fuzz-copy: the END record of a section without events carried
# time 0, which a negative wall-clock offset puts before the epoch
test_expect_success 'nothing selected from a recording with a negative wall-clock offset: the output reads' '
	pcap2skb -o neg.skb "$TOP/tests/skbcat/eth.pcap" &&
	python3 -c "import struct, sys; b = bytearray(open(sys.argv[1], \"rb\").read()); struct.pack_into(\"<q\", b, 24, -1); open(sys.argv[1], \"wb\").write(b)" neg.skb &&
	skbcat neg.skb >/dev/null &&
	st=0 && skbgrep -p no_such_probe -o none.skb neg.skb || st=$? &&
	test $st = 1 &&
	skbcat none.skb &&
	test "$(skbgrep -c none.skb)" = 0
'

test_expect_success '--help, --version' '
	skbgrep --help | grep -q "^usage: skbgrep" &&
	test "$(skbgrep --version)" = "skbgrep (skbtools) 0.1.0"
'

test_done
