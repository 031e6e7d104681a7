#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# skbgrep on a real recording: skbrec records ping traffic between two
# namespaces, then
#     skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr -
# and selections by interface, netns, filter expression and --follow are
# checked against what tcpdump reads back.
. "$(dirname "$0")/lib.sh"

why=
need_skbrec || why=$SKIP_REASON
[ -n "$why" ] || need_bpf || why=$SKIP_REASON
[ -n "$why" ] || need_cmd ip ping tcpdump || why=$SKIP_REASON
[ -n "$why" ] || [ -x "$BUILD/skb2pcap" ] || why="skb2pcap not built"
if [ -n "$why" ]; then
	test_skip 'skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr - on a real recording' "$why"
	test_done
	exit
fi

make_netns a b
ip link add gva netns "$NS_a" type veth peer name gvb netns "$NS_b"
ip -n "$NS_a" addr add 10.99.4.1/24 dev gva
ip -n "$NS_b" addr add 10.99.4.2/24 dev gvb
ip -n "$NS_a" link set gva up
ip -n "$NS_b" link set gvb up
NETNS_A=$(ip netns exec "$NS_a" stat -L -c %i /proc/self/ns/net)
export NS_a NS_b NETNS_A
REC=$TRASH/run.skb
skbrec -q -p tp:net:net_dev_start_xmit -p tp:net:netif_receive_skb -o "$REC" \
	--cmd "ip netns exec $NS_a ping -c 4 -i 0.2 -W 1 10.99.4.2 >/dev/null" 2>"$TRASH/skbrec.err" ||
	cat "$TRASH/skbrec.err"

test_expect_success 'skbgrep -p xmit run.skb | skb2pcap | tcpdump -nnr -' '
	skbgrep -p xmit "$REC" | skb2pcap | tcpdump -nnr - >out 2>err &&
	cat out &&
	test "$(grep -c "10.99.4.1 > 10.99.4.2: ICMP echo request" out)" -ge 4 &&
	test "$(grep -c "10.99.4.2 > 10.99.4.1: ICMP echo reply" out)" -ge 4 &&
	test "$(wc -l <out)" = "$(skbgrep -c -p xmit "$REC")" &&
	test "$(skbgrep -c -p receive "$REC")" -ge 8
'

test_expect_success '-i and --netns pick one side; -f on the real bytes' '
	skbgrep -i gva --netns "$NETNS_A" -p xmit -f icmp "$REC" | skb2pcap | tcpdump -nnr - >out 2>/dev/null &&
	cat out &&
	test "$(grep -c "ICMP echo request" out)" = 4 && test "$(wc -l <out)" = 4 &&
	skbgrep -f "icmp[icmptype] == icmp-echoreply and src host 10.99.4.2" "$REC" |
		skb2pcap | tcpdump -nnr - >out2 2>/dev/null &&
	test "$(grep -c "ICMP echo reply" out2)" -ge 4 && ! grep -v "echo reply" out2
'

test_expect_success '--follow: the requests sent on gva and the same packets received on gvb' '
	skbgrep --follow -p xmit -i gva --netns "$NETNS_A" -f icmp "$REC" >sel.skb &&
	skb2pcap <sel.skb | tcpdump -nnr - >out 2>/dev/null &&
	cat out &&
	test "$(grep -c "ICMP echo request" out)" = 8 && ! grep "echo reply" out &&
	test "$(skbgrep -c -p receive -i gvb sel.skb)" = 4 &&
	cat "$REC" | skbgrep --follow -p xmit -i gva --netns "$NETNS_A" -f icmp | cmp - sel.skb
'

test_done
