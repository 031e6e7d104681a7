#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tracking.py RUN.JSON TAGS PRE_SRC POST_SRC "IF1 IF2 IF3 IF4" - check
skbrec's tracking ids.

RUN.JSON is `skbcat -j` of a recording of tagged UDP datagrams (payload
"TAG%06d", TAGS of them, sent from PRE_SRC and masqueraded to POST_SRC on
the way) and of TCP traffic.  Every IPv4 UDP/TCP event is given the identity
of the packet it carries, from bytes NAT does not change:
  UDP  the tag in the payload
  TCP  IP id, IP total length, TCP seq, ack and flags
Checks:
  1. no tracking id holds two identities (never join two packets);
  2. every tag was seen at its four hops (xmit on IF1, receive on IF2, xmit
     on IF3, receive on IF4), before and after NAT, and all its events carry
     one tracking id (the hops of one packet keep one id);
  3. most tags were also seen in a second struct sk_buff (a clone), under the
     same id (check 2).
Prints the counts; exits 1 on the first failed check.
"""
import json
import struct
import sys
from collections import defaultdict


def identity(ev):
    """(identity, source address) of an event's IPv4 UDP/TCP packet, or None."""
    if ev.get("type") != "event" or ev["l3_off"] is None:
        return None
    data = bytes.fromhex(ev["data"])
    ip = data[ev["l3_off"]:]
    if len(ip) < 20 or ip[0] >> 4 != 4:
        return None
    ihl = (ip[0] & 15) * 4
    tot, ipid = struct.unpack("!HH", ip[2:6])
    proto, src = ip[9], ".".join(str(b) for b in ip[12:16])
    l4 = ip[ihl:]
    if proto == 17 and len(l4) >= 17 and l4[8:11] == b"TAG":
        return ("udp", l4[8:17].decode()), src
    if proto == 6 and len(l4) >= 14:
        seq, ack = struct.unpack("!II", l4[4:12])
        return ("tcp", ipid, tot, seq, ack, l4[13]), src
    return None


def main():
    path, ntags, pre, post = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    i1, i2, i3, i4 = sys.argv[5].split()
    hops = {("tp:net:net_dev_start_xmit", i1), ("tp:net:netif_receive_skb", i2),
            ("tp:net:net_dev_start_xmit", i3), ("tp:net:netif_receive_skb", i4)}
    seen = defaultdict(set)        # tag -> (probe, interface)
    ids_of = defaultdict(set)      # identity -> tracking ids
    who = defaultdict(set)         # tracking id -> identities
    srcs = defaultdict(set)        # tag -> source addresses seen
    skbs = defaultdict(set)        # tag -> struct sk_buff addresses
    events = 0
    with open(path) as f:
        for line in f:
            ev = json.loads(line)
            r = identity(ev)
            if r is None:
                continue
            ident, src = r
            events += 1
            if ev["track"] == "0x0":
                print("event without a tracking id:", line.strip()[:200])
                return 1
            ids_of[ident].add(ev["track"])
            who[ev["track"]].add(ident)
            if ident[0] == "udp":
                srcs[ident].add(src)
                skbs[ident].add(ev["skb"])
                seen[ident].add((ev["probe"]["spec"], ev["ifname"]))

    joined = {t: v for t, v in who.items() if len(v) > 1}
    tags = [i for i in ids_of if i[0] == "udp"]
    tcp = [i for i in ids_of if i[0] == "tcp"]
    tcp_one = sum(1 for i in tcp if len(ids_of[i]) == 1)
    print(f"{events} UDP/TCP events, {len(who)} tracking ids, {len(tags)} tags, "
          f"{len(tcp)} TCP packets ({tcp_one} with one id)")
    if joined:
        t, v = next(iter(joined.items()))
        print(f"FAIL: {len(joined)} tracking ids hold two or more packets; "
              f"{t}: {sorted(map(str, v))[:4]}")
        return 1
    if len(tags) != ntags:
        print(f"FAIL: {len(tags)} of {ntags} tags recorded")
        return 1
    short = [t for t in tags if not hops <= seen[t]]
    if short:
        print(f"FAIL: {len(short)} tags miss hops, e.g. {short[0]}: {sorted(seen[short[0]])}")
        return 1
    unnat = [t for t in tags if srcs[t] != {pre, post}]
    if unnat:
        print(f"FAIL: {len(unnat)} tags not seen both before and after NAT, "
              f"e.g. {unnat[0]}: {sorted(srcs[unnat[0]])}")
        return 1
    split = [t for t in tags if len(ids_of[t]) > 1]
    if split:
        print(f"FAIL: {len(split)} of {len(tags)} tags carry more than one id, "
              f"e.g. {split[0]}: {sorted(ids_of[split[0]])}")
        return 1
    cloned = sum(1 for t in tags if len(skbs[t]) > 1)
    print(f"every tag: one id over its four hops, before and after NAT; "
          f"{cloned} tags seen in two or more sk_buffs (clones)")
    if cloned < ntags // 2:
        print("FAIL: fewer than half the tags were seen in a clone")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
