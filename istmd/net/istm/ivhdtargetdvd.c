/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ivhdtargetdvd.c: IVhdtargetDvd (idl/vhdtarget.idl), the project's own
 * interface for the medium of a virtual DVD, answered by IWTDiskMgr
 * objects beside IWTDiskMgr4.  [MS-ISTM] has no removable media, so this
 * is istmctl's path to eject and insert; the parent does the work
 * (parent/svc/svc_dvd.c, verb SVC_DVD_MEDIUM) and answers the state after
 * it, which this turns into the [out] values.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/dvd.h"

uint32_t IVhdtargetDvd_Medium(struct dcom_call *c, const struct IVhdtargetDvd_Medium_in *in,
			      struct IVhdtargetDvd_Medium_out *out)
{
	struct svc_dvd_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	struct svc_dvd_reply *rp = ndr_arena_zalloc(&c->arena, sizeof(*rp));
	char *path = NULL;
	uint32_t hr;

	out->plPresent = 0;
	out->pbstrImagePath = NULL;
	if (!rq || !rp)
		return E_OUTOFMEMORY;
	if (in->lOperation > SVC_DVD_INSERT)
		return E_INVALIDARG;
	rq->wtd = in->ulWTD == 0xffffffffu ? -1 : (int64_t)in->ulWTD;
	rq->op = in->lOperation;
	if (rq->op == SVC_DVD_INSERT) {
		if (!in->bstrImagePath || ndr_bstr_to_utf8(&c->arena, in->bstrImagePath, &path) < 0 ||
		    !path || !path[0] || strlen(path) >= sizeof(rq->path))
			return E_INVALIDARG;
		memcpy(rq->path, path, strlen(path) + 1);
	}
	hr = ask_dvd_medium(rq, rp);
	if (hr != S_OK)
		return hr;
	out->plPresent = rp->present;
	return ndr_bstr_from_utf8(&c->arena, rp->path, &out->pbstrImagePath) < 0 ? E_OUTOFMEMORY
		: S_OK;
}
