/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_auth.c: the verbs of proto/auth.h: the child forwards what a client
 * sent to prove who it is, the parent checks it against the users file
 * (auth/) and answers with the session key alone.  The variable part's
 * lengths are checked against the message here, the one verb whose length
 * the table can only bound. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "auth/ntlmv2.h"
#include "auth/users.h"
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
