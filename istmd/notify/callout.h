/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* callout.h: the notifier's outbound operations: call IStatusNotify on a
 * client's object as a DCOM client ([MS-DCOM] 3.2.4.1.1: resolve the OXID
 * at the client's resolver, then an ORPC request on the IPID), and ping
 * the client's resolver for the object while it is registered (3.2.6.1). */
#ifndef ISTMD_NOTIFY_CALLOUT_H
#define ISTMD_NOTIFY_CALLOUT_H

#include <stdint.h>

#include "proto/auth.h"
#include "proto/notify.h"

#define NOTIFY_CALL_TIMEOUT_MS 5000u /* per call, resolution included */

/* Run JOB within NOTIFY_CALL_TIMEOUT_MS, as CREDS (NTLM at packet privacy)
 * or, when CREDS is NULL or has no user, unauthenticated: 0 when the client
 * answered S_OK; -EREMOTEIO when it answered another HRESULT or a fault
 * (*STATUS has it, e.g. 5 for a refused account); another negative errno
 * when the call could not be made (-ETIMEDOUT, -ECONNREFUSED, -EPROTO for
 * an answer that is not DCE/RPC, -EACCES for a response that is not
 * sealed or does not check). */
int callout_run(const struct notify_job *job, const struct ntlm_creds *creds, uint32_t *status);

/* Ping REF's object at its resolver within NOTIFY_CALL_TIMEOUT_MS: with
 * *SETID 0, ComplexPing adding REF's OID to a new set (*SETID then names
 * it; *SEQ counts the set's sequence numbers); else SimplePing of *SETID,
 * and a new set when the resolver forgot it.  Errors as callout_run. */
int callout_ping(const struct notify_ref *ref, uint64_t *setid, uint16_t *seq, uint32_t *status);

#endif /* ISTMD_NOTIFY_CALLOUT_H */
