/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vds_lun_info.c: [MS-VDS] VDS_LUN_INFORMATION (2.2.1.3.15) of a disk, as
 * IWTDisk::GetVdsLunInfo, ISnapshot::GetVdsLunInfo and
 * ISnapshot::ExportAsWTDisk answer it: the LU tgtd presents for the disk,
 * described as an initiator sees it (the parent reads tgtd:
 * svc_snapshot_lun_info.c).  A disk no target maps has no LU, so no
 * serial number or identifier yet: GetVdsLunInfo answers ERROR_NOT_FOUND
 * for it, ExportAsWTDisk (whose new disk is never mapped yet) the rest.
 *
 * Filled: version 1; SCSI device type 0 (direct access), no modifier;
 * command queueing TRUE (tgt's INQUIRY sets CmdQue); bus type iSCSI; the
 * INQUIRY vendor, product and revision and the page 0x80 serial number,
 * trimmed of their padding; the disk signature (MBR signature or GPT
 * disk GUID, read by the parent); one storage identifier, page 0x83's T10
 * vendor ID designator (ASCII, the SCSI ID).  Left empty: the
 * interconnects (VDS has no address type for an iSCSI portal).  Trade-off: tgt's page 0x83 also
 * carries NAA designators built from a number tgtd keeps to itself; they
 * are not reported rather than guessed.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/snapshot.h"

/* tgt's T10 vendor ID designator: the SCSI ID in a field of this many
 * bytes, NUL-padded (usr/spc.c, SCSI_ID_LEN). */
#define TGT_SCSI_ID_LEN 24

/* A copy of S without trailing spaces in the call's arena, or NULL. */
static char *trimmed(struct dcom_call *c, const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	char *out;

	while (n && s[n - 1] == ' ')
		n--;
	if (!(out = ndr_arena_zalloc(&c->arena, n + 1)))
		return NULL;
	memcpy(out, s, n);
	return out;
}

uint32_t istm_vds_lun_info(struct dcom_call *c, int64_t wtd, bool need_lu,
			   struct VDS_LUN_INFORMATION *out)
{
	struct svc_snapshot_disk_req rq = { wtd };
	struct svc_lun_info_reply *r = ndr_arena_zalloc(&c->arena, sizeof(*r));
	struct VDS_STORAGE_IDENTIFIER *id;
	uint32_t hr;
	size_t n;

	if (!r)
		return E_OUTOFMEMORY;
	if ((hr = ask_snapshot_lun_info(&rq, r)) != S_OK)
		return hr;
	if (need_lu && !r->scsi_id[0])
		return ERROR_NOT_FOUND;
	memset(out, 0, sizeof(*out));
	out->m_version = VER_VDS_LUN_INFORMATION;
	out->m_DeviceType = 0;
	out->m_bCommandQueueing = 1;
	out->m_BusType = VDS_STORAGE_BUS_TYPE_VDSBusTypeiScsi;
	memcpy(out->m_diskSignature.b, r->signature, 16);
	out->m_szVendorId = trimmed(c, r->vendor, sizeof(r->vendor));
	out->m_szProductId = trimmed(c, r->product, sizeof(r->product));
	out->m_szProductRevision = trimmed(c, r->revision, sizeof(r->revision));
	out->m_deviceIdDescriptor.m_version = 1;
	if (!out->m_szVendorId || !out->m_szProductId || !out->m_szProductRevision)
		return E_OUTOFMEMORY;
	if (!r->scsi_id[0])
		return S_OK;         /* no LU yet: no serial number, no identifier */
	out->m_szSerialNumber = trimmed(c, r->scsi_sn, sizeof(r->scsi_sn));
	n = strnlen(r->scsi_id, sizeof(r->scsi_id));
	n = n < TGT_SCSI_ID_LEN ? TGT_SCSI_ID_LEN : n;
	id = ndr_arena_zalloc(&c->arena, sizeof(*id));
	if (!out->m_szSerialNumber || !id ||
	    !(id->m_rgbIdentifier = ndr_arena_zalloc(&c->arena, n)))
		return E_OUTOFMEMORY;
	id->m_CodeSet = VDS_STORAGE_IDENTIFIER_CODE_SET_VDSStorageIdCodeSetAscii;
	id->m_Type = VDS_STORAGE_IDENTIFIER_TYPE_VDSStorageIdTypeVendorId;
	id->m_cbIdentifier = (uint32_t)n;
	memcpy(id->m_rgbIdentifier, r->scsi_id, strnlen(r->scsi_id, sizeof(r->scsi_id)));
	out->m_deviceIdDescriptor.m_cIdentifiers = 1;
	out->m_deviceIdDescriptor.m_rgIdentifiers = id;
	return S_OK;
}
