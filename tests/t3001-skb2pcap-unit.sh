#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skb2pcap's library parts, byte by byte (tests/unit/pcaplink-test.c):
# framing edge cases, direction rules, pcapng option and block encoding.
. "$(dirname "$0")/lib.sh"

test_expect_success 'pcaplink / pcapng / pcaprec unit checks' '
	"$BUILD/tests/pcaplink-test" >out &&
	cat out &&
	grep -q "^9 passed$" out
'

test_done
