#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install what the VM tests (tests/vm/run.sh, t5xxx) need and fetch their
# pinned Debian kernels (5.10, 6.1, 6.12, 6.18) into the cache, so `make
# check` never downloads.
# Idempotent: quiet and fast when everything is already there.  A kernel
# that cannot be fetched is reported, not fatal: the VM tests then skip.
set -euo pipefail

pkgs=(qemu-system-x86 busybox-static xz-utils zstd)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "deps-vm.sh: missing packages: ${missing[*]}; run as root (or: sudo $0)" >&2
		exit 1
	fi
	echo "deps-vm.sh: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# the kernel matrix (docs/kernels.md): each kernel fetched once, cached
for k in 5.10 6.1 6.12 6.18; do
	SKBT_VM_KERNEL=$k "$(dirname "$0")/../tests/vm/run.sh" --prepare ||
		echo "deps-vm.sh: the VM tests on $k will skip (see the reason above)" >&2
done
