#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make install puts the four programs and their man pages under
# DESTDIR/PREFIX, and the installed programs run.  Where make found no
# kernel BTF it installs the other three and says skbrec is not installed
# (t0140 checks that build on purpose).
. "$(dirname "$0")/lib.sh"

test_expect_success 'make install DESTDIR= PREFIX= installs programs and man pages' '
	make -s -C "$TOP" O="$BUILD" install DESTDIR="$PWD/root" PREFIX=/opt/skb >log 2>&1 ||
		{ cat log; false; }
	progs="bin/skbcat bin/skbgrep bin/skb2pcap"
	files="share/man/man1/skbcat.1 share/man/man1/skbgrep.1 share/man/man1/skb2pcap.1"
	if grep -q "^skbrec not installed: it was not built (no kernel BTF found" log; then
		test ! -e root/opt/skb/sbin/skbrec
		test ! -e root/opt/skb/share/man/man8/skbrec.8
	else
		progs="$progs sbin/skbrec" files="$files share/man/man8/skbrec.8"
	fi
	for f in $progs $files; do
		test -f "root/opt/skb/$f" || { echo "missing $f"; false; }
	done
	test ! -e root/opt/skb/bin/pcap2skb
	for p in $progs; do
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
