/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_target.c: the enumerators an IHost hands out: IEnumIDMethod
 * ([MS-ISTM] 3.9), IEnumWTDiskLunMapping (3.20) and IEnumPortal (3.11).
 * Next, Skip, Reset and Clone are the generic ones (istm_enum.c) over
 * the generated tables; each enumerator here is the conversion of one
 * parent item into its element.  The IDs and mappings are those of the
 * target the enumerator was made for (its scope); the portals are the ones
 * tgtd listens on, which serve every target. */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/target.h"

/* ---- IEnumIDMethod: ID ---- */
static uint32_t id_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			   void *elem)
{
	const struct state_id *id = item;
	struct ID *out = elem;

	(void)c;
	(void)e;
	out->eMethod = (uint16_t)id->method;
	ndr_wchar_fixed_set(out->szValue, 512, id->value);
	return S_OK;
}

const struct istm_enum_kind istm_kind_ienumidmethod = {
	.name = "IEnumIDMethod",
	ISTM_ENUM_IEnumIDMethod,
	.verb = SVC_TARGET_ENUM_IDS,
	.item_size = sizeof(struct state_id),
	.to_wire = id_to_wire,
};

/* ---- IEnumWTDiskLunMapping: LUN_MAPPING ---- */
static uint32_t lun_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			    void *elem)
{
	const struct state_lun_mapping *m = item;
	struct LUN_MAPPING *out = elem;

	(void)c;
	(void)e;
	out->dwLun = m->lun;
	out->dwWTD = (uint32_t)m->wtd;
	return S_OK;
}

const struct istm_enum_kind istm_kind_ienumwtdisklunmapping = {
	.name = "IEnumWTDiskLunMapping",
	ISTM_ENUM_IEnumWTDiskLunMapping,
	.verb = SVC_TARGET_ENUM_LUNS,
	.item_size = sizeof(struct state_lun_mapping),
	.to_wire = lun_to_wire,
};

/* ---- IEnumPortal: PORTAL ---- */
void istm_portal_fill(struct PORTAL *out, const struct svc_target_portal *p)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->Guid.b, p->guid, 16);
	ndr_wchar_fixed_set(out->szIpAddress, MAX_IP_ADDRESS_LEN + 1, p->address);
	out->dwPort = p->port;
	out->bListen = 1;            /* tgtd listens on every portal it lists */
	out->bSecure = 0;            /* no IPsec */
	out->bValid = 1;
}

static uint32_t portal_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			       void *elem)
{
	(void)c;
	(void)e;
	istm_portal_fill(elem, item);
	return S_OK;
}

const struct istm_enum_kind istm_kind_ienumportal = {
	.name = "IEnumPortal",
	ISTM_ENUM_IEnumPortal,
	.verb = SVC_TARGET_ENUM_PORTALS,
	.item_size = sizeof(struct svc_target_portal),
	.to_wire = portal_to_wire,
};
