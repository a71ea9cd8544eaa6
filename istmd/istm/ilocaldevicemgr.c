/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ilocaldevicemgr.c: ILocalDeviceMgr, ILocalDeviceMgr2, ILocalDeviceMgr3
 * ([MS-ISTM] 3.30, 3.32, 3.33): the storage roots as volumes, VHD files in
 * them, directory listings.  Every path goes to the parent as the client
 * sent it (svc/svc_device.h); the parent's sandbox (paths/) decides what
 * it names and the parent picks the HRESULT, so this file only converts.
 *
 * Not a cluster: EnumResourceGroup / EnumLocalResourceGroup are E_NOTIMPL
 * and RenameResourceGroup / GetResourceGroupOwner / GetResourceGroupGuid
 * ERROR_INVALID_HANDLE, the codes 3.32.4 gives for "not configured in an
 * HA cluster"; GetResourceGroupFromPath answers "" for a path in a root.
 * E_NOTIMPL as on Windows: CreateVolume (<59>), GetProcessors (<64>).
 * Portals are the ones tgtd listens on (the targets area's
 * SVC_TARGET_ENUM_PORTALS and IEnumPortal): EnumPortals/EnumLocalPortals
 * enumerate them, GetPortal finds one by address; SetPortalConfig checks
 * its arguments and accepts what is already so, but cannot move tgtd's
 * portals (they are set where tgtd is started): E_NOTIMPL otherwise.
 * IsDiskPartAvailable answers FALSE (istmd partitions nothing).
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/device.h"
#include "proto/target.h"

/* ---- parameter lists ---- */
struct mip_out { struct ndr_blob *mip; /* [out] IEnumX **, IDirectoryEnum ** */ };
static const struct ndr_field mip_out_fields[] = {
	NDR_FIELD(struct mip_out, mip, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(mip_out_t, struct mip_out, mip_out_fields);

struct bstr_param { struct ndr_bstr *s; /* one BSTR, [in] or [out] */ };
static const struct ndr_field bstr_param_fields[] = {
	NDR_FIELD(struct bstr_param, s, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(bstr_param_t, struct bstr_param, bstr_param_fields);

struct two_bstr_in {
	struct ndr_bstr *a;          /* FilePath / ResourceGroup */
	struct ndr_bstr *b;          /* ParentPath / NewResourceGroup */
};
static const struct ndr_field two_bstr_in_fields[] = {
	NDR_FIELD(struct two_bstr_in, a, &ndr_t_bstr),
	NDR_FIELD(struct two_bstr_in, b, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(two_bstr_in_t, struct two_bstr_in, two_bstr_in_fields);

struct create_volume_in {
	uint32_t disk;               /* nDiskIndex */
	uint64_t offset;             /* hyOffset */
	uint64_t length;             /* hyLength */
	uint32_t type;               /* nVolumeType */
};
static const struct ndr_field create_volume_in_fields[] = {
	NDR_FIELD(struct create_volume_in, disk, &ndr_t_u32),
	NDR_FIELD(struct create_volume_in, offset, &ndr_t_u64),
	NDR_FIELD(struct create_volume_in, length, &ndr_t_u64),
	NDR_FIELD(struct create_volume_in, type, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(create_volume_in_t, struct create_volume_in, create_volume_in_fields);

struct u8_param { uint8_t v; /* boolean bAvail / bSynchronous */ };
static const struct ndr_field u8_param_fields[] = {
	NDR_FIELD(struct u8_param, v, &ndr_t_u8),
};
static NDR_PARAMS_TYPE(u8_param_t, struct u8_param, u8_param_fields);

struct u32_param { uint32_t v; /* unsigned long pProcessors */ };
static const struct ndr_field u32_param_fields[] = {
	NDR_FIELD(struct u32_param, v, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(u32_param_t, struct u32_param, u32_param_fields);

struct create_in {
	struct ndr_bstr *path;       /* FilePath */
	uint64_t size;               /* hyFileSize */
	uint8_t sparse;              /* bSparse */
};
static const struct ndr_field create_in_fields[] = {
	NDR_FIELD(struct create_in, path, &ndr_t_bstr),
	NDR_FIELD(struct create_in, size, &ndr_t_u64),
	NDR_FIELD(struct create_in, sparse, &ndr_t_u8),
};
static NDR_PARAMS_TYPE(create_in_t, struct create_in, create_in_fields);

struct grow_in {
	struct ndr_bstr *path;       /* FilePath */
	uint64_t add;                /* hyAdditionalSize */
};
static const struct ndr_field grow_in_fields[] = {
	NDR_FIELD(struct grow_in, path, &ndr_t_bstr),
	NDR_FIELD(struct grow_in, add, &ndr_t_u64),
};
static NDR_PARAMS_TYPE(grow_in_t, struct grow_in, grow_in_fields);

/* 2.2.4.6 DRIVE_INFO */
struct istm_drive_info {
	uint16_t drive[20];          /* szDrive */
	uint64_t size;               /* hySize */
	uint64_t free_space;         /* hyFreeSpace */
	uint8_t sparse_files;        /* bSupportSparseFiles */
};
static NDR_FIXED_ARRAY_TYPE(wchar20_t, &ndr_t_u16, 20, uint16_t[20]);
static const struct ndr_field drive_info_fields[] = {
	NDR_FIELD(struct istm_drive_info, drive, &wchar20_t),
	NDR_FIELD(struct istm_drive_info, size, &ndr_t_u64),
	NDR_FIELD(struct istm_drive_info, free_space, &ndr_t_u64),
	NDR_FIELD(struct istm_drive_info, sparse_files, &ndr_t_u8),
};
static NDR_STRUCT_TYPE(drive_info_t, struct istm_drive_info, drive_info_fields);

struct drive_info_in {
	struct ndr_bstr *drive;      /* Drive */
	struct istm_drive_info info; /* [in, out] pDriveInfo */
};
static const struct ndr_field drive_info_in_fields[] = {
	NDR_FIELD(struct drive_info_in, drive, &ndr_t_bstr),
	NDR_FIELD(struct drive_info_in, info, &drive_info_t),
};
static NDR_PARAMS_TYPE(drive_info_in_t, struct drive_info_in, drive_info_in_fields);
struct drive_info_out { struct istm_drive_info info; /* [in, out] pDriveInfo */ };
static const struct ndr_field drive_info_out_fields[] = {
	NDR_FIELD(struct drive_info_out, info, &drive_info_t),
};
static NDR_PARAMS_TYPE(drive_info_out_t, struct drive_info_out, drive_info_out_fields);

/* 2.2.4.13 PORTAL (GetPortal's [out]; IEnumPortal is ienum_target.c's) */
struct istm_portal {
	struct ndr_guid guid;        /* Guid */
	uint16_t address[128];       /* szIpAddress[MAX_IP_ADDRESS_LEN + 1] */
	uint32_t port;               /* dwPort */
	uint32_t listen;             /* bListen */
	uint32_t secure;             /* bSecure */
	uint32_t valid;              /* bValid */
};
static NDR_FIXED_ARRAY_TYPE(wchar128_t, &ndr_t_u16, 128, uint16_t[128]);
static const struct ndr_field portal_fields[] = {
	NDR_FIELD(struct istm_portal, guid, &ndr_t_guid),
	NDR_FIELD(struct istm_portal, address, &wchar128_t),
	NDR_FIELD(struct istm_portal, port, &ndr_t_u32),
	NDR_FIELD(struct istm_portal, listen, &ndr_t_u32),
	NDR_FIELD(struct istm_portal, secure, &ndr_t_u32),
	NDR_FIELD(struct istm_portal, valid, &ndr_t_u32),
};
static NDR_STRUCT_TYPE(portal_t, struct istm_portal, portal_fields);
struct portal_out { struct istm_portal p; /* [out] PORTAL *pPortal */ };
static const struct ndr_field portal_out_fields[] = {
	NDR_FIELD(struct portal_out, p, &portal_t),
};
static NDR_PARAMS_TYPE(portal_out_t, struct portal_out, portal_out_fields);

struct set_portal_in {
	struct ndr_bstr *address;    /* IpAddress */
	uint32_t port;               /* nPort */
	uint8_t use;                 /* bUse */
};
static const struct ndr_field set_portal_in_fields[] = {
	NDR_FIELD(struct set_portal_in, address, &ndr_t_bstr),
	NDR_FIELD(struct set_portal_in, port, &ndr_t_u32),
	NDR_FIELD(struct set_portal_in, use, &ndr_t_u8),
};
static NDR_PARAMS_TYPE(set_portal_in_t, struct set_portal_in, set_portal_in_fields);

struct volume_info_in {
	struct ndr_bstr *path;       /* VolumePath */
	struct istm_volume2 v;       /* [in, out] pVolumeInfo */
};
static const struct ndr_field volume_info_in_fields[] = {
	NDR_FIELD(struct volume_info_in, path, &ndr_t_bstr),
	NDR_FIELD(struct volume_info_in, v, &istm_t_volume2),
};
static NDR_PARAMS_TYPE(volume_info_in_t, struct volume_info_in, volume_info_in_fields);
struct volume_info_out { struct istm_volume2 v; /* [in, out] pVolumeInfo */ };
static const struct ndr_field volume_info_out_fields[] = {
	NDR_FIELD(struct volume_info_out, v, &istm_t_volume2),
};
static NDR_PARAMS_TYPE(volume_info_out_t, struct volume_info_out, volume_info_out_fields);

struct guid_out { struct ndr_guid guid; /* [out] GUID *pGuid */ };
static const struct ndr_field guid_out_fields[] = {
	NDR_FIELD(struct guid_out, guid, &ndr_t_guid),
};
static NDR_PARAMS_TYPE(guid_out_t, struct guid_out, guid_out_fields);

struct bstr_mip_in { struct ndr_bstr *s; /* [in] BSTR ResourceGroup */ };
static const struct ndr_field bstr_mip_in_fields[] = {
	NDR_FIELD(struct bstr_mip_in, s, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(bstr_in_t, struct bstr_mip_in, bstr_mip_in_fields);

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
		if (!strcmp(item.address, addr)) {
			*out = item;
			return S_OK;
		}
		rq.cursor = rp.cursor;
	}
}

static uint32_t enum_portals(struct dcom_call *c, const void *in, void *outv)
{
	(void)in;
	return istm_enum_new(c, &istm_kind_ienumportal, -1, 0, NULL, &((struct mip_out *)outv)->mip);
}

static uint32_t get_portal(struct dcom_call *c, const void *inv, void *outv)
{
	struct portal_out *out = outv;
	struct svc_target_portal p;
	uint32_t hr;

	hr = find_portal(c, ((const struct bstr_param *)inv)->s, &p);
	if (hr != S_OK)
		return hr;
	memcpy(out->p.guid.b, p.guid, 16);
	ndr_wchar_fixed_set(out->p.address, 128, p.address);
	out->p.port = p.port;
	out->p.listen = 1;               /* tgtd listens on every portal it lists */
	out->p.secure = 0;
	out->p.valid = 1;
	return S_OK;
}

static uint32_t set_portal_config(struct dcom_call *c, const void *inv, void *out)
{
	const struct set_portal_in *in = inv;
	struct svc_target_portal p;
	uint32_t hr;

	(void)out;
	if (in->port == 0 || in->port > 65535)
		return E_INVALIDARG;
	hr = find_portal(c, in->address, &p);
	if (hr != S_OK)
		return hr;
	return in->use && in->port == p.port ? S_OK : E_NOTIMPL;
}

/* ---- ILocalDeviceMgr ---- */

static uint32_t enum_disks(struct dcom_call *c, const void *in, void *outv)
{
	(void)in;
	return istm_enum_new(c, &istm_kind_disk, -1, 0, NULL, &((struct mip_out *)outv)->mip);
}

static uint32_t enum_volumes(struct dcom_call *c, const void *in, void *outv)
{
	(void)in;
	return istm_enum_new(c, &istm_kind_volume, -1, 0, NULL, &((struct mip_out *)outv)->mip);
}

static uint32_t is_valid_wt_device(struct dcom_call *c, const void *inv, void *out)
{
	(void)out;
	return path_verb(c, ask_device_is_valid, ((const struct bstr_param *)inv)->s, E_INVALIDARG);
}

static uint32_t is_disk_part_available(struct dcom_call *c, const void *in, void *outv)
{
	(void)c;
	(void)in;
	((struct u8_param *)outv)->v = 0;     /* istmd partitions no disks */
	return S_OK;
}

static uint32_t create_wt_file(struct dcom_call *c, const void *inv, void *out)
{
	const struct create_in *in = inv;
	struct svc_device_create_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	(void)out;
	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, in->path, rq->path, E_INVALIDARG);
	if (hr != S_OK)
		return hr;
	rq->size = in->size;
	rq->sparse = in->sparse ? 1 : 0;
	return ask_device_create(rq);
}

static uint32_t grow_wt_file(struct dcom_call *c, const void *inv, void *out)
{
	const struct grow_in *in = inv;
	struct svc_device_grow_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	(void)out;
	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, in->path, rq->path, E_INVALIDARG);
	if (hr != S_OK)
		return hr;
	rq->add = in->add;
	return ask_device_grow(rq);
}

static uint32_t delete_wt_file(struct dcom_call *c, const void *inv, void *out)
{
	(void)out;
	return path_verb(c, ask_device_delete, ((const struct bstr_param *)inv)->s, E_INVALIDARG);
}

static uint32_t is_path_valid(struct dcom_call *c, const void *inv, void *out)
{
	(void)out;
	/* 3.30.4.9: a malformed path is E_FAIL here */
	return path_verb(c, ask_device_path_valid, ((const struct bstr_param *)inv)->s, E_FAIL);
}

static uint32_t is_path_ntfs(struct dcom_call *c, const void *inv, void *out)
{
	(void)out;
	return path_verb(c, ask_device_is_ntfs, ((const struct bstr_param *)inv)->s, E_INVALIDARG);
}

static uint32_t does_file_exist(struct dcom_call *c, const void *inv, void *out)
{
	(void)out;
	return path_verb(c, ask_device_exists, ((const struct bstr_param *)inv)->s, E_INVALIDARG);
}

static uint32_t get_drive_info(struct dcom_call *c, const void *inv, void *outv)
{
	const struct drive_info_in *in = inv;
	struct drive_info_out *out = outv;
	struct svc_device_volume v;
	uint32_t hr;

	hr = volume_verb(c, ask_device_drive_info, in->drive, &v);
	if (hr != S_OK)
		return hr;
	ndr_wchar_fixed_set(out->info.drive, 20, v.drive);
	out->info.size = v.total_bytes;
	out->info.free_space = v.free_bytes;
	out->info.sparse_files = v.sparse ? 1 : 0;
	return S_OK;
}

static uint32_t enum_directory(struct dcom_call *c, const void *in, void *outv)
{
	(void)in;
	return istm_directory_enum_new(c, &((struct mip_out *)outv)->mip);
}

static uint32_t device_manager_rescan(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return S_OK;       /* the roots are read afresh on every call: nothing to refresh */
}

/* Opnums 3..20. */
static const struct dcom_method ilocaldevicemgr_methods[] = {
	{ "EnumDisks", &ndr_t_no_params, &mip_out_t, enum_disks },
	{ "EnumVolumes", &ndr_t_no_params, &mip_out_t, enum_volumes },
	{ "CreateVolume", &create_volume_in_t, &bstr_param_t, istm_not_implemented },
	{ "IsValidWtDevice", &bstr_param_t, &ndr_t_no_params, is_valid_wt_device },
	{ "IsDiskPartAvailable", &ndr_t_no_params, &u8_param_t, is_disk_part_available },
	{ "CreateWtFile", &create_in_t, &ndr_t_no_params, create_wt_file },
	{ "GrowWtFile", &grow_in_t, &ndr_t_no_params, grow_wt_file },
	{ "DeleteWtFile", &bstr_param_t, &ndr_t_no_params, delete_wt_file },
	{ "IsPathValid", &bstr_param_t, &ndr_t_no_params, is_path_valid },
	{ "IsPathNtfs", &bstr_param_t, &ndr_t_no_params, is_path_ntfs },
	{ "DoesFileExist", &bstr_param_t, &ndr_t_no_params, does_file_exist },
	{ "GetDriveInfo", &drive_info_in_t, &drive_info_out_t, get_drive_info },
	{ "EnumDirectory", &ndr_t_no_params, &mip_out_t, enum_directory },
	{ "EnumPortals", &ndr_t_no_params, &mip_out_t, enum_portals },
	{ "GetPortal", &bstr_param_t, &portal_out_t, get_portal },
	{ "SetPortalConfig", &set_portal_in_t, &ndr_t_no_params, set_portal_config },
	{ "DeviceManagerRescan", &u8_param_t, &ndr_t_no_params, device_manager_rescan },
	{ "GetProcessors", &ndr_t_no_params, &u32_param_t, istm_not_implemented },
};

const struct dcom_iface istm_if_ilocaldevicemgr = {
	.name = "ILocalDeviceMgr",
	.iid = NDR_GUID_INIT(0x8ad608a4, 0x6c16, 0x4405, 0x88, 0x79, 0xb2, 0x79, 0x10, 0xa6, 0x89, 0x95),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ilocaldevicemgr_methods),
	.methods = ilocaldevicemgr_methods,
};

/* ---- ILocalDeviceMgr2 ---- */

static uint32_t enum_disks2(struct dcom_call *c, const void *in, void *outv)
{
	(void)in;
	return istm_enum_new(c, &istm_kind_disk2, -1, 0, NULL, &((struct mip_out *)outv)->mip);
}

static uint32_t enum_volumes2(struct dcom_call *c, const void *in, void *outv)
{
	(void)in;
	return istm_enum_new(c, &istm_kind_volume2, -1, 0, NULL, &((struct mip_out *)outv)->mip);
}

static uint32_t get_volume_info(struct dcom_call *c, const void *inv, void *outv)
{
	const struct volume_info_in *in = inv;
	struct volume_info_out *out = outv;
	struct svc_device_volume v;
	uint32_t hr;

	hr = volume_verb(c, ask_device_volume_info, in->path, &v);
	if (hr == S_OK)
		istm_volume2_fill(&out->v, &v);
	return hr;
}

static uint32_t get_resource_group_guid(struct dcom_call *c, const void *inv, void *out)
{
	(void)out;
	if (bstr_empty(c, ((const struct bstr_mip_in *)inv)->s))
		return E_INVALIDARG;
	return ERROR_INVALID_HANDLE;    /* no resource groups: not in an HA cluster */
}

static uint32_t get_resource_group_from_path(struct dcom_call *c, const void *inv, void *outv)
{
	struct bstr_param *out = outv;
	uint32_t hr;

	hr = path_verb(c, ask_device_rg_from_path, ((const struct bstr_param *)inv)->s,
		       E_INVALIDARG);
	if (hr != S_OK)
		return hr;
	return ndr_bstr_from_utf8(&c->arena, "", &out->s) < 0 ? E_OUTOFMEMORY : S_OK;
}

static uint32_t rename_resource_group(struct dcom_call *c, const void *inv, void *out)
{
	const struct two_bstr_in *in = inv;

	(void)out;
	if (bstr_empty(c, in->a) || bstr_empty(c, in->b))
		return E_INVALIDARG;
	return ERROR_INVALID_HANDLE;    /* "not configured in an HA cluster" */
}

static uint32_t get_resource_group_owner(struct dcom_call *c, const void *inv, void *out)
{
	(void)out;
	if (bstr_empty(c, ((const struct bstr_mip_in *)inv)->s))
		return E_POINTER;           /* 3.32.4.10: invalid names are E_POINTER */
	return ERROR_INVALID_HANDLE;
}

/* Opnums 21..30. */
static const struct dcom_method ilocaldevicemgr2_methods[] = {
	{ "EnumDisks2", &ndr_t_no_params, &mip_out_t, enum_disks2 },
	{ "EnumVolumes2", &ndr_t_no_params, &mip_out_t, enum_volumes2 },
	{ "GetVolumeInfo", &volume_info_in_t, &volume_info_out_t, get_volume_info },
	{ "EnumResourceGroup", &ndr_t_no_params, &mip_out_t, istm_not_implemented },
	{ "EnumLocalResourceGroup", &ndr_t_no_params, &mip_out_t, istm_not_implemented },
	{ "GetResourceGroupGuid", &bstr_in_t, &guid_out_t, get_resource_group_guid },
	{ "GetResourceGroupFromPath", &bstr_param_t, &bstr_param_t, get_resource_group_from_path },
	{ "RenameResourceGroup", &two_bstr_in_t, &ndr_t_no_params, rename_resource_group },
	{ "EnumLocalPortals", &bstr_in_t, &mip_out_t, enum_portals },   /* not a cluster: all (3.32.4.9) */
	{ "GetResourceGroupOwner", &bstr_in_t, &bstr_param_t, get_resource_group_owner },
};

const struct dcom_iface istm_if_ilocaldevicemgr2 = {
	.name = "ILocalDeviceMgr2",
	.iid = NDR_GUID_INIT(0xb0d1ac4b, 0xf87a, 0x49b2, 0x93, 0x8f, 0xd4, 0x39, 0x24, 0x85, 0x75, 0xb2),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_ilocaldevicemgr,
	.first_opnum = 21,
	.nmethods = NDR_COUNTOF(ilocaldevicemgr2_methods),
	.methods = ilocaldevicemgr2_methods,
};

/* ---- ILocalDeviceMgr3 ---- */

static uint32_t create_diff_wt_file(struct dcom_call *c, const void *inv, void *out)
{
	const struct two_bstr_in *in = inv;
	struct svc_device_diff_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	uint32_t hr;

	(void)out;
	if (!rq)
		return E_OUTOFMEMORY;
	hr = to_path(c, in->a, rq->path, E_INVALIDARG);
	if (hr == S_OK)
		hr = to_path(c, in->b, rq->parent, E_INVALIDARG);
	return hr == S_OK ? ask_device_create_diff(rq) : hr;
}

/* Opnum 31. */
static const struct dcom_method ilocaldevicemgr3_methods[] = {
	{ "CreateDiffWtFile", &two_bstr_in_t, &ndr_t_no_params, create_diff_wt_file },
};

const struct dcom_iface istm_if_ilocaldevicemgr3 = {
	.name = "ILocalDeviceMgr3",
	.iid = NDR_GUID_INIT(0xe645744b, 0xcae5, 0x4712, 0xac, 0xaf, 0x13, 0x05, 0x7f, 0x71, 0x95, 0xaf),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_ilocaldevicemgr2,
	.first_opnum = 31,
	.nmethods = NDR_COUNTOF(ilocaldevicemgr3_methods),
	.methods = ilocaldevicemgr3_methods,
};
