#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkmix.py - write the varied packet mix the skbgrep tests compare against
tcpdump, reproducibly (fixed seed, stdlib only):

    mkmix.py ETH.pcap RAW.pcap

ETH.pcap (LINKTYPE_ETHERNET): IPv4 and IPv6 TCP/UDP/ICMP, IPv4 options,
IPv4 fragments, IPv6 extension headers (hop-by-hop, routing, destination
options, fragment), 802.1Q and 802.1ad+802.1Q tags, ARP, LLDP, broadcast and
multicast, and captures cut short (caplen < length).
RAW.pcap (LINKTYPE_RAW): the IP packets of ETH.pcap without their link
header, the way skbrec records events whose MAC header is not set.
Packet i has the timestamp i seconds (+ i microseconds), so a packet's index
is its time stamp."""
import random
import struct
import sys

rng = random.Random(4242)

MACS = [bytes([2, 0, 0, 0, 0, i]) for i in range(1, 7)]
BCAST = b"\xff" * 6
V4 = ["10.0.0.1", "10.0.0.2", "10.0.0.5", "192.168.1.1", "192.168.1.77", "172.16.3.4"]
V6 = ["2001:db8::1", "2001:db8::2", "2001:db8:1::5", "fe80::1", "fd00::77"]


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    head, _, tail = s.partition("::")
    h = [int(x, 16) for x in head.split(":") if x]
    t = [int(x, 16) for x in tail.split(":") if x]
    return struct.pack("!8H", *(h + [0] * (8 - len(h) - len(t)) + t))


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def tcp(sport, dport, flags, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, rng.getrandbits(32), 0,
                       5 << 4, flags, 65535, 0, 0) + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp(typ, code, payload=b"abcdefgh"):
    return struct.pack("!BBHI", typ, code, 0, 0x00010001) + payload


def ipv4(src, dst, proto, l4, ttl=64, frag=0, mf=False, ident=1, options=b""):
    ihl = 5 + len(options) // 4
    off = frag | (0x2000 if mf else 0)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 4 * ihl + len(l4), ident, off,
                    ttl, proto, 0, ip4(src), ip4(dst)) + options
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def ipv6(src, dst, nh, l4, hlim=64, ext=b""):
    return struct.pack("!IHBB16s16s", 6 << 28, len(ext) + len(l4), nh, hlim,
                       ip6(src), ip6(dst)) + ext + l4


def ext_opts(nh):     # hop-by-hop or destination options, 8 bytes, PadN
    return struct.pack("!BBBB4s", nh, 0, 1, 4, b"\0" * 4)


def ext_routing(nh, via):     # type 0 routing header with one address
    return struct.pack("!BBBBI", nh, 2, 0, 1, 0) + ip6(via)


def ext_frag(nh, off, more, ident):
    return struct.pack("!BBHI", nh, 0, (off << 3) | more, ident)


def eth(dst, src, etype, payload, tags=()):
    out = dst + src
    for tpid, vid in tags:
        out += struct.pack("!HH", tpid, vid)
    return out + struct.pack("!H", etype) + payload


def arp(op, smac, sip, tmac, tip):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, smac, ip4(sip), tmac, ip4(tip))


packets = []    # (ethernet frame, ip packet or None, caplen or None)


def add(frame, ip=None, caplen=None):
    packets.append((frame, ip, caplen))


def add4(ip, tags=(), dst=None, caplen=None):
    add(eth(dst or rng.choice(MACS), rng.choice(MACS), 0x0800, ip, tags), ip, caplen)


def add6(ip, tags=(), dst=None, caplen=None):
    add(eth(dst or rng.choice(MACS), rng.choice(MACS), 0x86DD, ip, tags), ip, caplen)


TCP_FLAGS = [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14]
PORTS = [22, 53, 80, 443, 5201, 8080, 123]

for i in range(60):
    s, d = rng.sample(V4, 2)
    kind = rng.randrange(4)
    if kind == 0:
        l4, proto = tcp(rng.randrange(1024, 65535), rng.choice(PORTS), rng.choice(TCP_FLAGS),
                        b"x" * rng.randrange(0, 200)), 6
    elif kind == 1:
        l4, proto = udp(rng.randrange(1024, 65535), rng.choice(PORTS), b"y" * rng.randrange(0, 300)), 17
    elif kind == 2:
        l4, proto = icmp(rng.choice([0, 8]), 0), 1
    else:
        l4, proto = tcp(rng.choice(PORTS), rng.randrange(1024, 65535), 0x10, b"z" * 1000), 6
    add4(ipv4(s, d, proto, l4, ttl=rng.choice([1, 64, 128, 255])))

for i in range(40):
    s, d = rng.sample(V6, 2)
    kind = rng.randrange(4)
    if kind == 0:
        add6(ipv6(s, d, 6, tcp(rng.randrange(1024, 65535), rng.choice(PORTS), rng.choice(TCP_FLAGS))))
    elif kind == 1:
        add6(ipv6(s, d, 17, udp(rng.randrange(1024, 65535), rng.choice(PORTS), b"q" * 40)))
    elif kind == 2:
        add6(ipv6(s, d, 58, icmp(rng.choice([128, 129]), 0)))
    else:   # neighbour solicitation to the solicited-node multicast group
        add6(ipv6(s, "ff02::1:ff00:1", 58, icmp(135, 0, ip6(d))),
             dst=bytes([0x33, 0x33, 0xff, 0, 0, 1]))

# IPv6 extension headers in front of TCP/UDP: pcap-filter's "tcp" only looks
# at the first next-header, "ip6 protochain 6" walks the chain.
for i in range(12):
    s, d = rng.sample(V6[:3], 2)
    l4 = tcp(40000 + i, 80, 0x02) if i % 2 else udp(40000 + i, 53, b"d" * 20)
    nh = 6 if i % 2 else 17
    chain = [(0, ext_opts), (43, lambda n: ext_routing(n, V6[4])), (60, ext_opts)][: 1 + i % 3]
    ext, first = b"", nh
    for code, make in reversed(chain):
        ext = make(first) + ext
        first = code
    add6(ipv6(s, d, first, l4, ext=ext))

# IPv6 fragments: first (offset 0) carries the UDP header, second does not
for i in range(4):
    s, d = V6[0], V6[1]
    add6(ipv6(s, d, 44, udp(5353, 5353, b"f" * 48)[:56], ext=ext_frag(17, 0, 1, 77 + i)))
    add6(ipv6(s, d, 44, b"f" * 24, ext=ext_frag(17, 7, 0, 77 + i)))

# IPv4 fragments: first has the ports, later ones only an offset
for i in range(6):
    s, d = rng.sample(V4, 2)
    full = udp(5000 + i, 53, b"F" * 64)
    add4(ipv4(s, d, 17, full[:40], frag=0, mf=True, ident=300 + i))
    add4(ipv4(s, d, 17, full[40:], frag=5, mf=False, ident=300 + i))

# IPv4 with options (router alert + padding): IHL 6
for i in range(4):
    s, d = rng.sample(V4, 2)
    add4(ipv4(s, d, 6, tcp(1234, 80 + i, 0x02), options=b"\x94\x04\0\0"))

# VLAN: 802.1Q vid 10/20, QinQ 802.1ad 100 + 802.1Q 10
for i in range(12):
    s, d = rng.sample(V4, 2)
    tags = [((0x8100, 10),), ((0x8100, 20),), ((0x88A8, 100), (0x8100, 10))][i % 3]
    if i % 4 == 3:
        add6(ipv6(V6[0], V6[1], 17, udp(999, 53, b"v" * 10)), tags=tags)
    else:
        add4(ipv4(s, d, 6 if i % 2 else 17, tcp(555, 443, 0x18) if i % 2 else udp(555, 53)), tags=tags)

# ARP requests and replies, LLDP, an IPv4 broadcast
for i in range(6):
    a, b = rng.sample(range(len(MACS)), 2)
    if i % 2:
        add(eth(MACS[a], MACS[b], 0x0806, arp(2, MACS[b], V4[b], MACS[a], V4[a])))
    else:
        add(eth(BCAST, MACS[a], 0x0806, arp(1, MACS[a], V4[a], b"\0" * 6, V4[b])))
add(eth(bytes([0x01, 0x80, 0xC2, 0, 0, 0x0E]), MACS[0], 0x88CC, b"\x02\x07\x04" + MACS[0] + b"\0" * 20))
add4(ipv4("10.0.0.1", "255.255.255.255", 17, udp(68, 67, b"b" * 30)), dst=BCAST)

# captures cut short: the headers that a filter needs may be missing
for i in range(6):
    s, d = rng.sample(V4, 2)
    add4(ipv4(s, d, 6, tcp(2000 + i, 80, 0x10, b"c" * 100)), caplen=[14 + 10, 14 + 22, 14 + 40, 60, 34, 14][i])

rng.shuffle(packets)


def write(path, linktype, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype))
        for i, (data, caplen) in enumerate(frames):
            cap = len(data) if caplen is None else min(caplen, len(data))
            f.write(struct.pack("<IIII", 1700000000 + i, i, cap, len(data)))
            f.write(data[:cap])


write(sys.argv[1], 1, [(frame, cap) for frame, _, cap in packets])
raw = []
for frame, ip, cap in packets:
    if ip is not None:
        link = len(frame) - len(ip)
        raw.append((ip, None if cap is None else max(0, cap - link)))
write(sys.argv[2], 101, raw)
