/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_lmmountpoint.c: IEnumLMMountPoint ([MS-ISTM] 3.10), the local
 * mount points of one virtual disk (IWTDisk::EnumLMMountPoints): the
 * vhdfs mount directory while the disk is mounted, nothing otherwise.
 * The generic enumerator (istm_enum.c) does Next, Skip, Reset and Clone.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/disk.h"

static uint32_t to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			void *elem)
{
	const struct svc_disk_mount_item *m = item;
	struct MOUNT_POINT *out = elem;

	(void)c;
	(void)e;
	if (strnlen(m->path, sizeof(m->path)) >= 512)
		return ERROR_INSUFFICIENT_BUFFER;
	ndr_wchar_fixed_set(out->szPath, 512, m->path);
	return S_OK;
}

static const struct istm_enum_kind kind = {
	.name = "IEnumLMMountPoint",
	ISTM_ENUM_IEnumLMMountPoint,
	.verb = SVC_DISK_MOUNTS,
	.item_size = sizeof(struct svc_disk_mount_item),
	.to_wire = to_wire,
};

uint32_t istm_enum_lmmountpoint_new(struct dcom_call *c, int64_t wtd, struct ndr_blob **mip)
{
	return istm_enum_new(c, &kind, wtd, 0, NULL, mip);
}
