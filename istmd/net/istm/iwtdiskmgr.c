/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iwtdiskmgr.c: IWTDiskMgr ([MS-ISTM] 3.46), IWTDiskMgr2 (3.48),
 * IWTDiskMgr3 (3.50) and IWTDiskMgr4 (3.51), the virtual disk manager:
 * register a VHD file as a virtual disk, delete, get and enumerate them.
 *
 * The parent does the work (svc/svc_disk.c); this file turns the wire
 * parameters into requests.  Choices (README "Virtual disks"):
 * CreateWTDisk saves the disk at once (3.46.4.2 "saves the settings ...
 * to persistent storage"); CreateWTDiskNonPersistent makes a placeholder
 * that IWTDisk::Save keeps and a restart drops, and cannot choose an index
 * (istmd's are never reused): -1 or an index in use (ERROR_ALREADY_EXISTS),
 * anything else E_INVALIDARG.  CreateShadowWTDiskNonPersistent makes a
 * child of the snapshot's layer at DevicePath (svc_snapshot_ops.c);
 * DVMountSelectedWTDisksSnapshotNow answers S_OK and does nothing, the
 * one value 3.46.4.8 lists ("completed but it had no side effects", as
 * Windows, <112>: no call selects disks; ISnapshot::DVMount mounts one);
 * CreateShadowWTDisk is E_NOTIMPL (istm.acf says why), as are
 * ImportWTDisk (as on Windows) and OpenWTDisk /
 * SaveToStream's counterpart for a remote caller (E_ACCESSDENIED).  The
 * cluster methods answer as a non-clustered server.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/disk.h"
#include "proto/snapshot.h"

#define WTD_ANY 0xffffffffu          /* nWTD -1: the next index */

/* A BSTR into a request string of CAP bytes: E_POINTER when NULL
 * (3.46.4.2), E_INVALIDARG when not UTF-16 or too long. */
static uint32_t bstr_in(struct dcom_call *c, const struct ndr_bstr *b, char *dst, size_t cap)
{
	char *s;

	if (!b)
		return E_POINTER;
	if (ndr_bstr_to_utf8(&c->arena, b, &s) < 0 || strlen(s) >= cap)
		return E_INVALIDARG;
	strcpy(dst, s);
	return S_OK;
}

/* Register a disk; the parent's answer in *R (arena). */
static uint32_t create(struct dcom_call *c, uint16_t type, const struct ndr_bstr *path,
		       const struct ndr_bstr *description, uint8_t clear, int64_t wtd,
		       uint32_t flags, struct svc_disk_reply **r)
{
	struct svc_disk_create_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	*r = ndr_arena_zalloc(&c->arena, sizeof(**r));
	if (!rq || !*r)
		return E_OUTOFMEMORY;
	hr = bstr_in(c, path, rq->path, sizeof(rq->path));
	if (hr == S_OK)
		hr = bstr_in(c, description, rq->description, sizeof(rq->description));
	if (hr != S_OK)
		return hr;
	for (const char *p = rq->description; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t')
			return E_INVALIDARG;
	if (clear > 1)
		return E_INVALIDARG;
	rq->wtd_type = type;
	rq->flags = flags | (clear ? SVC_DISK_CREATE_CLEAR : 0);
	rq->wtd = wtd;
	hr = ask_disk_create(rq, *r);
	return hr;
}

uint32_t IWTDiskMgr_EnumWTDisks(struct dcom_call *c, struct IWTDiskMgr_EnumWTDisks_out *out)
{
	return istm_enum_wtdisk_new(c, 0, &out->ppEnumWTDisk);
}

uint32_t IWTDiskMgr_CreateWTDisk(struct dcom_call *c, const struct IWTDiskMgr_CreateWTDisk_in *in,
				 struct IWTDiskMgr_CreateWTDisk_out *out)
{
	struct svc_disk_reply *r;
	uint32_t hr;

	hr = create(c, in->eDeviceType, in->DevicePath, in->Description, in->bClearPartTable, -1,
		    SVC_DISK_CREATE_PERSIST, &r);
	if (hr == S_OK)
		out->pWTD = (uint32_t)r->info.wtd;
	return hr;
}

uint32_t IWTDiskMgr_DeleteWTDisk(struct dcom_call *c, const struct IWTDiskMgr_DeleteWTDisk_in *in)
{
	struct svc_disk_ref_req rq = { in->nWTD };

	(void)c;
	return ask_disk_delete(&rq);
}

/* The parent's description of disk WTD into *R (arena). */
static uint32_t get_disk(struct dcom_call *c, uint32_t wtd, struct svc_disk_reply **r)
{
	struct svc_disk_ref_req rq = { wtd };
	uint32_t hr;

	*r = ndr_arena_zalloc(&c->arena, sizeof(**r));
	if (!*r)
		return E_OUTOFMEMORY;
	hr = ask_disk_get(&rq, *r);
	return hr;
}

uint32_t IWTDiskMgr_DVMountSelectedWTDisksSnapshotNow(struct dcom_call *c)
{
	(void)c;
	return S_OK;
}

uint32_t IWTDiskMgr_GetWTDisk(struct dcom_call *c, const struct IWTDiskMgr_GetWTDisk_in *in,
			      struct IWTDiskMgr_GetWTDisk_out *out)
{
	struct svc_disk_reply *r;
	uint32_t hr = get_disk(c, in->nWTD, &r);

	return hr == S_OK ? istm_wtdisk_export(c, &r->info, &out->ppWTDisk) : hr;
}

uint32_t IWTDiskMgr_EnumWTDisksOnSameVolumeByPath(
	struct dcom_call *c, const struct IWTDiskMgr_EnumWTDisksOnSameVolumeByPath_in *in,
	struct IWTDiskMgr_EnumWTDisksOnSameVolumeByPath_out *out)
{
	struct svc_disk_volume_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	struct svc_disk_volume_reply r;
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	hr = bstr_in(c, in->Path, rq->path, sizeof(rq->path));
	if (hr != S_OK)
		return hr == E_POINTER ? E_INVALIDARG : hr;
	hr = ask_disk_volume(rq, &r);
	if (hr != S_OK)
		return hr;
	return istm_enum_wtdisk_new(c, r.drive, &out->ppEnumWTDisk);
}

uint32_t IWTDiskMgr_EnumWTDisksOnSameVolume(struct dcom_call *c,
					    const struct IWTDiskMgr_EnumWTDisksOnSameVolume_in *in,
					    struct IWTDiskMgr_EnumWTDisksOnSameVolume_out *out)
{
	struct svc_disk_reply *r;
	uint32_t hr = get_disk(c, in->nWTD, &r);

	return hr == S_OK ? istm_enum_wtdisk_new(c, r->info.drive, &out->ppEnumWTDisk) : hr;
}

/* ---- IWTDiskMgr2 ---- */

uint32_t IWTDiskMgr2_CreateWTDiskNonPersistent(
	struct dcom_call *c, const struct IWTDiskMgr2_CreateWTDiskNonPersistent_in *in,
	struct IWTDiskMgr2_CreateWTDiskNonPersistent_out *out)
{
	struct svc_disk_reply *r;
	uint32_t hr;

	if (in->ResourceName && in->ResourceName->nchars)
		return E_INVALIDARG;      /* not clustered: no resource names */
	hr = create(c, in->eDeviceType, in->DevicePath, in->Description, in->bClearPartTable,
		    in->nWTD == WTD_ANY ? -1 : (int64_t)in->nWTD, 0, &r);
	if (hr != S_OK)
		return hr;
	return istm_wtdisk_export(c, &r->info, &out->ppWTDisk);
}

/* A new disk at DevicePath whose data starts as the snapshot's (a
 * differencing child of its layer), non-persistent until IWTDisk::Save. */
uint32_t IWTDiskMgr2_CreateShadowWTDiskNonPersistent(
	struct dcom_call *c, const struct IWTDiskMgr2_CreateShadowWTDiskNonPersistent_in *in,
	struct IWTDiskMgr2_CreateShadowWTDiskNonPersistent_out *out)
{
	struct svc_snapshot_shadow_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	struct svc_snapshot_shadow_reply r;
	struct svc_disk_reply *d;
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	if (in->ResourceName && in->ResourceName->nchars)
		return E_INVALIDARG;      /* not clustered: no resource names */
	hr = bstr_in(c, in->DevicePath, rq->path, sizeof(rq->path));
	if (hr == S_OK)
		hr = bstr_in(c, in->Description, rq->description, sizeof(rq->description));
	if (hr != S_OK)
		return hr;
	memcpy(rq->guid, in->SnapshotId.b, 16);
	rq->wtd = in->nWTD == WTD_ANY ? -1 : (int64_t)in->nWTD;
	rq->wtd_type = in->eDeviceType;
	hr = ask_snapshot_shadow(rq, &r);
	if (hr == S_OK)
		hr = get_disk(c, (uint32_t)r.wtd, &d);
	return hr == S_OK ? istm_wtdisk_export(c, &d->info, &out->ppWTDisk) : hr;
}

uint32_t IWTDiskMgr2_OpenWTDisk(struct dcom_call *c, const struct IWTDiskMgr2_OpenWTDisk_in *in,
				struct IWTDiskMgr2_OpenWTDisk_out *out)
{
	(void)c;
	(void)in;
	(void)out;
	return E_ACCESSDENIED;        /* 3.48.4.3: a remote caller */
}

uint32_t IWTDiskMgr2_CloseWTDisk(struct dcom_call *c, const struct IWTDiskMgr2_CloseWTDisk_in *in)
{
	struct svc_disk_ref_req rq = { in->nWTD };

	(void)c;
	return ask_disk_close(&rq);
}

/* ---- IWTDiskMgr4 ---- */

uint32_t IWTDiskMgr4_EnumAllClusterWTDisks(struct dcom_call *c,
					   struct IWTDiskMgr4_EnumAllClusterWTDisks_out *out)
{
	return istm_enum_wtdisk_new(c, 0, &out->EnumWTDisk);
}

uint32_t IWTDiskMgr4_ClusterNotifyWTDiskDeletion2(
	struct dcom_call *c, const struct IWTDiskMgr4_ClusterNotifyWTDiskDeletion2_in *in)
{
	(void)c;
	(void)in;
	return ERROR_INVALID_OPERATION;   /* "called in a non HA-Configuration" */
}
