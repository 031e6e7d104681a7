#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# t5000: the VM runner (tests/vm/run.sh) boots the pinned Debian 6.1
# kernel, and that kernel offers what the host's lacks: BTF, kprobes,
# kretprobes, fentry/fexit, namespaces + veth.  Later t5xxx tests build on it.
. "$(dirname "$0")/lib.sh"

# Each case body runs in a bash of its own with -u and pipefail besides -e,
# so an unset variable or a failing producer in a pipe fails the case too
# (functions and variables the bodies use are exported).
t5_case() {
	test_expect_success "$1" "bash -euo pipefail -c $(printf %q "$2")"
}
export -f run_in_vm vm_kernel_release matrix_note test_cmp
export TRASH TEST_NAME

t5_case 'vm: skips visibly when the pinned kernel cannot be fetched' '
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

t5_case 'vm: an unreachable archive skips the kernel of another suite, with the reason' '
	rc=0
	SKBT_VM_KERNEL=5.10 SKBT_VM_CACHE=$PWD/cache SKBT_VM_ARCHIVE=http://127.0.0.1:9/debian \
		timeout 120 "$TOP/tests/vm/run.sh" --prepare 2>err || rc=$?
	cat err
	test "$rc" = 77
	grep "^vm: SKIP: the bullseye archive cannot be reached" err
'

if ! need_vm; then
	test_skip 'vm: the 6.1 kernel runs commands' "$SKIP_REASON"
	test_done
	exit
fi
KREL=$(vm_kernel_release)
export KREL

t5_case "vm: CMD runs as root on $KREL, output and status come back" '
	rc=0
	# the source and build trees and the scratch folder (host /tmp) are
	# seen at the same paths with the same contents
	trees="ls -lA --time-style=+%s \"\$TOP/tests\" \"\$BUILD\" \"\$TRASH/case1\" 2>&1"
	run_in_vm sh -c "uname -r; id -u; echo to-stderr >&2; echo made >file;
		$trees; exit 7" >out 2>err || rc=$?
	cat out err
	test "$rc" = 7
	{ printf "%s\n" "$KREL" 0; sh -c "$trees"; } >expect
	test_cmp expect out
	case $KREL in 6.1.*) ;; *) false ;; esac
	test "$KREL" != "$(uname -r)"
	grep -x to-stderr err
	test "$(cat file)" = made
'

# The probe programs of tests/vm/probe.bpf.c, one per attach mechanism,
# and their loader; built on the host, run on both kernels.
PROBES="fentry_ip_rcv fexit_ip_rcv kprobe_ip_rcv kretprobe_ip_rcv"
PROBES="$PROBES tp_btf_netif_receive_skb raw_tp_netif_receive_skb"
mech() { echo "${1%%_ip_rcv}" | sed 's/_netif_receive_skb$//'; }
export -f mech
export PROBES
BIN=$TRASH/bin
export BIN
if need_cmd clang cc; then
	t5_case 'probe programs and their loader build' '
		mkdir -p "$BIN"
		clang -g -O2 -target bpf -Wall -Werror -I/usr/include/$(cc -print-multiarch) \
			-c "$TOP/tests/vm/probe.bpf.c" -o "$BIN/probe.bpf.o"
		cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
			-Wstrict-prototypes -Wmissing-prototypes -O2 \
			-o "$BIN/bpfattach" "$TOP/tests/vm/bpfattach.c" -lbpf
	'
fi

# The host kernel: each mechanism alone, traffic over a veth pair between
# two namespaces.  tp_btf and raw_tp must work (the project's baseline);
# kprobes must work exactly when the kernel is built with kprobe events;
# whatever happens is noted in the kernel matrix.
if [ -x "$BIN/bpfattach" ] && need_bpf && make_netns ha hb; then
	ip link add skbt$$ha netns "$NS_ha" type veth peer skbt$$hb netns "$NS_hb"
	ip -n "$NS_ha" addr add 10.199.0.1/24 dev skbt$$ha
	ip -n "$NS_hb" addr add 10.199.0.2/24 dev skbt$$hb
	ip -n "$NS_ha" link set skbt$$ha up
	ip -n "$NS_hb" link set skbt$$hb up
	export NS_ha
	t5_case "host $(uname -r): attach mechanisms are what the kernel offers" '
		kconfig=$( (zcat /proc/config.gz || cat "/boot/config-$(uname -r)") 2>/dev/null || true)
		for p in $PROBES; do
			rc=0
			"$BIN/bpfattach" "$BIN/probe.bpf.o" $p ip netns exec "$NS_ha" \
				ping -q -c 3 -i 0.2 -W 5 10.199.0.2 >$p.out 2>$p.err || rc=$?
			m=$(mech $p)
			n=$(awk -v k=${m}_hits "\$1 == k { print \$2 }" $p.out)
			echo "$p: rc $rc, ${n:-no} hits, $(cat $p.err)"
			if [ $rc = 0 ] && [ "${n:-0}" -ge 6 ]; then
				matrix_note "$(uname -r)" host $m yes
				ok=yes
			else
				matrix_note "$(uname -r)" host $m "no: $(sed "s/^bpfattach: //; s/^$p: //" $p.err | head -n1)"
				ok=no
			fi
			case $m in
			tp_btf|raw_tp) test $ok = yes ;;
			kprobe|kretprobe)
				if printf "%s\n" "$kconfig" | grep -qx CONFIG_KPROBE_EVENTS=y; then
					test $ok = yes
				elif [ -n "$kconfig" ]; then
					test $ok = no
				fi ;;
			esac
		done
	'
else
	test_skip "host $(uname -r): attach mechanisms" "${SKIP_REASON:-probe programs not built}"
fi

# One boot for the rest (boots cost seconds under TCG): the kernel's
# features, a ping over veth between two namespaces, and the six probe
# programs at once on that ping.  Each step leaves files for the cases.
VM=$TRASH/vm
mkdir -p "$VM"
cat >"$VM/guest" <<\EOT
. "$TOP/tests/vm/guest.sh"
test -s /sys/kernel/btf/vmlinux && echo yes >btf
ev=/sys/kernel/tracing/kprobe_events
{ echo "p:skbt_ip_rcv ip_rcv" >>$ev && echo "r:skbt_ip_rcv_ret ip_rcv" >>$ev &&
	cat $ev && echo "-:skbt_ip_rcv" >>$ev && echo "-:skbt_ip_rcv_ret" >>$ev; } >kprobe_events 2>&1
bpftool feature probe kernel >features 2>&1
# the tracepoint programs count every packet received: no IPv6 traffic of
# its own (one router solicitation between two attaches made raw_tp 8,
# tp_btf 9)
vm_veth_pair noipv6
ip netns exec skbt-a ping -c 3 -i 0.2 -W 5 10.199.0.2 >ping.out 2>&1
if [ -x "$SKBT_BIN/bpfattach" ]; then
	"$SKBT_BIN/bpfattach" "$SKBT_BIN/probe.bpf.o" "$(echo $SKBT_PROBES | tr " " ,)" \
		ip netns exec skbt-a ping -q -c 3 -i 0.2 -W 5 10.199.0.2 >attach.out 2>attach.err
	echo $? >attach.rc
fi
EOT
rc=0
(cd "$VM" && SKBT_VM_ENV="SKBT_BIN SKBT_PROBES" SKBT_BIN=$BIN SKBT_PROBES=$PROBES \
	run_in_vm bash guest) >"$TRASH/vm.out" 2>&1 || rc=$?
echo "# VM run: status $rc"
export VM

t5_case "vm: $KREL has BTF, kprobe events, kprobe and tracing programs" '
	cd "$VM"
	cat "$TRASH/vm.out" kprobe_events
	test "$(cat btf)" = yes
	grep "^p:kprobes/skbt_ip_rcv ip_rcv" kprobe_events
	grep "^r[0-9]*:kprobes/skbt_ip_rcv_ret ip_rcv" kprobe_events
	grep -x "eBPF program_type kprobe is available" features
	grep -x "eBPF program_type tracing is available" features
'

t5_case "vm: $KREL: ping between two namespaces over veth" '
	cd "$VM"
	cat ping.out
	grep "3 packets transmitted, 3 received, 0% packet loss" ping.out
'

# The 6.1 kernel: all six at once; the four on ip_rcv must count the same
# calls, the two on the tracepoint the same hits.
if [ -x "$BIN/bpfattach" ]; then
	t5_case "vm: $KREL: fentry, fexit, kprobe, kretprobe, tp_btf, raw_tp all attach and count the same" '
		cd "$VM"
		cat attach.out attach.err
		rc=$(cat attach.rc)
		for p in $PROBES; do
			m=$(mech $p)
			n=$(awk -v k=${m}_hits "\$1 == k { print \$2 }" attach.out)
			if [ $rc = 0 ] && [ "${n:-0}" -ge 6 ]; then
				matrix_note "$KREL" "qemu TCG VM" $m yes
			else
				matrix_note "$KREL" "qemu TCG VM" $m \
					"no: $(sed "s/^bpfattach: //; s/^$p: //" attach.err | head -n1)"
			fi
		done
		test $rc = 0
		# three echo requests into skbt-b, three replies into skbt-a
		count() { awk -v k=$1_hits "\$1 == k { print \$2 }" attach.out; }
		test "$(count fentry)" -ge 6
		for m in fexit kprobe kretprobe; do test "$(count $m)" = "$(count fentry)"; done
		test "$(count tp_btf)" -ge 6
		test "$(count raw_tp)" = "$(count tp_btf)"
	'
else
	test_skip "vm: $KREL: attach mechanisms" "probe programs not built"
fi

test_done
