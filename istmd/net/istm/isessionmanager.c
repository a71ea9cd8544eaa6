/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* isessionmanager.c: ISessionManager ([MS-ISTM] 3.34) and ISessionManager2
 * (3.35): the iSCSI sessions and connections tgtd has, read through the
 * parent (svc/svc_session.c) at every call.
 *
 * HRESULTs: a TSIH of 0 is E_INVALIDARG and a TSIH or CID tgtd does not
 * have is ERROR_FILE_NOT_FOUND, as 3.35.4.2-4 list; tgtd not answering is
 * ERROR_NOT_READY.  No method here ends a session (ISTM has none).
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/session.h"

uint32_t ISessionManager_EnumSessions(struct dcom_call *c,
				      struct ISessionManager_EnumSessions_out *out)
{
	return istm_enum_new(c, &istm_enum_sessions, -1, 0, NULL, &out->ppEnumSession);
}

uint32_t ISessionManager2_EnumSessions2(struct dcom_call *c,
					struct ISessionManager2_EnumSessions2_out *out)
{
	return istm_enum_new(c, &istm_enum_sessions2, -1, 0, NULL, &out->ppEnumSession);
}

/* The session TSIH through the parent, into *OUT. */
static uint32_t get(uint16_t tsih, struct svc_session_reply *out)
{
	struct svc_session_req rq;
	uint32_t hr;

	if (tsih == 0)
		return E_INVALIDARG;   /* "MUST NOT be zero" */
	memset(&rq, 0, sizeof(rq));
	rq.tsih = tsih;
	hr = ask_session_get(&rq, out);
	return hr;
}

uint32_t ISessionManager2_EnumConnections(struct dcom_call *c,
					  const struct ISessionManager2_EnumConnections_in *in,
					  struct ISessionManager2_EnumConnections_out *out)
{
	struct svc_session_reply r;
	uint32_t hr = get(in->TSIH, &r);

	if (hr != S_OK)
		return hr;
	return istm_enum_new(c, &istm_enum_connections, in->TSIH, 0, NULL, &out->ppEnumConnection);
}

uint32_t ISessionManager2_GetSession(struct dcom_call *c,
				     const struct ISessionManager2_GetSession_in *in,
				     struct ISessionManager2_GetSession_out *out)
{
	struct svc_session_reply r;
	uint32_t hr = get(in->TSIH, &r);

	(void)c;
	if (hr == S_OK)
		istm_session2_from_item(&r.s, &out->pSessionInfo);
	return hr;
}

uint32_t ISessionManager2_GetConnection(struct dcom_call *c,
					const struct ISessionManager2_GetConnection_in *in,
					struct ISessionManager2_GetConnection_out *out)
{
	struct svc_session_req rq;
	struct svc_conn_reply r;
	uint32_t hr;

	(void)c;
	if (in->TSIH == 0)
		return E_INVALIDARG;
	memset(&rq, 0, sizeof(rq));
	rq.tsih = in->TSIH;
	rq.cid = in->CID;
	hr = ask_session_get_conn(&rq, &r);
	if (hr == S_OK)
		istm_connection_from_item(&r.c, &out->pConnectionInfo);
	return hr;
}
