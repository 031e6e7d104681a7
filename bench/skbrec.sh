#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/skbrec.sh [SECONDS] - small UDP packets over a veth pair between two
# throwaway namespaces: the sender's rate untraced, then while skbrec records
# the default probes, and skbrec's count of recorded and lost events.
# A benchmark, not a test: run it as root on a quiet machine; BUILD=... picks
# the build folder.  The sender is python3, so the absolute rates are the
# sender's; the ratio traced/untraced and the loss count are the point.
set -eu
DUR=${1:-3}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
id=$$
A=skbb$id-a B=skbb$id-b VA=skbb${id}a VB=skbb${id}b
W=$(mktemp -d /tmp/skbrec-bench.XXXXXX)
cleanup() { ip netns del "$A" 2>/dev/null || :; ip netns del "$B" 2>/dev/null || :; rm -rf "$W"; }
trap cleanup EXIT

ip netns add "$A"; ip netns add "$B"
ip link add "$VA" netns "$A" type veth peer name "$VB" netns "$B"
ip -n "$A" addr add 10.79.0.1/24 dev "$VA"; ip -n "$B" addr add 10.79.0.2/24 dev "$VB"
ip -n "$A" link set "$VA" up; ip -n "$B" link set "$VB" up

cat >"$W/flood.py" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, t0, dur, msg = 0, time.time(), float(sys.argv[1]), b"x" * 18
while time.time() - t0 < dur:
    for _ in range(1000):
        s.sendto(msg, ("10.79.0.2", 9))
    n += 1000
print("%.0f" % (n / (time.time() - t0)))
PY
base=$(ip netns exec "$A" python3 "$W/flood.py" "$DUR")
"$BUILD/skbrec" -q -o "$W/run.skb" 2>"$W/rec.err" &
rec=$!
sleep 1.5
traced=$(ip netns exec "$A" python3 "$W/flood.py" "$DUR")
sleep 0.5
kill -INT $rec; wait $rec
echo "sender untraced:          $base packets/s"
echo "sender with skbrec:       $traced packets/s ($((100 * traced / base))%)"
echo "skbrec:                   $(cat "$W/rec.err")"
echo "file:                     $(stat -c %s "$W/run.skb") bytes"
