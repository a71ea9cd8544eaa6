/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* isnapshotmgr.c: ISnapshotMgr ([MS-ISTM] 3.38), the snapshot manager:
 * prepare, take, wait for, get, enumerate and delete snapshots.  The
 * parent does the work (svc/svc_snapshot*.c); this file turns the wire
 * parameters into requests.  ImportSnapshot is E_NOTIMPL (istm.acf, <81>).
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/snapshot.h"

uint32_t ISnapshotMgr_EnumSnapshots(struct dcom_call *c,
				    struct ISnapshotMgr_EnumSnapshots_out *out)
{
	return istm_enum_snapshot_new(c, -1, &out->ppEnumSnapshot);
}

uint32_t ISnapshotMgr_GetSnapshot(struct dcom_call *c, const struct ISnapshotMgr_GetSnapshot_in *in,
				  struct ISnapshotMgr_GetSnapshot_out *out)
{
	struct svc_snapshot_ref_req rq;
	struct svc_snapshot_reply r;
	uint32_t hr;

	memcpy(rq.guid, in->SnapshotId.b, 16);
	hr = ask_snapshot_get(&rq, &r);
	return hr == S_OK ? istm_snapshot_export(c, &r.info, &out->ppSnapshot) : hr;
}

uint32_t ISnapshotMgr_PrepareCreateSnapshot(struct dcom_call *c,
					    const struct ISnapshotMgr_PrepareCreateSnapshot_in *in,
					    struct ISnapshotMgr_PrepareCreateSnapshot_out *out)
{
	struct svc_snapshot_prepare_req rq;
	struct svc_snapshot_reply r;
	uint32_t hr;

	(void)c;
	memset(&rq, 0, sizeof(rq));
	rq.wtd = in->nWTD;
	memcpy(rq.guid, in->pSnapshotId.b, 16);
	hr = ask_snapshot_prepare(&rq, &r);
	if (hr == S_OK)
		memcpy(out->pSnapshotId.b, r.info.guid, 16);
	else
		out->pSnapshotId = in->pSnapshotId;   /* [in, out]: unchanged on failure */
	return hr;
}

static void ref(struct svc_snapshot_ref_req *rq, const struct ndr_guid *g)
{
	memcpy(rq->guid, g->b, 16);
}

uint32_t ISnapshotMgr_DoCreateSnapshot(struct dcom_call *c,
				       const struct ISnapshotMgr_DoCreateSnapshot_in *in)
{
	struct svc_snapshot_ref_req rq;

	(void)c;
	ref(&rq, &in->SnapshotId);
	return ask_snapshot_create(&rq);
}

uint32_t ISnapshotMgr_DoEndSnapshot(struct dcom_call *c,
				    const struct ISnapshotMgr_DoEndSnapshot_in *in)
{
	struct svc_snapshot_ref_req rq;

	(void)c;
	ref(&rq, &in->SnapshotId);
	return ask_snapshot_end(&rq);
}

uint32_t ISnapshotMgr_DeleteSnapshot(struct dcom_call *c,
				     const struct ISnapshotMgr_DeleteSnapshot_in *in)
{
	struct svc_snapshot_ref_req rq;

	(void)c;
	ref(&rq, &in->SnapshotId);
	return ask_snapshot_delete(&rq);
}
