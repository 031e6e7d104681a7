/* SPDX-License-Identifier: MIT */
/* cli.c - shared command-line helpers (see cli.h). */
#include "cli.h"
#include "skb.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *skb_prog = "skbtools";
int skb_verbose;

void skb_cli_init(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		skb_prog = s ? s + 1 : argv0;
}

static void vwarn(const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "%s: ", skb_prog);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	size_t len = strlen(buf);
	if (len + 1 < sizeof(buf))
		buf[len++] = '\n';
	/* one write so concurrent messages do not interleave */
	ssize_t r = write(STDERR_FILENO, buf, len);
	(void)r;
}

void skb_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
}

void skb_die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(fmt, ap);
	va_end(ap);
	exit(status);
}

int skb_parse_u64(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		goto bad;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		goto bad;
	if (v < min || v > max) {
		skb_warn("%s: %s is out of range (%llu..%llu)", what, s,
			 (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
bad:
	skb_warn("%s: '%s' is not a number", what, s ? s : "");
	return -1;
}

int skb_parse_mark(const char *what, const char *s, uint32_t *value, uint32_t *mask)
{
	char buf[64], *slash;
	uint64_t v;

	if (strlen(s) >= sizeof(buf)) {
		skb_warn("%s: '%s' is not VALUE[/MASK]", what, s);
		return -1;
	}
	strcpy(buf, s);
	*mask = UINT32_MAX;
	if ((slash = strchr(buf, '/'))) {
		*slash = 0;
		if (skb_parse_u64(what, slash + 1, 0, UINT32_MAX, &v))
			return -1;
		*mask = (uint32_t)v;
	}
	if (skb_parse_u64(what, buf, 0, UINT32_MAX, &v))
		return -1;
	*value = (uint32_t)v;
	if (*value & ~*mask) {
		skb_warn("%s: value %s has bits outside the mask; it could never match", what, buf);
		return -1;
	}
	return 0;
}

int skb_parse_size(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char num[64];
	size_t n = s ? strlen(s) : 0;
	uint64_t mult = 1;
	if (n == 0 || n >= sizeof(num)) {
		skb_warn("%s: '%s' is not a size", what, s ? s : "");
		return -1;
	}
	memcpy(num, s, n + 1);
	switch (num[n - 1]) {
	case 'k': case 'K': mult = 1ull << 10; break;
	case 'm': case 'M': mult = 1ull << 20; break;
	case 'g': case 'G': mult = 1ull << 30; break;
	}
	if (mult > 1)
		num[n - 1] = 0;
	uint64_t v;
	if (skb_parse_u64(what, num, 0, UINT64_MAX / mult, &v))
		return -1;
	v *= mult;
	if (v < min || v > max) {
		skb_warn("%s: %s is out of range (%llu..%llu)", what, s,
			 (unsigned long long)min, (unsigned long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

/* Whether PATH's folder is writable by anyone (like /tmp). */
static bool in_shared_dir(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;
	struct stat st;

	if (!slash) {
		strcpy(dir, ".");
	} else if (n == 0) {
		strcpy(dir, "/");
	} else if (n < sizeof(dir)) {
		memcpy(dir, path, n);
		dir[n] = 0;
	} else {
		return true;     /* cannot tell: the careful way */
	}
	return stat(dir, &st) == 0 && (st.st_mode & S_IWOTH);
}

int skb_open_binary_output(const char *path)
{
	int fd;
	if (!path || !strcmp(path, "-")) {
		if (isatty(STDOUT_FILENO)) {
			skb_warn("refusing to write binary data to a terminal "
				 "(pipe into skbcat, or use -o FILE)");
			return -1;
		}
		return STDOUT_FILENO;
	}
	if (!in_shared_dir(path)) {
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0)
			skb_warn("%s: %s", path, strerror(errno));
		return fd;
	}
	/* A folder anyone may write in (/tmp): another user may have put a
	 * symbolic link or a file of theirs at PATH for root to write
	 * through.  A new file is created only if nothing is there
	 * (O_EXCL); an existing one is used only when it is a regular file
	 * of ours, reached without following a link. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	if (errno == EEXIST)
		fd = open(path, O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENXIO)     /* a FIFO (no reader yet): not a file */
			errno = EEXIST;
		if (errno == EEXIST)
			skb_warn("%s: exists and is not a regular file of ours, in a folder "
				 "anyone can write to; refusing to write to it", path);
		else if (errno == ELOOP)
			skb_warn("%s: is a symbolic link in a folder anyone can write to; "
				 "refusing to follow it", path);
		else
			skb_warn("%s: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		skb_warn("%s: exists and is not a regular file of ours, in a folder anyone "
			 "can write to; refusing to write to it", path);
		close(fd);
		return -1;
	}
	if (ftruncate(fd, 0) || fcntl(fd, F_SETFL, 0)) {
		skb_warn("%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

void skb_ignore_sigpipe(void)
{
	signal(SIGPIPE, SIG_IGN);
}

bool skb_is_epipe(int err)
{
	if (err < 0)
		err = -err;
	return err == EPIPE;
}
