/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* spnego.h: the SPNEGO token codec ([RFC 4178] 4.2, [MS-SPNG] 2.2) the
 * network child runs for DCE/RPC authentication type 9 (Negotiate):
 * NegTokenInit inside the GSS-API InitialContextToken from the client,
 * NegTokenResp both ways.  DER only, definite lengths, every length checked
 * against what is left; the parsed fields point into the caller's bytes.
 * Trade-off: a hand-written reader for the few types SPNEGO uses rather than
 * a general ASN.1 library in the process that faces the network. */
#ifndef ISTMD_SPNEGO_H
#define ISTMD_SPNEGO_H

#include <stddef.h>
#include <stdint.h>

#include "rpc_dispatch.h"

#define SPNEGO_MAX_MECHS 16      /* MechTypes in one NegTokenInit */

enum spnego_mech {
	SPNEGO_MECH_OTHER = 0,       /* an OID we do not implement */
	SPNEGO_MECH_NTLM,            /* 1.3.6.1.4.1.311.2.2.10 */
	SPNEGO_MECH_KRB5,            /* 1.2.840.113554.1.2.2 */
	SPNEGO_MECH_MS_KRB5,         /* 1.2.840.48018.1.2.2 (Windows' alias) */
};

/* negState ([RFC 4178] 4.2.2) */
enum spnego_state {
	SPNEGO_ACCEPT_COMPLETED = 0,
	SPNEGO_ACCEPT_INCOMPLETE = 1,
	SPNEGO_REJECT = 2,
	SPNEGO_REQUEST_MIC = 3,
	SPNEGO_STATE_ABSENT = -1,    /* not in the token */
};

struct spnego_init {
	unsigned n_mechs;            /* entries in mechs[] */
	enum spnego_mech mechs[SPNEGO_MAX_MECHS]; /* client's preference order */
	const uint8_t *mech_list;    /* DER of the MechTypeList SEQUENCE: what mechListMIC covers */
	size_t mech_list_len;
	const uint8_t *token;        /* optimistic mechToken for mechs[0], or NULL */
	size_t token_len;
	const uint8_t *mic;          /* mechListMIC, or NULL */
	size_t mic_len;
};

struct spnego_resp {
	int state;                   /* enum spnego_state */
	int has_mech;                /* supportedMech present */
	enum spnego_mech mech;       /* supportedMech */
	const uint8_t *token;        /* responseToken, or NULL */
	size_t token_len;
	const uint8_t *mic;          /* mechListMIC, or NULL */
	size_t mic_len;
};

/* 1 when P starts like an InitialContextToken for SPNEGO, else 0. */
int spnego_is_init(const uint8_t *p, size_t len);
/* Parse the client's first token (GSS InitialContextToken holding a
 * NegTokenInit).  0, or -EBADMSG (malformed, trailing bytes, not SPNEGO),
 * -E2BIG (more than SPNEGO_MAX_MECHS mechanisms). */
int spnego_init_parse(const uint8_t *p, size_t len, struct spnego_init *out);
/* Parse a NegTokenResp ([1] choice of NegotiationToken).  0 or -EBADMSG. */
int spnego_resp_parse(const uint8_t *p, size_t len, struct spnego_resp *out);
/* Append a NegTokenResp: negState STATE, supportedMech MECH unless
 * SPNEGO_MECH_OTHER, responseToken and mechListMIC when given.  0 or -ENOMEM. */
int spnego_resp_build(struct rpc_buf *out, enum spnego_state state, enum spnego_mech mech,
		      const uint8_t *token, size_t token_len,
		      const uint8_t *mic, size_t mic_len);

#endif /* ISTMD_SPNEGO_H */
