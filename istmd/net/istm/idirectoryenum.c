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

/* The object's state. */
struct dir_walk {
	bool started;                /* FindFirst succeeded and no FindClose since */
	char dir[SVC_DEVICE_PATH_MAX];    /* the search path FindFirst was given */
	char after[256];             /* name of the entry returned last */
};

/* Ask the parent for the entry after W->after; fill D on S_OK. */
static uint32_t step(struct dcom_call *c, struct dir_walk *w, struct DIRECTORY_DATA *d)
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
	ndr_wchar_fixed_set(d->szFileName, 512, rp->name);
	ndr_wchar_fixed_set(d->szFullPath, 512, rp->full);
	d->eType = rp->type ? Type_File : Type_Directory;
	memcpy(w->after, rp->name, sizeof(w->after));
	return S_OK;
}

uint32_t IDirectoryEnum_FindFirst(struct dcom_call *c, const struct IDirectoryEnum_FindFirst_in *in,
				  struct IDirectoryEnum_FindFirst_out *out)
{
	struct dir_walk *w = c->obj ? dcom_object_state(c->obj) : NULL;
	char *path;
	uint32_t hr;

	if (!w)
		return E_FAIL;
	w->started = false;            /* an open walk is closed first (<16>) */
	if (!in->bstrSearchPath || ndr_bstr_to_utf8(&c->arena, in->bstrSearchPath, &path) < 0 ||
	    !path[0] || strlen(path) >= sizeof(w->dir))
		return E_INVALIDARG;
	memcpy(w->dir, path, strlen(path) + 1);
	w->after[0] = '\0';
	hr = step(c, w, &out->pDirectoryData);
	w->started = hr == S_OK;
	return hr;
}

uint32_t IDirectoryEnum_FindNext(struct dcom_call *c, const struct IDirectoryEnum_FindNext_in *in,
				 struct IDirectoryEnum_FindNext_out *out)
{
	struct dir_walk *w = c->obj ? dcom_object_state(c->obj) : NULL;

	(void)in;
	if (!w || !w->started)
		return ERROR_INVALID_HANDLE;   /* "FindFirst was not called" */
	return step(c, w, &out->pDirectoryData);
}

uint32_t IDirectoryEnum_FindClose(struct dcom_call *c)
{
	struct dir_walk *w = c->obj ? dcom_object_state(c->obj) : NULL;

	if (w) {
		w->started = false;
		w->after[0] = '\0';
	}
	return S_OK;
}

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
