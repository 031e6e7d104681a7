#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbrec's command line and probes: --help/--version, bad options, -l
# listing from BTF, errors for unknown probes and probes without an skb,
# glob attach of tp:net:*, kprobe/fentry (here: the missing kernel feature
# is named; where the kernel has them, they record).
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"

if ! need_skbrec; then
	test_skip "skbrec command line and probes" "$SKIP_REASON"
	test_done; exit
fi

help_version() {
	skbrec --help >h.out
	grep -q "^usage: skbrec" h.out
	grep -q -- "--cmd CMD" h.out
	skbrec --version | grep -qx "skbrec (skbtools) [0-9.]*"
	st=0; skbrec --bogus 2>e.out || st=$?
	test $st = 2
	st=0; skbrec -s 262145 2>e.out || st=$?
	test $st = 2 && grep -q "out of range" e.out
	st=0; skbrec -s 12x 2>e.out || st=$?
	test $st = 2 && grep -q "not a number" e.out
	st=0; skbrec -W 3 -o x.skb 2>e.out || st=$?
	test $st = 2 && grep -q "needs -C" e.out
	st=0; skbrec -C 1m 2>e.out || st=$?
	test $st = 2 && grep -q "need -o FILE" e.out
	test ! -e x.skb
}
export -f help_version
test_expect_success '--help, --version, bad options exit 2 with a message' 'run_case help_version'

if ! need_bpf; then
	test_skip "probes from BTF" "$SKIP_REASON"
	test_done; exit
fi
veth_pair

list() {
	skbrec -l 'tp:net:*' >net.out
	grep -qx "tp:net:netif_receive_skb	skb=0" net.out
	grep -qx "tp:net:net_dev_start_xmit	skb=0" net.out
	# every listed line is a net tracepoint with an skb argument
	! grep -v "^tp:net:[a-z_0-9]*	skb=[0-9]" net.out
	# no type, one colon: tracepoints; a plain word: a substring
	skbrec -l net:netif_receive_skb | grep -q "^tp:net:netif_receive_skb	"
	skbrec -l k:ip_rcv_finish | grep -q "^k:ip_rcv_finish	skb=[0-9]"
	skbrec -l kr:ip_rcv | grep -q "^kr:ip_rcv	skb=0"
	# functions without an skb are not listed; nothing listed: status 1
	st=0; skbrec -l k:schedule >s.out || st=$?
	test $st = 1 && test ! -s s.out
	# one listing of everything
	skbrec -l >all.out
	test $(grep -c "^tp:" all.out) -gt 10 && test $(grep -c "^k:" all.out) -gt 100
}

errors() {
	st=0; skbrec -p tp:net:no_such_tp -o x.skb 2>e1 || st=$?
	cat e1; test $st = 2
	grep -q "tp:net:no_such_tp.*no such tracepoint (try skbrec -l 'tp:net:\*')" e1
	st=0; skbrec -p tp:sched:sched_switch -o x.skb 2>e2 || st=$?
	cat e2; test $st = 2
	grep -q "tp:sched:sched_switch.*no struct sk_buff \* argument" e2
	st=0; skbrec -p k:no_such_function_xyz -o x.skb 2>e3 || st=$?
	cat e3; test $st = 2
	grep -q "no such kernel function" e3
	st=0; skbrec -p k:schedule -o x.skb 2>e4 || st=$?
	cat e4; test $st = 2
	grep -q "schedule has no struct sk_buff \* argument" e4
	st=0; skbrec -p "tp:sched:*" -o x.skb 2>e5 || st=$?
	cat e5; test $st = 2
	grep -q "none of the [0-9]* matching probes has a struct sk_buff" e5
	st=0; skbrec -p tp:net:netif_rx/nostack -o x.skb 2>e6 || st=$?
	test $st = 2 && grep -q "unknown option '/nostack'" e6
}

verifier() {
	skbrec -vv -q -p tp:net:netif_receive_skb -d 1 -o x.skb 2>vv.err
	# -vv: one line per loaded probe program with the verifier's effort
	grep -q "^skbrec: verifier: processed [0-9]* insns" vv.err
	# a program the verifier refuses (a read above the stack, put first
	# by the fault): one line that says so, and with -vv the verifier's
	# own log of the refused instruction
	st=0; SKBREC_FAULT=verifier-refuses skbrec -q -p tp:net:netif_receive_skb -d 1 \
		-o r.skb 2>r.err || st=$?
	cat r.err
	test $st = 2
	grep -qx "skbrec: tp:net:netif_receive_skb: cannot attach: tp_btf: Permission denied; raw_tp: Permission denied (the verifier refused it: -vv prints its log)" r.err
	st=0; SKBREC_FAULT=verifier-refuses skbrec -vv -q -p tp:net:netif_receive_skb -d 1 \
		-o r.skb 2>rv.err || st=$?
	test $st = 2
	grep -qF "0: (79) r0 = *(u64 *)(r10 +8)" rv.err
	grep -q "invalid read from stack" rv.err
}

glob() {
	skbrec -v -q -p 'tp:net:*' -o g.skb 2>g.err &
	rec=$!
	wait_for g.err "attached"
	sleep 0.5
	ip netns exec $NS_A ping -q -c 3 -i 0.1 10.77.0.2
	kill -INT $rec
	wait $rec
	cat g.err
	# every tp:net probe with an skb got attached, with tp_btf here
	test "$(grep -c "attached with tp_btf" g.err)" = "$(skbrec -l 'tp:net:*' | wc -l)"
	# probes without an skb argument are skipped with one warning
	grep -q "tp:net:\*.: [0-9]* matching probes have no struct sk_buff \* argument, skipped" g.err
	skbcat -j g.skb >g.json
	# the veth traffic passed through several of them
	n=$(grep "\"ifname\":\"$VA\"" g.json | grep -o '"spec":"tp:net:[a-z_]*"' | sort -u | tee /dev/stderr | wc -l)
	test "$n" -ge 3
}

unprivileged() {
	st=0
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		skbrec -o /tmp/skbrec-np-$$.skb 2>np.err || st=$?
	cat np.err
	test $st = 2
	grep -qx "skbrec: needs root (or CAP_BPF and CAP_PERFMON) to load BPF programs" np.err
	test ! -e /tmp/skbrec-np-$$.skb
}

no_btf() {
	# hide the kernel's BTF in a private mount namespace
	st=0
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec skbrec -o x.skb' 2>nb.err || st=$?
	cat nb.err
	test $st = 2
	test "$(wc -l <nb.err)" = 1
	grep -q "^skbrec: kernel BTF not available (/sys/kernel/btf/vmlinux: .*CONFIG_DEBUG_INFO_BTF=y" nb.err
	st=0
	unshare -m sh -c 'mount -t tmpfs none /sys/kernel/btf && exec skbrec -l' 2>nb.err || st=$?
	test $st = 2 && grep -q "kernel BTF not available" nb.err
}

test_expect_success '-l lists probes with their skb argument from BTF' 'run_case list'
if need_cmd unshare; then
	test_expect_success 'no kernel BTF: one clear line, exit 2' 'run_case no_btf'
else
	test_skip 'no kernel BTF: one clear line, exit 2' "$SKIP_REASON"
fi
if need_cmd setpriv; then
	test_expect_success 'without privileges: one clear line, exit 2' 'run_case unprivileged'
else
	test_skip 'without privileges: one clear line, exit 2' "$SKIP_REASON"
fi
test_expect_success 'unknown probes and probes without an skb: clear errors' 'run_case errors'
test_expect_success '-vv prints the verifier effort of each probe program, and its log of a refusal' 'run_case verifier'
test_expect_success 'tp:net:* attaches every net tracepoint with an skb' 'run_case glob'

# ---- kernel functions: fentry/fexit, kprobe/kretprobe, kprobe-multi ----
kfeat() {
	st=0; skbrec -q -p "$1" -d 1 -o /dev/null 2>"$TRASH/kfeat.err" || st=$?
	[ $st = 0 ]
}

missing_feature() {
	st=0; skbrec -q -p k:ip_rcv -d 1 -o x.skb 2>e || st=$?
	cat e; test $st = 2
	grep -q "^skbrec: k:ip_rcv: cannot attach: fentry: .*; kprobe: " e
	grep -q "this kernel refuses BPF trampolines\|fentry: " e
	grep -q "this kernel has no kprobes\|kprobe programs do not load" e
	st=0; skbrec -q -p kr:ip_rcv -d 1 -o x.skb 2>e || st=$?
	cat e; test $st = 2
	grep -q "^skbrec: kr:ip_rcv: cannot attach: fexit: .*; kretprobe: " e
	# a glob of functions none of which can attach: counted, one reason, exit 2
	st=0; skbrec -q -p "k:ip_rcv*" -d 1 -o x.skb 2>e || st=$?
	cat e; test $st = 2
	grep -q "probes matched by a glob cannot be attached here, skipped" e
	grep -q "^skbrec: k:ip_rcv[a-z_]*: cannot attach: fentry: .*; kprobe: " e
	grep -q "^skbrec: no probe could be attached" e
	# as on kernels without attach cookies: a copy of the program per
	# kprobe, the filter spliced in, loaded (the verifier's count, -vv)
	# before the missing kprobe PMU stops it
	st=0; SKBREC_FAULT=no-attach-cookie skbrec -vv -q --no-fentry -f icmp -p k:ip_rcv \
		-d 1 -o x.skb 2>e || st=$?
	grep -v '^libbpf' e | tail -n 5; test $st = 2
	grep -q "^skbrec: verifier: processed [0-9]* insns" e
	grep -q "^skbrec: k:ip_rcv: cannot attach: .*kprobe: this kernel has no kprobes" e
}

func_records() {
	skbrec -v -q -p "$1" -o f.skb 2>f.err &
	rec=$!
	wait_for f.err "attached"
	sleep 0.3
	ip netns exec $NS_A ping -q -c 3 -i 0.1 10.77.0.2
	kill -INT $rec
	wait $rec
	cat f.err
	skbcat -j f.skb | grep "\"ifname\":\"$VB\"" | grep -c "echo request" | grep -qv "^0$"
}
export -f func_records

if [ ! -e /sys/bus/event_source/devices/kprobe/type ] && ! kfeat k:ip_rcv; then
	test_expect_success 'no fentry and no kprobes: the error names what is missing' 'run_case missing_feature'
	why="this kernel refuses BPF trampolines and has no kprobes (see case $_n)"
	test_skip "k:ip_rcv records the veth's echo requests" "$why"
	test_skip "kr:ip_rcv records at return" "$why"
	test_skip "k:ip_rcv* glob (kprobe-multi) records" "$why"
	test_skip "k:ip_rcv/stack records a stack" "$why"
else
	k1() { func_records k:ip_rcv; }
	k2() { func_records kr:ip_rcv; }
	k3() { func_records 'k:ip_rcv*'; }
	k4() {
		func_records k:ip_rcv/stack
		skbcat -j f.skb | grep -q '"sym":"__netif_receive_skb'
	}
	test_expect_success "k:ip_rcv records the veth's echo requests" 'run_case k1'
	test_expect_success 'kr:ip_rcv records at return' 'run_case k2'
	test_expect_success 'k:ip_rcv* glob (kprobe-multi) records' 'run_case k3'
	test_expect_success 'k:ip_rcv/stack records a stack' 'run_case k4'
fi

test_done
