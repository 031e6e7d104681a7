/* SPDX-License-Identifier: MIT */
/*
 * fuzz-reader - a .skb stream (plain or gzip members) through the reader,
 * then every record through skbcat's printers: text with -v and -x, JSON,
 * --flows, and the packet decoders behind them.
 */
#include "input.h"
#include "skbcat.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct skb_reader *r = fuzz_reader(data, size);
	struct strbuf out;
	struct skb_record rec;
	struct cat_opts text = { .time = TF_UTC, .show_eth = true, .verbose = true, .hex = true };
	struct cat_opts json = { .json = true };
	struct time_state st;
	struct flows *fl = flows_new(64);
	char buf[8192];

	memset(&st, 0, sizeof(st));
	sb_init_owned(&out, 1 << 16, fuzz_sink_fd());
	while (skbr_next(r, &rec) > 0) {
		struct rec_time t = { .mono = rec.kind == SKB_EVENT ? rec.ev.ts : 0 };

		if (rec.info && rec.info->wall_offset) {
			t.has_wall = true;
			t.wall = skb_wall_ns(rec.info, t.mono);
		}
		if (rec.kind == SKB_EVENT) {
			struct strbuf one;

			render_event_text(&out, &text, &rec.ev, &t, &st, "");
			render_event_json(&out, &json, &rec.ev, &t, "fuzz");
			/* --flows takes the text of one record */
			sb_init(&one, buf, sizeof(buf), -1);
			render_event_text(&one, &text, &rec.ev, &t, &st, "");
			if (fl)
				flows_add(fl, &out, rec.ev.track, rec_time_key(&t), buf, one.len);
		} else if (rec.kind == SKB_LOST) {
			t.mono = rec.lost.ts;
			render_lost_text(&out, &rec.lost, "");
			render_lost_json(&out, &rec.lost, &t, "fuzz");
		}
	}
	(void)skbr_error(r);
	if (fl) {
		flows_finish(fl, &out);
		flows_free(fl);
	}
	sb_flush(&out);
	sb_free(&out);
	skbr_close(r);
	return 0;
}
