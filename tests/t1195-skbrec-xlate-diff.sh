#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The -f translator against libpcap, by the real kernel: every expression
# of tests/skbrec/filter-exprs.txt, translated by skbrec's own code and run
# by the kernel's verifier and JIT (a BPF_PROG_TYPE_SYSCALL program under
# BPF_PROG_TEST_RUN), must answer as pcap_offline_filter() on thousands of
# packets: awkward frames (802.3, 802.1Q, QinQ, 1514 bytes), real captures,
# their truncations and random bytes (tests/skbrec/xlate-diff.c), and
# again on each packet cut to the bytes the expression can load at most
# (what skbrec copies before filtering where it can).  Classic
# programs found by fuzzing (tests/fixtures/xlate/) must be refused with a
# reason or verified.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$BUILD/tests/xlate-diff" ] || ! need_bpf || ! need_cmd python3; then
	test_skip "the -f translator agrees with libpcap" \
		"${SKIP_REASON:-skbrec (and so tests/xlate-diff) was not built}"
	test_done; exit
fi

python3 "$TOP/tests/skb2pcap/mkpcap-rt.py" 300 65535 >"$TRASH/rt.pcap"
st=0
"$BUILD/tests/xlate-diff" "$TOP/tests/skbrec/filter-exprs.txt" "$TRASH/rt.pcap" \
	"$TOP/tests/skbcat/eth.pcap" "$TOP/tests/skbcat/hop1.pcap" \
	"$TOP/tests/skbcat/raw.pcap" >"$TRASH/out" 2>"$TRASH/err" || st=$?
export st
if [ $st = 77 ]; then
	test_skip "the -f translator agrees with libpcap" \
		"this kernel cannot run BPF syscall programs: $(tail -1 "$TRASH/err")"
	test_done; exit
fi

test_expect_success 'the -f translator agrees with pcap_offline_filter on every packet' '
	cat "$TRASH/out" "$TRASH/err"
	test $st = 0 &&
	grep -q "^7[0-9] expressions (2 refused by the translator), [0-9]\{4,\} packets, [0-9]* runs, [1-9][0-9]* of them cut to the bytes the expression can load, [1-9][0-9]* shorter ([1-9][0-9]* decided), 0 disagreements$" "$TRASH/out" &&
	# the two refused: one libpcap needs a netmask for, one loop
	grep -q "ip broadcast. not supported" "$TRASH/err" &&
	grep -q "ip protochain 6.: cannot run in the kernel: .*protochain" "$TRASH/err" &&
	test "$(wc -l <"$TRASH/err")" = 2
'

# classic programs fuzzing found (make fuzz, tests/fuzz/fuzz-xlate.c):
# refused with a reason, or verified
test_expect_success 'programs found by fuzzing: refused with a reason or verified' '
	"$BUILD/tests/xlate-diff" --cbpf "$TOP"/tests/fixtures/xlate/*.cbpf
'

test_done
