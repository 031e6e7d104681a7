#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bad usage of every program: bad numbers, a missing file, a folder as
# input, a bad expression, an unknown user.  Each gets one clear line on
# stderr (plus "Try --help" after a bad option), exit status 2, nothing on
# stdout.  skbrec's checks come before anything is loaded: no root needed.
. "$(dirname "$0")/lib.sh"

# bad STATUS_LINES PATTERN CMD...: CMD fails with 2, its first stderr line
# matches PATTERN, at most STATUS_LINES lines
bad() {
	local lines=$1 pat=$2 st=0
	shift 2
	"$@" >out 2>err || st=$?
	echo "$* -> $st: $(cat err)"
	test $st = 2 && test ! -s out && test "$(wc -l <err)" -le "$lines" &&
	head -1 err | grep -q -e "$pat"
}

test_expect_success 'readers: missing file, folder, bad numbers, bad expression' '
	python3 "$TOP/tests/fixtures/mkpcap.py" eth >in.pcap && pcap2skb -o in.skb in.pcap &&
	mkdir folder &&
	for p in skbcat "skbgrep -o o" "skb2pcap -o o"; do
		bad 1 "^${p%% *}: nosuch.skb: No such file or directory$" $p nosuch.skb &&
		bad 1 "^${p%% *}: folder: offset 0: read error: Is a directory$" $p folder || return 1
	done &&
	bad 2 "^skbgrep: -m: .-1. is not a number$" skbgrep -m -1 in.skb &&
	bad 2 "^skbgrep: -m: .99999999999999999999. is not a number$" skbgrep -m 99999999999999999999 in.skb &&
	bad 2 "^skbgrep: -f .tcp port.: .*syntax error" skbgrep -f "tcp port" in.skb &&
	bad 2 "^skbcat: -c: .-1. is not a number$" skbcat -c -1 in.skb &&
	bad 2 "^skbgrep: --since: .0226-12-01. is not a time" skbgrep --since 0226-12-01 in.skb &&
	bad 2 "^skb2pcap: unknown option" skb2pcap --no-such-option in.skb
'

if need_skbrec; then
test_expect_success 'skbrec: bad numbers and an unknown user, before anything is loaded' '
	bad 2 "^skbrec: -s: .-1. is not a number$" skbrec -s -1 -o x.skb &&
	bad 2 "^skbrec: -s: 99999999 is out of range (0..262144)$" skbrec -s 99999999 -o x.skb &&
	bad 2 "^skbrec: -c: .-1. is not a number$" skbrec -c -1 -o x.skb &&
	bad 2 "^skbrec: -c: 0 is out of range" skbrec -c 0 -o x.skb &&
	bad 2 "^skbrec: -d: .1x. is not a number$" skbrec -d 1x -o x.skb &&
	bad 2 "^skbrec: -b: .1g1. is not a number$" skbrec -b 1g1 -o x.skb &&
	bad 2 "^skbrec: -Z nosuchuser$$: no such user$" skbrec -Z nosuchuser$$ -o x.skb &&
	test ! -e x.skb
'
else
	test_skip "skbrec: bad numbers" "$SKIP_REASON"
fi

test_done
