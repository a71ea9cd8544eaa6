/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_session.c: IEnumSession ([MS-ISTM] 3.13) and IEnumSession2 (3.14)
 * over tgtd's sessions, and the SESSION / SESSION2 wire structures
 * (2.2.4.15, 2.2.4.16), which ISessionManager2::GetSession shares.
 * Next, Skip, Reset and Clone are the generic ones (istm_enum.c); the
 * cursor is the TSIH of the last session returned, so sessions logging in
 * during an enumeration appear at its end if their TSIH is higher.
 * The enumerator's scope is -1 (every session: ISessionManager) or a target
 * row id (IHost::EnumSessions, through istm_enum_sessions2).
 */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/session.h"

/* 2.2.4.15 SESSION */
static NDR_FIXED_ARRAY_TYPE(wchar256_t, &ndr_t_u16, 256, uint16_t[256]);
static NDR_FIXED_ARRAY_TYPE(wchar512_t, &ndr_t_u16, 512, uint16_t[512]);
static const struct ndr_field session_fields[] = {
	NDR_FIELD(struct istm_session, initiator, &wchar256_t),
	NDR_FIELD(struct istm_session, target, &wchar256_t),
};
static NDR_STRUCT_TYPE(session_t, struct istm_session, session_fields);

/* 2.2.4.16 SESSION2 (the enums are 16-bit on the wire) */
static const struct ndr_field session2_fields[] = {
	NDR_FIELD(struct istm_session2, initiator, &wchar256_t),
	NDR_FIELD(struct istm_session2, target, &wchar256_t),
	NDR_FIELD(struct istm_session2, host_name, &wchar512_t),
	NDR_FIELD(struct istm_session2, tsih, &ndr_t_u16),
	NDR_FIELD(struct istm_session2, isid, &ndr_t_u64),
	NDR_FIELD(struct istm_session2, type, &ndr_t_u16),
	NDR_FIELD(struct istm_session2, auth, &ndr_t_u16),
};
NDR_STRUCT_TYPE(istm_t_session2, struct istm_session2, session2_fields);

void istm_session2_from_item(const struct svc_session_item *it, struct istm_session2 *out)
{
	memset(out, 0, sizeof(*out));
	ndr_wchar_fixed_set(out->initiator, 256, it->initiator);
	ndr_wchar_fixed_set(out->target, 256, it->target_iqn);
	ndr_wchar_fixed_set(out->host_name, 512, it->host_name);
	out->tsih = (uint16_t)it->tsih;
	out->isid = it->isid;
	out->type = it->type;
	out->auth = it->auth;
}

/* ---- IEnumSession ---- */
struct next_in {
	uint32_t n;                  /* [in] ULONG ulNumElements */
	struct istm_session elem;    /* [in, out] SESSION *pElements (ignored in) */
};
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, elem, &session_t),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);

struct next_out {
	struct istm_session elem;    /* [in, out] SESSION *pElements */
	uint32_t returned;           /* [out] ULONG *pNumElementsReturned */
};
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, elem, &session_t),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);

static uint32_t session_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
				void *elem)
{
	struct svc_session_item it;
	struct istm_session *out = elem;

	(void)c;
	(void)e;
	memcpy(&it, item, sizeof(it));   /* the reply buffer's alignment is not the struct's */
	memset(out, 0, sizeof(*out));
	ndr_wchar_fixed_set(out->initiator, 256, it.initiator);
	ndr_wchar_fixed_set(out->target, 256, it.target_iqn);
	return S_OK;
}

static const struct dcom_method ienumsession_methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumsession = {
	.name = "IEnumSession",
	.iid = NDR_GUID_INIT(0x40cc8569, 0x6d23, 0x4005, 0x99, 0x58, 0xe3, 0x7f, 0x08, 0xae, 0x19, 0x2b),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumsession_methods),
	.methods = ienumsession_methods,
};

static const struct dcom_iface *const enum_session_ifaces[] = { &istm_if_ienumsession };
const struct dcom_class istm_class_enum_session = {
	.name = "IEnumSession",
	.ifaces = enum_session_ifaces, .nifaces = NDR_COUNTOF(enum_session_ifaces),
};

const struct istm_enum_kind istm_enum_sessions = {
	.name = "IEnumSession",
	.iface = &istm_if_ienumsession,
	.cls = &istm_class_enum_session,
	.verb = SVC_SESSION_ENUM,
	.item_size = sizeof(struct svc_session_item),
	.next_out_elem = offsetof(struct next_out, elem),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = session_to_wire,
};

/* ---- IEnumSession2 ---- */
struct next2_in {
	uint32_t n;                  /* [in] ULONG ulNumElements */
	struct istm_session2 elem;   /* [in, out] SESSION2 *pElements (ignored in) */
};
static const struct ndr_field next2_in_fields[] = {
	NDR_FIELD(struct next2_in, n, &ndr_t_u32),
	NDR_FIELD(struct next2_in, elem, &istm_t_session2),
};
static NDR_PARAMS_TYPE(next2_in_t, struct next2_in, next2_in_fields);

struct next2_out {
	struct istm_session2 elem;   /* [in, out] SESSION2 *pElements */
	uint32_t returned;           /* [out] ULONG *pNumElementsReturned */
};
static const struct ndr_field next2_out_fields[] = {
	NDR_FIELD(struct next2_out, elem, &istm_t_session2),
	NDR_FIELD(struct next2_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next2_out_t, struct next2_out, next2_out_fields);

static uint32_t session2_to_wire(struct dcom_call *c, const struct istm_enum *e,
				 const void *item, void *elem)
{
	struct svc_session_item it;

	(void)c;
	(void)e;
	memcpy(&it, item, sizeof(it));
	istm_session2_from_item(&it, elem);
	return S_OK;
}

static const struct dcom_method ienumsession2_methods[] = {
	{ "Next", &next2_in_t, &next2_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumsession2 = {
	.name = "IEnumSession2",
	.iid = NDR_GUID_INIT(0x442931d5, 0xe522, 0x4e64, 0xa1, 0x81, 0x74, 0xe9, 0x8a, 0x4e, 0x17, 0x48),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumsession2_methods),
	.methods = ienumsession2_methods,
};

static const struct dcom_iface *const enum_session2_ifaces[] = { &istm_if_ienumsession2 };
const struct dcom_class istm_class_enum_session2 = {
	.name = "IEnumSession2",
	.ifaces = enum_session2_ifaces, .nifaces = NDR_COUNTOF(enum_session2_ifaces),
};

const struct istm_enum_kind istm_enum_sessions2 = {
	.name = "IEnumSession2",
	.iface = &istm_if_ienumsession2,
	.cls = &istm_class_enum_session2,
	.verb = SVC_SESSION_ENUM,
	.item_size = sizeof(struct svc_session_item),
	.next_out_elem = offsetof(struct next2_out, elem),
	.next_out_count = offsetof(struct next2_out, returned),
	.to_wire = session2_to_wire,
};
