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
int rpc_auth_ntlm_require_mic;

int rpc_auth_ntlm_challenge(struct rpc_auth *a, const uint8_t *negotiate, size_t len,
			    struct rpc_buf *out)
{
	size_t at = out->len;
	uint32_t cflags;

	if (ntlmssp_negotiate_parse(negotiate, len, &cflags) < 0 ||
	    !(cflags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY))
		return -EPROTONOSUPPORT;
	if (len > sizeof(a->ntlm_negotiate)) {
		log_info("NTLM negotiate of %zu bytes refused (at most %u)", len,
			 RPC_AUTH_MAX_NTLM_NEGOTIATE);
		return -EBADMSG;
	}
	if (getrandom(a->challenge, sizeof(a->challenge), 0) != sizeof(a->challenge))
		return -EIO;
	/* the CHALLENGE carries MsvAvTimestamp: clients send a MIC only then */
	if (ntlmssp_challenge_build(out, ntlmssp_challenge_flags(cflags), a->challenge,
				    rpc_auth_names, ntlmssp_filetime_now()) < 0)
		return -ENOMEM;
	if (out->len - at > sizeof(a->ntlm_challenge))
		return -ENOMEM;
	memcpy(a->ntlm_negotiate, negotiate, len);
	a->ntlm_negotiate_len = len;
	memcpy(a->ntlm_challenge, out->data + at, out->len - at);
	a->ntlm_challenge_len = out->len - at;
	a->phase = RPC_AUTH_WANT_AUTHENTICATE;
	return RPC_AUTH_CONTINUE;
}

/* [MS-NLMP] 3.2.5.1.2: once the parent has accepted the NTLMv2 response
 * (so its AV pairs are the client's own), check the MIC it announces with
 * the exported session KEY.  MsvAvChannelBindings is not compared: the
 * application gives NTLM no channel to bind to (DCE/RPC over plain TCP),
 * and the spec checks bindings only when it does.  MsvAvTargetName is not
 * compared either (Windows checks it only under its "server SPN target
 * name validation" policy; impacket names "cifs/<host>" whatever it
 * calls).  0, or -EACCES logged. */
static int check_mic(struct rpc_auth *a, const uint8_t *msg, size_t len,
		     const struct ntlmssp_auth_msg *m, const uint8_t key[16])
{
	struct ntlmssp_av av;
	int rc;

	if (ntlmssp_client_av_parse(m->nt, m->nt_len, &av) < 0) {
		log_info("authentication refused for '%s': malformed AV pairs in its NTLMv2 response",
			 a->user);
		return -EACCES;
	}
	rc = ntlmssp_mic_check(key, a->ntlm_negotiate, a->ntlm_negotiate_len, a->ntlm_challenge,
			       a->ntlm_challenge_len, msg, len, m, &av);
	if (rc == 0) {
		log_debug("NTLM MIC of '%s' verified", a->user);
		return 0;
	}
	if (rc == NTLMSSP_MIC_ABSENT && !rpc_auth_ntlm_require_mic)
		return 0;
	log_info("authentication refused for '%s': %s", a->user,
		 rc == NTLMSSP_MIC_ABSENT ? "no MIC (--ntlm-mic=require)" :
		 rc == -EBADMSG ? "MIC announced but the message has no room for it" :
		 "MIC does not match (messages altered, or a client bug)");
	return -EACCES;
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
	if (check_mic(a, msg, len, &m, key) < 0) {
		explicit_bzero(key, sizeof(key));
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
