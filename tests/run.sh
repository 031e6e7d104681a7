#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/run.sh [tNNNN ...] - run the test scripts, print one summary line:
#   N passed, N failed, N skipped
# followed by the name and reason of every skipped case.
set -u
cd "$(dirname "$0")"
RESULTS=$(mktemp /tmp/skbtest-results.XXXXXX)
export RESULTS
trap 'rm -f "$RESULTS"' EXIT

scripts=()
if [ $# -gt 0 ]; then
	for a in "$@"; do scripts+=($(ls ${a}*.sh 2>/dev/null || ls t*${a}*.sh)); done
else
	scripts=(t[0-9]*.sh)
fi

# What of ours runs before the tests: anything more at the end was left
# behind by a test (a recorder keeps tracing the host; its programs stay
# attached while it lives).
OURS='name (skb_ctx|skb_btf|skb_k[a-z_]*|track_[a-z_]+|minrec_[a-z]+|xlate_[a-z_]+) '
ours_now() {
	pgrep -x 'skbrec|minrec' | sed 's/^/pid /'
	if command -v bpftool >/dev/null && [ "$(id -u)" = 0 ]; then
		bpftool prog show 2>/dev/null | grep -E "$OURS" | sed 's/^\([0-9]*\): .*name \([^ ]*\).*/prog \1 \2/'
	fi
}
BEFORE=$(ours_now)

for s in "${scripts[@]}"; do
	echo "*** $s"
	before=$(grep -c '^RESULT' "$RESULTS")
	bash "./$s" || true
	# a script that died before test_done counts as one failure
	if [ "$(grep -c '^RESULT' "$RESULTS")" = "$before" ]; then
		echo "not ok - $s ended before test_done"
		echo "RESULT 0 1 0" >>"$RESULTS"
	fi
done

left=$(ours_now | grep -vxF -e "${BEFORE:-none}" || :)
if [ -n "$left" ]; then
	echo "not ok - left behind by the tests (stopped now):"
	printf '%s\n' "$left" | sed 's/^/#   /'
	echo "RESULT 0 1 0" >>"$RESULTS"
	printf '%s\n' "$left" | awk '$1 == "pid" { print $2 }' | xargs -r kill 2>/dev/null
else
	echo "ok - no recorder and no BPF program of ours left behind"
fi

# which attach mechanism worked on which kernel (docs/kernels.md)
echo
bash vm/matrix.sh "${BUILD:-}"
echo

awk '
	$1 == "RESULT" { p += $2; f += $3; s += $4 }
	$1 == "SKIP"   { $1 = ""; skips = skips "  skipped:" $0 "\n" }
	END {
		printf "%s", skips
		if (s > 0) printf "%d passed, %d failed, %d skipped\n", p, f, s
		else printf "%d passed, %d failed\n", p, f
		exit (f > 0 || p == 0)
	}' "$RESULTS"
