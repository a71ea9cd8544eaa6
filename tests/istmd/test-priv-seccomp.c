/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-priv-seccomp.c: the network child's system call filter, installed
 * in a forked child exactly as the daemon installs it: setsockopt passes
 * for IPPROTO_TCP/TCP_QUICKACK (what rpc_server.c sets) and for nothing
 * else; calls that name a file or make a socket fail with EACCES; the
 * calls the event loop lives on still work.  Each check runs in the
 * filtered child, which reports by exit status (the first failed check's
 * number). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "net/priv/priv.h"

static int refused(int rc)
{
	return rc < 0 && errno == EACCES;
}

static int child(int fd)
{
	int one = 1, p[2];

	if (priv_child_seccomp() < 0)
		return 10;
	if (setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one)) < 0)
		return 11;
	if (!refused(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one))))
		return 12;
	if (!refused(setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one))))
		return 13;
	/* TCP_QUICKACK's number at another level is another option */
	if (!refused(setsockopt(fd, SOL_SOCKET, TCP_QUICKACK, &one, sizeof(one))))
		return 14;
	if (!refused(socket(AF_INET, SOCK_STREAM, 0)))
		return 15;
	if (!refused(open("/dev/null", O_RDONLY)))
		return 16;
	if (!refused(pipe(p)))
		return 17;
	if (write(STDERR_FILENO, "", 0) < 0)
		return 18; /* the loop's own calls still work */
	return 0;
}

int main(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0), st;
	pid_t pid;

	log_init(-1, 0, "test");
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	pid = fork();
	if (pid == 0)
		_exit(child(fd));
	if (pid < 0 || waitpid(pid, &st, 0) != pid) {
		perror("fork");
		return 1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "FAIL: check %d in the filtered child (status 0x%x)\n",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1, st);
		return 1;
	}
	printf("setsockopt passes for TCP_QUICKACK only; socket, open refused\n");
	return 0;
}
