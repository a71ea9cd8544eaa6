/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmssp_mic.c: the AV pairs of a client's NTLMv2 response and the
 * AUTHENTICATE message's MIC ([MS-NLMP] 2.2.2.1, 3.1.5.1.2, 3.2.5.1.2).
 * The MIC binds the three messages together, so that a man in the middle
 * who edits the NEGOTIATE (say, drops the sealing flag) or the CHALLENGE
 * is caught: the NTProofStr covers only the response itself.  The response
 * (and so its MsvAvFlags) is covered by the NTProofStr the parent checked,
 * which is why the MIC check runs after it, in the network child, with the
 * exported session key the parent answered.
 *
 * Trade-offs: the pairs the server acts on (flags, timestamp, target name,
 * channel bindings) may each appear once, and a second copy is refused
 * rather than guessing which one the client meant; unknown pairs are
 * skipped.  The client's side holds a server's CHALLENGE to the same rules
 * (it copies those pairs into its response, which our server must read).  A response with no pairs at all (older NTLMv2 clients) parses
 * as "no MIC". */
#include <config.h>

#include <errno.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/memops.h>

#include "ntlmssp.h"
#include "rpc_int.h"

/* NTProofStr (16), RespType, HiRespType, Reserved1 (2), Reserved2 (4),
 * TimeStamp (8), ChallengeFromClient (8), Reserved3 (4): then the pairs */
#define NTLMV2_AV_START 44u

/* A pair the server acts on: the right size, and the first of its kind. */
static int take_once(const uint8_t **seen, const uint8_t *val, uint16_t n, int want)
{
	if (*seen || (want >= 0 && n != want))
		return -EBADMSG;
	*seen = val;
	return 0;
}

int ntlmssp_av_parse(const uint8_t *p, size_t len, struct ntlmssp_av *av)
{
	const uint8_t *flags = NULL, *ts = NULL;
	size_t i = 0;

	memset(av, 0, sizeof(*av));
	while (len - i >= 4) {
		uint16_t id = rpc_le16(p + i), n = rpc_le16(p + i + 2);
		const uint8_t *val = p + i + 4;

		if (n > len - i - 4)
			return -EBADMSG;
		if (id == MSV_AV_EOL)
			break;
		if (id == MSV_AV_FLAGS)
			RPC_CHECK(take_once(&flags, val, n, 4));
		else if (id == MSV_AV_TIMESTAMP)
			RPC_CHECK(take_once(&ts, val, n, 8));
		else if (id == MSV_AV_CHANNEL_BINDINGS)
			RPC_CHECK(take_once(&av->channel_bindings, val, n, 16));
		else if (id == MSV_AV_TARGET_NAME) {
			RPC_CHECK(take_once(&av->target_name, val, n, -1));
			if (n & 1)
				return -EBADMSG;
			av->target_name_len = n;
		}
		i += 4u + n;
	}
	/* what is left after the pairs (no EOL) must not be a cut-off pair */
	if (len - i < 4 && len != i)
		return -EBADMSG;
	if (flags)
		av->flags = rpc_le32(flags);
	if (ts)
		av->timestamp = (uint64_t)rpc_le32(ts) | (uint64_t)rpc_le32(ts + 4) << 32;
	return 0;
}

int ntlmssp_client_av_parse(const uint8_t *nt, size_t nt_len, struct ntlmssp_av *av)
{
	if (nt_len < NTLMV2_AV_START) {
		memset(av, 0, sizeof(*av));
		return -EBADMSG;
	}
	return ntlmssp_av_parse(nt + NTLMV2_AV_START, nt_len - NTLMV2_AV_START, av);
}

void ntlmssp_mic(const uint8_t key[16], const uint8_t *neg, size_t neg_len,
		 const uint8_t *chal, size_t chal_len, const uint8_t *auth, size_t auth_len,
		 uint8_t mic[16])
{
	static const uint8_t zero[NTLMSSP_MIC_LEN];
	const size_t end = NTLMSSP_MIC_OFFSET + NTLMSSP_MIC_LEN;
	struct hmac_md5_ctx h;

	hmac_md5_set_key(&h, 16, key);
	hmac_md5_update(&h, neg_len, neg);
	hmac_md5_update(&h, chal_len, chal);
	hmac_md5_update(&h, NTLMSSP_MIC_OFFSET, auth);
	hmac_md5_update(&h, NTLMSSP_MIC_LEN, zero);
	hmac_md5_update(&h, auth_len - end, auth + end);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, mic);
}

int ntlmssp_mic_check(const uint8_t key[16], const uint8_t *neg, size_t neg_len,
		      const uint8_t *chal, size_t chal_len, const uint8_t *auth, size_t auth_len,
		      const struct ntlmssp_auth_msg *m, const struct ntlmssp_av *av)
{
	const size_t end = NTLMSSP_MIC_OFFSET + NTLMSSP_MIC_LEN;
	uint8_t want[16];
	int same;

	if (!(av->flags & MSV_AV_FLAG_MIC))
		return NTLMSSP_MIC_ABSENT;
	/* the MIC field must be the message's own, not inside a payload field
	 * (the proof was checked over bytes the MIC computation zeroes) */
	if (auth_len < end || m->payload_start < end)
		return -EBADMSG;
	ntlmssp_mic(key, neg, neg_len, chal, chal_len, auth, auth_len, want);
	same = memeql_sec(want, auth + NTLMSSP_MIC_OFFSET, NTLMSSP_MIC_LEN);
	explicit_bzero(want, sizeof(want));
	return same ? 0 : -EACCES;
}
