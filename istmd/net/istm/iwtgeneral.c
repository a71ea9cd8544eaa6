/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iwtgeneral.c: IWTGeneral ([MS-ISTM] 3.52) and IWTGeneral2 (3.54), the
 * feature-management interfaces: server GUID, name, license, snapshot
 * schedule, access check, cluster state.
 *
 * What persists (the schedule) and the server identity belong to the
 * privileged parent; this file asks it through its stubs (proto/ask.h) and never
 * touches the state directory itself.  The name is kept by the parent
 * (svc_session.h SVC_SESSION_{GET,SET}_NAME, a setting in the store, so it
 * survives restarts; default: the host name, as <124> says Windows does).
 * Choices where the spec leaves room:
 * License answers a real LICENSE (not demo, no seat limit) rather than
 * Windows' E_NOTIMPL; AddLicense is E_NOTIMPL; RegisterNotification and
 * UnregisterNotification are in iwtgeneral_notify.c;
 * IsSnapshotsSupported is S_OK (ISnapshotMgr serves snapshots, and the
 * schedule DVSetSnapshotSchedule stores is run by the parent);
 * IsClustered is S_FALSE (no HA cluster support).
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/general.h"

#define ISTM_CLI_PATH "/usr/bin/istmctl"   /* the command-line client (contrib/) */
#define LICENSE_TEXT  "vhdtarget istmd, GPL-2.0-or-later"

uint32_t IWTGeneral_get_Guid(struct dcom_call *c, struct IWTGeneral_get_Guid_out *out)
{
	(void)c;
	memcpy(out->pGuid.b, dcom_cfg.info.server_guid, 16);
	return S_OK;
}

uint32_t IWTGeneral_get_Name(struct dcom_call *c, struct IWTGeneral_get_Name_out *out)
{
	struct svc_name_reply r;
	uint32_t hr;

	hr = ask_general_get_name(&r);
	if (hr != S_OK)
		return hr;
	return ndr_bstr_from_utf8(&c->arena, r.name[0] ? r.name : dcom_cfg.info.host_name,
				  &out->pName) < 0 ? E_OUTOFMEMORY : S_OK;
}

uint32_t IWTGeneral_put_Name(struct dcom_call *c, const struct IWTGeneral_put_Name_in *in)
{
	struct svc_name_req rq;
	char *name;

	if (!in->Name || ndr_bstr_to_utf8(&c->arena, in->Name, &name) < 0)
		return E_INVALIDARG;
	if (name[0] == 0 || strlen(name) >= sizeof(rq.name))
		return E_INVALIDARG;
	memset(&rq, 0, sizeof(rq));
	strcpy(rq.name, name);
	return ask_general_set_name(&rq);
}

uint32_t IWTGeneral_get_License(struct dcom_call *c, struct IWTGeneral_get_License_out *out)
{
	(void)c;
	out->pLicense.bDemo = 0;
	out->pLicense.nNumSeats = 0;   /* no limit */
	ndr_wchar_fixed_set(out->pLicense.LicenseKeys[0], 64, LICENSE_TEXT);
	return S_OK;
}

uint32_t IWTGeneral_get_WTCliPath(struct dcom_call *c, struct IWTGeneral_get_WTCliPath_out *out)
{
	return ndr_bstr_from_utf8(&c->arena, ISTM_CLI_PATH, &out->pWtCliPath) < 0 ?
		E_OUTOFMEMORY : S_OK;
}

/* 3.1.4.2.1 Check Preconditions: the transport only delivers authenticated
 * calls; an anonymous one here would be a transport bug, so refuse it. */
uint32_t IWTGeneral_CheckAccess(struct dcom_call *c)
{
	return c->rpc->user && c->rpc->user[0] ? S_OK : E_ACCESSDENIED;
}

uint32_t IWTGeneral_IsSnapshotsSupported(struct dcom_call *c)
{
	(void)c;
	return S_OK;
}

uint32_t IWTGeneral_DVGetSnapshotSchedule(struct dcom_call *c,
					  const struct IWTGeneral_DVGetSnapshotSchedule_in *in,
					  struct IWTGeneral_DVGetSnapshotSchedule_out *out)
{
	struct priv_schedule reply;
	uint32_t hr;

	(void)c;
	(void)in;
	memset(&reply, 0, sizeof(reply));
	hr = ask_general_get_schedule(&reply) < 0 ? ERROR_NOT_READY : S_OK;
	if (hr != S_OK)
		return hr;
	out->pSchedule.bEveryday = reply.every_day ? 1 : 0;
	out->pSchedule.eDay = (uint16_t)(reply.day <= 6 ? reply.day : 0);
	out->pSchedule.hyStartTime = reply.start_time;
	return S_OK;
}

uint32_t IWTGeneral_DVSetSnapshotSchedule(struct dcom_call *c,
					  const struct IWTGeneral_DVSetSnapshotSchedule_in *in)
{
	struct priv_schedule req;

	(void)c;
	if (in->Schedule.eDay > 6 || in->Schedule.bEveryday > 1)
		return E_INVALIDARG;
	memset(&req, 0, sizeof(req));
	req.every_day = in->Schedule.bEveryday;
	req.day = in->Schedule.eDay;
	req.start_time = in->Schedule.hyStartTime;
	return ask_general_set_schedule(&req) < 0 ? ERROR_NOT_READY : S_OK;
}

uint32_t IWTGeneral2_IsClustered(struct dcom_call *c)
{
	(void)c;
	return S_FALSE;
}
