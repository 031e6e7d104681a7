#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""btf-skb-funcs.py - the kernel functions that take a struct sk_buff *,
read independently of skbrec from `bpftool btf dump file VMLINUX` (raw
format), to check `skbrec -l` (tests/t5010-skbrec-vm.sh).

  btf-skb-funcs.py BTF-DUMP.txt

Prints "k:NAME<TAB>skb=N" for every FUNC whose prototype has a parameter
that is a pointer to struct sk_buff (through const/volatile/typedef), N the
first such parameter, plus " reason=M" when parameter M is an enum
skb_drop_reason, sorted by name.  A name defined twice (static
functions of different files) is printed once per distinct N.
"""
import re
import sys

HEAD = re.compile(r"^\[(\d+)\] (\w+) '([^']*)'(.*)$")
PARAM = re.compile(r"^\t'([^']*)' type_id=(\d+)")
ATTR = re.compile(r"(\w+)=(\S+)")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    types, cur = {}, None
    with open(sys.argv[1]) as f:
        for line in f:
            m = HEAD.match(line)
            if m:
                cur = {"kind": m.group(2), "name": m.group(3),
                       "attr": dict(ATTR.findall(m.group(4))), "params": []}
                types[int(m.group(1))] = cur
                continue
            m = PARAM.match(line)
            if m and cur is not None and cur["kind"] == "FUNC_PROTO":
                cur["params"].append(int(m.group(2)))

    def strip(tid):
        seen = 0
        while tid in types and types[tid]["kind"] in ("CONST", "VOLATILE", "TYPEDEF", "RESTRICT",
                                                         "TYPE_TAG") and seen < 32:
            tid, seen = int(types[tid]["attr"]["type_id"]), seen + 1
        return tid

    def is_skb_ptr(tid):
        tid = strip(tid)
        if tid not in types or types[tid]["kind"] != "PTR":
            return False
        t = types.get(strip(int(types[tid]["attr"]["type_id"])))
        return t is not None and t["kind"] == "STRUCT" and t["name"] == "sk_buff"

    def is_reason(tid):
        t = types.get(strip(tid))
        return t is not None and t["kind"] in ("ENUM", "ENUM64") and t["name"] == "skb_drop_reason"

    out = set()
    for t in types.values():
        if t["kind"] != "FUNC":
            continue
        proto = types.get(int(t["attr"].get("type_id", 0)))
        if not proto or proto["kind"] != "FUNC_PROTO":
            continue
        skb = [i for i, p in enumerate(proto["params"]) if is_skb_ptr(p)]
        reason = [i for i, p in enumerate(proto["params"]) if is_reason(p)]
        if skb:
            out.add(f"k:{t['name']}\tskb={skb[0]}" + (f" reason={reason[0]}" if reason else ""))
    for line in sorted(out):
        print(line)


main()
