/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* auth.h: the verbs that prove who a client is (verbs 50..99).  The network
 * child never holds a secret: it forwards what the client sent and the
 * challenge it issued, and the parent (auth/) looks the user up, verifies
 * the proof and answers with the session key alone, as OpenSSH's monitor
 * answers its pre-authentication child.  A compromised child can ask the
 * parent to check guesses, which the network can do anyway; it cannot
 * read the users file.  The [MS-NLMP] limits and the one flag both sides
 * read are declared here, once. */
#ifndef ISTMD_PROTO_AUTH_H
#define ISTMD_PROTO_AUTH_H

#include <stdint.h>

enum svc_auth_verb {
	SVC_AUTH_FIRST = 50,            /* verbs 50..99 */
	/* struct svc_ntlm_req + its variable part -> struct svc_ntlm_reply;
	 * a success marks the child authenticated (SVC_VERB_AUTHENTICATES) */
	SVC_AUTH_NTLM_VERIFY = 50,
};

#define NTLMSSP_NEGOTIATE_KEY_EXCH 0x40000000u /* [MS-NLMP] 2.2.2.5 */
#define NTLMSSP_MAX_NAME 256         /* bytes of UTF-16LE in user and domain names */
#define NTLMSSP_MAX_NT_RESPONSE 4096 /* NTLMv2 response incl. client AV pairs */

/* Outcome of an NTLMv2 verification. */
enum ntlm_result {
	NTLM_OK = 0,                 /* proof matched: session key valid */
	NTLM_UNKNOWN_USER = 1,       /* no such user */
	NTLM_BAD_PROOF = 2,          /* wrong password or tampered response */
	NTLM_REFUSED = 3,            /* NTLMv1/LM, anonymous, missing key exchange */
};

/* SVC_AUTH_NTLM_VERIFY request: this, then user, domain, NT response and
 * encrypted session key bytes, exactly as long as the lengths say (the
 * parent checks the sum against the message length). */
struct svc_ntlm_req {
	uint8_t challenge[8];        /* the ServerChallenge the child sent */
	uint32_t flags;              /* AUTHENTICATE NegotiateFlags */
	uint16_t user_len;           /* UTF-16LE bytes, <= NTLMSSP_MAX_NAME */
	uint16_t domain_len;         /* UTF-16LE bytes, <= NTLMSSP_MAX_NAME */
	uint16_t nt_len;             /* <= NTLMSSP_MAX_NT_RESPONSE */
	uint16_t enc_key_len;        /* 0 or 16 */
};
#define SVC_NTLM_REQ_MAX (sizeof(struct svc_ntlm_req) + 2 * NTLMSSP_MAX_NAME + \
			  NTLMSSP_MAX_NT_RESPONSE + 16)

struct svc_ntlm_reply {
	uint32_t hr;                 /* struct svc_reply_hdr: S_OK, or E_ACCESSDENIED */
	uint32_t result;             /* enum ntlm_result */
	uint8_t session_key[16];     /* exported session key when NTLM_OK */
};

#endif /* ISTMD_PROTO_AUTH_H */
