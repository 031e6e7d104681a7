# SPDX-License-Identifier: MIT
# tests/skb2pcap/fixtures.sh - sourced by the t3xxx scripts after lib.sh.
# Fixtures are made on the fly, reproducibly, from python3-written pcaps
# (tests/fixtures/mkpcap.py) through pcap2skb, and from skb2pcap-gen.

# eth.pcap/e.skb: Ethernet ARP, IPv4/UDP, IPv6/ICMPv6 received on eth0 (ifindex 4)
# raw.pcap/r.skb: two raw IPv4/UDP packets sent out of veth1 (ifindex 7), L3 only
# mix.skb:        both streams one after the other (a valid .skb stream)
# gen.skb:        skb2pcap-gen (probes, netns, VLAN, drops, lost, no-bytes event)
make_fixtures() {
	python3 "$TOP/tests/fixtures/mkpcap.py" eth >eth.pcap &&
	python3 "$TOP/tests/fixtures/mkpcap.py" raw >raw.pcap &&
	pcap2skb -p tp:net:netif_receive_skb -i eth0 --ifindex 4 eth.pcap >e.skb &&
	pcap2skb -p tp:net:net_dev_start_xmit --outgoing -i veth1 --ifindex 7 \
		--track-base 50 raw.pcap >r.skb &&
	cat e.skb r.skb >mix.skb &&
	"$BUILD/tests/skb2pcap-gen" >gen.skb
}

# tcpdump names SLL2 interfaces from the host it runs on: drop that column.
tcpdump_text() {
	tcpdump "$@" 2>/dev/null | sed -E 's/^([0-9:.]+) [^ ]+ +(In|Out|B|M|P) /\1 \2 /'
}

# stderr of tshark minus the line it always prints when run as root.
tshark_clean_stderr() {
	grep -v '^Running as user "root" and group "root". This could be dangerous.$' "$@" || true
}
