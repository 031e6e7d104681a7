#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Output files (-o) of skbgrep, skb2pcap and pcap2skb (skbrec opens its own
# the same way, lib/cli.c): created with mode 0600; in a folder anyone can
# write to (/tmp), never through a symbolic link or into somebody else's
# file; elsewhere a link is followed as usual.
. "$(dirname "$0")/lib.sh"

mkin() {
	python3 "$TOP/tests/fixtures/mkpcap.py" eth >in.pcap &&
	pcap2skb -o in.skb in.pcap
}

test_expect_success 'a new file gets mode 0600, also with a loose umask' '
	mkin && umask 000 &&
	skbgrep -o a.skb in.skb && skb2pcap -o b.pcap in.skb &&
	test "$(stat -c %a a.skb b.pcap | sort -u)" = 600
'

test_expect_success 'world-writable folder: a symbolic link is refused, its target untouched' '
	mkin && mkdir shared && chmod 1777 shared &&
	echo keep >target && ln -s "$PWD/target" shared/out.skb &&
	for cmd in "skbgrep -o shared/out.skb in.skb" "skb2pcap -o shared/out.skb in.skb" \
		   "pcap2skb -o shared/out.skb in.pcap"; do
		st=0 && $cmd 2>err || st=$?
		cat err && test $st = 2 && test "$(wc -l <err)" = 1 &&
		grep -q ": shared/out.skb: is a symbolic link in a folder anyone can write to; refusing to follow it$" err &&
		test "$(cat target)" = keep || return 1
	done
'

if need_root && id nobody >/dev/null 2>&1; then
test_expect_success "world-writable folder: another user's file is refused, ours is replaced" '
	mkin && mkdir shared && chmod 1777 shared &&
	echo theirs >shared/x.skb && chown nobody shared/x.skb &&
	st=0 && skbgrep -o shared/x.skb in.skb 2>err || st=$?
	cat err && test $st = 2 &&
	grep -q "shared/x.skb: exists and is not a regular file of ours" err &&
	test "$(cat shared/x.skb)" = theirs &&
	echo ours >shared/y.skb && skbgrep -o shared/y.skb in.skb &&
	skbcat shared/y.skb | grep -q .
'
else
	test_skip "world-writable folder: another user's file is refused" "needs root and a user nobody"
fi

test_expect_success 'world-writable folder: a FIFO is refused (it is not a file)' '
	mkin && mkdir shared && chmod 1777 shared && mkfifo shared/f &&
	st=0 && timeout 10 skbgrep -o shared/f in.skb 2>err || st=$?
	cat err && test $st = 2 && grep -q "shared/f: exists and is not a regular file" err
'

test_expect_success 'a private folder: a link is followed (-o /dev/stdout works)' '
	mkin && ln -s real.skb link.skb &&
	skbgrep -o link.skb in.skb && skbcat real.skb | grep -q . &&
	skbgrep -o /dev/stdout in.skb | skbcat | grep -q .
'

test_done
