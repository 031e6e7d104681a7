#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# t2003: the packet decoders never read past the captured bytes: every
# prefix of every fixture packet, mutated packets and random bytes, each in
# an exact-size heap buffer (run with `make SAN=1 check` for ASan to see any
# overread), and every cut packet is marked [truncated].
. "$(dirname "$0")/lib.sh"

test_expect_success 'every prefix, mutations and noise decode safely' '
	"$BUILD/tests/decode-fuzz" -n 3000 "$TOP"/tests/skbcat/*.pcap >out &&
	cat out && grep -q "decodes" out
'

test_done
