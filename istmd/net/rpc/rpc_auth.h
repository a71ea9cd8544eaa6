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
 *   provider 16 (Kerberos, rpc_auth_krb5.c, [MS-RPCE] 3.3.1.5.2 DCE
 *     style): AP-REQ -> AP-REP, then the client's AP-REP (auth3) -> done;
 *     and Kerberos as SPNEGO's mechanism (the same legs in NegTokenResps,
 *     the last one in an alter_context).  The privileged parent accepts
 *     (it alone has the keytab) and hands over the established context.
 *
 * After DONE the context signs and seals (rpc_auth_wrap.c) with the NTLM
 * session keys or, for Kerberos, the imported GSS-API context (RFC 4121
 * wrap and MIC tokens; sequence numbers continue after the mechListMICs).
 * Trade-off: Kerberos is served only when the parent has a keytab; without
 * one, a Kerberos-only bind is refused. */
#ifndef ISTMD_RPC_AUTH_H
#define ISTMD_RPC_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "ntlmssp.h"
#include "rpc_dispatch.h"

#define RPC_AUTHN_GSS_NEGOTIATE 9    /* SPNEGO */
#define RPC_AUTHN_WINNT_TYPE    10   /* NTLMSSP (RPC_AUTHN_WINNT in rpc_int.h) */
#define RPC_AUTHN_GSS_KERBEROS  16   /* Kerberos */
#define RPC_AUTH_MAX_VERIFIER   1024u /* auth_len we accept on a request */
#define RPC_AUTH_MAX_MECH_LIST  512u /* DER MechTypeList kept for the mechListMIC */
#define RPC_AUTH_MAX_NTLM_NEGOTIATE 512u  /* NEGOTIATE kept for the MIC (Windows: 40) */
#define RPC_AUTH_MAX_NTLM_CHALLENGE 2048u /* our CHALLENGE, kept likewise */

enum rpc_auth_step {
	RPC_AUTH_DONE = 0,           /* authenticated; OUT may hold a last token */
	RPC_AUTH_CONTINUE = 1,       /* OUT holds a token; another leg must come */
};

enum rpc_auth_phase {
	RPC_AUTH_WANT_NEGOTIATE,     /* SPNEGO chose NTLM without a token: NEGOTIATE next */
	RPC_AUTH_WANT_AUTHENTICATE,  /* CHALLENGE sent */
	RPC_AUTH_WANT_KRB5,          /* Kerberos: the next token goes to the parent */
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
	/* the NTLM NEGOTIATE and CHALLENGE as sent: the MIC covers them */
	uint8_t ntlm_negotiate[RPC_AUTH_MAX_NTLM_NEGOTIATE];
	size_t ntlm_negotiate_len;
	uint8_t ntlm_challenge[RPC_AUTH_MAX_NTLM_CHALLENGE];
	size_t ntlm_challenge_len;
	struct ntlmssp_session sess; /* NTLM keys, RC4 states, sequence numbers */
	int krb5;                    /* the mechanism is Kerberos */
	int krb5_mech;               /* enum spnego_mech the client named it with */
	uint32_t krb5_handle;        /* the parent's context in progress */
	void *gss;                   /* gss_ctx_id_t once established (imported) */
	char user[NTLMSSP_MAX_NAME * 2]; /* authenticated (or claimed) user, UTF-8 */
};

/* Names the NTLM CHALLENGE carries (rpc_conn_set_names). */
extern const struct ntlmssp_names *rpc_auth_names;

/* Start context A (its old contents, if any, released by rpc_auth_clear
 * first) with the client's first token for provider AUTH_TYPE.
 * Returns RPC_AUTH_CONTINUE with OUT filled; -EPROTONOSUPPORT for a
 * provider or mechanism we do not serve; -EBADMSG for a malformed token;
 * -ENOMEM. */
int rpc_auth_start(struct rpc_auth *a, uint8_t auth_type, const uint8_t *tok, size_t len,
		   struct rpc_buf *out);
/* The next leg.  RPC_AUTH_DONE or RPC_AUTH_CONTINUE; -EACCES when the
 * client failed to authenticate (logged here, once); -EBADMSG; -EPROTO
 * out of sequence.  After any error the context is RPC_AUTH_REFUSED. */
int rpc_auth_next(struct rpc_auth *a, const uint8_t *tok, size_t len, struct rpc_buf *out);
/* Wipe keys (and delete an imported Kerberos context). */
void rpc_auth_clear(struct rpc_auth *a);

/* Refuse an NTLM AUTHENTICATE without a MIC (--ntlm-mic=require); by
 * default a MIC is checked when the client announces one; set once. */
extern int rpc_auth_ntlm_require_mic;

/* Whether the parent serves Kerberos (it has a keytab); set once. */
extern int rpc_auth_krb5_enabled;

/* ---- rpc_auth_wrap.c: per-PDU protection of an established context.
 * PRE and POST are what is signed around the stub (the PDU header and the
 * sec_trailer); NTLM always signs them, Kerberos when header signing was
 * negotiated (HDR_SIGN).  The verifier is rpc_auth_verifier_len() bytes. */
size_t rpc_auth_verifier_len(struct rpc_auth *a, uint8_t level, int hdr_sign, size_t body_len);
/* Seal (privacy) or leave BODY, and write the verifier.  0 or -EIO. */
int rpc_auth_protect(struct rpc_auth *a, uint8_t level, int hdr_sign, const struct iovec *pre,
		     uint8_t *body, size_t body_len, const struct iovec *post,
		     uint8_t *verifier, size_t verifier_len);
/* Unseal BODY in place and check VERIFIER.  0, or -EACCES (bad signature,
 * replayed or out of order). */
int rpc_auth_unprotect(struct rpc_auth *a, uint8_t level, int hdr_sign, const struct iovec *pre,
		       uint8_t *body, size_t body_len, const struct iovec *post,
		       const uint8_t *verifier, size_t verifier_len);

/* ---- rpc_auth_krb5.c */
/* Send TOK to the parent's acceptor: RPC_AUTH_CONTINUE with OUT filled,
 * RPC_AUTH_DONE (context imported, OUT may hold a last token), -EACCES. */
int rpc_auth_krb5_step(struct rpc_auth *a, const uint8_t *tok, size_t len, struct rpc_buf *out);
/* mechListMIC of the SPNEGO exchange with the Kerberos context: check the
 * client's (0 or -EACCES), make ours (MIC, *MIC_LEN from its capacity). */
int rpc_auth_krb5_verify_mic(struct rpc_auth *a, const uint8_t *data, size_t len,
			     const uint8_t *mic, size_t mic_len);
int rpc_auth_krb5_get_mic(struct rpc_auth *a, const uint8_t *data, size_t len,
			  struct rpc_buf *mic);
void rpc_auth_krb5_clear(struct rpc_auth *a);

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
