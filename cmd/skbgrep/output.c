/* SPDX-License-Identifier: MIT */
/*
 * output.c - the .skb stream skbgrep writes.  The header copies the input
 * section's metadata (snaplen, clock offset, host, kernel, command line), so
 * times and names read back the same.  When the input starts a section with
 * different metadata (concatenated recordings) the writer is closed, which
 * ends the section with its END record, and reopened on the same fd: a
 * concatenation of sections is itself a valid stream.
 */
#include "output.h"

#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void gout_init(struct grep_output *o, int fd, int flags)
{
	*o = (struct grep_output){ .fd = fd, .flags = flags };
}

static bool same_str(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

static bool same_info(const struct skb_info *a, const struct skb_info *b)
{
	return a->snaplen == b->snaplen && a->wall_offset == b->wall_offset &&
	       a->time_base == b->time_base && same_str(a->tool, b->tool) &&
	       same_str(a->host, b->host) && same_str(a->kernel, b->kernel) &&
	       same_str(a->cmdline, b->cmdline);
}

static void free_info(struct skb_info *i)
{
	free((char *)i->tool);
	free((char *)i->host);
	free((char *)i->kernel);
	free((char *)i->cmdline);
	*i = (struct skb_info){ 0 };
}

static char *dup_str(const char *s)
{
	return strdup(s ? s : "");
}

int gout_section(struct grep_output *o, const struct skb_info *info)
{
	if (o->err)
		return o->err;
	if (o->fd < 0 || !info || (o->w && same_info(&o->info, info)))
		return 0;
	if (o->w) {
		int err = skbw_close(o->w);
		o->w = NULL;
		if (err)
			return o->err = err;
	}
	free_info(&o->info);
	o->info = *info;
	o->info.tool = dup_str(info->tool);
	o->info.host = dup_str(info->host);
	o->info.kernel = dup_str(info->kernel);
	o->info.cmdline = dup_str(info->cmdline);
	if (!o->info.tool || !o->info.host || !o->info.kernel || !o->info.cmdline)
		return o->err = -ENOMEM;
	o->w = skbw_open_fd(o->fd, &o->info, o->flags);
	if (!o->w)
		return o->err = errno ? -errno : -EIO;
	return 0;
}

void gout_new_input(struct grep_output *o)
{
	if (o->w)
		skbw_forget_refs(o->w);
}

int gout_event(struct grep_output *o, const struct skb_event *ev, const struct skb_record *rec)
{
	o->selected++;
	if (o->fd < 0)
		return 0;
	if (o->err || !o->w)
		return o->err ? o->err : -EINVAL;
	int err = rec ? skbw_event_copy(o->w, rec) : skbw_event(o->w, ev);
	if (err)
		o->err = err;
	return err;
}

int gout_lost(struct grep_output *o, const struct skb_lost *lost)
{
	if (o->fd < 0)
		return 0;
	if (o->err || !o->w)
		return o->err ? o->err : -EINVAL;
	int err = skbw_lost(o->w, lost);
	if (err)
		o->err = err;
	return err;
}

void gout_flush(struct grep_output *o)
{
	if (o->w && !o->err)
		o->err = skbw_flush(o->w);
}

int gout_finish(struct grep_output *o, bool complete)
{
	int err = o->err;
	if (o->w) {
		if (err) {
			skbw_abort(o->w);
		} else if (complete) {
			err = skbw_close(o->w);
		} else {
			err = skbw_flush(o->w);
			skbw_abort(o->w);
		}
		o->w = NULL;
	}
	free_info(&o->info);
	return err;
}
