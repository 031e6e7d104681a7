#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/rec-snaplen.sh [ROUNDS] [SECONDS] - what large snaplens cost.
#
# An iperf3 TCP stream (full speed) from namespace A to namespace B over a
# veth pair, interleaved rounds of: untraced, then skbrec with its default
# probes at -s 256, -s 1500, -s 4096 and -s 0 with the default ring buffer,
# and -s 0 with -b 64m.  Per mode, medians of: the stream's Gbit/s and its
# ratio to the untraced rate, BPF ns per event, events, lost events, and
# MB/s written.  A benchmark, not a test: run it as root on a quiet
# machine; BUILD=... picks the build folder.
set -eu
R=${1:-3}
DUR=${2:-4}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
MODES=${MODES:-"none s256 s1500 s4096 s0 s0-b64m"}
. "$TOP/bench/netns.sh"
bench_netns skbs 10.76.0 iperf3 bpftool jq

bpf_ns() {
	bpftool prog show -j | jq -r '[.[] | select(.name == "skbrec" or (.name | startswith("skb_")))
		| (.run_time_ns // 0)] | add // 0'
}

# mode -> "gbps ns_per_event events lost mb_per_s"
run() {
	local mode=$1 args=() gbps ns=- ev=- lost=- mbs=- t1
	case $mode in
	s256) args=(-s 256) ;;
	s1500) args=(-s 1500) ;;
	s4096) args=(-s 4096) ;;
	s0) args=(-s 0) ;;
	s0-b64m) args=(-s 0 -b 64m) ;;
	esac
	if [ "$mode" != none ]; then
		"$BUILD/skbrec" "${args[@]}" -o "$W/run.skb" 2>"$W/rec.err" &
		rec=$!
		sleep 1.5
	fi
	ip netns exec "$A" iperf3 -c 10.76.0.2 -t "$DUR" -J >"$W/iperf.json"
	gbps=$(jq '.end.sum_received.bits_per_second / 1e9 * 100 | floor / 100' "$W/iperf.json")
	if [ -n "$rec" ]; then
		t1=$(bpf_ns)
		kill -INT "$rec"; wait "$rec" || :
		rec=
		ev=$(grep -o '[0-9]* events' "$W/rec.err" | head -1 | cut -d' ' -f1)
		lost=$(grep -o '[0-9]* lost' "$W/rec.err" | head -1 | cut -d' ' -f1)
		: "${ev:=0}" "${lost:=0}"
		[ "$ev" -gt 0 ] && ns=$((t1 / ev))
		mbs=$(( $(stat -c %s "$W/run.skb") / (DUR * 1000000) ))
	fi
	echo "$gbps $ns $ev $lost $mbs"
}

bench_rounds
printf '%-8s %7s %6s %13s %9s %8s %6s\n' mode Gbit/s ratio "BPF ns/event" events lost "MB/s"
for m in $MODES; do
	col() { awk -v m="$m" -v c="$1" '$1==m && $c!="-"{print $c}' "$W/results" | median; }
	g=$(col 2)
	printf '%-8s %7s %6s %13s %9s %8s %6s\n' "$m" "$g" \
		"$(awk -v a="$g" -v b="$base" 'BEGIN{printf "%.2f", b ? a / b : 0}')" \
		"$(col 3)" "$(col 4)" "$(col 5)" "$(col 6)"
done
echo "(median of $R interleaved rounds of ${DUR}s; kernel $(uname -r), $(nproc) CPUs)"
