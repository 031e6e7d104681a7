#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# t2004: skbcat on a live recording: skbrec in a pipe (skbrec -o - | skbcat)
# while two throwaway namespaces ping each other over a veth pair.  Checks
# the decoded packets, that the streamed output equals reading the file
# afterwards, --flows journeys (xmit then receive, same tracking id) and
# the wall clock in JSON.
. "$(dirname "$0")/lib.sh"

skip_all() {
	test_skip 'skbrec -o - | skbcat shows the pings as they happen' "$1"
	test_skip '--flows: each echo request goes xmit on one end, receive on the other' "$1"
	test_skip 'JSON: wall-clock times of now, decoded addresses, one object per event' "$1"
	test_skip 'Ctrl-C on skbrec -o - | skbcat: the output is the whole recording, no error' "$1"
	test_done
	exit
}
if ! need_skbrec || ! need_bpf || ! need_cmd ip ping jq setsid; then
	skip_all "$SKIP_REASON"
fi
[ -x "$BUILD/skbgrep" ] || skip_all "needs skbgrep in $BUILD"

make_netns A B
DA=sc$$a DB=sc$$b
ip link add "$DA" netns "$NS_A" type veth peer name "$DB" netns "$NS_B"
ip -n "$NS_A" addr add 10.78.0.1/24 dev "$DA"
ip -n "$NS_B" addr add 10.78.0.2/24 dev "$DB"
ip -n "$NS_A" link set "$DA" up
ip -n "$NS_B" link set "$DB" up
export NS_A NS_B DA DB

test_expect_success 'skbrec -o - | skbcat shows the pings as they happen' '
	before=$(date +%s) &&
	skbrec -q -p tp:net:netif_receive_skb -p tp:net:net_dev_start_xmit -o - \
		--cmd "ip netns exec $NS_A ping -c 2 -i 0.2 -W 1 10.78.0.2 >/dev/null" 2>/dev/null |
		skbgrep -i "$DA" -i "$DB" | tee "$TRASH/rec.skb" | skbcat --time=utc >live.txt &&
	cat live.txt &&
	for seq in 1 2; do
		grep -q "^  if [0-9]* ($DA) 10.78.0.1 > 10.78.0.2 ttl 64 .* proto ICMP (1) type 8 code 0 echo request id [0-9]* seq $seq$" live.txt &&
		grep -q "^  if [0-9]* ($DB) 10.78.0.2 > 10.78.0.1 ttl 64 .* echo reply id [0-9]* seq $seq$" live.txt ||
		exit 1
	done &&
	grep -q "\[ping\] [0-9]* \[tp\] net:net_dev_start_xmit #[0-9a-f]* (skb ffff[0-9a-f]*)$" live.txt &&
	skbcat --time=utc "$TRASH/rec.skb" >file.txt && test_cmp file.txt live.txt &&
	echo "$before" >"$TRASH/before"
'

test_expect_success '--flows: each echo request goes xmit on one end, receive on the other' '
	skbcat --flows "$TRASH/rec.skb" >flows.txt &&
	cat flows.txt &&
	awk -v da="$DA" -v db="$DB" "
		/^#/ { hop = 0; next }
		/^  [0-9]/ { hop++; probe[hop] = \$0; next }
		/^  \+/ { hop++; probe[hop] = \$0; next }
		/echo request/ && hop == 1 && probe[1] ~ /net_dev_start_xmit/ && \$0 ~ \"(\" da \")\" { x++ }
		/echo request/ && hop == 2 && probe[2] ~ /^  \+[0-9.]*(us|ms) .*netif_receive_skb/ && \$0 ~ \"(\" db \")\" { r++ }
		END { exit !(x == 2 && r == 2) }
	" flows.txt
'

test_expect_success 'JSON: wall-clock times of now, decoded addresses, one object per event' '
	skbcat -j "$TRASH/rec.skb" >out.jsonl &&
	test "$(jq -s length out.jsonl)" = "$(skbcat "$TRASH/rec.skb" | grep -c "^[0-9]")" &&
	test "$(jq -r "select(.packet.src == \"10.78.0.1\" and .packet.ip_proto == 1 and .probe.spec == \"tp:net:netif_receive_skb\") | .ifname" out.jsonl | sort -u)" = "$DB" &&
	now=$(date +%s) && before=$(cat "$TRASH/before") &&
	jq -r ".time | sub(\"\\\\.[0-9]*Z$\"; \"Z\") | fromdate" out.jsonl | while read -r t; do
		test "$t" -ge $((before - 1)) && test "$t" -le $((now + 1)) || exit 1
	done
'

test_expect_success 'Ctrl-C on skbrec -o - | skbcat: the output is the whole recording, no error' '
	need_cmd setsid || { echo "$SKIP_REASON"; exit 1; }
	ip netns exec "$NS_A" ping -q -i 0.05 -c 200 10.78.0.2 >/dev/null &
	ping_pid=$!
	setsid bash -c "skbrec -q -p tp:net:netif_receive_skb -p tp:net:net_dev_start_xmit -o - 2>/dev/null |
		tee -i rec.skb | skbcat >out 2>err" &
	group=$!
	sleep 2 &&
	kill -INT -- -$group &&
	wait $group || true
	kill $ping_pid 2>/dev/null; wait $ping_pid 2>/dev/null || true
	skbcat rec.skb >want &&       # complete: skbrec ended the stream cleanly
	test -s want && test_cmp want out && test ! -s err
'

test_done
