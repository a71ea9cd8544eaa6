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
 * Windows' E_NOTIMPL; AddLicense, RegisterNotification and
 * UnregisterNotification are E_NOTIMPL (notifications come later);
 * IsSnapshotsSupported is S_FALSE until scheduled snapshot backups run;
 * IsClustered is S_FALSE (no HA cluster support).
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/general.h"

#define ISTM_CLI_PATH "/usr/bin/istmctl"   /* the command-line client (contrib/) */
#define LICENSE_TEXT  "vhdtarget istmd, GPL-2.0-or-later"

/* 2.2.4.8 LICENSE */
struct istm_license {
	uint8_t demo;                  /* bDemo */
	uint32_t demo_days_left;       /* nNumDemoDaysLeft */
	uint32_t seats;                /* nNumSeats */
	uint32_t features;             /* nFeatures */
	uint16_t keys[10][64];         /* WCHAR LicenseKeys[10][64] */
};
static NDR_FIXED_ARRAY_TYPE(license_key_t, &ndr_t_u16, 64, uint16_t[64]);
static NDR_FIXED_ARRAY_TYPE(license_keys_t, &license_key_t, 10, uint16_t[10][64]);
static const struct ndr_field license_fields[] = {
	NDR_FIELD(struct istm_license, demo, &ndr_t_u8),
	NDR_FIELD(struct istm_license, demo_days_left, &ndr_t_u32),
	NDR_FIELD(struct istm_license, seats, &ndr_t_u32),
	NDR_FIELD(struct istm_license, features, &ndr_t_u32),
	NDR_FIELD(struct istm_license, keys, &license_keys_t),
};
static NDR_STRUCT_TYPE(license_t, struct istm_license, license_fields);

/* 2.2.4.17 SNAPSHOT_SCHEDULE_SETTINGS (DayOfWeek is a 16-bit NDR enum) */
struct istm_schedule {
	uint8_t every_day;             /* bEveryday */
	uint16_t day;                  /* eDay: DayOfWeek 0..6 */
	uint64_t start_time;           /* hyStartTime: FILETIME, UTC; 0 = none */
};
static const struct ndr_field schedule_fields[] = {
	NDR_FIELD(struct istm_schedule, every_day, &ndr_t_u8),
	NDR_FIELD(struct istm_schedule, day, &ndr_t_u16),
	NDR_FIELD(struct istm_schedule, start_time, &ndr_t_u64),
};
static NDR_STRUCT_TYPE(schedule_t, struct istm_schedule, schedule_fields);

/* ---- parameter lists ---- */
struct guid_out { struct ndr_guid guid; /* [out, retval] GUID *pGuid */ };
static const struct ndr_field guid_out_fields[] = {
	NDR_FIELD(struct guid_out, guid, &ndr_t_guid),
};
static NDR_PARAMS_TYPE(guid_out_t, struct guid_out, guid_out_fields);

struct bstr_param { struct ndr_bstr *s; /* a BSTR [in] or [out] */ };
static const struct ndr_field bstr_param_fields[] = {
	NDR_FIELD(struct bstr_param, s, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(bstr_param_t, struct bstr_param, bstr_param_fields);

struct license_out { struct istm_license license; /* [out, retval] LICENSE *pLicense */ };
static const struct ndr_field license_out_fields[] = {
	NDR_FIELD(struct license_out, license, &license_t),
};
static NDR_PARAMS_TYPE(license_out_t, struct license_out, license_out_fields);

struct register_in {
	struct ndr_blob *notify;       /* [in] IStatusNotify *pStatusNotify */
	uint32_t cookie;               /* [in] unsigned long lCookie */
};
static const struct ndr_field register_in_fields[] = {
	NDR_FIELD(struct register_in, notify, &ndr_t_unique_mip),
	NDR_FIELD(struct register_in, cookie, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(register_in_t, struct register_in, register_in_fields);
static const struct ndr_field unregister_in_fields[] = {
	NDR_FIELD(struct register_in, notify, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(unregister_in_t, struct register_in, unregister_in_fields);

struct schedule_param { struct istm_schedule s; /* SNAPSHOT_SCHEDULE_SETTINGS */ };
static const struct ndr_field schedule_param_fields[] = {
	NDR_FIELD(struct schedule_param, s, &schedule_t),
};
static NDR_PARAMS_TYPE(schedule_param_t, struct schedule_param, schedule_param_fields);

/* ---- implementations ---- */

static uint32_t get_guid(struct dcom_call *c, const void *in, void *outv)
{
	struct guid_out *out = outv;

	(void)c;
	(void)in;
	memcpy(out->guid.b, dcom_cfg.info.server_guid, 16);
	return S_OK;
}

static uint32_t get_name(struct dcom_call *c, const void *in, void *outv)
{
	struct bstr_param *out = outv;
	struct svc_name_reply r;
	uint32_t hr;

	(void)in;
	hr = ask_general_get_name(&r);
	if (hr != S_OK)
		return hr;
	return ndr_bstr_from_utf8(&c->arena, r.name[0] ? r.name : dcom_cfg.info.host_name,
				  &out->s) < 0 ? E_OUTOFMEMORY : S_OK;
}

static uint32_t put_name(struct dcom_call *c, const void *inv, void *out)
{
	const struct bstr_param *in = inv;
	struct svc_name_req rq;
	char *name;

	(void)out;
	if (!in->s || ndr_bstr_to_utf8(&c->arena, in->s, &name) < 0)
		return E_INVALIDARG;
	if (name[0] == 0 || strlen(name) >= sizeof(rq.name))
		return E_INVALIDARG;
	memset(&rq, 0, sizeof(rq));
	strcpy(rq.name, name);
	return ask_general_set_name(&rq);
}

static uint32_t get_license(struct dcom_call *c, const void *in, void *outv)
{
	struct license_out *out = outv;

	(void)c;
	(void)in;
	out->license.demo = 0;
	out->license.seats = 0;        /* no limit */
	ndr_wchar_fixed_set(out->license.keys[0], 64, LICENSE_TEXT);
	return S_OK;
}

static uint32_t get_wtclipath(struct dcom_call *c, const void *in, void *outv)
{
	struct bstr_param *out = outv;

	(void)in;
	return ndr_bstr_from_utf8(&c->arena, ISTM_CLI_PATH, &out->s) < 0 ? E_OUTOFMEMORY : S_OK;
}

/* 3.1.4.2.1 Check Preconditions: the transport only delivers authenticated
 * calls; an anonymous one here would be a transport bug, so refuse it. */
static uint32_t check_access(struct dcom_call *c, const void *in, void *out)
{
	(void)in;
	(void)out;
	return c->rpc->user && c->rpc->user[0] ? S_OK : E_ACCESSDENIED;
}

static uint32_t not_implemented(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return E_NOTIMPL;
}

static uint32_t answer_false(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return S_FALSE;
}

static uint32_t get_schedule(struct dcom_call *c, const void *inv, void *outv)
{
	struct schedule_param *out = outv;
	struct priv_schedule reply;
	uint32_t hr;

	(void)c;
	(void)inv;
	memset(&reply, 0, sizeof(reply));
	hr = ask_general_get_schedule(&reply) < 0 ? ERROR_NOT_READY : S_OK;
	if (hr != S_OK)
		return hr;
	out->s.every_day = reply.every_day ? 1 : 0;
	out->s.day = (uint16_t)(reply.day <= 6 ? reply.day : 0);
	out->s.start_time = reply.start_time;
	return S_OK;
}

static uint32_t set_schedule(struct dcom_call *c, const void *inv, void *out)
{
	const struct schedule_param *in = inv;
	struct priv_schedule req;

	(void)c;
	(void)out;
	if (in->s.day > 6 || in->s.every_day > 1)
		return E_INVALIDARG;
	memset(&req, 0, sizeof(req));
	req.every_day = in->s.every_day;
	req.day = in->s.day;
	req.start_time = in->s.start_time;
	return ask_general_set_schedule(&req) < 0 ? ERROR_NOT_READY : S_OK;
}

/* Opnums 3..14, in order. */
static const struct dcom_method iwtgeneral_methods[] = {
	{ "get_Guid", &ndr_t_no_params, &guid_out_t, get_guid },
	{ "get_Name", &ndr_t_no_params, &bstr_param_t, get_name },
	{ "put_Name", &bstr_param_t, &ndr_t_no_params, put_name },
	{ "get_License", &ndr_t_no_params, &license_out_t, get_license },
	{ "get_WTCliPath", &ndr_t_no_params, &bstr_param_t, get_wtclipath },
	{ "CheckAccess", &ndr_t_no_params, &ndr_t_no_params, check_access },
	{ "AddLicense", &bstr_param_t, &ndr_t_no_params, not_implemented },
	{ "IsSnapshotsSupported", &ndr_t_no_params, &ndr_t_no_params, answer_false },
	{ "RegisterNotification", &register_in_t, &ndr_t_no_params, not_implemented },
	{ "UnregisterNotification", &unregister_in_t, &ndr_t_no_params, not_implemented },
	{ "DVGetSnapshotSchedule", &schedule_param_t, &schedule_param_t, get_schedule },
	{ "DVSetSnapshotSchedule", &schedule_param_t, &ndr_t_no_params, set_schedule },
};

const struct dcom_iface istm_if_iwtgeneral = {
	.name = "IWTGeneral",
	.iid = NDR_GUID_INIT(0xd71b2cae, 0x33e8, 0x4567, 0xae, 0x96, 0x3c, 0xcf, 0x31, 0x62, 0x0b, 0xe2),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(iwtgeneral_methods),
	.methods = iwtgeneral_methods,
};

/* Opnum 15. */
static const struct dcom_method iwtgeneral2_methods[] = {
	{ "IsClustered", &ndr_t_no_params, &ndr_t_no_params, answer_false },
};

const struct dcom_iface istm_if_iwtgeneral2 = {
	.name = "IWTGeneral2",
	.iid = NDR_GUID_INIT(0x3c73848a, 0xa679, 0x40c5, 0xb1, 0x01, 0xc9, 0x63, 0xe6, 0x7f, 0x99, 0x49),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_iwtgeneral,
	.first_opnum = 15,
	.nmethods = NDR_COUNTOF(iwtgeneral2_methods),
	.methods = iwtgeneral2_methods,
};
