# SPDX-License-Identifier: MIT
# tests/skbrec/vm-functions.sh - run inside the 6.1 VM (tests/vm/run.sh) by
# t1150: skbrec on kernel functions through every mechanism this host's
# kernel lacks.  Prints one line per case, "PASS name" or "FAIL name: why",
# then the logs of failed cases.
set -u
ip link set lo up

# case NAME CHECK SKBREC-ARGS...: record while pinging 127.0.0.1, then
# CHECK (a shell snippet over c.json / c.err) decides.
case_() {
	local name=$1 check=$2
	shift 2
	rm -f c.skb c.json c.err
	# --cmd starts the traffic once every probe is attached
	skbrec -v -q "$@" -o c.skb 2>c.err \
		--cmd "ping -q -c 100 -i 0.01 127.0.0.1 >/dev/null"
	local st=$?
	skbcat -j c.skb >c.json 2>>c.err
	if [ $st = 0 ] && eval "$check" >>c.err 2>&1; then
		echo "PASS $name"
	else
		echo "FAIL $name: status $st; $(grep -v '^libbpf' c.err | tr '\n' ' ' | cut -c1-600)"
	fi
}

# events of probe P (spec) that hold an ICMP echo request on lo
echoes() {
	grep "\"spec\":\"$1\"" c.json | grep '"ifname":"lo"' | grep -c "echo request"
}

case_ fentry '[ $(echoes k:ip_rcv) -ge 50 ] && grep -q "k:ip_rcv: attached with fentry" c.err' \
	-p k:ip_rcv
case_ fexit '[ $(echoes kr:ip_rcv_core) -ge 50 ] && grep -q "attached with fexit" c.err' \
	-p kr:ip_rcv_core
case_ kprobe '[ $(echoes k:ip_rcv) -ge 50 ] && grep -q "attached with kprobe" c.err' \
	--no-fentry -p k:ip_rcv
case_ kretprobe '[ $(echoes kr:ip_rcv_core) -ge 50 ] && grep -q "attached with kretprobe" c.err' \
	--no-fentry -p kr:ip_rcv_core
case_ glob '[ $(echoes k:ip_rcv) -ge 50 ] && [ $(echoes k:ip_rcv_core) -ge 50 ]' \
	-p 'k:ip_rcv*'
case_ glob-kprobe '[ $(echoes k:ip_rcv) -ge 50 ] && [ $(echoes k:ip_rcv_core) -ge 50 ] &&
	grep -q "attached with kprobe" c.err' \
	--no-fentry -p 'k:ip_rcv*'
case_ reason-arg-fentry '[ $(grep -c "\"spec\":\"k:kfree_skb_reason\".*\"drop\":{" c.json) -ge 1 ]' \
	-p k:kfree_skb_reason -p k:ip_rcv
case_ stack '[ $(echoes k:ip_rcv) -ge 50 ] && grep "\"spec\":\"k:ip_rcv\"" c.json | head -1 |
	grep -q "\"sym\":\"__netif_receive_skb"' \
	--no-fentry -p k:ip_rcv/stack
