/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_server.c: the network child's one poll() loop: accepts on every
 * listening socket (port 135 and the object exporter), reads into each
 * connection's state machine, writes what it queued, closes it when it
 * asks, runs the object layer's tick, and leaves on SIGTERM/SIGINT or when
 * the privileged parent goes away.  Trade-off: the poll set is rebuilt
 * every turn (O(connections)), which is simple and cheap at the
 * connection cap; a connection with unsent output is not read
 * (back-pressure instead of unbounded queues). */
#include <config.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "rpc_int.h"

#define RPC_MAX_CONNS 256            /* beyond this, new connections are closed */
#define RPC_MAX_LISTEN 8
#define RPC_IDLE_SECONDS (30 * 60)   /* a silent connection is closed */

struct slot {
	int fd;                      /* the TCP socket */
	struct rpc_conn *conn;       /* its state machine */
	time_t last_input;           /* for the idle timeout */
};

static volatile sig_atomic_t stop_requested; /* set by SIGTERM/SIGINT */

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static time_t now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void slot_close(struct slot *s)
{
	rpc_conn_free(s->conn);
	close(s->fd);
	s->fd = -1;
	s->conn = NULL;
}

static void accept_one(int lfd, struct slot *slots, size_t *n_slots, uint64_t *next_id)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char addr[INET6_ADDRSTRLEN] = "";
	uint16_t port = 0;
	int fd;

	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn("accept failed");
		return;
	}
	if (*n_slots == RPC_MAX_CONNS) {
		log_warnx("connection refused: %u connections open", RPC_MAX_CONNS);
		close(fd);
		return;
	}
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &sin->sin_addr, addr, sizeof(addr));
			port = ntohs(sin->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &sin6->sin6_addr, addr, sizeof(addr));
			port = ntohs(sin6->sin6_port);
		}
	}
	slots[*n_slots].conn = rpc_conn_new((*next_id)++, addr, port);
	if (!slots[*n_slots].conn) {
		close(fd);
		return;
	}
	slots[*n_slots].fd = fd;
	slots[*n_slots].last_input = now_mono();
	(*n_slots)++;
}

/* Read what is there; 0 to keep the connection, -1 to close it now. */
static int slot_read(struct slot *s)
{
	static const int one = 1;
	uint8_t buf[16384];
	ssize_t n = recv(s->fd, buf, sizeof(buf), 0);

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	if (n == 0)
		return -1; /* orderly shutdown by the client */
	s->last_input = now_mono();
	/* acknowledge at once: a client that sends auth3 (no answer) and then
	 * its first request in two writes has Nagle hold the request until
	 * our ACK, which Linux would otherwise delay by up to 40 ms */
	setsockopt(s->fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
	return rpc_conn_feed(s->conn, buf, (size_t)n) < 0 ? -1 : 0;
}

static int slot_write(struct slot *s)
{
	const uint8_t *p;
	size_t len;
	ssize_t n;

	while (rpc_conn_output(s->conn, &p, &len)) {
		n = send(s->fd, p, len, MSG_NOSIGNAL);
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		rpc_conn_consumed(s->conn, (size_t)n);
	}
	return 0;
}

int rpc_server_run(const int *listen_fds, size_t n_listen, int priv_fd)
{
	struct pollfd pfd[1 + RPC_MAX_LISTEN + RPC_MAX_CONNS];
	struct slot *slots;
	size_t n_slots = 0, i;
	uint64_t next_id = 1;
	struct sigaction sa;
	sigset_t block, old;
	struct timespec next_tick;

	if (n_listen > RPC_MAX_LISTEN)
		return -EINVAL;
	slots = calloc(RPC_MAX_CONNS, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	clock_gettime(CLOCK_MONOTONIC, &next_tick);

	while (!stop_requested) {
		size_t np = 0, base;
		unsigned period;
		rpc_tick_fn tick = rpc_tick_get(&period);
		struct timespec now, timeout = { 1, 0 };
		time_t t;
		int rc;

		pfd[np++] = (struct pollfd){ priv_fd, POLLIN, 0 };
		for (i = 0; i < n_listen; i++)
			pfd[np++] = (struct pollfd){ listen_fds[i], POLLIN, 0 };
		base = np;
		for (i = 0; i < n_slots; i++) {
			const uint8_t *p;
			size_t len;
			short ev = rpc_conn_output(slots[i].conn, &p, &len) ? POLLOUT :
				   rpc_conn_closing(slots[i].conn) ? 0 : POLLIN;
			pfd[np++] = (struct pollfd){ slots[i].fd, ev, 0 };
		}
		if (tick) {
			long ms;

			clock_gettime(CLOCK_MONOTONIC, &now);
			ms = (next_tick.tv_sec - now.tv_sec) * 1000 +
			     (next_tick.tv_nsec - now.tv_nsec) / 1000000;
			if (ms < 0)
				ms = 0;
			if (ms < 1000)
				timeout = (struct timespec){ ms / 1000, (ms % 1000) * 1000000 };
		}
		rc = ppoll(pfd, np, &timeout, &old);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			log_warn("poll failed");
			break;
		}
		if (pfd[0].revents) {
			log_warnx("privileged parent went away");
			break;
		}
		for (i = 0; i < n_slots; i++) {
			short re = pfd[base + i].revents;
			int dead = 0;

			if (re & (POLLERR | POLLNVAL))
				dead = 1;
			else if (re & POLLOUT)
				dead = slot_write(&slots[i]) < 0;
			else if (re & (POLLIN | POLLHUP))
				dead = slot_read(&slots[i]) < 0;
			if (!dead && !(re & POLLOUT) && (re & (POLLIN | POLLHUP)))
				dead = slot_write(&slots[i]) < 0; /* answer at once */
			if (!dead && rpc_conn_closing(slots[i].conn)) {
				const uint8_t *p;
				size_t len;
				dead = !rpc_conn_output(slots[i].conn, &p, &len);
			}
			if (dead)
				slot_close(&slots[i]);
		}
		t = now_mono();
		for (i = 0; i < n_slots; i++)
			if (slots[i].fd >= 0 && t - slots[i].last_input > RPC_IDLE_SECONDS)
				slot_close(&slots[i]);
		/* compact: closed slots leave the array (order does not matter) */
		for (i = 0; i < n_slots;) {
			if (slots[i].fd < 0)
				slots[i] = slots[--n_slots];
			else
				i++;
		}
		for (i = 0; i < n_listen; i++)
			if (pfd[1 + i].revents & POLLIN)
				accept_one(listen_fds[i], slots, &n_slots, &next_id);
		if (tick) {
			clock_gettime(CLOCK_MONOTONIC, &now);
			if (now.tv_sec > next_tick.tv_sec ||
			    (now.tv_sec == next_tick.tv_sec && now.tv_nsec >= next_tick.tv_nsec)) {
				tick();
				next_tick = now;
				next_tick.tv_sec += period / 1000;
				next_tick.tv_nsec += (long)(period % 1000) * 1000000;
				if (next_tick.tv_nsec >= 1000000000) {
					next_tick.tv_sec++;
					next_tick.tv_nsec -= 1000000000;
				}
			}
		}
	}
	for (i = 0; i < n_slots; i++)
		slot_close(&slots[i]);
	free(slots);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return 0;
}
