#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The offline programs under valgrind on their success paths: no invalid
# access, nothing leaked (every allocation freed at exit), on a real
# recording (tests/skbcat/veth.skb) and its compressed copy.
. "$(dirname "$0")/lib.sh"

if [ "${SAN:-0}" = 1 ]; then
	test_skip "the offline programs under valgrind" "a sanitizer build (SAN=1) cannot run under valgrind"
	test_done; exit
fi
if ! need_cmd valgrind; then
	test_skip "the offline programs under valgrind" "$SKIP_REASON"
	test_done; exit
fi
FX=$TOP/tests/skbcat/veth.skb

vg() {
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
		--errors-for-leak-kinds=all "$@"
}

test_expect_success 'skbcat (text, -j, --flows, -x) leaks nothing' '
	vg skbcat "$FX" >/dev/null &&
	vg skbcat -j "$FX" >/dev/null &&
	vg skbcat --flows "$FX" >/dev/null &&
	vg skbcat -x "$FX" >/dev/null
'

test_expect_success 'skbgrep (-f, -p, --follow, -z, -c) leaks nothing' '
	vg skbgrep -f "icmp or tcp" -o f.skb "$FX" &&
	vg skbgrep -p xmit -z -o z.skb "$FX" &&
	vg skbgrep --follow -f icmp -o w.skb "$FX" &&
	vg skbgrep -c z.skb >/dev/null
'

test_expect_success 'skb2pcap (pcap, pcapng) and pcap2skb leak nothing' '
	vg skb2pcap -o p.pcap "$FX" &&
	vg skb2pcap -l ether -o e.pcap "$FX" &&
	vg skb2pcap --pcapng -o p.pcapng "$FX" &&
	vg pcap2skb -o back.skb e.pcap
'

test_done
