#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# t2001: skbcat -j is valid JSON Lines for every fixture (checked by real
# parsers: python3 json and jq), keeps odd strings intact, and has the keys
# docs/json.md documents.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/skbcat/fixtures.sh"

FX=$TRASH/fx
test_expect_success 'build the .skb fixtures' '
	skbcat_fixtures "$FX"
'

for f in eth eth-s20 eth-s38 raw raw-s30 gen hop3; do
	test_expect_success "python3 json accepts every line of $f.skb" "
		skbcat -j \"$FX/$f.skb\" >out.jsonl &&
		test -s out.jsonl &&
		python3 -c '
import json, sys
n = 0
for line in open(\"out.jsonl\", encoding=\"utf-8\"):
    obj = json.loads(line)
    assert obj[\"type\"] in (\"event\", \"lost\"), obj
    n += 1
assert n > 0
'
	"
done

if need_cmd jq; then
	test_expect_success 'jq reads the merged stream (one object per record)' '
		skbcat -j "$FX/gen.skb" "$FX/eth.skb" >out.jsonl &&
		jq -c . out.jsonl >/dev/null &&
		test "$(jq -s length out.jsonl)" = "$(wc -l <out.jsonl)" &&
		test "$(jq -r "select(.type == \"lost\") | .count" out.jsonl | tr "\n" " ")" = "1234 1 "
	'
else
	test_skip 'jq reads the merged stream' "$SKIP_REASON"
fi

test_expect_success 'odd bytes in comm and device names survive as JSON strings' '
	skbcat -j "$FX/gen.skb" >out.jsonl &&
	python3 -c "
import json
objs = [json.loads(l) for l in open(\"out.jsonl\")]
odd = [o for o in objs if o.get(\"pid\") == 4321][0]
assert odd[\"comm\"] == \"a\\\"b\\\\c\\x01\\xff\u00e9\", repr(odd[\"comm\"])
assert odd[\"ifname\"] == \"we ird\\x01\", repr(odd[\"ifname\"])
assert odd[\"tid\"] == 4322
assert odd[\"drop\"] == {\"reason\": 77, \"name\": None}
"
'

test_expect_success 'event and lost objects have exactly the documented keys' '
	skbcat -j "$FX/gen.skb" >out.jsonl &&
	python3 - "$TOP/docs/json.md" <<-\PY
	import json, re, sys
	doc = open(sys.argv[1]).read()
	def keys(section):
	    part = doc.split("## " + section, 1)[1].split("\n## ", 1)[0]
	    return set(re.findall(r"^\| `([a-z0-9_]+)`", part, re.M))
	want = {"event": keys("Event objects"), "lost": keys("Lost-event objects")}
	pkt = keys("The packet object")
	assert want["event"] and want["lost"] and pkt
	for line in open("out.jsonl"):
	    o = json.loads(line)
	    assert set(o) == want[o["type"]], (o["type"], set(o) ^ want[o["type"]])
	    if o["type"] == "event":
	        assert set(o["packet"]) == pkt, set(o["packet"]) ^ pkt
	PY
'

test_expect_success 'packet bytes round-trip: hex in JSON equals the pcap bytes' '
	skbcat -j "$FX/raw.skb" | python3 -c "
import json, struct, sys
data = open(\"$TOP/tests/skbcat/raw.pcap\", \"rb\").read()
off, pkts = 24, []
while off < len(data):
    _, _, cap, _ = struct.unpack_from(\"<IIII\", data, off)
    pkts.append(data[off + 16:off + 16 + cap].hex())
    off += 16 + cap
got = [json.loads(l)[\"data\"] for l in sys.stdin]
assert got == pkts, (got, pkts)
"
'

test_done
