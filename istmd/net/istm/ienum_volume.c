/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_volume.c: IEnumVolume and IEnumVolume2 ([MS-ISTM] 3.17, 3.18):
 * how a storage root becomes a VOLUME / VOLUME2 (2.2.4.19, 2.2.4.20).  Every storage root is one volume: mounted at
 * "C:\", valid for virtual disks, not a system volume, no page file, on no
 * physical disk that ISTM exposes (dwDiskIndex is the root's position), in
 * no resource group.  Trade-off: a root that shares a file system with
 * another root is still its own volume (its sizes are the file system's),
 * since the roots, not the file systems, are what clients name.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/device.h"

void istm_volume2_fill(struct VOLUME2 *v, const struct svc_device_volume *from)
{
	memset(v, 0, sizeof(*v));
	v->dwDiskIndex = from->index;
	ndr_wchar_fixed_set(v->szGuid, 64, from->guid);
	ndr_wchar_fixed_set(v->szMountPoint, 512, from->drive);
	ndr_wchar_fixed_set(v->szLabel, 64, from->label);
	ndr_wchar_fixed_set(v->szFileSystem, 64, from->fs_name);
	v->hySize = from->total_bytes;
	v->hyTotalVolSize = from->total_bytes;
	v->hyFreeSpace = from->free_bytes;
	v->bValidWTVolume = 1;
	v->bSupportSparseFiles = from->sparse ? 1 : 0;
	v->MaxFileSize = from->max_file_size;
}

/* ---- IEnumVolume: VOLUME is VOLUME2 without its later members ---- */
static uint32_t volume_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			       void *elem)
{
	struct svc_device_volume from;
	struct VOLUME2 v2;
	struct VOLUME *v = elem;

	(void)c;
	(void)e;
	memcpy(&from, item, sizeof(from));
	istm_volume2_fill(&v2, &from);
	memset(v, 0, sizeof(*v));
	v->dwDiskIndex = v2.dwDiskIndex;
	memcpy(v->szGuid, v2.szGuid, sizeof(v->szGuid));
	memcpy(v->szMountPoint, v2.szMountPoint, sizeof(v->szMountPoint));
	memcpy(v->szLabel, v2.szLabel, sizeof(v->szLabel));
	memcpy(v->szFileSystem, v2.szFileSystem, sizeof(v->szFileSystem));
	v->hySize = v2.hySize;
	v->hyTotalVolSize = v2.hyTotalVolSize;
	v->bValidWTVolume = v2.bValidWTVolume;
	return S_OK;
}

const struct istm_enum_kind istm_kind_volume = {
	.name = "IEnumVolume",
	ISTM_ENUM_IEnumVolume,
	.verb = SVC_DEVICE_VOLUMES,
	.item_size = sizeof(struct svc_device_volume),
	.to_wire = volume_to_wire,
};

/* ---- IEnumVolume2 ---- */
static uint32_t volume2_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
				void *elem)
{
	struct svc_device_volume from;

	(void)c;
	(void)e;
	memcpy(&from, item, sizeof(from));
	istm_volume2_fill(elem, &from);
	return S_OK;
}

const struct istm_enum_kind istm_kind_volume2 = {
	.name = "IEnumVolume2",
	ISTM_ENUM_IEnumVolume2,
	.verb = SVC_DEVICE_VOLUMES,
	.item_size = sizeof(struct svc_device_volume),
	.to_wire = volume2_to_wire,
};
