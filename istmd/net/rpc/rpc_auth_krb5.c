/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_auth_krb5.c: Kerberos as the network child sees it.  Every token the
 * client sends goes to the parent (SVC_AUTH_KRB5_ACCEPT), which holds the
 * keytab and runs gss_accept_sec_context; the child answers with the token
 * the parent returns.  When the parent says COMPLETE it also sends the
 * established context (gss_export_sec_context), which is imported here
 * (gss_import_sec_context needs no file and no key but the context's own)
 * so that every request is unsealed and checked without a round trip to
 * the parent.  Trade-off: the child holds this context's session key and
 * sequence state, as it holds an NTLM session key: enough to speak for
 * this one client on this one connection, nothing that lets it accept
 * another ticket. */
#include <config.h>

#include <errno.h>
#include <gssapi/gssapi.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "proto/ask.h"
#include "rpc_auth.h"

int rpc_auth_krb5_enabled;

static int import(struct rpc_auth *a, uint8_t *ctx, size_t len)
{
	gss_buffer_desc b = { len, ctx };
	gss_ctx_id_t g = GSS_C_NO_CONTEXT;
	OM_uint32 major, minor;

	major = gss_import_sec_context(&minor, &b, &g);
	explicit_bzero(ctx, len);
	if (GSS_ERROR(major)) {
		log_warnx("kerberos: importing the context the parent established failed "
			  "(major 0x%x, minor %u)", major, minor);
		return -EIO;
	}
	a->gss = g;
	return 0;
}

int rpc_auth_krb5_step(struct rpc_auth *a, const uint8_t *tok, size_t len, struct rpc_buf *out)
{
	static uint8_t body[SVC_KRB5_MAX_TOKEN + SVC_KRB5_MAX_CONTEXT];
	struct svc_krb5_reply rp;
	int rc;

	if (!rpc_auth_krb5_enabled)
		return -EPROTONOSUPPORT;
	a->krb5 = 1;
	rc = ask_auth_krb5_accept(a->krb5_handle, tok, len, &rp, body, sizeof(body));
	if (rc < 0)
		return rc == -EINVAL ? -EBADMSG : -EACCES;
	a->krb5_handle = rp.handle;
	if (rp.result == KRB5_CONTINUE || rp.result == KRB5_COMPLETE) {
		if (rp.token_len && rpc_buf_append(out, body, rp.token_len) < 0)
			return -ENOMEM;
	}
	if (rp.result == KRB5_CONTINUE) {
		a->phase = RPC_AUTH_WANT_KRB5;
		return RPC_AUTH_CONTINUE;
	}
	if (rp.result != KRB5_COMPLETE) {
		log_info("kerberos: authentication refused: %s",
			 rp.result == KRB5_NOT_ALLOWED ? "not a user of this server" :
			 rp.result == KRB5_UNAVAILABLE ? "no keytab" : "the token did not verify");
		return -EACCES;
	}
	snprintf(a->user, sizeof(a->user), "%s", rp.user);
	if ((rc = import(a, body + rp.token_len, rp.context_len)) < 0)
		return -EACCES;
	a->phase = RPC_AUTH_COMPLETE;
	return RPC_AUTH_DONE;
}

int rpc_auth_krb5_verify_mic(struct rpc_auth *a, const uint8_t *data, size_t len,
			     const uint8_t *mic, size_t mic_len)
{
	gss_buffer_desc m = { len, (void *)data }, t = { mic_len, (void *)mic };
	OM_uint32 major, minor;

	major = gss_verify_mic(&minor, a->gss, &m, &t, NULL);
	return major == GSS_S_COMPLETE ? 0 : -EACCES;
}

int rpc_auth_krb5_get_mic(struct rpc_auth *a, const uint8_t *data, size_t len,
			  struct rpc_buf *mic)
{
	gss_buffer_desc m = { len, (void *)data }, t = GSS_C_EMPTY_BUFFER;
	OM_uint32 major, minor;
	int rc = 0;

	major = gss_get_mic(&minor, a->gss, GSS_C_QOP_DEFAULT, &m, &t);
	if (GSS_ERROR(major))
		return -EIO;
	if (rpc_buf_append(mic, t.value, t.length) < 0)
		rc = -ENOMEM;
	gss_release_buffer(&minor, &t);
	return rc;
}

void rpc_auth_krb5_clear(struct rpc_auth *a)
{
	OM_uint32 minor;
	gss_ctx_id_t g = a->gss;

	if (g != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&minor, &g, GSS_C_NO_BUFFER);
	a->gss = NULL;
}
