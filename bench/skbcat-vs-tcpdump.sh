#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/skbcat-vs-tcpdump.sh [N] - packets per second of `skbcat` against
# `tcpdump -nn -r` on the same N small UDP packets (default 467000, the
# peers' measurement).  A benchmark, not a test: run it on a quiet machine.
#   BUILD=build bench/skbcat-vs-tcpdump.sh 467000
set -eu
N=${1:-467000}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
tmp=$(mktemp -d /tmp/skbcat-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

python3 - "$N" "$tmp/in.pcap" <<'PY'
import struct, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        udp = struct.pack("!HHHH", 40000 + i % 1000, 5201, 8 + 18, 0) + bytes(18)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff, 0x4000,
                         64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
        pkt = bytes.fromhex("020000000002020000000001") + b"\x08\x00" + ip + udp
        f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000,
                            len(pkt), len(pkt)) + pkt)
PY
"$BUILD/pcap2skb" -o "$tmp/in.skb" "$tmp/in.pcap"

run() {   # name, command...: best of 3 wall-clock seconds
	local name=$1 best= t
	shift
	for _ in 1 2 3; do
		local t0 t1
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
		if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
	done
	awk -v n="$N" -v t="$best" -v name="$name" \
		'BEGIN { printf "%-22s %8.3f s  %10.0f packets/s\n", name, t, (t > 0 ? n / t : 0) }'
}

echo "$N packets, $(nproc) CPUs"
run "tcpdump -nn -r" tcpdump -nn -r "$tmp/in.pcap"
run "skbcat" "$BUILD/skbcat" "$tmp/in.skb"
run "skbcat -v" "$BUILD/skbcat" -v "$tmp/in.skb"
run "skbcat -j" "$BUILD/skbcat" -j "$tmp/in.skb"
run "skbcat --flows" "$BUILD/skbcat" --flows "$tmp/in.skb"
