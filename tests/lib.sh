# SPDX-License-Identifier: MIT
# tests/lib.sh - sourced by every tests/tNNNN-*.sh script (git t/ style).
#
#   test_expect_success NAME 'shell commands'   a case; fails if any command fails
#   test_skip NAME REASON                        a case that cannot run here
#   need_root / need_cmd CMD / need_bpf          prerequisites: return 1 with
#                                                $SKIP_REASON set when missing
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

test_expect_success() {
	local name=$1 body=$2 dir
	_n=$((_n + 1))
	dir="$TRASH/case$_n"
	mkdir -p "$dir"
	if (cd "$dir" && set -e && eval "$body") >"$dir.log" 2>&1; then
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
