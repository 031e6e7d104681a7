/* SPDX-License-Identifier: MIT */
/*
 * privs.c - -Z USER: once the probes are attached, skbrec goes on as USER,
 * as tcpdump -Z does; the output file is then created by USER.
 *
 * What the recording still needs after that: the ring buffer (memory mapped
 * already), and BPF map lookups on file descriptors it holds (loss
 * counters, stacks).  Recent kernels check the map fd's own permissions for
 * those; a kernel may instead refuse every bpf() call without CAP_BPF when
 * unprivileged BPF is disabled.  A child tries the lookup as USER first:
 * where it fails, CAP_BPF is kept, and nothing else.
 */
#include "skbrec.h"
#include "cli.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define CAP_BPF_BIT 39   /* linux/capability.h has it only since 5.8 */

int privs_lookup(const char *user, struct rec_user *u)
{
	struct passwd *pw;

	errno = 0;
	pw = getpwnam(user);
	if (!pw) {
		skb_warn("-Z %s: %s", user, errno ? strerror(errno) : "no such user");
		return -1;
	}
	u->name = user;
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

static int become(const struct rec_user *u)
{
	if (initgroups(u->name, u->gid) || setgid(u->gid) || setuid(u->uid))
		return -1;
	/* no way back */
	if (setuid(0) == 0 || geteuid() != u->uid)
		return -1;
	return 0;
}

/* Whether USER can still look up map fd without any capability. */
static bool lookup_works_as(const struct rec_user *u, int map_fd)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		__u32 key = 0;
		int n = libbpf_num_possible_cpus();
		/* a per-CPU value: 8 bytes per possible CPU */
		void *val = n > 0 ? calloc((size_t)n, 8) : NULL;

		if (!val || become(u))
			_exit(2);
		_exit(bpf_map_lookup_elem(map_fd, &key, val) ? 1 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int privs_drop(const struct rec_user *u, int map_fd)
{
	bool keep_bpf = !lookup_works_as(u, map_fd);

	if (keep_bpf && prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L)) {
		skb_warn("-Z %s: prctl: %s", u->name, strerror(errno));
		return -1;
	}
	if (become(u)) {
		skb_warn("-Z %s: cannot become uid %u gid %u: %s", u->name, (unsigned)u->uid,
			 (unsigned)u->gid, strerror(errno));
		return -1;
	}
	if (keep_bpf) {
		struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
		struct __user_cap_data_struct d[2];

		memset(d, 0, sizeof(d));
		d[CAP_BPF_BIT / 32].effective = d[CAP_BPF_BIT / 32].permitted =
			1u << (CAP_BPF_BIT % 32);
		if (syscall(SYS_capset, &h, d) || prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L)) {
			skb_warn("-Z %s: keeping CAP_BPF: %s", u->name, strerror(errno));
			return -1;
		}
	}
	if (skb_verbose)
		skb_warn("running as %s (uid %u)%s", u->name, (unsigned)u->uid,
			 keep_bpf ? ", with CAP_BPF only: this kernel reads BPF maps with it" : "");
	return 0;
}
