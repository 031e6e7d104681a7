#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/skbcat/record-veth.sh OUT.skb - make the real recording the skbcat
# golden tests use (veth.skb): two throwaway namespaces joined by a veth
# pair, skbrec on receive / transmit / kfree_skb (with stacks) while they
# exchange ARP, ICMP and ICMPv6 echo, a TCP connection and a UDP datagram to
# a closed port.  Needs root and BPF (skbrec, skbgrep in $BUILD); run by hand, commit the small result.
set -eu
out=$1
BUILD=${BUILD:-$(cd "$(dirname "$0")/../.." && pwd)/build}
a=skbcatrec$$a b=skbcatrec$$b
trap 'ip netns del $a 2>/dev/null; ip netns del $b 2>/dev/null' EXIT
ip netns add $a
ip netns add $b
ip link add vskc0 netns $a type veth peer name vskc1 netns $b
ip -n $a addr add 10.77.0.1/24 dev vskc0
ip -n $b addr add 10.77.0.2/24 dev vskc1
ip -n $a addr add fd77::1/64 dev vskc0 nodad
ip -n $b addr add fd77::2/64 dev vskc1 nodad
for ns in $a $b; do
	ip -n $ns link set lo up
	sysctl -qw net.ipv6.conf.all.disable_ipv6=0 >/dev/null
done
ip -n $a link set vskc0 up
ip -n $b link set vskc1 up
sleep 2     # let IPv6 autoconfiguration chatter settle before recording
ip netns exec $b sh -c 'nc -l -p 8080 >/dev/null &'
sleep 0.2
# skbrec sees every namespace: skbgrep keeps our two devices only.
"$BUILD/skbrec" -q -p tp:net:netif_receive_skb -p tp:net:net_dev_start_xmit \
	-p tp:skb:kfree_skb/stack -s 128 -o - --cmd "
	ip netns exec $a ping -c 1 -W 1 10.77.0.2 >/dev/null
	ip netns exec $a ping -6 -c 1 -W 1 fd77::2 >/dev/null
	echo hello | ip netns exec $a nc -q 0 -w 1 10.77.0.2 8080
	echo x | ip netns exec $a nc -u -q 0 -w 1 10.77.0.2 9999
	sleep 0.2" | "$BUILD/skbgrep" -i vskc0 -i vskc1 -o "$out"
