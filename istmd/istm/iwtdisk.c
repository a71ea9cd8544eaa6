/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iwtdisk.c: IWTDisk ([MS-ISTM] 3.43), IWTDisk2 (3.44) and IWTDisk3 (3.45),
 * one virtual disk.
 *
 * The object holds a copy of the disk as the parent last described it
 * (struct svc_disk_info); Description, Flags and Enable edit the copy and
 * Save sends them to the parent, which stores them and re-applies the
 * targets that map the disk.  What changes under the object (assignment,
 * local mount, the file) is asked for again on each get.
 *
 * Linux choices where the spec leaves room (README "Virtual disks"):
 * Flags also carries istmd's read-only bit (0x100) next to
 * WTDFlagEnableLunMapping; Assigned answers (Windows: E_NOTIMPL);
 * LMMountPoint and LMCurrMountDeviceId answer the vhdfs mount point;
 * snapshot storage is not supported (E_INVALIDARG for types the spec
 * names, VSS_E_VOLUME_NOT_SUPPORTED for the rest of the puts); the cluster
 * properties answer as a non-clustered server; CacheParent is kept by the
 * object (libvhd always reads parents through the page cache).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/disk.h"

#define CLUSTER_RESOURCE_ONLINE 2   /* [MS-CMRP] 3.1.4.1.13 ClusterResourceOnline */
#define STATUS_IDLE 0               /* DeviceStatus Idle */
#define STATUS_IN_USE 1             /* DeviceStatus InUse */

struct wtdisk {
	struct svc_disk_info info;   /* the disk, with this object's edits */
	uint8_t cache_parent;        /* CacheParent */
};

/* ---- parameter lists ---- */
struct guid_param { struct ndr_guid guid; /* GUID */ };
static const struct ndr_field guid_fields[] = { NDR_FIELD(struct guid_param, guid, &ndr_t_guid) };
static NDR_PARAMS_TYPE(guid_t, struct guid_param, guid_fields);

struct bstr_param { struct ndr_bstr *s; /* BSTR */ };
static const struct ndr_field bstr_fields[] = { NDR_FIELD(struct bstr_param, s, &ndr_t_bstr) };
static NDR_PARAMS_TYPE(bstr_t, struct bstr_param, bstr_fields);

struct u32_param { uint32_t v; /* unsigned long, long */ };
static const struct ndr_field u32_fields[] = { NDR_FIELD(struct u32_param, v, &ndr_t_u32) };
static NDR_PARAMS_TYPE(u32_t, struct u32_param, u32_fields);

struct u16_param { uint16_t v; /* an enum (16 bits on the wire) */ };
static const struct ndr_field u16_fields[] = { NDR_FIELD(struct u16_param, v, &ndr_t_u16) };
static NDR_PARAMS_TYPE(enum_t, struct u16_param, u16_fields);

struct u8_param { uint8_t v; /* boolean */ };
static const struct ndr_field u8_fields[] = { NDR_FIELD(struct u8_param, v, &ndr_t_u8) };
static NDR_PARAMS_TYPE(bool_t, struct u8_param, u8_fields);

struct u64_param { uint64_t v; /* hyper */ };
static const struct ndr_field u64_fields[] = { NDR_FIELD(struct u64_param, v, &ndr_t_u64) };
static NDR_PARAMS_TYPE(hyper_t, struct u64_param, u64_fields);

struct mip_param { struct ndr_blob *mip; /* an interface pointer */ };
static const struct ndr_field mip_fields[] = {
	NDR_FIELD(struct mip_param, mip, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(mip_t, struct mip_param, mip_fields);

/* 2.2.4.11 LUN_STATUS */
struct lun_status {
	uint32_t lun;                /* dwLun */
	uint16_t status;             /* eStatus: DeviceStatus */
	uint32_t progress;           /* dwProgressPercent */
	uint32_t error;              /* dwCompletionError */
};
static const struct ndr_field lun_status_fields[] = {
	NDR_FIELD(struct lun_status, lun, &ndr_t_u32),
	NDR_FIELD(struct lun_status, status, &ndr_t_u16),
	NDR_FIELD(struct lun_status, progress, &ndr_t_u32),
	NDR_FIELD(struct lun_status, error, &ndr_t_u32),
};
static NDR_STRUCT_TYPE(lun_status_st, struct lun_status, lun_status_fields);
struct lun_status_param { struct lun_status s; /* [out] LUN_STATUS *Status */ };
static const struct ndr_field lun_status_param_fields[] = {
	NDR_FIELD(struct lun_status_param, s, &lun_status_st),
};
static NDR_PARAMS_TYPE(lun_status_t, struct lun_status_param, lun_status_param_fields);

/* ---- the object ---- */

static struct wtdisk *disk_of(struct dcom_call *c)
{
	return c->obj ? dcom_object_state(c->obj) : NULL;
}

uint32_t istm_wtdisk_export(struct dcom_call *c, const struct svc_disk_info *info,
			    struct ndr_blob **mip)
{
	struct wtdisk *w = calloc(1, sizeof(*w));

	if (!w)
		return E_OUTOFMEMORY;
	w->info = *info;
	return istm_export(c, &istm_class_wtdisk, &istm_if_iwtdisk, w, free, mip);
}

/* Ask the parent for what changes under the object; keep the edits. */
static uint32_t refresh(struct wtdisk *w)
{
	struct svc_disk_ref_req rq = { w->info.wtd };
	struct svc_disk_reply *r = malloc(sizeof(*r));
	uint32_t hr;

	if (!r)
		return E_OUTOFMEMORY;
	hr = ask_disk_get(&rq, r);
	if (hr == S_OK) {
		w->info.mappings = r->info.mappings;
		w->info.children = r->info.children;
		w->info.lm_type = r->info.lm_type;
		memcpy(w->info.lm_mount_point, r->info.lm_mount_point,
		       sizeof(w->info.lm_mount_point));
		w->info.file_ok = r->info.file_ok;
		w->info.allocated = r->info.allocated;
		w->info.size = r->info.size;
		w->info.persistent = r->info.persistent;
		memcpy(w->info.parent_path, r->info.parent_path, sizeof(w->info.parent_path));
	}
	free(r);
	return hr;
}

/* Every method starts here: the object's state, or E_POINTER ("the
 * virtual disk was not properly initialized"). */
#define DISK(w) \
	struct wtdisk *w = disk_of(c); \
	(void)in; \
	if (!w) \
		return E_POINTER

#define REFRESH(w) \
	do { \
		uint32_t hr_ = refresh(w); \
		if (hr_ != S_OK) \
			return hr_; \
	} while (0)

static uint32_t put_bstr(struct dcom_call *c, const char *s, void *outv)
{
	struct bstr_param *out = outv;

	return ndr_bstr_from_utf8(&c->arena, s, &out->s) < 0 ? E_OUTOFMEMORY : S_OK;
}

/* ---- IWTDisk ---- */

static uint32_t get_guid(struct dcom_call *c, const void *in, void *outv)
{
	struct guid_param *out = outv;
	DISK(w);

	memcpy(out->guid.b, w->info.guid, 16);
	return S_OK;
}

static uint32_t get_serial(struct dcom_call *c, const void *in, void *outv)
{
	DISK(w);

	return put_bstr(c, w->info.serial, outv);
}

static uint32_t get_wtd(struct dcom_call *c, const void *in, void *outv)
{
	struct u32_param *out = outv;
	DISK(w);

	out->v = (uint32_t)w->info.wtd;
	return S_OK;
}

static uint32_t get_type(struct dcom_call *c, const void *in, void *outv)
{
	struct u16_param *out = outv;
	DISK(w);

	out->v = (uint16_t)w->info.wtd_type;
	return S_OK;
}

static uint32_t get_flags(struct dcom_call *c, const void *in, void *outv)
{
	struct u32_param *out = outv;
	DISK(w);

	out->v = w->info.wtd_flags;
	return S_OK;
}

/* [propput]Flags (MAY, <91>): WTDFlagEnableLunMapping and istmd's
 * read-only bit; WTDFlagShadowLun is the server's to set.  Takes effect at
 * Save, where the base rule is checked. */
static uint32_t put_flags(struct dcom_call *c, const void *inv, void *out)
{
	const struct u32_param *in = inv;
	struct wtdisk *w = disk_of(c);

	(void)out;
	if (!w)
		return E_POINTER;
	if (in->v & ~(SVC_WTD_FLAG_ENABLE_LUN_MAPPING | SVC_WTD_FLAG_READ_ONLY))
		return E_INVALIDARG;
	w->info.wtd_flags = in->v;
	w->info.read_only = !!(in->v & SVC_WTD_FLAG_READ_ONLY);
	return S_OK;
}

static uint32_t get_status(struct dcom_call *c, const void *in, void *outv)
{
	struct u16_param *out = outv;
	DISK(w);

	REFRESH(w);
	out->v = w->info.mappings || w->info.lm_mount_point[0] ? STATUS_IN_USE : STATUS_IDLE;
	return S_OK;
}

static uint32_t get_assigned(struct dcom_call *c, const void *in, void *outv)
{
	struct u8_param *out = outv;
	DISK(w);

	REFRESH(w);
	out->v = w->info.mappings > 0;
	return S_OK;
}

static uint32_t get_description(struct dcom_call *c, const void *in, void *outv)
{
	DISK(w);

	return put_bstr(c, w->info.description, outv);
}

static uint32_t put_description(struct dcom_call *c, const void *inv, void *out)
{
	const struct bstr_param *in = inv;
	struct wtdisk *w = disk_of(c);
	char *s;

	(void)out;
	if (!w)
		return E_POINTER;
	if (!in->s)
		s = "";
	else if (ndr_bstr_to_utf8(&c->arena, in->s, &s) < 0)
		return E_INVALIDARG;
	if (strlen(s) >= sizeof(w->info.description))
		return E_INVALIDARG;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return E_INVALIDARG;   /* no control characters in a description */
	strcpy(w->info.description, s);
	return S_OK;
}

static uint32_t get_device_path(struct dcom_call *c, const void *in, void *outv)
{
	DISK(w);

	return put_bstr(c, w->info.path, outv);
}

static uint32_t get_size(struct dcom_call *c, const void *in, void *outv)
{
	struct u64_param *out = outv;
	DISK(w);

	out->v = w->info.size;
	return S_OK;
}

static uint32_t get_snapshot_path(struct dcom_call *c, const void *in, void *outv)
{
	DISK(w);

	if (w->info.wtd_type != 1)
		return E_INVALIDARG;
	return put_bstr(c, "", outv);       /* no snapshot storage */
}

static uint32_t get_snapshot_size(struct dcom_call *c, const void *in, void *outv)
{
	struct u64_param *out = outv;
	DISK(w);

	if (w->info.wtd_type != 1)
		return E_INVALIDARG;
	out->v = 0;
	return S_OK;
}

/* Snapshot storage cannot be configured: E_INVALIDARG where 3.43.4.19/21
 * say so (not a fixed VHD file), otherwise the volume "does not support
 * shadow copies". */
static uint32_t put_snapshot(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	DISK(w);

	if (w->info.wtd_type != 1 || w->info.vhd_type != 1)
		return E_INVALIDARG;
	if (!w->info.enabled)
		return S_OK;        /* "MUST NOT change ... but simply return S_OK" */
	return VSS_E_VOLUME_NOT_SUPPORTED;
}

static uint32_t get_lm_type(struct dcom_call *c, const void *in, void *outv)
{
	struct u16_param *out = outv;
	DISK(w);

	REFRESH(w);
	out->v = (uint16_t)w->info.lm_type;
	return S_OK;
}

static uint32_t get_zero_hyper(struct dcom_call *c, const void *in, void *outv)
{
	struct u64_param *out = outv;
	DISK(w);

	out->v = 0;            /* LMTimeStamp: no snapshot store */
	return S_OK;
}

static uint32_t get_lm_mount_point(struct dcom_call *c, const void *in, void *outv)
{
	DISK(w);

	REFRESH(w);
	return put_bstr(c, w->info.lm_mount_point, outv);
}

static uint32_t get_lm_snapshot_id(struct dcom_call *c, const void *in, void *outv)
{
	struct guid_param *out = outv;
	DISK(w);

	memset(out->guid.b, 0, 16);   /* mounted directly, never from a snapshot */
	return S_OK;
}

static uint32_t save(struct dcom_call *c, const void *in, void *out)
{
	struct svc_disk_save_req rq;

	(void)out;
	DISK(w);

	memset(&rq, 0, sizeof(rq));
	rq.wtd = w->info.wtd;
	memcpy(rq.description, w->info.description, sizeof(rq.description));
	rq.wtd_flags = w->info.wtd_flags & (SVC_WTD_FLAG_ENABLE_LUN_MAPPING | SVC_WTD_FLAG_READ_ONLY);
	rq.enabled = w->info.enabled ? 1 : 0;
	return ask_disk_save(&rq);
}

static uint32_t mount_direct(struct dcom_call *c, const void *in, void *out)
{
	struct svc_disk_ref_req rq;

	(void)out;
	DISK(w);

	rq.wtd = w->info.wtd;
	return ask_disk_mount(&rq);
}

static uint32_t dismount(struct dcom_call *c, const void *in, void *out)
{
	struct svc_disk_ref_req rq;

	(void)out;
	DISK(w);

	rq.wtd = w->info.wtd;
	return ask_disk_dismount(&rq);
}

static uint32_t enum_lm_mount_points(struct dcom_call *c, const void *in, void *outv)
{
	struct mip_param *out = outv;
	DISK(w);

	return istm_enum_lmmountpoint_new(c, w->info.wtd, &out->mip);
}

static uint32_t get_volume_guid(struct dcom_call *c, const void *in, void *outv)
{
	struct guid_param *out = outv;
	struct svc_disk_volume_req *rq;
	struct svc_disk_volume_reply r;
	uint32_t hr;
	DISK(w);

	if (w->info.wtd_type != 1)
		return E_INVALIDARG;
	rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	if (!rq)
		return E_OUTOFMEMORY;
	memcpy(rq->path, w->info.path, sizeof(rq->path));
	hr = ask_disk_volume(rq, &r);
	if (hr == S_OK)
		memcpy(out->guid.b, r.guid, 16);
	return hr;
}

/* ---- IWTDisk2 ---- */

static uint32_t get_enable(struct dcom_call *c, const void *in, void *outv)
{
	struct u8_param *out = outv;
	DISK(w);

	out->v = w->info.enabled;
	return S_OK;
}

static uint32_t put_enable(struct dcom_call *c, const void *inv, void *out)
{
	const struct u8_param *in = inv;
	struct wtdisk *w = disk_of(c);

	(void)out;
	if (!w)
		return E_POINTER;
	w->info.enabled = in->v ? 1 : 0;
	return S_OK;
}

static uint32_t get_empty_string(struct dcom_call *c, const void *in, void *outv)
{
	DISK(w);

	(void)w;
	return put_bstr(c, "", outv);   /* ResourceName, ResourceGroupName: not clustered */
}

/* Not clustered: only the empty name is a valid resource name. */
static uint32_t put_resource_name(struct dcom_call *c, const void *inv, void *out)
{
	const struct bstr_param *in = inv;

	(void)out;
	if (!disk_of(c))
		return E_POINTER;
	return !in->s || in->s->nchars == 0 ? S_OK : E_INVALIDARG;
}

static uint32_t is_alive(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	DISK(w);

	REFRESH(w);
	return w->info.file_ok ? S_OK : ERROR_FILE_NOT_FOUND;
}

/* Every caller is remote (3.44.4.8). */
static uint32_t save_to_stream(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	DISK(w);

	(void)w;
	return E_ACCESSDENIED;
}

/* ---- IWTDisk3 ---- */

static uint32_t get_vhd_type(struct dcom_call *c, const void *in, void *outv)
{
	struct u16_param *out = outv;
	DISK(w);

	out->v = (uint16_t)w->info.vhd_type;
	return S_OK;
}

static uint32_t get_parent_path(struct dcom_call *c, const void *in, void *outv)
{
	DISK(w);

	if (w->info.vhd_type != 2)
		return S_OK;            /* not applicable: no string assigned */
	REFRESH(w);
	return put_bstr(c, w->info.parent_path, outv);
}

static uint32_t get_allocated(struct dcom_call *c, const void *in, void *outv)
{
	struct u64_param *out = outv;
	DISK(w);

	REFRESH(w);
	out->v = w->info.allocated;
	return S_OK;
}

static uint32_t get_cache_parent(struct dcom_call *c, const void *in, void *outv)
{
	struct u8_param *out = outv;
	DISK(w);

	out->v = w->cache_parent;
	return S_OK;
}

static uint32_t put_cache_parent(struct dcom_call *c, const void *inv, void *out)
{
	const struct u8_param *in = inv;
	struct wtdisk *w = disk_of(c);

	(void)out;
	if (!w)
		return E_POINTER;
	if (w->info.vhd_type != 2)
		return E_INVALIDARG;
	w->cache_parent = in->v ? 1 : 0;
	return S_OK;
}

static uint32_t get_resource_state(struct dcom_call *c, const void *in, void *outv)
{
	struct u32_param *out = outv;
	DISK(w);

	(void)w;
	out->v = CLUSTER_RESOURCE_ONLINE;
	return S_OK;
}

static uint32_t get_lun_status(struct dcom_call *c, const void *in, void *outv)
{
	struct lun_status_param *out = outv;
	DISK(w);

	REFRESH(w);
	if (!w->info.enabled)
		return E_FAIL;
	out->s.lun = (uint32_t)w->info.wtd;
	out->s.status = w->info.mappings || w->info.lm_mount_point[0] ? STATUS_IN_USE
		: STATUS_IDLE;
	return S_OK;
}

/* Opnums 3..41. */
static const struct dcom_method iwtdisk_methods[] = {
	{ "get_Guid", &ndr_t_no_params, &guid_t, get_guid },
	{ "get_SerialNumber", &ndr_t_no_params, &bstr_t, get_serial },
	{ "get_WTD", &ndr_t_no_params, &u32_t, get_wtd },
	{ "put_WTD", &u32_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_Type", &ndr_t_no_params, &enum_t, get_type },
	{ "put_Type", &enum_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_Flags", &ndr_t_no_params, &u32_t, get_flags },
	{ "put_Flags", &u32_t, &ndr_t_no_params, put_flags },
	{ "get_Status", &ndr_t_no_params, &enum_t, get_status },
	{ "put_Status", &enum_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_Assigned", &ndr_t_no_params, &bool_t, get_assigned },
	{ "put_Assigned", &bool_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_Description", &ndr_t_no_params, &bstr_t, get_description },
	{ "put_Description", &bstr_t, &ndr_t_no_params, put_description },
	{ "get_DevicePath", &ndr_t_no_params, &bstr_t, get_device_path },
	{ "put_DevicePath", &bstr_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_Size", &ndr_t_no_params, &hyper_t, get_size },
	{ "get_SnapshotStoragePath", &ndr_t_no_params, &bstr_t, get_snapshot_path },
	{ "put_SnapshotStoragePath", &bstr_t, &ndr_t_no_params, put_snapshot },
	{ "get_SnapshotStorageSize", &ndr_t_no_params, &hyper_t, get_snapshot_size },
	{ "put_SnapshotStorageSize", &hyper_t, &ndr_t_no_params, put_snapshot },
	{ "get_SnapshotStorageUsedSize", &ndr_t_no_params, &hyper_t, get_snapshot_size },
	{ "get_LMType", &ndr_t_no_params, &enum_t, get_lm_type },
	{ "put_LMType", &enum_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_LMStatus", &ndr_t_no_params, &enum_t, get_lm_type },
	{ "get_LMTimeStamp", &ndr_t_no_params, &hyper_t, get_zero_hyper },
	{ "get_LMWTManageMountPoint", &ndr_t_no_params, &bool_t, istm_not_implemented },
	{ "put_LMWTManageMountPoint", &bool_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_LMMountPoint", &ndr_t_no_params, &bstr_t, get_lm_mount_point },
	{ "put_LMMountPoint", &bstr_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_LMCurrMountDeviceId", &ndr_t_no_params, &bstr_t, get_lm_mount_point },
	{ "put_LMCurrMountDeviceId", &bstr_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_LMSnapshotId", &ndr_t_no_params, &guid_t, get_lm_snapshot_id },
	{ "Save", &ndr_t_no_params, &ndr_t_no_params, save },
	{ "DVMountDirect", &ndr_t_no_params, &ndr_t_no_params, mount_direct },
	{ "DVDismount", &ndr_t_no_params, &ndr_t_no_params, dismount },
	{ "EnumLMMountPoints", &ndr_t_no_params, &mip_t, enum_lm_mount_points },
	/* VDS_LUN_INFORMATION ([MS-VDS]) is not described: E_NOTIMPL */
	{ "GetVdsLunInfo", &ndr_t_no_params, &ndr_t_no_params, istm_not_implemented },
	{ "GetDeviceVolumeGuid", &ndr_t_no_params, &guid_t, get_volume_guid },
};

const struct dcom_iface istm_if_iwtdisk = {
	.name = "IWTDisk",
	.iid = NDR_GUID_INIT(0x866a78bc, 0xa2fb, 0x4ac4, 0x94, 0xd5, 0xdb, 0x30, 0x41, 0xb4, 0xed, 0x75),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(iwtdisk_methods),
	.methods = iwtdisk_methods,
};

/* Opnums 42..49. */
static const struct dcom_method iwtdisk2_methods[] = {
	{ "get_Enable", &ndr_t_no_params, &bool_t, get_enable },
	{ "put_Enable", &bool_t, &ndr_t_no_params, put_enable },
	{ "get_ResourceName", &ndr_t_no_params, &bstr_t, get_empty_string },
	{ "put_ResourceName", &bstr_t, &ndr_t_no_params, put_resource_name },
	{ "get_ResourceGroupName", &ndr_t_no_params, &bstr_t, get_empty_string },
	{ "put_ResourceGroupName", &bstr_t, &ndr_t_no_params, istm_not_implemented },
	{ "IsAlive", &ndr_t_no_params, &ndr_t_no_params, is_alive },
	{ "SaveToStream", &mip_t, &ndr_t_no_params, save_to_stream },
};

const struct dcom_iface istm_if_iwtdisk2 = {
	.name = "IWTDisk2",
	.iid = NDR_GUID_INIT(0x348a0821, 0x69bb, 0x4889, 0xa1, 0x01, 0x6a, 0x9b, 0xde, 0x6f, 0xa7, 0x20),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_iwtdisk,
	.first_opnum = 42,
	.nmethods = NDR_COUNTOF(iwtdisk2_methods),
	.methods = iwtdisk2_methods,
};

/* Opnums 50..57. */
static const struct dcom_method iwtdisk3_methods[] = {
	{ "get_VhdType", &ndr_t_no_params, &enum_t, get_vhd_type },
	{ "get_ParentPath", &ndr_t_no_params, &bstr_t, get_parent_path },
	{ "get_AllocatedSize", &ndr_t_no_params, &hyper_t, get_allocated },
	{ "get_CacheParent", &ndr_t_no_params, &bool_t, get_cache_parent },
	{ "put_CacheParent", &bool_t, &ndr_t_no_params, put_cache_parent },
	{ "get_ResourceState", &ndr_t_no_params, &u32_t, get_resource_state },
	{ "put_ResourceState", &u32_t, &ndr_t_no_params, istm_not_implemented },
	{ "GetLunStatus", &ndr_t_no_params, &lun_status_t, get_lun_status },
};

const struct dcom_iface istm_if_iwtdisk3 = {
	.name = "IWTDisk3",
	.iid = NDR_GUID_INIT(0x1822a95e, 0x1c2b, 0x4d02, 0xab, 0x25, 0xcc, 0x11, 0x6d, 0xd9, 0xdb, 0xde),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_iwtdisk2,
	.first_opnum = 50,
	.nmethods = NDR_COUNTOF(iwtdisk3_methods),
	.methods = iwtdisk3_methods,
};

static const struct dcom_iface *const wtdisk_ifaces[] = { &istm_if_iwtdisk3 };
const struct dcom_class istm_class_wtdisk = {
	.name = "IWTDisk",
	.ifaces = wtdisk_ifaces, .nifaces = NDR_COUNTOF(wtdisk_ifaces),
};
