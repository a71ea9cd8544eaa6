/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-ntlmssp.c: NTLMSSP against [MS-NLMP] 4.2 test vectors: the NT
 * hash of "Password" (4.2.2.1.2), NTLMv2 verification and key exchange
 * (4.2.4: User "User", domain "Domain", server "Server", server challenge
 * 0123456789abcdef, client challenge aa..aa, time 0, random session key
 * 55..55), and sealing/signing of "Plaintext" (4.2.4.4); then the server
 * session checks the client's message, refuses a replay and a tampered
 * signature; plus the message codecs, and the client's AUTHENTICATE
 * against the same 4.2.4 vectors (which have no MIC); then the MIC
 * ([MS-NLMP] 3.1.5.1.2, 3.2.5.1.2) between our client and server, and the
 * server's walk of hostile AV pair lists. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nettle/hmac.h>

#include "common/checkrun.h"
#include "common/utf16.h"
#include "auth/ntlmv2.h"
#include "ntlmssp.h"
#include "rpc_int.h"

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2, i;

	for (i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
	return n;
}

/* S as UTF-16LE into OUT (room for two bytes a character); its length. */
static size_t utf16(const char *s, uint8_t *out)
{
	return (size_t)utf8_to_utf16(s, UTF16_LE, out, 2 * strlen(s));
}

static const uint32_t v2_flags = 0xe28a8233u; /* [MS-NLMP] 4.2.4: KEY_EXCH, 128, ESS, SEAL, SIGN, ... */

START_TEST(test_nt_hash)
{
	uint8_t pw[32], h[16], want[16];
	size_t n = utf16("Password", pw);

	unhex("a4f49c406510bdcab6824ee7c30fd852", want);
	ntlm_nt_hash(pw, n, h);
	ck_assert_mem_eq(h, want, 16);
}
END_TEST

/* NTLMv2_RESPONSE of 4.2.4.2.2: NTProofStr || temp, temp = 01 01 00*6,
 * time 0, client challenge, 00*4, ServerName AV pairs (4.2.4.1.1), 00*4. */
static size_t v2_response(uint8_t *out)
{
	static const char hex[] =
		"68cd0ab851e51c96aabc927bebef6a1c"                   /* NTProofStr */
		"0101000000000000" "0000000000000000" "aaaaaaaaaaaaaaaa" "00000000"
		"02000c0044006f006d00610069006e00"                   /* NbDomainName "Domain" */
		"01000c005300650072007600650072000000000000000000";   /* NbComputerName "Server", EOL, 00*4 */
	return unhex(hex, out);
}

START_TEST(test_ntlmv2_verify)
{
	uint8_t pw[32], hash[16], user[16], dom[16], chal[8], resp[128], enc[16], key[16], want[16];
	size_t pwl = utf16("Password", pw), ul = utf16("User", user), dl = utf16("Domain", dom);
	size_t rl = v2_response(resp);
	uint8_t lower[16];

	ntlm_nt_hash(pw, pwl, hash);
	unhex("0123456789abcdef", chal);
	unhex("c5dad2544fc9799094ce1ce90bc9d03e", enc);  /* EncryptedRandomSessionKey */
	memset(want, 0x55, 16);                           /* RandomSessionKey */
	ck_assert_int_eq(ntlmv2_verify(hash, user, ul, dom, dl, chal, resp, rl, v2_flags,
				       enc, 16, key), NTLM_OK);
	ck_assert_mem_eq(key, want, 16);
	/* the user name is case-insensitive */
	utf16("user", lower);
	ck_assert_int_eq(ntlmv2_verify(hash, lower, ul, dom, dl, chal, resp, rl, v2_flags,
				       enc, 16, key), NTLM_OK);
	/* without KEY_EXCH the exported key is the session base key */
	unhex("8de40ccadbc14a82f15cb0ad0de95ca3", want);
	ck_assert_int_eq(ntlmv2_verify(hash, user, ul, dom, dl, chal, resp, rl,
				       v2_flags & ~NTLMSSP_NEGOTIATE_KEY_EXCH, NULL, 0, key), NTLM_OK);
	ck_assert_mem_eq(key, want, 16);
	/* another password, challenge or response: refused */
	hash[0] ^= 1;
	ck_assert_int_eq(ntlmv2_verify(hash, user, ul, dom, dl, chal, resp, rl, v2_flags,
				       enc, 16, key), NTLM_BAD_PROOF);
	hash[0] ^= 1;
	chal[7] ^= 1;
	ck_assert_int_eq(ntlmv2_verify(hash, user, ul, dom, dl, chal, resp, rl, v2_flags,
				       enc, 16, key), NTLM_BAD_PROOF);
	chal[7] ^= 1;
	resp[40] ^= 1;
	ck_assert_int_eq(ntlmv2_verify(hash, user, ul, dom, dl, chal, resp, rl, v2_flags,
				       enc, 16, key), NTLM_BAD_PROOF);
	resp[40] ^= 1;
	/* an NTLMv1 (24-byte) response, an anonymous user, KEY_EXCH without a key */
	ck_assert_int_eq(ntlmv2_verify(hash, user, ul, dom, dl, chal, resp, 24, v2_flags,
				       enc, 16, key), NTLM_REFUSED);
	ck_assert_int_eq(ntlmv2_verify(hash, user, 0, dom, dl, chal, resp, rl, v2_flags,
				       enc, 16, key), NTLM_REFUSED);
	ck_assert_int_eq(ntlmv2_verify(hash, user, ul, dom, dl, chal, resp, rl, v2_flags,
				       NULL, 0, key), NTLM_REFUSED);
}
END_TEST

/* [MS-NLMP] 4.2.4's CHALLENGE (NTLMv2, no timestamp: so no MIC). */
static const char nlmp_424_challenge_hex[] =
	"4e544c4d5353500002000000" "0000000030000000" "33828ae2"
	"0123456789abcdef" "0000000000000000" "24002400" "30000000"
	"02000c0044006f006d00610069006e00"
	"01000c00530065007200760065007200" "00000000";

/* The client's side against the same vectors: a CHALLENGE carrying 4.2.4's
 * flags, server challenge and AV pairs, answered as User/Domain/Password
 * with client challenge aa..aa, time 0 and random session key 55..55, must
 * carry exactly 4.2.4.2.2's NTLMv2 response and 4.2.4.2.3's encrypted
 * session key; a CHALLENGE that lies about its AV pairs is refused. */
START_TEST(test_client_authenticate_vectors)
{
	struct ntlm_creds creds = { 0 };
	struct ntlmssp_challenge_msg chal;
	struct ntlmssp_session sess;
	struct ntlmssp_auth_msg a;
	struct rpc_buf out = { 0 }, neg = { 0 };
	uint8_t msg[128], pw[32], cc[8], key[16], resp[128], enc[16];
	size_t n = unhex(nlmp_424_challenge_hex, msg), rl = v2_response(resp);
	uint32_t flags;

	creds.user_len = (uint32_t)utf16("User", creds.user);
	creds.domain_len = (uint32_t)utf16("Domain", creds.domain);
	ntlm_nt_hash(pw, utf16("Password", pw), creds.nt_hash);
	memset(cc, 0xaa, 8);
	memset(key, 0x55, 16);
	unhex("c5dad2544fc9799094ce1ce90bc9d03e", enc);
	ck_assert_int_eq(ntlmssp_negotiate_build(&neg), 0);
	ck_assert_int_eq(ntlmssp_negotiate_parse(neg.data, neg.len, &flags), 0);
	ck_assert_uint_eq(flags, NTLMSSP_CLIENT_FLAGS);
	rpc_buf_release(&neg);
	ck_assert_int_eq(ntlmssp_challenge_parse(msg, n, &chal), 0);
	ck_assert_uint_eq(chal.flags, v2_flags);
	ck_assert_uint_eq(chal.target_info_len, 36);
	ck_assert_int_eq(ntlmssp_authenticate_build(&out, &creds, NULL, 0, &chal, cc, 0, key, &sess), 0);
	ck_assert_int_eq(ntlmssp_authenticate_parse(out.data, out.len, &a), 0);
	ck_assert_uint_eq(a.nt_len, rl);
	ck_assert_mem_eq(a.nt, resp, rl);
	ck_assert_uint_eq(a.enc_key_len, 16);
	ck_assert_mem_eq(a.enc_key, enc, 16);
	ck_assert_uint_eq(a.flags, v2_flags & NTLMSSP_CLIENT_FLAGS);
	ck_assert_uint_eq(a.user_len, creds.user_len);
	rpc_buf_release(&out);
	/* AV pairs without their EOL; the field past the message; too short */
	msg[40] = 0x20;
	ck_assert_int_eq(ntlmssp_challenge_parse(msg, n, &chal), -EPROTO);
	msg[40] = 0x24;
	ck_assert_int_eq(ntlmssp_challenge_parse(msg, n - 4, &chal), -EPROTO);
	ck_assert_int_eq(ntlmssp_challenge_parse(msg, 47, &chal), -EPROTO);
	/* pairs our response would copy and our server refuse: a second
	 * NbDomainName is fine, a second MsvAvTimestamp or channel bindings of
	 * 18 bytes are not (what the ntlmssp-client fuzzer found) */
	{
		static const char ts2_hex[] =
			"4e544c4d5353500002000000" "0000000030000000" "33828ae2"
			"0123456789abcdef" "0000000000000000" "28002800" "30000000"
			"07000800" "0100000000000000" "07000800" "0200000000000000"
			"0a001200" "000000000000000000000000000000000000" "00000000";
		uint8_t bad[128];
		size_t bn = unhex(ts2_hex, bad);

		rpc_put_le16(bad + 40, (uint16_t)(bn - 48));
		rpc_put_le16(bad + 42, (uint16_t)(bn - 48));
		ck_assert_int_eq(ntlmssp_challenge_parse(bad, bn, &chal), -EPROTO);
		/* without the second timestamp: the 18-byte bindings still refused */
		memmove(bad + 60, bad + 72, bn - 72);
		bn -= 12;
		rpc_put_le16(bad + 40, (uint16_t)(bn - 48));
		rpc_put_le16(bad + 42, (uint16_t)(bn - 48));
		ck_assert_int_eq(ntlmssp_challenge_parse(bad, bn, &chal), -EPROTO);
		/* and without those, the one timestamp is read */
		memcpy(bad + 60, "\0\0\0\0", 4);
		bn = 64;
		rpc_put_le16(bad + 40, 16);
		rpc_put_le16(bad + 42, 16);
		ck_assert_int_eq(ntlmssp_challenge_parse(bad, bn, &chal), 0);
		ck_assert_uint_eq(chal.timestamp, 1);
	}
	/* without extended session security the client will not answer */
	ck_assert_int_eq(ntlmssp_challenge_parse(msg, n, &chal), 0);
	chal.flags &= ~NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY;
	ck_assert_int_eq(ntlmssp_authenticate_build(&out, &creds, NULL, 0, &chal, cc, 0, key, &sess),
			 -EPROTONOSUPPORT);
	rpc_buf_release(&out);
}
END_TEST

/* An NTLMv2 response whose AV pairs are PAIRS (hex), after the fixed
 * 44 bytes (proof and blob header, zero here: the parser does not look). */
static size_t av_response(const char *pairs, uint8_t *out)
{
	memset(out, 0, 44);
	return 44 + unhex(pairs, out + 44);
}

/* The server's walk of a client's pairs: what it acts on, and hostile
 * lists refused (lengths, duplicates, cut-off pairs). */
START_TEST(test_client_av_parse)
{
	struct ntlmssp_av av;
	uint8_t r[256];
	size_t n;

	/* no pairs at all (older clients), and only an EOL */
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("", r), &av), 0);
	ck_assert_uint_eq(av.flags, 0);
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("00000000", r), &av), 0);
	/* names, flags 2, timestamp, target name, channel bindings, EOL, Z(4) */
	n = av_response("02000400440030000600040002000000"
			"07000800" "0102030405060708"
			"09000400" "6800730010000000" /* "hs" (4 bytes), then bindings */
			"00000000000000000000000000000000" "00000000" "00000000", r);
	rpc_put_le16(r + 44 + 36 + 2, 16);               /* MsvAvChannelBindings, 16 */
	rpc_put_le16(r + 44 + 36, MSV_AV_CHANNEL_BINDINGS);
	ck_assert_int_eq(ntlmssp_client_av_parse(r, n, &av), 0);
	ck_assert_uint_eq(av.flags, MSV_AV_FLAG_MIC);
	ck_assert_uint_eq(av.timestamp, 0x0807060504030201ull);
	ck_assert_uint_eq(av.target_name_len, 4);
	ck_assert_ptr_nonnull(av.channel_bindings);
	/* a pair after the EOL is not read */
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("000000000600040002000000", r),
						 &av), 0);
	ck_assert_uint_eq(av.flags, 0);
	/* MsvAvFlags twice, or of 2 bytes; a timestamp of 4 */
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response(
		"06000400020000000600040000000000" "00000000", r), &av), -EBADMSG);
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("060002000200" "00000000", r),
						 &av), -EBADMSG);
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("0700040001020304" "00000000", r),
						 &av), -EBADMSG);
	/* an odd target name; bindings of 15 bytes */
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("09000300616263" "00000000", r),
						 &av), -EBADMSG);
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response(
		"0a000f00000000000000000000000000000000" "00000000", r), &av), -EBADMSG);
	/* a pair longer than what is left; two stray bytes; too short a response */
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("01000800aabb", r), &av), -EBADMSG);
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("0100", r), &av), -EBADMSG);
	ck_assert_int_eq(ntlmssp_client_av_parse(r, 43, &av), -EBADMSG);
	/* without an EOL, complete pairs are still read */
	ck_assert_int_eq(ntlmssp_client_av_parse(r, av_response("0600040002000000", r), &av), 0);
	ck_assert_uint_eq(av.flags, MSV_AV_FLAG_MIC);
}
END_TEST

/* The three messages as our client and server exchange them: a CHALLENGE
 * with a timestamp gets an AUTHENTICATE with a MIC, which the server's
 * check accepts with the exported key the parent's verification yields;
 * it is refused when any of the three messages changed in flight. */
struct mic_run {
	struct rpc_buf neg, chal, auth;
	struct ntlmssp_auth_msg a;
	struct ntlmssp_av av;
	uint8_t key[16];                 /* exported session key, as the server gets it */
};

static void mic_exchange(struct mic_run *r, uint32_t drop_flags)
{
	static const struct ntlmssp_names names = { "ISTMD", "WORKGROUP", "istmd", "" };
	static const uint8_t server_chal[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
	struct ntlm_creds creds = { 0 };
	struct ntlmssp_challenge_msg chal;
	struct ntlmssp_session sess;
	uint8_t pw[32], cc[8], random_key[16];
	uint32_t flags;

	memset(r, 0, sizeof(*r));
	creds.user_len = (uint32_t)utf16("alice", creds.user);
	creds.domain_len = (uint32_t)utf16("WORKGROUP", creds.domain);
	ntlm_nt_hash(pw, utf16("Passw0rd!", pw), creds.nt_hash);
	memset(cc, 0x3a, 8);
	memset(random_key, 0x5c, 16);
	ck_assert_int_eq(ntlmssp_negotiate_build(&r->neg), 0);
	ck_assert_int_eq(ntlmssp_negotiate_parse(r->neg.data, r->neg.len, &flags), 0);
	ck_assert_int_eq(ntlmssp_challenge_build(&r->chal, ntlmssp_challenge_flags(flags) & ~drop_flags,
						 server_chal, &names, 0x01dc000000000000ull), 0);
	ck_assert_int_eq(ntlmssp_challenge_parse(r->chal.data, r->chal.len, &chal), 0);
	ck_assert_uint_eq(chal.timestamp, 0x01dc000000000000ull);
	ck_assert_int_eq(ntlmssp_authenticate_build(&r->auth, &creds, r->neg.data, r->neg.len,
						    &chal, cc, 0, random_key, &sess), 0);
	ck_assert_int_eq(ntlmssp_authenticate_parse(r->auth.data, r->auth.len, &r->a), 0);
	ck_assert_int_eq(ntlmv2_verify(creds.nt_hash, r->a.user, r->a.user_len, r->a.domain,
				       r->a.domain_len, server_chal, r->a.nt, r->a.nt_len,
				       r->a.flags, r->a.enc_key, r->a.enc_key_len, r->key), NTLM_OK);
	ck_assert_int_eq(ntlmssp_client_av_parse(r->a.nt, r->a.nt_len, &r->av), 0);
}

static int mic_check(struct mic_run *r)
{
	return ntlmssp_mic_check(r->key, r->neg.data, r->neg.len, r->chal.data, r->chal.len,
				 r->auth.data, r->auth.len, &r->a, &r->av);
}

static void mic_release(struct mic_run *r)
{
	rpc_buf_release(&r->neg);
	rpc_buf_release(&r->chal);
	rpc_buf_release(&r->auth);
}

START_TEST(test_mic_round_trip)
{
	struct mic_run r;
	uint8_t want[16];
	struct hmac_md5_ctx h;
	static const uint8_t zero[16];

	mic_exchange(&r, 0);
	ck_assert_uint_eq(r.av.flags, MSV_AV_FLAG_MIC);
	ck_assert_uint_eq(r.av.timestamp, 0x01dc000000000000ull);
	ck_assert_uint_eq(r.a.payload_start, NTLMSSP_MIC_OFFSET + NTLMSSP_MIC_LEN);
	ck_assert_mem_eq(r.auth.data + 64, zero, 8);     /* VERSION: not negotiated, zero */
	ck_assert_int_eq(mic_check(&r), 0);
	/* the MIC is HMAC_MD5(key, NEGOTIATE || CHALLENGE || AUTHENTICATE
	 * with a zero MIC), spelled out once more by hand */
	hmac_md5_set_key(&h, 16, r.key);
	hmac_md5_update(&h, r.neg.len, r.neg.data);
	hmac_md5_update(&h, r.chal.len, r.chal.data);
	hmac_md5_update(&h, 72, r.auth.data);
	hmac_md5_update(&h, 16, zero);
	hmac_md5_update(&h, r.auth.len - 88, r.auth.data + 88);
	hmac_md5_digest(&h, 16, want);
	ck_assert_mem_eq(r.auth.data + 72, want, 16);
	/* one bit of the MIC; a zeroed MIC (MsvAvFlags still says present) */
	r.auth.data[72 + 9] ^= 0x10;
	ck_assert_int_eq(mic_check(&r), -EACCES);
	memset(r.auth.data + 72, 0, 16);
	ck_assert_int_eq(mic_check(&r), -EACCES);
	memcpy(r.auth.data + 72, want, 16);
	/* a NEGOTIATE flag dropped in flight (sealing), a CHALLENGE flag, the
	 * AUTHENTICATE's own flags */
	r.neg.data[12] ^= NTLMSSP_NEGOTIATE_SEAL;
	ck_assert_int_eq(mic_check(&r), -EACCES);
	r.neg.data[12] ^= NTLMSSP_NEGOTIATE_SEAL;
	r.chal.data[20] ^= NTLMSSP_NEGOTIATE_SEAL;
	ck_assert_int_eq(mic_check(&r), -EACCES);
	r.chal.data[20] ^= NTLMSSP_NEGOTIATE_SEAL;
	r.auth.data[60] ^= NTLMSSP_NEGOTIATE_SEAL;
	ck_assert_int_eq(mic_check(&r), -EACCES);
	r.auth.data[60] ^= NTLMSSP_NEGOTIATE_SEAL;
	/* another exported key (as a wrong EncryptedRandomSessionKey gives) */
	r.key[0] ^= 1;
	ck_assert_int_eq(mic_check(&r), -EACCES);
	r.key[0] ^= 1;
	ck_assert_int_eq(mic_check(&r), 0);
	/* a field overlapping the MIC: no room for it */
	r.a.payload_start = 80;
	ck_assert_int_eq(mic_check(&r), -EBADMSG);
	r.a.payload_start = 88;
	ck_assert_int_eq(mic_check(&r), 0);
	ck_assert_int_eq(ntlmssp_mic_check(r.key, r.neg.data, r.neg.len, r.chal.data, r.chal.len,
					   r.auth.data, 87, &r.a, &r.av), -EBADMSG);
	mic_release(&r);

	/* without key exchange the MIC is keyed with the session base key */
	mic_exchange(&r, NTLMSSP_NEGOTIATE_KEY_EXCH);
	ck_assert_uint_eq(r.a.enc_key_len, 0);
	ck_assert_int_eq(mic_check(&r), 0);
	mic_release(&r);
}
END_TEST

/* No timestamp in the CHALLENGE (4.2.4's): no MIC, and the server's
 * check reports it absent. */
START_TEST(test_mic_absent)
{
	struct ntlm_creds creds = { 0 };
	struct ntlmssp_challenge_msg chal;
	struct ntlmssp_session sess;
	struct ntlmssp_auth_msg a;
	struct ntlmssp_av av;
	struct rpc_buf out = { 0 }, neg = { 0 };
	uint8_t msg[128], pw[32], cc[8], key[16];
	size_t n = unhex(nlmp_424_challenge_hex, msg);

	creds.user_len = (uint32_t)utf16("User", creds.user);
	ntlm_nt_hash(pw, utf16("Password", pw), creds.nt_hash);
	memset(cc, 0xaa, 8);
	memset(key, 0x55, 16);
	ck_assert_int_eq(ntlmssp_negotiate_build(&neg), 0);
	ck_assert_int_eq(ntlmssp_challenge_parse(msg, n, &chal), 0);
	ck_assert_int_eq(ntlmssp_authenticate_build(&out, &creds, neg.data, neg.len, &chal, cc, 0,
						    key, &sess), 0);
	ck_assert_int_eq(ntlmssp_authenticate_parse(out.data, out.len, &a), 0);
	ck_assert_uint_eq(a.payload_start, 64);
	ck_assert_int_eq(ntlmssp_client_av_parse(a.nt, a.nt_len, &av), 0);
	ck_assert_uint_eq(av.flags, 0);
	ck_assert_int_eq(ntlmssp_mic_check(key, neg.data, neg.len, msg, n, out.data, out.len, &a,
					   &av), NTLMSSP_MIC_ABSENT);
	rpc_buf_release(&out);
	rpc_buf_release(&neg);
}
END_TEST

START_TEST(test_seal_sign_vectors)
{
	struct ntlmssp_session client, server;
	uint8_t key[16], msg[18], sealed[18], sig[16], want_sealed[18], want_sig[16], copy[18];
	size_t n = utf16("Plaintext", msg);
	struct iovec iov;

	memset(key, 0x55, 16);
	ntlmssp_session_init(&client, v2_flags, key, 0);
	ntlmssp_session_init(&server, v2_flags, key, 1);
	unhex("4788dc861b4782f35d43fd98fe1a2d39", want_sig); /* client signing key */
	ck_assert_mem_eq(client.sign_out, want_sig, 16);
	ck_assert_mem_eq(server.sign_in, want_sig, 16);
	/* client: seal then sign, as [MS-NLMP] 4.2.4.4 */
	memcpy(sealed, msg, n);
	ntlmssp_seal(&client, sealed, n);
	iov = (struct iovec){ msg, n };
	ntlmssp_sign(&client, &iov, 1, sig);
	unhex("54e50165bf1936dc996020c1811b0f06fb5f", want_sealed);
	unhex("010000007fb38ec5c55d497600000000", want_sig);
	ck_assert_mem_eq(sealed, want_sealed, n);
	ck_assert_mem_eq(sig, want_sig, 16);
	/* server: unseal then check */
	memcpy(copy, sealed, n);
	ntlmssp_unseal(&server, copy, n);
	ck_assert_mem_eq(copy, msg, n);
	iov = (struct iovec){ copy, n };
	ck_assert_int_eq(ntlmssp_check(&server, &iov, 1, sig), 0);
	ck_assert_uint_eq(server.seq_in, 1);
	/* the same message again (a replay) has the wrong sequence number */
	ck_assert_int_eq(ntlmssp_check(&server, &iov, 1, sig), -EBADMSG);
}
END_TEST

START_TEST(test_sign_directions)
{
	struct ntlmssp_session client, server;
	uint8_t key[16], msg[40], sig[16];
	struct iovec iov = { msg, sizeof(msg) };
	int i;

	memset(key, 0x11, 16);
	memset(msg, 0x42, sizeof(msg));
	ntlmssp_session_init(&client, v2_flags, key, 0);
	ntlmssp_session_init(&server, v2_flags, key, 1);
	/* server to client, several messages: the client verifies each in order */
	for (i = 0; i < 3; i++) {
		ntlmssp_sign(&server, &iov, 1, sig);
		ck_assert_uint_eq(rpc_le32(sig + 12), (uint32_t)i);
		ck_assert_int_eq(ntlmssp_check(&client, &iov, 1, sig), 0);
	}
	/* a tampered signature is refused */
	ntlmssp_sign(&client, &iov, 1, sig);
	sig[5] ^= 0x80;
	ck_assert_int_eq(ntlmssp_check(&server, &iov, 1, sig), -EBADMSG);
	/* integrity only (no KEY_EXCH): checksum in clear */
	ntlmssp_session_init(&client, v2_flags & ~NTLMSSP_NEGOTIATE_KEY_EXCH, key, 0);
	ntlmssp_session_init(&server, v2_flags & ~NTLMSSP_NEGOTIATE_KEY_EXCH, key, 1);
	ntlmssp_sign(&client, &iov, 1, sig);
	ck_assert_int_eq(ntlmssp_check(&server, &iov, 1, sig), 0);
}
END_TEST

START_TEST(test_challenge_and_authenticate)
{
	static const struct ntlmssp_names names = { "SERVER", "DOMAIN", "server.example", "example" };
	struct rpc_buf b = { 0 };
	uint8_t chal[8] = { 1, 2, 3, 4, 5, 6, 7, 8 }, msg[200];
	struct ntlmssp_auth_msg a;
	uint32_t f = ntlmssp_challenge_flags(0xe0888235u);
	size_t ti_off, ti_len, i;
	int seen_nb = 0, seen_ts = 0;
	char out[64];

	ck_assert(f & NTLMSSP_NEGOTIATE_KEY_EXCH);
	ck_assert(f & NTLMSSP_NEGOTIATE_SEAL);
	ck_assert(f & NTLMSSP_NEGOTIATE_TARGET_INFO);
	ck_assert_int_eq(ntlmssp_challenge_build(&b, f, chal, &names, 0x01d0000000000000ull), 0);
	ck_assert_mem_eq(b.data, "NTLMSSP\0\2\0\0\0", 12);
	ck_assert_uint_eq(rpc_le32(b.data + 20), f);
	ck_assert_mem_eq(b.data + 24, chal, 8);
	ti_len = rpc_le16(b.data + 40);
	ti_off = rpc_le32(b.data + 44);
	ck_assert_uint_eq(ti_off + ti_len, b.len);
	for (i = ti_off; i + 4 <= b.len;) {
		uint16_t id = rpc_le16(b.data + i), len = rpc_le16(b.data + i + 2);
		if (id == MSV_AV_NB_COMPUTER_NAME) {
			ntlmssp_utf16_to_utf8(b.data + i + 4, len, out, sizeof(out));
			ck_assert_str_eq(out, "SERVER");
			seen_nb = 1;
		}
		if (id == MSV_AV_TIMESTAMP)
			seen_ts = len == 8;
		if (id == MSV_AV_EOL)
			break;
		i += 4u + len;
	}
	ck_assert(seen_nb && seen_ts);
	rpc_buf_release(&b);

	/* AUTHENTICATE with fields pointing into the payload, then broken ones */
	memset(msg, 0, sizeof(msg));
	memcpy(msg, "NTLMSSP\0\3\0\0\0", 12);
	rpc_put_le16(msg + 20, 50); rpc_put_le32(msg + 24, 64);   /* NT response */
	rpc_put_le16(msg + 36, 10); rpc_put_le32(msg + 40, 114);  /* user */
	rpc_put_le16(msg + 52, 16); rpc_put_le32(msg + 56, 124);  /* session key */
	rpc_put_le32(msg + 60, 0xe0888235u);
	utf16("alice", msg + 114);
	ck_assert_int_eq(ntlmssp_authenticate_parse(msg, 140, &a), 0);
	ck_assert_uint_eq(a.nt_len, 50);
	ck_assert_uint_eq(a.user_len, 10);
	ck_assert_uint_eq(a.enc_key_len, 16);
	ck_assert_uint_eq(a.flags, 0xe0888235u);
	ntlmssp_utf16_to_utf8(a.user, a.user_len, out, sizeof(out));
	ck_assert_str_eq(out, "alice");
	ck_assert_int_eq(ntlmssp_authenticate_parse(msg, 139, &a), -EPROTO); /* key past the end */
	rpc_put_le32(msg + 40, 0xfffffff0u);
	ck_assert_int_eq(ntlmssp_authenticate_parse(msg, 140, &a), -EPROTO); /* offset overflow */
	rpc_put_le32(msg + 40, 114);
	rpc_put_le16(msg + 36, 9);
	ck_assert_int_eq(ntlmssp_authenticate_parse(msg, 140, &a), -EPROTO); /* odd UTF-16 */
	msg[8] = 2;
	ck_assert_int_eq(ntlmssp_authenticate_parse(msg, 140, &a), -EPROTO); /* wrong type */
}
END_TEST

START_TEST(test_utf)
{
	struct rpc_buf b = { 0 };
	char out[32];

	ck_assert_int_eq(ntlmssp_utf8_to_utf16("P\xc3\xa4\xf0\x9f\x98\x80", &b), 0);
	ck_assert_uint_eq(b.len, 8); /* P, a-umlaut, surrogate pair */
	ck_assert_uint_eq(rpc_le16(b.data + 4), 0xd83d);
	ntlmssp_utf16_to_utf8(b.data, b.len, out, sizeof(out));
	ck_assert_str_eq(out, "P\xc3\xa4\xf0\x9f\x98\x80");
	b.len = 0;
	ck_assert_int_eq(ntlmssp_utf8_to_utf16("\xc0\x80", &b), -EILSEQ); /* overlong */
	ck_assert_int_eq(ntlmssp_utf8_to_utf16("\xed\xa0\x80", &b), -EILSEQ); /* surrogate */
	rpc_buf_release(&b);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("ms-nlmp-4.2");

	tcase_add_test(tc, test_nt_hash);
	tcase_add_test(tc, test_ntlmv2_verify);
	tcase_add_test(tc, test_client_authenticate_vectors);
	tcase_add_test(tc, test_seal_sign_vectors);
	tcase_add_test(tc, test_sign_directions);
	tcase_add_test(tc, test_challenge_and_authenticate);
	tcase_add_test(tc, test_utf);
	tcase_add_test(tc, test_client_av_parse);
	tcase_add_test(tc, test_mic_round_trip);
	tcase_add_test(tc, test_mic_absent);
	return check_run("ntlmssp", tc);
}
