/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* callout.h: the notifier's one outbound operation: call IStatusNotify on
 * a client's object as a DCOM client ([MS-DCOM] 3.2.4.1.1: resolve the
 * OXID at the client's resolver, then an ORPC request on the IPID). */
#ifndef ISTMD_NOTIFY_CALLOUT_H
#define ISTMD_NOTIFY_CALLOUT_H

#include <stdint.h>

#include "proto/notify.h"

#define NOTIFY_CALL_TIMEOUT_MS 5000u /* per call, resolution included */

/* Run JOB within NOTIFY_CALL_TIMEOUT_MS: 0 when the client answered S_OK;
 * -EREMOTEIO when it answered another HRESULT or a fault (*STATUS has it);
 * another negative errno when the call could not be made (-ETIMEDOUT,
 * -ECONNREFUSED, -EPROTO for an answer that is not DCE/RPC). */
int callout_run(const struct notify_job *job, uint32_t *status);

#endif /* ISTMD_NOTIFY_CALLOUT_H */
