# SPDX-License-Identifier: MIT
# bench/netns.sh - sourced by the recorder benchmarks (rec-*.sh): two
# throwaway namespaces joined by a veth pair, an iperf3 server in B, BPF run
# time statistics on, and everything undone at exit.
#
#   bench_netns TAG NET TOOLS...   namespaces $A, $B, veth $VA/$VB with
#                                  $NET.1 / $NET.2 (/24), scratch folder $W;
#                                  exits with a message when one of TOOLS
#                                  is missing
#   bench_sink NAME                where a recorder writes: $W/NAME, or
#                                  /dev/null with SINK=null
#   median                         median of the numbers on stdin, or "-"
#   bench_rounds                   $R interleaved rounds of run MODE for
#                                  each of $MODES into $W/results
#                                  ("MODE fields..."); $base: the median
#                                  of column 2 for mode none
# A recorder the benchmark starts goes into $rec: killed at exit.

bench_cleanup() {
	[ -n "${rec:-}" ] && kill "$rec" 2>/dev/null && wait "$rec" 2>/dev/null
	ip netns pids "$B" 2>/dev/null | xargs -r kill 2>/dev/null || :
	ip netns del "$A" 2>/dev/null || :
	ip netns del "$B" 2>/dev/null || :
	[ -n "${stats0:-}" ] && sysctl -qw kernel.bpf_stats_enabled="$stats0"
	rm -rf "$W"
}

bench_netns() {
	local tag=$1 net=$2 t
	shift 2
	case ${SINK:-file} in
	file|null) ;;
	*) echo "$tag: SINK is file or null, not '$SINK'" >&2; exit 1 ;;
	esac
	for t in "$@"; do
		command -v "$t" >/dev/null ||
			{ echo "$tag: $t is missing (scripts/deps.sh)" >&2; exit 1; }
	done
	A=$tag$$-a B=$tag$$-b VA=$tag$$a VB=$tag$$b
	W=$(mktemp -d "/tmp/$tag.XXXXXX")
	rec=
	stats0=$(sysctl -n kernel.bpf_stats_enabled)
	trap bench_cleanup EXIT
	ip netns add "$A"
	ip netns add "$B"
	ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B"
	ip -n "$A" addr add "$net.1/24" dev "$VA"
	ip -n "$B" addr add "$net.2/24" dev "$VB"
	ip -n "$A" link set "$VA" up
	ip -n "$B" link set "$VB" up
	ip netns exec "$B" iperf3 -s -D -I "$W/iperf3.pid" >/dev/null
	sleep 0.5
	# STATS=0: the sender's rate without the statistics' two clock reads
	# per program run (then no BPF run times)
	sysctl -qw kernel.bpf_stats_enabled="${STATS:-1}"
}

# A new file's page cache costs this VM's host a fault per page
# (docs/benchmarks.md, "Writing the file on this VM"): SINK=null leaves it out.
bench_sink() {
	if [ "${SINK:-file}" = null ]; then echo /dev/null; else echo "$W/$1"; fi
}

median() { sort -n | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "-"}'; }

bench_rounds() {
	local i m
	for ((i = 1; i <= R; i++)); do
		for m in $MODES; do
			echo "$m $(run "$m")" >>"$W/results"
		done
	done
	base=$(awk '$1=="none"{print $2}' "$W/results" | median)
}
