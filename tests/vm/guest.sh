# SPDX-License-Identifier: MIT
# tests/vm/guest.sh - sourced by scripts that tests run inside the VM
# (run_in_vm bash script.sh); the guest is a throw-away machine, so these
# helpers may use fixed names and addresses.
#
#   vm_veth_pair [noipv6]
#                   namespaces skbt-a (10.199.0.1) and skbt-b (10.199.0.2)
#                   joined by veth va <-> vb, both up; noipv6: IPv6 off in
#                   both, so no router solicitation or MLD report is sent
#                   on its own while a test counts packets
#   vm_wait_file F  wait (up to 30 s, TCG is slow) until F is non-empty

vm_veth_pair() {
	ip netns add skbt-a
	ip netns add skbt-b
	if [ "${1:-}" = noipv6 ]; then
		for n in skbt-a skbt-b; do
			ip netns exec $n sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
				net.ipv6.conf.default.disable_ipv6=1
		done
	fi
	ip link add va netns skbt-a type veth peer vb netns skbt-b
	ip -n skbt-a addr add 10.199.0.1/24 dev va
	ip -n skbt-b addr add 10.199.0.2/24 dev vb
	ip -n skbt-a link set lo up
	ip -n skbt-b link set lo up
	ip -n skbt-a link set va up
	ip -n skbt-b link set vb up
}

vm_wait_file() {
	local _
	for _ in $(seq 300); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	echo "vm_wait_file: $1 still empty after 30 s" >&2
	return 1
}
