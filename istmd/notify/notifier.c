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
 * The first message from the parent is the callback account (struct
 * ntlm_creds: names and NT hash, never the password; no user: callbacks
 * are unauthenticated).  While a registration is held the parent asks it
 * to ping the client's resolver for the object (NOTIFY_PING_START/STOP):
 * the notifier keeps one ping set per registration and pings every
 * --ping-period seconds, between jobs; a ping that fails is reported like
 * a failed call, and the parent drops the registration.
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/now.h"
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
static struct ntlm_creds creds;      /* the callback account; user_len 0: none */
static uint64_t ping_period_ms = 120000; /* --ping-period, [MS-DCOM]'s 120 s by default */

/* A registration's object, pinged at its client's resolver. */
struct ping {
	uint32_t reg;                /* the parent's registration id; 0: free slot */
	struct notify_ref ref;       /* the object and its resolver's bindings */
	uint64_t setid;              /* the resolver's ping set, 0 before the first ping */
	uint16_t seq;                /* the set's last ComplexPing sequence number */
	uint64_t due;                /* now_ms() of the next ping */
};
static struct ping pings[NOTIFY_REGS_MAX];

static bool has_failed(uint32_t reg)
{
	unsigned i;

	for (i = 0; i < FAILED_MAX; i++)
		if (failed[i] == reg)
			return true;
	return false;
}

static void report_failed(uint32_t reg, uint32_t method, int rc, uint32_t status)
{
	struct notify_failed f = { 0 };

	failed[failed_next++ % FAILED_MAX] = reg;
	f.reg = reg;
	f.err = rc;
	f.status = status;
	f.method = method;
	send(PARENT_FD, &f, sizeof(f), MSG_DONTWAIT | MSG_NOSIGNAL);
}

/* NOTIFY_PING_START / STOP: kept here, not queued (a ping is due now). */
static void ping_control(const struct notify_job *j)
{
	struct ping *free_slot = NULL;
	unsigned i;

	for (i = 0; i < NOTIFY_REGS_MAX; i++) {
		if (pings[i].reg == j->reg)
			memset(&pings[i], 0, sizeof(pings[i]));
		if (!pings[i].reg && !free_slot)
			free_slot = &pings[i];
	}
	if (j->method == NOTIFY_PING_STOP || !free_slot)
		return;
	free_slot->reg = j->reg;
	free_slot->ref = j->ref;
	free_slot->due = now_ms();
}

/* Ping every object that is due; returns the milliseconds to the next
 * ping, or -1 when none is held. */
static int ping_due(void)
{
	uint64_t now = now_ms(), next = UINT64_MAX;
	uint32_t status;
	unsigned i;
	int rc;

	for (i = 0; i < NOTIFY_REGS_MAX; i++) {
		struct ping *p = &pings[i];

		if (!p->reg)
			continue;
		if (p->due <= now) {
			status = 0;
			rc = callout_ping(&p->ref, &p->setid, &p->seq, &status);
			now = now_ms();
			if (rc < 0) {
				log_debug("pinging registration %u failed: %s (status 0x%08x)", p->reg,
					  strerror(-rc), status);
				report_failed(p->reg, NOTIFY_PING_START, rc, status);
				memset(p, 0, sizeof(*p));
				continue;
			}
			log_debug("pinged registration %u (set %llx)", p->reg,
				  (unsigned long long)p->setid);
			p->due = now + ping_period_ms;
		}
		if (p->due < next)
			next = p->due;
	}
	if (next == UINT64_MAX)
		return -1;
	return next <= now ? 0 : (int)(next - now);
}

/* Take what the parent sent, up to a full queue: -EPIPE when it is gone. */
static int take_jobs(void)
{
	struct notify_job j;
	unsigned i;
	ssize_t n;

	while (count < NOTIFY_JOBS_MAX) {
		n = recv(PARENT_FD, &j, sizeof(j), MSG_DONTWAIT);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -errno;
		if (n == 0)
			return -EPIPE;
		if ((size_t)n != sizeof(j) || j.ref.n_bindings > NOTIFY_BINDINGS_MAX)
			continue;
		for (i = 0; i < j.ref.n_bindings; i++)
			j.ref.bindings[i][NOTIFY_BINDING_LEN - 1] = 0;
		if (j.method == NOTIFY_PING_START || j.method == NOTIFY_PING_STOP)
			ping_control(&j);
		else if (j.method == NOTIFY_LUN_LIST_CHANGED || j.method == NOTIFY_LUN_STATUS_UPDATE)
			jobs[(head + count++) % NOTIFY_JOBS_MAX] = j;
	}
	return 0;
}

static void run_one(void)
{
	struct notify_job *j = &jobs[head];
	uint32_t status = 0;
	int rc;

	head = (head + 1) % NOTIFY_JOBS_MAX;
	count--;
	if (has_failed(j->reg))
		return;
	rc = callout_run(j, &creds, &status);
	if (rc == 0) {
		log_debug("notified registration %u: opnum %u", j->reg, j->method);
		return;
	}
	log_debug("notifying registration %u failed: %s (status 0x%08x)", j->reg, strerror(-rc),
		  status);
	report_failed(j->reg, j->method, rc, status);
}

/* The parent's first message: the callback account. */
static int take_creds(void)
{
	ssize_t n;

	do
		n = recv(PARENT_FD, &creds, sizeof(creds), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(creds) || creds.user_len > NTLMSSP_MAX_NAME ||
	    creds.domain_len > NTLMSSP_MAX_NAME) {
		explicit_bzero(&creds, sizeof(creds));
		return -EPROTO;
	}
	return 0;
}

int notifier_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'R' },
		{ "chroot", required_argument, NULL, 'C' },
		{ "run-as", required_argument, NULL, 'U' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "ping-period", required_argument, NULL, 'P' },
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
		case 'P':
			if (atoi(optarg) > 0)
				ping_period_ms = (uint64_t)atoi(optarg) * 1000u;
			break;
		default: return 2;
		}
	}
	log_init(fg, verbose, "istmd-notify");
	if (!chroot_dir)
		fatalx("notifier started without its sandbox directory");
	if (priv_child_sandbox_outbound(chroot_dir, run_as) < 0)
		fatalx("notifier cannot enter its sandbox");
	if (take_creds() < 0)
		fatalx("notifier did not get its callback account from the parent");
	for (;;) {
		struct pollfd p = { PARENT_FD, POLLIN, 0 };
		int wait_ms;

		if ((rc = take_jobs()) < 0)
			break;
		wait_ms = ping_due();
		if (count) {
			run_one();
			continue;
		}
		if (poll(&p, 1, wait_ms) < 0 && errno != EINTR)
			break;
	}
	explicit_bzero(&creds, sizeof(creds));
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer needs /proc, which the chroot hides (as in netchild.c) */
	_exit(0);
#endif
	return 0;
}
