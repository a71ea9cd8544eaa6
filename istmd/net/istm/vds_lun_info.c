/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vds_lun_info.c: [MS-VDS] VDS_LUN_INFORMATION (2.2.1.3.15) of a disk, as
 * IWTDisk::GetVdsLunInfo, ISnapshot::GetVdsLunInfo and
 * ISnapshot::ExportAsWTDisk answer it: the identity the disk's LUs present,
 * described as an initiator sees it (the parent reads tgtd, or the store
 * for a disk no target maps: svc_snapshot_lun_info.c).  Every disk has it
 * from its registration on, so a disk on no target, and an export made a
 * moment ago, are described as they will be once mapped.
 *
 * Filled: version 1; SCSI device type 0 (direct access), no modifier;
 * command queueing TRUE (tgt's INQUIRY sets CmdQue); bus type iSCSI; the
 * INQUIRY vendor, product and revision and the page 0x80 serial number,
 * trimmed of their padding; the disk signature (MBR signature or GPT
 * disk GUID, read by the parent); two storage identifiers, page 0x83's T10
 * vendor ID designator (ASCII, the SCSI ID) and its NAA IEEE Registered
 * Extended designator (binary, derived from the SCSI ID).  Left empty: the
 * interconnects (VDS has no address type for an iSCSI portal).  Trade-off:
 * tgt's page 0x83 also carries an NAA locally assigned designator made of
 * the tid and LUN, which differs per LU of the same disk; it is not
 * reported, as it says nothing about the disk.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/snapshot.h"

/* tgt's T10 vendor ID designator: the SCSI ID in a field of this many
 * bytes, NUL-padded (usr/tgtd.h, SCSI_ID_LEN). */
#define TGT_SCSI_ID_LEN 36

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

uint32_t istm_vds_lun_info(struct dcom_call *c, int64_t wtd, struct VDS_LUN_INFORMATION *out)
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
	memset(out, 0, sizeof(*out));
	out->m_version = VER_VDS_LUN_INFORMATION;
	out->m_DeviceType = 0;
	out->m_bCommandQueueing = 1;
	out->m_BusType = VDS_STORAGE_BUS_TYPE_VDSBusTypeiScsi;
	memcpy(out->m_diskSignature.b, r->signature, 16);
	out->m_szVendorId = trimmed(c, r->vendor, sizeof(r->vendor));
	out->m_szProductId = trimmed(c, r->product, sizeof(r->product));
	out->m_szProductRevision = trimmed(c, r->revision, sizeof(r->revision));
	out->m_szSerialNumber = trimmed(c, r->scsi_sn, sizeof(r->scsi_sn));
	out->m_deviceIdDescriptor.m_version = 1;
	n = strnlen(r->scsi_id, sizeof(r->scsi_id));
	n = n < TGT_SCSI_ID_LEN ? TGT_SCSI_ID_LEN : n;
	id = ndr_arena_zalloc(&c->arena, 2 * sizeof(*id));
	if (!out->m_szVendorId || !out->m_szProductId || !out->m_szProductRevision ||
	    !out->m_szSerialNumber || !id ||
	    !(id[0].m_rgbIdentifier = ndr_arena_zalloc(&c->arena, n)) ||
	    !(id[1].m_rgbIdentifier = ndr_arena_zalloc(&c->arena, sizeof(r->naa))))
		return E_OUTOFMEMORY;
	id[0].m_CodeSet = VDS_STORAGE_IDENTIFIER_CODE_SET_VDSStorageIdCodeSetAscii;
	id[0].m_Type = VDS_STORAGE_IDENTIFIER_TYPE_VDSStorageIdTypeVendorId;
	id[0].m_cbIdentifier = (uint32_t)n;
	memcpy(id[0].m_rgbIdentifier, r->scsi_id, strnlen(r->scsi_id, sizeof(r->scsi_id)));
	id[1].m_CodeSet = VDS_STORAGE_IDENTIFIER_CODE_SET_VDSStorageIdCodeSetBinary;
	id[1].m_Type = VDS_STORAGE_IDENTIFIER_TYPE_VDSStorageIdTypeFCPHName;
	id[1].m_cbIdentifier = sizeof(r->naa);
	memcpy(id[1].m_rgbIdentifier, r->naa, sizeof(r->naa));
	out->m_deviceIdDescriptor.m_cIdentifiers = 2;
	out->m_deviceIdDescriptor.m_rgIdentifiers = id;
	return S_OK;
}
