#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Differential test: skbgrep -f EXPR must select exactly the packets tcpdump
# selects with the same expression, on a varied mix (tests/skbgrep/mkmix.py)
# turned into .skb by pcap2skb: Ethernet events (L2) from mix.pcap and raw-IP
# events (L3) from mixraw.pcap.  Packet i carries the time stamp i seconds, so
# the selections are compared as lists of packet indices; when skb2pcap is
# built the selected events also go through skb2pcap and tcpdump reads them.
. "$(dirname "$0")/lib.sh"

if ! need_cmd tcpdump python3; then
	test_skip 'skbgrep -f against tcpdump' "$SKIP_REASON"
	test_done
	exit
fi

MIX=$TRASH/mix
mkdir -p "$MIX"
python3 "$TOP/tests/skbgrep/mkmix.py" "$MIX/eth.pcap" "$MIX/raw.pcap"
pcap2skb -o "$MIX/eth.skb" "$MIX/eth.pcap"
pcap2skb -o "$MIX/raw.skb" "$MIX/raw.pcap"
HAVE_SKB2PCAP=
[ -x "$BUILD/skb2pcap" ] && HAVE_SKB2PCAP=1

PCAPIDX="python3 $TOP/tests/skbgrep/pcapidx.py"

# indices of the packets tcpdump selects (read from what tcpdump -w writes,
# so packets it cannot print still count); empty when the expression does
# not compile for the capture's link type (e.g. "arp" on raw IP)
tcpdump_idx() {
	rm -f tcpdump.pcap
	tcpdump -r "$1" -w tcpdump.pcap "$2" 2>/dev/null || return 0
	$PCAPIDX tcpdump.pcap
}

skbgrep_idx() {
	local st=0
	skbgrep -f "$2" "$1" >sel.skb || st=$?
	[ $st = 0 ] || [ $st = 1 ] || return 1
	"$BUILD/tests/skbgrep-list" -w sel.skb
}

test_expect_success 'the mix holds what the comparison needs' '
	n=$(tcpdump -r "$MIX/eth.pcap" 2>/dev/null | wc -l) && test "$n" -ge 150 &&
	for e in "vlan" "arp" "ip6 protochain 6" "ip[6:2] & 0x1fff != 0" "ip6[6] == 44" "ip[0] & 0xf > 5"; do
		test -n "$(tcpdump_idx "$MIX/eth.pcap" "$e")" || { echo "mix lacks: $e"; exit 1; }
	done &&
	test "$(skbgrep -c "$MIX/raw.skb")" = "$(tcpdump -r "$MIX/raw.pcap" 2>/dev/null | wc -l)"
'

n=0
while IFS= read -r expr; do
	case $expr in ''|'#'*) continue ;; esac
	n=$((n + 1))
	export expr
	test_expect_success "-f '$expr' selects what tcpdump selects (L2 and L3 events)" '
		tcpdump_idx "$MIX/eth.pcap" "$expr" >want-l2 &&
		skbgrep_idx "$MIX/eth.skb" "$expr" >got-l2 &&
		test_cmp want-l2 got-l2 &&
		tcpdump_idx "$MIX/raw.pcap" "$expr" >want-l3 &&
		skbgrep_idx "$MIX/raw.skb" "$expr" >got-l3 &&
		test_cmp want-l3 got-l3 &&
		if [ -n "$HAVE_SKB2PCAP" ]; then
			# skb2pcap may leave out events without bytes (it says so on
			# stderr); tcpdump keeps a caplen-0 packet: accept either
			for v in eth raw; do
				rm -f tcpdump.pcap
				tcpdump -r "$MIX/$v.pcap" -w tcpdump.pcap "$expr" 2>/dev/null || :
				if [ -s tcpdump.pcap ]; then $PCAPIDX tcpdump.pcap; fi >want-$v.idx
				if [ -s tcpdump.pcap ]; then $PCAPIDX --nonempty tcpdump.pcap; fi >want-$v.nonempty
				skbgrep -f "$expr" "$MIX/$v.skb" | skb2pcap |
					tcpdump -r - -w - 2>/dev/null | $PCAPIDX >got-$v.idx
				cmp -s want-$v.nonempty got-$v.idx || test_cmp want-$v.idx got-$v.idx || exit 1
			done
		fi
	'
done <"$TOP/tests/skbgrep/exprs.txt"

test_expect_success "at least 30 expressions compared ($n)" 'test '"$n"' -ge 30'

[ -n "$HAVE_SKB2PCAP" ] || test_skip 'skbgrep | skb2pcap | tcpdump for each expression' 'skb2pcap not built yet; compared by packet index only'

test_expect_success 'the whole mix through skbgrep with a filter that keeps all' '
	test "$(skbgrep -c -f "ip or ip6 or arp or not ip" "$MIX/eth.skb")" = \
	     "$(tcpdump -r "$MIX/eth.pcap" 2>/dev/null | wc -l)"
'

test_done
