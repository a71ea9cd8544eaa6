/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ntlmssp.h: the network child's side of NTLMSSP ([MS-NLMP]): message
 * codecs (ntlmssp_msg.c) and the session's signing and sealing
 * (ntlmssp_sign.c); and the client's side the notifier calls back with
 * (ntlmssp_client.c), over the same signing and sealing.  The NTLMv2 verification runs in the privileged
 * parent, which holds the NT hashes (auth/ntlmv2.c); what the two sides
 * exchange for it is proto/auth.h.  Only NTLMv2 with
 * extended session security is supported; NTLMv1 and LM are refused. */
#ifndef ISTMD_NTLMSSP_H
#define ISTMD_NTLMSSP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <nettle/arcfour.h>

#include "proto/auth.h"
#include "rpc_dispatch.h"

/* [MS-NLMP] 2.2.2.5 NEGOTIATE flags */
#define NTLMSSP_NEGOTIATE_UNICODE      0x00000001u
#define NTLMSSP_NEGOTIATE_OEM          0x00000002u
#define NTLMSSP_REQUEST_TARGET         0x00000004u
#define NTLMSSP_NEGOTIATE_SIGN         0x00000010u
#define NTLMSSP_NEGOTIATE_SEAL         0x00000020u
#define NTLMSSP_NEGOTIATE_LM_KEY       0x00000080u
#define NTLMSSP_NEGOTIATE_NTLM         0x00000200u
#define NTLMSSP_ANONYMOUS              0x00000800u
#define NTLMSSP_NEGOTIATE_ALWAYS_SIGN  0x00008000u
#define NTLMSSP_TARGET_TYPE_DOMAIN     0x00010000u
#define NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY 0x00080000u
#define NTLMSSP_NEGOTIATE_TARGET_INFO  0x00800000u
#define NTLMSSP_NEGOTIATE_VERSION      0x02000000u
#define NTLMSSP_NEGOTIATE_128          0x20000000u
#define NTLMSSP_NEGOTIATE_56           0x80000000u

/* [MS-NLMP] 2.2.2.1 AV_PAIR ids */
#define MSV_AV_EOL               0
#define MSV_AV_NB_COMPUTER_NAME  1
#define MSV_AV_NB_DOMAIN_NAME    2
#define MSV_AV_DNS_COMPUTER_NAME 3
#define MSV_AV_DNS_DOMAIN_NAME   4
#define MSV_AV_FLAGS             6
#define MSV_AV_TIMESTAMP         7
#define MSV_AV_TARGET_NAME       9
#define MSV_AV_CHANNEL_BINDINGS  10
#define MSV_AV_FLAG_MIC          0x2u /* MsvAvFlags: the AUTHENTICATE carries a MIC */

/* [MS-NLMP] 2.2.1.3: the MIC follows the 64-byte fixed part and VERSION */
#define NTLMSSP_MIC_OFFSET       72u
#define NTLMSSP_MIC_LEN          16u

/* Names the CHALLENGE's target info carries (UTF-8, ASCII in practice). */
struct ntlmssp_names {
	const char *nb_computer;     /* MsvAvNbComputerName, e.g. "ISTMSRV" */
	const char *nb_domain;       /* MsvAvNbDomainName, e.g. "WORKGROUP" */
	const char *dns_computer;    /* MsvAvDnsComputerName */
	const char *dns_domain;      /* MsvAvDnsDomainName */
};

/* The fields of an AUTHENTICATE_MESSAGE the server uses (pointers into
 * the message). */
struct ntlmssp_auth_msg {
	uint32_t flags;              /* NegotiateFlags */
	const uint8_t *lm;           /* LmChallengeResponse */
	size_t lm_len;               /* its length */
	const uint8_t *nt;           /* NtChallengeResponse (NTLMv2_RESPONSE) */
	size_t nt_len;               /* its length: > 24 for NTLMv2 */
	const uint8_t *domain;       /* DomainName, UTF-16LE */
	size_t domain_len;           /* bytes */
	const uint8_t *user;         /* UserName, UTF-16LE */
	size_t user_len;             /* bytes */
	const uint8_t *enc_key;      /* EncryptedRandomSessionKey */
	size_t enc_key_len;          /* 0 or 16 */
	size_t payload_start;        /* lowest offset of a non-empty field (or the length) */
};

/* ---- ntlmssp_msg.c */
uint64_t ntlmssp_filetime_now(void); /* now as a FILETIME (MsvAvTimestamp) */
int ntlmssp_negotiate_parse(const uint8_t *msg, size_t len, uint32_t *flags);
uint32_t ntlmssp_challenge_flags(uint32_t client_flags);
int ntlmssp_challenge_build(struct rpc_buf *out, uint32_t flags, const uint8_t challenge[8],
			    const struct ntlmssp_names *names, uint64_t filetime);
int ntlmssp_authenticate_parse(const uint8_t *msg, size_t len, struct ntlmssp_auth_msg *a);
size_t ntlmssp_utf16_to_utf8(const uint8_t *in, size_t in_len, char *out, size_t out_size);
int ntlmssp_utf8_to_utf16(const char *in, struct rpc_buf *out);

/* ---- ntlmssp_mic.c: the AV pairs of a client's NTLMv2 response and the
 * AUTHENTICATE's MIC ([MS-NLMP] 2.2.2.1, 3.1.5.1.2, 3.2.5.1.2). */

/* What an AV pair list says (pointers into it): a CHALLENGE's, or the
 * one a client put in its NTLMv2 response. */
struct ntlmssp_av {
	uint32_t flags;              /* MsvAvFlags, 0 when absent */
	uint64_t timestamp;          /* MsvAvTimestamp, 0 when absent */
	const uint8_t *target_name;  /* MsvAvTargetName, UTF-16LE; NULL when absent */
	size_t target_name_len;      /* bytes */
	const uint8_t *channel_bindings; /* MsvAvChannelBindings (16 bytes) or NULL */
};

/* Walk the AV pairs P..P+LEN up to MsvAvEOL (or the end): 0, or -EBADMSG
 * for a pair past the end, a known pair of the wrong size or given twice,
 * or bytes left over that are not a pair. */
int ntlmssp_av_parse(const uint8_t *p, size_t len, struct ntlmssp_av *av);
/* The same over the pairs of the NTLMv2 response NT (NTProofStr
 * included; the pairs start 44 bytes in). */
int ntlmssp_client_av_parse(const uint8_t *nt, size_t nt_len, struct ntlmssp_av *av);
/* MIC = HMAC_MD5(KEY, NEGOTIATE || CHALLENGE || AUTHENTICATE with its MIC
 * field taken as zero); AUTH_LEN >= NTLMSSP_MIC_OFFSET + NTLMSSP_MIC_LEN. */
void ntlmssp_mic(const uint8_t key[16], const uint8_t *neg, size_t neg_len,
		 const uint8_t *chal, size_t chal_len, const uint8_t *auth, size_t auth_len,
		 uint8_t mic[16]);
#define NTLMSSP_MIC_ABSENT 1         /* ntlmssp_mic_check: MsvAvFlags names no MIC */
/* The server's check of an AUTHENTICATE (AUTH, parsed as M, its response's
 * pairs AV) answering NEG and CHAL, with the exported session KEY: 0 when
 * the MIC matches, NTLMSSP_MIC_ABSENT when MsvAvFlags does not announce
 * one, -EACCES when it differs (a zeroed MIC included), -EBADMSG when the
 * message has no room for it (shorter than 88 bytes, or a field inside
 * it). */
int ntlmssp_mic_check(const uint8_t key[16], const uint8_t *neg, size_t neg_len,
		      const uint8_t *chal, size_t chal_len, const uint8_t *auth, size_t auth_len,
		      const struct ntlmssp_auth_msg *m, const struct ntlmssp_av *av);

/* ---- ntlmssp_client.c: the client's side (the notifier's callbacks), as
 * the account in struct ntlm_creds (proto/auth.h). */
struct ntlmssp_session;

/* What a client uses of a CHALLENGE_MESSAGE (pointers into it). */
struct ntlmssp_challenge_msg {
	uint32_t flags;              /* NegotiateFlags the server chose */
	uint8_t challenge[8];        /* ServerChallenge */
	const uint8_t *msg;          /* the whole message (the MIC covers it) */
	size_t len;                  /* its length */
	const uint8_t *target_info;  /* AV pairs, ending with MsvAvEOL; NULL if none */
	size_t target_info_len;      /* bytes */
	uint64_t timestamp;          /* MsvAvTimestamp, 0 when absent */
};

/* The flags a client offers (NEGOTIATE). */
#define NTLMSSP_CLIENT_FLAGS (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_REQUEST_TARGET | \
			      NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | \
			      NTLMSSP_NEGOTIATE_NTLM | NTLMSSP_NEGOTIATE_ALWAYS_SIGN | \
			      NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY | \
			      NTLMSSP_NEGOTIATE_128 | NTLMSSP_NEGOTIATE_KEY_EXCH | \
			      NTLMSSP_NEGOTIATE_56)

int ntlmssp_negotiate_build(struct rpc_buf *out);
/* Parse a server's CHALLENGE: 0, or -EPROTO for anything malformed (every
 * offset checked, AV pairs walked to their EOL within the field and held
 * to ntlmssp_av_parse's rules: the response copies them). */
int ntlmssp_challenge_parse(const uint8_t *msg, size_t len, struct ntlmssp_challenge_msg *c);
/* AUTHENTICATE for CHALLENGE as CREDS: an NTLMv2 response over the
 * server's AV pairs with CLIENT_CHALLENGE, and (KEY_EXCH) EXPORTED_KEY
 * sent encrypted.  When the CHALLENGE has a timestamp, the response's
 * MsvAvFlags announces a MIC over NEGOTIATE (the bytes we sent, NEG_LEN
 * of them), the CHALLENGE and this message, as Windows clients do.
 * SESSION is set up for the client's direction.
 * -EPROTONOSUPPORT when the server refused extended session security or
 * 128-bit keys; -EINVAL for bad credentials; -ENOMEM. */
int ntlmssp_authenticate_build(struct rpc_buf *out, const struct ntlm_creds *creds,
			       const uint8_t *neg, size_t neg_len,
			       const struct ntlmssp_challenge_msg *chal,
			       const uint8_t client_challenge[8], uint64_t filetime,
			       const uint8_t exported_key[16], struct ntlmssp_session *session);

/* ---- ntlmssp_sign.c
 * One side of an established session.  "in" is what the peer sends us,
 * "out" what we send; a server has in = client-to-server. */
struct ntlmssp_session {
	uint32_t flags;              /* negotiated flags (from AUTHENTICATE) */
	uint8_t sign_in[16];         /* peer's signing key */
	uint8_t sign_out[16];        /* our signing key */
	struct arcfour_ctx seal_in;  /* RC4 state for the peer's direction */
	struct arcfour_ctx seal_out; /* RC4 state for ours */
	uint32_t seq_in;             /* next sequence number expected from the peer */
	uint32_t seq_out;            /* next sequence number we send */
};

void ntlmssp_session_init(struct ntlmssp_session *s, uint32_t flags,
			  const uint8_t exported_key[16], int is_server);
void ntlmssp_seal(struct ntlmssp_session *s, uint8_t *data, size_t len);
void ntlmssp_unseal(struct ntlmssp_session *s, uint8_t *data, size_t len);
void ntlmssp_sign(struct ntlmssp_session *s, const struct iovec *iov, int n,
		  uint8_t sig[16]);
int ntlmssp_check(struct ntlmssp_session *s, const struct iovec *iov, int n,
		  const uint8_t sig[16]);

#endif /* ISTMD_NTLMSSP_H */
