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
 * anything else E_INVALIDARG.  Snapshots do not exist here, so
 * CreateShadowWTDisk(NonPersistent) and DVMountSelectedWTDisksSnapshotNow
 * are E_NOTIMPL, as are ImportWTDisk (as on Windows) and OpenWTDisk /
 * SaveToStream's counterpart for a remote caller (E_ACCESSDENIED).  The
 * cluster methods answer as a non-clustered server.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/disk.h"

#define WTD_ANY 0xffffffffu          /* nWTD -1: the next index */

/* ---- parameter lists ---- */
struct mip_out { struct ndr_blob *mip; /* [out] IEnumWTDisk ** / IWTDisk ** */ };
static const struct ndr_field mip_out_fields[] = {
	NDR_FIELD(struct mip_out, mip, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(mip_out_t, struct mip_out, mip_out_fields);

struct create_in {
	uint16_t type;               /* WTDType eDeviceType */
	struct ndr_bstr *path;       /* BSTR DevicePath */
	struct ndr_bstr *description;   /* BSTR Description */
	uint8_t clear;               /* boolean bClearPartTable */
	uint8_t force;               /* boolean bForceDismount (ignored) */
};
static const struct ndr_field create_in_fields[] = {
	NDR_FIELD(struct create_in, type, &ndr_t_u16),
	NDR_FIELD(struct create_in, path, &ndr_t_bstr),
	NDR_FIELD(struct create_in, description, &ndr_t_bstr),
	NDR_FIELD(struct create_in, clear, &ndr_t_u8),
	NDR_FIELD(struct create_in, force, &ndr_t_u8),
};
static NDR_PARAMS_TYPE(create_in_t, struct create_in, create_in_fields);

struct wtd_param { uint32_t wtd; /* unsigned long nWTD / *pWTD */ };
static const struct ndr_field wtd_fields[] = { NDR_FIELD(struct wtd_param, wtd, &ndr_t_u32) };
static NDR_PARAMS_TYPE(wtd_t, struct wtd_param, wtd_fields);

struct shadow_in {
	uint16_t type;               /* WTDType eDeviceType */
	struct ndr_bstr *path;       /* BSTR DevicePath */
	struct ndr_bstr *description;   /* BSTR Description */
	struct ndr_guid snapshot;    /* GUID SnapshotId */
};
static const struct ndr_field shadow_in_fields[] = {
	NDR_FIELD(struct shadow_in, type, &ndr_t_u16),
	NDR_FIELD(struct shadow_in, path, &ndr_t_bstr),
	NDR_FIELD(struct shadow_in, description, &ndr_t_bstr),
	NDR_FIELD(struct shadow_in, snapshot, &ndr_t_guid),
};
static NDR_PARAMS_TYPE(shadow_in_t, struct shadow_in, shadow_in_fields);

struct path_in { struct ndr_bstr *path; /* BSTR Path */ };
static const struct ndr_field path_in_fields[] = {
	NDR_FIELD(struct path_in, path, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(path_in_t, struct path_in, path_in_fields);

struct get_in { uint32_t wtd; /* unsigned long nWTD */ };
static const struct ndr_field get_in_fields[] = { NDR_FIELD(struct get_in, wtd, &ndr_t_u32) };
static NDR_PARAMS_TYPE(get_in_t, struct get_in, get_in_fields);

struct import_in { struct ndr_blob *disk; /* [in] IWTDisk *pWTDisk */ };
static const struct ndr_field import_in_fields[] = {
	NDR_FIELD(struct import_in, disk, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(import_in_t, struct import_in, import_in_fields);

struct create_np_in {
	uint32_t wtd;                /* unsigned long nWTD */
	uint16_t type;               /* WTDType eDeviceType */
	struct ndr_bstr *path;       /* BSTR DevicePath */
	struct ndr_bstr *description;   /* BSTR Description */
	uint8_t clear;               /* boolean bClearPartTable */
	uint8_t force;               /* boolean bForceDismount (ignored) */
	struct ndr_bstr *resource;   /* BSTR ResourceName */
};
static const struct ndr_field create_np_in_fields[] = {
	NDR_FIELD(struct create_np_in, wtd, &ndr_t_u32),
	NDR_FIELD(struct create_np_in, type, &ndr_t_u16),
	NDR_FIELD(struct create_np_in, path, &ndr_t_bstr),
	NDR_FIELD(struct create_np_in, description, &ndr_t_bstr),
	NDR_FIELD(struct create_np_in, clear, &ndr_t_u8),
	NDR_FIELD(struct create_np_in, force, &ndr_t_u8),
	NDR_FIELD(struct create_np_in, resource, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(create_np_in_t, struct create_np_in, create_np_in_fields);

struct shadow_np_in {
	uint32_t wtd;                /* unsigned long nWTD */
	uint16_t type;               /* WTDType eDeviceType */
	struct ndr_bstr *path;       /* BSTR DevicePath */
	struct ndr_bstr *description;   /* BSTR Description */
	struct ndr_guid snapshot;    /* GUID SnapshotId */
	struct ndr_bstr *resource;   /* BSTR ResourceName */
};
static const struct ndr_field shadow_np_in_fields[] = {
	NDR_FIELD(struct shadow_np_in, wtd, &ndr_t_u32),
	NDR_FIELD(struct shadow_np_in, type, &ndr_t_u16),
	NDR_FIELD(struct shadow_np_in, path, &ndr_t_bstr),
	NDR_FIELD(struct shadow_np_in, description, &ndr_t_bstr),
	NDR_FIELD(struct shadow_np_in, snapshot, &ndr_t_guid),
	NDR_FIELD(struct shadow_np_in, resource, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(shadow_np_in_t, struct shadow_np_in, shadow_np_in_fields);

struct open_in {
	struct ndr_blob *stream;     /* [in] IUnknown *pStream */
	struct ndr_bstr *resource;   /* BSTR ResourceName */
};
static const struct ndr_field open_in_fields[] = {
	NDR_FIELD(struct open_in, stream, &ndr_t_unique_mip),
	NDR_FIELD(struct open_in, resource, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(open_in_t, struct open_in, open_in_fields);

struct notify2_in {
	uint32_t wtd;                /* unsigned long nWTD */
	uint8_t shadow;              /* boolean bShadowDisk */
};
static const struct ndr_field notify2_in_fields[] = {
	NDR_FIELD(struct notify2_in, wtd, &ndr_t_u32),
	NDR_FIELD(struct notify2_in, shadow, &ndr_t_u8),
};
static NDR_PARAMS_TYPE(notify2_in_t, struct notify2_in, notify2_in_fields);

/* ---- implementations ---- */

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

static uint32_t enum_wtdisks(struct dcom_call *c, const void *in, void *outv)
{
	struct mip_out *out = outv;

	(void)in;
	return istm_enum_wtdisk_new(c, 0, &out->mip);
}

static uint32_t create_wtdisk(struct dcom_call *c, const void *inv, void *outv)
{
	const struct create_in *in = inv;
	struct wtd_param *out = outv;
	struct svc_disk_reply *r;
	uint32_t hr;

	hr = create(c, in->type, in->path, in->description, in->clear, -1,
		    SVC_DISK_CREATE_PERSIST, &r);
	if (hr == S_OK)
		out->wtd = (uint32_t)r->info.wtd;
	return hr;
}

static uint32_t delete_wtdisk(struct dcom_call *c, const void *inv, void *out)
{
	const struct wtd_param *in = inv;
	struct svc_disk_ref_req rq = { in->wtd };

	(void)c;
	(void)out;
	return ask_disk_delete(&rq);
}

static uint32_t get_disk(struct dcom_call *c, uint32_t wtd, struct ndr_blob **mip)
{
	struct svc_disk_ref_req rq = { wtd };
	struct svc_disk_reply *r = ndr_arena_zalloc(&c->arena, sizeof(*r));
	uint32_t hr;

	if (!r)
		return E_OUTOFMEMORY;
	hr = ask_disk_get(&rq, r);
	if (hr != S_OK)
		return hr;
	return istm_wtdisk_export(c, &r->info, mip);
}

static uint32_t get_wtdisk(struct dcom_call *c, const void *inv, void *outv)
{
	const struct get_in *in = inv;
	struct mip_out *out = outv;

	return get_disk(c, in->wtd, &out->mip);
}

static uint32_t enum_same_volume_by_path(struct dcom_call *c, const void *inv, void *outv)
{
	const struct path_in *in = inv;
	struct mip_out *out = outv;
	struct svc_disk_volume_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	struct svc_disk_volume_reply r;
	uint32_t hr;

	if (!rq)
		return E_OUTOFMEMORY;
	hr = bstr_in(c, in->path, rq->path, sizeof(rq->path));
	if (hr != S_OK)
		return hr == E_POINTER ? E_INVALIDARG : hr;
	hr = ask_disk_volume(rq, &r);
	if (hr != S_OK)
		return hr;
	return istm_enum_wtdisk_new(c, r.drive, &out->mip);
}

static uint32_t enum_same_volume(struct dcom_call *c, const void *inv, void *outv)
{
	const struct get_in *in = inv;
	struct mip_out *out = outv;
	struct svc_disk_ref_req rq = { in->wtd };
	struct svc_disk_reply *r = ndr_arena_zalloc(&c->arena, sizeof(*r));
	uint32_t hr;

	if (!r)
		return E_OUTOFMEMORY;
	hr = ask_disk_get(&rq, r);
	if (hr != S_OK)
		return hr;
	return istm_enum_wtdisk_new(c, r->info.drive, &out->mip);
}

/* ---- IWTDiskMgr2 ---- */

static uint32_t create_nonpersistent(struct dcom_call *c, const void *inv, void *outv)
{
	const struct create_np_in *in = inv;
	struct mip_out *out = outv;
	struct svc_disk_reply *r;
	uint32_t hr;

	if (in->resource && in->resource->nchars)
		return E_INVALIDARG;      /* not clustered: no resource names */
	hr = create(c, in->type, in->path, in->description, in->clear,
		    in->wtd == WTD_ANY ? -1 : (int64_t)in->wtd, 0, &r);
	if (hr != S_OK)
		return hr;
	return istm_wtdisk_export(c, &r->info, &out->mip);
}

static uint32_t open_wtdisk(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return E_ACCESSDENIED;        /* 3.48.4.3: a remote caller */
}

static uint32_t close_wtdisk(struct dcom_call *c, const void *inv, void *out)
{
	const struct wtd_param *in = inv;
	struct svc_disk_ref_req rq = { in->wtd };

	(void)c;
	(void)out;
	return ask_disk_close(&rq);
}

/* ---- IWTDiskMgr4 ---- */

static uint32_t cluster_notify2(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return ERROR_INVALID_OPERATION;   /* "called in a non HA-Configuration" */
}

/* Opnums 3..11. */
static const struct dcom_method iwtdiskmgr_methods[] = {
	{ "EnumWTDisks", &ndr_t_no_params, &mip_out_t, enum_wtdisks },
	{ "CreateWTDisk", &create_in_t, &wtd_t, create_wtdisk },
	{ "CreateShadowWTDisk", &shadow_in_t, &wtd_t, istm_not_implemented },
	{ "DeleteWTDisk", &wtd_t, &ndr_t_no_params, delete_wtdisk },
	{ "GetWTDisk", &get_in_t, &mip_out_t, get_wtdisk },
	{ "EnumWTDisksOnSameVolumeByPath", &path_in_t, &mip_out_t, enum_same_volume_by_path },
	{ "EnumWTDisksOnSameVolume", &get_in_t, &mip_out_t, enum_same_volume },
	{ "DVMountSelectedWTDisksSnapshotNow", &ndr_t_no_params, &ndr_t_no_params,
	  istm_not_implemented },
	{ "ImportWTDisk", &import_in_t, &ndr_t_no_params, istm_not_implemented },
};

const struct dcom_iface istm_if_iwtdiskmgr = {
	.name = "IWTDiskMgr",
	.iid = NDR_GUID_INIT(0x52ba97e7, 0x9364, 0x4134, 0xb9, 0xcb, 0xf8, 0x41, 0x52, 0x13, 0xbd, 0xd8),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(iwtdiskmgr_methods),
	.methods = iwtdiskmgr_methods,
};

/* Opnums 12..15. */
static const struct dcom_method iwtdiskmgr2_methods[] = {
	{ "CreateWTDiskNonPersistent", &create_np_in_t, &mip_out_t, create_nonpersistent },
	{ "CreateShadowWTDiskNonPersistent", &shadow_np_in_t, &mip_out_t, istm_not_implemented },
	{ "OpenWTDisk", &open_in_t, &mip_out_t, open_wtdisk },
	{ "CloseWTDisk", &wtd_t, &ndr_t_no_params, close_wtdisk },
};

const struct dcom_iface istm_if_iwtdiskmgr2 = {
	.name = "IWTDiskMgr2",
	.iid = NDR_GUID_INIT(0x592381e5, 0x8d3c, 0x42e9, 0xb7, 0xde, 0x4e, 0x77, 0xa1, 0xf7, 0x5a, 0xe4),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_iwtdiskmgr,
	.first_opnum = 12,
	.nmethods = NDR_COUNTOF(iwtdiskmgr2_methods),
	.methods = iwtdiskmgr2_methods,
};

/* Opnum 16. */
static const struct dcom_method iwtdiskmgr3_methods[] = {
	{ "ClusterNotifyWTDiskDeletion", &wtd_t, &ndr_t_no_params, istm_not_implemented },
};

const struct dcom_iface istm_if_iwtdiskmgr3 = {
	.name = "IWTDiskMgr3",
	.iid = NDR_GUID_INIT(0xd6bd6d63, 0xe8cb, 0x4905, 0xab, 0x34, 0x8a, 0x27, 0x8c, 0x93, 0x19, 0x7a),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_iwtdiskmgr2,
	.first_opnum = 16,
	.nmethods = NDR_COUNTOF(iwtdiskmgr3_methods),
	.methods = iwtdiskmgr3_methods,
};

/* Opnums 17..18. */
static const struct dcom_method iwtdiskmgr4_methods[] = {
	{ "EnumAllClusterWTDisks", &ndr_t_no_params, &mip_out_t, enum_wtdisks },
	{ "ClusterNotifyWTDiskDeletion2", &notify2_in_t, &ndr_t_no_params, cluster_notify2 },
};

const struct dcom_iface istm_if_iwtdiskmgr4 = {
	.name = "IWTDiskMgr4",
	.iid = NDR_GUID_INIT(0x703e6b03, 0x7ad1, 0x4ded, 0xba, 0x0d, 0xe9, 0x04, 0x96, 0xeb, 0xc5, 0xde),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_iwtdiskmgr3,
	.first_opnum = 17,
	.nmethods = NDR_COUNTOF(iwtdiskmgr4_methods),
	.methods = iwtdiskmgr4_methods,
};
