/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmv2.h: NTLMv2 verification ([MS-NLMP] 3.3.2), run by the privileged
 * parent, which alone holds the NT hashes.  It sees only what the network
 * child forwarded (proto/auth.h), so every length is checked again. */
#ifndef ISTMD_AUTH_NTLMV2_H
#define ISTMD_AUTH_NTLMV2_H

#include <stddef.h>
#include <stdint.h>

#include "proto/auth.h"

/* MD4 of the UTF-16LE password. */
void ntlm_nt_hash(const uint8_t *utf16_password, size_t len, uint8_t hash[16]);

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
