#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# lib/pktfilter.c on hand-built packets (Ethernet and raw-IP variants,
# L2-only expressions on L3 bytes, offloaded VLAN tags, truncation).
. "$(dirname "$0")/lib.sh"

test_expect_success 'pktfilter unit checks' '
	"$BUILD/tests/pktfilter-test" >out &&
	cat out &&
	! grep -q FAIL out &&
	test "$(grep -c "^ok" out)" -ge 20
'

test_done
