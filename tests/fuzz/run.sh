#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh BUILD SECONDS - run every libFuzzer target of BUILD
# (make fuzz) for SECONDS each, one after the other, from seeds made of the
# test fixtures; the corpus each run finds is kept in BUILD/corpus/.  Prints
# one line per target ("fuzz-reader: N executions in S s, 0 crashes") and
# fails when any target crashed; the input is then in BUILD/crashes/ and
# belongs in tests/fixtures/ (t0130 and t1195 run those in make check).
# BUILD/fuzz-history.tsv keeps every run; the totals per target follow.
set -u
BUILD=$1
SECONDS_EACH=${2:-60}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
PLAIN=${PLAIN_BUILD:-$TOP/build}
SEEDS=$BUILD/seeds
mkdir -p "$SEEDS" "$BUILD/corpus" "$BUILD/crashes"
rm -rf "${SEEDS:?}"/*

# ---- seeds ----
mkdir -p "$SEEDS/reader" "$SEEDS/options" "$SEEDS/xlate"
cp "$TOP"/tests/skbcat/veth.skb "$TOP"/tests/fixtures/fuzz/*.skb "$SEEDS/reader/"
if [ -x "$PLAIN/pcap2skb" ]; then
	for p in "$TOP"/tests/skbcat/*.pcap; do
		b=$(basename "$p" .pcap)
		"$PLAIN/pcap2skb" -o "$SEEDS/reader/$b.skb" "$p" 2>/dev/null
		"$PLAIN/pcap2skb" -z -o "$SEEDS/reader/$b-z.skb" "$p" 2>/dev/null
	done
fi
ln -s reader "$SEEDS/pcap"
ln -s reader "$SEEDS/copy"
i=0
for s in 'tp:net:netif_receive_skb' 'k:ip_rcv*' 'kr:tcp_v4_rcv' '*xmit*' '0x10/0xff' \
	 '16m' '4096' '2026-12-01T10:00:00.5+01:00' '@1700000000.25' '2026-01-31 23:59' \
	 '-s 99 -x --since 5 file' '--long-only -o out -- rest'; do
	printf '%s' "$s" | tr ' ' '\0' >"$SEEDS/options/$i"
	i=$((i + 1))
done
# classic programs as libpcap compiles them (tcpdump -ddd), 8 bytes each
if command -v tcpdump >/dev/null; then
	i=0
	while IFS= read -r e; do
		case $e in ''|'#'*) continue ;; esac
		tcpdump -ddd -r "$TOP/tests/skbcat/eth.pcap" "$e" 2>/dev/null | tail -n +2 |
			python3 -c '
import struct, sys
out = b"".join(struct.pack("<HBBI", *map(int, l.split())) for l in sys.stdin if l.strip())
sys.stdout.buffer.write(out)' >"$SEEDS/xlate/$i"
		[ -s "$SEEDS/xlate/$i" ] || rm -f "$SEEDS/xlate/$i"
		i=$((i + 1))
	done <"$TOP/tests/skbrec/filter-exprs.txt"
fi

# ---- runs ----
fail=0
for t in "$BUILD"/fuzz/fuzz-*; do
	name=${t##*/fuzz-}
	# FUZZ_TARGETS="reader pcap": only those
	[ -z "${FUZZ_TARGETS:-}" ] || [[ " $FUZZ_TARGETS " == *" $name "* ]] || continue
	corpus=$BUILD/corpus/$name
	mkdir -p "$corpus"
	log=$BUILD/fuzz-$name.log
	"$t" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$BUILD/crashes/$name-" \
		"$corpus" "$SEEDS/$name" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	secs=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	crashes=0
	[ $rc = 0 ] || crashes=1
	echo "fuzz-$name: ${execs:-0} executions in ${SECONDS_EACH} s (${secs:-0}/s), $crashes crashes"
	printf '%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$name" "${execs:-0}" \
		"$SECONDS_EACH" "$crashes" >>"$BUILD/fuzz-history.tsv"
	grep -h "^fuzz-xlate: no kernel check" "$log" | head -1
	if [ $rc != 0 ]; then
		fail=1
		tail -n 40 "$log" | sed 's/^/#   /'
		ls "$BUILD/crashes/$name-"* 2>/dev/null | sed 's/^/#   input: /'
	fi
done
awk -F'\t' '{ e[$2] += $3; s[$2] += $4; c[$2] += $5 }
	END { for (n in e) printf "total fuzz-%s: %d executions in %d s, %d crashes\n", n, e[n], s[n], c[n] }' \
	"$BUILD/fuzz-history.tsv" | sort
exit $fail
