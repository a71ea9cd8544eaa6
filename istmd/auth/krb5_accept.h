/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* krb5_accept.h: the Kerberos acceptor of the privileged parent (MIT
 * GSS-API with the keytab).  Only the parent reads the keytab; what leaves
 * this module is the token to answer with and, once a context is
 * established, that context exported (its session keys and sequence
 * numbers) with the client's principal name. */
#ifndef ISTMD_AUTH_KRB5_ACCEPT_H
#define ISTMD_AUTH_KRB5_ACCEPT_H

#include <stddef.h>
#include <stdint.h>

#include "proto/auth.h"

/* Acquire the acceptor credential for PRINCIPAL (a Kerberos name such as
 * "host/server.example.org" or with "@REALM"; NULL: the host-based service
 * host@<this host's name>) from KEYTAB.  0, or a negative errno with the
 * reason logged.  Without a successful call every step is UNAVAILABLE. */
int krb5_accept_init(const char *keytab, const char *principal);
/* Drop the credential and every context in progress. */
void krb5_accept_release(void);
/* Drop the contexts in progress (a new network child starts). */
void krb5_accept_forget(void);

/* What one step produced. */
struct krb5_step {
	enum krb5_result result;     /* CONTINUE, COMPLETE, UNAVAILABLE or REFUSED */
	uint32_t handle;             /* CONTINUE: the context to name next time */
	size_t token_len;            /* bytes of OUT holding the token to send */
	size_t context_len;          /* COMPLETE: bytes after the token, the exported context */
	char client[512];            /* COMPLETE: the client principal, "name@REALM" */
	char service_realm[256];     /* COMPLETE: the realm of our principal */
};

/* Feed TOKEN to the context HANDLE (0: a new one) and write the token to
 * answer with, then (COMPLETE) the exported context, into OUT (CAP bytes).
 * Returns 0 with *STEP filled (a refused token is a result, logged here),
 * or -ENOSPC when OUT is too small. */
int krb5_accept_step(uint32_t handle, const uint8_t *token, size_t len, uint8_t *out,
		     size_t cap, struct krb5_step *step);

#endif /* ISTMD_AUTH_KRB5_ACCEPT_H */
