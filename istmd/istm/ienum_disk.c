/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_disk.c: IEnumDisk and IEnumDisk2 ([MS-ISTM] 3.6, 3.7) with the
 * DISK / DISK2 wire structures (2.2.4.4, 2.2.4.5).  istmd exposes no
 * physical disks (storage lives in files under the storage roots, and
 * CreateVolume is not implemented), so both enumerations are empty, as
 * Windows' are (<58>, <71>); the interfaces are complete all the same, so
 * a client walking them sees S_FALSE at once rather than E_NOINTERFACE.
 */
#include <config.h>

#include "istm/istm.h"
#include "proto/device.h"

static NDR_FIXED_ARRAY_TYPE(wchar64_t, &ndr_t_u16, 64, uint16_t[64]);
static NDR_FIXED_ARRAY_TYPE(wchar512_t, &ndr_t_u16, 512, uint16_t[512]);

/* 2.2.4.5 DISK2 (DISK is its first three members) */
struct istm_disk2 {
	uint32_t index;              /* dwIndex */
	uint16_t win32_path[64];     /* szWin32Path */
	uint64_t size;               /* hySize */
	uint16_t resource_group[512];   /* szResourceGroup */
};
static const struct ndr_field disk_fields[] = {
	NDR_FIELD(struct istm_disk2, index, &ndr_t_u32),
	NDR_FIELD(struct istm_disk2, win32_path, &wchar64_t),
	NDR_FIELD(struct istm_disk2, size, &ndr_t_u64),
};
static NDR_STRUCT_TYPE(disk_t, struct istm_disk2, disk_fields);
static const struct ndr_field disk2_fields[] = {
	NDR_FIELD(struct istm_disk2, index, &ndr_t_u32),
	NDR_FIELD(struct istm_disk2, win32_path, &wchar64_t),
	NDR_FIELD(struct istm_disk2, size, &ndr_t_u64),
	NDR_FIELD(struct istm_disk2, resource_group, &wchar512_t),
};
static NDR_STRUCT_TYPE(disk2_t, struct istm_disk2, disk2_fields);

struct next_in { uint32_t n; struct istm_disk2 e; /* ulNumElements, [in,out] pElements */ };
struct next_out { struct istm_disk2 e; uint32_t returned; /* pElements, pNumElementsReturned */ };
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, e, &disk_t),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, e, &disk_t),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);
static const struct ndr_field next2_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, e, &disk2_t),
};
static NDR_PARAMS_TYPE(next2_in_t, struct next_in, next2_in_fields);
static const struct ndr_field next2_out_fields[] = {
	NDR_FIELD(struct next_out, e, &disk2_t),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next2_out_t, struct next_out, next2_out_fields);

/* The collection is empty: an item can only be a parent bug. */
static uint32_t no_item(struct dcom_call *c, const struct istm_enum *e, const void *item,
			void *elem)
{
	(void)c;
	(void)e;
	(void)item;
	(void)elem;
	return E_UNEXPECTED;
}

static const struct dcom_method ienumdisk_methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};
static const struct dcom_method ienumdisk2_methods[] = {
	{ "Next", &next2_in_t, &next2_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumdisk = {
	.name = "IEnumDisk",
	.iid = NDR_GUID_INIT(0xbb39e296, 0xad26, 0x42c5, 0x98, 0x90, 0x53, 0x25, 0x33, 0x3b, 0xb1, 0x1e),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumdisk_methods),
	.methods = ienumdisk_methods,
};
const struct dcom_iface istm_if_ienumdisk2 = {
	.name = "IEnumDisk2",
	.iid = NDR_GUID_INIT(0xa5ecfc73, 0x0013, 0x4a9e, 0x95, 0x1c, 0x59, 0xbf, 0x97, 0x35, 0xfd, 0xda),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumdisk2_methods),
	.methods = ienumdisk2_methods,
};

static const struct dcom_iface *const enum_disk_ifaces[] = { &istm_if_ienumdisk };
const struct dcom_class istm_class_enum_disk = {
	.name = "IEnumDisk",
	.ifaces = enum_disk_ifaces, .nifaces = NDR_COUNTOF(enum_disk_ifaces),
};
static const struct dcom_iface *const enum_disk2_ifaces[] = { &istm_if_ienumdisk2 };
const struct dcom_class istm_class_enum_disk2 = {
	.name = "IEnumDisk2",
	.ifaces = enum_disk2_ifaces, .nifaces = NDR_COUNTOF(enum_disk2_ifaces),
};

const struct istm_enum_kind istm_kind_disk = {
	.name = "IEnumDisk",
	.iface = &istm_if_ienumdisk,
	.cls = &istm_class_enum_disk,
	.verb = SVC_DEVICE_EMPTY,
	.item_size = 1,
	.next_out_elem = offsetof(struct next_out, e),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = no_item,
};
const struct istm_enum_kind istm_kind_disk2 = {
	.name = "IEnumDisk2",
	.iface = &istm_if_ienumdisk2,
	.cls = &istm_class_enum_disk2,
	.verb = SVC_DEVICE_EMPTY,
	.item_size = 1,
	.next_out_elem = offsetof(struct next_out, e),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = no_item,
};
