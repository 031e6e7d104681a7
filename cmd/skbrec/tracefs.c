/* SPDX-License-Identifier: MIT */
/*
 * tracefs.c - which subsystem each tracepoint belongs to.  BTF knows the
 * tracepoints (btf_trace_<name>) but not their subsystem; tracefs
 * (events/<subsys>/<name>/) does.  When tracefs is not mounted, a child
 * process mounts it in a private mount namespace of its own, lists it and
 * exits, so the system's mounts are never touched.
 */
#include "skbrec.h"
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const roots[] = {
	"/sys/kernel/tracing/events",
	"/sys/kernel/debug/tracing/events",
};

struct names {
	char **v;
	size_t n, cap;
};

static int add(struct names *ns, const char *sys, const char *ev)
{
	char *s;

	if (ns->n == ns->cap) {
		size_t cap = ns->cap ? ns->cap * 2 : 1024;
		char **v = realloc(ns->v, cap * sizeof(*v));

		if (!v)
			return -1;
		ns->v = v;
		ns->cap = cap;
	}
	if (asprintf(&s, "%s:%s", sys, ev) < 0)
		return -1;
	ns->v[ns->n++] = s;
	return 0;
}

/* events/<sys>/<event>/ directories; files (enable, filter) are skipped. */
static int scan(const char *root, struct names *ns)
{
	DIR *d = opendir(root), *e;
	struct dirent *sd, *ed;
	char path[4096];

	if (!d)
		return -1;
	while ((sd = readdir(d))) {
		if (sd->d_name[0] == '.' || sd->d_type != DT_DIR)
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, sd->d_name);
		e = opendir(path);
		if (!e)
			continue;
		while ((ed = readdir(e)))
			if (ed->d_name[0] != '.' && ed->d_type == DT_DIR &&
			    add(ns, sd->d_name, ed->d_name)) {
				closedir(e);
				closedir(d);
				return -1;
			}
		closedir(e);
	}
	closedir(d);
	return 0;
}

/* Child: private mount namespace, mount tracefs, print "sys:event\n". */
static void child_list(int wfd)
{
	const char *mnt = "/sys/kernel/tracing";
	struct names ns = { 0 };
	FILE *f;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tracefs", mnt, "tracefs", 0, NULL) ||
	    scan("/sys/kernel/tracing/events", &ns))
		_exit(1);
	f = fdopen(wfd, "w");
	if (!f)
		_exit(1);
	for (size_t i = 0; i < ns.n; i++)
		fprintf(f, "%s\n", ns.v[i]);
	_exit(fclose(f) ? 1 : 0);
}

static int from_child(struct names *ns)
{
	int p[2], st;
	pid_t pid;
	FILE *f;
	char line[512];

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		child_list(p[1]);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (!f) {
		close(p[0]);
		waitpid(pid, &st, 0);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		line[strcspn(line, "\n")] = 0;
		if (!colon)
			continue;
		*colon = 0;
		if (add(ns, line, colon + 1))
			break;
	}
	fclose(f);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int tracefs_events(char ***names, size_t *n)
{
	struct names ns = { 0 };
	int ok = -1;

	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]) && ok; i++)
		ok = scan(roots[i], &ns);
	if (ok && from_child(&ns)) {
		skb_warn("cannot list tracepoints: tracefs is not mounted on "
			 "/sys/kernel/tracing and could not be mounted%s",
			 geteuid() ? " (needs root)" : "");
		for (size_t i = 0; i < ns.n; i++)
			free(ns.v[i]);
		free(ns.v);
		return -1;
	}
	qsort(ns.v, ns.n, sizeof(*ns.v), cmp);
	*names = ns.v;
	*n = ns.n;
	return 0;
}
