#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""match.py - check skbrec events against what tcpdump captured on one
interface (tests/t1100-skbrec-veth.sh).

  match.py EVENTS.jsonl IN.pcap OUT.pcap IFNAME IFINDEX NETNS [SNAPLEN]

EVENTS.jsonl is `skbcat -j` of the recording.  IN.pcap / OUT.pcap are
tcpdump -Q in / -Q out on IFNAME, started before skbrec and stopped after
it.  Checks, per direction (netif_receive_skb <-> in, net_dev_start_xmit <->
out):
  - every event on IFNAME has ifindex IFINDEX, netns NETNS, starts at the
    MAC header, its protocol is the frame's ethertype, and it is one of
    tcpdump's packets: same original length, bytes equal to the packet's
    first caplen bytes, all of them (up to SNAPLEN, skbrec's -s) when the
    skb is linear;
  - every packet of the test's own traffic (ARP, ICMP echo, ICMPv6 echo,
    UDP to port 9999, TCP port 7777) seen by tcpdump has its event;
  - each of those kinds was seen in both directions.
Prints one line per problem and exits 1, or a summary and exits 0.
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
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        e = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        e = ">"
    else:
        sys.exit(f"{path}: bad pcap magic {magic:#x}")
    off, pkts = 24, []
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        pkts.append((data[off:off + incl], orig))
        off += incl
    return pkts


def kind(pkt):
    """The test traffic class of an Ethernet frame, or None."""
    if len(pkt) < 14:
        return None
    et = struct.unpack(">H", pkt[12:14])[0]
    p = pkt[14:]
    if et == 0x0806:
        return "arp"
    if et == 0x0800 and len(p) >= 20:
        ihl = (p[0] & 15) * 4
        proto, l4 = p[9], p[ihl:]
        if proto == 1 and len(l4) >= 1 and l4[0] in (0, 8):
            return "icmp"
        if proto == 17 and len(l4) >= 4 and 9999 in struct.unpack(">HH", l4[0:4]):
            return "udp"
        if proto == 6 and len(l4) >= 4 and 7777 in struct.unpack(">HH", l4[0:4]):
            return "tcp"
    if et == 0x86DD and len(p) >= 41 and p[6] == 58 and p[40] in (128, 129):
        return "icmp6"
    return None


def main():
    if len(sys.argv) not in (7, 8):
        sys.exit(__doc__)
    jpath, inp, outp, ifname, ifindex, netns = sys.argv[1:7]
    ifindex, netns = int(ifindex), int(netns)
    snap = int(sys.argv[7]) if len(sys.argv) == 8 else 0
    pcap = {"in": read_pcap(inp), "out": read_pcap(outp)}
    dirs = {"tp:net:netif_receive_skb": "in", "tp:net:net_dev_start_xmit": "out"}
    evs = {"in": [], "out": []}
    problems = []
    with open(jpath) as f:
        for line in f:
            ev = json.loads(line)
            if ev.get("type") != "event" or ev.get("ifname") != ifname or ev.get("netns") != netns:
                continue
            d = dirs.get(ev["probe"]["spec"])
            if d:
                evs[d].append(ev)
    for d in ("in", "out"):
        used = [False] * len(pcap[d])
        for ev in evs[d]:
            data = bytes.fromhex(ev["data"])
            where = f"{d} event ts {ev['ts']}"
            if ev["ifindex"] != ifindex:
                problems.append(f"{where}: ifindex {ev['ifindex']} != {ifindex}")
            if ev["packet"]["layer"] != "l2":
                problems.append(f"{where}: bytes do not start at the MAC header")
            if len(data) != ev["caplen"]:
                problems.append(f"{where}: {len(data)} bytes, caplen {ev['caplen']}")
            if len(data) >= 14 and ev["protocol"] != struct.unpack(">H", data[12:14])[0]:
                problems.append(f"{where}: protocol {ev['protocol']:#x} != ethertype")
            hit = None
            for i, (pkt, orig) in enumerate(pcap[d]):
                if used[i] or orig != ev["orig_len"] or pkt[:len(data)] != data:
                    continue
                if ev["data_len"] == 0 and len(data) != min(len(pkt), snap or len(pkt)):
                    continue
                hit = i
                break
            if hit is None:
                problems.append(f"{where}: no {d} packet in tcpdump's capture holds "
                                f"these {len(data)} bytes (orig_len {ev['orig_len']}): {data[:64].hex()}")
            else:
                used[hit] = True
        seen = set()
        for i, (pkt, orig) in enumerate(pcap[d]):
            k = kind(pkt)
            if not k:
                continue
            seen.add(k)
            if not used[i]:
                problems.append(f"{d} {k} packet of {orig} bytes seen by tcpdump has no event: {pkt[:64].hex()}")
        for k in ("arp", "icmp", "icmp6", "udp", "tcp"):
            if k not in seen:
                problems.append(f"no {k} packet went {d} on {ifname} (tcpdump)")
        print(f"{d}: {len(evs[d])} events, {len(pcap[d])} tcpdump packets, "
              f"{sum(used)} matched, kinds {sorted(seen)}")
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
