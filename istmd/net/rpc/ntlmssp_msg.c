/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmssp_msg.c: NEGOTIATE, CHALLENGE and AUTHENTICATE messages
 * ([MS-NLMP] 2.2.1) and the UTF-16LE <-> UTF-8 conversions they need.
 * Every offset/length pair from the peer is checked against the message
 * before use; nothing here allocates from a peer-chosen size except into
 * an rpc_buf under its own cap.  The trade-off: no VERSION field and no
 * OEM strings are produced (clients that need OEM are not supported). */
#include <config.h>

#include <errno.h>
#include <string.h>
#include <time.h>

#include "common/utf16.h"
#include "ntlmssp.h"
#include "rpc_int.h"

static const uint8_t ntlmssp_sig[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0 };

uint64_t ntlmssp_filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return 116444736000000000ull + (uint64_t)ts.tv_sec * 10000000ull +
	       (uint64_t)ts.tv_nsec / 100;
}

int ntlmssp_negotiate_parse(const uint8_t *msg, size_t len, uint32_t *flags)
{
	if (len < 16 || memcmp(msg, ntlmssp_sig, 8) || rpc_le32(msg + 8) != 1)
		return -EPROTO;
	*flags = rpc_le32(msg + 12);
	return 0;
}

uint32_t ntlmssp_challenge_flags(uint32_t client_flags)
{
	uint32_t f = NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET |
		     NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
		     NTLMSSP_TARGET_TYPE_DOMAIN |
		     NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
		     NTLMSSP_NEGOTIATE_TARGET_INFO;

	/* echo what the client offered of these, as Windows does */
	f |= client_flags & (NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_56 |
			     NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_SIGN |
			     NTLMSSP_NEGOTIATE_SEAL);
	return f;
}

int ntlmssp_utf8_to_utf16(const char *in, struct rpc_buf *out)
{
	ssize_t n = utf8_to_utf16(in, UTF16_LE, NULL, 0);

	if (n <= 0)
		return (int)n;
	RPC_CHECK(rpc_buf_reserve(out, (size_t)n));
	utf8_to_utf16(in, UTF16_LE, out->data + out->len, (size_t)n);
	out->len += (size_t)n;
	return 0;
}

/* Converts what it can; unpaired surrogates become '?'.  Returns the
 * length written (OUT is always NUL-terminated when OUT_SIZE > 0). */
size_t ntlmssp_utf16_to_utf8(const uint8_t *in, size_t in_len, char *out, size_t out_size)
{
	ssize_t n;

	if (out_size == 0)
		return 0;
	n = utf16_to_utf8(in, in_len / 2, UTF16_LE | UTF16_LOSSY, out, out_size);
	return n < 0 ? 0 : (size_t)n;
}

static int push_av(struct rpc_buf *b, uint16_t id, const char *utf8)
{
	struct rpc_buf s = { 0 };
	int rc;

	rc = ntlmssp_utf8_to_utf16(utf8, &s);
	if (rc == 0 && s.len > 0xffff)
		rc = -EINVAL;
	if (rc == 0)
		rc = rpc_push_u16(b, id);
	if (rc == 0)
		rc = rpc_push_u16(b, (uint16_t)s.len);
	if (rc == 0)
		rc = rpc_buf_append(b, s.data, s.len);
	rpc_buf_release(&s);
	return rc;
}

int ntlmssp_challenge_build(struct rpc_buf *out, uint32_t flags, const uint8_t challenge[8],
			    const struct ntlmssp_names *names, uint64_t filetime)
{
	struct rpc_buf tn = { 0 }, ti = { 0 };
	uint8_t ft[8];
	int rc, i;

	for (i = 0; i < 8; i++)
		ft[i] = (uint8_t)(filetime >> (8 * i));
	rc = ntlmssp_utf8_to_utf16(names->nb_domain, &tn);
	if (rc == 0) rc = push_av(&ti, MSV_AV_NB_DOMAIN_NAME, names->nb_domain);
	if (rc == 0) rc = push_av(&ti, MSV_AV_NB_COMPUTER_NAME, names->nb_computer);
	if (rc == 0) rc = push_av(&ti, MSV_AV_DNS_DOMAIN_NAME, names->dns_domain);
	if (rc == 0) rc = push_av(&ti, MSV_AV_DNS_COMPUTER_NAME, names->dns_computer);
	if (rc == 0) rc = rpc_push_u16(&ti, MSV_AV_TIMESTAMP);
	if (rc == 0) rc = rpc_push_u16(&ti, 8);
	if (rc == 0) rc = rpc_buf_append(&ti, ft, 8);
	if (rc == 0) rc = rpc_push_u32(&ti, MSV_AV_EOL); /* id 0, length 0 */
	if (rc == 0 && (tn.len > 0xffff || ti.len > 0xffff))
		rc = -EINVAL;
	/* [MS-NLMP] 2.2.1.2: fixed part is 48 bytes without VERSION */
	if (rc == 0) rc = rpc_buf_append(out, ntlmssp_sig, 8);
	if (rc == 0) rc = rpc_push_u32(out, 2);
	if (rc == 0) rc = rpc_push_u16(out, (uint16_t)tn.len);
	if (rc == 0) rc = rpc_push_u16(out, (uint16_t)tn.len);
	if (rc == 0) rc = rpc_push_u32(out, 48);
	if (rc == 0) rc = rpc_push_u32(out, flags);
	if (rc == 0) rc = rpc_buf_append(out, challenge, 8);
	if (rc == 0) rc = rpc_push_zeros(out, 8);
	if (rc == 0) rc = rpc_push_u16(out, (uint16_t)ti.len);
	if (rc == 0) rc = rpc_push_u16(out, (uint16_t)ti.len);
	if (rc == 0) rc = rpc_push_u32(out, (uint32_t)(48 + tn.len));
	if (rc == 0) rc = rpc_buf_append(out, tn.data, tn.len);
	if (rc == 0) rc = rpc_buf_append(out, ti.data, ti.len);
	rpc_buf_release(&tn);
	rpc_buf_release(&ti);
	return rc;
}

/* A {len, maxlen, offset} field: the bytes it names must lie inside MSG. */
static int field_pull(const uint8_t *msg, size_t len, size_t at, size_t cap,
		      const uint8_t **p, size_t *n)
{
	uint16_t flen = rpc_le16(msg + at);
	uint32_t off = rpc_le32(msg + at + 4);

	if (flen > cap || off > len || flen > len - off)
		return -EPROTO;
	*p = flen ? msg + off : NULL;
	*n = flen;
	return 0;
}

/* Lower *START to where field P (NULL when empty) begins in MSG. */
static void payload_min(const uint8_t *msg, const uint8_t *p, size_t *start)
{
	if (p && (size_t)(p - msg) < *start)
		*start = (size_t)(p - msg);
}

int ntlmssp_authenticate_parse(const uint8_t *msg, size_t len, struct ntlmssp_auth_msg *a)
{
	const uint8_t *ws;
	size_t ws_len;

	memset(a, 0, sizeof(*a));
	if (len < 64 || memcmp(msg, ntlmssp_sig, 8) || rpc_le32(msg + 8) != 3)
		return -EPROTO;
	RPC_CHECK(field_pull(msg, len, 12, 0xffff, &a->lm, &a->lm_len));
	RPC_CHECK(field_pull(msg, len, 20, NTLMSSP_MAX_NT_RESPONSE, &a->nt, &a->nt_len));
	RPC_CHECK(field_pull(msg, len, 28, NTLMSSP_MAX_NAME, &a->domain, &a->domain_len));
	RPC_CHECK(field_pull(msg, len, 36, NTLMSSP_MAX_NAME, &a->user, &a->user_len));
	RPC_CHECK(field_pull(msg, len, 44, NTLMSSP_MAX_NAME, &ws, &ws_len));
	RPC_CHECK(field_pull(msg, len, 52, 16, &a->enc_key, &a->enc_key_len));
	a->flags = rpc_le32(msg + 60);
	if ((a->domain_len | a->user_len) & 1)
		return -EPROTO;
	/* where the payload begins: a MIC (ntlmssp_mic.c) must end before it */
	a->payload_start = len;
	payload_min(msg, a->lm, &a->payload_start);
	payload_min(msg, a->nt, &a->payload_start);
	payload_min(msg, a->domain, &a->payload_start);
	payload_min(msg, a->user, &a->payload_start);
	payload_min(msg, ws, &a->payload_start);
	payload_min(msg, a->enc_key, &a->payload_start);
	return 0;
}
