/* SPDX-License-Identifier: MIT */
/*
 * render_text.c - one event as text, the line format Retis users know:
 *
 *   TS (CPU) [comm] pid[/tid] [tp] net:netif_receive_skb #track (skb ffff...) drop (reason NAME)
 *     if 4 (eth0) 10.0.0.1.53 > 10.0.0.2.41000 ttl 64 ... proto UDP (17) length 42
 *     (-v) skb metadata lines
 *     (stack) one frame a line: ip_rcv+0x4d
 *     (-x) hex and ASCII dump, as tcpdump -X
 */
#include "skbcat.h"
#include "decode.h"

static const char *kind_tag(uint8_t kind)
{
	switch (kind) {
	case SKB_PROBE_TP: return "tp";
	case SKB_PROBE_KPROBE: return "k";
	case SKB_PROBE_KRETPROBE: return "kr";
	case SKB_PROBE_SYNTH: return "synth";
	default: return "?";
	}
}

/* The spec without the "tp:" / "k:" / "kr:" the tag already says. */
static const char *spec_body(const struct skb_probe *p)
{
	const char *s = p->spec ? p->spec : "";
	const char *tag = kind_tag(p->kind);
	size_t n = strlen(tag);
	if (!strncmp(s, tag, n) && s[n] == ':')
		return s + n + 1;
	return s;
}

static const char *pkt_type_name(uint8_t t)
{
	static const char *const names[] = {
		"HOST", "BROADCAST", "MULTICAST", "OTHERHOST",
		"OUTGOING", "LOOPBACK", "USER", "KERNEL",
	};
	return t < 8 ? names[t] : NULL;
}

static const char *csum_name(uint8_t s)
{
	static const char *const names[] = { "NONE", "UNNECESSARY", "COMPLETE", "PARTIAL" };
	return s < 4 ? names[s] : NULL;
}

uint32_t event_decode_opts(const struct skb_event *ev, const struct cat_opts *o,
			   struct decode_opts *dopt, const uint8_t **data)
{
	*dopt = (struct decode_opts){
		.start = (ev->flags & SKB_EV_L3) ? DECODE_L3 : DECODE_L2,
		.show_eth = o->show_eth,
		.protocol = ev->protocol,
		.vlan_tci = ev->vlan_tci,
		.vlan_proto = ev->vlan_proto,
		.orig_len = ev->orig_len,
	};
	*data = ev->data;
	/* Neither L2 nor L3 said: start at the network header when it is known. */
	if (!(ev->flags & (SKB_EV_L2 | SKB_EV_L3)) && ev->l3_off != 0xffff &&
	    ev->l3_off < ev->caplen) {
		dopt->start = DECODE_L3;
		dopt->orig_len = ev->orig_len > ev->l3_off ? ev->orig_len - ev->l3_off : 0;
		*data = ev->data + ev->l3_off;
		return ev->caplen - ev->l3_off;
	}
	return ev->caplen;
}

static void header_line(struct strbuf *sb, const struct cat_opts *o,
			const struct skb_event *ev, const struct rec_time *t,
			struct time_state *st)
{
	time_print(sb, o->time, t, st);
	if (ev->ctx) {
		sb_mem(sb, " (", 2);
		sb_u64(sb, ev->ctx->cpu);
		sb_mem(sb, ") [", 3);
		sb_safe_str(sb, ev->ctx->comm);
		sb_mem(sb, "] ", 2);
		sb_u64(sb, ev->ctx->pid);
		if (ev->ctx->tid != ev->ctx->pid) {
			sb_putc(sb, '/');
			sb_u64(sb, ev->ctx->tid);
		}
	}
	if (ev->probe) {
		sb_mem(sb, " [", 2);
		sb_puts(sb, kind_tag(ev->probe->kind));
		sb_mem(sb, "] ", 2);
		sb_safe_str(sb, spec_body(ev->probe));
	}
	if (ev->track) {
		sb_mem(sb, " #", 2);
		sb_hexw(sb, ev->track, 1);
	}
	if (ev->skb) {
		sb_mem(sb, " (skb ", 6);
		sb_hexw(sb, ev->skb, 1);
		sb_putc(sb, ')');
	}
	if (ev->flags & SKB_EV_DROP) {
		sb_puts(sb, " drop (reason ");
		if (ev->drop_name && *ev->drop_name)
			sb_safe_str(sb, ev->drop_name);
		else
			sb_u64(sb, ev->drop_reason);
		sb_putc(sb, ')');
	}
	sb_putc(sb, '\n');
}

static void packet_line(struct strbuf *sb, const struct cat_opts *o,
			const struct skb_event *ev, const char *indent)
{
	sb_puts(sb, indent);
	sb_mem(sb, "  ", 2);
	if (ev->iface && ev->iface->ifindex) {
		sb_mem(sb, "if ", 3);
		sb_u64(sb, ev->iface->ifindex);
		if (ev->iface->name && *ev->iface->name) {
			sb_mem(sb, " (", 2);
			sb_safe_str(sb, ev->iface->name);
			sb_putc(sb, ')');
		}
		sb_putc(sb, ' ');
	}
	struct decode_opts dopt;
	const uint8_t *data;
	uint32_t len = event_decode_opts(ev, o, &dopt, &data);
	if (!ev->caplen) {
		sb_puts(sb, "(no packet bytes) length ");
		sb_u64(sb, ev->orig_len);
	} else {
		decode_packet(sb, data, len, &dopt, NULL);
	}
	if (ev->flags & SKB_EV_MISSING)
		sb_puts(sb, " [bytes unreadable]");
	sb_putc(sb, '\n');
}

static void meta_lines(struct strbuf *sb, const struct skb_event *ev, const char *indent)
{
	const char *name;
	sb_puts(sb, indent);
	sb_puts(sb, "    len ");
	sb_u64(sb, ev->len);
	sb_puts(sb, " data_len ");
	sb_u64(sb, ev->data_len);
	sb_puts(sb, " orig_len ");
	sb_u64(sb, ev->orig_len);
	sb_puts(sb, " caplen ");
	sb_u64(sb, ev->caplen);
	sb_puts(sb, " protocol 0x");
	sb_hexw(sb, ev->protocol, 4);
	sb_puts(sb, " pkt_type ");
	if ((name = pkt_type_name(ev->pkt_type)))
		sb_puts(sb, name);
	else
		sb_u64(sb, ev->pkt_type);
	sb_puts(sb, " mark ");
	sb_hex(sb, ev->mark);
	sb_puts(sb, " hash ");
	sb_hex(sb, ev->hash);
	sb_puts(sb, " priority ");
	sb_u64(sb, ev->priority);
	sb_puts(sb, " queue ");
	sb_u64(sb, ev->queue_mapping);
	sb_putc(sb, '\n');

	sb_puts(sb, indent);
	sb_puts(sb, "    csum ");
	if ((name = csum_name(ev->ip_summed)))
		sb_puts(sb, name);
	else
		sb_u64(sb, ev->ip_summed);
	sb_puts(sb, " level ");
	sb_u64(sb, ev->csum_level);
	sb_puts(sb, " gso size ");
	sb_u64(sb, ev->gso_size);
	sb_puts(sb, " segs ");
	sb_u64(sb, ev->gso_segs);
	sb_puts(sb, " type ");
	sb_hex(sb, ev->gso_type);
	sb_puts(sb, " cloned ");
	sb_u64(sb, ev->cloned);
	sb_puts(sb, " fclone ");
	sb_u64(sb, ev->fclone);
	sb_puts(sb, " users ");
	sb_u64(sb, ev->users);
	sb_puts(sb, " netns ");
	sb_u64(sb, ev->netns);
	if (ev->rx_ifindex) {
		sb_puts(sb, " rx_if ");
		sb_u64(sb, ev->rx_ifindex);
	}
	if (ev->vlan_proto) {
		sb_puts(sb, " vlan_tci ");
		sb_hex(sb, ev->vlan_tci);
		sb_puts(sb, " vlan_proto ");
		sb_hex(sb, ev->vlan_proto);
	}
	if (ev->l3_off != 0xffff) {
		sb_puts(sb, " l3_off ");
		sb_u64(sb, ev->l3_off);
	}
	if (ev->l4_off != 0xffff) {
		sb_puts(sb, " l4_off ");
		sb_u64(sb, ev->l4_off);
	}
	sb_putc(sb, '\n');
}

static void stack_lines(struct strbuf *sb, const struct skb_stack *s, const char *indent)
{
	for (uint16_t i = 0; i < s->n && i < SKB_STACK_MAX; i++) {
		const struct skb_stack_frame *f = &s->frame[i];
		sb_puts(sb, indent);
		sb_puts(sb, "    ");
		if (f->sym && *f->sym) {
			sb_safe_str(sb, f->sym);
			sb_puts(sb, "+0x");
			sb_hexw(sb, f->off, 1);
		} else {
			sb_puts(sb, "0x");
			sb_hexw(sb, f->addr, 1);
		}
		sb_putc(sb, '\n');
	}
}

/* tcpdump -X layout: "\t0x0010:  4500 0054 ... (8 groups)  ASCII". */
static void hex_lines(struct strbuf *sb, const uint8_t *p, uint32_t n, const char *indent)
{
	static const char hexdig[] = "0123456789abcdef";
	for (uint32_t off = 0; off < n; off += 16) {
		uint32_t k = n - off < 16 ? n - off : 16;
		char line[80];
		int l = 0;
		line[l++] = '\t';
		line[l++] = '0';
		line[l++] = 'x';
		for (int sh = 12; sh >= 0; sh -= 4)
			line[l++] = hexdig[(off >> sh) & 0xf];
		line[l++] = ':';
		line[l++] = ' ';
		for (uint32_t i = 0; i < 16; i++) {
			if (!(i & 1))
				line[l++] = ' ';
			if (i < k) {
				line[l++] = hexdig[p[off + i] >> 4];
				line[l++] = hexdig[p[off + i] & 0xf];
			} else {
				line[l++] = ' ';
				line[l++] = ' ';
			}
		}
		line[l++] = ' ';
		line[l++] = ' ';
		for (uint32_t i = 0; i < k; i++) {
			uint8_t c = p[off + i];
			line[l++] = c > 0x20 && c < 0x7f ? (char)c : '.';   /* as tcpdump: graphic only */
		}
		line[l++] = '\n';
		sb_puts(sb, indent);
		sb_mem(sb, line, (size_t)l);
	}
}

void render_event_text(struct strbuf *sb, const struct cat_opts *o,
		       const struct skb_event *ev, const struct rec_time *t,
		       struct time_state *st, const char *indent)
{
	sb_puts(sb, indent);
	header_line(sb, o, ev, t, st);
	packet_line(sb, o, ev, indent);
	if (o->verbose)
		meta_lines(sb, ev, indent);
	if (ev->stack)
		stack_lines(sb, ev->stack, indent);
	if (o->hex)
		hex_lines(sb, ev->data, ev->caplen, indent);
}

void render_lost_text(struct strbuf *sb, const struct skb_lost *l, const char *indent)
{
	sb_puts(sb, indent);
	sb_puts(sb, "-- ");
	sb_u64(sb, l->count);
	sb_puts(sb, l->count == 1 ? " event lost" : " events lost");
	if (l->probe && l->probe->spec) {
		sb_puts(sb, " on ");
		sb_safe_str(sb, l->probe->spec);
	}
	sb_puts(sb, " --\n");
}
