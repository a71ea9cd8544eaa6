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

struct mip_out { struct ndr_blob *mip; /* [out] IEnum** */ };
static const struct ndr_field mip_out_fields[] = {
	NDR_FIELD(struct mip_out, mip, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(mip_out_t, struct mip_out, mip_out_fields);

struct tsih_in { uint16_t tsih; /* [in] WORD TSIH */ };
static const struct ndr_field tsih_in_fields[] = {
	NDR_FIELD(struct tsih_in, tsih, &ndr_t_u16),
};
static NDR_PARAMS_TYPE(tsih_in_t, struct tsih_in, tsih_in_fields);

struct conn_in {
	uint16_t tsih;               /* [in] WORD TSIH */
	uint32_t cid;                /* [in] DWORD CID */
};
static const struct ndr_field conn_in_fields[] = {
	NDR_FIELD(struct conn_in, tsih, &ndr_t_u16),
	NDR_FIELD(struct conn_in, cid, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(conn_in_t, struct conn_in, conn_in_fields);

struct session_out { struct istm_session2 s; /* [out] SESSION2 *pSessionInfo */ };
static const struct ndr_field session_out_fields[] = {
	NDR_FIELD(struct session_out, s, &istm_t_session2),
};
static NDR_PARAMS_TYPE(session_out_t, struct session_out, session_out_fields);

struct connection_out { struct istm_connection c; /* [out] CONNECTION *pConnectionInfo */ };
static const struct ndr_field connection_out_fields[] = {
	NDR_FIELD(struct connection_out, c, &istm_t_connection),
};
static NDR_PARAMS_TYPE(connection_out_t, struct connection_out, connection_out_fields);

static uint32_t enum_sessions(struct dcom_call *c, const void *in, void *outv)
{
	struct mip_out *out = outv;

	(void)in;
	return istm_enum_new(c, &istm_enum_sessions, -1, 0, NULL, &out->mip);
}

static uint32_t enum_sessions2(struct dcom_call *c, const void *in, void *outv)
{
	struct mip_out *out = outv;

	(void)in;
	return istm_enum_new(c, &istm_enum_sessions2, -1, 0, NULL, &out->mip);
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

static uint32_t enum_connections(struct dcom_call *c, const void *inv, void *outv)
{
	const struct tsih_in *in = inv;
	struct mip_out *out = outv;
	struct svc_session_reply r;
	uint32_t hr = get(in->tsih, &r);

	if (hr != S_OK)
		return hr;
	return istm_enum_new(c, &istm_enum_connections, in->tsih, 0, NULL, &out->mip);
}

static uint32_t get_session(struct dcom_call *c, const void *inv, void *outv)
{
	const struct tsih_in *in = inv;
	struct session_out *out = outv;
	struct svc_session_reply r;
	uint32_t hr = get(in->tsih, &r);

	(void)c;
	if (hr == S_OK)
		istm_session2_from_item(&r.s, &out->s);
	return hr;
}

static uint32_t get_connection(struct dcom_call *c, const void *inv, void *outv)
{
	const struct conn_in *in = inv;
	struct connection_out *out = outv;
	struct svc_session_req rq;
	struct svc_conn_reply r;
	uint32_t hr;

	(void)c;
	if (in->tsih == 0)
		return E_INVALIDARG;
	memset(&rq, 0, sizeof(rq));
	rq.tsih = in->tsih;
	rq.cid = in->cid;
	hr = ask_session_get_conn(&rq, &r);
	if (hr == S_OK)
		istm_connection_from_item(&r.c, &out->c);
	return hr;
}

/* Opnum 3. */
static const struct dcom_method isessionmanager_methods[] = {
	{ "EnumSessions", &ndr_t_no_params, &mip_out_t, enum_sessions },
};

const struct dcom_iface istm_if_isessionmanager = {
	.name = "ISessionManager",
	.iid = NDR_GUID_INIT(0x8d7ae740, 0xb9c5, 0x49fc, 0xa1, 0x1e, 0x89, 0x17, 0x19, 0x07, 0xcb, 0x86),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(isessionmanager_methods),
	.methods = isessionmanager_methods,
};

/* Opnums 4..7. */
static const struct dcom_method isessionmanager2_methods[] = {
	{ "EnumSessions2", &ndr_t_no_params, &mip_out_t, enum_sessions2 },
	{ "EnumConnections", &tsih_in_t, &mip_out_t, enum_connections },
	{ "GetSession", &tsih_in_t, &session_out_t, get_session },
	{ "GetConnection", &conn_in_t, &connection_out_t, get_connection },
};

const struct dcom_iface istm_if_isessionmanager2 = {
	.name = "ISessionManager2",
	.iid = NDR_GUID_INIT(0xc10a76d8, 0x1fe4, 0x4c2f, 0xb7, 0x0d, 0x66, 0x52, 0x65, 0x21, 0x52, 0x59),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_isessionmanager,
	.first_opnum = 4,
	.nmethods = NDR_COUNTOF(isessionmanager2_methods),
	.methods = isessionmanager2_methods,
};
