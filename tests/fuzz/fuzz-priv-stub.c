/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-priv-stub.c: the privileged parent's answers for the fuzz
 * harnesses, which run the network side without a parent: every NTLM
 * verification succeeds with a fixed key (so the fuzzer reaches the
 * established-context code), other requests fail.  The NTLM answer is
 * weak: a harness that checks real proofs (fuzz-ntlmssp) defines its own. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "proto/ask.h"
#include "proto/proto.h"

int priv_call(uint32_t verb, const void *req, size_t req_len, void *reply, size_t *reply_len)
{
	(void)verb; (void)req; (void)req_len; (void)reply; (void)reply_len;
	return -ENOSYS;
}

__attribute__((weak))
int ask_auth_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
			 uint8_t session_key[16], enum ntlm_result *result)
{
	(void)challenge; (void)a;
	memset(session_key, 0x55, 16);
	*result = NTLM_OK;
	return 0;
}

/* No parent acceptor here: every Kerberos token is refused. */
int ask_auth_krb5_accept(uint32_t handle, const uint8_t *token, size_t len,
			 struct svc_krb5_reply *rp, uint8_t *body, size_t cap)
{
	(void)handle; (void)token; (void)len; (void)body; (void)cap;
	memset(rp, 0, sizeof(*rp));
	rp->result = KRB5_UNAVAILABLE;
	return 0;
}
