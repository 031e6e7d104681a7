/* SPDX-License-Identifier: MIT */
/*
 * output.c - skbrec's output: one .skb stream on stdout or a file, or with
 * -C SIZE a series FILE.0, FILE.1, ... each a complete file of its own
 * (header, drop-reason names, dictionaries re-emitted, END record), -W N
 * keeping only the last N.
 */
#include "skbrec.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct output {
	struct output_opts o;
	struct skb_writer *w;
	int fd;
	unsigned seq;           /* number of the current rotated file */
	uint64_t done_bytes;    /* bytes of files already closed */
};

static int put_reason(void *arg, uint32_t value, const char *name)
{
	return skbw_drop_reason(arg, value, name) ? 1 : 0;
}

static int start(struct output *out)
{
	char path[4096];
	const char *p = out->o.path;

	if (out->o.rotate_size) {
		snprintf(path, sizeof(path), "%s.%u", out->o.path, out->seq);
		p = path;
	}
	out->fd = skb_open_binary_output(p);
	out->w = skbw_open_fd(out->fd, out->o.info, out->o.flags);
	if (!out->w) {
		skb_warn("%s: %s", p ? p : "stdout", strerror(errno));
		return -1;
	}
	if (out->o.btf)
		kbtf_drop_reasons(out->o.btf, put_reason, out->w);
	if (out->o.rotate_size && out->o.keep && out->seq >= out->o.keep) {
		snprintf(path, sizeof(path), "%s.%u", out->o.path, out->seq - out->o.keep);
		if (unlink(path) && errno != ENOENT)
			skb_warn("%s: %s", path, strerror(errno));
	}
	return 0;
}

struct output *output_open(const struct output_opts *o)
{
	struct output *out = calloc(1, sizeof(*out));

	if (!out) {
		skb_warn("out of memory");
		return NULL;
	}
	out->o = *o;
	out->fd = -1;
	if (start(out)) {
		free(out);
		return NULL;
	}
	return out;
}

static int finish(struct output *out)
{
	int err = skbw_close(out->w);

	out->w = NULL;
	if (out->fd > STDERR_FILENO && close(out->fd) && !err)
		err = -errno;
	out->fd = -1;
	return err;
}

static int rotate(struct output *out)
{
	uint64_t bytes = skbw_bytes(out->w);
	int err;

	err = finish(out);
	out->done_bytes += bytes;
	if (err)
		return err;
	out->seq++;
	return start(out) ? -EIO : 0;
}

int output_event(struct output *out, const struct skb_event *ev)
{
	if (out->o.rotate_size && skbw_bytes(out->w) >= out->o.rotate_size) {
		int err = rotate(out);

		if (err)
			return err;
	}
	return skbw_event(out->w, ev);
}

int output_lost(struct output *out, const struct skb_lost *l)
{
	return skbw_lost(out->w, l);
}

int output_flush(struct output *out)
{
	return skbw_flush(out->w);
}

uint64_t output_bytes(const struct output *out)
{
	return out->done_bytes + (out->w ? skbw_bytes(out->w) : 0);
}

int output_close(struct output *out)
{
	int err = out->w ? finish(out) : 0;

	free(out);
	return err;
}
