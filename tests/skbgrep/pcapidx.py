#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""pcapidx.py [--nonempty] [FILE] - print the whole-second time stamp minus 1700000000 of
every packet of a pcap or pcapng stream (stdin by default): the packet
indices of mkmix.py captures.  Reads the file format directly so packets
tcpdump cannot print (caplen 0) are still listed."""
import struct
import sys

BASE = 1700000000
args = sys.argv[1:]
nonempty = bool(args) and args[0] == "--nonempty"
if nonempty:
    args = args[1:]
f = open(args[0], "rb") if args else sys.stdin.buffer
data = f.read()
if len(data) < 4:
    sys.exit(0)
magic = struct.unpack("<I", data[:4])[0]
if magic in (0xA1B2C3D4, 0xA1B23C4D, 0xD4C3B2A1, 0x4D3CB2A1):
    end = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    off = 24
    while off + 16 <= len(data):
        sec, _, cap, _ = struct.unpack(end + "IIII", data[off:off + 16])
        if cap or not nonempty:
            print(sec - BASE)
        off += 16 + cap
elif magic == 0x0A0D0D0A:
    end, off = "<", 0
    tsres = {}
    nif = 0
    while off + 12 <= len(data):
        btype = struct.unpack(end + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:
            end = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            nif = 0
        blen = struct.unpack(end + "I", data[off + 4:off + 8])[0]
        body = data[off + 8:off + blen - 4]
        if btype == 1:          # IDB: look for if_tsresol
            res, o = 6, 8
            while o + 4 <= len(body):
                code, olen = struct.unpack(end + "HH", body[o:o + 4])
                if code == 0:
                    break
                if code == 9:
                    res = body[o + 4]
                o += 4 + (olen + 3) // 4 * 4
            tsres[nif] = res
            nif += 1
        elif btype == 6:        # EPB
            ifid, hi, lo, cap = struct.unpack(end + "IIII", body[:16])
            ts = (hi << 32) | lo
            res = tsres.get(ifid, 6)
            div = 2 ** (res & 0x7F) if res & 0x80 else 10 ** res
            if cap or not nonempty:
                print(ts // div - BASE)
        if blen < 12:
            break
        off += blen
else:
    sys.exit("pcapidx: not a pcap or pcapng stream")
