/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_session.c: IEnumSession ([MS-ISTM] 3.13) and IEnumSession2 (3.14)
 * over tgtd's sessions, and the conversion of a session into a SESSION2
 * (2.2.4.16), which ISessionManager2::GetSession shares.
 * Next, Skip, Reset and Clone are the generic ones (istm_enum.c); the
 * cursor holds the TSIH of the last session returned and the highest TSIH
 * at the first Next (parent/svc/svc_session.c), so sessions logging out
 * during an enumeration are left out, and so are those logging in after
 * its first Next: it ends however fast initiators log in.
 * The enumerator's scope is -1 (every session: ISessionManager) or a target
 * row id (IHost::EnumSessions, through istm_enum_sessions2).
 */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/session.h"

void istm_session2_from_item(const struct svc_session_item *it, struct SESSION2 *out)
{
	memset(out, 0, sizeof(*out));
	ndr_wchar_fixed_set(out->InitiatorIQN, 256, it->initiator);
	ndr_wchar_fixed_set(out->HostTargetIQN, 256, it->target_iqn);
	ndr_wchar_fixed_set(out->HostName, 512, it->host_name);
	out->TSIH = (uint16_t)it->tsih;
	out->ISID = it->isid;
	out->eType = it->type;
	out->eAuthMethod = it->auth;
}

/* ---- IEnumSession ---- */
static uint32_t session_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
				void *elem)
{
	struct svc_session_item it;
	struct SESSION *out = elem;

	(void)c;
	(void)e;
	memcpy(&it, item, sizeof(it));   /* the reply buffer's alignment is not the struct's */
	memset(out, 0, sizeof(*out));
	ndr_wchar_fixed_set(out->InitiatorIQN, 256, it.initiator);
	ndr_wchar_fixed_set(out->HostTargetIQN, 256, it.target_iqn);
	return S_OK;
}

const struct istm_enum_kind istm_enum_sessions = {
	.name = "IEnumSession",
	ISTM_ENUM_IEnumSession,
	.verb = SVC_SESSION_ENUM,
	.item_size = sizeof(struct svc_session_item),
	.to_wire = session_to_wire,
};

/* ---- IEnumSession2 ---- */
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

const struct istm_enum_kind istm_enum_sessions2 = {
	.name = "IEnumSession2",
	ISTM_ENUM_IEnumSession2,
	.verb = SVC_SESSION_ENUM,
	.item_size = sizeof(struct svc_session_item),
	.to_wire = session2_to_wire,
};
