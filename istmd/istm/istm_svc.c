/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* istm_svc.c: how the ISTM interfaces ask the privileged parent for an
 * operation (svc/).  A parent that cannot be asked makes the service "not
 * ready" ([MS-ISTM] 3.1.4.2.1) rather than failing the RPC. */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/proto.h"

uint32_t istm_svc(uint32_t verb, const void *req, size_t len, void *reply, size_t cap,
		  size_t *got)
{
	struct svc_reply_hdr h;
	size_t n = cap;

	if (got)
		*got = 0;
	if (cap < sizeof(h) || priv_call((enum priv_verb)verb, req, len, reply, &n) < 0 ||
	    n < sizeof(h))
		return ERROR_NOT_READY;
	memcpy(&h, reply, sizeof(h));
	if (got)
		*got = n;
	return h.hr;
}

uint32_t istm_svc_hr(uint32_t verb, const void *req, size_t len)
{
	struct svc_reply_hdr h;

	return istm_svc(verb, req, len, &h, sizeof(h), NULL);
}
