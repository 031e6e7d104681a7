#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inputs found by fuzzing (tests/fixtures/fuzz/, issue #17 and `make fuzz`)
# through every reader and output mode.  Under `make check SAN=1` an
# ASan/UBSan report aborts the program (-fno-sanitize-recover=all), so a
# regression fails here.  Each input must end with status 0 or with status
# 2 and one "FILE: offset N: ..." line, within a few seconds.
. "$(dirname "$0")/lib.sh"

FUZZ=$TOP/tests/fixtures/fuzz
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# run_reader STATUS CMD...: CMD on a fixture, bounded in time; STATUS is a
# regular expression (2, or 0|2).
run_reader() {
	local want=$1 rc=0
	shift
	timeout 10 "$@" >out 2>err || rc=$?
	if grep -q "runtime error\|Sanitizer" err; then
		echo "sanitizer report from: $*"; cat err; return 1
	fi
	[[ $rc =~ ^($want)$ ]] || { echo "status $rc, wanted $want: $*"; cat err; return 1; }
	if [ "$rc" = 2 ]; then
		[ "$(wc -l <err)" = 1 ] || { echo "more than one error line: $*"; cat err; return 1; }
		grep -Eq "^[a-z0-9]+: .*: offset [0-9]+: " err ||
			{ echo "no FILE: offset N: line: $*"; cat err; return 1; }
	fi
}

# Every command that reads a .skb stream, with its time-dependent modes.
all_readers() {
	local want=$1 f=$2
	run_reader "$want" skbcat "$f" &&
	run_reader "$want" skbcat -j "$f" &&
	run_reader "$want" skbcat -t "$f" &&
	run_reader "$want" skbcat --time=utc "$f" &&
	run_reader "$want" skbcat --time=rel --flows "$f" &&
	run_reader "$want" skbcat --time=delta "$f" &&
	run_reader "$want" skb2pcap -o out.pcap "$f" &&
	run_reader "$want" skb2pcap --pcapng -o out.pcapng "$f" &&
	run_reader "$want" skbgrep --since 0 -o out.skb "$f"
}

test_expect_success 'every fixture, every reader: status 0 or 2, no sanitizer report, no hang' '
	for f in "$FUZZ"/*.skb; do
		all_readers "0|2" "$f" || exit 1
	done
'

test_expect_success 'a time base of INT64_MAX plus an event offset: damage at the event' '
	all_readers 2 "$FUZZ/reader-timebase-overflow.skb"
	skbcat "$FUZZ/reader-timebase-overflow.skb" 2>err >/dev/null || :
	grep -q "offset 67: event time .* is out of range" err
'

test_expect_success 'a wall-clock offset that overflows with the time base: damage at the header' '
	for f in skbcat-main134-min skb2pcap-main179-min; do
		all_readers 2 "$FUZZ/$f.skb" || exit 1
		skbcat "$FUZZ/$f.skb" 2>err >/dev/null || :
		grep -q "offset 0: file header.s base time .* wall-clock offset .* out of range" err ||
			{ cat err; exit 1; }
	done
'

test_expect_success 'a time base past INT64_MAX (relative times, flows): damage at the header' '
	all_readers 2 "$FUZZ/skbcat-rel-flows-overflow.skb"
'

test_expect_success 'an empty probe spec does not hang the pcapng writer' '
	all_readers 0 "$FUZZ/skb2pcap-pcapng-hang-emptyspec.skb" &&
	skb2pcap --pcapng "$FUZZ/skb2pcap-pcapng-hang-emptyspec.skb" >ng.pcapng &&
	if command -v tshark >/dev/null; then
		test "$(tshark -r ng.pcapng 2>/dev/null | wc -l)" = 2
	fi
'

test_done
