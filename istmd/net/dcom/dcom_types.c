/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* dcom_types.c: descriptors of the DCOM wire types ([MS-DCOM] 2.2):
 * COMVERSION, ORPCTHIS/ORPCTHAT with their extent arrays, STDOBJREF,
 * REMQIRESULT, REMINTERFACEREF and DUALSTRINGARRAY.  Declarations only;
 * the NDR engine does the work.
 */
#include <config.h>

#include "dcom/dcom_int.h"

/* 2.2.11 COMVERSION */
static const struct ndr_field comversion_fields[] = {
	NDR_FIELD(struct dcom_comversion, major, &ndr_t_u16),
	NDR_FIELD(struct dcom_comversion, minor, &ndr_t_u16),
};
NDR_STRUCT_TYPE(dcom_t_comversion, struct dcom_comversion, comversion_fields);

/* 2.2.21.1 ORPC_EXTENT: data is [size_is((size+7)&~7)] */
static NDR_CONF_ARRAY_TYPE(extent_data, &ndr_t_u8);
static const struct ndr_field extent_fields[] = {
	NDR_FIELD(struct dcom_orpc_extent, id, &ndr_t_guid),
	NDR_FIELD(struct dcom_orpc_extent, size, &ndr_t_u32),
	NDR_FIELD_SIZED_ROUND(struct dcom_orpc_extent, data, &extent_data, 1, 8),
};
static NDR_STRUCT_TYPE(extent_t, struct dcom_orpc_extent, extent_fields);
static NDR_PTR_TYPE(unique_extent, NDR_PTR_UNIQUE, &extent_t);

/* 2.2.21.2 ORPC_EXTENT_ARRAY: [size_is((size+1)&~1), unique] ORPC_EXTENT **extent */
static NDR_PTR_TYPE(extent_list, NDR_PTR_UNIQUE, &unique_extent);
static const struct ndr_field extent_array_fields[] = {
	NDR_FIELD(struct dcom_orpc_extent_array, size, &ndr_t_u32),
	NDR_FIELD(struct dcom_orpc_extent_array, reserved, &ndr_t_u32),
	NDR_FIELD_SIZED_ROUND(struct dcom_orpc_extent_array, extent, &extent_list, 0, 2),
};
static NDR_STRUCT_TYPE(extent_array_t, struct dcom_orpc_extent_array, extent_array_fields);
static NDR_PTR_TYPE(unique_extent_array, NDR_PTR_UNIQUE, &extent_array_t);

/* 2.2.13.1 ORPCTHIS */
static const struct ndr_field orpcthis_fields[] = {
	NDR_FIELD(struct dcom_orpcthis, version, &dcom_t_comversion),
	NDR_FIELD(struct dcom_orpcthis, flags, &ndr_t_u32),
	NDR_FIELD(struct dcom_orpcthis, reserved1, &ndr_t_u32),
	NDR_FIELD(struct dcom_orpcthis, cid, &ndr_t_guid),
	NDR_FIELD(struct dcom_orpcthis, extensions, &unique_extent_array),
};
NDR_STRUCT_TYPE(dcom_t_orpcthis, struct dcom_orpcthis, orpcthis_fields);

/* 2.2.13.2 ORPCTHAT */
static const struct ndr_field orpcthat_fields[] = {
	NDR_FIELD(struct dcom_orpcthat, flags, &ndr_t_u32),
	NDR_FIELD(struct dcom_orpcthat, extensions, &unique_extent_array),
};
NDR_STRUCT_TYPE(dcom_t_orpcthat, struct dcom_orpcthat, orpcthat_fields);

/* ORPCTHIS / ORPCTHAT as the first parameter of every ORPC method. */
struct orpcthis_param { struct dcom_orpcthis v; /* the only parameter */ };
static const struct ndr_field orpcthis_param_fields[] = {
	NDR_FIELD(struct orpcthis_param, v, &dcom_t_orpcthis),
};
NDR_PARAMS_TYPE(dcom_t_orpcthis_param, struct orpcthis_param, orpcthis_param_fields);
struct orpcthat_param { struct dcom_orpcthat v; /* the only parameter */ };
static const struct ndr_field orpcthat_param_fields[] = {
	NDR_FIELD(struct orpcthat_param, v, &dcom_t_orpcthat),
};
NDR_PARAMS_TYPE(dcom_t_orpcthat_param, struct orpcthat_param, orpcthat_param_fields);

/* 2.2.18.2 STDOBJREF */
static const struct ndr_field stdobjref_fields[] = {
	NDR_FIELD(struct dcom_stdobjref, flags, &ndr_t_u32),
	NDR_FIELD(struct dcom_stdobjref, public_refs, &ndr_t_u32),
	NDR_FIELD(struct dcom_stdobjref, oxid, &ndr_t_u64),
	NDR_FIELD(struct dcom_stdobjref, oid, &ndr_t_u64),
	NDR_FIELD(struct dcom_stdobjref, ipid, &ndr_t_guid),
};
NDR_STRUCT_TYPE(dcom_t_stdobjref, struct dcom_stdobjref, stdobjref_fields);

/* 2.2.22.2.? REMQIRESULT */
static const struct ndr_field remqiresult_fields[] = {
	NDR_FIELD(struct dcom_remqiresult, hr, &ndr_t_u32),
	NDR_FIELD(struct dcom_remqiresult, std, &dcom_t_stdobjref),
};
NDR_STRUCT_TYPE(dcom_t_remqiresult, struct dcom_remqiresult, remqiresult_fields);

/* REMINTERFACEREF */
static const struct ndr_field reminterfaceref_fields[] = {
	NDR_FIELD(struct dcom_reminterfaceref, ipid, &ndr_t_guid),
	NDR_FIELD(struct dcom_reminterfaceref, public_refs, &ndr_t_u32),
	NDR_FIELD(struct dcom_reminterfaceref, private_refs, &ndr_t_u32),
};
NDR_STRUCT_TYPE(dcom_t_reminterfaceref, struct dcom_reminterfaceref, reminterfaceref_fields);

/* 2.2.19 DUALSTRINGARRAY (as NDR; inside an OBJREF it is raw bytes) */
static NDR_CONF_ARRAY_TYPE(word_array, &ndr_t_u16);
static const struct ndr_field dsa_fields[] = {
	NDR_FIELD(struct dcom_dsa, num_entries, &ndr_t_u16),
	NDR_FIELD(struct dcom_dsa, security_offset, &ndr_t_u16),
	NDR_FIELD_SIZED(struct dcom_dsa, strings, &word_array, 0),
};
NDR_STRUCT_TYPE(dcom_t_dsa, struct dcom_dsa, dsa_fields);
NDR_PTR_TYPE(dcom_t_unique_dsa, NDR_PTR_UNIQUE, &dcom_t_dsa);
