#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make install puts the four programs and their man pages under
# DESTDIR/PREFIX, and the installed programs run.
. "$(dirname "$0")/lib.sh"

test_expect_success 'make install DESTDIR= PREFIX= installs programs and man pages' '
	make -s -C "$TOP" O="$BUILD" install DESTDIR="$PWD/root" PREFIX=/opt/skb >log 2>&1 ||
		{ cat log; false; }
	for f in sbin/skbrec bin/skbcat bin/skbgrep bin/skb2pcap \
		 share/man/man8/skbrec.8 share/man/man1/skbcat.1 \
		 share/man/man1/skbgrep.1 share/man/man1/skb2pcap.1; do
		test -f "root/opt/skb/$f" || { echo "missing $f"; false; }
	done
	test ! -e root/opt/skb/bin/pcap2skb
	for p in sbin/skbrec bin/skbcat bin/skbgrep bin/skb2pcap; do
		"root/opt/skb/$p" --version | grep -q "^$(basename $p) (skbtools) "
	done
'

if need_cmd man; then
test_expect_success 'the man pages render without warnings' '
	for m in "$TOP"/man/*.[18]; do
		MANWIDTH=80 man --warnings -l "$m" >out 2>err
		test -s out
		test ! -s err || { cat err; false; }
	done
'
else
	test_skip 'the man pages render without warnings' "$SKIP_REASON"
fi
test_done
