/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmssp_sign.c: signing and sealing of an established NTLMSSP session
 * with extended session security ([MS-NLMP] 3.4.4.2, 3.4.5.2-3.4.5.3).
 * Each direction has its own signing key, RC4 stream and sequence number;
 * the RC4 stream is shared by the message and its checksum, in that order,
 * so seal before sign on the way out and unseal before check on the way in.
 * Trade-off: 128-bit keys only when negotiated; 56/40-bit keys follow the
 * spec's truncation for peers that ask, as the spec requires. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include <nettle/hmac.h>
#include <nettle/md5.h>
#include <nettle/memops.h>

#include "ntlmssp.h"

static const char c2s_sign[] = "session key to client-to-server signing key magic constant";
static const char s2c_sign[] = "session key to server-to-client signing key magic constant";
static const char c2s_seal[] = "session key to client-to-server sealing key magic constant";
static const char s2c_seal[] = "session key to server-to-client sealing key magic constant";

/* MD5(key || constant || NUL) */
static void derive(const uint8_t *key, size_t key_len, const char *magic, uint8_t out[16])
{
	struct md5_ctx md5;

	md5_init(&md5);
	md5_update(&md5, key_len, key);
	md5_update(&md5, strlen(magic) + 1, (const uint8_t *)magic);
	md5_digest(&md5, MD5_DIGEST_SIZE, out);
}

void ntlmssp_session_init(struct ntlmssp_session *s, uint32_t flags,
			  const uint8_t exported_key[16], int is_server)
{
	size_t seal_len = 5;
	uint8_t k[16];

	memset(s, 0, sizeof(*s));
	s->flags = flags;
	if (flags & NTLMSSP_NEGOTIATE_128)
		seal_len = 16;
	else if (flags & NTLMSSP_NEGOTIATE_56)
		seal_len = 7;
	derive(exported_key, 16, is_server ? c2s_sign : s2c_sign, s->sign_in);
	derive(exported_key, 16, is_server ? s2c_sign : c2s_sign, s->sign_out);
	derive(exported_key, seal_len, is_server ? c2s_seal : s2c_seal, k);
	arcfour_set_key(&s->seal_in, 16, k);
	derive(exported_key, seal_len, is_server ? s2c_seal : c2s_seal, k);
	arcfour_set_key(&s->seal_out, 16, k);
	memset(k, 0, sizeof(k));
}

void ntlmssp_seal(struct ntlmssp_session *s, uint8_t *data, size_t len)
{
	arcfour_crypt(&s->seal_out, len, data, data);
}

void ntlmssp_unseal(struct ntlmssp_session *s, uint8_t *data, size_t len)
{
	arcfour_crypt(&s->seal_in, len, data, data);
}

/* NTLMSSP_MESSAGE_SIGNATURE with ESS: Version 1, RC4(HMAC_MD5(key,
 * seq || msg)[0..7]) when KEY_EXCH, SeqNum. */
static void mac(const uint8_t key[16], struct arcfour_ctx *rc4, uint32_t flags,
		uint32_t seq, const struct iovec *iov, int n, uint8_t sig[16])
{
	struct hmac_md5_ctx h;
	uint8_t seqb[4] = { (uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)(seq >> 16),
			    (uint8_t)(seq >> 24) };
	uint8_t digest[16];
	int i;

	hmac_md5_set_key(&h, 16, key);
	hmac_md5_update(&h, 4, seqb);
	for (i = 0; i < n; i++)
		hmac_md5_update(&h, iov[i].iov_len, iov[i].iov_base);
	hmac_md5_digest(&h, MD5_DIGEST_SIZE, digest);
	if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH)
		arcfour_crypt(rc4, 8, digest, digest);
	sig[0] = 1; sig[1] = 0; sig[2] = 0; sig[3] = 0;
	memcpy(sig + 4, digest, 8);
	memcpy(sig + 12, seqb, 4);
}

void ntlmssp_sign(struct ntlmssp_session *s, const struct iovec *iov, int n, uint8_t sig[16])
{
	mac(s->sign_out, &s->seal_out, s->flags, s->seq_out, iov, n, sig);
	s->seq_out++;
}

/* 0 when SIG is the signature of IOV at the expected sequence number;
 * -EBADMSG otherwise (the session is then unusable: its RC4 stream has
 * moved on). */
int ntlmssp_check(struct ntlmssp_session *s, const struct iovec *iov, int n,
		  const uint8_t sig[16])
{
	uint8_t want[16];

	mac(s->sign_in, &s->seal_in, s->flags, s->seq_in, iov, n, want);
	s->seq_in++;
	if (!memeql_sec(want, sig, 16))
		return -EBADMSG;
	return 0;
}
