/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ask.h: the network child's stubs, one per verb and named after it: verb
 * SVC_X is asked by ask_x() and answered in the parent by answer_x()
 * (parent/svc/answers.h), as OpenSSH pairs mm_x with mm_answer_x.  A stub
 * sends the verb's request struct, checks the reply's length and returns
 * what the caller needs; nothing else in the child builds a request.
 * Implemented in net/priv/ask.c over priv_call() (proto/proto.h).
 *
 * The ISTM verbs' stubs return the operation's HRESULT, and
 * ERROR_NOT_READY when the parent could not be asked or answered with a
 * malformed reply ([MS-ISTM] 3.1.4.2.1: the service is not ready). */
#ifndef ISTMD_PROTO_ASK_H
#define ISTMD_PROTO_ASK_H

#include <stddef.h>
#include <stdint.h>

#include "proto/auth.h"
#include "proto/general.h"

/* --- general.h ------------------------------------------------------------ */
/* The server's identity: asked of the parent once (the verb is VERB_ONCE),
 * then the copy.  0 or a negative errno. */
int ask_general_server_info(struct priv_server_info *out);
/* 0, -EINVAL for values the parent refuses, or the channel's errno. */
int ask_general_set_schedule(const struct priv_schedule *s);
int ask_general_get_schedule(struct priv_schedule *s);
/* HRESULTs; R->name is "" when never set. */
uint32_t ask_general_get_name(struct svc_name_reply *r);
uint32_t ask_general_set_name(const struct svc_name_req *rq);

/* --- auth.h --------------------------------------------------------------- */
struct ntlmssp_auth_msg;             /* rpc/ntlmssp.h: the AUTHENTICATE fields */
/* Forward A's proof and CHALLENGE; *RESULT says whether it held, and
 * SESSION_KEY is the exported key when it did.  0 or a negative errno. */
int ask_auth_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
			 uint8_t session_key[16], enum ntlm_result *result);

#endif /* ISTMD_PROTO_ASK_H */
