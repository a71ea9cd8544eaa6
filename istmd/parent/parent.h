/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* parent.h: the privileged parent process: it starts the network child,
 * answers its requests through the verb table (parent/verbs.c) and
 * restarts it when it dies or misbehaves. */
#ifndef ISTMD_PARENT_H
#define ISTMD_PARENT_H

#include <stddef.h>

struct svc_conf;

struct priv_parent_conf {
	const char *state_dir;       /* the store (istmd.db), the empty chroot dir */
	const char *users_file;      /* name:NT-hash lines */
	const char *self_exe;        /* path to re-exec for the child */
	char *const *child_argv;     /* argv for the child (role flag included) */
	const int *listen_fds;       /* sockets passed to the child as fd 4.. */
	size_t n_listen;             /* how many */
	const struct svc_conf *svc;  /* ISTM operations; NULL: settings only (unit tests) */
	const char *keytab;          /* Kerberos keys, or NULL: no Kerberos */
	const char *principal;       /* service principal, NULL: host/<host name> */
	char *const *notify_argv;    /* argv of the notifier (role flag included), or NULL */
};
int priv_parent_init(const struct priv_parent_conf *conf);
int priv_parent_run(void);
/* Serve one request read from SOCK (for tests); < 0: the child misbehaved. */
int priv_parent_serve(int sock);

#endif /* ISTMD_PARENT_H */
