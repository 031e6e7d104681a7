/* SPDX-License-Identifier: MIT */
/*
 * select.c - skbrec's in-kernel selectors (-i, --netns, --mark) turned into
 * the values the BPF program compares (bpf/skbrec.bpf.c, selected()).
 *
 * An interface index means something only inside its network namespace:
 * -i NAME is looked up in the namespace --netns names (found among
 * /run/netns and the namespaces of running processes, entered by a child
 * process) or else in skbrec's own, and the selector then holds both.
 */
#include "skbrec.h"
#include "cli.h"

#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static uint32_t inode_of(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : (uint32_t)st.st_ino;
}

/* An open fd of the network namespace with this inode, or -1. */
static int netns_fd(uint32_t inode)
{
	static const char *const dirs[] = { "/run/netns", "/proc" };
	char path[300];
	struct dirent *d;

	for (size_t i = 0; i < 2; i++) {
		DIR *dir = opendir(dirs[i]);

		while (dir && (d = readdir(dir))) {
			if (d->d_name[0] == '.' || (i == 1 && (d->d_name[0] < '0' || d->d_name[0] > '9')))
				continue;
			snprintf(path, sizeof(path), i ? "%s/%s/ns/net" : "%s/%s", dirs[i], d->d_name);
			if (inode_of(path) == inode) {
				closedir(dir);
				return open(path, O_RDONLY | O_CLOEXEC);
			}
		}
		if (dir)
			closedir(dir);
	}
	return -1;
}

/* if_nametoindex(name) inside the namespace fd: in a child, so that
 * skbrec itself stays where it is.  0: no such interface. */
static unsigned index_in(int fd, const char *name)
{
	unsigned idx = 0;
	int p[2], st;
	pid_t pid;

	if (pipe(p))
		return 0;
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		idx = setns(fd, CLONE_NEWNET) ? 0 : if_nametoindex(name);
		_exit(write(p[1], &idx, sizeof(idx)) == sizeof(idx) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &idx, sizeof(idx)) != sizeof(idx))
		idx = 0;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return idx;
}

int rec_select(const struct rec_config *c, struct rec_opts *o)
{
	o->sel_netns = c->netns;
	o->sel_mark = c->mark;
	o->sel_mark_mask = c->mark_mask;
	o->sel_follow = !c->no_follow;
	if (c->iface) {
		if (!c->netns) {
			o->sel_netns = inode_of("/proc/self/ns/net");
			o->sel_ifindex = if_nametoindex(c->iface);
		} else {
			int fd = netns_fd(c->netns);

			if (fd < 0) {
				skb_warn("--netns %u: no such network namespace (none in /run/netns "
					 "or /proc/*/ns/net)", c->netns);
				return -1;
			}
			o->sel_ifindex = index_in(fd, c->iface);
			close(fd);
		}
		if (!o->sel_ifindex) {
			skb_warn("-i %s: no such interface in network namespace %u", c->iface,
				 o->sel_netns);
			return -1;
		}
	}
	o->sel_on = c->iface || c->netns || c->mark_mask;
	o->sel_follow = o->sel_follow && (o->sel_on || c->filter);
	return 0;
}
