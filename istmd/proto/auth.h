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
	/* struct svc_krb5_req + token -> struct svc_krb5_reply + token +
	 * exported context; an S_OK reply (the last leg, the client admitted)
	 * marks the child authenticated */
	SVC_AUTH_KRB5_ACCEPT = 51,
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

/* Kerberos ([MS-RPCE] 3.3.1.5.2, GSS_C_DCE_STYLE): the parent is the
 * GSS-API acceptor, with the keytab; the child forwards each token the
 * client sends and gets back the token to answer with.  A context in
 * progress stays in the parent under HANDLE (0 starts one).  When the last
 * leg completes, the parent checks that the client is a user of the users
 * file and hands the child the established context (gss_export_sec_context:
 * the session keys and sequence numbers of this one context, never the
 * keytab) and the user's name; the child imports it to sign and seal. */
#define SVC_KRB5_MAX_TOKEN 12288u    /* an AP-REQ with a PAC stays far below */
#define SVC_KRB5_MAX_CONTEXT 16384u  /* an exported context (keys, seq state) */

enum krb5_result {
	KRB5_CONTINUE = 0,           /* answer with TOKEN, another leg comes */
	KRB5_COMPLETE = 1,           /* established: CONTEXT and USER are set */
	KRB5_UNAVAILABLE = 2,        /* no keytab configured */
	KRB5_REFUSED = 3,            /* the token did not verify (GSS error) */
	KRB5_NOT_ALLOWED = 4,        /* verified, but not a user of ours */
};

struct svc_krb5_req {
	uint32_t handle;             /* 0: a first token; else the reply's handle */
	uint32_t token_len;          /* bytes that follow, <= SVC_KRB5_MAX_TOKEN */
};

struct svc_krb5_reply {
	uint32_t hr;                 /* S_OK when COMPLETE, S_FALSE when CONTINUE,
	                              * E_ACCESSDENIED otherwise */
	uint32_t result;             /* enum krb5_result */
	uint32_t handle;             /* the context in progress (CONTINUE) */
	uint32_t token_len;          /* the token to send, follows this struct */
	uint32_t context_len;        /* the exported context, after the token */
	uint32_t pad;                /* 0 */
	char user[NTLMSSP_MAX_NAME]; /* COMPLETE: the user (name of name@REALM) */
};

/* An account istmd itself authenticates as, a client (the notifier's
 * status notification callbacks, net/rpc/ntlmssp_client.c): the root
 * parent reads the password file and hands the notifier only this, as
 * the first message on its socket (proto/notify.h). */
struct ntlm_creds {
	uint32_t user_len;           /* UTF-16LE bytes of user; 0: no account */
	uint32_t domain_len;         /* UTF-16LE bytes of domain, may be 0 */
	uint8_t user[NTLMSSP_MAX_NAME];   /* UTF-16LE */
	uint8_t domain[NTLMSSP_MAX_NAME]; /* UTF-16LE */
	uint8_t nt_hash[16];         /* MD4 of the UTF-16LE password */
};

#endif /* ISTMD_PROTO_AUTH_H */
