/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* priv.h: privilege separation between istmd's privileged parent and its
 * network child ([STYLE] "A root daemon that parses network input").
 *
 * Wire format on the socketpair (fd 3 in the child), host byte order
 * (both ends are the same binary on the same host):
 *   request: struct priv_msg_hdr { verb, len } then LEN bytes;
 *   reply:   struct priv_msg_hdr { verb, len } then int32 status, then
 *            LEN - 4 bytes of reply body.
 * The parent checks each request against a table (verb known, exact or
 * capped length) before it acts, and treats anything else as a hostile
 * child: it logs, kills the child and restarts it.
 *
 * NTLM: the child never holds an NT hash.  It forwards the fields of the
 * AUTHENTICATE message and the challenge it sent (PRIV_NTLM_VERIFY); the
 * parent looks the user up, verifies the NTLMv2 proof and returns only the
 * exported session key (as OpenSSH's monitor answers for the pre-auth
 * child).  A compromised child can ask the parent to check guesses, which
 * the network can do anyway; it cannot read the users file. */
#ifndef ISTMD_PRIV_H
#define ISTMD_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "rpc/ntlmssp.h"
#include "rpc/rpc_dispatch.h"

struct svc_conf;

#define PRIV_FD 3                    /* the child's end of the socketpair */
#define PRIV_MAX_MSG 65536u          /* cap on any request or reply body */

struct priv_msg_hdr {
	uint32_t verb;               /* enum priv_verb */
	uint32_t len;                /* bytes that follow */
};

/* PRIV_NTLM_VERIFY request: this, then user, domain, nt response and
 * encrypted session key bytes, exactly as long as the lengths say. */
struct priv_ntlm_req {
	uint8_t challenge[8];        /* the ServerChallenge the child sent */
	uint32_t flags;              /* AUTHENTICATE NegotiateFlags */
	uint16_t user_len;           /* UTF-16LE bytes, <= NTLMSSP_MAX_NAME */
	uint16_t domain_len;         /* UTF-16LE bytes, <= NTLMSSP_MAX_NAME */
	uint16_t nt_len;             /* <= NTLMSSP_MAX_NT_RESPONSE */
	uint16_t enc_key_len;        /* 0 or 16 */
};

/* PRIV_NTLM_VERIFY reply. */
struct priv_ntlm_reply {
	uint32_t result;             /* enum ntlm_result */
	uint8_t session_key[16];     /* exported session key when NTLM_OK */
};

/* ---- priv_child.c */
int priv_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
		     uint8_t session_key[16], enum ntlm_result *result);
int priv_child_sandbox(const char *chroot_dir, const char *user);

/* ---- priv_seccomp.c */
int priv_child_seccomp(void);

/* ---- priv_parent.c */
struct priv_parent_conf {
	const char *state_dir;       /* the store (istmd.db), the empty chroot dir */
	const char *users_file;      /* name:NT-hash lines */
	const char *self_exe;        /* path to re-exec for the child */
	char *const *child_argv;     /* argv for the child (role flag included) */
	const int *listen_fds;       /* sockets passed to the child as fd 4.. */
	size_t n_listen;             /* how many */
	const struct svc_conf *svc;  /* ISTM operations; NULL: none (unit tests) */
};
int priv_parent_init(const struct priv_parent_conf *conf);
int priv_parent_run(void);
/* Serve one request read from SOCK (for tests); < 0: the child misbehaved. */
int priv_parent_serve(int sock);

/* ---- priv_users.c */
struct priv_user {
	char name[128];              /* UTF-8, compared ASCII case-insensitively */
	uint8_t nt_hash[16];         /* MD4(UTF-16LE(password)) */
};
struct priv_users {
	struct priv_user *v;         /* entries */
	size_t n;                    /* count */
};
int priv_users_load(const char *path, struct priv_users *u);
const struct priv_user *priv_users_find(const struct priv_users *u, const char *name);
void priv_users_release(struct priv_users *u);

#endif /* ISTMD_PRIV_H */
