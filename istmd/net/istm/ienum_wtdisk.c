/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_wtdisk.c: IEnumWTDisk ([MS-ISTM] 3.19), the enumerator of virtual
 * disks that EnumWTDisks, EnumAllClusterWTDisks and the per-volume
 * variants hand out.  Each element is a new IWTDisk object made from the
 * parent's description of the disk; the generic enumerator (istm_enum.c)
 * does Next, Skip, Reset and Clone.  The filter (struct istm_enum arg) is
 * a storage root's drive letter, 0 for every disk.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/disk.h"

static uint32_t to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			void *elem)
{
	struct svc_disk_info info;

	(void)e;
	memcpy(&info, item, sizeof(info));
	return istm_wtdisk_export(c, &info, (struct ndr_blob **)elem);
}

static const struct istm_enum_kind kind = {
	.name = "IEnumWTDisk",
	ISTM_ENUM_IEnumWTDisk,
	.verb = SVC_DISK_ENUM,
	.item_size = sizeof(struct svc_disk_info),
	.to_wire = to_wire,
};

uint32_t istm_enum_wtdisk_new(struct dcom_call *c, char drive, struct ndr_blob **mip)
{
	return istm_enum_new(c, &kind, -1, (uint32_t)(unsigned char)drive, NULL, mip);
}
