/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* isnsmgr.c: ISnsMgr ([MS-ISTM] 3.37), IEnumSnsServer (3.5) and
 * IEnumCachedInitiator (3.4): the iSNS servers tgtd registers its targets
 * with (the parent keeps and applies them, parent/svc/svc_isns.c), and the
 * initiators that have logged in to any target, with their last log-in
 * (the store's cached initiators, which the parent records as sessions
 * appear).  The wire, the method tables and Next/Skip/Reset/Clone are
 * generated from the IDL; what is left is the handlers and the conversion
 * of one row into a SNS_SERVER or CACHED_INITIATOR.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/rows.h"
#include "proto/serving.h"
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

/* ---- iSNS servers ---- */

static uint32_t server_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			       void *elem)
{
	struct svc_sns_item it;
	struct SNS_SERVER *out = elem;

	(void)c;
	(void)e;
	memcpy(&it, item, sizeof(it));
	memset(out, 0, sizeof(*out));
	ndr_wchar_fixed_set(out->szName, 512, it.name);
	out->bDHCPDiscovered = 0;    /* configured by a client, never by DHCP */
	return S_OK;
}

static const struct istm_enum_kind sns_servers = {
	.name = "IEnumSnsServer",
	ISTM_ENUM_IEnumSnsServer,
	.verb = SVC_SERVING_SNS_ENUM,
	.item_size = sizeof(struct svc_sns_item),
	.to_wire = server_to_wire,
};

uint32_t ISnsMgr_EnumSnsServers(struct dcom_call *c, struct ISnsMgr_EnumSnsServers_out *out)
{
	return istm_enum_new(c, &sns_servers, -1, 0, NULL, &out->ppEnumSnsServer);
}

/* SnsServerName as a request: E_INVALIDARG for NULL, "", bad UTF-16 or too
 * long; the parent checks the rest. */
static uint32_t server_req(struct dcom_call *c, const struct ndr_bstr *b, struct svc_sns_req *rq)
{
	char *name;

	if (!b || ndr_bstr_to_utf8(&c->arena, b, &name) < 0 || !name || !name[0] ||
	    strlen(name) >= sizeof(rq->name))
		return E_INVALIDARG;
	memset(rq, 0, sizeof(*rq));
	memcpy(rq->name, name, strlen(name) + 1);
	return S_OK;
}

uint32_t ISnsMgr_AddSnsServer(struct dcom_call *c, const struct ISnsMgr_AddSnsServer_in *in)
{
	struct svc_sns_req rq;
	uint32_t hr = server_req(c, in->SnsServerName, &rq);

	return hr == S_OK ? ask_serving_sns_add(&rq) : hr;
}

uint32_t ISnsMgr_RemoveSnsServer(struct dcom_call *c, const struct ISnsMgr_RemoveSnsServer_in *in)
{
	struct svc_sns_req rq;
	uint32_t hr = server_req(c, in->SnsServerName, &rq);

	return hr == S_OK ? ask_serving_sns_remove(&rq) : hr;
}
