/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* idirectoryenum.c: IDirectoryEnum ([MS-ISTM] 3.3), handed out by
 * ILocalDeviceMgr::EnumDirectory: FindFirst/FindNext/FindClose over one
 * directory inside a storage root, listed by the parent
 * (SVC_DEVICE_LIST_DIR over paths_list_dir: regular files and directories
 * only, by name).  The object keeps the search path and the name returned
 * last, so a walk survives entries coming and going.  FindFirst on an
 * open walk starts over (Windows closes the old one, <16>); FindNext
 * without FindFirst is ERROR_INVALID_HANDLE; an empty directory answers
 * ERROR_NO_MORE_FILES already to FindFirst.  GetDriveString is E_NOTIMPL,
 * as on Windows (<15>).
 */
#include <config.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/device.h"

static NDR_FIXED_ARRAY_TYPE(wchar512_t, &ndr_t_u16, 512, uint16_t[512]);

/* 2.2.4.3 DIRECTORY_DATA */
struct istm_dirdata {
	uint16_t file_name[512];     /* szFileName */
	uint16_t full_path[512];     /* szFullPath */
	uint16_t type;               /* eType: Directory = 0, File = 1 */
};
static const struct ndr_field dirdata_fields[] = {
	NDR_FIELD(struct istm_dirdata, file_name, &wchar512_t),
	NDR_FIELD(struct istm_dirdata, full_path, &wchar512_t),
	NDR_FIELD(struct istm_dirdata, type, &ndr_t_u16),
};
static NDR_STRUCT_TYPE(dirdata_t, struct istm_dirdata, dirdata_fields);

struct find_first_in {
	struct ndr_bstr *path;       /* [in] BSTR bstrSearchPath */
	struct istm_dirdata d;       /* [in, out] DIRECTORY_DATA *pDirectoryData */
};
static const struct ndr_field find_first_in_fields[] = {
	NDR_FIELD(struct find_first_in, path, &ndr_t_bstr),
	NDR_FIELD(struct find_first_in, d, &dirdata_t),
};
static NDR_PARAMS_TYPE(find_first_in_t, struct find_first_in, find_first_in_fields);

struct dirdata_param { struct istm_dirdata d; /* [in, out] DIRECTORY_DATA *pDirectoryData */ };
static const struct ndr_field dirdata_param_fields[] = {
	NDR_FIELD(struct dirdata_param, d, &dirdata_t),
};
static NDR_PARAMS_TYPE(dirdata_param_t, struct dirdata_param, dirdata_param_fields);

struct bstr_out { struct ndr_bstr *s; /* [out] BSTR *pbstrDriveString */ };
static const struct ndr_field bstr_out_fields[] = {
	NDR_FIELD(struct bstr_out, s, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(bstr_out_t, struct bstr_out, bstr_out_fields);

/* The object's state. */
struct dir_walk {
	bool started;                /* FindFirst succeeded and no FindClose since */
	char dir[SVC_DEVICE_PATH_MAX];    /* the search path FindFirst was given */
	char after[256];             /* name of the entry returned last */
};

/* Ask the parent for the entry after W->after; fill D on S_OK. */
static uint32_t step(struct dcom_call *c, struct dir_walk *w, struct istm_dirdata *d)
{
	struct svc_device_dir_req *rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	struct svc_device_dir_reply *rp = ndr_arena_zalloc(&c->arena, sizeof(*rp));
	uint32_t hr;

	if (!rq || !rp)
		return E_OUTOFMEMORY;
	memcpy(rq->dir, w->dir, sizeof(rq->dir));
	memcpy(rq->after, w->after, sizeof(rq->after));
	hr = ask_device_list_dir(rq, rp);
	if (hr != S_OK)
		return hr;
	if (!memchr(rp->name, 0, sizeof(rp->name)) ||
	    !memchr(rp->full, 0, sizeof(rp->full)))
		return ERROR_NOT_READY;
	memset(d, 0, sizeof(*d));
	ndr_wchar_fixed_set(d->file_name, 512, rp->name);
	ndr_wchar_fixed_set(d->full_path, 512, rp->full);
	d->type = rp->type ? 1 : 0;
	memcpy(w->after, rp->name, sizeof(w->after));
	return S_OK;
}

static uint32_t get_drive_string(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return E_NOTIMPL;
}

static uint32_t find_first(struct dcom_call *c, const void *inv, void *outv)
{
	const struct find_first_in *in = inv;
	struct dirdata_param *out = outv;
	struct dir_walk *w = c->obj ? dcom_object_state(c->obj) : NULL;
	char *path;
	uint32_t hr;

	if (!w)
		return E_FAIL;
	w->started = false;            /* an open walk is closed first (<16>) */
	if (!in->path || ndr_bstr_to_utf8(&c->arena, in->path, &path) < 0 || !path[0] ||
	    strlen(path) >= sizeof(w->dir))
		return E_INVALIDARG;
	memcpy(w->dir, path, strlen(path) + 1);
	w->after[0] = '\0';
	hr = step(c, w, &out->d);
	w->started = hr == S_OK;
	return hr;
}

static uint32_t find_next(struct dcom_call *c, const void *in, void *outv)
{
	struct dirdata_param *out = outv;
	struct dir_walk *w = c->obj ? dcom_object_state(c->obj) : NULL;

	(void)in;
	if (!w || !w->started)
		return ERROR_INVALID_HANDLE;   /* "FindFirst was not called" */
	return step(c, w, &out->d);
}

static uint32_t find_close(struct dcom_call *c, const void *in, void *out)
{
	struct dir_walk *w = c->obj ? dcom_object_state(c->obj) : NULL;

	(void)in;
	(void)out;
	if (w) {
		w->started = false;
		w->after[0] = '\0';
	}
	return S_OK;
}

static const struct dcom_method idirectoryenum_methods[] = {
	{ "GetDriveString", &ndr_t_no_params, &bstr_out_t, get_drive_string },
	{ "FindFirst", &find_first_in_t, &dirdata_param_t, find_first },
	{ "FindNext", &dirdata_param_t, &dirdata_param_t, find_next },
	{ "FindClose", &ndr_t_no_params, &ndr_t_no_params, find_close },
};

const struct dcom_iface istm_if_idirectoryenum = {
	.name = "IDirectoryEnum",
	.iid = NDR_GUID_INIT(0x28bc8d5e, 0xca4b, 0x4f54, 0x97, 0x3c, 0xed, 0x96, 0x22, 0xd2, 0xb3, 0xac),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(idirectoryenum_methods),
	.methods = idirectoryenum_methods,
};

static const struct dcom_iface *const directory_enum_ifaces[] = { &istm_if_idirectoryenum };
const struct dcom_class istm_class_directory_enum = {
	.name = "IDirectoryEnum",
	.ifaces = directory_enum_ifaces, .nifaces = NDR_COUNTOF(directory_enum_ifaces),
};

uint32_t istm_directory_enum_new(struct dcom_call *c, struct ndr_blob **mip)
{
	struct dir_walk *w = calloc(1, sizeof(*w));

	if (!w)
		return E_OUTOFMEMORY;
	return istm_export(c, &istm_class_directory_enum, &istm_if_idirectoryenum, w, free, mip);
}
