#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""nat-traffic.py server ADDR | client ADDR TAGS - t1160's traffic.

server (in C, at ADDR): a UDP sink on 9000 that counts datagrams until the
  client's "END" and writes the count to udp.done; TCP 9001 sends 4 MiB to
  whoever connects (bulk C -> A); TCP 9002 echoes each message
  (request/response, TCP_NODELAY).  Writes srv.ready when listening.
client (in A): at the same time, TAGS UDP datagrams with payload
  "TAG%06d" from an unconnected socket, the bulk download, and 2000
  request/response round trips.
"""
import socket
import sys
import threading
import time

BULK = 4 << 20
RR = 2000


def server(addr):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind((addr, 9000))
    bulk = socket.socket()
    bulk.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    bulk.bind((addr, 9001))
    bulk.listen(1)
    rr = socket.socket()
    rr.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    rr.bind((addr, 9002))
    rr.listen(1)
    open("srv.ready", "w").close()

    def udp():
        n = 0
        while u.recv(100) != b"END":
            n += 1
        open("udp.done", "w").write("%d\n" % n)

    def send_bulk():
        c, _ = bulk.accept()
        c.sendall(bytes(BULK))
        c.close()

    threads = [threading.Thread(target=f) for f in (udp, send_bulk)]
    for t in threads:
        t.start()
    c, _ = rr.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        d = c.recv(100)
        if not d:
            break
        c.sendall(d)
    c.close()
    for t in threads:
        t.join()


def client(addr, tags):
    got = [0]

    def bulk():
        s = socket.create_connection((addr, 9001))
        while True:
            d = s.recv(65536)
            if not d:
                break
            got[0] += len(d)
        s.close()

    def rr():
        s = socket.create_connection((addr, 9002))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for i in range(RR):
            m = b"rr%06d" % i
            s.sendall(m)
            r = b""
            while len(r) < len(m):
                r += s.recv(100)
        s.close()

    threads = [threading.Thread(target=f) for f in (bulk, rr)]
    for t in threads:
        t.start()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)   # unconnected
    for i in range(tags):
        u.sendto(b"TAG%06d" % i + bytes(40), (addr, 9000))
        if i % 50 == 49:
            time.sleep(0.005)
    for t in threads:
        t.join()
    time.sleep(0.2)
    u.sendto(b"END", (addr, 9000))
    if got[0] != BULK:
        sys.exit("bulk: got %d of %d bytes" % (got[0], BULK))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2])
    else:
        client(sys.argv[2], int(sys.argv[3]))
