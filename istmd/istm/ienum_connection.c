/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_connection.c: IEnumConnection ([MS-ISTM] 3.5): the connections of
 * one session (the enumerator's scope is its TSIH), in CID order, and the
 * CONNECTION wire structure (2.2.4.2), which ISessionManager2::
 * GetConnection shares.  Next, Skip, Reset and Clone are the generic ones
 * (istm_enum.c).  A session that logs out during the enumeration ends it
 * (S_FALSE), as an empty collection would.
 */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/session.h"

/* 2.2.4.2 CONNECTION: WCHAR address[MAX_IP_ADDRESS_LEN + 1] */
static NDR_FIXED_ARRAY_TYPE(wchar128_t, &ndr_t_u16, 128, uint16_t[128]);
static const struct ndr_field connection_fields[] = {
	NDR_FIELD(struct istm_connection, cid, &ndr_t_u32),
	NDR_FIELD(struct istm_connection, initiator_addr, &wchar128_t),
	NDR_FIELD(struct istm_connection, initiator_port, &ndr_t_u32),
	NDR_FIELD(struct istm_connection, target_addr, &wchar128_t),
	NDR_FIELD(struct istm_connection, target_port, &ndr_t_u32),
	NDR_FIELD(struct istm_connection, header_digest, &ndr_t_u8),
	NDR_FIELD(struct istm_connection, data_digest, &ndr_t_u8),
};
NDR_STRUCT_TYPE(istm_t_connection, struct istm_connection, connection_fields);

void istm_connection_from_item(const struct svc_conn_item *it, struct istm_connection *out)
{
	memset(out, 0, sizeof(*out));
	out->cid = it->cid;
	ndr_wchar_fixed_set(out->initiator_addr, 128, it->initiator_addr);
	out->initiator_port = it->initiator_port;
	ndr_wchar_fixed_set(out->target_addr, 128, it->target_addr);
	out->target_port = it->target_port;
	out->header_digest = it->header_digest ? 1 : 0;
	out->data_digest = it->data_digest ? 1 : 0;
}

struct next_in {
	uint32_t n;                  /* [in] ULONG ulNumElements */
	struct istm_connection elem; /* [in, out] CONNECTION *pElements (ignored in) */
};
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, elem, &istm_t_connection),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);

struct next_out {
	struct istm_connection elem; /* [in, out] CONNECTION *pElements */
	uint32_t returned;           /* [out] ULONG *pNumElementsReturned */
};
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, elem, &istm_t_connection),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);

static uint32_t conn_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			     void *elem)
{
	struct svc_conn_item it;

	(void)c;
	(void)e;
	memcpy(&it, item, sizeof(it));   /* the reply buffer's alignment is not the struct's */
	istm_connection_from_item(&it, elem);
	return S_OK;
}

static const struct dcom_method ienumconnection_methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumconnection = {
	.name = "IEnumConnection",
	.iid = NDR_GUID_INIT(0x6aea6b26, 0x0680, 0x411d, 0x88, 0x77, 0xa1, 0x48, 0xdf, 0x30, 0x87, 0xd5),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumconnection_methods),
	.methods = ienumconnection_methods,
};

static const struct dcom_iface *const enum_connection_ifaces[] = { &istm_if_ienumconnection };
const struct dcom_class istm_class_enum_connection = {
	.name = "IEnumConnection",
	.ifaces = enum_connection_ifaces, .nifaces = NDR_COUNTOF(enum_connection_ifaces),
};

const struct istm_enum_kind istm_enum_connections = {
	.name = "IEnumConnection",
	.iface = &istm_if_ienumconnection,
	.cls = &istm_class_enum_connection,
	.verb = SVC_SESSION_ENUM_CONNS,
	.item_size = sizeof(struct svc_conn_item),
	.next_out_elem = offsetof(struct next_out, elem),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = conn_to_wire,
};
