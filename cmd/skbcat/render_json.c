/* SPDX-License-Identifier: MIT */
/*
 * render_json.c - JSON Lines output (-j).  The schema is documented in
 * docs/json.md and is stable: every key is always present (null when the
 * file does not know), keys are only ever added.  64-bit addresses and ids
 * are hex strings (JSON numbers lose them past 2^53); packet bytes are hex.
 */
#include "skbcat.h"
#include "decode.h"

/* Keys are string literals: each `,"key":` is one copy of a constant
 * (a strlen and four appends per key were an eighth of -j's time). */
#define KEY_TEXT(k) ",\"" k "\":"
#define key(sb, k) sb_mem((sb), KEY_TEXT(k), sizeof(KEY_TEXT(k)) - 1)
#define kv_u64(sb, k, v) do { key(sb, k); sb_u64((sb), (v)); } while (0)
#define kv_hexstr(sb, k, v) do { key(sb, k); put_hexstr((sb), (v)); } while (0)
#define kv_str(sb, k, v) do { key(sb, k); put_str((sb), (v)); } while (0)

static void put_hexstr(struct strbuf *sb, uint64_t v)
{
	sb_mem(sb, "\"0x", 3);
	sb_hexw(sb, v, 1);
	sb_putc(sb, '"');
}

static void put_str(struct strbuf *sb, const char *v)
{
	if (v)
		sb_json_str(sb, v);
	else
		sb_puts(sb, "null");
}

static const char *kind_name(uint8_t kind)
{
	switch (kind) {
	case SKB_PROBE_TP: return "tp";
	case SKB_PROBE_KPROBE: return "k";
	case SKB_PROBE_KRETPROBE: return "kr";
	case SKB_PROBE_SYNTH: return "synth";
	default: return "unknown";
	}
}

static void common(struct strbuf *sb, const char *type, const struct rec_time *t,
		   const char *file)
{
	sb_mem(sb, "{\"type\":\"", 9);
	sb_puts(sb, type);
	sb_putc(sb, '"');
	kv_str(sb, "file", file);
	kv_u64(sb, "ts", t->mono);
	key(sb, "time");
	if (t->has_wall) {
		sb_putc(sb, '"');
		/* the calendar part is formatted once per second */
		static struct time_state calendar;
		time_print_utc(sb, t->wall, &calendar);
		sb_putc(sb, '"');
	} else {
		sb_puts(sb, "null");
	}
}

static void probe_obj(struct strbuf *sb, const struct skb_probe *p)
{
	key(sb, "probe");
	if (!p) {
		sb_puts(sb, "null");
		return;
	}
	sb_puts(sb, "{\"spec\":");
	sb_json_str(sb, p->spec);
	kv_str(sb, "kind", kind_name(p->kind));
	sb_putc(sb, '}');
}

static void packet_obj(struct strbuf *sb, const struct cat_opts *o,
		       const struct skb_event *ev)
{
	struct decode_info in;
	struct decode_opts dopt;
	const uint8_t *data;
	uint32_t len = event_decode_opts(ev, o, &dopt, &data);
	/* The summary is decoded into a scratch buffer first, then escaped. */
	char text[4096];
	struct strbuf tb;
	sb_init(&tb, text, sizeof(text) - 1, -1);
	decode_packet(&tb, data, len, &dopt, &in);
	text[tb.len] = 0;
	kv_str(sb, "summary", text);

	key(sb, "packet");
	sb_puts(sb, "{\"layer\":");
	sb_puts(sb, (ev->flags & SKB_EV_L2) ? "\"l2\"" : (ev->flags & SKB_EV_L3) ? "\"l3\"" : "\"unknown\"");
	key(sb, "ethertype");
	if (in.ethertype)
		sb_u64(sb, in.ethertype);
	else
		sb_puts(sb, "null");
	key(sb, "family");
	if (in.family)
		sb_u64(sb, in.family);
	else
		sb_puts(sb, "null");
	if (in.family) {
		key(sb, "src");
		sb_putc(sb, '"');
		(in.family == 4 ? sb_ip4 : sb_ip6)(sb, in.src);
		sb_putc(sb, '"');
		key(sb, "dst");
		sb_putc(sb, '"');
		(in.family == 4 ? sb_ip4 : sb_ip6)(sb, in.dst);
		sb_putc(sb, '"');
		kv_u64(sb, "ip_proto", in.ip_proto);
	} else {
		sb_puts(sb, ",\"src\":null,\"dst\":null,\"ip_proto\":null");
	}
	if (in.has_ports) {
		kv_u64(sb, "sport", in.sport);
		kv_u64(sb, "dport", in.dport);
	} else {
		sb_puts(sb, ",\"sport\":null,\"dport\":null");
	}
	key(sb, "truncated");
	sb_puts(sb, in.truncated ? "true" : "false");
	sb_putc(sb, '}');
}

void render_event_json(struct strbuf *sb, const struct cat_opts *o,
		       const struct skb_event *ev, const struct rec_time *t,
		       const char *file)
{
	common(sb, "event", t, file);
	probe_obj(sb, ev->probe);
	if (ev->ctx) {
		kv_u64(sb, "cpu", ev->ctx->cpu);
		kv_str(sb, "comm", ev->ctx->comm);
		kv_u64(sb, "pid", ev->ctx->pid);
		kv_u64(sb, "tid", ev->ctx->tid);
	} else {
		sb_puts(sb, ",\"cpu\":null,\"comm\":null,\"pid\":null,\"tid\":null");
	}
	kv_hexstr(sb, "track", ev->track);
	kv_hexstr(sb, "skb", ev->skb);
	if (ev->iface && ev->iface->ifindex) {
		kv_u64(sb, "ifindex", ev->iface->ifindex);
		kv_str(sb, "ifname", ev->iface->name);
	} else {
		sb_puts(sb, ",\"ifindex\":null,\"ifname\":null");
	}
	kv_u64(sb, "netns", ev->netns);
	key(sb, "drop");
	if (ev->flags & SKB_EV_DROP) {
		sb_puts(sb, "{\"reason\":");
		sb_u64(sb, ev->drop_reason);
		kv_str(sb, "name", ev->drop_name && *ev->drop_name ? ev->drop_name : NULL);
		sb_putc(sb, '}');
	} else {
		sb_puts(sb, "null");
	}
	kv_u64(sb, "orig_len", ev->orig_len);
	kv_u64(sb, "caplen", ev->caplen);
	key(sb, "bytes_missing");
	sb_puts(sb, (ev->flags & SKB_EV_MISSING) ? "true" : "false");
	kv_u64(sb, "len", ev->len);
	kv_u64(sb, "data_len", ev->data_len);
	kv_u64(sb, "protocol", ev->protocol);
	kv_u64(sb, "pkt_type", ev->pkt_type);
	kv_u64(sb, "mark", ev->mark);
	kv_u64(sb, "hash", ev->hash);
	kv_u64(sb, "priority", ev->priority);
	kv_u64(sb, "queue", ev->queue_mapping);
	key(sb, "vlan");
	if (ev->vlan_proto) {
		sb_puts(sb, "{\"tci\":");
		sb_u64(sb, ev->vlan_tci);
		kv_u64(sb, "proto", ev->vlan_proto);
		sb_putc(sb, '}');
	} else {
		sb_puts(sb, "null");
	}
	kv_u64(sb, "ip_summed", ev->ip_summed);
	kv_u64(sb, "csum_level", ev->csum_level);
	kv_u64(sb, "gso_size", ev->gso_size);
	kv_u64(sb, "gso_segs", ev->gso_segs);
	kv_u64(sb, "gso_type", ev->gso_type);
	kv_u64(sb, "cloned", ev->cloned);
	kv_u64(sb, "fclone", ev->fclone);
	kv_u64(sb, "users", ev->users);
	kv_u64(sb, "rx_ifindex", ev->rx_ifindex);
	key(sb, "l3_off");
	if (ev->l3_off != 0xffff)
		sb_u64(sb, ev->l3_off);
	else
		sb_puts(sb, "null");
	key(sb, "l4_off");
	if (ev->l4_off != 0xffff)
		sb_u64(sb, ev->l4_off);
	else
		sb_puts(sb, "null");
	key(sb, "stack");
	if (ev->stack) {
		sb_putc(sb, '[');
		for (uint16_t i = 0; i < ev->stack->n && i < SKB_STACK_MAX; i++) {
			const struct skb_stack_frame *f = &ev->stack->frame[i];
			if (i)
				sb_putc(sb, ',');
			sb_puts(sb, "{\"sym\":");
			sb_json_str(sb, f->sym);
			kv_u64(sb, "off", f->off);
			kv_hexstr(sb, "addr", f->addr);
			sb_putc(sb, '}');
		}
		sb_putc(sb, ']');
	} else {
		sb_puts(sb, "null");
	}
	packet_obj(sb, o, ev);
	key(sb, "data");
	sb_putc(sb, '"');
	sb_hexbytes(sb, ev->data, ev->caplen);
	sb_mem(sb, "\"}\n", 3);
}

void render_lost_json(struct strbuf *sb, const struct skb_lost *l,
		      const struct rec_time *t, const char *file)
{
	common(sb, "lost", t, file);
	probe_obj(sb, l->probe);
	kv_u64(sb, "count", l->count);
	sb_mem(sb, "}\n", 2);
}
