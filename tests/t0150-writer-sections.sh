#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The writer's new section when dictionary ids run out: what was declared
# once (drop-reason names, as skbrec declares them from kernel BTF) is known
# in every section, to the reader and to skbcat.
. "$(dirname "$0")/lib.sh"

test_expect_success 'drop-reason names survive a new section (70000 contexts)' '
	"$BUILD/tests/writer-sections" two.skb >out &&
	cat out &&
	grep -q "^sections 2 events 70000 named 70000$" out &&
	skbcat two.skb | grep "kfree_skb" | tail -1 | grep -q "(reason NETFILTER_DROP)"
'

# skbrec writes with SKBW_STABLE_REFS (ids found by object address): after
# the restart, contexts and the probe of the first section are declared
# again, each event still carries its own context
test_expect_success 'ids by address start over with the new section' '
	"$BUILD/tests/writer-sections" stable.skb stable >out &&
	cat out &&
	grep -q "^sections 2 events 71000 named 71000$" out &&
	skbcat stable.skb >/dev/null
'

# skbgrep: the next input's dictionary objects may take the addresses of
# the last one's; skbw_forget_refs() at each input forgets the old ids
test_expect_success 'forgotten addresses are looked up again by content' '
	"$BUILD/tests/writer-sections" forget.skb forget >out &&
	cat out &&
	grep -qx "forget: events 3 wrong contexts 0" out
'

test_done
