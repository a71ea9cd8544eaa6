/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_lun_info.c: the identity of the LU tgtd presents for a disk,
 * which IWTDisk::GetVdsLunInfo, ISnapshot::GetVdsLunInfo and
 * ISnapshot::ExportAsWTDisk turn into [MS-VDS]'s VDS_LUN_INFORMATION.
 *
 * Every disk has its identity from its registration on (the store's SCSI
 * designator and serial number, which sync gives each of its LUs), so a
 * disk no target maps is described by the store.  A disk that is mapped is
 * described by what tgtd answers ("--op show": the SCSI ID and SN of the
 * first LU serving it), which is the store's unless an apply failed: what
 * an initiator sees is what is reported.  The INQUIRY strings are tgt's
 * defaults, which istmd never changes (tgt has no way to show them).
 *
 * Page 0x83's NAA IEEE Registered Extended designator is not shown by
 * tgtd, but tgt 1.0.85 derives it from the SCSI ID alone (usr/spc.c,
 * update_vpd_83): the last 32 characters, each read as one hex digit (0
 * for any other character), right-aligned in 128 bits, with NAA 6 in the
 * top four.  Its NAA locally assigned designator comes from the tid and
 * LUN and is not reported.
 *
 * The disk signature is read from the disk's first two sectors as tgtd
 * serves them (the chain's top, opened read-only without locks, as an
 * inspection of a disk in use): the MBR's signature, or the GPT's disk
 * GUID behind a protective MBR; zero for anything else ([MS-VDS]: "the
 * disk is not initialized").
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
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
 * also when none does (the store's identity then). */
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
	if (!found) {
		snprintf(r->scsi_id, sizeof(r->scsi_id), "%s", d->scsi_id);
		snprintf(r->scsi_sn, sizeof(r->scsi_sn), "%s", d->serial);
	}
	return S_OK;
}

/* C as tgt reads it: its hex value, 0 for anything else (strtoul). */
static unsigned hex_value(char c)
{
	int l = tolower((unsigned char)c);

	if (l >= '0' && l <= '9')
		return (unsigned)(l - '0');
	if (l >= 'a' && l <= 'f')
		return (unsigned)(l - 'a' + 10);
	return 0;
}

/* The NAA designator tgt builds from SCSI_ID (see the top of the file). */
static void naa_of(const char *scsi_id, uint8_t naa[16])
{
	size_t n = strlen(scsi_id), from = n > 32 ? n - 32 : 0;

	memset(naa, 0, 16);
	for (size_t i = from; i < n; i++) {
		size_t nib = 32 - (n - i);   /* its nibble, right-aligned */
		unsigned v = hex_value(scsi_id[i]);

		naa[nib / 2] |= (uint8_t)(nib % 2 ? v : v << 4);
	}
	naa[0] = (uint8_t)((naa[0] & 0x0f) | 0x60);
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
		naa_of(r->scsi_id, r->naa);
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
