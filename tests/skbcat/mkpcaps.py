#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mkpcaps.py OUTDIR - write the small pcaps the skbcat golden tests use.

Standard library only (struct); the output is byte-for-byte reproducible
(fixed timestamps, addresses, ids), so the committed pcaps can always be
regenerated and compared.  Nanosecond pcap (magic 0xa1b23c4d).
"""
import struct
import sys
import os

BASE = 1764244800  # 2025-11-27 12:00:00 UTC


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def ip6(s):
    import ipaddress
    return ipaddress.IPv6Address(s).packed


M1, M2 = mac("02:00:00:00:00:01"), mac("02:00:00:00:00:02")
A1, A2 = ip4("10.0.0.1"), ip4("10.0.0.2")
B1, B2 = ip6("2001:db8::1"), ip6("2001:db8::2")
L1, L2 = ip6("fe80::1"), ip6("fe80::2")


def eth(payload, etype, src=M1, dst=M2):
    return dst + src + struct.pack("!H", etype) + payload


def vlan(tpid, vid, pcp, inner_type, payload):
    return struct.pack("!HH", (pcp << 13) | vid, inner_type) + payload, tpid


def ipv4(proto, payload, src=A1, dst=A2, ttl=64, ident=1, frag=0x4000, opts=b"", tos=0):
    hl = 20 + len(opts)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, tos, hl + len(payload), ident,
                    frag, ttl, proto, 0, src, dst) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload


def ipv6(nh, payload, src=B1, dst=B2, hlim=64, label=0x12345, tc=0):
    first = (6 << 28) | (tc << 20) | label
    return struct.pack("!IHBB16s16s", first, len(payload), nh, hlim, src, dst) + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def tcp(sport, dport, seq, ack, flags, win, opts=b"", payload=b""):
    hl = 20 + len(opts)
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, (hl // 4) << 4, flags,
                       win, 0, 0) + opts + payload


def icmp(t, code, rest, payload=b""):
    h = struct.pack("!BBH", t, code, 0) + rest + payload
    return h[:2] + struct.pack("!H", csum(h)) + h[4:]


def icmp6(t, code, body):
    return struct.pack("!BBH", t, code, 0) + body


SYN_OPTS = (struct.pack("!BBH", 2, 4, 1460) + b"\x04\x02" +
            struct.pack("!BBII", 8, 10, 1000, 0) + b"\x01" + b"\x03\x03\x07")


def ethernet_packets():
    p = []
    # ARP request / reply
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 1, M1, A1, b"\0" * 6, A2)
    p.append(eth(arp, 0x0806, dst=b"\xff" * 6))
    arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, 2, M2, A2, M1, A1)
    p.append(eth(arp, 0x0806, src=M2, dst=M1))
    # ICMP echo request / reply
    p.append(eth(ipv4(1, icmp(8, 0, struct.pack("!HH", 0x1234, 1), b"x" * 56)), 0x0800))
    p.append(eth(ipv4(1, icmp(0, 0, struct.pack("!HH", 0x1234, 1), b"x" * 56),
                      src=A2, dst=A1, ident=7, frag=0), 0x0800, src=M2, dst=M1))
    # TCP handshake and data
    p.append(eth(ipv4(6, tcp(40000, 80, 1000, 0, 0x02, 64240, SYN_OPTS)), 0x0800))
    p.append(eth(ipv4(6, tcp(80, 40000, 5000, 1001, 0x12, 65160, SYN_OPTS), src=A2, dst=A1),
                 0x0800, src=M2, dst=M1))
    ts_opts = b"\x01\x01" + struct.pack("!BBII", 8, 10, 1001, 2001)
    p.append(eth(ipv4(6, tcp(40000, 80, 1001, 5001, 0x18, 502, ts_opts, b"G" * 100)), 0x0800))
    p.append(eth(ipv4(6, tcp(40000, 80, 1101, 5001, 0x11, 502)), 0x0800))
    p.append(eth(ipv4(6, tcp(40000, 80, 1102, 0, 0x04, 0)), 0x0800))
    # UDP (DNS), IPv4 options (router alert + NOP + EOL pad)
    p.append(eth(ipv4(17, udp(53000, 53, b"\0" * 29)), 0x0800))
    p.append(eth(ipv4(17, udp(5000, 5001, b"hi"), opts=b"\x94\x04\0\0\x01\x00\0\0",
                      tos=0x10), 0x0800))
    # IPv4 fragments: first (MF, UDP header inside) and a later one
    p.append(eth(ipv4(17, udp(5000, 5001, b"a" * 40)[:48], ident=99, frag=0x2000), 0x0800))
    p.append(eth(ipv4(17, b"b" * 20, ident=99, frag=6), 0x0800))
    # 802.1Q and 802.1ad + 802.1Q (QinQ)
    inner = ipv4(17, udp(1000, 2000, b"v"))
    p.append(eth(struct.pack("!HH", (3 << 13) | 100, 0x0800) + inner, 0x8100))
    p.append(eth(struct.pack("!HH", 200, 0x8100) + struct.pack("!HH", 100, 0x0800) + inner,
                 0x88a8))
    # IPv6 UDP, TCP behind hop-by-hop + destination options, routing header
    p.append(eth(ipv6(17, udp(5353, 5353, b"q" * 10)), 0x86dd))
    hbh = bytes([60, 0, 5, 2, 0, 0, 1, 0])      # router alert, PadN
    dst = bytes([6, 0, 1, 4, 0, 0, 0, 0])
    p.append(eth(ipv6(0, hbh + dst + tcp(40001, 443, 7, 0, 0x02, 1000)), 0x86dd))
    rh = bytes([17, 2, 4, 1, 0, 0, 0, 0]) + B2
    p.append(eth(ipv6(43, rh + udp(1, 2, b"")), 0x86dd))
    # IPv6 fragments: first with UDP, then a later one
    p.append(eth(ipv6(44, bytes([17, 0, 0, 1]) + struct.pack("!I", 0xabcd) +
                      udp(7000, 7001, b"f" * 24)), 0x86dd))
    p.append(eth(ipv6(44, bytes([17, 0, 0, 0xb0]) + struct.pack("!I", 0xabcd) +
                      b"g" * 16), 0x86dd))
    # ICMPv6 echo, neighbour solicitation / advertisement, router advertisement
    p.append(eth(ipv6(58, icmp6(128, 0, struct.pack("!HH", 77, 3) + b"p" * 8)), 0x86dd))
    ns = struct.pack("!I16s", 0, L2) + bytes([1, 1]) + M1
    p.append(eth(ipv6(58, icmp6(135, 0, ns), src=L1, dst=ip6("ff02::1:ff00:2"), hlim=255),
                 0x86dd, dst=mac("33:33:ff:00:00:02")))
    na = struct.pack("!I16s", 0x60000000, L2) + bytes([2, 1]) + M2
    p.append(eth(ipv6(58, icmp6(136, 0, na), src=L2, dst=L1, hlim=255), 0x86dd,
                 src=M2, dst=M1))
    ra = (struct.pack("!BBHII", 64, 0xc0, 1800, 0, 0) + bytes([1, 1]) + M2 +
          bytes([5, 1, 0, 0]) + struct.pack("!I", 1500) +
          bytes([3, 4, 64, 0xc0]) + struct.pack("!III", 86400, 14400, 0) +
          ip6("2001:db8:1::"))
    p.append(eth(ipv6(58, icmp6(134, 0, ra), src=L2, dst=ip6("ff02::1"), hlim=255),
                 0x86dd, src=M2, dst=mac("33:33:00:00:00:01")))
    # ICMP port unreachable (quotes the original header)
    orig = ipv4(17, udp(53000, 53, b""), src=A2, dst=A1)
    p.append(eth(ipv4(1, icmp(3, 3, b"\0\0\0\0", orig), ident=3), 0x0800))
    # ICMPv6 packet too big
    quoted = ipv6(17, udp(4000, 4001, b"B" * 1400), src=B2, dst=B1)[:64]
    p.append(eth(ipv6(58, icmp6(2, 0, struct.pack("!I", 1280) + quoted)), 0x86dd))
    # VXLAN: outer IPv4/UDP 4789, inner Ethernet + IPv4 ICMP
    in_eth = eth(ipv4(1, icmp(8, 0, struct.pack("!HH", 9, 9)), src=ip4("192.168.0.1"),
                      dst=ip4("192.168.0.2")), 0x0800,
                 src=mac("0a:00:00:00:00:01"), dst=mac("0a:00:00:00:00:02"))
    vx = struct.pack("!II", 0x08000000, 42 << 8) + in_eth
    p.append(eth(ipv4(17, udp(33000, 4789, vx)), 0x0800))
    # Geneve over IPv6 with one 8-byte option, inner Ethernet + IPv6 TCP
    in_eth6 = eth(ipv6(6, tcp(1234, 22, 1, 1, 0x10, 100), src=ip6("fd00::1"),
                       dst=ip6("fd00::2")), 0x86dd)
    gn = struct.pack("!BBHI", 2, 0, 0x6558, 7 << 8) + b"\x01\x02\x03\x01\0\0\0\0" + in_eth6
    p.append(eth(ipv6(17, udp(40000, 6081, gn)), 0x86dd))
    # GRE with key and sequence, inner IPv4 UDP
    gre = struct.pack("!HHII", 0x3000, 0x0800, 0x10, 5) + ipv4(17, udp(9, 10, b"z"),
                                                              src=ip4("172.16.0.1"),
                                                              dst=ip4("172.16.0.2"))
    p.append(eth(ipv4(47, gre), 0x0800))
    # IPIP, then an unknown ethertype (LLDP)
    p.append(eth(ipv4(4, ipv4(17, udp(1, 2, b""), src=ip4("10.9.0.1"), dst=ip4("10.9.0.2"))),
                 0x0800))
    p.append(eth(b"\x02\x07\x04" + M1 + b"\0" * 20, 0x88cc, dst=mac("01:80:c2:00:00:0e")))
    # 802.3 length frame (LLC)
    p.append(M2 + M1 + struct.pack("!H", 3) + b"\x42\x42\x03" + b"\0" * 43)
    return p


def raw_packets():
    return [
        ipv4(17, udp(53000, 53, b"\0" * 12)),
        ipv6(58, icmp6(129, 0, struct.pack("!HH", 5, 6))),
        ipv4(6, tcp(22, 50000, 1, 2, 0x18, 300, b"", b"s" * 36), src=A2, dst=A1),
    ]


def write_pcap(path, linktype, packets, start_ns, step_ns, snaplen=262144):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b23c4d, 2, 4, 0, 0, snaplen, linktype))
        for i, pkt in enumerate(packets):
            t = start_ns + i * step_ns
            f.write(struct.pack("<IIII", t // 10**9, t % 10**9, len(pkt), len(pkt)))
            f.write(pkt)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    start = BASE * 10**9 + 123456789
    write_pcap(os.path.join(out, "eth.pcap"), 1, ethernet_packets(), start, 1000)
    write_pcap(os.path.join(out, "raw.pcap"), 101, raw_packets(), start, 250000)
    # One TCP exchange seen at three points of the stack: the same packets,
    # shifted in time (merged and regrouped by the --flows tests).
    flow = ethernet_packets()[4:9]
    for name, shift in (("hop1.pcap", 0), ("hop2.pcap", 15000), ("hop3.pcap", 42500)):
        write_pcap(os.path.join(out, name), 1, flow, start + shift, 1000000)


if __name__ == "__main__":
    main()
