#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# t2000: skbcat golden output, one case per line of tests/skbcat/TESTLIST
# (tcpdump style): every decoder, truncated packets, lost-event records,
# -v, -e, -x, -j, --flows, time formats and merged inputs.  The inputs are
# the committed pcaps turned into .skb by pcap2skb, plus skbcat-gen's stream.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbcat/fixtures.sh"

FX=$TRASH/fx
test_expect_success 'fixture pcaps are what mkpcaps.py writes' '
	need_cmd python3 || { echo "$SKIP_REASON"; exit 1; }
	python3 "$TOP/tests/skbcat/mkpcaps.py" regen &&
	for f in eth raw hop1 hop2 hop3; do
		cmp "$TOP/tests/skbcat/$f.pcap" "regen/$f.pcap"
	done
'

test_expect_success 'build the .skb fixtures' '
	skbcat_fixtures "$FX"
'

while read -r name input expected opts; do
	case $name in ''|'#'*) continue ;; esac
	test_expect_success "$name: skbcat $opts $input" "
		skbcat_case \"$FX\" \"$input\" $opts >actual 2>stderr &&
		test_cmp \"$TOP/tests/skbcat/expected/$expected\" actual &&
		test_cmp /dev/null stderr
	"
done <"$TOP/tests/skbcat/TESTLIST"

# The decoders agree with tcpdump on what matters: addresses, ports, flags.
test_expect_success 'addresses and TCP flags agree with tcpdump -nn' '
	need_cmd tcpdump || { echo "$SKIP_REASON"; exit 1; }
	tcpdump -nn -r "$TOP/tests/skbcat/eth.pcap" 2>/dev/null |
		sed -n "s/.* IP \([0-9.]*\) > \([0-9.]*\): Flags \[\([^]]*\)\].*/\1 > \2 flags [\3]/p" >want &&
	test -s want &&
	skbcat "$FX/eth.skb" |
		sed -n "s/.*  if 1 (pcap0) \([0-9.]*\) > \([0-9.]*\) ttl.* \(flags \[[^]]*\]\).*/\1 > \2 \3/p" >got &&
	test_cmp want got
'

test_expect_success 'skbcat -x dumps exactly what tcpdump -XX dumps' '
	need_cmd tcpdump || { echo "$SKIP_REASON"; exit 1; }
	tab=$(printf "\t") &&
	tcpdump -XX -nn -r "$TOP/tests/skbcat/eth.pcap" 2>/dev/null | grep "^${tab}0x" >want &&
	test "$(wc -l <want)" -gt 100 &&
	skbcat -x "$FX/eth.skb" | grep "^${tab}0x" >got &&
	test_cmp want got
'

test_done
