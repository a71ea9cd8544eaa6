/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmv2.c: NTLMv2 response verification and key derivation
 * ([MS-NLMP] 3.3.2, 3.4.5.1), from nettle's MD4, HMAC-MD5 and ARC4.  Runs in
 * the privileged parent (it needs the NT hash); it sees only what the
 * child forwarded, so it re-checks every length.  Trade-off: the user name
 * is upper-cased for ASCII letters only (non-ASCII names must be given in
 * the case the client uses). */
#include <config.h>

#include <errno.h>
#include <string.h>

#include <nettle/arcfour.h>
#include <nettle/hmac.h>
#include <nettle/md4.h>
#include <nettle/memops.h>

#include "auth/ntlmv2.h"

void ntlm_nt_hash(const uint8_t *utf16_password, size_t len, uint8_t hash[16])
{
	struct md4_ctx md4;

	md4_init(&md4);
	md4_update(&md4, len, utf16_password);
	md4_digest(&md4, MD4_DIGEST_SIZE, hash);
}

static void hmac_md5_2(const uint8_t key[16], const uint8_t *a, size_t a_len,
		       const uint8_t *b, size_t b_len, uint8_t out[16])
{
	struct hmac_md5_ctx h;

	hmac_md5_set_key(&h, 16, key);
	hmac_md5_update(&h, a_len, a);
	if (b_len)
		hmac_md5_update(&h, b_len, b);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, out);
}

/* ResponseKeyNT = NTOWFv2 = HMAC_MD5(NT hash, UPPER(User) || UserDom);
 * NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp);
 * SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr). */
int ntlmv2_respond(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len,
		   const uint8_t *domain, size_t domain_len, const uint8_t server_challenge[8],
		   const uint8_t *temp, size_t temp_len, uint8_t proof[16],
		   uint8_t session_base_key[16])
{
	uint8_t upper[NTLMSSP_MAX_NAME], key[16];
	struct hmac_md5_ctx h;
	size_t i;

	if (user_len == 0 || user_len > sizeof(upper) || (user_len & 1) ||
	    domain_len > NTLMSSP_MAX_NAME)
		return -EINVAL;
	for (i = 0; i < user_len; i += 2) {
		upper[i] = user[i];
		upper[i + 1] = user[i + 1];
		if (user[i + 1] == 0 && user[i] >= 'a' && user[i] <= 'z')
			upper[i] = (uint8_t)(user[i] - 'a' + 'A');
	}
	hmac_md5_2(nt_hash, upper, user_len, domain, domain_len, key);
	hmac_md5_set_key(&h, 16, key);
	hmac_md5_update(&h, 8, server_challenge);
	hmac_md5_update(&h, temp_len, temp);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, proof);
	hmac_md5_2(key, proof, 16, NULL, 0, session_base_key);
	memset(key, 0, sizeof(key));
	return 0;
}

enum ntlm_result ntlmv2_verify(const uint8_t nt_hash[16],
			       const uint8_t *user, size_t user_len,
			       const uint8_t *domain, size_t domain_len,
			       const uint8_t server_challenge[8],
			       const uint8_t *nt_resp, size_t nt_len, uint32_t flags,
			       const uint8_t *enc_key, size_t enc_key_len,
			       uint8_t exported_key[16])
{
	uint8_t proof[16], sbk[16];

	/* NTLMv1 responses are exactly 24 bytes; an NTLMv2 response is the
	 * 16-byte proof plus a client challenge blob of at least 28 bytes. */
	if (nt_len < 16 + 28 || user_len == 0 || user_len > NTLMSSP_MAX_NAME ||
	    (user_len & 1) || domain_len > NTLMSSP_MAX_NAME)
		return NTLM_REFUSED;
	if (nt_resp[16] != 1 || nt_resp[17] != 1) /* RespType, HiRespType */
		return NTLM_REFUSED;
	if ((flags & NTLMSSP_NEGOTIATE_KEY_EXCH) && enc_key_len != 16)
		return NTLM_REFUSED;
	if (ntlmv2_respond(nt_hash, user, user_len, domain, domain_len, server_challenge,
			   nt_resp + 16, nt_len - 16, proof, sbk) < 0)
		return NTLM_REFUSED;
	if (!memeql_sec(proof, nt_resp, 16)) {
		memset(sbk, 0, sizeof(sbk));
		return NTLM_BAD_PROOF;
	}
	/* KeyExchangeKey (NTLMv2) is the SessionBaseKey */
	if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		struct arcfour_ctx rc4;

		arcfour_set_key(&rc4, 16, sbk);
		arcfour_crypt(&rc4, 16, exported_key, enc_key);
	} else {
		memcpy(exported_key, sbk, 16);
	}
	memset(sbk, 0, sizeof(sbk));
	return NTLM_OK;
}
