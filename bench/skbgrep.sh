#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/skbgrep.sh [N] [EXPR] - packets per second of
#     tcpdump -r in.pcap -w out.pcap EXPR
#     skbgrep -f EXPR in.skb -o out.skb
#     skbgrep in.skb -o out.skb            (no filter: the cost of reading + writing)
#     skbgrep -c in.skb                    (reading only)
# on the same N small UDP packets (default 500000, default EXPR
# 'udp and dst port 5201').  A benchmark, not a test: run it on a quiet
# machine, BUILD=... to pick the build folder.
set -eu
N=${1:-500000}
EXPR=${2:-udp and dst port 5201}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
W=$(mktemp -d /tmp/skbgrep-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT

python3 - "$W/in.pcap" "$N" <<'PY'
import struct, sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i in range(n):
        dport = 5201 if i % 4 == 0 else 5000 + i % 300
        udp = struct.pack("!HHHH", 40000 + i % 1000, dport, 8 + 18, 0) + b"p" * 18
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0,
                         bytes([10, 0, (i >> 8) & 255, i & 255]), bytes([10, 1, 0, 1])) + udp
        frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + ip
        f.write(struct.pack("<IIII", 1700000000 + i // 1000000, i % 1000000, len(frame), len(frame)))
        f.write(frame)
PY
"$BUILD/pcap2skb" -o "$W/in.skb" "$W/in.pcap"

run() {     # run LABEL CMD...: best of 3 wall-clock times
	local label=$1 best= t s e
	shift
	for _ in 1 2 3; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || [ $? = 1 ]
		e=$(date +%s%N)
		t=$((e - s))
		[ -z "$best" ] || [ "$t" -lt "$best" ] || continue
		best=$t
	done
	awk -v l="$label" -v n="$N" -v t="$best" \
		'BEGIN { printf "%-44s %8.3f s %8.2f Mpkt/s\n", l, t / 1e9, n / (t / 1e9) / 1e6 }'
}

echo "$N packets, expression: $EXPR"
run "tcpdump -r in.pcap -w out.pcap EXPR" tcpdump -r "$W/in.pcap" -w "$W/out.pcap" "$EXPR"
run "skbgrep -f EXPR in.skb -o out.skb" "$BUILD/skbgrep" -f "$EXPR" -o "$W/out.skb" "$W/in.skb"
run "skbgrep in.skb -o out.skb (no filter)" "$BUILD/skbgrep" -o "$W/out.skb" "$W/in.skb"
run "skbgrep -c in.skb (read only)" "$BUILD/skbgrep" -c "$W/in.skb"
