/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmssp_client.c: the client's NTLMSSP messages ([MS-NLMP] 2.2.1,
 * 3.1.5.1): NEGOTIATE, parsing the server's CHALLENGE, and AUTHENTICATE
 * with an NTLMv2 response (auth/ntlmv2.c computes it, the same code the
 * server verifies with) and key exchange.  The notifier uses it for its
 * callbacks (notify/callout.c); the session it sets up signs and seals
 * with ntlmssp_sign.c, as the server side does.
 *
 * Trade-offs: NTLMv2 with extended session security and 128-bit keys
 * only (what Windows has required by default since Vista); the LM
 * response is Z(24), as the spec says when a timestamp is present.  When
 * the server's AV pairs carry a timestamp, the message carries a MIC
 * (ntlmssp_mic.c) and MsvAvFlags says so, as Windows clients do
 * ([MS-NLMP] 3.1.5.1.2); the VERSION field before it is zero, since we
 * never negotiate NTLMSSP_NEGOTIATE_VERSION.  Without a timestamp there is
 * no MIC and the message is as before (test-ntlmssp: [MS-NLMP] 4.2.4's
 * AUTHENTICATE byte for byte). */
#include <config.h>

#include <errno.h>
#include <string.h>

#include <nettle/arcfour.h>

#include "auth/ntlmv2.h"
#include "ntlmssp.h"
#include "rpc_int.h"

#define AUTH_FIXED_LEN 64u           /* AUTHENTICATE without VERSION and MIC */
#define AUTH_FIXED_LEN_MIC (NTLMSSP_MIC_OFFSET + NTLMSSP_MIC_LEN) /* with both */

static const uint8_t ntlmssp_sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

int ntlmssp_negotiate_build(struct rpc_buf *out)
{
	/* no domain or workstation: both fields empty, offsets at the end */
	RPC_CHECK(rpc_buf_append(out, ntlmssp_sig, 8));
	RPC_CHECK(rpc_push_u32(out, 1));
	RPC_CHECK(rpc_push_u32(out, NTLMSSP_CLIENT_FLAGS));
	RPC_CHECK(rpc_push_u16(out, 0));
	RPC_CHECK(rpc_push_u16(out, 0));
	RPC_CHECK(rpc_push_u32(out, 32));
	RPC_CHECK(rpc_push_u16(out, 0));
	RPC_CHECK(rpc_push_u16(out, 0));
	return rpc_push_u32(out, 32);
}

int ntlmssp_challenge_parse(const uint8_t *msg, size_t len, struct ntlmssp_challenge_msg *c)
{
	struct ntlmssp_av av;
	size_t off, ti_off, ti_len, i;

	memset(c, 0, sizeof(*c));
	c->msg = msg;
	c->len = len;
	if (len < 48 || memcmp(msg, ntlmssp_sig, 8) || rpc_le32(msg + 8) != 2)
		return -EPROTO;
	/* TargetName: only checked to lie inside the message */
	off = rpc_le32(msg + 16);
	if (off > len || rpc_le16(msg + 12) > len - off)
		return -EPROTO;
	c->flags = rpc_le32(msg + 20);
	memcpy(c->challenge, msg + 24, 8);
	ti_len = rpc_le16(msg + 40);
	ti_off = rpc_le32(msg + 44);
	if (!(c->flags & NTLMSSP_NEGOTIATE_TARGET_INFO) || ti_len == 0)
		return 0;
	if (ti_off > len || ti_len > len - ti_off)
		return -EPROTO;
	/* walk the AV pairs: each inside the field, the list ends with EOL */
	for (i = 0;;) {
		uint16_t id, n;

		if (ti_len - i < 4)
			return -EPROTO;
		id = rpc_le16(msg + ti_off + i);
		n = rpc_le16(msg + ti_off + i + 2);
		if (n > ti_len - i - 4)
			return -EPROTO;
		if (id == MSV_AV_EOL)
			break;
		i += 4u + n;
	}
	/* our response copies these pairs: what our server would refuse in
	 * it (a timestamp of 4 bytes, two MsvAvFlags) is refused here */
	if (ntlmssp_av_parse(msg + ti_off, i + 4, &av) < 0)
		return -EPROTO;
	c->timestamp = av.timestamp;
	c->target_info = msg + ti_off;
	c->target_info_len = i + 4;      /* through the EOL */
	return 0;
}

/* A {len, maxlen, offset} field for N bytes at *AT in the payload. */
static int push_field(struct rpc_buf *b, size_t n, size_t *at)
{
	if (n > 0xffff)
		return -EINVAL;
	RPC_CHECK(rpc_push_u16(b, (uint16_t)n));
	RPC_CHECK(rpc_push_u16(b, (uint16_t)n));
	RPC_CHECK(rpc_push_u32(b, (uint32_t)*at));
	*at += n;
	return 0;
}

/* The response's AV pairs: the server's (challenge_parse checked them),
 * with MsvAvFlags announcing a MIC when WANT_MIC, then MsvAvEOL. */
static int push_pairs(struct rpc_buf *nt, const struct ntlmssp_challenge_msg *chal, int want_mic)
{
	const uint8_t *ti = chal->target_info;
	uint32_t flags = want_mic ? MSV_AV_FLAG_MIC : 0;
	size_t i = 0;

	while (ti && chal->target_info_len - i >= 4) {
		uint16_t id = rpc_le16(ti + i), n = rpc_le16(ti + i + 2);

		if (id == MSV_AV_EOL)
			break;
		if (id == MSV_AV_FLAGS && n == 4)
			/* sent again below; the MIC bit is ours to set */
			flags |= rpc_le32(ti + i + 4) & ~MSV_AV_FLAG_MIC;
		else
			RPC_CHECK(rpc_buf_append(nt, ti + i, 4u + n));
		i += 4u + n;
	}
	if (flags) {
		RPC_CHECK(rpc_push_u16(nt, MSV_AV_FLAGS));
		RPC_CHECK(rpc_push_u16(nt, 4));
		RPC_CHECK(rpc_push_u32(nt, flags));
	}
	return rpc_push_u32(nt, MSV_AV_EOL);
}

int ntlmssp_authenticate_build(struct rpc_buf *out, const struct ntlm_creds *creds,
			       const uint8_t *neg, size_t neg_len,
			       const struct ntlmssp_challenge_msg *chal,
			       const uint8_t client_challenge[8], uint64_t filetime,
			       const uint8_t exported_key[16], struct ntlmssp_session *session)
{
	static const uint8_t lm[24];
	uint32_t flags = chal->flags & NTLMSSP_CLIENT_FLAGS;
	struct rpc_buf nt = { 0 };
	uint8_t proof[16], sbk[16], enc_key[16], ts[8];
	struct arcfour_ctx rc4;
	const int want_mic = chal->timestamp != 0;
	size_t at = want_mic ? AUTH_FIXED_LEN_MIC : AUTH_FIXED_LEN, base = out->len;
	int rc, i;

	if (!(flags & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) ||
	    !(flags & NTLMSSP_NEGOTIATE_128) || !(flags & NTLMSSP_NEGOTIATE_UNICODE))
		return -EPROTONOSUPPORT;
	if (creds->user_len == 0 || creds->user_len > NTLMSSP_MAX_NAME ||
	    creds->domain_len > NTLMSSP_MAX_NAME)
		return -EINVAL;
	/* temp = 1, 1, Z(6), Time, ClientChallenge, Z(4), AV pairs, Z(4) */
	if (chal->timestamp)
		filetime = chal->timestamp;
	for (i = 0; i < 8; i++)
		ts[i] = (uint8_t)(filetime >> (8 * i));
	rc = rpc_push_zeros(&nt, 16);                /* NTProofStr, filled below */
	rc = rc ? rc : rpc_push_u8(&nt, 1);
	rc = rc ? rc : rpc_push_u8(&nt, 1);
	rc = rc ? rc : rpc_push_zeros(&nt, 6);
	rc = rc ? rc : rpc_buf_append(&nt, ts, 8);
	rc = rc ? rc : rpc_buf_append(&nt, client_challenge, 8);
	rc = rc ? rc : rpc_push_zeros(&nt, 4);
	rc = rc ? rc : push_pairs(&nt, chal, want_mic);
	rc = rc ? rc : rpc_push_zeros(&nt, 4);
	rc = rc ? rc : ntlmv2_respond(creds->nt_hash, creds->user, creds->user_len,
				      creds->domain, creds->domain_len, chal->challenge,
				      nt.data + 16, nt.len - 16, proof, sbk);
	if (rc < 0)
		goto out;
	memcpy(nt.data, proof, 16);
	/* KeyExchangeKey is the SessionBaseKey (NTLMv2) */
	if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
		arcfour_set_key(&rc4, 16, sbk);
		arcfour_crypt(&rc4, 16, enc_key, exported_key);
	}
	rc = rpc_buf_append(out, ntlmssp_sig, 8);
	rc = rc ? rc : rpc_push_u32(out, 3);
	rc = rc ? rc : push_field(out, sizeof(lm), &at);
	rc = rc ? rc : push_field(out, nt.len, &at);
	rc = rc ? rc : push_field(out, creds->domain_len, &at);
	rc = rc ? rc : push_field(out, creds->user_len, &at);
	rc = rc ? rc : push_field(out, 0, &at);      /* Workstation: none */
	rc = rc ? rc : push_field(out, flags & NTLMSSP_NEGOTIATE_KEY_EXCH ? 16 : 0, &at);
	rc = rc ? rc : rpc_push_u32(out, flags);
	if (want_mic)                                /* VERSION, MIC: filled below */
		rc = rc ? rc : rpc_push_zeros(out, AUTH_FIXED_LEN_MIC - AUTH_FIXED_LEN);
	rc = rc ? rc : rpc_buf_append(out, lm, sizeof(lm));
	rc = rc ? rc : rpc_buf_append(out, nt.data, nt.len);
	rc = rc ? rc : rpc_buf_append(out, creds->domain, creds->domain_len);
	rc = rc ? rc : rpc_buf_append(out, creds->user, creds->user_len);
	if (rc == 0 && (flags & NTLMSSP_NEGOTIATE_KEY_EXCH))
		rc = rpc_buf_append(out, enc_key, 16);
	if (rc == 0 && want_mic)
		ntlmssp_mic(flags & NTLMSSP_NEGOTIATE_KEY_EXCH ? exported_key : sbk, neg, neg_len,
			    chal->msg, chal->len, out->data + base, out->len - base,
			    out->data + base + NTLMSSP_MIC_OFFSET);
	if (rc == 0)
		ntlmssp_session_init(session, flags, flags & NTLMSSP_NEGOTIATE_KEY_EXCH ?
				     exported_key : sbk, 0);
out:
	explicit_bzero(sbk, sizeof(sbk));
	explicit_bzero(proof, sizeof(proof));
	rpc_buf_release(&nt);
	return rc;
}
