#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/skbcat/update.sh - regenerate tests/skbcat/expected/ from TESTLIST
# with the skbcat in $BUILD (default: build/).  Review `git diff` after.
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$TOP/build}
PATH=$BUILD:$PATH
export TOP BUILD PATH LC_ALL=C TZ=UTC
. "$TOP/tests/skbcat/fixtures.sh"
tmp=$(mktemp -d /tmp/skbcat-update.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
skbcat_fixtures "$tmp"
mkdir -p "$TOP/tests/skbcat/expected"
grep -v '^#' "$TOP/tests/skbcat/TESTLIST" | while read -r name input expected opts; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086
	skbcat_case "$tmp" "$input" $opts >"$TOP/tests/skbcat/expected/$expected"
	echo "$name -> expected/$expected"
done
