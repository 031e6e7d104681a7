#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/ab-bpf.sh OLD_BUILD [ROUNDS] [SECONDS] - BPF run time of two builds
# of skbrec on the same packets.
#
# Both recorders run at once on the same probes while iperf3 floods a veth
# pair (64-byte UDP), so each packet runs both builds' programs: what the
# machine's load does to one it does to the other, and the difference of
# their ns per run is measured far more tightly than by runs one after the
# other (rec-cost.sh: ±30 ns).  A tracepoint runs its programs in the
# order they were attached and the first pays the cache misses of a fresh
# sk_buff, so the builds take turns starting first; the table gives each
# build's median ns per program run, first and second, and their mean.
# A benchmark, not a test: run as root on a quiet machine.  BUILD=... the
# new build (default build/), REC_ARGS=... options for both recorders,
# FILTER=EXPR adds -f EXPR (an expression with spaces: not in REC_ARGS),
# PAYLOAD=... the UDP payload bytes (64), TCP=1 an iperf3 TCP stream
# instead (GSO packets, payload in page fragments).  OLD_ARGS=... and
# NEW_ARGS=... add options for one side only (two settings of one build:
# bench/ab-bpf.sh build, NEW_ARGS='-b 4m').
set -eu
OLD=${1:?usage: bench/ab-bpf.sh OLD_BUILD [ROUNDS] [SECONDS]}
R=${2:-4}
DUR=${3:-3}
PAYLOAD=${PAYLOAD:-64}
traffic=(-u -l "$PAYLOAD" -b 0) what="UDP payloads of $PAYLOAD bytes"
[ "${TCP:-0}" = 1 ] && traffic=() what="a TCP stream"
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
. "$TOP/bench/netns.sh"
bench_netns skab 10.77.0 iperf3 bpftool jq
rec2=
trap 'kill "$rec2" 2>/dev/null || :; bench_cleanup' EXIT

# ids of the programs loaded now
prog_ids() { bpftool prog show -j | jq -r '.[].id' | sort; }
# run time and run count of the programs with the ids in file $1
prog_sums() {
	bpftool prog show -j | jq -r --slurpfile ids "$1" '[.[] | select(.id as $i | $ids | index($i))
		| {t: (.run_time_ns // 0), c: (.run_cnt // 0)}]
		| "\(map(.t) | add // 0) \(map(.c) | add // 0)"'
}

start() {   # start BUILD_DIR OUT SIDE_ARGS: its pid in $started
	# shellcheck disable=SC2086 # REC_ARGS, SIDE_ARGS: words on purpose
	"$1/skbrec" ${FILTER:+-f "$FILTER"} ${REC_ARGS:-} $3 -o "$2" 2>"$2.err" &
	started=$!
}

for ((i = 1; i <= R; i++)); do
	for first in old new; do
		if [ $first = old ]; then
			a=$OLD b=$BUILD second=new aa=${OLD_ARGS:-} ba=${NEW_ARGS:-}
		else
			a=$BUILD b=$OLD second=old aa=${NEW_ARGS:-} ba=${OLD_ARGS:-}
		fi
		prog_ids >"$W/ids0"
		start "$a" "$W/a.skb" "$aa"
		rec=$started
		sleep 1.5
		prog_ids >"$W/ids1"
		start "$b" "$W/b.skb" "$ba"
		rec2=$started
		sleep 1.5
		prog_ids >"$W/ids2"
		comm -13 "$W/ids0" "$W/ids1" >"$W/ida"
		comm -13 "$W/ids1" "$W/ids2" >"$W/idb"
		read -r ta0 ca0 <<<"$(prog_sums "$W/ida")"
		read -r tb0 cb0 <<<"$(prog_sums "$W/idb")"
		ip netns exec "$A" iperf3 -c 10.77.0.2 "${traffic[@]}" -t "$DUR" >/dev/null
		read -r ta1 ca1 <<<"$(prog_sums "$W/ida")"
		read -r tb1 cb1 <<<"$(prog_sums "$W/idb")"
		kill -INT "$rec" "$rec2"
		wait "$rec" "$rec2" || :
		rec="" rec2=""
		na=$(( (ta1 - ta0) / (ca1 - ca0) )) nb=$(( (tb1 - tb0) / (cb1 - cb0) ))
		printf '%s first %s\n%s second %s\n' $first $na $second $nb >>"$W/results"
	done
done
col() { awk -v b="$1" -v p="$2" '$1==b && $2==p {print $3}' "$W/results" | median; }
printf '%-6s %8s %8s %8s\n' build first second mean
for b in old new; do
	f=$(col $b first) s=$(col $b second)
	printf '%-6s %8s %8s %8s\n' $b "$f" "$s" $(( (f + s) / 2 ))
done
echo "(BPF ns per program run, median of $R rounds of ${DUR}s each order, $what;" \
	"old: $OLD${OLD_ARGS:+ $OLD_ARGS}, new: $BUILD${NEW_ARGS:+ $NEW_ARGS}; kernel $(uname -r))"
