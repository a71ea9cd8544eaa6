/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* notifier.c: main() of the notifier, istmd's third process (--role=notify),
 * which makes the outbound IStatusNotify calls of status notifications
 * ([MS-ISTM] 3.42.4).  The parent re-executes istmd with the role flag;
 * fd 3 is a SOCK_SEQPACKET pair to the parent, one struct notify_job per
 * message.  It enters the network child's sandbox (chroot to the empty
 * directory, its own user, no new privileges, no processes), with a system
 * call filter that adds only socket(AF_INET/AF_INET6) and connect: it holds
 * no secrets and no state but its queue, so a client that subverts it can
 * reach no more than the network it could reach itself.
 *
 * Jobs run one at a time, in order, each within NOTIFY_CALL_TIMEOUT_MS;
 * at most NOTIFY_JOBS_MAX wait here (the rest wait in the socket, and the
 * parent drops what does not fit there).  A failed call is reported to
 * the parent, which drops the registration; jobs for it still queued are
 * skipped.  Trade-off: a client that hangs delays the others' notifications
 * by the timeout; nothing else waits for it. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <getopt.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "istmd.h"
#include "log.h"
#include "net/priv/priv.h"
#include "notify/callout.h"
#include "proto/notify.h"

#define PARENT_FD 3
#define FAILED_MAX 16                /* recently failed registrations remembered */

static struct notify_job jobs[NOTIFY_JOBS_MAX]; /* ring */
static unsigned head, count;         /* first job, jobs held */
static uint32_t failed[FAILED_MAX];  /* ring of failed registration ids */
static unsigned failed_next;         /* next slot of failed */

static bool has_failed(uint32_t reg)
{
	unsigned i;

	for (i = 0; i < FAILED_MAX; i++)
		if (failed[i] == reg)
			return true;
	return false;
}

/* Take what the parent sent, up to a full queue: -EPIPE when it is gone. */
static int take_jobs(void)
{
	struct notify_job j;
	ssize_t n;

	while (count < NOTIFY_JOBS_MAX) {
		n = recv(PARENT_FD, &j, sizeof(j), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0)
			return -EPIPE;
		if ((size_t)n != sizeof(j) || j.ref.n_bindings > NOTIFY_BINDINGS_MAX ||
		    (j.method != NOTIFY_LUN_LIST_CHANGED && j.method != NOTIFY_LUN_STATUS_UPDATE))
			continue;
		jobs[(head + count++) % NOTIFY_JOBS_MAX] = j;
	}
	return 0;
}

static void run_one(void)
{
	struct notify_job *j = &jobs[head];
	struct notify_failed f = { 0 };
	uint32_t status = 0;
	unsigned i;
	int rc;

	head = (head + 1) % NOTIFY_JOBS_MAX;
	count--;
	if (has_failed(j->reg))
		return;
	for (i = 0; i < j->ref.n_bindings; i++)
		j->ref.bindings[i][NOTIFY_BINDING_LEN - 1] = 0;
	rc = callout_run(j, &status);
	if (rc == 0) {
		log_debug("notified registration %u: opnum %u", j->reg, j->method);
		return;
	}
	log_debug("notifying registration %u failed: %s (status 0x%08x)", j->reg, strerror(-rc),
		  status);
	failed[failed_next++ % FAILED_MAX] = j->reg;
	f.reg = j->reg;
	f.err = rc;
	f.status = status;
	send(PARENT_FD, &f, sizeof(f), MSG_DONTWAIT | MSG_NOSIGNAL);
}

int notifier_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'R' },
		{ "chroot", required_argument, NULL, 'C' },
		{ "run-as", required_argument, NULL, 'U' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	const char *chroot_dir = NULL, *run_as = "_istmd";
	int fg = 0, verbose = 0, c, rc;

	while ((c = getopt_long(argc, argv, "fv", opts, NULL)) != -1) {
		switch (c) {
		case 'R': break;
		case 'C': chroot_dir = optarg; break;
		case 'U': run_as = optarg; break;
		case 'f': fg = 1; break;
		case 'v': verbose = 1; break;
		default: return 2;
		}
	}
	log_init(fg, verbose, "istmd-notify");
	if (!chroot_dir)
		fatalx("notifier started without its sandbox directory");
	if (priv_child_sandbox_outbound(chroot_dir, run_as) < 0)
		fatalx("notifier cannot enter its sandbox");
	for (;;) {
		struct pollfd p = { PARENT_FD, POLLIN, 0 };

		if ((rc = take_jobs()) < 0)
			break;
		if (count) {
			run_one();
			continue;
		}
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			break;
	}
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer needs /proc, which the chroot hides (as in netchild.c) */
	_exit(0);
#endif
	return 0;
}
