#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Building without kernel BTF: make VMLINUX_BTF=/nonexistent builds the
# readers, pcap2skb and the unit tests, says in one line why skbrec is not
# built and exits 0, and make install installs the rest; with
# VMLINUX_H=$BUILD/bpf/vmlinux.h (a ready header) skbrec builds anyway.
# One build folder for all cases, so the second build adds only skbrec.
. "$(dirname "$0")/lib.sh"

if [ "${SAN:-0}" = 1 ]; then
	test_skip "make without kernel BTF, make VMLINUX_H=" "tests the Makefile: run in the plain build"
	test_done; exit
fi

# VMLINUX_BTF and VMLINUX_H on the command line, also when empty: they
# override those `make check VAR=...` hands down in MAKEFLAGS.
O=$TRASH/o
mk() { make -C "$TOP" --no-print-directory -j2 O="$O" "$@"; }
export O
export -f mk

test_expect_success 'make VMLINUX_BTF=/nonexistent: no skbrec, one line why, the rest built, exit 0' '
	mk VMLINUX_BTF=/nonexistent VMLINUX_H= >out 2>err || { cat out err; false; }
	grep -Fx "skbrec not built: no kernel BTF found (looked in: /nonexistent); set VMLINUX_BTF=FILE or VMLINUX_H=FILE" err ||
		{ cat err; false; }
	test ! -e "$O/skbrec"
	test ! -e "$O/bpf/vmlinux.h"
	for p in skbcat skbgrep skb2pcap; do
		"$O/$p" --version | grep -q "^$p "
	done
	test -x "$O/pcap2skb"
	for t in "$TOP"/tests/unit/*.c; do
		t=${t##*/}; test -x "$O/tests/${t%.c}"
	done
	# asked for by name, skbrec fails with the same reason
	st=0; mk VMLINUX_BTF=/nonexistent VMLINUX_H= "$O/skbrec" >out 2>err || st=$?
	test $st != 0
	grep -Fq "skbrec cannot be built: no kernel BTF found (looked in: /nonexistent)" err
'

test_expect_success 'make install without kernel BTF: the readers and their man pages, a line about skbrec' '
	mk VMLINUX_BTF=/nonexistent VMLINUX_H= install DESTDIR="$PWD/root" PREFIX=/usr >out 2>err ||
		{ cat out err; false; }
	grep -Fx "skbrec not installed: it was not built (no kernel BTF found (looked in: /nonexistent); set VMLINUX_BTF=FILE or VMLINUX_H=FILE)" err
	for p in skbcat skbgrep skb2pcap; do
		root/usr/bin/$p --version | grep -q "^$p "
		test -f root/usr/share/man/man1/$p.1
	done
	test ! -e root/usr/sbin/skbrec
	test ! -e root/usr/share/man/man8/skbrec.8
'

if [ -s "$BUILD/bpf/vmlinux.h" ]; then
test_expect_success 'make VMLINUX_H=FILE builds skbrec from that header, without BTF' '
	mk VMLINUX_BTF=/nonexistent VMLINUX_H="$BUILD/bpf/vmlinux.h" >out 2>err || { cat out err; false; }
	test "$(grep -c "skbrec not built" err)" = 0
	cmp "$BUILD/bpf/vmlinux.h" "$O/bpf/vmlinux.h"
	"$O/skbrec" --version | grep -q "^skbrec "
	# only skbrec (and its translator test, tests/xlate-diff with xlate-load) was added:
	# nothing else built again
	test "$(grep -v xlate- out | grep -Ec "^ *(CC|AR|LINK) .*(lib/|skbcat|skbgrep|skb2pcap|tests/)")" = 0
	grep -q "^ *LINK .*/skbrec$" out
'
else
	test_skip 'make VMLINUX_H=FILE builds skbrec from that header, without BTF' \
		"make found no kernel BTF, so no $BUILD/bpf/vmlinux.h to use"
fi
test_done
