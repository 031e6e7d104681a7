#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""match-rx.py - check skbrec events of one receive-path probe against what
tcpdump captured coming in on each interface (tests/t5010-skbrec-vm.sh).

  match-rx.py EVENTS.jsonl SPEC KINDS IFNAME=IN.pcap [IFNAME=IN.pcap ...]

EVENTS.jsonl is `skbcat -j` of the recording; SPEC the probe (k:ip_rcv);
KINDS the comma-separated traffic kinds (arp, icmp, tcp) that SPEC must
have seen on every interface.  Checks:
  - every event of SPEC on one of the interfaces starts at the MAC header
    and holds one of tcpdump's packets received there: same original
    length, bytes equal to its first caplen bytes (all of them when the skb
    is linear); no packet matched twice;
  - every packet of the KINDS tcpdump received has its event (tcpdump runs
    from before skbrec attaches until after it stops).
Prints a summary and one line per problem; exit 1 on problems.
"""
import json
import struct
import sys


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        sys.exit(f"{path}: not a pcap file")
    magic = struct.unpack("<I", data[:4])[0]
    e = {0xA1B2C3D4: "<", 0xA1B23C4D: "<", 0xD4C3B2A1: ">", 0x4D3CB2A1: ">"}.get(magic)
    if not e:
        sys.exit(f"{path}: bad pcap magic {magic:#x}")
    off, pkts = 24, []
    while off + 16 <= len(data):
        incl, orig = struct.unpack(e + "II", data[off + 8:off + 16])
        off += 16
        if off + incl > len(data):
            sys.exit(f"{path}: offset {off}: packet of {incl} bytes runs past the end")
        pkts.append((data[off:off + incl], orig))
        off += incl
    return pkts


def kind(pkt):
    if len(pkt) < 14:
        return None
    et = struct.unpack(">H", pkt[12:14])[0]
    if et == 0x0806:
        return "arp"
    p = pkt[14:]
    if et == 0x0800 and len(p) >= 20:
        l4 = p[(p[0] & 15) * 4:]
        if p[9] == 1 and len(l4) >= 1 and l4[0] in (0, 8):
            return "icmp"
        if p[9] == 6 and len(l4) >= 4 and 7777 in struct.unpack(">HH", l4[:4]):
            return "tcp"
    return None


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    jpath, spec, kinds = sys.argv[1], sys.argv[2], sys.argv[3].split(",")
    pcaps = {}
    for a in sys.argv[4:]:
        ifname, path = a.split("=", 1)
        pcaps[ifname] = read_pcap(path)
    evs = {i: [] for i in pcaps}
    with open(jpath) as f:
        for line in f:
            ev = json.loads(line)
            if ev.get("type") == "event" and ev["probe"]["spec"] == spec and ev.get("ifname") in evs:
                evs[ev["ifname"]].append(ev)
    problems = []
    for ifname, pkts in pcaps.items():
        used = [False] * len(pkts)
        for ev in evs[ifname]:
            data = bytes.fromhex(ev["data"])
            where = f"{spec} on {ifname}, event ts {ev['ts']}"
            if ev["packet"]["layer"] != "l2" or len(data) != ev["caplen"]:
                problems.append(f"{where}: layer {ev['packet']['layer']}, "
                                f"{len(data)} bytes for caplen {ev['caplen']}")
                continue
            for i, (pkt, orig) in enumerate(pkts):
                if (not used[i] and orig == ev["orig_len"] and pkt[:len(data)] == data
                        and (ev["data_len"] != 0 or len(data) == len(pkt))):
                    used[i] = True
                    break
            else:
                problems.append(f"{where}: tcpdump received no packet of orig_len "
                                f"{ev['orig_len']} with these bytes: {data[:64].hex()}")
        seen = {}
        for i, (pkt, orig) in enumerate(pkts):
            k = kind(pkt)
            if k in kinds:
                seen[k] = seen.get(k, 0) + 1
                if not used[i]:
                    problems.append(f"{spec} on {ifname}: no event for the {k} packet "
                                    f"of {orig} bytes tcpdump received: {pkt[:64].hex()}")
        for k in kinds:
            if k not in seen:
                problems.append(f"{ifname}: tcpdump received no {k} packet")
        print(f"{spec} on {ifname}: {len(evs[ifname])} events, {len(pkts)} packets "
              f"received, {sum(used)} matched, {seen}")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


main()
