#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Full packet bytes: a TCP transfer between two namespaces puts its payload
# in page fragments (and GSO super-packets on the veth).  With -s 4096 and
# with -s 0, every event at net_dev_start_xmit / netif_receive_skb on A's
# veth must hold min(length, snaplen) bytes equal to what tcpdump -s N
# captured there (tests/skbrec/frags.py); tracepoints through tp_btf and
# raw_tp.  Also runs on 6.1 in the VM, with k:__netif_receive_skb,
# kr:ip_rcv_core and the glob k:ip_rcv* on top (fentry/fexit, kprobes/
# kretprobes with --no-fentry).  Meanwhile a second recorder with -f on a
# byte past the linear headers ('tcp[200] & 1 = 1': the probes run the
# filter on the linear bytes first, copy the fragments and run it again)
# must record exactly the events skbgrep -f keeps of the first recording.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"
test_also_in_vm

if ! need_skbrec || ! need_bpf || ! need_cmd tcpdump python3 skbcat; then
	test_skip "fragments: bytes equal tcpdump's" "$SKIP_REASON"
	test_done; exit
fi
veth_pair
export SNAP OPTS FN
FILTER='tcp[200] & 1 = 1'
export FILTER
# Function probes where the kernel has them (the VM): fentry/fexit, or
# kprobes/kretprobes with --no-fentry; a glob (kprobe-multi where the
# kernel offers it: Debian's 6.1 refuses it, so it attaches one by one).
FN=
skbrec -q -p k:__netif_receive_skb -d 1 -o /dev/null 2>/dev/null &&
	FN="-p k:__netif_receive_skb -p kr:ip_rcv_core -p k:ip_rcv*"

frags_vs_tcpdump() {
	rec= tin= tout= flt=
	trap 'kill $rec $flt $tin $tout 2>/dev/null || :' EXIT
	ip netns exec $NS_A tcpdump --immediate-mode -U -n -B 65536 -s $SNAP -i $VA -Q in -w in.pcap 2>td-in.err &
	tin=$!
	ip netns exec $NS_A tcpdump --immediate-mode -U -n -B 65536 -s $SNAP -i $VA -Q out -w out.pcap 2>td-out.err &
	tout=$!
	wait_for td-in.err "listening on"
	wait_for td-out.err "listening on"
	skbrec -v -q -s $SNAP -b 64m $OPTS -p tp:net:netif_receive_skb \
		-p tp:net:net_dev_start_xmit -o run.skb 2>rec.err &
	rec=$!
	skbrec -v -q -s 512 --no-follow -f "$FILTER" $OPTS -p tp:net:netif_receive_skb \
		-p tp:net:net_dev_start_xmit -o flt.skb 2>flt.err &
	flt=$!
	# (one fentry program per function of the glob: slow under qemu)
	wait_for rec.err "net_dev_start_xmit: attached" 120
	wait_for flt.err "net_dev_start_xmit: attached" 120
	# B sinks 4 MiB from A (a byte pattern, so fragment bytes are checked),
	# then answers with 1 MiB.
	ip netns exec $NS_B python3 -c '
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.77.0.2", 7000)); s.listen(1)
open("srv.ready", "w").close()
c, _ = s.accept()
n = 0
while n < 4 << 20:
    d = c.recv(1 << 16)
    if not d:
        break
    n += len(d)
c.sendall(bytes(range(251)) * 4200)
c.close()
print("B got", n)
' &
	srv=$!
	wait_file srv.ready
	ip netns exec $NS_A python3 -c '
import socket
s = socket.create_connection(("10.77.0.2", 7000))
pat = bytes((i * 7) & 255 for i in range(65536))
for _ in range(64):
    s.sendall(pat)
n = 0
while True:
    d = s.recv(1 << 16)
    if not d:
        break
    n += len(d)
assert n == 251 * 4200, n
'
	wait $srv
	sleep 0.3
	kill -INT $rec $flt
	wait $rec $flt
	rec= flt=
	sleep 0.3
	kill $tin $tout
	wait $tin $tout || :
	tin= tout=
	# (tcpdump must have kept everything too, for the comparison to hold)
	grep -q "^0 packets dropped by kernel" td-in.err
	grep -q "^0 packets dropped by kernel" td-out.err
	cat rec.err
	grep -q "^[0-9]* events recorded, 0 lost$" rec.err
	! grep -q "lack packet bytes" rec.err
	skbcat -j run.skb >run.json
	python3 "$TOP/tests/skbrec/frags.py" run.json in.pcap out.pcap $VA $SNAP
	grep -q "^[0-9]* events recorded, 0 lost$" flt.err
	st=0; skbgrep -f "$FILTER" run.skb >want.skb || st=$?
	test $st = 0
	skbcat -j want.skb >want.json
	skbcat -j flt.skb >flt.json
	python3 - want.json flt.json $VA <<-\PY
	import json, sys
	def keys(path, ifname):
	    ks, paged = [], 0
	    for l in open(path):
	        e = json.loads(l)
	        if e.get("type") == "event" and e["ifname"] == ifname:
	            ks.append((e["probe"]["spec"], e["skb"], e["orig_len"], e["data"][:1024]))
	            paged += e["data_len"] > 0
	    return sorted(ks), paged
	(want, paged), (got, _) = keys(sys.argv[1], sys.argv[3]), keys(sys.argv[2], sys.argv[3])
	print(f"-f: skbgrep keeps {len(want)} ({paged} with fragments), the kernel recorded {len(got)}")
	assert want == got, (len(set(want) - set(got)), len(set(got) - set(want)))
	assert paged >= 1, paged   # the fragments' path ran
	PY
	if [ -n "$FN" ]; then
		# the function probes recorded, through the mechanisms meant
		for s in k:__netif_receive_skb kr:ip_rcv_core k:ip_rcv k:ip_rcv_core; do
			grep -q "\"spec\":\"$s\".*\"ifname\":\"$VA\"" run.json
		done
		case $OPTS in
		*--no-fentry*) grep -q "^skbrec: kr:ip_rcv_core: attached with kretprobe" rec.err ;;
		*) grep -q "^skbrec: kr:ip_rcv_core: attached with fexit" rec.err ;;
		esac
	fi
}

while read -r SNAP OPTS; do
	OPTS="$OPTS $FN"
	test_expect_success "fragments, -s $SNAP $OPTS: every event on the veth holds tcpdump's bytes" \
		'run_case frags_vs_tcpdump'
done <<-EOF
	4096
	0
	0 --no-tp-btf --no-fentry
EOF

test_done
