#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A full disk (a 256 KiB tmpfs): skbgrep, skb2pcap and pcap2skb stop with
# one line naming the file, exit 2, and what reached the disk reads back up
# to the last complete record (the readers call the rest truncated).
. "$(dirname "$0")/lib.sh"

if ! need_root || ! need_cmd python3 tcpdump; then
	test_skip "a full disk" "$SKIP_REASON"
	test_done; exit
fi
SMALL=$TRASH/small
mkdir -p "$SMALL"
mount -t tmpfs -o size=256k skbt-small "$SMALL" || { test_skip "a full disk" "cannot mount a tmpfs"; test_done; exit; }
trap 'umount "$SMALL" 2>/dev/null; _cleanup' EXIT

# 20000 small packets: about 1.5 MB as .skb, far more than fits
python3 - "$TRASH/big.pcap" <<'PY'
import struct, sys
frame = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00" + struct.pack("!BBHHHBBH4s4s", 0x45, 0, 46, 0, 0, 64, 17, 0, bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + struct.pack("!HHHH", 1000, 2000, 26, 0) + b"x" * 18
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i in range(20000):
        f.write(struct.pack("<IIII", 1700000000, i, len(frame), len(frame)) + frame)
PY
pcap2skb -o "$TRASH/big.skb" "$TRASH/big.pcap"

# full NAME CMD...: CMD writes into the small disk and must fail there
full() {
	local name=$1 st=0
	shift
	rm -f "$SMALL"/*
	"$@" 2>err || st=$?
	cat err
	test $st = 2 && test "$(wc -l <err)" = 1 &&
	grep -qx "[a-z0-9]*: $name: No space left on device" err
}

test_expect_success 'skbgrep: one line, status 2, the file reads up to its last record' '
	full "$SMALL/g.skb" skbgrep -o "$SMALL/g.skb" "$TRASH/big.skb" &&
	st=0 && skbcat -j "$SMALL/g.skb" >g.json 2>g.err || st=$? &&
	cat g.err && test $st = 2 && grep -q "cut short\|truncated" g.err &&
	test "$(grep -c "\"type\":\"event\"" g.json)" -gt 1000
'

test_expect_success 'skb2pcap (pcap and pcapng): one line, status 2, tcpdump reads the packets' '
	full "$SMALL/p.pcap" skb2pcap -l ether -o "$SMALL/p.pcap" "$TRASH/big.skb" &&
	test "$(tcpdump -nn -r "$SMALL/p.pcap" 2>/dev/null | wc -l)" -gt 1000 &&
	full "$SMALL/p.pcapng" skb2pcap --pcapng -o "$SMALL/p.pcapng" "$TRASH/big.skb" &&
	test "$(tcpdump -nn -r "$SMALL/p.pcapng" 2>/dev/null | wc -l)" -gt 1000
'

test_expect_success 'standard output on a full disk is named as such' '
	rm -f "$SMALL"/* &&
	st=0 && skb2pcap "$TRASH/big.skb" >"$SMALL/s.pcap" 2>err || st=$?
	cat err && test $st = 2 &&
	grep -qx "skb2pcap: standard output: No space left on device" err
'

test_expect_success 'pcap2skb: one line, status 2' '
	full "$SMALL/x.skb" pcap2skb -o "$SMALL/x.skb" "$TRASH/big.pcap"
'

test_done
