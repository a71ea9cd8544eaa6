/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_lmmountpoint.c: IEnumLMMountPoint ([MS-ISTM] 3.10), the local
 * mount points of one virtual disk (IWTDisk::EnumLMMountPoints): the
 * vhdfs mount directory while the disk is mounted, nothing otherwise.
 * The generic enumerator (istm_enum.c) does Next, Skip, Reset and Clone.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/disk.h"

/* 2.2.4.12 MOUNT_POINT */
struct mount_point {
	uint16_t path[512];          /* WCHAR szPath[512] */
};
static NDR_FIXED_ARRAY_TYPE(path_t, &ndr_t_u16, 512, uint16_t[512]);
static const struct ndr_field mount_point_fields[] = {
	NDR_FIELD(struct mount_point, path, &path_t),
};
static NDR_STRUCT_TYPE(mount_point_t, struct mount_point, mount_point_fields);

struct next_in {
	uint32_t n;                  /* [in] ULONG ulNumElements (first: istm_enum_next) */
	struct mount_point elem;     /* [in, out] MOUNT_POINT *pElements */
};
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, elem, &mount_point_t),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);

struct next_out {
	struct mount_point elem;     /* [in, out] MOUNT_POINT *pElements */
	uint32_t returned;           /* [out] ULONG *pNumElementsReturned */
};
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, elem, &mount_point_t),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);

static uint32_t to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			void *elem)
{
	const struct svc_disk_mount_item *m = item;
	struct mount_point *out = elem;

	(void)c;
	(void)e;
	if (strnlen(m->path, sizeof(m->path)) >= 512)
		return ERROR_INSUFFICIENT_BUFFER;
	ndr_wchar_fixed_set(out->path, 512, m->path);
	return S_OK;
}

static const struct dcom_method methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumlmmountpoint = {
	.name = "IEnumLMMountPoint",
	.iid = NDR_GUID_INIT(0x100da538, 0x3f4a, 0x45ab, 0xb8, 0x52, 0x70, 0x91, 0x48, 0x15, 0x27, 0x89),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(methods),
	.methods = methods,
};

static const struct dcom_iface *const ifaces[] = { &istm_if_ienumlmmountpoint };
const struct dcom_class istm_class_enum_lmmountpoint = {
	.name = "IEnumLMMountPoint",
	.ifaces = ifaces, .nifaces = NDR_COUNTOF(ifaces),
};

static const struct istm_enum_kind kind = {
	.name = "IEnumLMMountPoint",
	.iface = &istm_if_ienumlmmountpoint,
	.cls = &istm_class_enum_lmmountpoint,
	.verb = SVC_DISK_MOUNTS,
	.item_size = sizeof(struct svc_disk_mount_item),
	.next_out_elem = offsetof(struct next_out, elem),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = to_wire,
};

uint32_t istm_enum_lmmountpoint_new(struct dcom_call *c, int64_t wtd, struct ndr_blob **mip)
{
	return istm_enum_new(c, &kind, wtd, 0, NULL, mip);
}
