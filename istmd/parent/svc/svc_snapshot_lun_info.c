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
 *
 * The disk signature is read from the disk's first two sectors as tgtd
 * serves them (the chain's top, opened read-only without locks, as an
 * inspection of a disk in use): the MBR's signature, or the GPT's disk
 * GUID behind a protective MBR; zero for anything else ([MS-VDS]: "the
 * disk is not initialized").
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc_snapshot_int.h"
#include "vhd.h"

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

/* m_diskSignature of the disk whose served chain top is TOP into SIG
 * (zeroed first): the MBR signature in the first 32 bits, or the GPT disk
 * GUID ([MS-VDS] 2.2.1.3.15). */
static void disk_signature(const char *top, uint8_t sig[16])
{
	uint8_t s[1024];
	vhd_chain *c;
	int err;

	memset(sig, 0, 16);
	if (vhd_chain_open(top, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c) < 0)
		return;
	err = vhd_chain_pread(c, s, sizeof(s), 0);
	vhd_chain_close(c);
	if (err < 0 || s[510] != 0x55 || s[511] != 0xaa)
		return;
	if (s[446 + 4] == 0xee) {          /* protective MBR: the GPT header at LBA 1 */
		if (memcmp(s + 512, "EFI PART", 8) == 0)
			memcpy(sig, s + 512 + 56, 16);
		return;
	}
	memcpy(sig, s + 440, 4);
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
	if (r->hr == S_OK) {
		char top[PATH_MAX];

		svc_disk_served_path(s, d, top, sizeof(top));
		disk_signature(top, r->signature);
	}
	free(d);
	if (r->hr != S_OK)
		return svc_reply_hr(reply, reply_len, r->hr);
	memcpy(r->vendor, TGT_VENDOR, sizeof(TGT_VENDOR));
	memcpy(r->product, TGT_PRODUCT, sizeof(TGT_PRODUCT));
	memcpy(r->revision, TGT_REVISION, sizeof(TGT_REVISION));
	*reply_len = sizeof(*r);
	return 0;
}
