#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/rec-cost.sh [ROUNDS] [SECONDS] - what recording costs the traffic.
#
# iperf3 UDP with 64-byte payloads (PAYLOAD=... another size) from namespace
# A to namespace B over a veth pair, in interleaved rounds of:
#   none     untraced
#   skbrec   skbrec with its default probes
#   rx-only  skbrec -p tp:net:netif_receive_skb
#   filtered skbrec -f 'udp port 9' (default probes; rejects all of iperf3's)
#   filtered-rx  the same on tp:net:netif_receive_skb only (issue #12's
#            example: one probe)
#   tcpdump  tcpdump -w on B's veth (the receiving side)
#   minrec   the minimal recorder (bench/minrec): a fixed-size ring buffer
#            record per event on the default probes, the floor
#   empty    minrec --empty: programs on the default probes that return at
#            once, the floor of a filter that rejects everything
#   empty-rx minrec --empty --rx: the same on tp:net:netif_receive_skb only
#            (filtered-rx's floor)
#   minrec-sN  minrec --bytes N: each record also holds up to N of the
#            packet's bytes, read straight into the ring (the floor of
#            skbrec -s N; e.g. minrec-s1500 with PAYLOAD=1472)
#   zlib     skbrec -z (default probes, the file compressed as it is written)
# Per mode, the median over the rounds of: the sender's packets/s, its ratio
# to the untraced rate, the BPF run time per program run (bpf_stats_enabled;
# skbrec's programs only: probes, and in builds before the tracking rework
# the track_free_* programs), the run time of all of them per recorded event,
# events recorded and lost, the recorder's own CPU time (user + system, all
# threads) during the transfer per event, and its peak RSS.
# A benchmark, not a test: run it as root on a quiet machine; BUILD=...
# picks the build folder, MODES=... a subset of the modes, REC_ARGS=... adds
# options to every skbrec run (e.g. REC_ARGS="-b 1m"), TSV=FILE also appends
# the results there (bench/all.sh; rows tagged TSV_KIND, default "rec"),
# STATS=0 leaves kernel.bpf_stats_enabled off (each program run then costs
# two clock reads less; no BPF run times), SINK=null has skbrec and tcpdump
# write to /dev/null instead of a file (section "Writing the file on this
# VM" of docs/benchmarks.md: a new file's page cache costs this machine's
# host a page fault per page, ~2.7 ns a byte, which a file written twice as
# fast pays twice as much).
set -eu
R=${1:-5}
DUR=${2:-4}
PAYLOAD=${PAYLOAD:-64}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
MODES=${MODES:-"none skbrec rx-only tcpdump"}
. "$TOP/bench/netns.sh"
bench_netns skbc 10.78.0 iperf3 tcpdump bpftool jq

# Sum of run_time_ns and run_cnt over skbrec's programs (names skbrec, skb_*).
bpf_sums() {
	bpftool prog show -j | jq -r '[.[] | select(.name == "skbrec" or (.name | startswith("skb_")) or (.name | startswith("track_")) or (.name | startswith("minrec_")))
		| {t: (.run_time_ns // 0), c: (.run_cnt // 0)}]
		| "\(map(.t) | add // 0) \(map(.c) | add // 0)"'
}

# user + system CPU seconds * 100 and peak RSS (kB) of process $1
# CPU time of a process (all its threads) in ns, from the scheduler's
# sum_exec_runtime (/proc/PID/task/*/schedstat), and its peak RSS in kB.
# The CPU time is read before and after the transfer: what the recorder
# spends loading and verifying its programs is not a cost per event.
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'
}
peak_rss() {
	awk '/^VmHWM/{print $2}' "/proc/$1/status" 2>/dev/null || echo -
}

# One run: mode -> "pps ns_per_run ns_per_event events lost cpu_ns_per_event rss_kB"
run() {
	local mode=$1 args=() pps ns=- nse=- ev=- lost=- t0 c0 t1 c1 cpu=- rss=- cpe=-
	case $mode in
	skbrec) args=() ;;
	rx-only) args=(-p tp:net:netif_receive_skb) ;;
	filtered) args=(-f 'udp port 9') ;;
	filtered-rx) args=(-f 'udp port 9' -p tp:net:netif_receive_skb) ;;
	zlib) args=(-z) ;;
	esac
	case $mode in
	skbrec|rx-only|filtered|filtered-rx|zlib)
		# shellcheck disable=SC2086 # REC_ARGS: words on purpose
		"$BUILD/skbrec" "${args[@]}" ${REC_ARGS:-} -o "$(bench_sink run.skb)" 2>"$W/rec.err" &
		rec=$!
		sleep 1.5 ;;
	minrec|empty|empty-rx|minrec-s[0-9]*)
		# shellcheck disable=SC2046 # the options: words on purpose
		"$BUILD/minrec" $(case $mode in empty) echo --empty ;; empty-rx) echo --empty --rx ;;
			minrec-s*) echo --bytes "${mode#minrec-s}" ;; esac) \
			2>"$W/rec.err" &
		rec=$!
		sleep 1 ;;
	tcpdump)
		ip netns exec "$B" tcpdump -q -n -i "$VB" -w "$(bench_sink run.pcap)" 2>"$W/rec.err" &
		rec=$!
		sleep 1.5 ;;
	esac
	read -r t0 c0 <<<"$(bpf_sums)"
	[ -n "$rec" ] && cpu=$(cpu_ns "$rec")
	ip netns exec "$A" iperf3 -c 10.78.0.2 -u -l "$PAYLOAD" -b 0 -t "$DUR" -J >"$W/iperf.json"
	pps=$(jq '.end.sum.packets / .end.sum.seconds | floor' "$W/iperf.json")
	if [ -n "$rec" ]; then
		if [ "$mode" != tcpdump ]; then
			read -r t1 c1 <<<"$(bpf_sums)"
			[ "$c1" -gt "$c0" ] && ns=$(( (t1 - t0) / (c1 - c0) ))
		fi
		# what is still in the ring is written within the idle flush
		sleep 0.5
		cpu=$(( $(cpu_ns "$rec") - cpu ))
		rss=$(peak_rss "$rec")
		kill -INT "$rec"; wait "$rec" || :
		rec=
		if [ "$mode" != tcpdump ]; then
			# "skbrec: N events (…), M lost" on stderr
			ev=$(grep -o '[0-9]* events' "$W/rec.err" | head -1 | cut -d' ' -f1)
			lost=$(grep -o '[0-9]* lost' "$W/rec.err" | head -1 | cut -d' ' -f1)
			: "${ev:=0}" "${lost:=0}"
			# every run of every program of this recorder, per event
			[ "$ev" -gt 0 ] && [ "${STATS:-1}" != 0 ] && nse=$((t1 / ev))
		else
			# "N packets captured", "M packets dropped by kernel"
			ev=$(grep -o '^[0-9]* packets captured' "$W/rec.err" | cut -d' ' -f1)
			lost=$(grep -o '^[0-9]* packets dropped by kernel' "$W/rec.err" | cut -d' ' -f1)
			: "${ev:=0}" "${lost:=0}"
		fi
		[ "$ev" -gt 0 ] && cpe=$((cpu / ev))
	fi
	echo "$pps $ns $nse $ev $lost $cpe ${rss:--}"
}

bench_rounds
col() { awk -v m="$1" -v c="$2" '$1==m && $c!="-"{print $c}' "$W/results" | median; }
printf '%-11s %10s %6s %11s %13s %9s %6s %12s %8s\n' mode "packets/s" ratio "BPF ns/run" \
	"BPF ns/event" events lost "CPU ns/event" "RSS"
for m in $MODES; do
	pps=$(col "$m" 2)
	ratio=$(awk -v a="$pps" -v b="$base" 'BEGIN{printf "%.2f", b ? a / b : 0}')
	rss=$(col "$m" 8)
	[ "$rss" = - ] || rss="$((rss / 1024))M"
	printf '%-11s %10s %6s %11s %13s %9s %6s %12s %8s\n' "$m" "$pps" "$ratio" "$(col "$m" 3)" \
		"$(col "$m" 4)" "$(col "$m" 5)" "$(col "$m" 6)" "$(col "$m" 7)" "$rss"
	[ -z "${TSV:-}" ] ||
		printf '%s\t%s\t%s\t%s\t%s\n' "${TSV_KIND:-rec}" "$m" "$pps" "$(col "$m" 6)" "$rss" >>"$TSV"
done
echo "(median of $R interleaved rounds of ${DUR}s, UDP payloads of $PAYLOAD bytes, recorders writing to $(bench_sink FILE); kernel $(uname -r), $(nproc) CPUs)"
