/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ask.c: the network child's stubs (proto/ask.h), one per verb, over
 * priv_call().  Trade-off: every stub blocks the poll loop for one round
 * trip to the parent; every verb is a local, bounded operation. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "hresult.h"
#include "proto/ask.h"
#include "proto/proto.h"
#include "rpc/ntlmssp.h"

/* Ask VERB with REQ, expecting a reply of exactly WANT bytes in REPLY. */
static int ask_exact(uint32_t verb, const void *req, size_t len, void *reply, size_t want)
{
	uint8_t none[1];
	size_t got = want;
	int rc;

	rc = priv_call(verb, req, len, reply ? reply : none, &got);
	if (rc < 0)
		return rc;
	return got == want ? 0 : -EPROTO;
}

/* An ISTM-style verb: the reply starts with the HRESULT; a reply other
 * than just the HRESULT must fill REPLY (CAP bytes) exactly when S_OK. */
static uint32_t ask_hr(uint32_t verb, const void *req, size_t len, void *reply, size_t cap)
{
	struct svc_reply_hdr h;
	size_t got = cap;

	if (cap < sizeof(h) || priv_call(verb, req, len, reply, &got) < 0 || got < sizeof(h))
		return ERROR_NOT_READY;
	memcpy(&h, reply, sizeof(h));
	if (h.hr == S_OK && got != cap)
		return ERROR_NOT_READY;
	return h.hr;
}

int ask_general_server_info(struct priv_server_info *out)
{
	static struct priv_server_info info;
	static int asked;
	int rc;

	if (!asked) {
		if ((rc = ask_exact(SVC_GENERAL_SERVER_INFO, NULL, 0, &info, sizeof(info))) < 0)
			return rc;
		info.host_name[sizeof(info.host_name) - 1] = 0;
		asked = 1;
	}
	*out = info;
	return 0;
}

int ask_general_set_schedule(const struct priv_schedule *s)
{
	return ask_exact(SVC_GENERAL_SET_SCHEDULE, s, sizeof(*s), NULL, 0);
}

int ask_general_get_schedule(struct priv_schedule *s)
{
	return ask_exact(SVC_GENERAL_GET_SCHEDULE, NULL, 0, s, sizeof(*s));
}

uint32_t ask_general_get_name(struct svc_name_reply *r)
{
	uint32_t hr = ask_hr(SVC_GENERAL_GET_NAME, NULL, 0, r, sizeof(*r));

	if (hr == S_OK && !memchr(r->name, 0, sizeof(r->name)))
		return ERROR_NOT_READY;
	return hr;
}

uint32_t ask_general_set_name(const struct svc_name_req *rq)
{
	struct svc_reply_hdr h;

	return ask_hr(SVC_GENERAL_SET_NAME, rq, sizeof(*rq), &h, sizeof(h));
}

int ask_auth_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
			 uint8_t session_key[16], enum ntlm_result *result)
{
	uint8_t buf[PRIV_MAX_MSG];
	struct svc_ntlm_req rq;
	struct svc_ntlm_reply rp;
	size_t len = sizeof(rq), rlen = sizeof(rp);
	int rc;

	if (a->user_len > NTLMSSP_MAX_NAME || a->domain_len > NTLMSSP_MAX_NAME ||
	    a->nt_len > NTLMSSP_MAX_NT_RESPONSE || a->enc_key_len > 16)
		return -EINVAL;
	memcpy(rq.challenge, challenge, 8);
	rq.flags = a->flags;
	rq.user_len = (uint16_t)a->user_len;
	rq.domain_len = (uint16_t)a->domain_len;
	rq.nt_len = (uint16_t)a->nt_len;
	rq.enc_key_len = (uint16_t)a->enc_key_len;
	memcpy(buf, &rq, sizeof(rq));
	if (a->user_len) { memcpy(buf + len, a->user, a->user_len); len += a->user_len; }
	if (a->domain_len) { memcpy(buf + len, a->domain, a->domain_len); len += a->domain_len; }
	if (a->nt_len) { memcpy(buf + len, a->nt, a->nt_len); len += a->nt_len; }
	if (a->enc_key_len) { memcpy(buf + len, a->enc_key, a->enc_key_len); len += a->enc_key_len; }
	rc = priv_call(SVC_AUTH_NTLM_VERIFY, buf, len, &rp, &rlen);
	if (rc < 0)
		return rc;
	if (rlen != sizeof(rp) || rp.result > NTLM_REFUSED)
		return -EPROTO;
	*result = (enum ntlm_result)rp.result;
	memcpy(session_key, rp.session_key, 16);
	memset(&rp, 0, sizeof(rp));
	return 0;
}
