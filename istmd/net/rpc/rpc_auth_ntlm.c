/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_auth_ntlm.c: NTLMSSP as a DCE/RPC security provider (type 10), and
 * the two NTLM steps SPNEGO reuses: answer a NEGOTIATE with a CHALLENGE,
 * have the privileged parent verify an AUTHENTICATE (the child never holds
 * an NT hash) and set up the session keys.  Also the provider dispatch of
 * rpc_auth.h.  Trade-off: only NTLMv2 with extended session security;
 * NTLMv1, LM and anonymous logons are refused before the parent is asked. */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"
#include "proto/ask.h"
#include "rpc_auth.h"

static const struct ntlmssp_names default_names = {
	"ISTMD", "WORKGROUP", "istmd", "",
};
const struct ntlmssp_names *rpc_auth_names = &default_names;

int rpc_auth_ntlm_challenge(struct rpc_auth *a, const uint8_t *negotiate, size_t len,
			    struct rpc_buf *out)
{
	uint32_t cflags;

	if (ntlmssp_negotiate_parse(negotiate, len, &cflags) < 0 ||
	    !(cflags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY))
		return -EPROTONOSUPPORT;
	if (getrandom(a->challenge, sizeof(a->challenge), 0) != sizeof(a->challenge))
		return -EIO;
	if (ntlmssp_challenge_build(out, ntlmssp_challenge_flags(cflags), a->challenge,
				    rpc_auth_names, ntlmssp_filetime_now()) < 0)
		return -ENOMEM;
	a->phase = RPC_AUTH_WANT_AUTHENTICATE;
	return RPC_AUTH_CONTINUE;
}

int rpc_auth_ntlm_authenticate(struct rpc_auth *a, const uint8_t *msg, size_t len)
{
	struct ntlmssp_auth_msg m;
	enum ntlm_result res = NTLM_REFUSED;
	uint8_t key[16];

	a->phase = RPC_AUTH_REFUSED;
	if (ntlmssp_authenticate_parse(msg, len, &m) < 0) {
		log_info("malformed NTLM authenticate");
		return -EBADMSG;
	}
	ntlmssp_utf16_to_utf8(m.user, m.user_len, a->user, sizeof(a->user));
	if (m.nt_len <= 24 || !(m.flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
		log_info("authentication refused for '%s': NTLMv1 is not accepted", a->user);
		return -EACCES;
	}
	if (m.user_len == 0) {
		log_info("authentication refused: anonymous logon is not accepted");
		return -EACCES;
	}
	if (ask_auth_ntlm_verify(a->challenge, &m, key, &res) < 0 || res != NTLM_OK) {
		log_info("authentication failed for '%s': %s", a->user,
			 res == NTLM_UNKNOWN_USER ? "unknown user" :
			 res == NTLM_BAD_PROOF ? "wrong password" : "refused");
		return -EACCES;
	}
	ntlmssp_session_init(&a->sess, m.flags, key, 1);
	memset(key, 0, sizeof(key));
	a->phase = RPC_AUTH_COMPLETE;
	return RPC_AUTH_DONE;
}

int rpc_auth_start(struct rpc_auth *a, uint8_t auth_type, const uint8_t *tok, size_t len,
		   struct rpc_buf *out)
{
	int rc;

	/* A starts empty: the caller cleared (rpc_auth_clear) what it held */
	memset(a, 0, sizeof(*a));
	a->auth_type = auth_type;
	if (auth_type == RPC_AUTHN_WINNT_TYPE)
		rc = rpc_auth_ntlm_challenge(a, tok, len, out);
	else if (auth_type == RPC_AUTHN_GSS_NEGOTIATE)
		rc = rpc_auth_spnego_start(a, tok, len, out);
	else if (auth_type == RPC_AUTHN_GSS_KERBEROS)
		rc = rpc_auth_krb5_step(a, tok, len, out);
	else
		rc = -EPROTONOSUPPORT;
	if (rc < 0)
		a->phase = RPC_AUTH_REFUSED;
	return rc;
}

int rpc_auth_next(struct rpc_auth *a, const uint8_t *tok, size_t len, struct rpc_buf *out)
{
	int rc;

	if (a->phase == RPC_AUTH_COMPLETE || a->phase == RPC_AUTH_REFUSED)
		rc = -EPROTO;
	else if (a->spnego)
		rc = rpc_auth_spnego_next(a, tok, len, out);
	else if (a->phase == RPC_AUTH_WANT_KRB5)
		rc = rpc_auth_krb5_step(a, tok, len, out);
	else if (a->phase == RPC_AUTH_WANT_AUTHENTICATE)
		rc = rpc_auth_ntlm_authenticate(a, tok, len);
	else
		rc = -EPROTO;
	if (rc < 0)
		a->phase = RPC_AUTH_REFUSED;
	return rc;
}

void rpc_auth_clear(struct rpc_auth *a)
{
	rpc_auth_krb5_clear(a);
	explicit_bzero(a, sizeof(*a));
}
