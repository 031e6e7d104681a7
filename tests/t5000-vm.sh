#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# t5000: the VM runner (tests/vm/run.sh) boots the pinned Debian 6.1
# kernel, and that kernel offers what the host's lacks: BTF, kprobes,
# kretprobes, fentry/fexit, namespaces + veth.  Later t5xxx tests build on it.
. "$(dirname "$0")/lib.sh"

test_expect_success 'vm: skips visibly when the pinned kernel cannot be fetched' '
	rc=0
	SKBT_VM_CACHE=$PWD/cache SKBT_VM_KVER=0.0-no-such-version \
		"$TOP/tests/vm/run.sh" --prepare 2>err || rc=$?
	cat err
	test "$rc" = 77
	grep "^vm: SKIP: kernel linux-image-.*=0.0-no-such-version cannot be fetched" err
	rc=0
	SKBT_VM_CACHE=$PWD/cache SKBT_VM_DEB=$PWD/missing.deb \
		"$TOP/tests/vm/run.sh" true 2>err || rc=$?
	test "$rc" = 77
	grep "^vm: SKIP: SKBT_VM_DEB=.*missing.deb is not readable" err
'

if ! need_vm; then
	test_skip 'vm: the 6.1 kernel runs commands' "$SKIP_REASON"
	test_done
	exit
fi
KREL=$(vm_kernel_release)

test_expect_success "vm: CMD runs as root on $KREL, output and status come back" '
	rc=0
	run_in_vm sh -c "uname -r; id -u; echo to-stderr >&2; echo made >file;
		test -r \"\$TOP/tests/lib.sh\" && test -d \"\$BUILD\" && echo tree-seen;
		exit 7" >out 2>err || rc=$?
	cat out err
	test "$rc" = 7
	printf "%s\n" "$KREL" 0 tree-seen >expect
	test_cmp expect out
	case $KREL in 6.1.*) ;; *) false ;; esac
	test "$KREL" != "$(uname -r)"
	grep -x to-stderr err
	test "$(cat file)" = made
'

test_expect_success "vm: $KREL has BTF, kprobe events, kprobe and tracing programs" '
	cat >guest <<-\EOT
	set -ex
	test -s /sys/kernel/btf/vmlinux
	ev=/sys/kernel/tracing/kprobe_events
	echo "p:skbt_ip_rcv ip_rcv" >>$ev
	echo "r:skbt_ip_rcv_ret ip_rcv" >>$ev
	cat $ev
	echo "-:skbt_ip_rcv" >>$ev
	echo "-:skbt_ip_rcv_ret" >>$ev
	bpftool feature probe kernel >features
	grep -x "eBPF program_type kprobe is available" features
	grep -x "eBPF program_type tracing is available" features
	EOT
	run_in_vm bash guest >out 2>&1 || { cat out; false; }
	cat out
	grep "^p:kprobes/skbt_ip_rcv ip_rcv" out
	grep "^r[0-9]*:kprobes/skbt_ip_rcv_ret ip_rcv" out
'

test_expect_success "vm: $KREL: ping between two namespaces over veth" '
	cat >guest <<-\EOT
	set -e
	. "$TOP/tests/vm/guest.sh"
	vm_veth_pair
	ip netns exec skbt-a ping -c 3 -i 0.2 -W 5 10.199.0.2
	EOT
	run_in_vm bash guest >out 2>&1 || { cat out; false; }
	cat out
	grep "3 packets transmitted, 3 received, 0% packet loss" out
'

if need_cmd clang cc; then
test_expect_success "vm: $KREL: fentry, fexit, kprobe, kretprobe on ip_rcv count the same calls" '
	clang -g -O2 -target bpf -Wall -Werror -I/usr/include/$(cc -print-multiarch) \
		-c "$TOP/tests/vm/probe.bpf.c" -o probe.bpf.o
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -o bpfattach \
		"$TOP/tests/vm/bpfattach.c" -lbpf
	cat >guest <<-\EOT
	set -e
	. "$TOP/tests/vm/guest.sh"
	vm_veth_pair
	./bpfattach probe.bpf.o fentry_ip_rcv,fexit_ip_rcv,kprobe_ip_rcv,kretprobe_ip_rcv \
		ip netns exec skbt-a ping -q -c 3 -i 0.2 -W 5 10.199.0.2 >ping.out
	EOT
	run_in_vm bash guest >out 2>err || { cat out err; false; }
	cat out
	# three echo requests into skbt-b, three replies into skbt-a
	for p in fentry fexit kprobe kretprobe; do
		n=$(awk -v k=${p}_hits "\$1 == k { print \$2 }" out)
		test "$n" -ge 6
		test "$n" = "$(awk "\$1 == \"fentry_hits\" { print \$2 }" out)"
	done
'
else
	test_skip "vm: fentry/kprobe on ip_rcv" "$SKIP_REASON"
fi

test_done
