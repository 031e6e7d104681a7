#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a deterministic Ethernet pcap (nanosecond, little endian) that is
awkward to round-trip: `mkpcap-rt.py N SNAPLEN`.  Packets of many sizes up to
1514 bytes, 802.1Q and QinQ tags in the frame, an 802.3/LLC frame, ARP,
IPv6, and packets cut at SNAPLEN (caplen < len)."""
import random
import struct
import sys


def frame(rng, i):
    dst = bytes([0x02, 0, 0, 0, i & 0xFF, 1])
    src = bytes([0x02, 0, 0, 0, i & 0xFF, 2])
    kind = i % 7
    size = rng.randrange(60, 1515)
    if kind == 0:   # 802.3 length field + LLC
        llc = b"\x42\x42\x03" + bytes(rng.randrange(256) for _ in range(40))
        return dst + src + struct.pack("!H", len(llc)) + llc
    if kind == 1:   # 802.1Q
        inner = ip4(rng, size - 18)
        return dst + src + struct.pack("!HHH", 0x8100, 100 + i % 50, 0x0800) + inner
    if kind == 2:   # QinQ
        inner = ip4(rng, size - 22)
        return dst + src + struct.pack("!HHHHH", 0x88A8, 7, 0x8100, 200, 0x0800) + inner
    if kind == 3:   # ARP
        arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, src, bytes([10, 0, 0, 1]),
                          bytes(6), bytes([10, 0, 0, i & 0xFF]))
        return b"\xff" * 6 + src + b"\x08\x06" + arp + bytes(18)
    if kind == 4:   # IPv6 UDP
        pl = bytes(rng.randrange(256) for _ in range(max(0, size - 62)))
        udp = struct.pack("!HHHH", 1000 + i, 53, 8 + len(pl), 0) + pl
        ip6 = struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, 64,
                          b"\xfd" + bytes(14) + b"\x01", b"\xfd" + bytes(14) + b"\x02") + udp
        return dst + src + b"\x86\xdd" + ip6
    return dst + src + b"\x08\x00" + ip4(rng, size - 14)


def ip4(rng, n):
    n = max(n, 28)
    pl = bytes(rng.randrange(256) for _ in range(n - 28))
    udp = struct.pack("!HHHH", 40000, 5201, 8 + len(pl), 0) + pl
    return struct.pack("!BBHHHBBH4s4s", 0x45, 0, n, 1, 0x4000, 64, 17, 0,
                       bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])) + udp


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    snap = int(sys.argv[2]) if len(sys.argv) > 2 else 65535
    rng = random.Random(5)
    out = sys.stdout.buffer
    out.write(struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, snap, 1))
    sec, nsec = 1700000000, 1
    for i in range(n):
        p = frame(rng, i)
        cap = min(len(p), snap)
        out.write(struct.pack("<IIII", sec, nsec, cap, len(p)))
        out.write(p[:cap])
        nsec += rng.randrange(1, 400000000)
        if nsec >= 1000000000:
            sec, nsec = sec + 1, nsec - 1000000000


main()
