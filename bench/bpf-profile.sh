#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/bpf-profile.sh [SECONDS] - where skbrec's BPF programs spend their
# time: a `perf record -a -g` profile of the machine while iperf3 floods a
# veth pair (64-byte UDP, as bench/rec-cost.sh) and skbrec records it.
#
# Every sample whose call chain passes through one of skbrec's programs
# (perf's symbols bpf_prog_TAG_skbrec) counts for skbrec's BPF, at the
# program's instruction it was on or had called from: a sample in a helper
# (bpf_ringbuf_output, bpf_probe_read_kernel, ...) or in what the helper
# called counts at the call.  It prints:
#   - the share of all samples (all CPUs) in skbrec's BPF, and the ns per
#     event that makes (CPUs x seconds x share / events in the window);
#   - the share of skbrec's BPF in each function the samples landed in (the
#     programs themselves, each helper, what the helpers call);
#   - the programs' code cut at their helper calls (the JIT's calls, in the
#     order the program makes them, named by the helper): each stretch's
#     share, the stretches' order is the program's, `bpftool prog dump
#     xlated` shows which BPF instructions each holds;
#   - the instructions most samples fell on, with the one before (a sample
#     lands after an instruction that stalled: a cache miss shows on the
#     next instruction).
# The JIT images are read with build/jitimg, disassembled with objdump.
# A benchmark, not a test: root, a quiet machine.  BUILD=..., REC_ARGS=...
# (options for skbrec), PAYLOAD=... (UDP payload bytes), STATS=1 keeps the
# BPF run time statistics on (off by default here: their two clock reads a
# run would show in the profile), TOP=N instructions to list (12), SINK=null
# has skbrec write to /dev/null (docs/benchmarks.md, "Writing the file on
# this VM").
set -eu
DUR=${1:-4}
PAYLOAD=${PAYLOAD:-64}
NTOP=${TOP:-12}
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
export STATS=${STATS:-0}
. "$TOP/bench/netns.sh"
[ -x "$BUILD/jitimg" ] || { echo "bpf-profile: $BUILD/jitimg is missing (make)" >&2; exit 1; }
bench_netns skbp 10.81.0 iperf3 perf objdump python3 bpftool jq

bpftool prog show -j | jq -r '.[].id' | sort >"$W/ids0"
# shellcheck disable=SC2086 # REC_ARGS: words on purpose
"$BUILD/skbrec" ${REC_ARGS:-} -o "$(bench_sink run.skb)" 2>"$W/rec.err" &
rec=$!
sleep 1.5
kill -0 "$rec" 2>/dev/null || { cat "$W/rec.err" >&2; exit 1; }
: >"$W/progs"
for id in $(bpftool prog show -j | jq -r '.[] | select(.name == "skbrec") | .id' | sort); do
	grep -qx "$id" "$W/ids0" && continue
	tag=$("$BUILD/jitimg" "$id" "$W/prog.$id")
	objdump -D -b binary -m i386:x86-64 "$W/prog.$id" >"$W/prog.$id.s"
	echo "$tag $W/prog.$id.s" >>"$W/progs"
done
[ -s "$W/progs" ] || { echo "bpf-profile: skbrec loaded no program named skbrec" >&2; exit 1; }

ip netns exec "$A" iperf3 -c 10.81.0.2 -u -l "$PAYLOAD" -b 0 -t $((DUR + 2)) >/dev/null &
flood=$!
sleep 1
perf record -q -a -g -F 4999 -o "$W/perf.data" -- sleep "$DUR" 2>/dev/null
wait "$flood" || :
kill -INT "$rec"
wait "$rec" || :
rec=
events=$(grep -o '[0-9]* events' "$W/rec.err" | head -1 | cut -d' ' -f1)
perf script -i "$W/perf.data" -F ip,sym,symoff 2>/dev/null >"$W/script"

python3 - "$W/progs" "$W/script" "${events:-0}" "$DUR" "$(nproc)" "$NTOP" <<'PY'
import bisect, re, sys
from collections import Counter, defaultdict

progs_f, script_f, events, dur, ncpu, ntop = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])

# The JIT code of each program: instructions by offset, and its calls.
code = {}
for line in open(progs_f):
    tag, path = line.split()
    ins = []
    for l in open(path):
        m = re.match(r'\s*([0-9a-f]+):\t(?:[0-9a-f]{2} )+\s*\t?(.*)$', l)
        if m:
            ins.append((int(m.group(1), 16), m.group(2).strip()))
    code[tag] = ins

frame_re = re.compile(r'^\s*([0-9a-f]+)\s+(\S+)\+0x([0-9a-f]+)')
prog_re = re.compile(r'^bpf_prog_([0-9a-f]{16})_skbrec$')
total = 0
ours = 0
leaf = Counter()            # function the sample landed in
at = defaultdict(Counter)   # tag -> program offset -> samples
base = {}                   # tag -> load address
sample = []

def account(frames):
    global total, ours
    if not frames:
        return
    total += 1
    for i, (ip, sym, off) in enumerate(frames):
        m = prog_re.match(sym)
        if m and m.group(1) in code:
            ours += 1
            tag = m.group(1)
            base[tag] = ip - off
            leaf[frames[0][1] if i else 'the program itself'] += 1
            # a helper's sample counts at the call: the return address is
            # the instruction after it, the call is the one before
            at[tag][off if i == 0 else off - 1] += 1
            return

for line in open(script_f):
    if not line.strip():
        account(sample)
        sample = []
        continue
    m = frame_re.match(line)
    if m:
        sample.append((int(m.group(1), 16), m.group(2), int(m.group(3), 16)))
    elif not line.startswith(('\t', ' ')):
        account(sample)
        sample = []
account(sample)

if not ours:
    sys.exit("bpf-profile: no sample in skbrec's programs")
share = ours / total
print(f"{total} samples on {ncpu} CPUs over {dur:g} s; {ours} in skbrec's BPF ({100 * share:.1f} %)")
if events:
    # events recorded over the whole run, the profile covers dur of ~dur + 2
    # seconds of traffic: per event, roughly
    print(f"~{1e9 * ncpu * dur * share / (events * dur / (dur + 2)):.0f} ns of CPU per event "
          f"({events} events recorded over ~{dur + 2:g} s of traffic)")
print()
print("where the samples landed (share of skbrec's BPF)")
for name, n in leaf.most_common(12):
    print(f"  {100 * n / ours:5.1f} %  {name}")

# Stretches between the programs' calls, summed over the programs (they
# are copies of one template: same code).
kallsyms = []
for l in open('/proc/kallsyms'):
    a, _, n = l.split()[:3]
    if int(a, 16):
        kallsyms.append((int(a, 16), n))
kallsyms.sort()
addrs = [a for a, _ in kallsyms]

def callee(tag, off, text):
    m = re.search(r'call\s+0x([0-9a-f]+)', text)
    if not m or tag not in base:
        return '?'
    a = (base[tag] + int(m.group(1), 16)) & (2**64 - 1)
    i = bisect.bisect_right(addrs, a) - 1
    return kallsyms[i][1] if i >= 0 else '?'

stretch = Counter()
names = {0: 'entry'}
top = Counter()
text_at = {}
for tag, offs in at.items():
    ins = code[tag]
    starts = [o for o, _ in ins]
    # stretch k: the code after the program's k-th call (0: from the entry);
    # a call belongs to the stretch that makes it
    of = []
    k = 0
    for o, t in ins:
        of.append(k)
        if t.startswith('call'):
            k += 1
            names.setdefault(k, f'after call {k}: {callee(tag, o, t)}')
    for off, n in offs.items():
        j = bisect.bisect_right(starts, off) - 1
        if j < 0:
            continue
        stretch[of[j]] += n
        top[ins[j][0]] += n
        text_at[ins[j][0]] = (ins[j][1], ins[j - 1][1] if j else '')
print()
print("the programs' code between their helper calls (share of skbrec's BPF; "
      "helpers counted at their call)")
for k in sorted(stretch):
    print(f"  {100 * stretch[k] / ours:5.1f} %  {names[k]}")
print()
print(f"the {ntop} instructions most samples fell on (with the one before)")
for off, n in top.most_common(ntop):
    t, prev = text_at[off]
    print(f"  {100 * n / ours:5.1f} %  +0x{off:<5x} {t:40.40s}  after: {prev}")
PY
