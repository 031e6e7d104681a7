#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbrec -f: libpcap's classic BPF translated to eBPF and run in the probe
# programs.  Differential: one recorder without a filter and one per
# expression (--no-follow) record the same traffic at the same time; each
# filtered recording must hold exactly the events `skbgrep -f EXPR` keeps
# from the unfiltered one (skbgrep runs libpcap's own bpf_filter on the
# same bytes).  Then following, and the errors.  Also on 6.1 in the VM.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"
test_also_in_vm

if ! need_skbrec || ! need_bpf || ! need_cmd python3 ping nc skbcat skbgrep; then
	test_skip "in-kernel pcap filter" "$SKIP_REASON"
	test_done; exit
fi
veth_pair

EXPRS=(
	'icmp' 'arp' 'ip6' 'udp port 53' 'tcp and dst port 7777' 'ip[8] == 64'
	'tcp[tcpflags] & tcp-syn != 0' 'ether broadcast' 'not ip and not ip6'
	'len > 100' 'greater 200' 'less 60' 'icmp6 and ip6[40] == 128'
	'host 10.77.0.2 and (tcp or udp)' 'portrange 7000-8000' 'ether[12:2] = 0x0806'
	'udp and ip[6:2] & 0x1fff = 0' 'tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x68656c6c'
	'ip and (ip[2:2] / 3) > 20' 'ip and (ip[2:2] % 7) = 3' 'ip[0] & 0xf > 5'
)
# under qemu's emulation, 8 of them (each recorder's verification is slow)
[ -n "${SKBT_IN_VM:-}" ] && EXPRS=("${EXPRS[@]:0:8}")
printf '%s\n' "${EXPRS[@]}" >"$TRASH/exprs"
export TRASH

differential() {
	pids=
	trap 'kill $pids 2>/dev/null || :' EXIT
	skbrec -v -q -s 512 -o all.skb 2>all.err &
	pids=$!
	# the same through bpf_probe_read_kernel, as on kernels before 6.17
	SKBREC_FAULT=no-ptr-mem skbrec -v -q -s 512 -o helper.skb 2>helper.err &
	pids="$pids $!"
	i=0
	while read -r e; do
		skbrec -v -q -s 512 --no-follow -f "$e" -o f$i.skb 2>f$i.err &
		pids="$pids $!"
		i=$((i + 1))
	done <"$TRASH/exprs"
	for f in all.err helper.err f*.err; do wait_for $f "net_dev_start_xmit: attached" 120; done
	allpid=${pids%% *}
	# the window every recorder saw whole (monotonic ns: the events' clock)
	t0=$(python3 -c "import time; print(time.monotonic_ns())")
	# ARP, ICMP, ICMPv6, UDP (53, 9999), TCP 7777 with data
	ip -n $NS_A neigh flush dev $VA
	ip netns exec $NS_A ping -q -c 3 -i 0.1 10.77.0.2 >/dev/null
	ip netns exec $NS_A ping -q -6 -c 3 -i 0.1 fd77::2 >/dev/null
	ip netns exec $NS_A ping -q -c 2 -s 300 10.77.0.2 >/dev/null
	echo q | ip netns exec $NS_A nc -u -w1 10.77.0.2 53 || :
	echo q | ip netns exec $NS_A nc -u -w1 10.77.0.2 9999 || :
	ip netns exec $NS_B nc -l 7777 >/dev/null &
	srv=$!
	sleep 0.3
	echo hello-tcp | ip netns exec $NS_A nc -N 10.77.0.2 7777
	wait $srv
	sleep 0.3
	t1=$(python3 -c "import time; print(time.monotonic_ns())")
	kill -INT ${pids#* }
	wait ${pids#* }
	kill -INT $allpid
	wait $allpid
	export t0 t1
	pids=
	# In place (6.17+) or through the helper, the same events, bytes and
	# tracking: the same events share an id in both recordings.
	grep -h "sk_buff buffer:" all.err helper.err
	python3 - all.skb helper.skb $VA $VB <<-\PY
	import json, os, subprocess, sys
	def events(path):
	    out = subprocess.run(["skbcat", "-j", path], capture_output=True, text=True,
	                         check=True).stdout
	    ev = {}
	    for l in out.splitlines():
	        e = json.loads(l)
	        if e.get("type") == "event" and e["ifname"] in sys.argv[3:5] and \
	           int(os.environ["t0"]) <= e["ts"] <= int(os.environ["t1"]):
	            k = (e["probe"]["spec"], e["skb"], e["orig_len"], e["len"], e["data"])
	            ev.setdefault(k, []).append(e["track"])
	    return ev
	a, b = events(sys.argv[1]), events(sys.argv[2])
	print(f"in place: {sum(map(len, a.values()))} events, helper: {sum(map(len, b.values()))}")
	assert a.keys() == b.keys(), (set(a) ^ set(b))
	assert all(len(a[k]) == len(b[k]) for k in a)
	# the partition by tracking id: id in one <-> id in the other
	pairs = {(x, y) for k in a for x, y in zip(sorted(a[k]), sorted(b[k]))}
	ids_a = {x for x, _ in pairs}; ids_b = {y for _, y in pairs}
	assert len(pairs) == len(ids_a) == len(ids_b), "the two recordings track differently"
	print(f"{len(ids_a)} tracking ids in both")
	PY
	i=0
	while read -r e; do
		st=0; skbgrep -f "$e" all.skb >want$i.skb || st=$?
		test $st = 0 || test $st = 1   # 1: nothing matched, as grep
		python3 - "$e" want$i.skb f$i.skb $VA $VB <<-\PY
		import json, os, subprocess, sys
		def keys(path):
		    out = subprocess.run(["skbcat", "-j", path], capture_output=True, text=True,
		                         check=True).stdout
		    ks = []
		    for l in out.splitlines():
		        e = json.loads(l)
		        # (this test's veth pair and traffic window only: other
		        # namespaces talk too, and MLD reports come when they will)
		        if e.get("type") == "event" and e["ifname"] in (va, vb) and \
		           int(os.environ["t0"]) <= e["ts"] <= int(os.environ["t1"]):
		            ks.append((e["probe"]["spec"], e["skb"], e["orig_len"], e["data"]))
		    return sorted(ks)
		va, vb = sys.argv[4], sys.argv[5]
		want, got = keys(sys.argv[2]), keys(sys.argv[3])
		print(f"{sys.argv[1]!r}: skbgrep keeps {len(want)}, the kernel recorded {len(got)}")
		if want != got:
		    w, g = set(want), set(got)
		    for k in list(w - g)[:3]:
		        print("  only skbgrep:", k[:3], k[3][:80])
		    for k in list(g - w)[:3]:
		        print("  only kernel:", k[:3], k[3][:80])
		    sys.exit(1)
		PY
		i=$((i + 1))
	done <"$TRASH/exprs"
	# the traffic reached the filters: most expressions matched something
	test "$(for f in f*.skb; do skbcat "$f" | grep -c "^[0-9]"; done | grep -vc '^0$')" -ge $((i * 2 / 3))
}
test_expect_success "-f EXPR records exactly what skbgrep -f EXPR keeps (${#EXPRS[@]} expressions)" \
	'run_case differential'

# Following: B redirects UDP port 9999 to 9998 (nftables, after
# netif_receive_skb), where nothing listens.  'udp dst port 9999' matches
# the datagram at A's xmit and B's receive; where B drops it
# (skb:kfree_skb, NO_SOCKET) it says 9998 and passes only by following;
# --no-follow drops that event.
ip netns exec "$NS_B" nft -f - <<EOF
table ip skbt_redirect {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		udp dport 9999 redirect to :9998
	}
}
EOF
export FOLLOW

follow() {
	rec=
	trap 'kill $rec 2>/dev/null || :' EXIT
	skbrec -v -q $FOLLOW -f 'udp dst port 9999' -p tp:net:net_dev_start_xmit \
		-p tp:net:netif_receive_skb -p tp:skb:kfree_skb \
		-o run.skb 2>rec.err &
	rec=$!
	wait_for rec.err "kfree_skb: attached"
	echo follow-me | ip netns exec $NS_A nc -u -w1 10.77.0.2 9999 || :
	ip netns exec $NS_A ping -q -c 2 -i 0.1 10.77.0.2 >/dev/null
	sleep 0.3
	kill -INT $rec
	wait $rec
	rec=
	skbcat -j run.skb | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
ev = [e for e in ev if e.get("type") == "event"]
print([(e["probe"]["spec"], e["summary"][:60]) for e in ev])
sock = [e for e in ev if e["probe"]["spec"] == "tp:skb:kfree_skb"]
assert all("9999" in e["summary"] for e in ev if e not in sock)
assert len(ev) - len(sock) == 2, len(ev)
# one packet, one id: the tracker runs only for what is recorded
# (and what it may know), and still joins the events
assert len(set(e["track"] for e in ev)) == 1, ev
if sys.argv[1] == "follow":
    assert len(sock) == 1 and ".9998" in sock[0]["summary"], sock
else:
    assert not sock, sock
' "${FOLLOW:-follow}"
}
FOLLOW=
test_expect_success "-f follows a packet that matched to later probes (after NAT)" 'run_case follow'
FOLLOW=--no-follow
test_expect_success "-f --no-follow: only the events that match themselves" 'run_case follow'

# Function probes take the filter too (fentry/fexit instances, and the
# kprobe programs libbpf loads): where the kernel has them (the VM).
if skbrec -q -p k:__netif_receive_skb -d 1 -o /dev/null 2>/dev/null; then
	export FNOPTS
	fn_filter() {
		rec=
		trap 'kill $rec 2>/dev/null || :' EXIT
		skbrec -v -q $FNOPTS -f icmp -p k:__netif_receive_skb -p kr:ip_rcv_core \
			-o run.skb 2>rec.err &
		rec=$!
		wait_for rec.err "kr:ip_rcv_core: attached" 120
		ip netns exec $NS_A ping -q -c 5 -i 0.1 10.77.0.2 >/dev/null
		echo q | ip netns exec $NS_A nc -u -w1 10.77.0.2 9999 || :
		sleep 0.3
		kill -INT $rec
		wait $rec
		rec=
		cat rec.err
		skbcat -j run.skb | python3 -c '
import json, sys
ev = [json.loads(l) for l in sys.stdin]
ev = [e for e in ev if e.get("type") == "event"]
specs = {}
for e in ev:
    assert e["packet"]["ip_proto"] == 1, e["summary"]
    specs[e["probe"]["spec"]] = specs.get(e["probe"]["spec"], 0) + 1
print(specs)
assert specs.get("k:__netif_receive_skb", 0) >= 10 and specs.get("kr:ip_rcv_core", 0) >= 10, specs
'
	}
	FNOPTS=
	test_expect_success "-f on function probes (fentry/fexit)" 'run_case fn_filter'
	FNOPTS=--no-fentry
	test_expect_success "-f on function probes (kprobe/kretprobe)" 'run_case fn_filter'
else
	why=$(skbrec -q -p k:__netif_receive_skb -d 1 -o /dev/null 2>&1 | head -1)
	test_skip "-f on function probes (fentry/fexit, kprobe/kretprobe)" "${why#skbrec: }"
fi

test_expect_success "-f errors: bad syntax, protochain, exit 2 with one line, no file" '
	st=0; skbrec -f "tcp port" -o x.skb 2>e.out || st=$?
	test $st = 2 && test "$(wc -l <e.out)" = 1 && grep -q "^skbrec: -f: .*syntax error" e.out &&
	st=0; skbrec -f "ip protochain 6" -o x.skb 2>e.out || st=$?
	test $st = 2 && test "$(wc -l <e.out)" = 1 && grep -q "protochain" e.out &&
	test ! -e x.skb
'

# The kprobe programs with -f refused at load (as 6.1's verifier once did):
# skbrec tries again without them and says why the probe cannot attach,
# exit 2, no file, no crash (libbpf 1.1 freed its handler table twice on
# that retry).
test_expect_success "-f with the kprobe programs refused: a clear error, exit 2" '
	st=0
	SKBREC_FAULT=refuse-kprobe skbrec --no-fentry -p k:ip_rcv -f udp -o x.skb 2>e.out || st=$?
	cat e.out
	test $st = 2 && grep -q "^skbrec: SKBREC_FAULT=refuse-kprobe: " e.out &&
	grep -q "^skbrec: k:ip_rcv: cannot attach: .*kprobe: " e.out &&
	test "$(wc -l <e.out)" = 2 && test ! -e x.skb
'

test_done
