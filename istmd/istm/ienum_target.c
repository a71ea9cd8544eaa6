/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_target.c: the enumerators an IHost hands out: IEnumIDMethod
 * ([MS-ISTM] 3.9), IEnumWTDiskLunMapping (3.20) and IEnumPortal (3.11).
 * Next, Skip, Reset and Clone are the generic ones (istm_enum.c); each
 * enumerator here is the wire shape of its Next and the conversion of one
 * parent item into its element.  The IDs and mappings are those of the
 * target the enumerator was made for (its scope); the portals are the ones
 * tgtd listens on, which serve every target. */
#include <config.h>

#include <stddef.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/target.h"

/* One IEnum* interface: Next's [in] and [out] lists over ELEM_T, the four
 * methods, the interface, its inner class and its enumerator kind. */
#define TARGET_ENUM(pfx, ctype, wtype, ifname, iidinit, verbnum, itemtype, conv) \
struct pfx##_next_in { \
	uint32_t n;                  /* [in] ULONG ulNumElements */ \
	ctype elem;                  /* [in, out] pElements */ \
}; \
static const struct ndr_field pfx##_next_in_fields[] = { \
	NDR_FIELD(struct pfx##_next_in, n, &ndr_t_u32), \
	NDR_FIELD(struct pfx##_next_in, elem, wtype), \
}; \
static NDR_PARAMS_TYPE(pfx##_next_in_t, struct pfx##_next_in, pfx##_next_in_fields); \
struct pfx##_next_out { \
	ctype elem;                  /* [in, out] pElements */ \
	uint32_t returned;           /* [out] ULONG *pNumElementsReturned */ \
}; \
static const struct ndr_field pfx##_next_out_fields[] = { \
	NDR_FIELD(struct pfx##_next_out, elem, wtype), \
	NDR_FIELD(struct pfx##_next_out, returned, &ndr_t_u32), \
}; \
static NDR_PARAMS_TYPE(pfx##_next_out_t, struct pfx##_next_out, pfx##_next_out_fields); \
static const struct dcom_method pfx##_methods[] = { \
	{ "Next", &pfx##_next_in_t, &pfx##_next_out_t, istm_enum_next }, \
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip }, \
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset }, \
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone }, \
}; \
const struct dcom_iface istm_if_##pfx = { \
	.name = ifname, \
	.iid = iidinit, \
	.target = DCOM_TARGET_OBJECT, \
	.first_opnum = 3, \
	.nmethods = NDR_COUNTOF(pfx##_methods), \
	.methods = pfx##_methods, \
}; \
static const struct dcom_iface *const pfx##_ifaces[] = { &istm_if_##pfx }; \
const struct dcom_class istm_class_##pfx = { \
	.name = ifname, \
	.ifaces = pfx##_ifaces, .nifaces = NDR_COUNTOF(pfx##_ifaces), \
}; \
const struct istm_enum_kind istm_kind_##pfx = { \
	.name = ifname, \
	.iface = &istm_if_##pfx, \
	.cls = &istm_class_##pfx, \
	.verb = verbnum, \
	.item_size = sizeof(itemtype), \
	.next_out_elem = offsetof(struct pfx##_next_out, elem), \
	.next_out_count = offsetof(struct pfx##_next_out, returned), \
	.to_wire = conv, \
};

/* ---- IEnumIDMethod: ID ---- */
static uint32_t id_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			   void *elem)
{
	const struct state_id *id = item;
	struct istm_id *out = elem;

	(void)c;
	(void)e;
	out->method = (uint16_t)id->method;
	ndr_wchar_fixed_set(out->value, 512, id->value);
	return S_OK;
}
TARGET_ENUM(ienumidmethod, struct istm_id, &istm_t_id, "IEnumIDMethod",
	    NDR_GUID_INIT(0x345b026b, 0x5802, 0x4e38, 0xac, 0x75, 0x79, 0x5e, 0x08, 0xb0, 0xb8, 0x3f),
	    SVC_TARGET_ENUM_IDS, struct state_id, id_to_wire)

/* ---- IEnumWTDiskLunMapping: LUN_MAPPING ---- */
struct istm_lun_mapping {
	uint32_t lun;                /* dwLun */
	uint32_t wtd;                /* dwWTD */
};
static const struct ndr_field lun_mapping_fields[] = {
	NDR_FIELD(struct istm_lun_mapping, lun, &ndr_t_u32),
	NDR_FIELD(struct istm_lun_mapping, wtd, &ndr_t_u32),
};
static NDR_STRUCT_TYPE(lun_mapping_t, struct istm_lun_mapping, lun_mapping_fields);

static uint32_t lun_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			    void *elem)
{
	const struct state_lun_mapping *m = item;
	struct istm_lun_mapping *out = elem;

	(void)c;
	(void)e;
	out->lun = m->lun;
	out->wtd = (uint32_t)m->wtd;
	return S_OK;
}
TARGET_ENUM(ienumwtdisklunmapping, struct istm_lun_mapping, &lun_mapping_t,
	    "IEnumWTDiskLunMapping",
	    NDR_GUID_INIT(0x1396de6f, 0xa794, 0x4b11, 0xb9, 0x3f, 0x6b, 0x69, 0xa5, 0xb4, 0x7b, 0xae),
	    SVC_TARGET_ENUM_LUNS, struct state_lun_mapping, lun_to_wire)

/* ---- IEnumPortal: PORTAL (2.2.4.13; MAX_IP_ADDRESS_LEN is 127) ---- */
struct istm_portal {
	struct ndr_guid guid;        /* Guid */
	uint16_t address[128];       /* szIpAddress */
	uint32_t port;               /* dwPort */
	uint32_t listen;             /* bListen (BOOL) */
	uint32_t secure;             /* bSecure */
	uint32_t valid;              /* bValid */
};
static NDR_FIXED_ARRAY_TYPE(wchar128_t, &ndr_t_u16, 128, uint16_t[128]);
static const struct ndr_field portal_fields[] = {
	NDR_FIELD(struct istm_portal, guid, &ndr_t_guid),
	NDR_FIELD(struct istm_portal, address, &wchar128_t),
	NDR_FIELD(struct istm_portal, port, &ndr_t_u32),
	NDR_FIELD(struct istm_portal, listen, &ndr_t_u32),
	NDR_FIELD(struct istm_portal, secure, &ndr_t_u32),
	NDR_FIELD(struct istm_portal, valid, &ndr_t_u32),
};
static NDR_STRUCT_TYPE(portal_t, struct istm_portal, portal_fields);

static uint32_t portal_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			       void *elem)
{
	const struct svc_target_portal *p = item;
	struct istm_portal *out = elem;

	(void)c;
	(void)e;
	memcpy(out->guid.b, p->guid, 16);
	ndr_wchar_fixed_set(out->address, 128, p->address);
	out->port = p->port;
	out->listen = 1;             /* tgtd listens on every portal it lists */
	out->secure = 0;             /* no IPsec */
	out->valid = 1;
	return S_OK;
}
TARGET_ENUM(ienumportal, struct istm_portal, &portal_t, "IEnumPortal",
	    NDR_GUID_INIT(0x1995785d, 0x2a1e, 0x492f, 0x89, 0x23, 0xe6, 0x21, 0xea, 0xca, 0x39, 0xd9),
	    SVC_TARGET_ENUM_PORTALS, struct svc_target_portal, portal_to_wire)
