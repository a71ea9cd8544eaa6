/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_auth.h: the security providers of one DCE/RPC security context, as
 * the connection state machine (rpc_conn.c) drives them: a first token from
 * the bind (or an alter_context that starts a context), then further legs
 * from auth3 or alter_context, each possibly answered with a token.
 *
 *   provider 10 (NTLMSSP, rpc_auth_ntlm.c): NEGOTIATE -> CHALLENGE,
 *     AUTHENTICATE -> done (verified by the privileged parent).
 *   provider 9 (Negotiate, rpc_auth_spnego.c, [MS-SPNG] / RFC 4178):
 *     NegTokenInit -> NegTokenResp(accept-incomplete, NTLM, CHALLENGE);
 *     NegTokenResp(AUTHENTICATE, mechListMIC) -> NegTokenResp
 *     (accept-completed, mechListMIC).  The client sends that leg in an
 *     alter_context, because it needs our answer ([MS-RPCE] 3.3.1.5.2).
 *
 * After DONE the context signs and seals with the NTLM session keys (both
 * providers end in NTLM; sequence numbers continue after the mechListMICs).
 * Trade-off: NTLM is the only mechanism inside SPNEGO here; a client that
 * offers only Kerberos is refused at the bind. */
#ifndef ISTMD_RPC_AUTH_H
#define ISTMD_RPC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ntlmssp.h"
#include "rpc_dispatch.h"

#define RPC_AUTHN_GSS_NEGOTIATE 9    /* SPNEGO */
#define RPC_AUTHN_WINNT_TYPE    10   /* NTLMSSP (RPC_AUTHN_WINNT in rpc_int.h) */
#define RPC_AUTH_MAX_MECH_LIST  512u /* DER MechTypeList kept for the mechListMIC */

enum rpc_auth_step {
	RPC_AUTH_DONE = 0,           /* authenticated; OUT may hold a last token */
	RPC_AUTH_CONTINUE = 1,       /* OUT holds a token; another leg must come */
};

enum rpc_auth_phase {
	RPC_AUTH_WANT_NEGOTIATE,     /* SPNEGO chose NTLM without a token: NEGOTIATE next */
	RPC_AUTH_WANT_AUTHENTICATE,  /* CHALLENGE sent */
	RPC_AUTH_COMPLETE,           /* authenticated */
	RPC_AUTH_REFUSED,            /* failed: nothing more is accepted */
};

struct rpc_auth {
	uint8_t auth_type;           /* provider the client bound with: 9 or 10 */
	int spnego;                  /* NTLM tokens travel inside SPNEGO */
	enum rpc_auth_phase phase;   /* where the exchange is */
	int mic_required;            /* NTLM was not the client's first mechanism */
	uint8_t mech_list[RPC_AUTH_MAX_MECH_LIST]; /* the client's MechTypeList, DER */
	size_t mech_list_len;
	uint8_t challenge[8];        /* NTLM ServerChallenge we sent */
	struct ntlmssp_session sess; /* NTLM keys, RC4 states, sequence numbers */
	char user[NTLMSSP_MAX_NAME * 2]; /* authenticated (or claimed) user, UTF-8 */
};

/* Names the NTLM CHALLENGE carries (rpc_conn_set_names). */
extern const struct ntlmssp_names *rpc_auth_names;

/* Start context A with the client's first token for provider AUTH_TYPE.
 * Returns RPC_AUTH_CONTINUE with OUT filled; -EPROTONOSUPPORT for a
 * provider or mechanism we do not serve; -EBADMSG for a malformed token;
 * -ENOMEM. */
int rpc_auth_start(struct rpc_auth *a, uint8_t auth_type, const uint8_t *tok, size_t len,
		   struct rpc_buf *out);
/* The next leg.  RPC_AUTH_DONE or RPC_AUTH_CONTINUE; -EACCES when the
 * client failed to authenticate (logged here, once); -EBADMSG; -EPROTO
 * out of sequence.  After any error the context is RPC_AUTH_REFUSED. */
int rpc_auth_next(struct rpc_auth *a, const uint8_t *tok, size_t len, struct rpc_buf *out);
/* Wipe keys. */
void rpc_auth_clear(struct rpc_auth *a);

/* ---- rpc_auth_ntlm.c: the NTLM steps both providers use */
int rpc_auth_ntlm_challenge(struct rpc_auth *a, const uint8_t *negotiate, size_t len,
			    struct rpc_buf *out);
int rpc_auth_ntlm_authenticate(struct rpc_auth *a, const uint8_t *msg, size_t len);

/* ---- rpc_auth_spnego.c */
int rpc_auth_spnego_start(struct rpc_auth *a, const uint8_t *tok, size_t len,
			  struct rpc_buf *out);
int rpc_auth_spnego_next(struct rpc_auth *a, const uint8_t *tok, size_t len,
			 struct rpc_buf *out);

#endif /* ISTMD_RPC_AUTH_H */
