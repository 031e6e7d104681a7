#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbrec on kernel functions (fentry, fexit, kprobe, kretprobe, globs,
# stacks) on the pinned Debian 6.1 kernel in a VM, which has what this
# host's kernel lacks.  One VM boot runs every case
# (tests/skbrec/vm-functions.sh); each case is reported here.
. "$(dirname "$0")/lib.sh"

cases="fentry fexit kprobe kretprobe glob glob-kprobe reason-arg-fentry stack"
if ! need_skbrec || ! need_root || ! need_cmd skbcat || ! need_vm; then
	for c in $cases; do test_skip "function probes in the 6.1 VM: $c" "$SKIP_REASON"; done
	test_done; exit
fi

mkdir -p "$TRASH/vm"
(cd "$TRASH/vm" && run_in_vm bash "$TOP/tests/skbrec/vm-functions.sh") >"$TRASH/vm.out" 2>&1
echo "# VM exit status $?; kernel $(vm_kernel_release)"
for c in $cases; do
	test_expect_success "function probes in the 6.1 VM: $c" "
		grep '^[A-Z]* $c\\(:\\|\$\\)' '$TRASH/vm.out'
		grep -q '^PASS $c\$' '$TRASH/vm.out'
	"
done

test_done
