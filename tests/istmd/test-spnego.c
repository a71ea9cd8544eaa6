/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-spnego.c: the SPNEGO codec and the Negotiate provider without a
 * network: a NegTokenInit as Samba sends it parses (mechanism, token,
 * the MechTypeList bytes the MIC covers); DER it must refuse (indefinite
 * and non-minimal lengths, trailing bytes, fields out of order, too many
 * mechanisms, a truncated value); a built NegTokenResp parses back; and the
 * provider: NTLM second in the list makes it name NTLM without a token,
 * take the NEGOTIATE in the next leg, and refuse an AUTHENTICATE that comes
 * without a mechListMIC (the list could have been downgraded), even though
 * the (stub) parent accepts the proof; a list without NTLM is refused. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <string.h>

#include "common/checkrun.h"
#include "log.h"
#include "rpc_auth.h"
#include "rpc_int.h"
#include "spnego.h"

static const uint8_t krb5[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 };
static const uint8_t ntlm[] = { 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a };
static const uint8_t negotiate[16] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0,
				       0x35, 0x82, 0x08, 0x60 }; /* ESS, sign, seal, ... */

static void tlv(struct rpc_buf *b, uint8_t tag, const void *v, size_t n)
{
	uint8_t h[4] = { tag };
	size_t k = 2;

	if (n < 0x80) {
		h[1] = (uint8_t)n;
	} else {
		h[1] = 0x81;
		h[2] = (uint8_t)n;
		k = 3;
	}
	rpc_buf_append(b, h, k);
	rpc_buf_append(b, v, n);
}

/* InitialContextToken(NegTokenInit{ mechTypes MECHS, mechToken TOK }) */
static void make_init(struct rpc_buf *out, const struct rpc_buf *mechs, const uint8_t *tok,
		      size_t tok_len)
{
	static const uint8_t spnego_oid[] = { 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
	struct rpc_buf seq = { 0 }, f = { 0 }, t = { 0 }, in = { 0 }, app = { 0 };

	tlv(&f, 0x30, mechs->data, mechs->len);
	tlv(&seq, 0xa0, f.data, f.len);
	if (tok) {
		tlv(&t, 0x04, tok, tok_len);
		tlv(&seq, 0xa2, t.data, t.len);
	}
	tlv(&in, 0x30, seq.data, seq.len);
	rpc_buf_append(&app, spnego_oid, sizeof(spnego_oid));
	f.len = 0;
	tlv(&f, 0xa0, in.data, in.len);
	rpc_buf_append(&app, f.data, f.len);
	out->len = 0;
	tlv(out, 0x60, app.data, app.len);
	rpc_buf_release(&seq); rpc_buf_release(&f); rpc_buf_release(&t);
	rpc_buf_release(&in); rpc_buf_release(&app);
}

START_TEST(init_parses)
{
	struct rpc_buf mechs = { 0 }, tok = { 0 };
	struct spnego_init in;

	rpc_buf_append(&mechs, ntlm, sizeof(ntlm));
	rpc_buf_append(&mechs, krb5, sizeof(krb5));
	make_init(&tok, &mechs, negotiate, sizeof(negotiate));
	ck_assert(spnego_is_init(tok.data, tok.len));
	ck_assert_int_eq(spnego_init_parse(tok.data, tok.len, &in), 0);
	ck_assert_uint_eq(in.n_mechs, 2);
	ck_assert_int_eq(in.mechs[0], SPNEGO_MECH_NTLM);
	ck_assert_int_eq(in.mechs[1], SPNEGO_MECH_KRB5);
	ck_assert_uint_eq(in.token_len, sizeof(negotiate));
	ck_assert_mem_eq(in.token, negotiate, sizeof(negotiate));
	ck_assert_uint_eq(in.mech_list_len, 2 + mechs.len);  /* SEQUENCE header + OIDs */
	ck_assert_uint_eq(in.mech_list[0], 0x30);
	ck_assert(in.mic == NULL);
	/* every truncation is refused, and so is a trailing byte */
	for (size_t n = 0; n < tok.len; n++)
		ck_assert_int_lt(spnego_init_parse(tok.data, n, &in), 0);
	rpc_buf_append(&tok, "", 1);
	ck_assert_int_eq(spnego_init_parse(tok.data, tok.len, &in), -EBADMSG);
	rpc_buf_release(&mechs);
	rpc_buf_release(&tok);
}
END_TEST

START_TEST(bad_der_refused)
{
	/* [1] SEQUENCE { [0] ENUMERATED 0 } with broken lengths */
	static const uint8_t good[] = { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t indefinite[] = { 0xa1, 0x80, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00, 0, 0 };
	static const uint8_t long_short[] = { 0xa1, 0x81, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t padded[] = { 0xa1, 0x82, 0x00, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t order[] = { 0xa1, 0x0c, 0x30, 0x0a, 0xa2, 0x03, 0x04, 0x01, 0x00,
					 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t twice[] = { 0xa1, 0x0c, 0x30, 0x0a, 0xa0, 0x03, 0x0a, 0x01, 0x00,
					 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t state9[] = { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x09 };
	static const uint8_t highkey[] = { 0xbf, 0x1f, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	struct spnego_resp r;
	struct rpc_buf mechs = { 0 }, tok = { 0 };
	struct spnego_init in;
	int i;

	ck_assert_int_eq(spnego_resp_parse(good, sizeof(good), &r), 0);
	ck_assert_int_eq(r.state, SPNEGO_ACCEPT_COMPLETED);
	ck_assert_int_eq(spnego_resp_parse(indefinite, sizeof(indefinite), &r), -EBADMSG);
	ck_assert_int_eq(spnego_resp_parse(long_short, sizeof(long_short), &r), -EBADMSG);
	ck_assert_int_eq(spnego_resp_parse(padded, sizeof(padded), &r), -EBADMSG);
	ck_assert_int_eq(spnego_resp_parse(order, sizeof(order), &r), -EBADMSG);
	ck_assert_int_eq(spnego_resp_parse(twice, sizeof(twice), &r), -EBADMSG);
	ck_assert_int_eq(spnego_resp_parse(state9, sizeof(state9), &r), -EBADMSG);
	ck_assert_int_eq(spnego_resp_parse(highkey, sizeof(highkey), &r), -EBADMSG);
	for (i = 0; i < SPNEGO_MAX_MECHS + 1; i++)
		rpc_buf_append(&mechs, krb5, sizeof(krb5));
	make_init(&tok, &mechs, NULL, 0);
	ck_assert_int_eq(spnego_init_parse(tok.data, tok.len, &in), -E2BIG);
	rpc_buf_release(&mechs);
	rpc_buf_release(&tok);
}
END_TEST

START_TEST(resp_round_trip)
{
	uint8_t token[300], mic[16];
	struct rpc_buf b = { 0 };
	struct spnego_resp r;

	memset(token, 0xab, sizeof(token));
	memset(mic, 0xcd, sizeof(mic));
	ck_assert_int_eq(spnego_resp_build(&b, SPNEGO_ACCEPT_INCOMPLETE, SPNEGO_MECH_NTLM,
					   token, sizeof(token), mic, sizeof(mic)), 0);
	ck_assert_int_eq(spnego_resp_parse(b.data, b.len, &r), 0);
	ck_assert_int_eq(r.state, SPNEGO_ACCEPT_INCOMPLETE);
	ck_assert(r.has_mech);
	ck_assert_int_eq(r.mech, SPNEGO_MECH_NTLM);
	ck_assert_uint_eq(r.token_len, sizeof(token));
	ck_assert_mem_eq(r.token, token, sizeof(token));
	ck_assert_uint_eq(r.mic_len, sizeof(mic));
	ck_assert_mem_eq(r.mic, mic, sizeof(mic));
	rpc_buf_release(&b);
}
END_TEST

/* A minimal NTLMv2-shaped AUTHENTICATE for user "u" (the stub parent
 * accepts any proof). */
static void make_authenticate(struct rpc_buf *b)
{
	uint8_t m[64 + 2 + 48];
	uint32_t flags = NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | NTLMSSP_NEGOTIATE_SIGN |
			 NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_KEY_EXCH | NTLMSSP_NEGOTIATE_128 |
			 NTLMSSP_NEGOTIATE_UNICODE;

	memset(m, 0, sizeof(m));
	memcpy(m, "NTLMSSP", 8);
	rpc_put_le32(m + 8, 3);
	rpc_put_le16(m + 20, 48); rpc_put_le16(m + 22, 48); rpc_put_le32(m + 24, 66); /* Nt */
	rpc_put_le16(m + 36, 2); rpc_put_le16(m + 38, 2); rpc_put_le32(m + 40, 64);   /* User */
	rpc_put_le32(m + 60, flags);
	m[64] = 'u';
	b->len = 0;
	rpc_buf_append(b, m, sizeof(m));
}

START_TEST(mech_switch_needs_mic)
{
	struct rpc_buf mechs = { 0 }, tok = { 0 }, out = { 0 }, leg = { 0 }, t = { 0 }, s = { 0 };
	struct spnego_resp r;
	struct rpc_auth a;

	log_init(-1, 0, "test");
	rpc_buf_append(&mechs, krb5, sizeof(krb5));
	rpc_buf_append(&mechs, ntlm, sizeof(ntlm));
	make_init(&tok, &mechs, NULL, 0);
	ck_assert_int_eq(rpc_auth_start(&a, RPC_AUTHN_GSS_NEGOTIATE, tok.data, tok.len, &out),
			 RPC_AUTH_CONTINUE);
	ck_assert_int_eq(spnego_resp_parse(out.data, out.len, &r), 0);
	ck_assert_int_eq(r.state, SPNEGO_ACCEPT_INCOMPLETE);
	ck_assert(r.has_mech && r.mech == SPNEGO_MECH_NTLM && r.token == NULL);
	/* next leg: NegTokenResp { responseToken NEGOTIATE } -> CHALLENGE */
	tlv(&t, 0x04, negotiate, sizeof(negotiate));
	tlv(&s, 0xa2, t.data, t.len);
	t.len = 0;
	tlv(&t, 0x30, s.data, s.len);
	tlv(&leg, 0xa1, t.data, t.len);
	out.len = 0;
	ck_assert_int_eq(rpc_auth_next(&a, leg.data, leg.len, &out), RPC_AUTH_CONTINUE);
	ck_assert_int_eq(spnego_resp_parse(out.data, out.len, &r), 0);
	ck_assert(r.token && r.token_len > 8 && r.token[8] == 2);    /* CHALLENGE */
	/* AUTHENTICATE without a mechListMIC: refused */
	make_authenticate(&tok);
	t.len = s.len = leg.len = 0;
	tlv(&t, 0x04, tok.data, tok.len);
	tlv(&s, 0xa2, t.data, t.len);
	t.len = 0;
	tlv(&t, 0x30, s.data, s.len);
	tlv(&leg, 0xa1, t.data, t.len);
	out.len = 0;
	ck_assert_int_eq(rpc_auth_next(&a, leg.data, leg.len, &out), -EACCES);
	ck_assert_int_eq(a.phase, RPC_AUTH_REFUSED);
	ck_assert_int_eq(rpc_auth_next(&a, leg.data, leg.len, &out), -EPROTO);
	/* a list without NTLM: nothing to serve */
	mechs.len = 0;
	rpc_buf_append(&mechs, krb5, sizeof(krb5));
	make_init(&tok, &mechs, NULL, 0);
	ck_assert_int_eq(rpc_auth_start(&a, RPC_AUTHN_GSS_NEGOTIATE, tok.data, tok.len, &out),
			 -EPROTONOSUPPORT);
	rpc_buf_release(&mechs); rpc_buf_release(&tok); rpc_buf_release(&out);
	rpc_buf_release(&leg); rpc_buf_release(&t); rpc_buf_release(&s);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, init_parses);
	tcase_add_test(tc, bad_der_refused);
	tcase_add_test(tc, resp_round_trip);
	tcase_add_test(tc, mech_switch_needs_mic);
	return check_run("spnego", tc);
}
