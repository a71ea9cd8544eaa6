/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ntlmssp.c: libFuzzer harness for the NTLMSSP message parsers, the
 * NTLMv2 verification the privileged parent runs on what the child
 * forwards, and the NTLM provider of the network child (rpc_auth_ntlm.c)
 * that sits between them (lengths and offsets all from the input).
 *
 * The server state is that of [MS-NLMP] 4.2.4: the user's NT hash is
 * NTOWFv1("Password") and the ServerChallenge 0123456789abcdef, so the
 * seed built from the 4.2.4 vectors (corpus/ntlmssp/nlmp-424-*) passes the
 * NTProofStr check as sent, and mutations of it stay one byte away from
 * the accepted path.  Random bytes almost never carry a valid NTProofStr,
 * so past the parsers the harness also signs the parsed response itself
 * (the proof computed from the known hash is written over the input's) to
 * reach the accepted path, then runs the session the proof yields:
 * signing, sealing and checking the input as a message.  The provider
 * runs on the same bytes twice: as the client's first token (NEGOTIATE,
 * answered with a CHALLENGE) and as its AUTHENTICATE, with its parent
 * verification done here by ntlmv2_verify (this file's
 * ask_auth_ntlm_verify), as the real parent does it.  Past the proof,
 * the provider walks the response's AV pairs and checks the MIC they
 * announce (ntlmssp_mic.c) over a fixed NEGOTIATE and CHALLENGE; the
 * harness also writes the right MIC over a copy, to reach acceptance.
 *
 * Why the coverage stalled before (79 edges): every input had to pass the
 * signature, type and six offset/length checks by chance, and then the
 * HMAC.  The dictionary (ntlmssp.dict, -dict=) supplies the constants; the
 * 4.2.4 seeds supply a message past all the checks. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>

#include "auth/ntlmv2.h"
#include "log.h"
#include "ntlmssp.h"
#include "proto/ask.h"
#include "rpc_auth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* [MS-NLMP] 4.2.2.1.2 NTOWFv1("Password"), 4.2.1 ServerChallenge */
static const uint8_t hash[16] = { 0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
				  0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52 };
static const uint8_t chal[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

/* The parent's answer, as svc_auth gives it for a user whose hash it
 * holds: the real NTLMv2 check against HASH. */
int ask_auth_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
			 uint8_t session_key[16], enum ntlm_result *result)
{
	*result = ntlmv2_verify(hash, a->user, a->user_len, a->domain, a->domain_len, challenge,
				a->nt, a->nt_len, a->flags, a->enc_key, a->enc_key_len,
				session_key);
	return 0;
}

/* Write the correct NTProofStr over the response in MSG (a copy). */
static void fix_proof(const struct ntlmssp_auth_msg *a, uint8_t *nt)
{
	uint8_t upper[NTLMSSP_MAX_NAME], key[16];
	struct hmac_md5_ctx h;
	size_t i;

	if (a->nt_len < 16 + 28 || a->user_len > sizeof(upper) || (a->user_len & 1))
		return;
	for (i = 0; i < a->user_len; i += 2) {
		upper[i] = a->user[i];
		upper[i + 1] = a->user[i + 1];
		if (a->user[i + 1] == 0 && a->user[i] >= 'a' && a->user[i] <= 'z')
			upper[i] = (uint8_t)(a->user[i] - 'a' + 'A');
	}
	hmac_md5_set_key(&h, 16, hash);
	hmac_md5_update(&h, a->user_len, upper);
	hmac_md5_update(&h, a->domain_len, a->domain);
	hmac_md5_digest(&h, 16, key);
	hmac_md5_set_key(&h, 16, key);
	hmac_md5_update(&h, 8, chal);
	hmac_md5_update(&h, a->nt_len - 16, nt + 16);
	hmac_md5_digest(&h, 16, nt);
}

/* Our two ends of session S's keys must agree on DATA, and a changed
 * signature must not pass. */
static void session(uint32_t flags, const uint8_t key[16], const uint8_t *data, size_t size)
{
	struct ntlmssp_session s, c;
	uint8_t sig[16], *copy = malloc(size + 1);
	struct iovec iov = { copy, size }, plain = { (void *)data, size };

	if (!copy)
		return;
	memcpy(copy, data, size);
	ntlmssp_session_init(&s, flags, key, 1);
	ntlmssp_session_init(&c, flags, key, 0);
	/* the client's direction as DCE/RPC does it: seal, sign the plain
	 * text; the server unseals and checks */
	ntlmssp_seal(&c, copy, size);
	ntlmssp_sign(&c, &plain, 1, sig);
	ntlmssp_unseal(&s, copy, size);
	if (ntlmssp_check(&s, &iov, 1, sig) < 0 || memcmp(copy, data, size))
		abort();
	sig[size % 16] ^= 1;
	if (ntlmssp_check(&s, &iov, 1, sig) == 0)
		abort();
	free(copy);
}

/* The NEGOTIATE and CHALLENGE the provider is taken to have exchanged
 * before an AUTHENTICATE (fixed, so a run is repeatable): the MIC covers
 * them.  The CHALLENGE has a timestamp, as ours always do. */
static struct rpc_buf kept_neg, kept_chal;

static void kept_messages(void)
{
	static const struct ntlmssp_names names = { "ISTMD", "WORKGROUP", "istmd", "" };
	uint32_t flags;

	if (kept_neg.len)
		return;
	if (ntlmssp_negotiate_build(&kept_neg) < 0 ||
	    ntlmssp_negotiate_parse(kept_neg.data, kept_neg.len, &flags) < 0 ||
	    ntlmssp_challenge_build(&kept_chal, ntlmssp_challenge_flags(flags), chal, &names,
				    0x01dc000000000000ull) < 0 ||
	    kept_chal.len > RPC_AUTH_MAX_NTLM_CHALLENGE)
		abort();
}

/* Write the MIC the exchange above gives over the AUTHENTICATE in MSG (a
 * copy whose proof fix_proof made valid), so that the accepted-MIC path
 * is reached too. */
static void fix_mic(uint8_t *msg, size_t size)
{
	struct ntlmssp_auth_msg a;
	uint8_t key[16];

	if (size < NTLMSSP_MIC_OFFSET + NTLMSSP_MIC_LEN ||
	    ntlmssp_authenticate_parse(msg, size, &a) < 0 ||
	    ntlmv2_verify(hash, a.user, a.user_len, a.domain, a.domain_len, chal, a.nt, a.nt_len,
			  a.flags, a.enc_key, a.enc_key_len, key) != NTLM_OK)
		return;
	ntlmssp_mic(key, kept_neg.data, kept_neg.len, kept_chal.data, kept_chal.len, msg, size,
		    msg + NTLMSSP_MIC_OFFSET);
}

/* The network child's provider: DATA as the first token, then as the
 * AUTHENTICATE answering our CHALLENGE. */
static void provider(const uint8_t *data, size_t size)
{
	struct rpc_auth a;
	struct rpc_buf out = { 0 };

	if (rpc_auth_start(&a, RPC_AUTHN_WINNT_TYPE, data, size, &out) == RPC_AUTH_CONTINUE &&
	    a.phase != RPC_AUTH_WANT_AUTHENTICATE)
		abort();
	rpc_auth_clear(&a);
	rpc_buf_release(&out);

	memset(&a, 0, sizeof(a));
	a.auth_type = RPC_AUTHN_WINNT_TYPE;
	a.phase = RPC_AUTH_WANT_AUTHENTICATE;
	memcpy(a.challenge, chal, sizeof(chal));
	memcpy(a.ntlm_negotiate, kept_neg.data, kept_neg.len);
	a.ntlm_negotiate_len = kept_neg.len;
	memcpy(a.ntlm_challenge, kept_chal.data, kept_chal.len);
	a.ntlm_challenge_len = kept_chal.len;
	if (rpc_auth_next(&a, data, size, &out) == RPC_AUTH_DONE) {
		uint8_t sig[16];
		struct iovec iov = { (void *)data, size };

		if (a.phase != RPC_AUTH_COMPLETE)
			abort();
		ntlmssp_sign(&a.sess, &iov, 1, sig);
		(void)ntlmssp_check(&a.sess, &iov, 1, sig);
	}
	rpc_auth_clear(&a);
	rpc_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ntlmssp_names names = { "ISTMD", "WORKGROUP", "istmd", "example" };
	static int ready;
	struct ntlmssp_auth_msg a;
	struct rpc_buf out = { 0 };
	uint8_t key[16], *copy;
	char name[NTLMSSP_MAX_NAME * 2];
	uint32_t flags = size >= 16 ? (uint32_t)data[12] | (uint32_t)data[13] << 8 |
			 (uint32_t)data[14] << 16 | (uint32_t)data[15] << 24 : 0;

	if (!ready) {
		log_init(-1, 0, "fuzz");
		kept_messages();
		ready = 1;
	}
	if (ntlmssp_negotiate_parse(data, size, &flags) == 0)
		ntlmssp_challenge_build(&out, ntlmssp_challenge_flags(flags), chal, &names,
					size ? data[size - 1] : 0);
	rpc_buf_release(&out);
	if (ntlmssp_authenticate_parse(data, size, &a) == 0) {
		ntlmssp_utf16_to_utf8(a.user, a.user_len, name, sizeof(name));
		ntlmssp_utf16_to_utf8(a.domain, a.domain_len, name, sizeof(name));
		if (ntlmv2_verify(hash, a.user, a.user_len, a.domain, a.domain_len, chal, a.nt,
				  a.nt_len, a.flags, a.enc_key, a.enc_key_len, key) == NTLM_OK)
			session(a.flags, key, data, size);
		/* the same message with a valid proof: the accepted path */
		copy = malloc(size);
		if (copy) {
			memcpy(copy, data, size);
			ntlmssp_authenticate_parse(copy, size, &a);
			fix_proof(&a, (uint8_t *)a.nt);
			if (ntlmv2_verify(hash, a.user, a.user_len, a.domain, a.domain_len, chal,
					  a.nt, a.nt_len, a.flags, a.enc_key, a.enc_key_len,
					  key) == NTLM_OK)
				session(a.flags, key, data, size);
			provider(copy, size);
			/* and with the MIC it announces (or not) made right */
			fix_mic(copy, size);
			provider(copy, size);
			free(copy);
		}
	}
	provider(data, size);
	ntlmssp_utf16_to_utf8(data, size, name, sizeof(name));
	if (size < 512) {
		char text[512];

		memcpy(text, data, size);
		text[size] = 0;
		ntlmssp_utf8_to_utf16(text, &out);
		rpc_buf_release(&out);
	}
	return 0;
}
