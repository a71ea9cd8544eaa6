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
 * snapshot storage is the folder of layers beside the disk, which
 * cannot be moved or sized (E_INVALIDARG for types the spec names,
 * VSS_E_VOLUME_NOT_SUPPORTED for the rest of the puts); the cluster
 * properties answer as a non-clustered server; CacheParent is the
 * parent's (stored, applied as bs_vhd's cache_parent=1 on the disk's LUs,
 * svc_cache_parent.c) and changes at once, before the disk is assigned.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/disk.h"
#include "proto/snapshot.h"

#define CLUSTER_RESOURCE_ONLINE 2   /* [MS-CMRP] 3.1.4.1.13 ClusterResourceOnline */
#define STATUS_IDLE 0               /* DeviceStatus Idle */
#define STATUS_IN_USE 1             /* DeviceStatus InUse */

struct wtdisk {
	struct svc_disk_info info;   /* the disk, with this object's edits */
};

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
		w->info.cache_parent = r->info.cache_parent;
	}
	free(r);
	return hr;
}

/* Every method starts here: the object's state, or E_POINTER ("the
 * virtual disk was not properly initialized"). */
#define DISK(w) \
	struct wtdisk *w = disk_of(c); \
	if (!w) \
		return E_POINTER

#define REFRESH(w) \
	do { \
		uint32_t hr_ = refresh(w); \
		if (hr_ != S_OK) \
			return hr_; \
	} while (0)

static uint32_t put_bstr(struct dcom_call *c, const char *s, struct ndr_bstr **out)
{
	return ndr_bstr_from_utf8(&c->arena, s, out) < 0 ? E_OUTOFMEMORY : S_OK;
}

/* ---- IWTDisk ---- */

uint32_t IWTDisk_get_Guid(struct dcom_call *c, struct IWTDisk_get_Guid_out *out)
{
	DISK(w);

	memcpy(out->pGuid.b, w->info.guid, 16);
	return S_OK;
}

uint32_t IWTDisk_get_SerialNumber(struct dcom_call *c, struct IWTDisk_get_SerialNumber_out *out)
{
	DISK(w);

	return put_bstr(c, w->info.serial, &out->pSerialNumber);
}

/* The LU tgtd presents for the disk (vds_lun_info.c); ERROR_NOT_FOUND
 * while no target maps it. */
uint32_t IWTDisk_GetVdsLunInfo(struct dcom_call *c, const struct IWTDisk_GetVdsLunInfo_in *in,
			       struct IWTDisk_GetVdsLunInfo_out *out)
{
	DISK(w);

	(void)in;
	return istm_vds_lun_info(c, w->info.wtd, &out->pVdsLunInfo);
}

uint32_t IWTDisk_get_WTD(struct dcom_call *c, struct IWTDisk_get_WTD_out *out)
{
	DISK(w);

	out->pWTD = (uint32_t)w->info.wtd;
	return S_OK;
}

uint32_t IWTDisk_get_Type(struct dcom_call *c, struct IWTDisk_get_Type_out *out)
{
	DISK(w);

	out->pType = (uint16_t)w->info.wtd_type;
	return S_OK;
}

uint32_t IWTDisk_get_Flags(struct dcom_call *c, struct IWTDisk_get_Flags_out *out)
{
	DISK(w);

	out->pFlags = w->info.wtd_flags;
	return S_OK;
}

/* [propput]Flags (MAY, <91>): WTDFlagEnableLunMapping and istmd's
 * read-only bit; WTDFlagShadowLun is the server's to set.  Takes effect at
 * Save, where the base rule is checked. */
uint32_t IWTDisk_put_Flags(struct dcom_call *c, const struct IWTDisk_put_Flags_in *in)
{
	DISK(w);

	if (in->nFlags & ~(SVC_WTD_FLAG_ENABLE_LUN_MAPPING | SVC_WTD_FLAG_READ_ONLY))
		return E_INVALIDARG;
	w->info.wtd_flags = in->nFlags;
	w->info.read_only = !!(in->nFlags & SVC_WTD_FLAG_READ_ONLY);
	return S_OK;
}

uint32_t IWTDisk_get_Status(struct dcom_call *c, struct IWTDisk_get_Status_out *out)
{
	DISK(w);

	REFRESH(w);
	out->pStatus = w->info.mappings || w->info.lm_mount_point[0] ? STATUS_IN_USE : STATUS_IDLE;
	return S_OK;
}

uint32_t IWTDisk_get_Assigned(struct dcom_call *c, struct IWTDisk_get_Assigned_out *out)
{
	DISK(w);

	REFRESH(w);
	out->pAssigned = w->info.mappings > 0;
	return S_OK;
}

uint32_t IWTDisk_get_Description(struct dcom_call *c, struct IWTDisk_get_Description_out *out)
{
	DISK(w);

	return put_bstr(c, w->info.description, &out->pDescription);
}

uint32_t IWTDisk_put_Description(struct dcom_call *c, const struct IWTDisk_put_Description_in *in)
{
	char *s;
	DISK(w);

	if (!in->Description)
		s = "";
	else if (ndr_bstr_to_utf8(&c->arena, in->Description, &s) < 0)
		return E_INVALIDARG;
	if (strlen(s) >= sizeof(w->info.description))
		return E_INVALIDARG;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return E_INVALIDARG;   /* no control characters in a description */
	strcpy(w->info.description, s);
	return S_OK;
}

uint32_t IWTDisk_get_DevicePath(struct dcom_call *c, struct IWTDisk_get_DevicePath_out *out)
{
	DISK(w);

	return put_bstr(c, w->info.path, &out->pDevicePath);
}

uint32_t IWTDisk_get_Size(struct dcom_call *c, struct IWTDisk_get_Size_out *out)
{
	DISK(w);

	out->pSize = w->info.size;
	return S_OK;
}

/* What the parent knows of the disk's snapshots (proto/snapshot.h). */
static uint32_t snapshots_of(struct dcom_call *c, struct svc_snapshot_disk_reply **r)
{
	struct svc_snapshot_disk_req rq;
	DISK(w);

	rq.wtd = w->info.wtd;
	*r = ndr_arena_zalloc(&c->arena, sizeof(**r));
	if (!*r)
		return E_OUTOFMEMORY;
	return ask_snapshot_disk(&rq, *r);
}

/* SnapshotStoragePath: the folder beside the disk that holds its layers. */
uint32_t IWTDisk_get_SnapshotStoragePath(struct dcom_call *c,
					 struct IWTDisk_get_SnapshotStoragePath_out *out)
{
	struct svc_snapshot_disk_reply *r;
	uint32_t hr;
	DISK(w);

	if (w->info.wtd_type != 1)
		return E_INVALIDARG;
	hr = snapshots_of(c, &r);
	return hr == S_OK ? put_bstr(c, r->path, &out->pSnapshotStoragePath) : hr;
}

/* SnapshotStorageSize: the layers' bytes plus the free space beside them;
 * SnapshotStorageUsedSize: the bytes the disk's snapshot layers occupy. */
static uint32_t snapshot_size(struct dcom_call *c, uint64_t *out, bool used)
{
	struct svc_snapshot_disk_reply *r;
	uint32_t hr;
	DISK(w);

	if (w->info.wtd_type != 1)
		return E_INVALIDARG;
	hr = snapshots_of(c, &r);
	if (hr == S_OK)
		*out = used ? r->used : r->size;
	return hr;
}

uint32_t IWTDisk_get_SnapshotStorageSize(struct dcom_call *c,
					 struct IWTDisk_get_SnapshotStorageSize_out *out)
{
	return snapshot_size(c, &out->pSize, false);
}

uint32_t IWTDisk_get_SnapshotStorageUsedSize(struct dcom_call *c,
					     struct IWTDisk_get_SnapshotStorageUsedSize_out *out)
{
	return snapshot_size(c, &out->pSize, true);
}

/* Snapshot storage cannot be configured: E_INVALIDARG where 3.43.4.19/21
 * say so (not a fixed VHD file), otherwise the volume "does not support
 * shadow copies". */
static uint32_t put_snapshot(struct dcom_call *c)
{
	DISK(w);

	if (w->info.wtd_type != 1 || w->info.vhd_type != 1)
		return E_INVALIDARG;
	if (!w->info.enabled)
		return S_OK;        /* "MUST NOT change ... but simply return S_OK" */
	return VSS_E_VOLUME_NOT_SUPPORTED;
}

uint32_t IWTDisk_put_SnapshotStoragePath(struct dcom_call *c,
					 const struct IWTDisk_put_SnapshotStoragePath_in *in)
{
	(void)in;
	return put_snapshot(c);
}

uint32_t IWTDisk_put_SnapshotStorageSize(struct dcom_call *c,
					 const struct IWTDisk_put_SnapshotStorageSize_in *in)
{
	(void)in;
	return put_snapshot(c);
}

/* LMType and LMStatus: how the disk is mounted locally (MountType). */
static uint32_t lm_type(struct dcom_call *c, uint16_t *out)
{
	DISK(w);

	REFRESH(w);
	*out = (uint16_t)w->info.lm_type;
	return S_OK;
}

uint32_t IWTDisk_get_LMType(struct dcom_call *c, struct IWTDisk_get_LMType_out *out)
{
	return lm_type(c, &out->pType);
}

uint32_t IWTDisk_get_LMStatus(struct dcom_call *c, struct IWTDisk_get_LMStatus_out *out)
{
	return lm_type(c, &out->pStatus);
}

/* LMTimeStamp and LMSnapshotId: the snapshot of this disk mounted with
 * ISnapshot::DVMount, zero when none is. */
uint32_t IWTDisk_get_LMTimeStamp(struct dcom_call *c, struct IWTDisk_get_LMTimeStamp_out *out)
{
	struct svc_snapshot_disk_reply *r;
	uint32_t hr = snapshots_of(c, &r);

	if (hr == S_OK)
		out->pTimeStamp = r->lm_timestamp;
	return hr;
}

/* LMMountPoint and LMCurrMountDeviceId: the vhdfs mount point. */
static uint32_t lm_mount_point(struct dcom_call *c, struct ndr_bstr **out)
{
	DISK(w);

	REFRESH(w);
	return put_bstr(c, w->info.lm_mount_point, out);
}

uint32_t IWTDisk_get_LMMountPoint(struct dcom_call *c, struct IWTDisk_get_LMMountPoint_out *out)
{
	return lm_mount_point(c, &out->pPath);
}

uint32_t IWTDisk_get_LMCurrMountDeviceId(struct dcom_call *c,
					 struct IWTDisk_get_LMCurrMountDeviceId_out *out)
{
	return lm_mount_point(c, &out->pDeviceId);
}

uint32_t IWTDisk_get_LMSnapshotId(struct dcom_call *c, struct IWTDisk_get_LMSnapshotId_out *out)
{
	struct svc_snapshot_disk_reply *r;
	uint32_t hr = snapshots_of(c, &r);

	if (hr == S_OK)
		memcpy(out->pLMSnapshotId.b, r->lm_guid, 16);
	return hr;
}

uint32_t IWTDisk_Save(struct dcom_call *c)
{
	struct svc_disk_save_req rq;
	DISK(w);

	memset(&rq, 0, sizeof(rq));
	rq.wtd = w->info.wtd;
	memcpy(rq.description, w->info.description, sizeof(rq.description));
	rq.wtd_flags = w->info.wtd_flags & (SVC_WTD_FLAG_ENABLE_LUN_MAPPING | SVC_WTD_FLAG_READ_ONLY);
	rq.enabled = w->info.enabled ? 1 : 0;
	return ask_disk_save(&rq);
}

uint32_t IWTDisk_DVMountDirect(struct dcom_call *c)
{
	struct svc_disk_ref_req rq;
	DISK(w);

	rq.wtd = w->info.wtd;
	return ask_disk_mount(&rq);
}

uint32_t IWTDisk_DVDismount(struct dcom_call *c)
{
	struct svc_disk_ref_req rq;
	DISK(w);

	rq.wtd = w->info.wtd;
	return ask_disk_dismount(&rq);
}

uint32_t IWTDisk_EnumLMMountPoints(struct dcom_call *c, struct IWTDisk_EnumLMMountPoints_out *out)
{
	DISK(w);

	return istm_enum_lmmountpoint_new(c, w->info.wtd, &out->ppEnumLMMountPoint);
}

uint32_t IWTDisk_GetDeviceVolumeGuid(struct dcom_call *c,
				     struct IWTDisk_GetDeviceVolumeGuid_out *out)
{
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
		memcpy(out->pGuid.b, r.guid, 16);
	return hr;
}

/* ---- IWTDisk2 ---- */

uint32_t IWTDisk2_get_Enable(struct dcom_call *c, struct IWTDisk2_get_Enable_out *out)
{
	DISK(w);

	out->pEnable = w->info.enabled;
	return S_OK;
}

uint32_t IWTDisk2_put_Enable(struct dcom_call *c, const struct IWTDisk2_put_Enable_in *in)
{
	DISK(w);

	w->info.enabled = in->bEnable ? 1 : 0;
	return S_OK;
}

/* ResourceName, ResourceGroupName: not clustered. */
static uint32_t empty_string(struct dcom_call *c, struct ndr_bstr **out)
{
	DISK(w);

	(void)w;
	return put_bstr(c, "", out);
}

uint32_t IWTDisk2_get_ResourceName(struct dcom_call *c, struct IWTDisk2_get_ResourceName_out *out)
{
	return empty_string(c, &out->pResourceName);
}

uint32_t IWTDisk2_get_ResourceGroupName(struct dcom_call *c,
					struct IWTDisk2_get_ResourceGroupName_out *out)
{
	return empty_string(c, &out->pResourceGroup);
}

/* Not clustered: only the empty name is a valid resource name. */
uint32_t IWTDisk2_put_ResourceName(struct dcom_call *c,
				   const struct IWTDisk2_put_ResourceName_in *in)
{
	if (!disk_of(c))
		return E_POINTER;
	return !in->ResourceName || in->ResourceName->nchars == 0 ? S_OK : E_INVALIDARG;
}

uint32_t IWTDisk2_IsAlive(struct dcom_call *c)
{
	DISK(w);

	REFRESH(w);
	return w->info.file_ok ? S_OK : ERROR_FILE_NOT_FOUND;
}

/* Every caller is remote (3.44.4.8). */
uint32_t IWTDisk2_SaveToStream(struct dcom_call *c, const struct IWTDisk2_SaveToStream_in *in)
{
	DISK(w);

	(void)w;
	(void)in;
	return E_ACCESSDENIED;
}

/* ---- IWTDisk3 ---- */

uint32_t IWTDisk3_get_VhdType(struct dcom_call *c, struct IWTDisk3_get_VhdType_out *out)
{
	DISK(w);

	out->Type = (uint16_t)w->info.vhd_type;
	return S_OK;
}

uint32_t IWTDisk3_get_ParentPath(struct dcom_call *c, struct IWTDisk3_get_ParentPath_out *out)
{
	DISK(w);

	if (w->info.vhd_type != 2)
		return S_OK;            /* not applicable: no string assigned */
	REFRESH(w);
	return put_bstr(c, w->info.parent_path, &out->ParentPath);
}

uint32_t IWTDisk3_get_AllocatedSize(struct dcom_call *c,
				    struct IWTDisk3_get_AllocatedSize_out *out)
{
	DISK(w);

	REFRESH(w);
	out->Size = w->info.allocated;
	return S_OK;
}

uint32_t IWTDisk3_get_CacheParent(struct dcom_call *c, struct IWTDisk3_get_CacheParent_out *out)
{
	DISK(w);

	REFRESH(w);
	out->CacheParent = w->info.cache_parent;
	return S_OK;
}

uint32_t IWTDisk3_put_CacheParent(struct dcom_call *c, const struct IWTDisk3_put_CacheParent_in *in)
{
	struct svc_cache_parent_req rq;
	uint32_t hr;
	DISK(w);

	if (w->info.vhd_type != 2)
		return E_INVALIDARG;
	memset(&rq, 0, sizeof(rq));
	rq.wtd = w->info.wtd;
	rq.on = in->CacheParent ? 1 : 0;
	hr = ask_serving_cache_parent(&rq);
	if (hr == S_OK)
		w->info.cache_parent = rq.on;
	return hr;
}

uint32_t IWTDisk3_get_ResourceState(struct dcom_call *c,
				    struct IWTDisk3_get_ResourceState_out *out)
{
	DISK(w);

	(void)w;
	out->ResourceState = CLUSTER_RESOURCE_ONLINE;
	return S_OK;
}

uint32_t IWTDisk3_GetLunStatus(struct dcom_call *c, struct IWTDisk3_GetLunStatus_out *out)
{
	DISK(w);

	REFRESH(w);
	if (!w->info.enabled)
		return E_FAIL;
	out->Status.dwLun = (uint32_t)w->info.wtd;
	out->Status.eStatus = w->info.mappings || w->info.lm_mount_point[0] ? STATUS_IN_USE
		: STATUS_IDLE;
	return S_OK;
}

static const struct dcom_iface *const wtdisk_ifaces[] = { &istm_if_iwtdisk3 };
const struct dcom_class istm_class_wtdisk = {
	.name = "IWTDisk",
	.ifaces = wtdisk_ifaces, .nifaces = NDR_COUNTOF(wtdisk_ifaces),
};
