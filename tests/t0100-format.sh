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
test_expect_success 'events copied as read (skbgrep), ids and times rewritten' "$ft copy"
test_expect_success 'events copied as read, compressed output' "$ft copy -z"
test_expect_success 'a TCI without TPID and a reason without flag DROP read as absent' "$ft absent"

# The optional-field table of docs/format.md (rows "| 0 | ORIG_LEN | 4 | ...")
# has the bits, names and sizes of the C table (lib/skbfields.c).
doc_fields() {
	awk -F'|' '
		/^\*\*Optional fields\.\*\*/ { on = 1; next }
		on && /^\|/ {
			seen = 1
			if ($2 !~ /^ *[0-9]+ *$/) next
			for (i = 2; i <= 4; i++) gsub(/^ +| +$/, "", $i)
			print $2, $3, $4
			next
		}
		on && seen { exit }' "$TOP/docs/format.md"
}
test_expect_success 'docs/format.md lists the optional fields of the C table' '
	$BUILD/tests/fields-table >c-table &&
	doc_fields >doc-table &&
	test $(wc -l <doc-table) = 16 &&
	test_cmp c-table doc-table
'
test_done
