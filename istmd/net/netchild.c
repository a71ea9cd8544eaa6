/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* netchild.c: main() of the unprivileged network child.  The parent
 * re-executes istmd with --role=net; fd 3 is the socketpair to the parent,
 * fds 4.. are the listening sockets (the --listen one first, then the
 * object exporter).  The child enters its sandbox before it reads a byte
 * from the network, asks the parent who it is, lets dcom/ register its
 * interfaces (dcom_init) and runs the poll loop.  Trade-off: the object layers run in
 * this process too (they parse NDR, so they belong on this side). */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dcom/dcom.h"
#include "istmd.h"
#include "log.h"
#include "net/priv/priv.h"
#include "proto/proto.h"
#include "proto/ask.h"
#include "rpc/ntlmssp.h"
#include "rpc/rpc_auth.h"
#include "rpc/rpc_int.h"


static uint16_t sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

int netchild_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'R' },
		{ "listen-fds", required_argument, NULL, 'n' },
		{ "chroot", required_argument, NULL, 'C' },
		{ "run-as", required_argument, NULL, 'U' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "test-interface", no_argument, NULL, 'T' },
		{ "ping-period", required_argument, NULL, 'P' },
		{ "ntlm-mic", required_argument, NULL, 'M' },
		{ NULL, 0, NULL, 0 },
	};
	static char nb_name[16], dns_domain[256];
	static struct ntlmssp_names names;
	struct priv_server_info info;
	const char *chroot_dir = NULL, *run_as = "_istmd";
	unsigned ping_period = 0;
	int fg = 0, verbose = 0, test_if = 0, n_listen = 0, fds[8], i, c, rc;
	char *dot;

	while ((c = getopt_long(argc, argv, "fv", opts, NULL)) != -1) {
		switch (c) {
		case 'R': break;
		case 'n': n_listen = atoi(optarg); break;
		case 'C': chroot_dir = optarg; break;
		case 'U': run_as = optarg; break;
		case 'f': fg = 1; break;
		case 'v': verbose = 1; break;
		case 'T': test_if = 1; break;
		case 'P': ping_period = (unsigned)atoi(optarg); break;
		case 'M': rpc_auth_ntlm_require_mic = !strcmp(optarg, "require"); break;
		default: return 2;
		}
	}
	log_init(fg, verbose, "istmd-net");
	if (n_listen < 1 || n_listen > 8 || !chroot_dir)
		fatalx("network child started without its sockets");
	for (i = 0; i < n_listen; i++)
		fds[i] = PRIV_FD + 1 + i;
	if (priv_child_sandbox(chroot_dir, run_as) < 0)
		fatalx("network child cannot enter its sandbox");

	if (ask_general_server_info(&info) < 0)
		fatalx("network child cannot get the server information");
	for (i = 0; i < 15 && info.host_name[i] && info.host_name[i] != '.'; i++)
		nb_name[i] = (char)toupper((unsigned char)info.host_name[i]);
	dot = strchr(info.host_name, '.');
	snprintf(dns_domain, sizeof(dns_domain), "%s", dot ? dot + 1 : "");
	names = (struct ntlmssp_names){ nb_name, "WORKGROUP", info.host_name, dns_domain };
	rpc_conn_set_names(&names);
	rpc_auth_krb5_enabled = info.kerberos != 0;

	dcom_set_ping(ping_period, 0);
	rc = dcom_init(&info, n_listen > 1 ? sock_port(fds[1]) : 0);
	if (rc < 0)
		fatalx("starting the object layer failed: %s", strerror(-rc));
	if (test_if && rpc_testif_register() < 0)
		fatalx("registering the test interface failed");
	log_info("serving on port %u (object exporter port %u)", sock_port(fds[0]),
		 n_listen > 1 ? sock_port(fds[1]) : 0);
	rc = rpc_server_run(fds, (size_t)n_listen, PRIV_FD);
	dcom_shutdown();
#ifdef __SANITIZE_ADDRESS__
	/* LeakSanitizer needs /proc, which the chroot hides: skip its exit
	 * check here (the unit tests and fuzz replays check the same code
	 * for leaks outside a chroot). */
	_exit(rc < 0 ? 1 : 0);
#endif
	return rc < 0 ? 1 : 0;
}
