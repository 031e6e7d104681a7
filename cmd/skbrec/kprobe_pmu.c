/* SPDX-License-Identifier: MIT */
/*
 * kprobe_pmu.c - a kprobe or kretprobe as a perf event of the kernel's
 * kprobe PMU, with a BPF program fd attached to it.  libbpf does the same
 * for its own programs (bpf_program__attach_kprobe_opts); skbrec needs it
 * for program instances it loaded itself (the config word patched in, on
 * kernels before 5.15, which have no attach cookie to carry it).
 *
 * The PMU's type number and the bit of its config that makes a kretprobe
 * are read from sysfs, as perf and libbpf read them.  The program goes on
 * with PERF_EVENT_IOC_SET_BPF, which every kernel with the PMU (4.17+) has;
 * the event fd keeps the probe: closing it removes the probe.
 */
#include "skbrec.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The first line of a sysfs file, parsed with fmt: 0 or -errno. */
static int sysfs_scan(const char *path, const char *fmt, int *v)
{
	FILE *f = fopen(path, "re");
	int n, err;

	if (!f)
		return -errno;
	n = fscanf(f, fmt, v);
	err = n == 1 ? 0 : -EINVAL;
	fclose(f);
	return err;
}

int kprobe_pmu_attach(const char *fn, bool ret, int prog_fd)
{
	struct perf_event_attr a;
	int type, bit = 0, fd, err;

	if ((err = sysfs_scan(KPROBE_PMU_DIR "/type", "%d", &type)))
		return err;
	if (ret && (err = sysfs_scan(KPROBE_PMU_DIR "/format/retprobe", "config:%d", &bit)))
		return err;
	if (bit < 0 || bit > 63)
		return -EINVAL;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = (uint32_t)type;
	a.config = ret ? 1ULL << bit : 0;
	a.config1 = (uint64_t)(uintptr_t)fn;   /* the function, by name */
	a.config2 = 0;                         /* at its entry */
	/* any task (-1), reported to CPU 0: a kprobe fires on every CPU */
	fd = (int)syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, prog_fd) || ioctl(fd, PERF_EVENT_IOC_ENABLE, 0)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}
