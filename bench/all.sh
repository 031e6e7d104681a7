#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/all.sh [ROUNDS] - `make bench` (N=... events for the readers): the recorder's cost (bench/rec-cost.sh)
# and the offline programs (bench/readers.sh), each against tcpdump measured
# side by side, medians of ROUNDS (default 5) alternating runs, then one
# table of everything.  The other bench/*.sh (snaplens, pcap flavours) run
# on their own.  A benchmark, not a test: root, a quiet machine.
set -eu
R=${1:-5}
TOP=$(cd "$(dirname "$0")/.." && pwd)
TSV=$(mktemp /tmp/bench-all.XXXXXX)
trap 'rm -f "$TSV"' EXIT
export TSV

echo "== bench/rec-cost.sh $R 4"
MODES="none empty empty-rx minrec skbrec rx-only filtered filtered-rx zlib tcpdump" bash "$TOP/bench/rec-cost.sh" "$R" 4
echo
# the statistics add two clock reads to every program run: the sender's
# rate once more without them, as users run
echo "== STATS=0 bench/rec-cost.sh $R 4"
STATS=0 TSV_KIND=rec0 MODES="none empty empty-rx skbrec rx-only filtered filtered-rx tcpdump" \
	bash "$TOP/bench/rec-cost.sh" "$R" 4
echo
echo "== bench/readers.sh $R ${N:-1000000}"
bash "$TOP/bench/readers.sh" "$R" "${N:-1000000}"
echo

# rec rows: rec MODE pps lost rss; read rows: read LABEL TLABEL ours theirs rss
tcpdump=$(awk -F'\t' '$1=="rec" && $2=="tcpdump"{print $3}' "$TSV")
untraced=$(awk -F'\t' '$1=="rec" && $2=="none"{print $3}' "$TSV")
tcpdump0=$(awk -F'\t' '$1=="rec0" && $2=="tcpdump"{print $3}' "$TSV")
untraced0=$(awk -F'\t' '$1=="rec0" && $2=="none"{print $3}' "$TSV")
echo "== all: skbtools against tcpdump (median of $R alternating runs; $(uname -r), $(nproc) CPUs)"
awk -F'\t' -v td="$tcpdump" -v un="$untraced" -v td0="$tcpdump0" -v un0="$untraced0" \
	-v n="${N:-1000000}" '
BEGIN {
	name["empty"] = "programs that return at once (-f floor)"
	name["empty-rx"] = "the same, rx probe only (-f floor, one probe)"
	name["minrec"] = "minimal recorder (the floor)"
	name["skbrec"] = "skbrec (default probes)"
	name["rx-only"] = "skbrec -p tp:net:netif_receive_skb"
	name["filtered"] = "skbrec -f (rejects all)"
	name["filtered-rx"] = "skbrec -f (rejects all), rx probe only"
	name["zlib"] = "skbrec -z"
	fmt = "%-52s %14s %14s %8s %8s %16s\n"
	printf fmt, "what", "skbtools", "tcpdump", "ratio", "lost", "peak RSS"
	printf "sender packets/s while recording (untraced: %s)\n", un
}
$1 == "rec" && ($2 in name) {
	printf fmt, "  " name[$2], $3, td, (td ? sprintf("%.2f", $3 / td) : "-"), $4, $5
}
$1 == "rec0" && !hdr0 {
	printf "the same, kernel.bpf_stats_enabled off (untraced: %s; ratio to untraced in [])\n", un0
	hdr0 = 1
}
$1 == "rec0" && ($2 in name) {
	printf fmt, "  " name[$2] " [" (un0 ? sprintf("%.2f", $3 / un0) : "-") "]", $3, td0,
		(td0 ? sprintf("%.2f", $3 / td0) : "-"), $4, $5
}
$1 == "read" && !hdr { printf "events/s reading %d events (skb2pcap, skbgrep: 4 times as many; RSS at N / 4 N)\n", n; hdr = 1 }
$1 == "read" {
	printf fmt, "  " $2 " vs tcpdump " $3, $4, $5, ($5 ? sprintf("%.1f", $4 / $5) : "-"), "-", $6
}' "$TSV"
