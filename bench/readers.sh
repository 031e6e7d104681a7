#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/readers.sh [ROUNDS] [N] - the offline programs against tcpdump on the
# same N small UDP packets (default 1000000; a second input of 4 N shows
# that peak memory does not grow with the input).
#
#   skbcat                 vs tcpdump -nn -r
#   skbcat -j              vs tcpdump -nn -r   (target: 1 M events/s)
#   skbcat --flows         vs tcpdump -nn -r
#   skb2pcap               vs tcpdump -r -w
#   skbgrep -f EXPR -o     vs tcpdump -r -w EXPR
#   skbgrep -o (no filter) vs tcpdump -r -w
#   mingrep EXPR           vs tcpdump -r -w EXPR  (skbgrep -f's floor:
#                          bench/mingrep)
#
# Each pair runs alternately, ROUNDS times (default 5); the table gives the
# median events/s of each, their ratio, and the peak RSS of ours at N and 4 N
# events (GNU time).  Output goes to files on /tmp (a tmpfs or the page
# cache: the programs, not the disk, are measured).  A benchmark, not a
# test: run it on a quiet machine; BUILD=... picks the build folder, TSV=FILE
# also appends the rows there (bench/all.sh).
set -eu
R=${1:-5}
N=${2:-1000000}
EXPR='udp and dst port 5201'
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
for t in tcpdump /usr/bin/time python3; do
	command -v "$t" >/dev/null || { echo "readers: $t is missing (scripts/deps.sh)" >&2; exit 1; }
done
W=$(mktemp -d /tmp/readers-bench.XXXXXX)
# no time zone file read per packet by tcpdump's localtime()
export TZ=UTC
trap 'rm -rf "$W"' EXIT

# N packets, a quarter of them to port 5201; the 4 N file repeats them.
python3 - "$W/in.pcap" "$W/in4.pcap" "$N" <<'PY'
import struct, sys
path, path4, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
recs = []
for i in range(n):
    dport = 5201 if i % 4 == 0 else 5000 + i % 300
    udp = struct.pack("!HHHH", 40000 + i % 1000, dport, 8 + 18, 0) + b"p" * 18
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                     bytes([10, 0, (i >> 8) & 255, i & 255]), bytes([10, 1, 0, 1])) + udp
    frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip
    recs.append(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000,
                            len(frame), len(frame)) + frame)
hdr = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
body = b"".join(recs)
with open(path, "wb") as f:
    f.write(hdr + body)
with open(path4, "wb") as f:
    f.write(hdr + body * 4)
PY
"$BUILD/pcap2skb" -o "$W/in.skb" "$W/in.pcap"
"$BUILD/pcap2skb" -o "$W/in4.skb" "$W/in4.pcap"

# one run: "seconds peak_kB" of CMD... with stdout to $W/out
once() {
	local s e
	s=$(date +%s%N)
	/usr/bin/time -f '%M' -o "$W/time" "$@" >"$W/out" 2>/dev/null || [ $? = 1 ]
	e=$(date +%s%N)
	echo "$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.6f", (b - a) / 1e9 }') $(tail -1 "$W/time")"
}

median() { sort -n | awk '{v[NR]=$1} END {if (NR) print v[int((NR+1)/2)]; else print "-"}'; }

# row LABEL THEIRS_LABEL "OURS..." "THEIRS..." [4] (commands with IN for the input;
# 4: timed on the 4 N input, for programs whose N-event runs last ~0.1 s,
# within this machine's noise); a tcpdump command already measured for an
# earlier row is not run again
declare -A THEIRS
NT=0
row() {
	local label=$1 tlabel=$2 ours=$3 theirs=$4 scale=${5:-1} i o t rss rss4 eo et again=
	local in=$W/in n=$N key="${5:-1} $4"
	[ "$scale" = 4 ] && in=$W/in4 n=$((4 * N))
	: >"$W/o"
	[ -n "${THEIRS[$key]:-}" ] && again=1 || : >"$W/t"
	for ((i = 0; i < R; i++)); do
		o=$(once bash -c "${ours//IN/$in}") && echo "$o" >>"$W/o"
		[ -n "$again" ] && continue
		t=$(once bash -c "${theirs//IN/$in}") && echo "$t" >>"$W/t"
	done
	if [ -n "$again" ]; then
		cp "${THEIRS[$key]}" "$W/t"
	else
		NT=$((NT + 1))
		THEIRS[$key]=$W/t.$NT
		cp "$W/t" "$W/t.$NT"
	fi
	if [ "$scale" = 4 ]; then
		rss4=$(cut -d' ' -f2 "$W/o" | median)
		rss=$(once bash -c "${ours//IN/$W/in}" | cut -d' ' -f2)
	else
		rss4=$(once bash -c "${ours//IN/$W/in4}" | cut -d' ' -f2)
		rss=$(cut -d' ' -f2 "$W/o" | median)
	fi
	eo=$(cut -d' ' -f1 "$W/o" | median | awk -v n="$n" '{printf "%.0f", ($1 > 0 ? n / $1 : 0)}')
	et=$(cut -d' ' -f1 "$W/t" | median | awk -v n="$n" '{printf "%.0f", ($1 > 0 ? n / $1 : 0)}')
	printf '%-24s %-20s %12s %12s %6s %9s %9s\n' "$label" "$tlabel" "$eo" "$et" \
		"$(awk -v a="$eo" -v b="$et" 'BEGIN{printf "%.1f", b ? a / b : 0}')" \
		"$((rss / 1024))M" "$((rss4 / 1024))M"
	[ -z "${TSV:-}" ] || printf 'read\t%s\t%s\t%s\t%s\t%s\n' "$label" "$tlabel" "$eo" "$et" \
		"$((rss / 1024))M / $((rss4 / 1024))M" >>"$TSV"
}

S=$BUILD
count() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%gM", n / 1e6; else printf "%gk", n / 1e3 }'; }
printf '%-24s %-20s %12s %12s %6s %9s %9s\n' ours "tcpdump" "ours ev/s" "tcpdump ev/s" ratio \
	"RSS $(count "$N")" "RSS $(count $((4 * N)))"
row "skbcat" "-nn -r" "'$S/skbcat' IN.skb" "tcpdump -nn -r IN.pcap"
row "skbcat -j" "-nn -r" "'$S/skbcat' -j IN.skb" "tcpdump -nn -r IN.pcap"
row "skbcat --flows" "-nn -r" "'$S/skbcat' --flows IN.skb" "tcpdump -nn -r IN.pcap"
row "skb2pcap" "-r -w" "'$S/skb2pcap' IN.skb" "tcpdump -Z root -r IN.pcap -w -" 4
row "skbgrep -f EXPR" "-r -w EXPR" "'$S/skbgrep' -f '$EXPR' IN.skb" \
	"tcpdump -Z root -r IN.pcap -w - '$EXPR'" 4
row "skbgrep (no filter)" "-r -w" "'$S/skbgrep' IN.skb" "tcpdump -Z root -r IN.pcap -w -" 4
# the floor of skbgrep -f (bench/mingrep: read, walk, libpcap's filter, copy
# the kept records; no checks, no decoding)
row "floor: mingrep EXPR" "-r -w EXPR" "'$S/mingrep' '$EXPR' IN.skb /dev/stdout" \
	"tcpdump -Z root -r IN.pcap -w - '$EXPR'" 4
echo "(median of $R alternating runs, $N events of 60 bytes, $((4 * N)) for skb2pcap and" \
	"skbgrep; EXPR: $EXPR; $(nproc) CPUs)"
