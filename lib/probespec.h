/* SPDX-License-Identifier: MIT */
/*
 * probespec.h - probe specs as people write them: "tp:net:netif_receive_skb",
 * "k:ip_rcv", "kr:ip_rcv" (also "kprobe:", "kretprobe:").  skbrec parses
 * them to attach probes; skbgrep -p and skb2pcap -p match recorded probes
 * against them.  The type prefixes are known here only.
 */
#ifndef SKB_PROBESPEC_H
#define SKB_PROBESPEC_H

#include <stdbool.h>

struct skb_probe;

/* The kind (enum skb_probe_kind) of spec's type prefix, and in *rest the
 * text after it; 0 and the whole spec when it has no prefix. */
int skb_probe_kind_parse(const char *spec, const char **rest);
/* "tp", "k", "kr" for a kind, "" for any other. */
const char *skb_probe_kind_prefix(int kind);

/* Glob / substring matching shared by skbgrep -p and skb2pcap -p: a plain
 * word matches as a substring of the spec; "*?[" make it a glob over the
 * whole spec (or over the part after "TYPE:" when pattern has no type); a
 * type prefix (tp:, k:, kr:) restricts the type. */
bool skb_probe_match(const char *pattern, const struct skb_probe *p);

#endif
