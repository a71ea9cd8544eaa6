/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr_types.c: descriptors of the primitive types and of the few
 * constructed types every interface shares (BSTR, MInterfacePointer,
 * [string] wchar_t *, [string] char *).  Interface-specific types live with their interface.
 */
#include <config.h>

#include <string.h>

#include "ndr/ndr.h"

const struct ndr_type ndr_t_u8 = { .name = "byte", .kind = NDR_U8, .csize = 1 };
const struct ndr_type ndr_t_u16 = { .name = "unsigned short", .kind = NDR_U16, .csize = 2 };
const struct ndr_type ndr_t_u32 = { .name = "unsigned long", .kind = NDR_U32, .csize = 4 };
const struct ndr_type ndr_t_u64 = { .name = "hyper", .kind = NDR_U64, .csize = 8 };
const struct ndr_type ndr_t_guid = { .name = "GUID", .kind = NDR_GUID, .csize = 16 };
const struct ndr_type ndr_t_wstring = { .name = "[string] wchar_t *", .kind = NDR_WSTRING,
	.csize = sizeof(char *) };
NDR_PTR_TYPE(ndr_t_unique_wstring, NDR_PTR_UNIQUE, &ndr_t_wstring);
/* [string] char * ([MS-VDS]'s VDS_LUN_INFORMATION): bytes as they are */
const struct ndr_type ndr_t_cstring = { .name = "[string] char *", .kind = NDR_CSTRING,
	.csize = sizeof(char *) };
NDR_PTR_TYPE(ndr_t_unique_cstring, NDR_PTR_UNIQUE, &ndr_t_cstring);

/* [MS-DCOM] 2.2.14 MInterfacePointer: ulCntData, [size_is(ulCntData)] byte abData[] */
static NDR_CONF_ARRAY_TYPE(byte_conf_array, &ndr_t_u8);
static const struct ndr_field mip_fields[] = {
	NDR_FIELD(struct ndr_blob, len, &ndr_t_u32),
	NDR_FIELD_SIZED(struct ndr_blob, data, &byte_conf_array, 0),
};
NDR_STRUCT_TYPE(ndr_t_mip, struct ndr_blob, mip_fields);
NDR_PTR_TYPE(ndr_t_unique_mip, NDR_PTR_UNIQUE, &ndr_t_mip);

/* [MS-OAUT] 2.2.23.1 FLAGGED_WORD_BLOB: cBytes, clSize, [size_is(clSize)] asData[] */
static NDR_CONF_ARRAY_TYPE(word_conf_array, &ndr_t_u16);
static const struct ndr_field fwb_fields[] = {
	NDR_FIELD(struct ndr_bstr, cbytes, &ndr_t_u32),
	NDR_FIELD(struct ndr_bstr, nchars, &ndr_t_u32),
	NDR_FIELD_SIZED(struct ndr_bstr, chars, &word_conf_array, 1),
};
NDR_STRUCT_TYPE(ndr_t_flagged_word_blob, struct ndr_bstr, fwb_fields);
/* [MS-OAUT] 2.2.23.2 BSTR: wire_marshal'd as a unique FLAGGED_WORD_BLOB * */
NDR_PTR_TYPE(ndr_t_bstr, NDR_PTR_UNIQUE, &ndr_t_flagged_word_blob);

/* An empty parameter list (methods without [in] or [out] parameters). */
const struct ndr_type ndr_t_no_params = { .name = "void", .kind = NDR_PARAMS, .csize = 1 };

const struct ndr_field *ndr_type_field(const struct ndr_type *t, const char *name)
{
	uint32_t i;

	for (i = 0; i < t->nfields; i++)
		if (strcmp(t->fields[i].name, name) == 0)
			return &t->fields[i];
	return NULL;
}
