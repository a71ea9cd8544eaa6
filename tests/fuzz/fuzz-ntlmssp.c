/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ntlmssp.c: libFuzzer harness for the NTLMSSP message parsers and
 * the NTLMv2 verification the privileged parent runs on what the child
 * forwards (lengths and offsets all from the input).  Random bytes almost
 * never carry a valid NTProofStr, so past the parsers the harness also
 * signs the parsed response itself (the proof computed from the known
 * hash is written over the input's) to reach the accepted path, then runs
 * the session the proof yields: CHALLENGE built for the input's flags,
 * signing, sealing and checking the input as a message. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>

#include "auth/ntlmv2.h"
#include "ntlmssp.h"
#include "rpc_dispatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t hash[16] = { 0xfc, 0x52, 0x5c, 0x96, 0x83, 0xe8, 0xfe, 0x06,
				  0x70, 0x95, 0xba, 0x2d, 0xdc, 0x97, 0x18, 0x89 };
static const uint8_t chal[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

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
		abort();                 /* our own two ends must agree */
	sig[size % 16] ^= 1;
	if (ntlmssp_check(&s, &iov, 1, sig) == 0)
		abort();                 /* a changed signature must not pass */
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ntlmssp_names names = { "ISTMD", "WORKGROUP", "istmd", "example" };
	struct ntlmssp_auth_msg a;
	struct rpc_buf out = { 0 };
	uint8_t key[16], *copy;
	char name[NTLMSSP_MAX_NAME * 2];
	uint32_t flags = size >= 16 ? (uint32_t)data[12] | (uint32_t)data[13] << 8 |
			 (uint32_t)data[14] << 16 | (uint32_t)data[15] << 24 : 0;

	if (ntlmssp_negotiate_parse(data, size, &flags) == 0)
		ntlmssp_challenge_build(&out, ntlmssp_challenge_flags(flags), chal, &names,
					size ? data[size - 1] : 0);
	rpc_buf_release(&out);
	if (ntlmssp_authenticate_parse(data, size, &a) == 0) {
		ntlmssp_utf16_to_utf8(a.user, a.user_len, name, sizeof(name));
		ntlmssp_utf16_to_utf8(a.domain, a.domain_len, name, sizeof(name));
		ntlmv2_verify(hash, a.user, a.user_len, a.domain, a.domain_len, chal,
			      a.nt, a.nt_len, a.flags, a.enc_key, a.enc_key_len, key);
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
			free(copy);
		}
	}
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
