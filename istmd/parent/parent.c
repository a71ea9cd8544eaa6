/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* parent.c: the privileged parent.  It owns the users file, the state
 * store and tgtadm; it starts the network child (fork + re-exec with the
 * role flag, socketpair on fd 3, listening sockets on fd 4..), answers its
 * requests through the verb table (verbs.c) and restarts it when it dies.
 * The child is treated as hostile: a request with an unknown verb, a wrong
 * length, a verb not allowed yet or asked twice when once is allowed, or
 * a malformed body gets the child killed; a child that stalls half-way
 * through a message is killed after a timeout.  The
 * socketpair is created here and reaches nobody else, so the sender is the
 * child by construction.  Trade-off: requests are served one at a time,
 * in order; every verb is short and local. */
#include <config.h>

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth/krb5_accept.h"
#include "auth/ntlmv2.h"
#include "common/io.h"
#include "auth/users.h"
#include "log.h"
#include "parent/notify/notify.h"
#include "parent/parent.h"
#include "parent/svc/svc.h"
#include "parent/sync/sync_tgtconf.h"
#include "proto/auth.h"
#include "proto/general.h"

#define CHILD_RESTARTS_MAX 5         /* within CHILD_RESTART_WINDOW seconds */
#define CHILD_RESTART_WINDOW 60

struct parent {
	const struct priv_parent_conf *conf; /* paths, argv, sockets */
	struct auth_users users;     /* loaded at start-up, again on SIGHUP */
	pid_t child;                 /* network child, or -1 */
	int sock;                    /* our end of the socketpair, or -1 */
	struct svc svc;              /* what the verbs work on (svc.users points at users) */
	const struct verb *once[8];  /* VERB_ONCE verbs the current child has asked */
	size_t n_once;               /* how many */
};

/* Requests and replies are read and written in place as the proto/
 * structs, which hold 64-bit members: aligned buffers. */
union msg_buf {
	max_align_t align;           /* for the structs' int64/uint64 members */
	uint8_t b[PRIV_MAX_MSG];     /* the message */
};

static bool asked_before(struct parent *p, const struct verb *v)
{
	size_t i;

	for (i = 0; i < p->n_once; i++)
		if (p->once[i] == v)
			return true;
	return false;
}

/* Check a request against its row in the verb table, then answer it.  A
 * negative return means the child misbehaved (it is then killed). */
static int serve_one(struct parent *p)
{
	static union msg_buf req, reply;
	struct priv_msg_hdr h;
	const struct verb *v;
	size_t rlen = 0;
	int32_t status;
	int rc;

	if ((rc = read_all(p->sock, &h, sizeof(h))) < 0)
		return rc;
	if (!(v = verb_find(h.verb))) {
		log_warnx("network child sent unknown request %u", h.verb);
		return -EBADMSG;
	}
	if (h.len < v->min_len || h.len > v->max_len) {
		log_warnx("network child sent %s with bad length %u", v->name, h.len);
		return -EBADMSG;
	}
	if ((rc = read_all(p->sock, req.b, h.len)) < 0)
		return rc;
	if ((v->flags & VERB_NEEDS_AUTH) && !p->svc.authenticated) {
		log_warnx("network child sent %s before any authentication", v->name);
		return -EPERM;
	}
	if (v->flags & VERB_ONCE) {
		if (asked_before(p, v) || p->n_once == sizeof(p->once) / sizeof(p->once[0])) {
			log_warnx("network child sent %s a second time", v->name);
			return -EPERM;
		}
		p->once[p->n_once++] = v;
	}
	if ((v->flags & VERB_ISTM) && !p->svc.ready) {
		status = svc_reply_hr(reply.b, &rlen, ERROR_NOT_READY);
	} else {
		p->svc.req_len = h.len;
		status = v->answer(&p->svc, req.b, reply.b, &rlen);
		if (v->flags & VERB_ISTM) {
			sync_tgtconf_update(p->svc.st, p->svc.bstype); /* tgt-admin's copy follows */
			notify_after_operation(p->svc.st);   /* registered clients hear of LUNs */
		}
	}
	memset(req.b, 0, h.len);
	if (status == -EBADMSG) {
		log_warnx("network child sent malformed %s", v->name);
		return -EBADMSG;
	}
	if (status < 0 || rlen > SVC_REPLY_MAX)
		rlen = 0;
	if (status == 0 && (v->flags & VERB_AUTHENTICATES) && rlen >= sizeof(struct svc_reply_hdr) &&
	    ((struct svc_reply_hdr *)reply.b)->hr == S_OK)
		p->svc.authenticated = true;
	h.len = (uint32_t)(sizeof(status) + rlen);
	rc = 0;
	if (write_all(p->sock, &h, sizeof(h)) < 0 ||
	    write_all(p->sock, &status, sizeof(status)) < 0 ||
	    (rlen && write_all(p->sock, reply.b, rlen) < 0))
		rc = -EPIPE;
	memset(reply.b, 0, rlen);
	return rc;
}

static int start_child(struct parent *p)
{
	int sv[2], i, hi[16];
	size_t n = p->conf->n_listen;
	struct timeval tv = { 5, 0 };
	pid_t pid;

	if (n > 12)
		return -EINVAL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		log_warn("socketpair failed");
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		log_warn("fork failed");
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (pid == 0) {
		sigset_t all;

		/* move every fd above the target range, then into place */
		hi[0] = fcntl(sv[1], F_DUPFD_CLOEXEC, 100);
		for (i = 0; i < (int)n; i++)
			hi[i + 1] = fcntl(p->conf->listen_fds[i], F_DUPFD_CLOEXEC, 100);
		for (i = 0; i <= (int)n; i++)
			if (hi[i] < 0 || dup2(hi[i], PRIV_FD + i) < 0)
				_exit(127);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		execv(p->conf->self_exe, p->conf->child_argv);
		_exit(127);
	}
	close(sv[1]);
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	p->sock = sv[0];
	p->child = pid;
	p->svc.authenticated = false;
	p->n_once = 0;
	krb5_accept_forget();
	notify_drop_all();   /* the old child's objects, and their registrations, are gone */
	log_debug("network child %ld started", (long)pid);
	return 0;
}

static void stop_child(struct parent *p, int sig)
{
	int i, st;

	if (p->child > 0) {
		kill(p->child, sig);
		for (i = 0; i < 50; i++) {
			if (waitpid(p->child, &st, WNOHANG) == p->child)
				break;
			usleep(100000);
		}
		if (i == 50) {
			kill(p->child, SIGKILL);
			waitpid(p->child, &st, 0);
		}
	}
	if (p->sock >= 0)
		close(p->sock);
	p->child = -1;
	p->sock = -1;
}

static int prepare_state_dir(const char *dir)
{
	char empty[4096];
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		log_warn("creating state directory '%s' failed", dir);
		return -errno;
	}
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	if (mkdir(empty, 0755) < 0 && errno != EEXIST) {
		log_warn("creating '%s' failed", empty);
		return -errno;
	}
	if (stat(empty, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_nlink > 2) {
		log_warnx("chroot directory '%s' is not an empty directory", empty);
		return -ENOTEMPTY;
	}
	return 0;
}

static struct parent p = { .child = -1, .sock = -1 }; /* the one parent */

int priv_parent_init(const struct priv_parent_conf *conf)
{
	int rc;

	p.conf = conf;
	if ((rc = auth_users_load(conf->users_file, &p.users)) < 0 ||
	    (rc = prepare_state_dir(conf->state_dir)) < 0)
		goto fail;
	/* the settings need only the store; the ISTM operations need it all */
	rc = conf->svc ? svc_open(&p.svc, conf->svc) : svc_open_settings(&p.svc, conf->state_dir);
	if (rc < 0)
		goto fail;
	p.svc.users = &p.users;
	if (conf->keytab) {
		if ((rc = krb5_accept_init(conf->keytab, conf->principal)) < 0) {
			svc_close(&p.svc);
			goto fail;
		}
		p.svc.kerberos = true;
	}
	if (p.svc.ready)
		sync_tgtconf_update(p.svc.st, p.svc.bstype);
	return 0;
fail:
	auth_users_release(&p.users);
	return rc;
}

int priv_parent_serve(int sock)
{
	p.sock = sock;
	return serve_one(&p);
}

int priv_parent_run(void)
{
	time_t restarts[CHILD_RESTARTS_MAX] = { 0 };
	unsigned n_restarts = 0;
	sigset_t mask;
	int sfd, rc = 0;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		log_warn("signalfd failed");
		rc = -errno;
		goto out;
	}
	if ((rc = start_child(&p)) < 0)
		goto out_sfd;
	if (p.conf->notify_argv && p.svc.ready)
		notify_start(p.conf->self_exe, p.conf->notify_argv);
	log_info("started");
	for (;;) {
		struct pollfd pfd[3] = { { sfd, POLLIN, 0 }, { p.sock, POLLIN, 0 },
					 { notify_fd(), POLLIN, 0 } };

		/* the snapshot schedule's timer is this poll's timeout */
		int timeout = p.svc.ready ? (int)svc_snapshot_tick(&p.svc) : -1;

		if (poll(pfd, 3, timeout) < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll failed");
			rc = -errno;
			break;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
				log_info("stopping");
				break;
			}
			if (si.ssi_signo == SIGHUP) {
				struct auth_users nu;

				/* a bad file keeps the accounts we have */
				if (auth_users_load(p.conf->users_file, &nu) == 0) {
					auth_users_release(&p.users);
					p.users = nu;
					log_info("reloaded users file '%s': %zu accounts",
						 p.conf->users_file, nu.n);
				}
			}
			if (si.ssi_signo == SIGCHLD) {
				int st;
				pid_t pid;

				while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
					if (pid != p.child) {
						notify_reaped(pid);
						continue;
					}
					log_warnx("network child %ld exited (status %d)", (long)pid, st);
					close(p.sock);
					p.sock = -1;
					p.child = -1;
				}
			}
		}
		if (pfd[2].fd >= 0 && (pfd[2].revents & POLLIN))
			notify_read();
		if (p.child > 0 && (pfd[1].revents & (POLLIN | POLLHUP | POLLERR))) {
			if (serve_one(&p) < 0) {
				log_warnx("network child %ld misbehaved: restarting it", (long)p.child);
				stop_child(&p, SIGKILL);
			}
		}
		if (p.child < 0) {
			time_t now = time(NULL);

			if (n_restarts == CHILD_RESTARTS_MAX &&
			    now - restarts[0] < CHILD_RESTART_WINDOW) {
				log_warnx("network child died %u times in %u seconds: giving up",
					  CHILD_RESTARTS_MAX, CHILD_RESTART_WINDOW);
				rc = -ECHILD;
				break;
			}
			if (n_restarts == CHILD_RESTARTS_MAX) {
				memmove(restarts, restarts + 1, sizeof(restarts) - sizeof(restarts[0]));
				n_restarts--;
			}
			restarts[n_restarts++] = now;
			if ((rc = start_child(&p)) < 0)
				break;
		}
	}
	stop_child(&p, SIGTERM);
	notify_stop();
out_sfd:
	close(sfd);
out:
	auth_users_release(&p.users);
	memset(&p.users, 0, sizeof(p.users));
	krb5_accept_release();
	svc_close(&p.svc);
	return rc;
}
