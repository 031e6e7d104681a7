# SPDX-License-Identifier: MIT
# tests/skbrec/lib.sh - helpers for the skbrec tests (t1xxx), sourced after
# tests/lib.sh.
#
#   run_case FN       run shell function FN in a fresh `bash -e -o pipefail`
#                     with the helpers below: a failure anywhere in a
#                     pipeline fails the case too (tests/lib.sh gives the
#                     body set -e only).  Variables FN needs must be
#                     exported.  Background jobs FN leaves running (a
#                     recorder, after a failed wait_for) are stopped when
#                     it ends, whatever the outcome.
#   wait_for FILE RE [S]  until RE matches a line of FILE (S seconds at
#                     most, default 10)
#   wait_file FILE    until FILE exists (10 s at most)
#   veth_pair         namespaces A and B joined by veth $VA/$VB with
#                     10.77.0.1/24 fd77::1 and 10.77.0.2/24 fd77::2;
#                     exports NS_A NS_B VA VB NETNS_A NETNS_B IFINDEX_A IFINDEX_B
#   routed NET        namespaces A - R - C: veths $VA/$VR0 with NET.1.1 /
#                     NET.1.2, $VR1/$VC with NET.2.1 / NET.2.2 (/24); R
#                     forwards, A and C route through it; exports NS_A NS_R
#                     NS_C VA VR0 VR1 VC

wait_for() {
	local i
	for i in $(seq $((${3:-10} * 10))); do
		grep -q -e "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timeout waiting for '$2' in $1"; cat "$1"; return 1
}

wait_file() {
	local i
	for i in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "timeout waiting for $1"; return 1
}

run_case() {
	bash -e -o pipefail -c "$(declare -f wait_for wait_file _reap_jobs "$1"); trap _reap_jobs EXIT; $1"
}

veth_pair() {
	local x ns
	make_netns A B || return 1
	VA=skv$$a VB=skv$$b
	ip link add "$VA" netns "$NS_A" type veth peer name "$VB" netns "$NS_B" || return 1
	for x in "A $VA 10.77.0.1 fd77::1" "B $VB 10.77.0.2 fd77::2"; do
		set -- $x
		ns=NS_$1; ns=${!ns}
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0
		ip -n "$ns" addr add "$3/24" dev "$2"
		ip -n "$ns" addr add "$4/64" dev "$2" nodad
		ip -n "$ns" link set "$2" up
	done
	NETNS_A=$(stat -L -c %i "/run/netns/$NS_A")
	NETNS_B=$(stat -L -c %i "/run/netns/$NS_B")
	IFINDEX_A=$(ip -n "$NS_A" -o link show "$VA" | cut -d: -f1)
	IFINDEX_B=$(ip -n "$NS_B" -o link show "$VB" | cut -d: -f1)
	export NS_A NS_B VA VB NETNS_A NETNS_B IFINDEX_A IFINDEX_B TOP BUILD PATH
}

routed() {
	local x net=$1
	make_netns A R C || return 1
	VA=skr$$a VR0=skr$$r0 VR1=skr$$r1 VC=skr$$c
	ip link add "$VA" netns "$NS_A" type veth peer name "$VR0" netns "$NS_R" || return 1
	ip link add "$VR1" netns "$NS_R" type veth peer name "$VC" netns "$NS_C" || return 1
	for x in "$NS_A $VA $net.1.1" "$NS_R $VR0 $net.1.2" "$NS_R $VR1 $net.2.1" \
		 "$NS_C $VC $net.2.2"; do
		set -- $x
		ip -n "$1" addr add "$3/24" dev "$2"
		ip -n "$1" link set "$2" up
	done
	ip -n "$NS_A" route add default via "$net.1.2"
	ip -n "$NS_C" route add default via "$net.2.1"
	ip netns exec "$NS_R" sysctl -qw net.ipv4.ip_forward=1
	export NS_A NS_R NS_C VA VR0 VR1 VC
}
