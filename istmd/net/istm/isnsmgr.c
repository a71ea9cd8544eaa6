/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* isnsmgr.c: ISnsMgr ([MS-ISTM] 3.37) and IEnumCachedInitiator (3.4): the
 * initiators that have logged in to any target, with their last log-in
 * (the store's cached initiators, which the parent records as sessions
 * appear).  iSNS itself (EnumSnsServers, AddSnsServer, RemoveSnsServer) is
 * not implemented (istm.acf).  This file is what serving these two
 * interfaces costs: the wire, the method tables and Next/Skip/Reset/Clone
 * are generated from the IDL; what is left is one handler and the
 * conversion of one row into a CACHED_INITIATOR.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/rows.h"
#include "proto/session.h"

static uint32_t initiator_to_wire(struct dcom_call *c, const struct istm_enum *e,
				  const void *item, void *elem)
{
	struct state_initiator it;
	struct CACHED_INITIATOR *out = elem;

	(void)c;
	(void)e;
	memcpy(&it, item, sizeof(it));   /* the reply buffer's alignment is not the struct's */
	memset(out, 0, sizeof(*out));
	ndr_wchar_fixed_set(out->szInitiatorIqn, 512, it.iqn);
	out->hyLastLoggedOnTime = it.last_login;
	return S_OK;
}

static const struct istm_enum_kind cached_initiators = {
	.name = "IEnumCachedInitiator",
	ISTM_ENUM_IEnumCachedInitiator,
	.verb = SVC_SESSION_ENUM_INITIATORS,
	.item_size = sizeof(struct state_initiator),
	.to_wire = initiator_to_wire,
};

uint32_t ISnsMgr_EnumCachedInitiators(struct dcom_call *c,
				      struct ISnsMgr_EnumCachedInitiators_out *out)
{
	return istm_enum_new(c, &cached_initiators, -1, 0, NULL, &out->ppEnumCachedInitiator);
}
