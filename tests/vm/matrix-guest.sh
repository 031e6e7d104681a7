# SPDX-License-Identifier: MIT
# tests/vm/matrix-guest.sh - run inside a VM of the kernel matrix by t5100
# (one boot per kernel): skbrec on that kernel by every attach mechanism it
# offers, and the features that depend on the kernel: recording, tracking,
# full packets, the in-kernel filter, globs, drop reasons, stacks, -l, the
# buffer read in place (6.17+).
# Traffic is loopback: pings and UDP to 127.0.0.1.  Prints one line per
# case:
#   PASS NAME [HOW]     HOW: how skbrec attached (ptr-mem: how it read the
#                       buffer), for the matrix
#   FAIL NAME: WHY
#   SKIP NAME: WHY      the kernel lacks it; WHY says what
set -u
ip link set lo up
cd "$(mktemp -d)"

# traffic: 100 echo requests, and 30 UDP datagrams to a closed port 7777;
# big: 30 echo requests of 3000 bytes (scripts: --cmd runs them with sh)
cat >traffic <<'SH'
ping -q -c 100 -i 0.01 127.0.0.1 >/dev/null &
for i in $(seq 30); do echo "u$i" | nc -u -w0 127.0.0.1 7777; done
wait
SH
echo 'ping -q -c 30 -i 0.02 -s 3000 127.0.0.1 >/dev/null' >big

# rec NAME CHECK SKBREC-ARGS...: record while the traffic runs (started by
# --cmd once every probe is attached; TRAFFIC=big for big), then CHECK, a
# shell snippet over c.json and c.err, decides.  $how: how skbrec attached.
rec() {
	local name=$1 check=$2
	shift 2
	rm -f c.skb c.json c.err
	skbrec -v -q "$@" -o c.skb 2>c.err --cmd "bash $PWD/${TRAFFIC:-traffic}"
	st=$?
	skbcat -j c.skb >c.json 2>>c.err
	how=$(sed -n 's/^skbrec: [^ ]*: attached with \([a-z_-]*\).*/\1/p' c.err | sort -u | paste -sd/)
	# the kernel cannot attach this at all: a SKIP with skbrec's words
	if [ $st = 2 ] && grep -q "cannot attach\|cannot be attached here" c.err &&
		grep -q "no probe could be attached\|cannot attach" c.err && [ ! -s c.json ]; then
		echo "SKIP $name: $(grep -v '^libbpf' c.err | grep "cannot" | head -n1)"
		return 1
	fi
	also "$name" "$check"
}

# also NAME CHECK: one more check on the same recording
also() {
	if [ $st = 0 ] && (eval "$2") >>c.err 2>&1; then
		echo "PASS $1 ${how:-?}"
	else
		echo "FAIL $1: status $st; $(grep -v '^libbpf' c.err | tr '\n' ' ' | cut -c1-700)"
	fi
}

# n SPEC [GREP]: events of probe SPEC on lo [whose line matches GREP]
n() {
	grep "\"spec\":\"$1\"" c.json | grep '"ifname":"lo"' | grep -c -- "${2:-.}" || :
}

# the kernel's names of drop reasons (enum skb_drop_reason, 5.17+)
reasons=
bpftool btf dump file /sys/kernel/btf/vmlinux format raw 2>/dev/null |
	grep -q "ENUM 'skb_drop_reason'" && reasons=1

# Tracepoints through tp_btf: recording, stacks, tracking and drop reasons
# on one recording
rec tp_btf '[ $(n tp:net:netif_receive_skb "echo request") -ge 100 ] &&
	[ $(n tp:net:net_dev_start_xmit "echo request") -ge 100 ] && grep -q "attached with tp_btf" c.err' \
	-p tp:net:netif_receive_skb/stack -p tp:net:net_dev_start_xmit -p tp:skb:kfree_skb
also stack 'grep "\"spec\":\"tp:net:netif_receive_skb\"" c.json | head -n1 | grep -q "\"sym\":\"[a-z_]"'
# an echo request leaves and arrives as one packet: one tracking id
also tracking 'python3 - <<-PY
	import json
	seen = {}
	for l in open("c.json"):
	    e = json.loads(l)
	    if e["type"] == "event" and "echo request" in e["summary"]:
	        seen.setdefault(e["track"], set()).add(e["probe"]["spec"])
	both = [t for t, s in seen.items() if len(s) == 2]
	assert len(both) >= 100, (len(both), len(seen))
	PY'
# the closed port's datagrams die at kfree_skb: NO_SOCKET where the kernel
# names reasons; else still recorded, without a reason (a skip says so)
if [ -n "$reasons" ]; then
	also drop-reasons '[ $(grep -c "\"name\":\"NO_SOCKET\"" c.json) -ge 30 ]'
else
	also drop-reasons '[ $(grep -c "\"spec\":\"tp:skb:kfree_skb\"" c.json) -ge 30 ] &&
		! grep -q "\"drop\":{" c.json' |
		sed 's/^PASS drop-reasons .*/SKIP drop-reasons: no enum skb_drop_reason in this kernel (5.17+); kfree_skb is recorded without a reason/'
fi

rec raw_tp '[ $(n tp:net:netif_receive_skb "echo request") -ge 100 ] &&
	grep -q "attached with raw_tp" c.err' --no-tp-btf -p tp:net:netif_receive_skb

# Functions: fentry/fexit, kprobe/kretprobe, globs (fentry on each, or
# kprobe-multi where the kernel has it, else a kprobe each)
# the function that frees an skb with a reason argument: kfree_skb_reason
# (5.17 to 6.9), sk_skb_reason_drop (6.10 on)
rfn=$( (skbrec -l 'k:kfree_skb_reason'; skbrec -l 'k:sk_skb_reason_drop') 2>/dev/null |
	grep "reason=" | cut -f1 | head -n1)
if [ -n "$rfn" ]; then
	rec fentry '[ $(n k:ip_rcv "echo request") -ge 100 ]' -p k:ip_rcv -p "$rfn" &&
		also reason-arg "[ \$(grep -c '\"spec\":\"$rfn\".*\"name\":\"NO_SOCKET\"' c.json) -ge 30 ]" ||
		echo "SKIP reason-arg: fentry cannot attach here"
else
	rec fentry '[ $(n k:ip_rcv "echo request") -ge 100 ]' -p k:ip_rcv
	echo "SKIP reason-arg: no function with a drop reason argument in this kernel (5.17+)"
fi
rec fexit '[ $(n kr:ip_rcv_core "echo request") -ge 100 ]' -p kr:ip_rcv_core
rec kprobe '[ $(n k:ip_rcv "echo request") -ge 100 ] && grep -q "attached with kprobe" c.err' \
	--no-fentry -p k:ip_rcv
rec kretprobe '[ $(n kr:ip_rcv_core "echo request") -ge 100 ] &&
	grep -q "attached with kretprobe" c.err' --no-fentry -p kr:ip_rcv_core
rec glob '[ $(n k:ip_rcv "echo request") -ge 100 ] && [ $(n k:ip_rcv_core "echo request") -ge 100 ]' \
	-p 'k:ip_rcv*'
# kprobes by patched copies of the program, each on its own perf event (5.10
# has no attach cookie; elsewhere SKBREC_FAULT makes skbrec do the same):
# entry and return, with -f (spliced into each copy) keeping only the echo requests
SKBREC_FAULT=no-attach-cookie rec kprobe-patched '[ $(n k:ip_rcv "echo request") -ge 100 ] &&
	[ $(n kr:ip_rcv_core "echo request") -ge 100 ] && [ $(n k:ip_rcv) = $(n k:ip_rcv "echo request") ] &&
	grep -q "attached with kprobe" c.err && grep -q "attached with kretprobe" c.err' \
	--no-fentry -f 'icmp[icmptype] = icmp-echo' -p k:ip_rcv -p kr:ip_rcv_core
rec glob-kprobe '[ $(n k:ip_rcv "echo request") -ge 100 ] &&
	[ $(n k:ip_rcv_core "echo request") -ge 100 ]' --no-fentry -p 'k:ip_rcv*'

# full packets: -s 0 keeps every byte of 3000-byte pings
TRAFFIC=big rec full-packets 'python3 - <<-PY
	import json
	n = 0
	for l in open("c.json"):
	    e = json.loads(l)
	    if e["type"] == "event" and e["orig_len"] > 3000:
	        assert e["caplen"] == e["orig_len"] and not e["bytes_missing"], e["caplen"]
	        n += 1
	assert n >= 20, n
	PY' -s 0 -p tp:net:netif_receive_skb
# the in-kernel filter: only the UDP datagrams, all of them, with tp_btf
# (a verifier refusing the filter's program makes skbrec fall back to raw_tp)
rec filter '[ $(n tp:net:netif_receive_skb "7777") -ge 30 ] &&
	[ $(n tp:net:netif_receive_skb) = $(n tp:net:netif_receive_skb "7777") ] &&
	grep -q "attached with tp_btf" c.err' \
	-f "udp port 7777" -p tp:net:netif_receive_skb
# the sk_buff's buffer: the tp_btf, fentry and fexit programs load it in
# place where the verifier types skb->head as memory (6.17+), else read it
# through bpf_probe_read_kernel (kprobes read a copy of the sk_buff either
# way, loaded with the same setting); -v says which, and must say "in place"
# iff this kernel is 6.17 or later.  A tracepoint (tp_btf), and a function
# by fentry and by kprobe where the kernel offers them.  HOW: "in place" or
# "helper".
pm_want="read through bpf_probe_read_kernel" pm_how=helper
[ "$(uname -r | awk -F. '{ print ($1 * 1000 + $2 >= 6017) }')" = 1 ] &&
	pm_want="loaded in place" pm_how="in place"
pm_check="grep -q '^skbrec: sk_buff buffer: $pm_want' c.err"
pm=$(
	rec ptr-mem-tp_btf "$pm_check"' && [ $(n tp:net:netif_receive_skb "echo request") -ge 100 ] &&
		grep -q "attached with tp_btf" c.err' -p tp:net:netif_receive_skb
	rec ptr-mem-fentry "$pm_check"' && [ $(n k:ip_rcv "echo request") -ge 100 ] &&
		grep -q "attached with fentry" c.err' -p k:ip_rcv
	rec ptr-mem-kprobe "$pm_check"' && [ $(n k:ip_rcv "echo request") -ge 100 ] &&
		grep -q "attached with kprobe" c.err' --no-fentry -p k:ip_rcv
)
if grep -q "^FAIL " <<<"$pm"; then
	grep -m1 "^FAIL " <<<"$pm" | sed 's/^FAIL ptr-mem-\([a-z_]*\): /FAIL ptr-mem: \1: /'
elif grep -q "^SKIP ptr-mem-tp_btf: " <<<"$pm"; then
	grep -m1 "^SKIP ptr-mem-tp_btf: " <<<"$pm" | sed 's/^SKIP ptr-mem-tp_btf: /SKIP ptr-mem: tp_btf: /'
elif ! grep -q "^PASS ptr-mem-tp_btf " <<<"$pm"; then
	echo "FAIL ptr-mem: tp_btf: no result"
else
	# which of the three ran, when not all (the kernel lacks fentry or kprobes)
	pm_ran=$(sed -n 's/^PASS ptr-mem-\([a-z_]*\) .*/\1/p' <<<"$pm" | paste -sd/)
	[ "$pm_ran" = tp_btf/fentry/kprobe ] || pm_how="$pm_how: $pm_ran"
	echo "PASS ptr-mem $pm_how"
fi

# -l: tracepoints and functions with an skb, from this kernel's BTF
if skbrec -l 'tp:skb:*' | grep -q "^tp:skb:kfree_skb" &&
	skbrec -l 'k:ip_rcv*' | grep -q "^k:ip_rcv	"; then
	echo "PASS list -"
else
	echo "FAIL list: $(skbrec -l 'tp:skb:*' 2>&1 | head -n3 | tr '\n' ' ')"
fi
