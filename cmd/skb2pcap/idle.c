/* SPDX-License-Identifier: MIT */
/* idle.c - timed flush of the output while waiting on a live input (idle.h). */
#include "idle.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/time.h>

#define IDLE_FLUSH_US 50000

static struct out *idle_out;
static volatile sig_atomic_t waiting;
static bool started;

static void on_alarm(int sig)
{
	int saved = errno;
	(void)sig;
	/* only write(2) happens here: async-signal-safe */
	if (waiting && idle_out->len && !idle_out->err)
		out_flush(idle_out);
	errno = saved;
}

void idle_start(struct out *o)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct itimerval it = {
		.it_interval = { 0, IDLE_FLUSH_US }, .it_value = { 0, IDLE_FLUSH_US },
	};
	if (started)
		return;
	idle_out = o;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGALRM, &sa, NULL) || setitimer(ITIMER_REAL, &it, NULL))
		return;
	started = true;
}

void idle_wait_begin(void)
{
	/* everything written to the buffer is visible to the handler first */
	atomic_signal_fence(memory_order_seq_cst);
	waiting = 1;
}

void idle_wait_end(void)
{
	waiting = 0;
	/* and what the handler did is seen by the code that follows */
	atomic_signal_fence(memory_order_seq_cst);
}

void idle_stop(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	if (!started)
		return;
	waiting = 0;
	setitimer(ITIMER_REAL, &off, NULL);
	started = false;
}
