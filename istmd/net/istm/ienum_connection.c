/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_connection.c: IEnumConnection ([MS-ISTM] 3.5): the connections of
 * one session (the enumerator's scope is its TSIH), in CID order, and the
 * conversion into a CONNECTION (2.2.4.2), which ISessionManager2::
 * GetConnection shares.  Next, Skip, Reset and Clone are the generic ones
 * (istm_enum.c).  A session that logs out during the enumeration ends it
 * (S_FALSE), as an empty collection would.
 */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/session.h"

void istm_connection_from_item(const struct svc_conn_item *it, struct CONNECTION *out)
{
	memset(out, 0, sizeof(*out));
	out->CID = it->cid;
	ndr_wchar_fixed_set(out->InitiatorIpAddress, MAX_IP_ADDRESS_LEN + 1, it->initiator_addr);
	out->InitiatorPort = it->initiator_port;
	ndr_wchar_fixed_set(out->TargetIpAddress, MAX_IP_ADDRESS_LEN + 1, it->target_addr);
	out->TargetPort = it->target_port;
	out->HeaderDigestEnabled = it->header_digest ? 1 : 0;
	out->DataDigestEnabled = it->data_digest ? 1 : 0;
}

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

const struct istm_enum_kind istm_enum_connections = {
	.name = "IEnumConnection",
	ISTM_ENUM_IEnumConnection,
	.verb = SVC_SESSION_ENUM_CONNS,
	.item_size = sizeof(struct svc_conn_item),
	.to_wire = conn_to_wire,
};
