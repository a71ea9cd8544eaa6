/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ilocaldevicemgr.c: ILocalDeviceMgr, ILocalDeviceMgr2, ILocalDeviceMgr3
 * ([MS-ISTM] 3.30, 3.32, 3.33): the storage roots as volumes, VHD files in
 * them, directory listings.  Every path goes to the parent as the client
 * sent it (svc/svc_device.h); the parent's sandbox (paths/) decides what
 * it names and the parent picks the HRESULT, so this file only converts.
 *
 * Not a cluster, so no resource groups: EnumResourceGroup /
 * EnumLocalResourceGroup hand out an empty IEnumResourceGroup, and
 * RenameResourceGroup / GetResourceGroupOwner / GetResourceGroupGuid answer
 * ERROR_INVALID_HANDLE (no such group, 3.32.4's code for "not configured in
 * an HA cluster"); GetResourceGroupFromPath answers "" for a path in a root.
 * E_NOTIMPL as on Windows: CreateVolume (<59>), GetProcessors (<64>).
 * Portals are the ones tgtd listens on (the targets area's
 * SVC_TARGET_ENUM_PORTALS and IEnumPortal): EnumPortals/EnumLocalPortals
 * enumerate them, GetPortal finds one by address; SetPortalConfig opens,
 * moves or closes one in tgtd and the store (parent/svc/svc_portal.c).
 * IsDiskPartAvailable answers FALSE (istmd partitions nothing).
 */
#include <config.h>

#include <string.h>

#include "common/ip_literal.h"
#include "istm/istm.h"
#include "proto/device.h"
#include "proto/serving.h"
#include "proto/target.h"

/* ---- helpers ---- */

/* BSTR -> request path; BAD when it is absent, not UTF-16 or too long. */
static uint32_t to_path(struct dcom_call *c, const struct ndr_bstr *b, char *out, uint32_t bad)
{
	char *s;

	if (!b || ndr_bstr_to_utf8(&c->arena, b, &s) < 0 || !s || strlen(s) >= SVC_DEVICE_PATH_MAX)
		return bad;
	memcpy(out, s, strlen(s) + 1);
	return S_OK;
}

/* A verb taking one path and answering only the HRESULT. */
static uint32_t path_verb(struct dcom_call *c, uint32_t (*ask)(const struct svc_device_path_req *),
			  const struct ndr_bstr *b,
			  uint32_t bad)
{
	struct svc_device_path_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, b, rq->path, bad);
	return hr == S_OK ? ask(rq) : hr;
}

/* A verb taking one path and answering a volume. */
static uint32_t volume_verb(struct dcom_call *c,
			    uint32_t (*ask)(const struct svc_device_path_req *,
					    struct svc_device_volume_reply *),
			    const struct ndr_bstr *b,
			    struct svc_device_volume *v)
{
	struct svc_device_path_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	struct svc_device_volume_reply rp;
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, b, rq->path, E_INVALIDARG);
	if (hr != S_OK)
		return hr;
	hr = ask(rq, &rp);
	if (hr != S_OK)
		return hr;
	*v = rp.v;
	v->drive[sizeof(v->drive) - 1] = 0;
	v->guid[sizeof(v->guid) - 1] = 0;
	v->label[sizeof(v->label) - 1] = 0;
	v->fs_name[sizeof(v->fs_name) - 1] = 0;
	return S_OK;
}

static bool bstr_empty(struct dcom_call *c, const struct ndr_bstr *b)
{
	char *s;

	return !b || ndr_bstr_to_utf8(&c->arena, b, &s) < 0 || !s || !s[0];
}

/* Find the portal tgtd listens on at ADDRESS (the targets area's list). */
static uint32_t find_portal(struct dcom_call *c, const struct ndr_bstr *b,
			    struct svc_target_portal *out)
{
	struct svc_enum_req rq;
	struct svc_enum_reply rp;
	struct svc_target_portal item;
	size_t cap = sizeof(rp) + sizeof(item), got;
	uint8_t *reply = ndr_arena_zalloc(&c->arena, cap);
	char *addr;
	uint32_t hr;

	if (!b || ndr_bstr_to_utf8(&c->arena, b, &addr) < 0 || !addr || !addr[0])
		return E_INVALIDARG;
	if (!reply)
		return E_OUTOFMEMORY;
	memset(&rq, 0, sizeof(rq));
	rq.scope = -1;
	rq.cursor = -1;
	rq.max = 1;
	for (;;) {
		hr = ask_enum(SVC_TARGET_ENUM_PORTALS, &rq, reply, cap, &got);
		if (hr != S_OK)
			return hr;
		if (got < sizeof(rp))
			return ERROR_NOT_READY;
		memcpy(&rp, reply, sizeof(rp));
		if (rp.n == 0)
			return ERROR_FILE_NOT_FOUND;   /* "the supplied portal identifier is not found" */
		if (got < sizeof(rp) + sizeof(item))
			return ERROR_NOT_READY;
		memcpy(&item, reply + sizeof(rp), sizeof(item));
		item.address[sizeof(item.address) - 1] = 0;
		/* tgtd's spelling of the address, whatever the client's */
		if (ip_literal_same(item.address, addr)) {
			*out = item;
			return S_OK;
		}
		rq.cursor = rp.cursor;
	}
}

uint32_t ILocalDeviceMgr_EnumPortals(struct dcom_call *c, struct ILocalDeviceMgr_EnumPortals_out *out)
{
	return istm_enum_new(c, &istm_kind_ienumportal, -1, 0, NULL, &out->ppEnumPortal);
}

uint32_t ILocalDeviceMgr_GetPortal(struct dcom_call *c, const struct ILocalDeviceMgr_GetPortal_in *in,
				   struct ILocalDeviceMgr_GetPortal_out *out)
{
	struct svc_target_portal p;
	uint32_t hr;

	hr = find_portal(c, in->IpAddress, &p);
	if (hr == S_OK)
		istm_portal_fill(&out->pPortal, &p);
	return hr;
}

uint32_t ILocalDeviceMgr_SetPortalConfig(struct dcom_call *c,
					 const struct ILocalDeviceMgr_SetPortalConfig_in *in)
{
	struct svc_portal_req rq;
	char *addr;

	if (!in->IpAddress || ndr_bstr_to_utf8(&c->arena, in->IpAddress, &addr) < 0 || !addr ||
	    !addr[0] || strlen(addr) >= sizeof(rq.address))
		return E_INVALIDARG;
	if (in->nPort == 0 || in->nPort > 65535)
		return E_INVALIDARG;
	memset(&rq, 0, sizeof(rq));
	memcpy(rq.address, addr, strlen(addr) + 1);
	rq.port = in->nPort;
	rq.use = in->bUse ? 1 : 0;
	return ask_serving_portal(&rq);
}

/* ---- ILocalDeviceMgr ---- */

uint32_t ILocalDeviceMgr_EnumDisks(struct dcom_call *c, struct ILocalDeviceMgr_EnumDisks_out *out)
{
	return istm_enum_new(c, &istm_kind_disk, -1, 0, NULL, &out->ppEnumDisk);
}

uint32_t ILocalDeviceMgr_EnumVolumes(struct dcom_call *c,
				     struct ILocalDeviceMgr_EnumVolumes_out *out)
{
	return istm_enum_new(c, &istm_kind_volume, -1, 0, NULL, &out->ppEnumVolume);
}

uint32_t ILocalDeviceMgr_IsValidWtDevice(struct dcom_call *c,
					 const struct ILocalDeviceMgr_IsValidWtDevice_in *in)
{
	return path_verb(c, ask_device_is_valid, in->DevicePath, E_INVALIDARG);
}

uint32_t ILocalDeviceMgr_IsDiskPartAvailable(struct dcom_call *c,
					     struct ILocalDeviceMgr_IsDiskPartAvailable_out *out)
{
	(void)c;
	out->bAvail = 0;     /* istmd partitions no disks */
	return S_OK;
}

uint32_t ILocalDeviceMgr_CreateWtFile(struct dcom_call *c,
				      const struct ILocalDeviceMgr_CreateWtFile_in *in)
{
	struct svc_device_create_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, in->FilePath, rq->path, E_INVALIDARG);
	if (hr != S_OK)
		return hr;
	rq->size = in->hyFileSize;
	rq->sparse = in->bSparse ? 1 : 0;
	return ask_device_create(rq);
}

uint32_t ILocalDeviceMgr_GrowWtFile(struct dcom_call *c,
				    const struct ILocalDeviceMgr_GrowWtFile_in *in)
{
	struct svc_device_grow_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, in->FilePath, rq->path, E_INVALIDARG);
	if (hr != S_OK)
		return hr;
	rq->add = in->hyAdditionalSize;
	return ask_device_grow(rq);
}

uint32_t ILocalDeviceMgr_DeleteWtFile(struct dcom_call *c,
				      const struct ILocalDeviceMgr_DeleteWtFile_in *in)
{
	return path_verb(c, ask_device_delete, in->FilePath, E_INVALIDARG);
}

uint32_t ILocalDeviceMgr_IsPathValid(struct dcom_call *c,
				     const struct ILocalDeviceMgr_IsPathValid_in *in)
{
	/* 3.30.4.9: a malformed path is E_FAIL here */
	return path_verb(c, ask_device_path_valid, in->FilePath, E_FAIL);
}

uint32_t ILocalDeviceMgr_IsPathNtfs(struct dcom_call *c,
				    const struct ILocalDeviceMgr_IsPathNtfs_in *in)
{
	return path_verb(c, ask_device_is_ntfs, in->Path, E_INVALIDARG);
}

uint32_t ILocalDeviceMgr_DoesFileExist(struct dcom_call *c,
				       const struct ILocalDeviceMgr_DoesFileExist_in *in)
{
	return path_verb(c, ask_device_exists, in->FilePath, E_INVALIDARG);
}

uint32_t ILocalDeviceMgr_GetDriveInfo(struct dcom_call *c,
				      const struct ILocalDeviceMgr_GetDriveInfo_in *in,
				      struct ILocalDeviceMgr_GetDriveInfo_out *out)
{
	struct svc_device_volume v;
	uint32_t hr;

	hr = volume_verb(c, ask_device_drive_info, in->Drive, &v);
	if (hr != S_OK)
		return hr;
	ndr_wchar_fixed_set(out->pDriveInfo.szDrive, 20, v.drive);
	out->pDriveInfo.hySize = v.total_bytes;
	out->pDriveInfo.hyFreeSpace = v.free_bytes;
	out->pDriveInfo.bSupportSparseFiles = v.sparse ? 1 : 0;
	return S_OK;
}

uint32_t ILocalDeviceMgr_EnumDirectory(struct dcom_call *c,
				       struct ILocalDeviceMgr_EnumDirectory_out *out)
{
	return istm_directory_enum_new(c, &out->ppDirectoryEnum);
}

uint32_t ILocalDeviceMgr_DeviceManagerRescan(struct dcom_call *c,
					     const struct ILocalDeviceMgr_DeviceManagerRescan_in *in)
{
	(void)c;
	(void)in;
	return S_OK;       /* the roots are read afresh on every call: nothing to refresh */
}

/* ---- ILocalDeviceMgr2 ---- */

uint32_t ILocalDeviceMgr2_EnumDisks2(struct dcom_call *c,
				     struct ILocalDeviceMgr2_EnumDisks2_out *out)
{
	return istm_enum_new(c, &istm_kind_disk2, -1, 0, NULL, &out->ppEnumDisk);
}

uint32_t ILocalDeviceMgr2_EnumVolumes2(struct dcom_call *c,
				       struct ILocalDeviceMgr2_EnumVolumes2_out *out)
{
	return istm_enum_new(c, &istm_kind_volume2, -1, 0, NULL, &out->ppEnumVolume);
}

uint32_t ILocalDeviceMgr2_GetVolumeInfo(struct dcom_call *c,
					const struct ILocalDeviceMgr2_GetVolumeInfo_in *in,
					struct ILocalDeviceMgr2_GetVolumeInfo_out *out)
{
	struct svc_device_volume v;
	uint32_t hr;

	hr = volume_verb(c, ask_device_volume_info, in->VolumePath, &v);
	if (hr == S_OK)
		istm_volume2_fill(&out->pVolumeInfo, &v);
	return hr;
}

uint32_t ILocalDeviceMgr2_EnumResourceGroup(struct dcom_call *c,
					    struct ILocalDeviceMgr2_EnumResourceGroup_out *out)
{
	return istm_enum_new(c, &istm_kind_resource_group, -1, 0, NULL,
			     &out->ppEnumResourceGroup);
}

uint32_t ILocalDeviceMgr2_EnumLocalResourceGroup(
	struct dcom_call *c, struct ILocalDeviceMgr2_EnumLocalResourceGroup_out *out)
{
	return istm_enum_new(c, &istm_kind_resource_group, -1, 0, NULL,
			     &out->ppEnumResourceGroup);
}

uint32_t ILocalDeviceMgr2_GetResourceGroupGuid(
	struct dcom_call *c, const struct ILocalDeviceMgr2_GetResourceGroupGuid_in *in,
	struct ILocalDeviceMgr2_GetResourceGroupGuid_out *out)
{
	(void)out;
	if (bstr_empty(c, in->ResourceGroup))
		return E_INVALIDARG;
	return ERROR_INVALID_HANDLE;    /* no resource groups: not in an HA cluster */
}

uint32_t ILocalDeviceMgr2_GetResourceGroupFromPath(
	struct dcom_call *c, const struct ILocalDeviceMgr2_GetResourceGroupFromPath_in *in,
	struct ILocalDeviceMgr2_GetResourceGroupFromPath_out *out)
{
	uint32_t hr;

	hr = path_verb(c, ask_device_rg_from_path, in->FilePath, E_INVALIDARG);
	if (hr != S_OK)
		return hr;
	return ndr_bstr_from_utf8(&c->arena, "", &out->pResourceGroup) < 0 ? E_OUTOFMEMORY : S_OK;
}

uint32_t ILocalDeviceMgr2_RenameResourceGroup(
	struct dcom_call *c, const struct ILocalDeviceMgr2_RenameResourceGroup_in *in)
{
	if (bstr_empty(c, in->ResourceGroup) || bstr_empty(c, in->NewResourceGroup))
		return E_INVALIDARG;
	return ERROR_INVALID_HANDLE;    /* "not configured in an HA cluster" */
}

/* Not a cluster: every portal is local (3.32.4.9). */
uint32_t ILocalDeviceMgr2_EnumLocalPortals(struct dcom_call *c,
					   const struct ILocalDeviceMgr2_EnumLocalPortals_in *in,
					   struct ILocalDeviceMgr2_EnumLocalPortals_out *out)
{
	(void)in;
	return istm_enum_new(c, &istm_kind_ienumportal, -1, 0, NULL, &out->ppEnumPortal);
}

uint32_t ILocalDeviceMgr2_GetResourceGroupOwner(
	struct dcom_call *c, const struct ILocalDeviceMgr2_GetResourceGroupOwner_in *in,
	struct ILocalDeviceMgr2_GetResourceGroupOwner_out *out)
{
	(void)out;
	if (bstr_empty(c, in->ResourceGroup))
		return E_POINTER;           /* 3.32.4.10: invalid names are E_POINTER */
	return ERROR_INVALID_HANDLE;
}

/* ---- ILocalDeviceMgr3 ---- */

uint32_t ILocalDeviceMgr3_CreateDiffWtFile(struct dcom_call *c,
					   const struct ILocalDeviceMgr3_CreateDiffWtFile_in *in)
{
	struct svc_device_diff_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, in->FilePath, rq->path, E_INVALIDARG);
	if (hr == S_OK)
		hr = to_path(c, in->ParentPath, rq->parent, E_INVALIDARG);
	return hr == S_OK ? ask_device_create_diff(rq) : hr;
}
