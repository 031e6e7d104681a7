#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Strict pcapng checker for the tests: `pcapng-dump.py FILE` prints one line
per block and option in a stable form and exits 1 on anything that breaks the
pcapng rules skb2pcap relies on (draft-ietf-opsawg-pcapng): block lengths
equal at both ends and multiples of 4, options inside the block and ended by
opt_endofopt, packet data padded, interface ids defined before use, the same
link type and snaplen on every interface, no custom blocks (0xbad, 0x40000bad).
Packet bytes are summarised by length only; use tcpdump/tshark for them."""
import struct
import sys

NAMES = {
    0x0A0D0D0A: ("SHB", {1: "comment", 2: "shb_hardware", 3: "shb_os", 4: "shb_userappl"}),
    1: ("IDB", {1: "comment", 2: "if_name", 3: "if_description", 9: "if_tsresol"}),
    5: ("ISB", {1: "comment", 2: "isb_starttime", 3: "isb_endtime", 4: "isb_ifrecv",
                5: "isb_ifdrop", 6: "isb_filteraccept", 7: "isb_osdrop", 8: "isb_usrdeliv"}),
    6: ("EPB", {1: "comment", 2: "epb_flags", 3: "epb_hash", 4: "epb_dropcount",
                5: "epb_packetid", 6: "epb_queue", 7: "epb_verdict"}),
}
STRINGS = {"comment", "shb_hardware", "shb_os", "shb_userappl", "if_name", "if_description"}


def fail(off, msg):
    print("offset %d: %s" % (off, msg))
    sys.exit(1)


def value(e, name, v, off):
    if name in STRINGS:
        return v.decode("utf-8")
    if name == "if_tsresol":
        return str(v[0])
    if name in ("isb_starttime", "isb_endtime"):
        if len(v) != 8:
            fail(off, "%s length %d" % (name, len(v)))
        hi, lo = struct.unpack(e + "II", v)
        return str(hi << 32 | lo)
    if len(v) == 4:
        return "0x%x" % struct.unpack(e + "I", v)[0] if name == "epb_flags" else \
            str(struct.unpack(e + "I", v)[0])
    if len(v) == 8:
        return str(struct.unpack(e + "Q", v)[0])
    fail(off, "%s has length %d" % (name, len(v)))


def options(e, body, off, names):
    out, p = [], 0
    while True:
        if p + 4 > len(body):
            fail(off, "options run past the block (no opt_endofopt)")
        code, n = struct.unpack(e + "HH", body[p:p + 4])
        if code == 0:
            if n != 0 or p + 4 != len(body):
                fail(off, "opt_endofopt is not last or has a length")
            return out
        if code not in names:
            fail(off, "unexpected option code %d" % code)
        pad = (n + 3) & ~3
        v = body[p + 4:p + 4 + n]
        if p + 4 + pad > len(body) or any(body[p + 4 + n:p + 4 + pad]):
            fail(off, "option %d overruns or has non-zero padding" % code)
        out.append("  %s=%s" % (names[code], value(e, names[code], v, off)))
        p += 4 + pad


def main():
    data = open(sys.argv[1], "rb").read()
    if len(data) < 12 or struct.unpack("<I", data[:4])[0] != 0x0A0D0D0A:
        fail(0, "no section header block")
    e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    off, ifaces = 0, []
    while off < len(data):
        if off + 12 > len(data):
            fail(off, "truncated block header")
        btype, blen = struct.unpack(e + "II", data[off:off + 8])
        if blen % 4 or blen < 12 or off + blen > len(data):
            fail(off, "bad block length %d" % blen)
        if struct.unpack(e + "I", data[off + blen - 4:off + blen])[0] != blen:
            fail(off, "trailing block length differs")
        if btype not in NAMES:
            fail(off, "unexpected block type 0x%x" % btype)
        name, onames = NAMES[btype]
        body = data[off + 8:off + blen - 4]
        if btype == 0x0A0D0D0A:
            magic, major, minor, slen = struct.unpack(e + "IHHq", body[:16])
            print("SHB version=%d.%d section_length=%d" % (major, minor, slen))
            opts = body[16:]
        elif btype == 1:
            link, res, snap = struct.unpack(e + "HHI", body[:8])
            if ifaces and ifaces[0] != (link, snap):
                fail(off, "interface %d differs in link type or snaplen" % len(ifaces))
            print("IDB %d linktype=%d snaplen=%d" % (len(ifaces), link, snap))
            ifaces.append((link, snap))
            opts = body[8:]
        elif btype == 6:
            ifid, hi, lo, cap, orig = struct.unpack(e + "IIIII", body[:20])
            if ifid >= len(ifaces):
                fail(off, "packet on undefined interface %d" % ifid)
            if cap > orig:
                fail(off, "caplen %d > orig_len %d" % (cap, orig))
            padded = (cap + 3) & ~3
            if 20 + padded > len(body) or any(body[20 + cap:20 + padded]):
                fail(off, "packet data overruns or has non-zero padding")
            print("EPB if=%d ts=%d caplen=%d len=%d" % (ifid, hi << 32 | lo, cap, orig))
            opts = body[20 + padded:]
        else:
            ifid, hi, lo = struct.unpack(e + "III", body[:12])
            if ifid >= len(ifaces):
                fail(off, "statistics for undefined interface %d" % ifid)
            print("ISB if=%d ts=%d" % (ifid, hi << 32 | lo))
            opts = body[12:]
        if opts:
            for line in options(e, opts, off, onames):
                print(line)
        off += blen


main()
