#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbrec stops cleanly on SIGINT, SIGTERM, -c, -d and --cmd, always leaving
# a complete file (the reader sees the END record) whose event count is the
# one printed; -o - into a pipe, -z, -C/-W rotation, data on disk while
# recording, no binary to a terminal.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbrec/lib.sh"

if ! need_skbrec || ! need_bpf || ! need_cmd ping python3 skbcat; then
	test_skip "skbrec stop conditions" "$SKIP_REASON"
	test_done; exit
fi
veth_pair
# steady traffic on the veth for the whole script
ip netns exec "$NS_A" ping -q -i 0.02 10.77.0.2 >/dev/null 2>&1 &
PINGER=$!
# a small disk that fills up (needs a tmpfs mount)
SMALL=$TRASH/small
mkdir -p "$SMALL"
mount -t tmpfs -o size=128k skbt-small "$SMALL" || SMALL=
trap 'kill $PINGER 2>/dev/null; [ -z "$SMALL" ] || umount "$SMALL"; _cleanup' EXIT
export SMALL

# complete FILE: readable to the end; prints its event count
complete() {
	skbcat -j "$1" >"$1.json"
	grep -c '"type":"event"' "$1.json"
}
export -f complete

# recorded ERRFILE: N from "N events recorded, M lost"
recorded() {
	sed -n 's/^\([0-9]*\) events recorded, [0-9]* lost$/\1/p' "$1"
}
export -f recorded

on_signal() {
	for sig in INT TERM; do
		skbrec -v -q -o $sig.skb 2>$sig.err &
		rec=$!
		wait_for $sig.err "net_dev_start_xmit: attached"
		sleep 0.5
		kill -$sig $rec
		st=0; wait $rec || st=$?
		test $st = 0
		n=$(complete $sig.skb)
		test "$n" -gt 0
		test "$n" = "$(recorded $sig.err)"
	done
}

count() {
	skbrec -q -c 7 -o c.skb 2>c.err
	test "$(complete c.skb)" = 7
	grep -qx "7 events recorded, 0 lost" c.err
}

duration() {
	skbrec -q -d 1 -o d.skb 2>d.err
	n=$(complete d.skb)
	test "$n" -gt 0 && test "$n" = "$(recorded d.err)"
}

cmd() {
	st=0
	skbrec -q --cmd "ip netns exec $NS_B ping -q -c 3 -i 0.1 10.77.0.1; exit 3" -o cmd.skb 2>cmd.err || st=$?
	test $st = 3
	n=$(complete cmd.skb)
	test "$n" = "$(recorded cmd.err)"
	# the echo requests B sent show up leaving B
	test "$(grep -c "\"ifname\":\"$VB\".*echo request" cmd.skb.json)" -ge 3
	skbrec -q --cmd true -o ok.skb 2>/dev/null
	complete ok.skb >/dev/null
}

pipe() {
	skbrec -q -c 5 -o - 2>p.err | skbcat -j >p.json
	test "$(grep -c "\"type\":\"event\"" p.json)" = 5
	# a reader that goes away ends skbrec quietly
	st=0; skbrec -q -d 3 -o - 2>q.err | head -c 1 >/dev/null || st=$?
	test $st = 0
	! grep -v "events recorded" q.err | grep .
}

compress() {
	skbrec -q -z -c 50 -o z.skb 2>z.err
	test "$(complete z.skb)" = 50
	skbrec -q -c 50 -o plain.skb 2>/dev/null
	ls -l z.skb plain.skb
	test $(stat -c %s z.skb) -lt $(stat -c %s plain.skb)
}

rotate() {
	skbrec -q -s 1500 -C 8k -W 2 -d 3 -o r.skb 2>r.err
	ls r.skb.*
	n=$(ls r.skb.* | wc -l)
	test "$n" = 2
	last=$(ls r.skb.* | sed 's/.*\.//' | sort -n | tail -1)
	test "$last" -ge 2                 # older files were removed
	test ! -e r.skb.0
	for f in r.skb.*; do complete $f; done
	test "$(stat -c %a r.skb.$last)" = 600
}

# the next file of a rotation cannot be created: skbrec says which, stops
# with status 2 after its summary, and the files before are complete
rotate_fails() {
	mkdir rf.skb.1
	st=0; timeout 20 skbrec -q -s 1500 -C 8k -d 10 -o rf.skb 2>rf.err || st=$?
	cat rf.err
	test $st = 2
	grep -qx "skbrec: rf.skb.1: Is a directory" rf.err
	grep -q "^[0-9]* events recorded, [0-9]* lost$" rf.err
	test "$(complete rf.skb.0)" -gt 0
}

# --cmd when the output fails: the command is stopped and waited for, not
# left running after skbrec has gone
cmd_write_error() {
	st=0; timeout 20 skbrec -q -s 1500 --cmd "exec sleep 123$$" -o /dev/full 2>cf.err || st=$?
	cat cf.err
	test $st = 2
	grep -q "^skbrec: /dev/full: No space left on device$" cf.err
	! pgrep -f "sleep 123$$"
}

# a full disk: one line naming the file, the summary, status 2; the file
# reads up to its last complete record
disk_full() {
	st=0; timeout 30 skbrec -q -s 1500 -d 20 -o $SMALL/f.skb 2>df.err \
		--cmd "ip netns exec $NS_A ping -q -c 2000 -i 0.002 -s 1000 10.77.0.2" || st=$?
	cat df.err
	test $st = 2
	grep -qx "skbrec: $SMALL/f.skb: No space left on device" df.err
	grep -q "^[0-9]* events recorded, [0-9]* lost$" df.err
	st=0; skbcat -j $SMALL/f.skb >f.json 2>f.err || st=$?
	cat f.err
	test $st = 2
	test "$(grep -c '"type":"event"' f.json)" -gt 20
}

live() {
	skbrec -q -o live.skb 2>live.err &
	rec=$!
	sleep 2.5
	# still recording: the events so far are already in the file
	skbcat -j live.skb >live.json 2>/dev/null || :
	kill -INT $rec
	wait $rec
	test "$(grep -c "\"type\":\"event\"" live.json)" -gt 0
}

tty() {
	st=0; script -qec "skbrec -q -c 1" /dev/null >tty.out 2>&1 || st=$?
	test $st = 2
	grep -q "refusing to write binary data to a terminal" tty.out
	# stderr on a terminal: a status line, gone with -q
	script -qec "skbrec -d 2 -o st.skb" /dev/null >st.out 2>&1
	grep -q "[0-9]* events/s, [0-9]* events, [0-9]* lost, [0-9]* incomplete, [0-9]* [KMG]*i*B written" st.out
	script -qec "skbrec -q -d 1 -o st.skb" /dev/null >q.out 2>&1
	! grep -q "events/s" q.out
}

test_expect_success 'SIGINT and SIGTERM: exit 0, complete file, printed count' 'run_case on_signal'
test_expect_success '-c COUNT records exactly COUNT events' 'run_case count'
test_expect_success '-d SECONDS stops with a complete file' 'run_case duration'
test_expect_success '--cmd: stops when CMD exits, with its status' 'run_case cmd'
test_expect_success '-o - into a pipe; a closed pipe ends quietly' 'run_case pipe'
test_expect_success '-z writes a smaller file that reads back' 'run_case compress'
test_expect_success '-C/-W rotate into complete files, keep the last N' 'run_case rotate'
test_expect_success 'data reaches the file while recording' 'run_case live'
test_expect_success '-C: a file that cannot be created stops skbrec cleanly' 'run_case rotate_fails'
test_expect_success '--cmd: a write error stops the command too' 'run_case cmd_write_error'
if [ -n "$SMALL" ]; then
	test_expect_success 'a full disk: one clear line, status 2, a readable file' 'run_case disk_full'
else
	test_skip 'a full disk: one clear line, status 2, a readable file' "cannot mount a tmpfs"
fi
if need_cmd script; then
	test_expect_success 'terminal: binary output refused, status line unless -q' 'run_case tty'
else
	test_skip 'terminal: binary output refused, status line unless -q' "$SKIP_REASON"
fi

test_done
