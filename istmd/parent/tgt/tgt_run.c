/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* tgt_run.c: running tgtadm: fork + execve of an argument vector, output
 * captured through pipes, a deadline, and tgtadm's message turned into an
 * errno.
 *
 * Trade-off: a process per operation (a few milliseconds) instead of
 * speaking tgtd's private management socket protocol, which has no stable
 * ABI across tgt versions; tgtadm is the interface tgt supports.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/now.h"
#include "tgt_int.h"

#define ARGS_MAX 32                  /* longest verb has about 12 */
#define STDERR_MAX 4096              /* tgtadm prints one line */

int tgt_fail(struct tgt *t, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	return err;
}

void tgt_init(struct tgt *t, const char *tgtadm, int control_port)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->tgtadm, sizeof(t->tgtadm), "%s", tgtadm ? tgtadm : TGT_TGTADM_DEFAULT);
	t->control_port = control_port;
	t->timeout_ms = TGT_TIMEOUT_MS_DEFAULT;
}

const char *tgt_errmsg(const struct tgt *t)
{
	return t->err;
}

/* tgtadm's messages (usr/tgtadm.c tgtadm_strerror and its connect error)
 * and what they mean here. */
static const struct {
	const char *text;            /* substring of tgtadm's stderr */
	int err;                     /* negative errno */
} tgtadm_messages[] = {
	{ "can't connect to the tgt daemon", -ECONNREFUSED },
	{ "to tgt daemon", -ECONNREFUSED }, /* Debian: "failed to send request hdr to tgt daemon" */
	{ "can't send the request", -ECONNRESET },
	{ "can't get the response", -ECONNRESET },
	{ "out of memory", -ENOMEM },
	{ "can't find the driver", -ENODEV },
	{ "can't find the target", -ENOENT },
	{ "can't find the logical unit", -ENOENT },
	{ "can't find the session", -ENOENT },
	{ "can't find the connection", -ENOENT },
	{ "can't find the account", -ENOENT },
	{ "can't find the portal", -ENOENT },
	{ "does not exist", -ENOENT },
	{ "already exists", -EEXIST },
	{ "already has an outgoing account", -EEXIST },
	{ "still active", -EBUSY },
	{ "Prevent Removal set", -EBUSY },  /* an initiator holds the medium */
	{ "too many accounts", -ENOSPC },
	{ "isn't supported", -EOPNOTSUPP },
	{ "not allowed/supported", -EINVAL },
	{ "unknown parameter", -EINVAL },
	{ "invalid request", -EINVAL },
};

static int errno_from_message(const char *msg)
{
	for (size_t i = 0; i < sizeof(tgtadm_messages) / sizeof(tgtadm_messages[0]); i++)
		if (strstr(msg, tgtadm_messages[i].text))
			return tgtadm_messages[i].err;
	return -EIO;
}

/* In the child: descriptors 0, 1, 2 set up, everything else closed, default
 * signal dispositions, then exec.  Only async-signal-safe calls. */
static void child_exec(const char *prog, char *const argv[], int out_fd, int err_fd)
{
	static char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;
	int null_fd = open("/dev/null", O_RDONLY);

	if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		_exit(127);
	if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL, STOP */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(prog, argv, envp);
	_exit(127);
}

/* Append up to N bytes read from FD to *BUF; 0 at EOF, 1 more to come. */
static int drain(int fd, char **buf, size_t *len, size_t *cap, size_t max, bool *trunc)
{
	char chunk[16384];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	if (n == 0)
		return 0;
	if (*len + (size_t)n > max) {
		*trunc = true;
		n = (ssize_t)(max - *len);
	}
	if (*len + (size_t)n + 1 > *cap) {
		size_t ncap = *cap ? *cap : 4096;
		char *nb;

		while (ncap < *len + (size_t)n + 1)
			ncap *= 2;
		nb = realloc(*buf, ncap);
		if (!nb)
			return -ENOMEM;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, chunk, (size_t)n);
	*len += (size_t)n;
	(*buf)[*len] = '\0';
	return 1;
}

int tgt_run(struct tgt *t, const char *what, const char *const *args, char **out,
	    size_t *out_len)
{
	char port[16], *argv[ARGS_MAX + 8];
	char *obuf = NULL, *ebuf = NULL;
	size_t olen = 0, ocap = 0, elen = 0, ecap = 0;
	bool otrunc = false, etrunc = false, timed_out = false;
	int opipe[2], epipe[2], status, argc = 0, err = 0;
	int64_t deadline;
	pid_t pid;

	if (out)
		*out = NULL;
	if (out_len)
		*out_len = 0;
	argv[argc++] = t->tgtadm;
	if (t->control_port >= 0) {
		snprintf(port, sizeof(port), "%d", t->control_port);
		argv[argc++] = "-C";
		argv[argc++] = port;
	}
	argv[argc++] = "--lld";
	argv[argc++] = "iscsi";
	for (size_t i = 0; args[i]; i++) {
		if (i == ARGS_MAX)
			return tgt_fail(t, -E2BIG, "cannot %s: too many arguments", what);
		argv[argc++] = (char *)args[i];
	}
	argv[argc] = NULL;

	if (pipe2(opipe, O_CLOEXEC) < 0)
		return tgt_fail(t, -errno, "cannot %s: pipe: %s", what, strerror(errno));
	if (pipe2(epipe, O_CLOEXEC) < 0) {
		err = -errno;
		close(opipe[0]);
		close(opipe[1]);
		return tgt_fail(t, err, "cannot %s: pipe: %s", what, strerror(-err));
	}
	pid = fork();
	if (pid == 0)
		child_exec(t->tgtadm, argv, opipe[1], epipe[1]);
	err = pid < 0 ? -errno : 0;
	close(opipe[1]);
	close(epipe[1]);
	if (err < 0) {
		close(opipe[0]);
		close(epipe[0]);
		return tgt_fail(t, err, "cannot %s: fork: %s", what, strerror(-err));
	}

	deadline = (int64_t)now_ms() + (t->timeout_ms > 0 ? t->timeout_ms : TGT_TIMEOUT_MS_DEFAULT);
	{
		struct pollfd pfd[2] = { { opipe[0], POLLIN, 0 }, { epipe[0], POLLIN, 0 } };
		int open_fds = 2;

		while (open_fds > 0 && err == 0) {
			int64_t left = deadline - (int64_t)now_ms();
			int r;

			if (left <= 0) {
				timed_out = true;
				break;
			}
			r = poll(pfd, 2, (int)(left > 1000 ? 1000 : left));
			if (r < 0 && errno != EINTR) {
				err = -errno;
				break;
			}
			for (int i = 0; i < 2 && r > 0; i++) {
				int d;

				if (pfd[i].fd < 0 || !pfd[i].revents)
					continue;
				d = i == 0 ? drain(pfd[i].fd, &obuf, &olen, &ocap, TGT_OUTPUT_MAX, &otrunc)
					   : drain(pfd[i].fd, &ebuf, &elen, &ecap, STDERR_MAX, &etrunc);
				if (d < 0) {
					err = d;
				} else if (d == 0) {
					pfd[i].fd = -1;
					open_fds--;
				}
			}
		}
	}
	close(opipe[0]);
	close(epipe[0]);
	if (timed_out || err < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}

	if (timed_out) {
		err = tgt_fail(t, -ETIMEDOUT, "cannot %s: tgtadm did not answer within %d ms",
			       what, t->timeout_ms);
	} else if (err < 0) {
		err = tgt_fail(t, err, "cannot %s: reading tgtadm's output: %s", what, strerror(-err));
	} else if (otrunc) {
		err = tgt_fail(t, -EFBIG, "cannot %s: tgtadm printed more than %u bytes",
			       what, TGT_OUTPUT_MAX);
	} else if (status == -1 || !WIFEXITED(status)) {
		err = tgt_fail(t, -EIO, "cannot %s: tgtadm died", what);
	} else if (WEXITSTATUS(status) == 127 && !ebuf) {
		err = tgt_fail(t, -ENOENT, "cannot %s: cannot run '%s'", what, t->tgtadm);
	} else if (WEXITSTATUS(status) != 0) {
		char *msg = ebuf ? ebuf : "";
		char *nl;

		/* "tgtadm: can't find the target\n": keep the reason only */
		if (strncmp(msg, "tgtadm: ", 8) == 0)
			msg += 8;
		nl = strchr(msg, '\n');
		if (nl)
			*nl = '\0';
		for (char *c = msg; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = '?';
		err = tgt_fail(t, errno_from_message(msg), "cannot %s: %s", what,
			       *msg ? msg : "tgtadm failed");
	}
	free(ebuf);
	if (err < 0) {
		free(obuf);
		return err;
	}
	if (!obuf) {
		obuf = calloc(1, 1);
		if (!obuf)
			return tgt_fail(t, -ENOMEM, "cannot %s: out of memory", what);
	}
	if (out_len)
		*out_len = olen;
	if (out)
		*out = obuf;
	else
		free(obuf);
	return 0;
}
