# SPDX-License-Identifier: MIT
# tests/vm/skbrec-guest.sh - run inside the 6.1 VM by t5010 in the case
# folder (shared read-write): records the scenarios whose results t5010
# checks on the host.  One boot for all of them; every step leaves its
# files and its status (NAME.rc) behind, the checks live in t5010.
#
#   fentry.skb / kprobe.skb   the same ping + TCP exchange between two
#       namespaces, recorded at once by skbrec without options (fentry /
#       fexit expected) and with --no-fentry (kprobe / kretprobe);
#       a-in.pcap / b-in.pcap what tcpdump received meanwhile on va / vb
#   glob.skb                  a glob over functions, with its attach time
#   list.txt                  skbrec -l 'k:*'; modsyms.txt the modules' symbols
#   core.err                  a function without a struct sk_buff * in BTF
set -u
. "$TOP/tests/vm/guest.sh"
vm_veth_pair

# wait_lines FILE RE N: until N lines of FILE match RE (60 s: TCG is slow)
wait_lines() {
	local _
	for _ in $(seq 600); do
		[ "$(grep -c -e "$2" "$1" 2>/dev/null)" -ge "$3" ] && return 0
		sleep 0.1
	done
	echo "wait_lines: fewer than $3 lines '$2' in $1 after 60 s" >&2
	return 1
}

for s in a:va b:vb; do
	ip netns exec skbt-${s%:*} tcpdump -n -U --immediate-mode -i ${s#*:} -Q in \
		-w ${s%:*}-in.pcap 2>td-${s%:*}.err &
done
wait_lines td-a.err "listening on" 1
wait_lines td-b.err "listening on" 1

P="-p k:ip_rcv -p kr:ip_rcv -p kr:ip_rcv_core -p k:__netif_receive_skb"
# shellcheck disable=SC2086
skbrec -v -q -s 4096 $P -o fentry.skb 2>fentry.err &
recf=$!
# shellcheck disable=SC2086
skbrec -v -q -s 4096 --no-fentry $P -o kprobe.skb 2>kprobe.err &
reck=$!
wait_lines fentry.err ": attached with" 4
wait_lines kprobe.err ": attached with" 4

# ARP first (empty neighbour tables), ICMP, then a TCP exchange
ip -n skbt-a neigh flush dev va
ip -n skbt-b neigh flush dev vb
ip netns exec skbt-a ping -q -c 3 -i 0.2 -W 5 10.199.0.2 >ping.out 2>&1
echo $? >ping.rc
ip netns exec skbt-b nc -l 10.199.0.2 7777 >tcp.got &
srv=$!
sleep 0.5
echo hello-tcp | ip netns exec skbt-a nc -N 10.199.0.2 7777
wait $srv
echo $? >tcp.rc
sleep 0.5
kill -INT $recf $reck
wait $recf
echo $? >fentry.rc
wait $reck
echo $? >kprobe.rc
sleep 0.5
for j in $(jobs -p); do kill "$j"; done
wait

# A glob over functions: attach time and what it records.
t0=$(date +%s%N)
skbrec -v -q -p 'k:ip_*' -o glob.skb \
	--cmd "echo \$(( (\$(date +%s%N) - $t0) / 1000000 )) >glob.ms; ip netns exec skbt-a ping -q -c 2 -i 0.2 -W 5 10.199.0.2" \
	>glob.out 2>glob.err
echo $? >glob.rc

skbrec -l 'k:*' >list.txt 2>list.err
echo $? >list.rc
grep '\[' /proc/kallsyms >modsyms.txt

skbrec -q -p k:__netif_receive_skb_core -d 1 -o core.skb 2>core.err
echo $? >core.rc

# fentry/fexit refused (as a verifier may): kprobes instead, -v says why
SKBREC_FAULT=refuse-fentry skbrec -v -q -p k:ip_rcv -p kr:ip_rcv -d 1 -o refused.skb \
	2>refused.err
echo $? >refused.rc
exit 0
