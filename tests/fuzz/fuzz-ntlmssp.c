/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ntlmssp.c: libFuzzer harness for the NTLMSSP message parsers and
 * the NTLMv2 verification the privileged parent runs on what the child
 * forwards (lengths and offsets all from the input). */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "auth/ntlmv2.h"
#include "ntlmssp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t hash[16] = { 0xfc, 0x52, 0x5c, 0x96, 0x83, 0xe8, 0xfe, 0x06,
					  0x70, 0x95, 0xba, 0x2d, 0xdc, 0x97, 0x18, 0x89 };
	static const uint8_t chal[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ntlmssp_auth_msg a;
	uint8_t key[16];
	char name[NTLMSSP_MAX_NAME * 2];
	uint32_t flags;

	ntlmssp_negotiate_parse(data, size, &flags);
	if (ntlmssp_authenticate_parse(data, size, &a) == 0) {
		ntlmssp_utf16_to_utf8(a.user, a.user_len, name, sizeof(name));
		ntlmssp_utf16_to_utf8(a.domain, a.domain_len, name, sizeof(name));
		ntlmv2_verify(hash, a.user, a.user_len, a.domain, a.domain_len, chal,
			      a.nt, a.nt_len, a.flags, a.enc_key, a.enc_key_len, key);
	}
	ntlmssp_utf16_to_utf8(data, size, name, sizeof(name));
	return 0;
}
