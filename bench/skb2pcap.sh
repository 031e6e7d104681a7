#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/skb2pcap.sh [N] - packets per second of `skb2pcap` (pcap sll2, pcap
# ether, pcapng) against `tcpdump -r in.pcap -w out.pcap` on the same N small
# UDP packets (default 467000, the peers' measurement), output to a file.
# A benchmark, not a test: run it on a quiet machine.
#   BUILD=build bench/skb2pcap.sh 467000
set -eu
N=${1:-467000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
tmp=$(mktemp -d /tmp/skb2pcap-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

python3 - "$N" "$tmp/in.pcap" <<'PY'
import struct, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        udp = struct.pack("!HHHH", 40000 + i % 1000, 5201, 8 + 18, 0) + bytes(18)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0x4000,
                         64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        pkt = bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip + udp
        f.write(struct.pack("<IIII", 1700000000 + i // 1000000, (i % 1000000) * 1000,
                            len(pkt), len(pkt)) + pkt)
PY
"$BUILD/pcap2skb" -o "$tmp/in.skb" "$tmp/in.pcap"

run() {   # name, output file, command...: best of 3 wall-clock seconds
	local name=$1 out=$2 best= t
	shift 2
	for _ in 1 2 3; do
		local t0 t1
		rm -f "$out"
		t0=$(date +%s%N)
		"$@" >"$out" 2>/dev/null
		t1=$(date +%s%N)
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	awk -v n="$N" -v t="$best" -v name="$name" \
		'BEGIN { printf "%-28s %8.3f s  %10.0f packets/s\n", name, t, (t > 0 ? n / t : 0) }'
}

echo "$N packets, $(nproc) CPUs"
# -Z root: as root, tcpdump would otherwise switch to its own user to write
run "tcpdump -r in.pcap -w out" "$tmp/tcpdump.stdout" \
	tcpdump -Z root -r "$tmp/in.pcap" -w "$tmp/tcpdump.pcap"
test -s "$tmp/tcpdump.pcap" || echo "warning: tcpdump wrote nothing" >&2
run "skb2pcap (sll2)" "$tmp/sll2.pcap" "$BUILD/skb2pcap" "$tmp/in.skb"
run "skb2pcap -l ether" "$tmp/ether.pcap" "$BUILD/skb2pcap" -l ether "$tmp/in.skb"
run "skb2pcap --pcapng" "$tmp/out.pcapng" "$BUILD/skb2pcap" --pcapng "$tmp/in.skb"
run "pcap2skb | skb2pcap" "$tmp/pipe.pcap" \
	sh -c "'$BUILD/pcap2skb' '$tmp/in.pcap' | '$BUILD/skb2pcap'"
# the ether output is the input, byte for byte after the file header
cmp <(tail -c +25 "$tmp/in.pcap") <(tail -c +25 "$tmp/ether.pcap") &&
	echo "ether output equals the input after the file header"
