#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The .skb format library: writer and reader against each other and
# against damaged input (cases in tests/unit/format-test.c).
. "$(dirname "$0")/lib.sh"

ft=$BUILD/tests/format-test
test_expect_success 'round trip of 3000 varied events' "$ft roundtrip"
test_expect_success 'round trip, compressed' "$ft roundtrip -z"
test_expect_success 'cut at every byte offset' "$ft cut"
test_expect_success 'cut at every byte offset, compressed' "$ft cut -z"
test_expect_success 'random bit flips and garbage' "$ft flips"
test_expect_success 'foreign magic, future version, text-mode damage, empty' "$ft header"
test_expect_success 'concatenated plain and compressed streams' "$ft concat"
test_expect_success 'more contexts than 16-bit ids: a new section' "$ft contexts"
test_done
