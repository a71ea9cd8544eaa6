/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* notify.c: status notification registrations and LUN change detection in
 * the parent; the calls are the notifier's (istmd/notify/).
 *
 * After each ISTM operation, while anyone is registered, the parent reads
 * the LUN view (state_lun_view) and compares it with the one before: a
 * disk added, removed, enabled or disabled, or any change of a saved
 * target's mappings or Enable is a LunListChanged; a disk added, removed,
 * enabled, disabled or going from idle to in use or back is a
 * LunStatusUpdate of that disk (3.42.4).  Every notification is a job per
 * registration, sent to the notifier without waiting (MSG_DONTWAIT on a
 * SOCK_SEQPACKET pair): when its queue and the socket are full, jobs are
 * dropped and counted, and the management call that caused them is not
 * slowed.  Trade-off: one diff of the whole view per operation instead of
 * a hook per operation; it costs two queries, only while registered.
 *
 * The notifier gets the callback account (names and NT hash, set by
 * main.c from the password file) as its first message, and a ping job
 * when a registration comes and goes: it keeps the client's object alive
 * at the client's resolver, and a failed ping drops the registration. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hresult.h"
#include "log.h"
#include "parent/notify/notify.h"
#include "parent/state/state.h"

#define NOTIFIER_RESTARTS_MAX 5      /* within a minute, then notifications stop */

/* LUN_STATUS dwCompletionError of a disk that is gone or disabled
 * (istmd's choice: DeviceStatus has no value for either). */
#define LUN_GONE     0x80070002u     /* HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) */
#define LUN_DISABLED 0x80070015u     /* HRESULT_FROM_WIN32(ERROR_NOT_READY) */
#define DEVICE_IDLE   0u             /* DeviceStatus Idle */
#define DEVICE_IN_USE 1u             /* DeviceStatus InUse */

struct notify_reg {
	uint32_t id;                 /* ours, in jobs and failure reports; 0 = free slot */
	uint64_t owner;              /* the child's IWTGeneral object */
	uint32_t cookie;             /* lCookie */
	struct notify_ref ref;       /* where to call */
};

static struct {
	pid_t pid;                   /* the notifier, or -1 */
	int fd;                      /* our end of its pair, or -1 */
	const char *self;            /* program to re-execute */
	char *const *argv;           /* its arguments */
	time_t starts[NOTIFIER_RESTARTS_MAX]; /* recent start times, oldest first */
	unsigned n_starts;           /* entries of starts */
	struct notify_reg regs[NOTIFY_REGS_MAX]; /* free slots have id 0 */
	unsigned n_regs;             /* slots in use */
	uint32_t next_id;            /* last id given */
	struct state_lun_view_row *view; /* the LUN view notifications compare with */
	size_t n_view;               /* rows of view */
	uint64_t digest;             /* its mappings digest */
	bool have_view;              /* view is valid */
	unsigned long dropped;       /* jobs the notifier could not take */
	struct ntlm_creds creds;     /* the callback account; user_len 0: none */
} nt = { .pid = -1, .fd = -1 };

void notify_set_credentials(const struct ntlm_creds *creds)
{
	nt.creds = *creds;
}

/* Hand the notifier METHOD for R, without waiting. */
static void job_send(const struct notify_reg *r, uint32_t method,
		     const struct notify_lun_status *lun)
{
	struct notify_job j;

	memset(&j, 0, sizeof(j));
	j.reg = r->id;
	j.method = method;
	j.cookie = r->cookie;
	if (lun)
		j.lun = *lun;
	j.ref = r->ref;
	if (nt.fd < 0 || send(nt.fd, &j, sizeof(j), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		if (nt.dropped++ % 100 == 0)
			log_warnx("status notification not queued (%lu so far): notifier %s",
				  nt.dropped, nt.fd < 0 ? "not running" : "busy");
	}
}

/* A new notifier pings every registration held. */
static void ping_all(void)
{
	unsigned i;

	for (i = 0; i < NOTIFY_REGS_MAX; i++)
		if (nt.regs[i].id)
			job_send(&nt.regs[i], NOTIFY_PING_START, NULL);
}

static int spawn(void)
{
	int sv[2], hi;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		log_warn("starting the notifier failed: socketpair");
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		log_warn("starting the notifier failed: fork");
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		sigset_t all;

		hi = fcntl(sv[1], F_DUPFD_CLOEXEC, 100);
		if (hi < 0 || dup2(hi, 3) < 0)
			_exit(127);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execv(nt.self, nt.argv);
		_exit(127);
	}
	close(sv[1]);
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	/* its first message: the account (an empty socket: this cannot block) */
	if (send(sv[0], &nt.creds, sizeof(nt.creds), MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		log_warn("handing the notifier its callback account failed");
	nt.fd = sv[0];
	nt.pid = pid;
	ping_all();
	log_debug("notifier %ld started", (long)pid);
	return 0;
}

int notify_start(const char *self, char *const *argv)
{
	if (nt.creds.user_len == 0)
		log_info("status notification callbacks are unauthenticated: "
			 "no callback-user is configured");
	nt.self = self;
	nt.argv = argv;
	nt.starts[0] = time(NULL);
	nt.n_starts = 1;
	return spawn();
}

void notify_stop(void)
{
	int st, i;

	if (nt.pid > 0) {
		kill(nt.pid, SIGTERM);
		for (i = 0; i < 20 && waitpid(nt.pid, &st, WNOHANG) != nt.pid; i++)
			usleep(50000);
		if (i == 20) {
			kill(nt.pid, SIGKILL);
			waitpid(nt.pid, &st, 0);
		}
	}
	if (nt.fd >= 0)
		close(nt.fd);
	nt.pid = -1;
	nt.fd = -1;
	notify_drop_all();
}

int notify_fd(void)
{
	return nt.fd;
}

void notify_reaped(pid_t pid)
{
	time_t now = time(NULL);

	if (pid != nt.pid || pid <= 0)
		return;
	close(nt.fd);
	nt.fd = -1;
	nt.pid = -1;
	if (nt.n_starts == NOTIFIER_RESTARTS_MAX) {
		if (now - nt.starts[0] < 60) {
			log_warnx("notifier died %d times in a minute: status notifications stop",
				  NOTIFIER_RESTARTS_MAX);
			notify_drop_all();
			return;
		}
		memmove(nt.starts, nt.starts + 1, sizeof(nt.starts) - sizeof(nt.starts[0]));
		nt.n_starts--;
	}
	log_warnx("notifier %ld exited: starting another (queued notifications are lost)",
		  (long)pid);
	nt.starts[nt.n_starts++] = now;
	spawn();
}

static void reg_drop(struct notify_reg *r, const char *why)
{
	log_info("status notification registration %u (cookie %u) dropped: %s", r->id, r->cookie,
		 why);
	if (nt.fd >= 0)
		job_send(r, NOTIFY_PING_STOP, NULL);
	memset(r, 0, sizeof(*r));
	nt.n_regs--;
	if (nt.n_regs == 0) {
		free(nt.view);
		nt.view = NULL;
		nt.have_view = false;
	}
}

void notify_read(void)
{
	struct notify_failed f;
	ssize_t n;
	unsigned i;

	while ((n = recv(nt.fd, &f, sizeof(f), MSG_DONTWAIT)) > 0) {
		/* the notifier parses network input: trust nothing but the size */
		if ((size_t)n != sizeof(f))
			continue;
		for (i = 0; i < NOTIFY_REGS_MAX; i++) {
			if (nt.regs[i].id && nt.regs[i].id == f.reg) {
				char why[64];

				const char *what = f.method == NOTIFY_PING_START
						   ? "pinging its resolver" : "calling it";

				if (f.err == -EREMOTEIO)
					snprintf(why, sizeof(why), "%s: it answered %s (0x%08x)", what,
						 hresult_name(f.status) ? hresult_name(f.status)
						 : "an error", f.status);
				else
					snprintf(why, sizeof(why), "%s failed: %s", what,
						 strerror(f.err < 0 ? -f.err : EPROTO));
				reg_drop(&nt.regs[i], why);
			}
		}
	}
}

static bool ref_same(const struct notify_ref *a, const struct notify_ref *b)
{
	return a->oxid == b->oxid && a->oid == b->oid && !memcmp(a->ipid, b->ipid, 16);
}

static int view_read(struct state *st, struct state_lun_view_row **rows, size_t *n,
		     uint64_t *digest)
{
	int err = state_lun_view(st, rows, n, digest);

	if (err < 0)
		log_warnx("reading the LUN view failed: %s", state_errmsg(st));
	return err;
}

int notify_register(struct state *st, const struct svc_notify_register_req *rq)
{
	struct notify_reg *free_slot = NULL;
	unsigned i;

	if (nt.fd < 0)
		return -ENOTCONN;
	for (i = 0; i < NOTIFY_REGS_MAX; i++) {
		struct notify_reg *r = &nt.regs[i];

		if (!r->id && !free_slot)
			free_slot = r;
		if (r->id && r->cookie == rq->cookie && ref_same(&r->ref, &rq->ref))
			return -EEXIST;
	}
	if (!free_slot)
		return -ENOSPC;
	if (!nt.have_view) {
		if (view_read(st, &nt.view, &nt.n_view, &nt.digest) < 0)
			return -EIO;
		nt.have_view = true;
	}
	free_slot->id = ++nt.next_id ? nt.next_id : ++nt.next_id;
	free_slot->owner = rq->owner;
	free_slot->cookie = rq->cookie;
	free_slot->ref = rq->ref;
	nt.n_regs++;
	log_info("status notification registration %u (cookie %u) added", free_slot->id,
		 rq->cookie);
	job_send(free_slot, NOTIFY_PING_START, NULL);
	return 0;
}

unsigned notify_unregister(const struct notify_ref *ref)
{
	unsigned i, n = 0;

	for (i = 0; i < NOTIFY_REGS_MAX; i++)
		if (nt.regs[i].id && ref_same(&nt.regs[i].ref, ref)) {
			reg_drop(&nt.regs[i], "UnregisterNotification");
			n++;
		}
	return n;
}

void notify_drop_owner(uint64_t owner)
{
	unsigned i;

	for (i = 0; i < NOTIFY_REGS_MAX; i++)
		if (nt.regs[i].id && nt.regs[i].owner == owner)
			reg_drop(&nt.regs[i], "its client's IWTGeneral object is gone");
}

void notify_drop_all(void)
{
	unsigned i;

	for (i = 0; i < NOTIFY_REGS_MAX; i++)
		if (nt.regs[i].id)
			reg_drop(&nt.regs[i], "the network process restarted");
}

/* One job per registration. */
static void send_all(uint32_t method, const struct notify_lun_status *lun)
{
	unsigned i;

	for (i = 0; i < NOTIFY_REGS_MAX; i++)
		if (nt.regs[i].id)
			job_send(&nt.regs[i], method, lun);
}

static void status_of(const struct state_lun_view_row *r, struct notify_lun_status *s)
{
	memset(s, 0, sizeof(*s));
	s->lun = (uint32_t)r->wtd;
	s->status = r->in_use ? DEVICE_IN_USE : DEVICE_IDLE;
	if (!r->enabled)
		s->completion = LUN_DISABLED;
}

void notify_after_operation(struct state *st)
{
	struct state_lun_view_row *rows, *o, *n;
	struct notify_lun_status ls[64];
	size_t nrows, i = 0, k = 0, nls = 0;
	uint64_t digest;
	bool list_changed;

	if (!nt.n_regs || !nt.have_view || view_read(st, &rows, &nrows, &digest) < 0)
		return;
	list_changed = digest != nt.digest;
	/* both views are ordered by index: walk them together */
	while ((i < nt.n_view || k < nrows) && nls < sizeof(ls) / sizeof(ls[0])) {
		o = i < nt.n_view ? &nt.view[i] : NULL;
		n = k < nrows ? &rows[k] : NULL;
		if (o && (!n || o->wtd < n->wtd)) {          /* deleted */
			memset(&ls[nls], 0, sizeof(ls[nls]));
			ls[nls].lun = (uint32_t)o->wtd;
			ls[nls++].completion = LUN_GONE;
			list_changed = true;
			i++;
		} else if (n && (!o || n->wtd < o->wtd)) {   /* created */
			status_of(n, &ls[nls++]);
			list_changed = true;
			k++;
		} else {
			if (o->enabled != n->enabled)
				list_changed = true;
			if (o->enabled != n->enabled || o->in_use != n->in_use)
				status_of(n, &ls[nls++]);
			i++;
			k++;
		}
	}
	if (i < nt.n_view || k < nrows)
		list_changed = true;  /* more changes than updates sent: clients re-read */
	free(nt.view);
	nt.view = rows;
	nt.n_view = nrows;
	nt.digest = digest;
	if (list_changed)
		send_all(NOTIFY_LUN_LIST_CHANGED, NULL);
	for (i = 0; i < nls; i++)
		send_all(NOTIFY_LUN_STATUS_UPDATE, &ls[i]);
}
