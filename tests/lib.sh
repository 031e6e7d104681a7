# SPDX-License-Identifier: MIT
# tests/lib.sh - sourced by every tests/tNNNN-*.sh script (git t/ style).
#
#   test_expect_success NAME 'shell commands'   a case; fails if any command fails
#   test_skip NAME REASON                        a case that cannot run here
#   need_root / need_cmd CMD / need_bpf          prerequisites: return 1 with
#   need_skbrec                                  $SKIP_REASON set when missing
#   test_cmp EXPECTED ACTUAL                     diff -u, fails on difference
#   make_netns NAME...                           throwaway namespaces, removed at exit
#   test_done                                    report to tests/run.sh
#
# Every case runs in a subshell with `set -e` inside a fresh scratch folder
# ($TRASH/NAME); $TOP is the source tree, $BUILD the build folder (on PATH).
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
PATH=$BUILD:$PATH
export TOP BUILD PATH LC_ALL=C TZ=UTC
TEST_NAME=$(basename "$0" .sh)
TRASH=$(mktemp -d "/tmp/skbtest.$TEST_NAME.XXXXXX")
_pass=0 _fail=0 _skip=0 _n=0
_netns=()
SKIP_REASON=

_cleanup() {
	local ns
	for ns in "${_netns[@]}"; do ip netns del "$ns" 2>/dev/null; done
	[ -n "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"
}
trap _cleanup EXIT
trap 'exit 130' INT TERM

# At the end of every case, also a failed one: what it started in the
# background and left running (a recorder keeps tracing the host) is
# stopped with SIGTERM, then SIGKILL after 5 s.
_reap_jobs() {
	local p i
	p=$(jobs -p)
	[ -n "$p" ] || return 0
	kill $p 2>/dev/null
	for i in $(seq 50); do
		p=$(jobs -pr)
		[ -n "$p" ] || break
		sleep 0.1
	done
	[ -z "$p" ] || kill -KILL $p 2>/dev/null
	return 0
}

test_expect_success() {
	local name=$1 body=$2 dir
	_n=$((_n + 1))
	dir="$TRASH/case$_n"
	mkdir -p "$dir"
	# A plain command, not inside `if` or `||`: there bash ignores set -e
	# in the body, and a case would fail only when its last command does.
	local rc
	(cd "$dir" || exit 1; trap _reap_jobs EXIT; set -e; eval "$body") >"$dir.log" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		_pass=$((_pass + 1))
		echo "ok $_n - $name"
	else
		_fail=$((_fail + 1))
		echo "not ok $_n - $name"
		sed -e 's/^/#   /' "$dir.log" | tail -n 40
	fi
}

test_skip() {
	_n=$((_n + 1))
	_skip=$((_skip + 1))
	echo "skip $_n - $1 ($2)"
	[ -n "${RESULTS:-}" ] && echo "SKIP $TEST_NAME: $1 ($2)" >>"$RESULTS"
	return 0
}

need_root() {
	[ "$(id -u)" = 0 ] && return 0
	SKIP_REASON="needs root"; return 1
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || { SKIP_REASON="needs $c"; return 1; }
	done
}

# BPF tracing on tracepoints (ring buffer + raw_tp); root and kernel BTF.
need_bpf() {
	need_root || return 1
	[ -r /sys/kernel/btf/vmlinux ] || { SKIP_REASON="kernel has no BTF"; return 1; }
}

# $BUILD/skbrec itself (not one elsewhere on PATH): make skips it where
# it finds no kernel BTF (README "Building").
need_skbrec() {
	[ -x "$BUILD/skbrec" ] && return 0
	SKIP_REASON="skbrec not built: no kernel BTF at build time"; return 1
}

test_cmp() {
	diff -u "$1" "$2"
}

# make_netns A B: namespaces named skbt-$$-A, skbt-$$-B (unique per run),
# printed names stored in NS_A, NS_B...; deleted at exit, also on failure.
make_netns() {
	local n full
	for n in "$@"; do
		full="skbt$$-$n"
		ip netns add "$full" || return 1
		_netns+=("$full")
		ip -n "$full" link set lo up
		printf -v "NS_$n" '%s' "$full"
	done
}

test_done() {
	echo "# $TEST_NAME: $_pass passed, $_fail failed, $_skip skipped"
	[ -n "${RESULTS:-}" ] && echo "RESULT $_pass $_fail $_skip" >>"$RESULTS"
	[ "$_fail" = 0 ]
}

# ---- the pinned Debian 6.1 kernel in a VM (tests/vm/run.sh, docs/kernels.md)
#   need_vm            prerequisite: qemu + the kernel can be had here
#                      (prepares the cache once per script); $SKIP_REASON
#                      is run.sh's own reason otherwise
#   run_in_vm CMD...   CMD as root on the 6.1 kernel; the host's / is seen
#                      read-only (so $TOP, $BUILD, $TRASH, tcpdump are there
#                      at the same paths), the case folder read-write; CMD's
#                      output and exit status come back; 124 timeout,
#                      125 the VM itself failed
#   vm_kernel_release  the guest's `uname -r`
need_vm() {
	local out rc=0
	[ -n "${_vm_ready:-}" ] && return 0
	out=$("$TOP/tests/vm/run.sh" --prepare 2>&1) || rc=$?
	if [ "$rc" = 77 ]; then
		SKIP_REASON=$(printf '%s\n' "$out" | sed -n 's/^vm: SKIP: //p' | tail -n 1)
		SKIP_REASON="no VM: ${SKIP_REASON:-tests/vm/run.sh --prepare}"
		return 1
	fi
	# Any other failure is a broken runner: let the cases run and fail.
	[ "$rc" = 0 ] || printf '%s\n' "$out" >&2
	_vm_ready=1
}

run_in_vm() {
	TRASH=$TRASH SKBT_VM_ENV="TRASH ${SKBT_VM_ENV:-}" "$TOP/tests/vm/run.sh" "$@"
}

vm_kernel_release() {
	"$TOP/tests/vm/run.sh" --kernel-release 2>/dev/null
}

# matrix_note KERNEL WHERE WHAT RESULT: one cell of the kernel matrix, e.g.
#   matrix_note "$(uname -r)" host kprobe "no: ENOENT"
# kept per test script in $BUILD/kernel-matrix/ (restarted by each run of
# the script) and printed by tests/vm/matrix.sh at the end of `make check`.
matrix_note() {
	local f="$BUILD/kernel-matrix/$TEST_NAME.tsv"
	mkdir -p "$BUILD/kernel-matrix" || return 0
	if [ ! -e "$TRASH/.matrix" ]; then
		: >"$f" && : >"$TRASH/.matrix"
	fi
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$f"
}

# test_also_in_vm: called by a test script right after sourcing lib.sh,
# runs the whole script once more on the 6.1 kernel in the VM first (its
# lines marked "[vm]", its cases and skips counted in tests/run.sh's
# summary), then goes on here on the host kernel.  A boot and the
# script's run under TCG cost time: for short scripts.
test_also_in_vm() {
	local d rc
	[ -n "${SKBT_IN_VM:-}" ] && return 0
	if ! need_vm; then
		test_skip "$TEST_NAME on the 6.1 kernel (VM)" "$SKIP_REASON"
		return 0
	fi
	d=$TRASH/vm-run
	mkdir -p "$d"
	(cd "$d" && SKBT_VM_ENV="RESULTS ${SKBT_VM_ENV:-}" RESULTS=$d/results \
		run_in_vm bash "$TOP/tests/$(basename "$0")") 2>&1 | sed 's/^/[vm] /'
	rc=${PIPESTATUS[0]}
	if [ -s "$d/results" ]; then
		if [ -n "${RESULTS:-}" ]; then
			sed "s/^SKIP $TEST_NAME: /SKIP $TEST_NAME [vm]: /" "$d/results" >>"$RESULTS"
		else
			# run alone: the VM's failures fail this script too
			_fail=$((_fail + $(awk '$1 == "RESULT" { f += $3 } END { print f + 0 }' "$d/results")))
		fi
	else
		_n=$((_n + 1)) _fail=$((_fail + 1))
		echo "not ok $_n - $TEST_NAME on the 6.1 kernel (VM): no results (status $rc)"
	fi
}
