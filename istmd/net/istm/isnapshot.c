/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* isnapshot.c: ISnapshot ([MS-ISTM] 3.36), one snapshot, and
 * IEnumSnapshot (3.15), the enumerator EnumSnapshots hands out.
 *
 * The object holds the snapshot's Id; every property is asked of the
 * parent on each call, because Status and ExportedWTD change under the
 * object (an export, a mount, a deletion of the exported disk).  A
 * snapshot deleted under the object answers ERROR_FILE_NOT_FOUND.
 * The setters are E_NOTIMPL (istm.acf).  A snapshot's LUN is the disk it
 * is exported as: GetVdsLunInfo describes that disk's LU (E_FAIL while
 * the snapshot is not exported, 3.36.4.17; deleting the exported disk
 * clears ExportedWTD, so "not exported" again; ERROR_NOT_FOUND while its
 * disk is mapped to no target),
 * and ExportAsWTDisk answers the new disk's index and what is known of its
 * LU before any target maps it (vds_lun_info.c).
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/snapshot.h"

struct snapshot {
	uint8_t guid[16];            /* Id */
};

uint32_t istm_snapshot_export(struct dcom_call *c, const struct svc_snapshot_info *info,
			      struct ndr_blob **mip)
{
	struct snapshot *sn = calloc(1, sizeof(*sn));

	if (!sn)
		return E_OUTOFMEMORY;
	memcpy(sn->guid, info->guid, 16);
	return istm_export(c, &istm_class_snapshot_object, &istm_if_isnapshot, sn, free, mip);
}

/* The snapshot as the parent has it now, into *INFO. */
static uint32_t get(struct dcom_call *c, struct svc_snapshot_info *info)
{
	struct snapshot *sn = c->obj ? dcom_object_state(c->obj) : NULL;
	struct svc_snapshot_ref_req rq;
	struct svc_snapshot_reply r;
	uint32_t hr;

	if (!sn)
		return E_POINTER;
	memcpy(rq.guid, sn->guid, 16);
	hr = ask_snapshot_get(&rq, &r);
	if (hr == S_OK)
		*info = r.info;
	return hr;
}

/* A verb on this snapshot answered by its HRESULT. */
static uint32_t act(struct dcom_call *c, uint32_t (*ask)(const struct svc_snapshot_ref_req *))
{
	struct snapshot *sn = c->obj ? dcom_object_state(c->obj) : NULL;
	struct svc_snapshot_ref_req rq;

	if (!sn)
		return E_POINTER;
	memcpy(rq.guid, sn->guid, 16);
	return ask(&rq);
}

uint32_t ISnapshot_get_Id(struct dcom_call *c, struct ISnapshot_get_Id_out *out)
{
	struct snapshot *sn = c->obj ? dcom_object_state(c->obj) : NULL;

	if (!sn)
		return E_POINTER;
	memcpy(out->pId.b, sn->guid, 16);
	return S_OK;
}

uint32_t ISnapshot_get_OrigWTD(struct dcom_call *c, struct ISnapshot_get_OrigWTD_out *out)
{
	struct svc_snapshot_info i;
	uint32_t hr = get(c, &i);

	if (hr == S_OK)
		out->pWTD = (uint32_t)i.orig_wtd;
	return hr;
}

uint32_t ISnapshot_get_TimeStamp(struct dcom_call *c, struct ISnapshot_get_TimeStamp_out *out)
{
	struct svc_snapshot_info i;
	uint32_t hr = get(c, &i);

	if (hr == S_OK)
		out->pTimeStamp = i.timestamp;
	return hr;
}

/* Not exported: 0xFFFFFFFF, no disk index (Windows answers the same). */
uint32_t ISnapshot_get_ExportedWTD(struct dcom_call *c, struct ISnapshot_get_ExportedWTD_out *out)
{
	struct svc_snapshot_info i;
	uint32_t hr = get(c, &i);

	if (hr == S_OK)
		out->pWTD = i.exported_wtd < 0 ? 0xffffffffu : (uint32_t)i.exported_wtd;
	return hr;
}

uint32_t ISnapshot_get_Persistent(struct dcom_call *c, struct ISnapshot_get_Persistent_out *out)
{
	struct svc_snapshot_info i;
	uint32_t hr = get(c, &i);

	if (hr == S_OK)
		out->pPersistent = i.persistent;
	return hr;
}

uint32_t ISnapshot_get_Status(struct dcom_call *c, struct ISnapshot_get_Status_out *out)
{
	struct svc_snapshot_info i;
	uint32_t hr = get(c, &i);

	if (hr == S_OK)
		out->pStatus = i.status;
	return hr;
}

uint32_t ISnapshot_Save(struct dcom_call *c)
{
	return act(c, ask_snapshot_save);
}

uint32_t ISnapshot_Rollback(struct dcom_call *c)
{
	return act(c, ask_snapshot_rollback);
}

uint32_t ISnapshot_AbortRollback(struct dcom_call *c)
{
	return act(c, ask_snapshot_abort_rollback);
}

uint32_t ISnapshot_ExportAsWTDisk(struct dcom_call *c,
				  const struct ISnapshot_ExportAsWTDisk_in *in,
				  struct ISnapshot_ExportAsWTDisk_out *out)
{
	struct snapshot *sn = c->obj ? dcom_object_state(c->obj) : NULL;
	struct svc_snapshot_ref_req rq;
	struct svc_snapshot_reply r;
	uint32_t hr;

	(void)in;                    /* [in, out]: what the client sent is replaced */
	if (!sn)
		return E_POINTER;
	memcpy(rq.guid, sn->guid, 16);
	if ((hr = ask_snapshot_export(&rq, &r)) != S_OK)
		return hr;
	out->pWTD = (uint32_t)r.info.exported_wtd;
	/* the export is made: a failure to describe its LU must not say it
	 * was not (a retry would be E_ABORT); the description stays empty */
	if (istm_vds_lun_info(c, r.info.exported_wtd, &out->pVdsLunInfo) != S_OK) {
		memset(&out->pVdsLunInfo, 0, sizeof(out->pVdsLunInfo));
		out->pVdsLunInfo.m_version = VER_VDS_LUN_INFORMATION;
	}
	return S_OK;
}

uint32_t ISnapshot_GetVdsLunInfo(struct dcom_call *c, const struct ISnapshot_GetVdsLunInfo_in *in,
				 struct ISnapshot_GetVdsLunInfo_out *out)
{
	struct svc_snapshot_info i;
	uint32_t hr = get(c, &i);

	(void)in;
	if (hr != S_OK)
		return hr;
	if (i.exported_wtd < 0)
		return E_FAIL;               /* "has not been previously exposed as a LUN" */
	return istm_vds_lun_info(c, i.exported_wtd, &out->pVdsLunInfo);
}

uint32_t ISnapshot_DVMount(struct dcom_call *c)
{
	return act(c, ask_snapshot_mount);
}

uint32_t ISnapshot_DVDismount(struct dcom_call *c)
{
	return act(c, ask_snapshot_dismount);
}

static const struct dcom_iface *const snapshot_ifaces[] = { &istm_if_isnapshot };
const struct dcom_class istm_class_snapshot_object = {
	.name = "ISnapshot",
	.ifaces = snapshot_ifaces, .nifaces = NDR_COUNTOF(snapshot_ifaces),
};

/* ---- IEnumSnapshot ---- */

static uint32_t to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			void *elem)
{
	struct svc_snapshot_info info;

	(void)e;
	memcpy(&info, item, sizeof(info));
	return istm_snapshot_export(c, &info, (struct ndr_blob **)elem);
}

static const struct istm_enum_kind kind = {
	.name = "IEnumSnapshot",
	ISTM_ENUM_IEnumSnapshot,
	.verb = SVC_SNAPSHOT_ENUM,
	.item_size = sizeof(struct svc_snapshot_info),
	.to_wire = to_wire,
};

uint32_t istm_enum_snapshot_new(struct dcom_call *c, int64_t wtd, struct ndr_blob **mip)
{
	return istm_enum_new(c, &kind, wtd, 0, NULL, mip);
}
