/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_auth.c: the verbs of proto/auth.h: the child forwards what a client
 * sent to prove who it is, the parent checks it against the users file
 * (auth/) and answers with the session key alone.  The variable part's
 * lengths are checked against the message here: these are the verbs whose
 * length the table can only bound. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "auth/krb5_accept.h"
#include "auth/ntlmv2.h"
#include "auth/users.h"
#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc.h"
#include "proto/auth.h"

int answer_auth_ntlm_verify(struct svc *s, const uint8_t *req, uint8_t *reply,
			    size_t *reply_len)
{
	struct svc_ntlm_req rq;
	struct svc_ntlm_reply rp;
	const struct auth_user *u;
	const uint8_t *user, *domain, *nt, *key;

	memcpy(&rq, req, sizeof(rq));
	if (rq.user_len > NTLMSSP_MAX_NAME || rq.domain_len > NTLMSSP_MAX_NAME ||
	    rq.nt_len > NTLMSSP_MAX_NT_RESPONSE || (rq.enc_key_len != 0 && rq.enc_key_len != 16) ||
	    s->req_len != sizeof(rq) + rq.user_len + rq.domain_len + rq.nt_len + rq.enc_key_len)
		return -EBADMSG;
	user = req + sizeof(rq);
	domain = user + rq.user_len;
	nt = domain + rq.domain_len;
	key = nt + rq.nt_len;
	memset(&rp, 0, sizeof(rp));
	u = s->users ? auth_users_find_utf16(s->users, user, rq.user_len) : NULL;
	if (!u)
		rp.result = NTLM_UNKNOWN_USER;
	else
		rp.result = ntlmv2_verify(u->nt_hash, user, rq.user_len, domain, rq.domain_len,
					  rq.challenge, nt, rq.nt_len, rq.flags, key,
					  rq.enc_key_len, rp.session_key);
	rp.hr = rp.result == NTLM_OK ? S_OK : E_ACCESSDENIED;
	memcpy(reply, &rp, sizeof(rp));
	*reply_len = sizeof(rp);
	memset(&rp, 0, sizeof(rp));
	return 0;
}

/* A verified principal "name@REALM" is the user NAME when REALM is our
 * service's realm, NAME has one component, and the users file lists it
 * (its NT hash is not needed: Kerberos proved the password). */
static const struct auth_user *krb5_user(const struct svc *s, const struct krb5_step *st,
					 char *name, size_t size)
{
	const char *at = strrchr(st->client, '@');
	size_t n = at ? (size_t)(at - st->client) : 0;

	if (!at || n == 0 || n >= size || strcmp(at + 1, st->service_realm) ||
	    memchr(st->client, '/', n))
		return NULL;
	memcpy(name, st->client, n);
	name[n] = 0;
	return s->users ? auth_users_find(s->users, name) : NULL;
}

int answer_auth_krb5_accept(struct svc *s, const uint8_t *req, uint8_t *reply,
			    size_t *reply_len)
{
	struct svc_krb5_req rq;
	struct svc_krb5_reply rp;
	struct krb5_step st;
	uint8_t *body = reply + sizeof(rp);
	int rc;

	memcpy(&rq, req, sizeof(rq));
	if (rq.token_len > SVC_KRB5_MAX_TOKEN || s->req_len != sizeof(rq) + rq.token_len)
		return -EBADMSG;
	rc = krb5_accept_step(rq.handle, req + sizeof(rq), rq.token_len, body,
			      SVC_REPLY_MAX - sizeof(rp), &st);
	if (rc < 0)
		return rc;
	memset(&rp, 0, sizeof(rp));
	rp.result = st.result;
	rp.hr = E_ACCESSDENIED;
	if (st.result == KRB5_CONTINUE) {
		rp.hr = S_FALSE;
		rp.handle = st.handle;
		rp.token_len = (uint32_t)st.token_len;
	} else if (st.result == KRB5_COMPLETE) {
		if (!krb5_user(s, &st, rp.user, sizeof(rp.user))) {
			log_info("kerberos: '%s' is not a user of this server", st.client);
			rp.result = KRB5_NOT_ALLOWED;
			rp.user[0] = 0;
		} else {
			rp.hr = S_OK;
			rp.token_len = (uint32_t)st.token_len;
			rp.context_len = (uint32_t)st.context_len;
		}
	}
	memcpy(reply, &rp, sizeof(rp));
	*reply_len = sizeof(rp) + rp.token_len + rp.context_len;
	if (rp.result == KRB5_NOT_ALLOWED)
		explicit_bzero(body, st.token_len + st.context_len);
	return 0;
}
