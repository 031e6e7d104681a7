#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# scripts/demo.sh (make demo) - record a little real traffic and show it:
# two throwaway namespaces joined by a veth pair, skbrec on the default
# probes while one pings the other, then skbcat and tcpdump (through
# skb2pcap) on the recording.  Everything it creates is removed on exit,
# also on failure or Ctrl-C.
set -euo pipefail

BUILD=${BUILD:-$(cd "$(dirname "$0")/.." && pwd)/build}
PATH=$BUILD:$PATH
id=$$
NS1=skbdemo$id-a NS2=skbdemo$id-b V1=skbd${id}a V2=skbd${id}b
TMP=$(mktemp -d /tmp/skbdemo.XXXXXX)

cleanup() {
	ip netns del "$NS1" 2>/dev/null || :
	ip netns del "$NS2" 2>/dev/null || :
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
	echo "demo.sh: needs root (network namespaces and BPF)" >&2
	exit 2
fi
command -v skbrec >/dev/null || { echo "demo.sh: skbrec is not built ($BUILD)" >&2; exit 2; }

say "two namespaces, one veth pair: $NS1/$V1 10.99.0.1 <-> $NS2/$V2 10.99.0.2"
ip netns add "$NS1"
ip netns add "$NS2"
ip link add "$V1" netns "$NS1" type veth peer name "$V2" netns "$NS2"
ip -n "$NS1" addr add 10.99.0.1/24 dev "$V1"
ip -n "$NS2" addr add 10.99.0.2/24 dev "$V2"
ip -n "$NS1" link set "$V1" up
ip -n "$NS2" link set "$V2" up

say "skbrec (tp:net:netif_receive_skb, tp:net:net_dev_start_xmit) while $NS1 pings $NS2"
echo "\$ skbrec --cmd 'ip netns exec $NS1 ping -c 3 -i 0.3 10.99.0.2' -o demo.skb"
skbrec -q --cmd "ip netns exec $NS1 ping -c 3 -i 0.3 10.99.0.2" -o "$TMP/demo.skb"

say "skbcat: the journey of each packet (events of the demo veths)"
if command -v skbcat >/dev/null; then
	echo "\$ skbcat demo.skb"
	skbcat "$TMP/demo.skb" | grep -A1 "($V1)\|($V2)" | grep -v '^--$' || :
else
	echo "(skbcat is not built yet)"
fi

say "tcpdump reading the recording through skb2pcap (only $V1's events, via skbgrep)"
if command -v skb2pcap >/dev/null && command -v skbgrep >/dev/null; then
	echo "\$ skbgrep -i $V1 demo.skb | skb2pcap | tcpdump -nn -r -"
	skbgrep -i "$V1" "$TMP/demo.skb" | skb2pcap | tcpdump -nn -r - 2>/dev/null | head -40 || :
elif command -v skb2pcap >/dev/null; then
	echo "\$ skb2pcap demo.skb | tcpdump -nn -r -   (skbgrep is not built yet)"
	skb2pcap "$TMP/demo.skb" | tcpdump -nn -r - 2>/dev/null | head -40 || :
else
	echo "(skb2pcap is not built yet)"
fi
