/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* priv_parent.c: the privileged parent.  It owns the users file, the
 * state directory and (later) SQLite and tgtadm; it starts the network
 * child (fork + re-exec with the role flag, socketpair on fd 3, listening
 * sockets on fd 4..), answers its typed requests and restarts it when it
 * dies.  The child is treated as hostile: a request with an unknown verb,
 * a wrong length, or a verb not allowed yet gets the child killed; a child
 * that stalls half-way through a message is killed after a timeout.  The
 * socketpair is created here and reaches nobody else, so the sender is the
 * child by construction.  Trade-off: requests are served one at a time,
 * in order; every verb is short and local. */
#include <config.h>

#include <errno.h>
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

#include "log.h"
#include "priv.h"
#include "svc/svc.h"
#include "sync/sync_tgtconf.h"

#define CHILD_RESTARTS_MAX 5         /* within CHILD_RESTART_WINDOW seconds */
#define CHILD_RESTART_WINDOW 60

struct parent {
	const struct priv_parent_conf *conf; /* paths, argv, sockets */
	struct priv_users users;     /* loaded at start-up */
	uint8_t server_guid[16];     /* persisted in the state directory */
	pid_t child;                 /* network child, or -1 */
	int sock;                    /* our end of the socketpair, or -1 */
	int authenticated;           /* the current child has verified a user */
	struct svc svc;              /* ISTM operations (svc/), when svc_ready */
	int svc_ready;               /* svc_open succeeded */
};

typedef int (*answer_fn)(struct parent *p, const uint8_t *req, size_t len,
			 uint8_t *reply, size_t *reply_len);

static int answer_server_info(struct parent *p, const uint8_t *req, size_t len,
			      uint8_t *reply, size_t *reply_len)
{
	struct priv_server_info info;

	(void)req; (void)len;
	memset(&info, 0, sizeof(info));
	memcpy(info.server_guid, p->server_guid, 16);
	if (gethostname(info.host_name, sizeof(info.host_name) - 1) < 0)
		snprintf(info.host_name, sizeof(info.host_name), "localhost");
	memcpy(reply, &info, sizeof(info));
	*reply_len = sizeof(info);
	return 0;
}

static int answer_get_schedule(struct parent *p, const uint8_t *req, size_t len,
			       uint8_t *reply, size_t *reply_len)
{
	struct priv_schedule s;
	int rc;

	(void)req; (void)len;
	rc = priv_state_get_schedule(p->conf->state_dir, &s);
	if (rc < 0)
		return rc;
	memcpy(reply, &s, sizeof(s));
	*reply_len = sizeof(s);
	return 0;
}

static int answer_set_schedule(struct parent *p, const uint8_t *req, size_t len,
			       uint8_t *reply, size_t *reply_len)
{
	struct priv_schedule s;

	(void)reply; (void)len;
	memcpy(&s, req, sizeof(s));
	*reply_len = 0;
	return priv_state_set_schedule(p->conf->state_dir, &s);
}

static int answer_ntlm_verify(struct parent *p, const uint8_t *req, size_t len,
			      uint8_t *reply, size_t *reply_len)
{
	struct priv_ntlm_req rq;
	struct priv_ntlm_reply rp;
	const struct priv_user *u;
	const uint8_t *user, *domain, *nt, *key;
	char name[NTLMSSP_MAX_NAME * 2];

	memcpy(&rq, req, sizeof(rq));
	if (rq.user_len > NTLMSSP_MAX_NAME || rq.domain_len > NTLMSSP_MAX_NAME ||
	    rq.nt_len > NTLMSSP_MAX_NT_RESPONSE || (rq.enc_key_len != 0 && rq.enc_key_len != 16) ||
	    len != sizeof(rq) + rq.user_len + rq.domain_len + rq.nt_len + rq.enc_key_len)
		return -EBADMSG;
	user = req + sizeof(rq);
	domain = user + rq.user_len;
	nt = domain + rq.domain_len;
	key = nt + rq.nt_len;
	memset(&rp, 0, sizeof(rp));
	ntlmssp_utf16_to_utf8(user, rq.user_len, name, sizeof(name));
	u = priv_users_find(&p->users, name);
	if (!u)
		rp.result = NTLM_UNKNOWN_USER;
	else
		rp.result = ntlmv2_verify(u->nt_hash, user, rq.user_len, domain, rq.domain_len,
					  rq.challenge, nt, rq.nt_len, rq.flags, key,
					  rq.enc_key_len, rp.session_key);
	if (rp.result == NTLM_OK)
		p->authenticated = 1;
	memcpy(reply, &rp, sizeof(rp));
	*reply_len = sizeof(rp);
	memset(&rp, 0, sizeof(rp));
	return 0;
}

/* Which requests the child may make, how long each must be, and whether a
 * user must have been verified first. */
static const struct verb_rule {
	enum priv_verb verb;         /* request */
	const char *name;            /* for the log */
	size_t min_len;              /* request body bounds, inclusive */
	size_t max_len;
	int needs_auth;              /* only after a successful NTLM verification */
	answer_fn answer;            /* handler */
} rules[] = {
	{ PRIV_GET_SERVER_INFO, "get-server-info", 0, 0, 0, answer_server_info },
	{ PRIV_SET_SCHEDULE, "set-schedule", sizeof(struct priv_schedule),
	  sizeof(struct priv_schedule), 1, answer_set_schedule },
	{ PRIV_GET_SCHEDULE, "get-schedule", 0, 0, 1, answer_get_schedule },
	{ PRIV_NTLM_VERIFY, "ntlm-verify", sizeof(struct priv_ntlm_req),
	  sizeof(struct priv_ntlm_req) + 2 * NTLMSSP_MAX_NAME + NTLMSSP_MAX_NT_RESPONSE + 16,
	  0, answer_ntlm_verify },
};

/* The svc verb being served (set by serve_one just before answering). */
static const struct svc_verb *svc_current;

/* The verbs read and write their request and reply structs in place, and
 * REPLY sits after the status word: answer through aligned buffers. */
static union {
	max_align_t align;           /* for the svc structs' int64/uint64 members */
	uint8_t b[PRIV_MAX_MSG];     /* the message */
} svc_req_buf, svc_reply_buf;

static int answer_svc(struct parent *p, const uint8_t *req, size_t len,
		      uint8_t *reply, size_t *reply_len)
{
	int rc;

	if (!p->svc_ready)
		return svc_reply_hr(reply, reply_len, ERROR_NOT_READY);
	if (len > sizeof(svc_req_buf.b))
		return -EBADMSG;
	memcpy(svc_req_buf.b, req, len);
	*reply_len = 0;
	rc = svc_current->answer(&p->svc, svc_req_buf.b, len, svc_reply_buf.b, reply_len);
	sync_tgtconf_update(p->svc.st, p->svc.bstype); /* tgt-admin's copy follows */
	if (*reply_len > sizeof(svc_reply_buf.b))
		*reply_len = 0;
	memcpy(reply, svc_reply_buf.b, *reply_len);
	return rc;
}

static int read_exact(int fd, void *buf, size_t n)
{
	uint8_t *b = buf;

	while (n) {
		ssize_t r = read(fd, b, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r == 0 ? -EPIPE : -errno;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Serve one request; a negative return means the child misbehaved. */
static int serve_one(struct parent *p)
{
	uint8_t req[PRIV_MAX_MSG], reply[sizeof(int32_t) + PRIV_MAX_MSG];
	struct priv_msg_hdr h;
	const struct verb_rule *r = NULL;
	static struct verb_rule svc_rule;
	const struct svc_verb *sv;
	size_t i, rlen = 0;
	int32_t status;
	int rc;

	if ((rc = read_exact(p->sock, &h, sizeof(h))) < 0)
		return rc;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (rules[i].verb == (enum priv_verb)h.verb)
			r = &rules[i];
	if (!r && (sv = svc_verb_find(h.verb)) != NULL) {
		/* an ISTM operation (svc/): always after authentication */
		svc_rule.verb = (enum priv_verb)sv->verb;
		svc_rule.name = sv->name;
		svc_rule.min_len = sv->min_len;
		svc_rule.max_len = sv->max_len;
		svc_rule.needs_auth = 1;
		svc_rule.answer = answer_svc;
		svc_current = sv;
		r = &svc_rule;
	}
	if (!r) {
		log_warnx("network child sent unknown request %u", h.verb);
		return -EBADMSG;
	}
	if (h.len < r->min_len || h.len > r->max_len) {
		log_warnx("network child sent %s with bad length %u", r->name, h.len);
		return -EBADMSG;
	}
	if ((rc = read_exact(p->sock, req, h.len)) < 0)
		return rc;
	if (r->needs_auth && !p->authenticated) {
		log_warnx("network child sent %s before any authentication", r->name);
		return -EPERM;
	}
	status = r->answer(p, req, h.len, reply + sizeof(status), &rlen);
	if (status == -EBADMSG) {
		log_warnx("network child sent malformed %s", r->name);
		return -EBADMSG;
	}
	if (status < 0)
		rlen = 0;
	memcpy(reply, &status, sizeof(status));
	h.len = (uint32_t)(sizeof(status) + rlen);
	memset(req, 0, sizeof(req));
	if (write(p->sock, &h, sizeof(h)) != sizeof(h) ||
	    write(p->sock, reply, h.len) != (ssize_t)h.len)
		return -EPIPE;
	memset(reply, 0, sizeof(reply));
	return 0;
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
	p->authenticated = 0;
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
	if ((rc = priv_users_load(conf->users_file, &p.users)) < 0 ||
	    (rc = prepare_state_dir(conf->state_dir)) < 0 ||
	    (rc = priv_state_server_guid(conf->state_dir, p.server_guid)) < 0) {
		priv_users_release(&p.users);
		return rc;
	}
	if (conf->svc) {
		if ((rc = svc_open(&p.svc, conf->svc)) < 0) {
			priv_users_release(&p.users);
			return rc;
		}
		p.svc_ready = 1;
		sync_tgtconf_update(p.svc.st, p.svc.bstype);
	}
	return 0;
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
	log_info("started");
	for (;;) {
		struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { p.sock, POLLIN, 0 } };

		if (poll(pfd, 2, -1) < 0) {
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
				struct priv_users nu;

				/* a bad file keeps the accounts we have */
				if (priv_users_load(p.conf->users_file, &nu) == 0) {
					priv_users_release(&p.users);
					p.users = nu;
					log_info("reloaded users file '%s': %zu accounts",
						 p.conf->users_file, nu.n);
				}
			}
			if (si.ssi_signo == SIGCHLD) {
				int st;
				pid_t pid;

				while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
					if (pid != p.child)
						continue;
					log_warnx("network child %ld exited (status %d)", (long)pid, st);
					close(p.sock);
					p.sock = -1;
					p.child = -1;
				}
			}
		}
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
out_sfd:
	close(sfd);
out:
	priv_users_release(&p.users);
	memset(&p.users, 0, sizeof(p.users));
	if (p.svc_ready)
		svc_close(&p.svc);
	p.svc_ready = 0;
	return rc;
}
