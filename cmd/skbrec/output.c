/* SPDX-License-Identifier: MIT */
/*
 * output.c - skbrec's output: one .skb stream on stdout or a file, or with
 * -C SIZE a series FILE.0, FILE.1, ... each a complete file of its own
 * (header, drop-reason names, dictionaries re-emitted, END record), -W N
 * keeping only the last N.  Errors are reported here, once, naming the
 * file they happened on; callers get -errno and only decide to stop.
 */
#include "skbrec.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct rec_output {
	struct recout_opts o;
	struct skb_writer *w;
	int fd;
	unsigned seq;           /* number of the current rotated file */
	uint64_t done_bytes;    /* bytes of files already closed */
	char path[4096];        /* the file being written, "stdout" */
	int err;                /* first error, reported; sticky */
};

static int put_reason(void *arg, uint32_t value, const char *name)
{
	return skbw_drop_reason(arg, value, name) ? 1 : 0;
}

/* The first error, said once (a closed pipe quietly): then sticky. */
static int failed(struct rec_output *out, int err)
{
	if (err && !out->err) {
		out->err = err;
		if (!skb_is_epipe(err))
			skb_warn("%s: %s", out->path, strerror(-err));
	}
	return out->err;
}

static int start(struct rec_output *out)
{
	const char *p = out->o.path;

	if (out->o.rotate_size) {
		snprintf(out->path, sizeof(out->path), "%s.%u", out->o.path, out->seq);
		p = out->path;
	} else {
		snprintf(out->path, sizeof(out->path), "%s",
			 p && strcmp(p, "-") ? p : "stdout");
	}
	out->fd = skb_open_binary_output(p);   /* says why it cannot */
	if (out->fd < 0)
		return out->err = -EIO;
	out->w = skbw_open_fd(out->fd, out->o.info, out->o.flags);
	if (!out->w)
		return failed(out, errno ? -errno : -ENOMEM);
	if (out->o.btf)
		kbtf_drop_reasons(out->o.btf, put_reason, out->w);
	if (out->o.rotate_size && out->o.keep && out->seq >= out->o.keep) {
		char old[4096];

		snprintf(old, sizeof(old), "%s.%u", out->o.path, out->seq - out->o.keep);
		if (unlink(old) && errno != ENOENT)
			skb_warn("%s: %s", old, strerror(errno));
	}
	return 0;
}

struct rec_output *recout_open(const struct recout_opts *o)
{
	struct rec_output *out = calloc(1, sizeof(*out));

	if (!out) {
		skb_warn("out of memory");
		return NULL;
	}
	out->o = *o;
	out->fd = -1;
	if (start(out)) {
		recout_close(out);
		return NULL;
	}
	return out;
}

/* END record, flush, close this file. */
static int finish(struct rec_output *out)
{
	int err = out->w ? skbw_close(out->w) : 0;

	out->w = NULL;
	if (out->fd > STDERR_FILENO && close(out->fd) && !err)
		err = -errno;
	out->fd = -1;
	return failed(out, err);
}

static int rotate(struct rec_output *out)
{
	uint64_t bytes = skbw_bytes(out->w);

	if (finish(out))
		return out->err;
	out->done_bytes += bytes;
	out->seq++;
	return start(out);
}

int recout_event(struct rec_output *out, const struct skb_event *ev)
{
	if (out->err)
		return out->err;
	if (out->o.rotate_size && skbw_bytes(out->w) >= out->o.rotate_size && rotate(out))
		return out->err;
	return failed(out, skbw_event(out->w, ev));
}

int recout_lost(struct rec_output *out, const struct skb_lost *l)
{
	return out->err ? out->err : failed(out, skbw_lost(out->w, l));
}

int recout_flush(struct rec_output *out)
{
	return out->err ? out->err : failed(out, skbw_flush(out->w));
}

uint64_t recout_bytes(const struct rec_output *out)
{
	return out->done_bytes + (out->w ? skbw_bytes(out->w) : 0);
}

int recout_close(struct rec_output *out)
{
	int err;

	if (!out)
		return 0;
	/* after a write error the file is cut: leave it without its END so
	 * readers call it truncated, rather than write more into the error */
	if (out->err && out->w) {
		skbw_abort(out->w);
		out->w = NULL;
	}
	finish(out);
	err = out->err;
	free(out);
	return err;
}
