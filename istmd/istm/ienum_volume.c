/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_volume.c: IEnumVolume and IEnumVolume2 ([MS-ISTM] 3.17, 3.18),
 * the VOLUME / VOLUME2 wire structures (2.2.4.19, 2.2.4.20) and how a
 * storage root becomes one.  Every storage root is one volume: mounted at
 * "C:\", valid for virtual disks, not a system volume, no page file, on no
 * physical disk that ISTM exposes (dwDiskIndex is the root's position), in
 * no resource group.  Trade-off: a root that shares a file system with
 * another root is still its own volume (its sizes are the file system's),
 * since the roots, not the file systems, are what clients name.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/device.h"

static NDR_FIXED_ARRAY_TYPE(wchar64_t, &ndr_t_u16, 64, uint16_t[64]);
static NDR_FIXED_ARRAY_TYPE(wchar512_t, &ndr_t_u16, 512, uint16_t[512]);

/* 2.2.4.19 VOLUME */
struct istm_volume {
	uint32_t disk_index;         /* dwDiskIndex */
	uint16_t guid[64];           /* szGuid */
	uint16_t mount_point[512];   /* szMountPoint */
	uint16_t label[64];          /* szLabel */
	uint16_t file_system[64];    /* szFileSystem */
	uint8_t system_volume;       /* bSystemVolume */
	uint8_t page_file;           /* bPageFile */
	uint64_t offset;             /* hyOffset */
	uint64_t size;               /* hySize */
	uint64_t total_size;         /* hyTotalVolSize */
	uint32_t valid_wt_volume;    /* bValidWTVolume */
	uint32_t extended_partition; /* bIsContainedInExtendedPartition */
	uint32_t dynamic_disk;       /* bIsOnDynamicDisk */
	uint32_t unallocated;        /* bUnallocated */
};
static const struct ndr_field volume_fields[] = {
	NDR_FIELD(struct istm_volume, disk_index, &ndr_t_u32),
	NDR_FIELD(struct istm_volume, guid, &wchar64_t),
	NDR_FIELD(struct istm_volume, mount_point, &wchar512_t),
	NDR_FIELD(struct istm_volume, label, &wchar64_t),
	NDR_FIELD(struct istm_volume, file_system, &wchar64_t),
	NDR_FIELD(struct istm_volume, system_volume, &ndr_t_u8),
	NDR_FIELD(struct istm_volume, page_file, &ndr_t_u8),
	NDR_FIELD(struct istm_volume, offset, &ndr_t_u64),
	NDR_FIELD(struct istm_volume, size, &ndr_t_u64),
	NDR_FIELD(struct istm_volume, total_size, &ndr_t_u64),
	NDR_FIELD(struct istm_volume, valid_wt_volume, &ndr_t_u32),
	NDR_FIELD(struct istm_volume, extended_partition, &ndr_t_u32),
	NDR_FIELD(struct istm_volume, dynamic_disk, &ndr_t_u32),
	NDR_FIELD(struct istm_volume, unallocated, &ndr_t_u32),
};
static NDR_STRUCT_TYPE(volume_t, struct istm_volume, volume_fields);

static const struct ndr_field volume2_fields[] = {
	NDR_FIELD(struct istm_volume2, disk_index, &ndr_t_u32),
	NDR_FIELD(struct istm_volume2, guid, &wchar64_t),
	NDR_FIELD(struct istm_volume2, mount_point, &wchar512_t),
	NDR_FIELD(struct istm_volume2, label, &wchar64_t),
	NDR_FIELD(struct istm_volume2, file_system, &wchar64_t),
	NDR_FIELD(struct istm_volume2, system_volume, &ndr_t_u8),
	NDR_FIELD(struct istm_volume2, page_file, &ndr_t_u8),
	NDR_FIELD(struct istm_volume2, offset, &ndr_t_u64),
	NDR_FIELD(struct istm_volume2, size, &ndr_t_u64),
	NDR_FIELD(struct istm_volume2, total_size, &ndr_t_u64),
	NDR_FIELD(struct istm_volume2, free_space, &ndr_t_u64),
	NDR_FIELD(struct istm_volume2, valid_wt_volume, &ndr_t_u32),
	NDR_FIELD(struct istm_volume2, extended_partition, &ndr_t_u32),
	NDR_FIELD(struct istm_volume2, dynamic_disk, &ndr_t_u32),
	NDR_FIELD(struct istm_volume2, unallocated, &ndr_t_u32),
	NDR_FIELD(struct istm_volume2, sparse_files, &ndr_t_u32),
	NDR_FIELD(struct istm_volume2, quorum, &ndr_t_u32),
	NDR_FIELD(struct istm_volume2, resource_group, &wchar512_t),
	NDR_FIELD(struct istm_volume2, max_file_size, &ndr_t_u64),
};
NDR_STRUCT_TYPE(istm_t_volume2, struct istm_volume2, volume2_fields);

void istm_volume2_fill(struct istm_volume2 *v, const struct svc_device_volume *from)
{
	memset(v, 0, sizeof(*v));
	v->disk_index = from->index;
	ndr_wchar_fixed_set(v->guid, 64, from->guid);
	ndr_wchar_fixed_set(v->mount_point, 512, from->drive);
	ndr_wchar_fixed_set(v->label, 64, from->label);
	ndr_wchar_fixed_set(v->file_system, 64, from->fs_name);
	v->size = from->total_bytes;
	v->total_size = from->total_bytes;
	v->free_space = from->free_bytes;
	v->valid_wt_volume = 1;
	v->sparse_files = from->sparse ? 1 : 0;
	v->max_file_size = from->max_file_size;
}

/* ---- IEnumVolume ---- */
struct next_in { uint32_t n; struct istm_volume e; /* ulNumElements, [in,out] pElements */ };
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, e, &volume_t),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);
struct next_out { struct istm_volume e; uint32_t returned; /* pElements, pNumElementsReturned */ };
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, e, &volume_t),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);

static uint32_t volume_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			       void *elem)
{
	struct svc_device_volume from;
	struct istm_volume2 v2;
	struct istm_volume *v = elem;

	(void)c;
	(void)e;
	memcpy(&from, item, sizeof(from));
	istm_volume2_fill(&v2, &from);
	memset(v, 0, sizeof(*v));
	v->disk_index = v2.disk_index;
	memcpy(v->guid, v2.guid, sizeof(v->guid));
	memcpy(v->mount_point, v2.mount_point, sizeof(v->mount_point));
	memcpy(v->label, v2.label, sizeof(v->label));
	memcpy(v->file_system, v2.file_system, sizeof(v->file_system));
	v->size = v2.size;
	v->total_size = v2.total_size;
	v->valid_wt_volume = v2.valid_wt_volume;
	return S_OK;
}

static const struct dcom_method ienumvolume_methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumvolume = {
	.name = "IEnumVolume",
	.iid = NDR_GUID_INIT(0x81fe3594, 0x2495, 0x4c91, 0x95, 0xbb, 0xeb, 0x57, 0x85, 0x61, 0x4e, 0xc7),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumvolume_methods),
	.methods = ienumvolume_methods,
};

static const struct dcom_iface *const enum_volume_ifaces[] = { &istm_if_ienumvolume };
const struct dcom_class istm_class_enum_volume = {
	.name = "IEnumVolume",
	.ifaces = enum_volume_ifaces, .nifaces = NDR_COUNTOF(enum_volume_ifaces),
};

const struct istm_enum_kind istm_kind_volume = {
	.name = "IEnumVolume",
	.iface = &istm_if_ienumvolume,
	.cls = &istm_class_enum_volume,
	.verb = SVC_DEVICE_VOLUMES,
	.item_size = sizeof(struct svc_device_volume),
	.next_out_elem = offsetof(struct next_out, e),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = volume_to_wire,
};

/* ---- IEnumVolume2 ---- */
struct next2_in { uint32_t n; struct istm_volume2 e; /* ulNumElements, [in,out] pElements */ };
static const struct ndr_field next2_in_fields[] = {
	NDR_FIELD(struct next2_in, n, &ndr_t_u32),
	NDR_FIELD(struct next2_in, e, &istm_t_volume2),
};
static NDR_PARAMS_TYPE(next2_in_t, struct next2_in, next2_in_fields);
struct next2_out { struct istm_volume2 e; uint32_t returned; /* pElements, pNumElementsReturned */ };
static const struct ndr_field next2_out_fields[] = {
	NDR_FIELD(struct next2_out, e, &istm_t_volume2),
	NDR_FIELD(struct next2_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next2_out_t, struct next2_out, next2_out_fields);

static uint32_t volume2_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
				void *elem)
{
	struct svc_device_volume from;

	(void)c;
	(void)e;
	memcpy(&from, item, sizeof(from));
	istm_volume2_fill(elem, &from);
	return S_OK;
}

static const struct dcom_method ienumvolume2_methods[] = {
	{ "Next", &next2_in_t, &next2_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumvolume2 = {
	.name = "IEnumVolume2",
	.iid = NDR_GUID_INIT(0x8c58f6b3, 0x4736, 0x432a, 0x89, 0x1d, 0x38, 0x9d, 0xe3, 0x50, 0x5c, 0x7c),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumvolume2_methods),
	.methods = ienumvolume2_methods,
};

static const struct dcom_iface *const enum_volume2_ifaces[] = { &istm_if_ienumvolume2 };
const struct dcom_class istm_class_enum_volume2 = {
	.name = "IEnumVolume2",
	.ifaces = enum_volume2_ifaces, .nifaces = NDR_COUNTOF(enum_volume2_ifaces),
};

const struct istm_enum_kind istm_kind_volume2 = {
	.name = "IEnumVolume2",
	.iface = &istm_if_ienumvolume2,
	.cls = &istm_class_enum_volume2,
	.verb = SVC_DEVICE_VOLUMES,
	.item_size = sizeof(struct svc_device_volume),
	.next_out_elem = offsetof(struct next2_out, e),
	.next_out_count = offsetof(struct next2_out, returned),
	.to_wire = volume2_to_wire,
};
