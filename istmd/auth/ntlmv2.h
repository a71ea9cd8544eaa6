/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmv2.h: NTLMv2 verification ([MS-NLMP] 3.3.2), run by the privileged
 * parent, which alone holds the NT hashes; and the response a client
 * computes (the notifier's callbacks).  It sees only what the network
 * child forwarded (proto/auth.h), so every length is checked again. */
#ifndef ISTMD_AUTH_NTLMV2_H
#define ISTMD_AUTH_NTLMV2_H

#include <stddef.h>
#include <stdint.h>

#include "proto/auth.h"

/* MD4 of the UTF-16LE password. */
void ntlm_nt_hash(const uint8_t *utf16_password, size_t len, uint8_t hash[16]);

/* The NTLMv2 computation both sides run ([MS-NLMP] 3.3.2): for TEMP (the
 * response after its first 16 bytes: RespType .. AV pairs), PROOF is the
 * NTProofStr and SESSION_BASE_KEY the key it yields.  -EINVAL for an
 * empty, odd or too long name.  The client (notify/) sends PROOF || TEMP;
 * the server compares. */
int ntlmv2_respond(const uint8_t nt_hash[16], const uint8_t *user, size_t user_len,
		   const uint8_t *domain, size_t domain_len, const uint8_t server_challenge[8],
		   const uint8_t *temp, size_t temp_len, uint8_t proof[16],
		   uint8_t session_base_key[16]);

/* Check an NTLMv2 response made with NT_HASH for USER/DOMAIN (UTF-16LE)
 * against SERVER_CHALLENGE; on NTLM_OK, EXPORTED_KEY is the session key
 * (decrypted from ENC_KEY when the client used key exchange). */
enum ntlm_result ntlmv2_verify(const uint8_t nt_hash[16],
			       const uint8_t *user, size_t user_len,
			       const uint8_t *domain, size_t domain_len,
			       const uint8_t server_challenge[8],
			       const uint8_t *nt_resp, size_t nt_len, uint32_t flags,
			       const uint8_t *enc_key, size_t enc_key_len,
			       uint8_t exported_key[16]);

#endif /* ISTMD_AUTH_NTLMV2_H */
