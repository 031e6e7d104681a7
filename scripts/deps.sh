#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian packages skbtools needs to build and test.
# Idempotent: quiet and fast when everything is already there.
set -euo pipefail
bash "$(dirname "$0")/deps-vm.sh"   # qemu, busybox, the VM tests' pinned kernel

pkgs=(
	make gcc clang llvm pkg-config
	bpftool libbpf-dev libelf-dev zlib1g-dev libpcap-dev
	tcpdump tshark iproute2 nftables iputils-ping netcat-openbsd
	python3 procps jq iperf3 time valgrind
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages: ${missing[*]}; run as root (or: sudo $0)" >&2
	exit 1
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
