/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_resourcegroup.c: IEnumResourceGroup ([MS-ISTM] 3.12) and the
 * RESOURCE_GROUP wire structure (2.2.4.14).  istmd is never part of an HA
 * cluster, so ILocalDeviceMgr2::EnumResourceGroup / EnumLocalResourceGroup
 * answer E_NOTIMPL ("the machine is not configured in an HA cluster",
 * 3.32.4.4) and hand no enumerator out; the interface is described, over
 * an always empty collection, so that the class tables are complete and a
 * future cluster mode only has to fill the verb.
 */
#include <config.h>

#include "istm/istm.h"
#include "proto/device.h"

static NDR_FIXED_ARRAY_TYPE(wchar512_t, &ndr_t_u16, 512, uint16_t[512]);

struct istm_resource_group {
	uint16_t name[512];          /* szName[MAX_RESOURCE_GROUP_NAME + 1] */
};
static const struct ndr_field rg_fields[] = {
	NDR_FIELD(struct istm_resource_group, name, &wchar512_t),
};
static NDR_STRUCT_TYPE(rg_t, struct istm_resource_group, rg_fields);

struct next_in { uint32_t n; struct istm_resource_group e; /* ulNumElements, pElements */ };
struct next_out { struct istm_resource_group e; uint32_t returned; /* pElements, count */ };
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, e, &rg_t),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, e, &rg_t),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);

static uint32_t no_item(struct dcom_call *c, const struct istm_enum *e, const void *item,
			void *elem)
{
	(void)c;
	(void)e;
	(void)item;
	(void)elem;
	return E_UNEXPECTED;
}

static const struct dcom_method ienumresourcegroup_methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumresourcegroup = {
	.name = "IEnumResourceGroup",
	.iid = NDR_GUID_INIT(0x640038f1, 0xd626, 0x40d8, 0xb5, 0x2b, 0x09, 0x66, 0x06, 0x01, 0xd0, 0x45),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumresourcegroup_methods),
	.methods = ienumresourcegroup_methods,
};

static const struct dcom_iface *const enum_rg_ifaces[] = { &istm_if_ienumresourcegroup };
const struct dcom_class istm_class_enum_resource_group = {
	.name = "IEnumResourceGroup",
	.ifaces = enum_rg_ifaces, .nifaces = NDR_COUNTOF(enum_rg_ifaces),
};

const struct istm_enum_kind istm_kind_resource_group = {
	.name = "IEnumResourceGroup",
	.iface = &istm_if_ienumresourcegroup,
	.cls = &istm_class_enum_resource_group,
	.verb = SVC_DEVICE_EMPTY,
	.item_size = 1,
	.next_out_elem = offsetof(struct next_out, e),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = no_item,
};
