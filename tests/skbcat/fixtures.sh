# SPDX-License-Identifier: MIT
# tests/skbcat/fixtures.sh - sourced by the t2xxx scripts and update.sh.
#
#   skbcat_fixtures DIR      turn the committed pcaps (and skbcat-gen) into
#                            the .skb inputs TESTLIST names, inside DIR
#   skbcat_case DIR INPUTS OPTIONS...
#                            run skbcat on INPUTS (comma-separated names in
#                            DIR) from DIR, TZ=UTC; output on stdout
# Needs $BUILD (pcap2skb, skbcat, tests/skbcat-gen) and $TOP.

skbcat_fixtures() {
	local dir=$1 src=$TOP/tests/skbcat
	mkdir -p "$dir"
	pcap2skb -o "$dir/eth.skb" "$src/eth.pcap" &&
	pcap2skb -z -o "$dir/eth-z.skb" "$src/eth.pcap" &&
	pcap2skb -s 54 -o "$dir/eth-s54.skb" "$src/eth.pcap" &&
	pcap2skb -s 38 -o "$dir/eth-s38.skb" "$src/eth.pcap" &&
	pcap2skb -s 20 -o "$dir/eth-s20.skb" "$src/eth.pcap" &&
	pcap2skb -o "$dir/raw.skb" "$src/raw.pcap" &&
	pcap2skb -s 30 -o "$dir/raw-s30.skb" "$src/raw.pcap" &&
	pcap2skb -p tp:net:netif_receive_skb -i eth0 --ifindex 2 \
		-o "$dir/hop1.skb" "$src/hop1.pcap" &&
	pcap2skb -p k:ip_rcv -i eth0 --ifindex 2 -o "$dir/hop2.skb" "$src/hop2.pcap" &&
	pcap2skb -p tp:skb:kfree_skb -i eth0 --ifindex 2 --drop 2=NOT_SPECIFIED \
		-o "$dir/hop3.skb" "$src/hop3.pcap" &&
	"$BUILD/tests/skbcat-gen" >"$dir/gen.skb" &&
	cp "$src/veth.skb" "$dir/veth.skb"      # real skbrec recording (record-veth.sh)
}

skbcat_case() {
	local dir=$1 inputs=$2
	shift 2
	local IFS=,
	# shellcheck disable=SC2086 # inputs and options are word lists
	(cd "$dir" && IFS=' ' && TZ=UTC skbcat "$@" ${inputs//,/ })
}
