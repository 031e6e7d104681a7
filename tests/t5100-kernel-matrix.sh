#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The kernel matrix: Debian's 5.10 (bullseye), 6.1 (bookworm), 6.12
# (trixie) and 6.18 (trixie-backports) kernels, each booted once in qemu
# (tests/vm/run.sh, SKBT_VM_KERNEL), run tests/vm/matrix-guest.sh: skbrec
# by every attach mechanism the kernel offers (tp_btf, raw_tp, fentry,
# fexit, kprobe, kretprobe, kprobe-multi for globs) and the
# kernel-dependent features (recording, tracking, full packets, -f, drop
# reasons, stacks, -l, the buffer read in place on 6.17+).  A
# case per kernel and check; what a kernel lacks is a skip with the
# kernel's own reason (5.10: no drop reasons).  The cells go into the matrix make check prints
# (docs/kernels.md).
. "$(dirname "$0")/lib.sh"

KERNELS=${SKBT_MATRIX_KERNELS:-5.10 6.1 6.12 6.18}
# What each kernel is known to lack: a skip of anything else is a failure
# (a mechanism that stops working must not pass as "the kernel lacks it").
declare -A LACKS=(
	[5.10]="drop-reasons reason-arg"
	[6.1]=""
	[6.12]=""
	[6.18]=""
)
CASES="tp_btf stack tracking drop-reasons raw_tp fentry reason-arg fexit kprobe kretprobe glob glob-kprobe
       kprobe-patched full-packets filter list ptr-mem"

if ! need_skbrec || ! need_root || ! need_cmd skbcat nc python3 bpftool; then
	for k in $KERNELS; do test_skip "kernel $k in the VM" "$SKIP_REASON"; done
	test_done; exit
fi

for k in $KERNELS; do
	export SKBT_VM_KERNEL=$k
	_vm_ready=
	if ! need_vm; then
		for c in $CASES; do test_skip "kernel $k: $c" "$SKIP_REASON"; done
		continue
	fi
	krel=$(vm_kernel_release)
	out=$TRASH/vm-$k.out
	mkdir -p "$TRASH/vm-$k"
	t0=$(date +%s)
	(cd "$TRASH/vm-$k" && run_in_vm bash "$TOP/tests/vm/matrix-guest.sh") >"$out" 2>&1
	echo "# kernel $k ($krel): VM exit status $?, $(($(date +%s) - t0)) s"
	for c in $CASES; do
		line=$(grep -E "^(PASS|FAIL|SKIP) $c( |:|$)" "$out" | head -n1)
		case $line in
		"PASS $c "*)
			how=${line#PASS $c }
			test_expect_success "kernel $k: $c (${how})" "grep -q '^PASS $c ' $(printf %q "$out")"
			[ "$how" = - ] || matrix_note "$krel" "qemu TCG VM" "skbrec $c" "yes ($how)" ;;
		"SKIP $c: "*)
			matrix_note "$krel" "qemu TCG VM" "skbrec $c" "no: ${line#SKIP $c: }"
			if [[ " ${LACKS[$k]} " == *" $c "* ]]; then
				test_skip "kernel $k: $c" "${line#SKIP $c: }"
			else
				test_expect_success "kernel $k: $c" "echo $(printf %q "unexpected: $line"); false"
			fi ;;
		*)
			# FAIL, or no line at all: the guest's words, then a failure
			test_expect_success "kernel $k: $c" "echo $(printf %q "${line:-no result; the guest said:}"); tail -n 20 $(printf %q "$out"); false"
			matrix_note "$krel" "qemu TCG VM" "skbrec $c" "FAILED" ;;
		esac
	done
done
unset SKBT_VM_KERNEL

test_done
