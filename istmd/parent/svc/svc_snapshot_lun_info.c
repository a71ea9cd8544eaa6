/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_lun_info.c: the identity of the LU tgtd presents for a disk,
 * which IWTDisk::GetVdsLunInfo, ISnapshot::GetVdsLunInfo and
 * ISnapshot::ExportAsWTDisk turn into [MS-VDS]'s VDS_LUN_INFORMATION.
 *
 * What an initiator sees is what tgtd answers, so it is read from tgtd
 * ("--op show": the SCSI ID and SN of the first LU serving the disk), not
 * from the store.  The INQUIRY strings are tgt's defaults, which istmd
 * never changes (tgt has no way to show them).  Trade-off: tgt gives each
 * LU its own SCSI ID and SN from its target and LUN numbers, so a disk
 * mapped to no target has no identity yet (empty SCSI ID and SN), and one
 * mapped twice is described by its first LU.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc_snapshot_int.h"

/* tgt's INQUIRY defaults (usr/target.c: vendor_id, product_id, product_rev) */
#define TGT_VENDOR "IET"
#define TGT_PRODUCT "VIRTUAL-DISK"
#define TGT_REVISION "0001"

/* The first LU of tgtd serving disk D into R (scsi_id, scsi_sn): S_OK,
 * also when none does (R's stay empty). */
static uint32_t first_lu(struct svc *s, const struct state_disk *d, struct svc_lun_info_reply *r)
{
	struct state_lun_mapping *m = NULL;
	struct tgt_show *show = NULL;
	struct state_target *t = malloc(sizeof(*t));
	bool found = false;
	size_t n = 0;

	if (!t)
		return E_OUTOFMEMORY;
	if (state_lun_list_for_disk(s->st, d->wtd, &m, &n) < 0 || tgt_show(&s->tgt, &show) < 0) {
		free(t);
		free(m);
		return ERROR_NOT_READY;
	}
	for (size_t i = 0; i < n && !found; i++) {
		const struct tgt_show_target *cur;

		if (state_target_get(s->st, m[i].wtd, t) < 0 || t->tid <= 0 ||
		    !(cur = tgt_show_find(show, t->tid)))
			continue;
		for (size_t k = 0; k < cur->nlus; k++) {
			if (cur->lus[k].lun != TGT_LUN_FROM_ISTM(m[i].lun))
				continue;
			memcpy(r->scsi_id, cur->lus[k].scsi_id, sizeof(r->scsi_id));
			memcpy(r->scsi_sn, cur->lus[k].scsi_sn, sizeof(r->scsi_sn));
			found = true;
			break;
		}
	}
	tgt_show_free(show);
	free(t);
	free(m);
	return S_OK;
}

int answer_snapshot_lun_info(struct svc *s, const uint8_t *req, uint8_t *reply,
			     size_t *reply_len)
{
	struct svc_snapshot_disk_req rq;
	struct svc_lun_info_reply *r = (struct svc_lun_info_reply *)reply;
	struct state_disk *d = malloc(sizeof(*d));
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!d)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	memset(r, 0, sizeof(*r));
	err = rq.wtd < 0 ? -ENOENT : state_disk_get(s->st, rq.wtd, d);
	r->hr = err == -ENOENT ? ERROR_FILE_NOT_FOUND : err < 0 ? svc_hresult(err) : S_OK;
	if (r->hr == S_OK)
		r->hr = first_lu(s, d, r);
	free(d);
	if (r->hr != S_OK)
		return svc_reply_hr(reply, reply_len, r->hr);
	memcpy(r->vendor, TGT_VENDOR, sizeof(TGT_VENDOR));
	memcpy(r->product, TGT_PRODUCT, sizeof(TGT_PRODUCT));
	memcpy(r->revision, TGT_REVISION, sizeof(TGT_REVISION));
	*reply_len = sizeof(*r);
	return 0;
}
