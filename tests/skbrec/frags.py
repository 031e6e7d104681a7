#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""frags.py EVENTS.jsonl IN.pcap OUT.pcap IFNAME SNAPLEN - full packet bytes.

EVENTS.jsonl is `skbcat -j` of a recording with -s SNAPLEN (0: whole
packets) of a TCP transfer over IFNAME; IN.pcap / OUT.pcap are tcpdump -Q in
/ -Q out -s SNAPLEN on IFNAME.  Every net_dev_start_xmit / netif_receive_skb
(and, where recorded, k:__netif_receive_skb, kr:ip_rcv_core, k:ip_rcv*)
event on IFNAME must:
  - hold min(orig_len, snaplen) bytes and not be flagged bytes_missing;
  - equal, byte for byte, one packet tcpdump captured in that direction
    (same original length, same captured bytes).
And the transfer must have put data in fragments: at least 20 events with
data_len > 0 whose bytes go past the linear part.
GSO super-packets (longer than the veth's 1500-byte MTU) must carry the
kernel's segmentation: gso_type TCPv4, gso_size the MSS (at most 1460), and
gso_segs the segments of gso_size their TCP payload makes; at least 20 of
them (skb_shared_info is read through the helper or in place, 6.17+).
"""
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from match import read_pcap  # noqa: E402


def main():
    events, pin, pout, ifname, snap = sys.argv[1:6]
    snap = int(snap) or 262144
    pcaps = {"tp:net:netif_receive_skb": read_pcap(pin),
             "tp:net:net_dev_start_xmit": read_pcap(pout)}
    # function probes on the receive path see what tcpdump received
    rx = ("k:__netif_receive_skb", "kr:ip_rcv_core", "k:ip_rcv")
    index = {}
    for probe, pkts in pcaps.items():
        idx = defaultdict(list)
        for data, orig in pkts:
            idx[(orig, data[:64])].append(data)
        index[probe] = idx
    n = paged = gso = 0
    problems = []
    for line in open(events):
        ev = json.loads(line)
        if ev.get("type") != "event" or ev["ifname"] != ifname:
            continue
        spec = ev["probe"]["spec"]
        if spec.startswith(rx):
            spec = "tp:net:netif_receive_skb"
        if spec not in index:
            continue
        n += 1
        data = bytes.fromhex(ev["data"])
        where = f"{ev['probe']['spec']} skb {ev['skb']} len {ev['len']} data_len {ev['data_len']}"
        want = min(ev["orig_len"], snap)
        if ev["bytes_missing"] or len(data) != want:
            problems.append(f"{where}: {len(data)} bytes of {want}, bytes_missing {ev['bytes_missing']}")
            continue
        if data not in index[spec].get((ev["orig_len"], data[:64]), []):
            problems.append(f"{where}: no packet of tcpdump's has these {len(data)} bytes")
            continue
        if ev["data_len"] and len(data) > ev["len"] - ev["data_len"] + 14:
            paged += 1
        if ev["orig_len"] > 1514 and len(data) >= 14 + 60 and data[12:14] == b"\x08\x00":
            ihl = (data[14] & 15) * 4
            payload = int.from_bytes(data[16:18], "big") - ihl - (data[14 + ihl + 12] >> 4) * 4
            size, segs, typ = ev["gso_size"], ev["gso_segs"], ev["gso_type"]
            if not (typ & 1 and 0 < size <= 1460 and segs == -(-payload // size)):
                problems.append(f"{where}: TCP payload {payload}: gso_size {size} gso_segs {segs} "
                                f"gso_type {typ:#x}")
                continue
            gso += 1
    print(f"{n} events on {ifname}, {paged} with bytes from fragments, all equal to tcpdump's; "
          f"{gso} GSO packets")
    for p in problems[:10]:
        print(p)
    if problems:
        print(f"{len(problems)} problems")
        return 1
    if paged < 20:
        print(f"only {paged} events carried fragment bytes")
        return 1
    if gso < 20:
        print(f"only {gso} GSO packets")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
