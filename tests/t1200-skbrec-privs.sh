#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbrec and privileges: -Z USER goes on as USER once attached (USER owns
# the file; stacks, symbols and loss counters still work: on kernels before
# 6.5 with CAP_BPF kept, nothing else); a recorder killed with SIGKILL
# leaves a file readable up to its last flush, called truncated, and no
# BPF program behind (nothing is pinned).  Also run on 6.1 in the VM, whose
# kernel needs CAP_BPF for map lookups.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"
test_also_in_vm

if ! need_skbrec || ! need_bpf || ! need_cmd ping python3 skbcat bpftool; then
	test_skip "skbrec privileges" "$SKIP_REASON"
	test_done; exit
fi
if ! id nobody >/dev/null 2>&1; then
	test_skip "skbrec privileges" "no user nobody"
	test_done; exit
fi
veth_pair
chmod 711 "$TRASH"

# our programs in the kernel: "ID NAME" lines
ours() {
	bpftool prog show | sed -n 's/^\([0-9]*\): .* name \(skb_[a-z_]*\|track_[a-z_]*\) .*/\1 \2/p' | sort
}
export -f ours

drop_to_nobody() {
	mkdir z && chown nobody z
	skbrec -v -q -Z nobody -p tp:net:netif_receive_skb/stack -o z/z.skb 2>z.err &
	rec=$!
	wait_for z.err "running as nobody"
	ip netns exec $NS_A ping -q -c 5 -i 0.1 10.77.0.2
	ps -o user= -p $rec | grep -qx nobody
	cap=$(sed -n 's/^CapEff:\s*//p' /proc/$rec/status)
	echo "CapEff $cap"
	# nothing, or CAP_BPF (39) alone
	test "$cap" = 0000000000000000 || test "$cap" = 0000008000000000
	if [ "$cap" != 0000000000000000 ]; then grep -q "with CAP_BPF only" z.err; fi
	kill -INT $rec
	wait $rec
	cat z.err
	grep -q "^[0-9]* events recorded, 0 lost$" z.err
	test "$(stat -c '%U %a' z/z.skb)" = "nobody 600"
	skbcat -j z/z.skb >z.json
	python3 - "$VB" <<-\PY
	import json, sys
	n = 0
	for line in open("z.json"):
	    ev = json.loads(line)
	    if ev["type"] != "event" or ev["ifname"] != sys.argv[1] or "echo request" not in ev["summary"]:
	        continue
	    syms = [f["sym"] for f in ev["stack"] or []]
	    # symbols were read while still root: names, not bare addresses
	    assert syms and all(s for s in syms[:3]), syms
	    n += 1
	assert n >= 5, n
	PY
}

killed() {
	before=$(ours)
	ip netns exec $NS_A ping -q -i 0.02 10.77.0.2 >/dev/null 2>&1 &
	skbrec -v -q -o k.skb 2>k.err &
	rec=$!
	wait_for k.err "net_dev_start_xmit: attached"
	sleep 2
	kill -KILL $rec
	wait $rec || :
	st=0; skbcat -j k.skb >k.json 2>k.cat || st=$?
	cat k.cat
	test $st = 2
	grep -q "truncated" k.cat
	# what was flushed before the kill reads back
	test "$(grep -c '"type":"event"' k.json)" -gt 10
	# the programs went with the process
	for i in $(seq 50); do
		[ "$(ours)" = "$before" ] && break
		sleep 0.1
	done
	test "$(ours)" = "$before"
	! ls /sys/fs/bpf 2>/dev/null | grep -i skb
}

test_expect_success '-Z nobody: runs as nobody, who owns the file; stacks and counts work' 'run_case drop_to_nobody'
test_expect_success 'SIGKILL: the file reads up to the last flush; no BPF program stays' 'run_case killed'

test_done
