/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ntlmssp-client.c: libFuzzer harness for the client's side of
 * NTLMSSP (net/rpc/ntlmssp_client.c), which the notifier runs on what a
 * status notification client's server sends: the CHALLENGE parser, with
 * every offset and AV pair from the input.  What parses is answered as
 * the notifier would (AUTHENTICATE with a known account), and the answer
 * must then pass the server's own parser and NTLMv2 verification and
 * yield the same session keys on both ends, and carry a MIC the server's
 * check accepts exactly when the CHALLENGE has a timestamp: a round trip
 * checked on every input, so the fuzzer also hunts disagreements between
 * the two sides. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/ntlmv2.h"
#include "ntlmssp.h"
#include "rpc_dispatch.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* "callback" / "WORKGROUP", with an arbitrary NT hash (all zeros) */
static const struct ntlm_creds creds = {
	16, 18,
	{ 'c', 0, 'a', 0, 'l', 0, 'l', 0, 'b', 0, 'a', 0, 'c', 0, 'k', 0 },
	{ 'W', 0, 'O', 0, 'R', 0, 'K', 0, 'G', 0, 'R', 0, 'O', 0, 'U', 0, 'P', 0 },
	{ 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t cc[8] = { 9, 8, 7, 6, 5, 4, 3, 2 };
	static const uint8_t key[16] = { 0x55, 0xaa, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 };
	struct ntlmssp_challenge_msg chal;
	struct ntlmssp_session client, server;
	struct ntlmssp_auth_msg a;
	static struct rpc_buf neg;       /* our NEGOTIATE, built once */
	struct ntlmssp_av av;
	struct rpc_buf out = { 0 };
	uint8_t exported[16], msg[32], sig[16];
	struct iovec iov = { msg, sizeof(msg) };
	int rc;

	if (ntlmssp_challenge_parse(data, size, &chal) < 0)
		return 0;
	if (chal.target_info &&
	    (chal.target_info < data || chal.target_info + chal.target_info_len > data + size))
		abort();                 /* the AV pairs must lie inside the message */
	if (!neg.len && ntlmssp_negotiate_build(&neg) < 0)
		abort();
	rc = ntlmssp_authenticate_build(&out, &creds, neg.data, neg.len, &chal, cc,
					0x01d0000000000000ull, key, &client);
	if (rc == 0) {
		if (ntlmssp_authenticate_parse(out.data, out.len, &a) < 0)
			abort();         /* the server cannot read what we send */
		if (ntlmv2_verify(creds.nt_hash, a.user, a.user_len, a.domain, a.domain_len,
				  chal.challenge, a.nt, a.nt_len, a.flags, a.enc_key,
				  a.enc_key_len, exported) != NTLM_OK)
			abort();         /* nor verify it */
		/* a MIC exactly when the CHALLENGE has a timestamp, and the
		 * server's check accepts it */
		if (ntlmssp_client_av_parse(a.nt, a.nt_len, &av) < 0 ||
		    ntlmssp_mic_check(exported, neg.data, neg.len, data, size, out.data, out.len,
				      &a, &av) != (chal.timestamp ? 0 : NTLMSSP_MIC_ABSENT))
			abort();
		ntlmssp_session_init(&server, a.flags, exported, 1);
		memset(msg, 0x3c, sizeof(msg));
		ntlmssp_seal(&client, msg, sizeof(msg));
		memset(sig, 0, sizeof(sig));
		{
			uint8_t plain[32];
			struct iovec p = { plain, sizeof(plain) };

			memset(plain, 0x3c, sizeof(plain));
			ntlmssp_sign(&client, &p, 1, sig);
		}
		ntlmssp_unseal(&server, msg, sizeof(msg));
		if (ntlmssp_check(&server, &iov, 1, sig) < 0 || msg[0] != 0x3c || msg[31] != 0x3c)
			abort();         /* the two ends' keys disagree */
	}
	rpc_buf_release(&out);
	return 0;
}
