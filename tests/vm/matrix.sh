#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/vm/matrix.sh [BUILD] - print the kernel matrix: which attach
# mechanism worked on which kernel (host and the VM kernels), as the kernel
# tests (t5xxx) last found it in this build folder.  `make check` prints
# it at the end; docs/kernels.md explains it.  The tests write the cells
# with matrix_note (tests/lib.sh) into BUILD/kernel-matrix/TEST.tsv:
#   KERNEL <TAB> WHERE <TAB> WHAT <TAB> RESULT
set -u
BUILD=${1:-${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}}
dir=$BUILD/kernel-matrix
files=$(ls "$dir"/*.tsv 2>/dev/null)
if [ -z "$files" ]; then
	echo "kernel matrix: no kernel test (t5xxx) has run in $BUILD (docs/kernels.md)"
	exit 0
fi
# shellcheck disable=SC2086
echo "kernel matrix (docs/kernels.md), as last found by:" \
	$(for f in $files; do echo "$(basename "$f" .tsv) ($(date -u -r "$f" '+%F %H:%M'))"; done)
# shellcheck disable=SC2086
awk -F'\t' '
	NF == 4 {
		k = $1 "\t" $2
		if (!(k in kseen)) { kseen[k] = 1; kern[++nk] = k }
		if (!($3 in wseen)) { wseen[$3] = 1; what[++nw] = $3 }
		r = $4
		if (r ~ /^no: /) {
			why = substr(r, 5)
			if (!(why in note)) { note[why] = ++nn; notes[nn] = why }
			r = "no (" note[why] ")"
		}
		cell[k, $3] = r
		if (length(r) + 2 > maxc) maxc = length(r) + 2
	}
	END {
		w1 = 24; wc = maxc > 20 ? maxc : 20
		for (i = 1; i <= nk; i++) {
			split(kern[i], kw, "\t")
			if (length(kw[1]) + 2 > wc) wc = length(kw[1]) + 2
			if (length(kw[2]) + 2 > wc) wc = length(kw[2]) + 2
		}
		for (row = 1; row <= 2; row++) {
			line = sprintf("  %-" w1 "s", "")
			for (i = 1; i <= nk; i++) {
				split(kern[i], kw, "\t")
				line = line sprintf("%-" wc "s", kw[row])
			}
			sub(/ +$/, "", line); print line
		}
		for (j = 1; j <= nw; j++) {
			line = sprintf("  %-" w1 "s", what[j])
			for (i = 1; i <= nk; i++) {
				c = ((kern[i], what[j]) in cell) ? cell[kern[i], what[j]] : "-"
				line = line sprintf("%-" wc "s", c)
			}
			sub(/ +$/, "", line); print line
		}
		for (n = 1; n <= nn; n++) printf "  (%d) %s\n", n, notes[n]
	}' $files
