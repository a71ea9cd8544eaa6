/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_auth_spnego.c: the Negotiate provider (DCE/RPC auth type 9) as an
 * SPNEGO acceptor ([RFC 4178], [MS-SPNG]) with NTLM as its mechanism.
 *
 * The client's MechTypeList is kept as received: the mechListMICs are
 * NTLM signatures over exactly those bytes (client's first, sequence 0 of
 * its direction; ours then, sequence 0 of ours).  A client MIC is checked
 * whenever one comes; it is required when NTLM was not the client's first
 * choice (RFC 4178 5: the list could have been tampered with to force a
 * weaker mechanism).  We answer with our own MIC when the client sent one.
 * A raw NTLMSSP NEGOTIATE under type 9 (no SPNEGO wrapping, as some clients
 * send it) is served as NTLM; the context then stays raw.
 *
 * Kerberos (either OID: 1.2.840.113554.1.2.2, or Windows' 1.2.840.48018.1.2.2,
 * echoed as the client named it) is chosen when it is the client's first
 * mechanism with an optimistic AP-REQ and the parent has a keytab; its legs
 * then go to the parent (rpc_auth_krb5.c) and the mechListMICs are GSS
 * MICs of the imported context.
 * Trade-off: a Kerberos mechanism offered second, without its token, is
 * not started (NTLM is chosen when offered, else the bind is refused). */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "log.h"
#include "rpc_auth.h"
#include "spnego.h"

static const uint8_t ntlmssp_magic[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

/* Kerberos chosen: the AP-REQ goes to the parent, the AP-REP comes back. */
static int krb5_start(struct rpc_auth *a, const struct spnego_init *init, struct rpc_buf *out)
{
	struct rpc_buf tok = { 0 };
	int rc;

	a->spnego = 1;
	a->krb5_mech = init->mechs[0];
	memcpy(a->mech_list, init->mech_list, init->mech_list_len);
	a->mech_list_len = init->mech_list_len;
	rc = rpc_auth_krb5_step(a, init->token, init->token_len, &tok);
	if (rc == RPC_AUTH_CONTINUE &&
	    spnego_resp_build(out, SPNEGO_ACCEPT_INCOMPLETE, (enum spnego_mech)a->krb5_mech,
			      tok.data, tok.len, NULL, 0) < 0)
		rc = -ENOMEM;
	rpc_buf_release(&tok);
	/* a one-leg exchange (no DCE style) is not what DCE/RPC clients do */
	return rc == RPC_AUTH_DONE ? -EACCES : rc;
}

/* The client's next Kerberos leg (its AP-REP, DCE style), then the
 * mechListMICs when the client sent one. */
static int krb5_next(struct rpc_auth *a, const struct spnego_resp *r, struct rpc_buf *out)
{
	struct rpc_buf tok = { 0 }, mic = { 0 };
	int rc;

	if (r->has_mech && r->mech != (enum spnego_mech)a->krb5_mech)
		return -EPROTO;
	rc = rpc_auth_krb5_step(a, r->token, r->token_len, &tok);
	if (rc == RPC_AUTH_CONTINUE) {
		if (spnego_resp_build(out, SPNEGO_ACCEPT_INCOMPLETE, SPNEGO_MECH_OTHER, tok.data,
				      tok.len, NULL, 0) < 0)
			rc = -ENOMEM;
		goto out;
	}
	if (rc < 0)
		goto out;
	if (r->mic) {
		if (rpc_auth_krb5_verify_mic(a, a->mech_list, a->mech_list_len, r->mic,
					     r->mic_len) < 0) {
			log_info("SPNEGO: bad mechListMIC from '%s'", a->user);
			rc = -EACCES;
			goto out;
		}
		if (rpc_auth_krb5_get_mic(a, a->mech_list, a->mech_list_len, &mic) < 0) {
			rc = -EIO;
			goto out;
		}
	}
	if (spnego_resp_build(out, SPNEGO_ACCEPT_COMPLETED, SPNEGO_MECH_OTHER, tok.data, tok.len,
			      mic.len ? mic.data : NULL, mic.len) < 0)
		rc = -ENOMEM;
out:
	rpc_buf_release(&tok);
	rpc_buf_release(&mic);
	return rc;
}

int rpc_auth_spnego_start(struct rpc_auth *a, const uint8_t *tok, size_t len,
			  struct rpc_buf *out)
{
	struct spnego_init init;
	unsigned i;
	int rc;

	if (len >= sizeof(ntlmssp_magic) && !memcmp(tok, ntlmssp_magic, sizeof(ntlmssp_magic)))
		return rpc_auth_ntlm_challenge(a, tok, len, out);
	if ((rc = spnego_init_parse(tok, len, &init)) < 0)
		return rc == -E2BIG ? -EPROTONOSUPPORT : rc;
	if (init.mech_list_len > sizeof(a->mech_list))
		return -EPROTONOSUPPORT;
	if (init.n_mechs && init.token && rpc_auth_krb5_enabled &&
	    (init.mechs[0] == SPNEGO_MECH_KRB5 || init.mechs[0] == SPNEGO_MECH_MS_KRB5))
		return krb5_start(a, &init, out);
	for (i = 0; i < init.n_mechs; i++)
		if (init.mechs[i] == SPNEGO_MECH_NTLM)
			break;
	if (i == init.n_mechs) {
		log_info("SPNEGO: the client offers no mechanism we serve (NTLM)");
		return -EPROTONOSUPPORT;
	}
	a->spnego = 1;
	memcpy(a->mech_list, init.mech_list, init.mech_list_len);
	a->mech_list_len = init.mech_list_len;
	a->mic_required = i != 0;
	if (i == 0 && init.token) {
		struct rpc_buf chal = { 0 };

		rc = rpc_auth_ntlm_challenge(a, init.token, init.token_len, &chal);
		if (rc == RPC_AUTH_CONTINUE &&
		    spnego_resp_build(out, SPNEGO_ACCEPT_INCOMPLETE, SPNEGO_MECH_NTLM,
				      chal.data, chal.len, NULL, 0) < 0)
			rc = -ENOMEM;
		rpc_buf_release(&chal);
		return rc;
	}
	/* NTLM is not the optimistic mechanism: name it, the client starts it */
	a->phase = RPC_AUTH_WANT_NEGOTIATE;
	if (spnego_resp_build(out, SPNEGO_ACCEPT_INCOMPLETE, SPNEGO_MECH_NTLM, NULL, 0, NULL, 0) < 0)
		return -ENOMEM;
	return RPC_AUTH_CONTINUE;
}

int rpc_auth_spnego_next(struct rpc_auth *a, const uint8_t *tok, size_t len,
			 struct rpc_buf *out)
{
	struct spnego_resp r;
	struct iovec iov = { a->mech_list, a->mech_list_len };
	uint8_t mic[16];
	int rc;

	if (spnego_resp_parse(tok, len, &r) < 0) {
		log_info("SPNEGO: malformed token");
		return -EBADMSG;
	}
	if (r.state == SPNEGO_REJECT) {
		log_info("SPNEGO: the client gave up");
		return -EACCES;
	}
	if (!r.token)
		return -EPROTO;
	if (a->krb5)
		return krb5_next(a, &r, out);
	if (r.has_mech && r.mech != SPNEGO_MECH_NTLM)
		return -EPROTO;
	if (a->phase == RPC_AUTH_WANT_NEGOTIATE) {
		struct rpc_buf chal = { 0 };

		rc = rpc_auth_ntlm_challenge(a, r.token, r.token_len, &chal);
		if (rc == RPC_AUTH_CONTINUE &&
		    spnego_resp_build(out, SPNEGO_ACCEPT_INCOMPLETE, SPNEGO_MECH_OTHER,
				      chal.data, chal.len, NULL, 0) < 0)
			rc = -ENOMEM;
		rpc_buf_release(&chal);
		return rc == -EPROTONOSUPPORT ? -EBADMSG : rc;
	}
	if (a->phase != RPC_AUTH_WANT_AUTHENTICATE)
		return -EPROTO;
	if ((rc = rpc_auth_ntlm_authenticate(a, r.token, r.token_len)) < 0)
		return rc;
	/* [MS-SPNG] 3.3.5.1: the RC4 state that signs a mechListMIC is the
	 * one the first message then uses again (sequence numbers go on) */
	if (r.mic) {
		struct arcfour_ctx in = a->sess.seal_in;

		rc = r.mic_len == sizeof(mic) ? ntlmssp_check(&a->sess, &iov, 1, r.mic) : -EBADMSG;
		a->sess.seal_in = in;
		if (rc < 0) {
			log_info("SPNEGO: bad mechListMIC from '%s'", a->user);
			return -EACCES;
		}
	} else if (a->mic_required) {
		log_info("SPNEGO: '%s' sent no mechListMIC although NTLM was not its first choice",
			 a->user);
		return -EACCES;
	}
	if (r.mic) {
		struct arcfour_ctx out = a->sess.seal_out;

		ntlmssp_sign(&a->sess, &iov, 1, mic);
		a->sess.seal_out = out;
	}
	if (spnego_resp_build(out, SPNEGO_ACCEPT_COMPLETED, SPNEGO_MECH_OTHER, NULL, 0,
			      r.mic ? mic : NULL, sizeof(mic)) < 0)
		return -ENOMEM;
	return RPC_AUTH_DONE;
}
