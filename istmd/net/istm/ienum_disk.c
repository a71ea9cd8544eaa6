/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_disk.c: IEnumDisk and IEnumDisk2 ([MS-ISTM] 3.6, 3.7).  istmd
 * exposes no physical disks (storage lives in files under the storage
 * roots, and CreateVolume is not implemented), so both enumerations are
 * empty, as Windows' are (<58>, <71>); the interfaces are complete all the
 * same, so a client walking them sees S_FALSE at once rather than
 * E_NOINTERFACE.
 */
#include <config.h>

#include "istm/istm.h"
#include "proto/device.h"

const struct istm_enum_kind istm_kind_disk = {
	.name = "IEnumDisk",
	ISTM_ENUM_IEnumDisk,
	.verb = SVC_DEVICE_EMPTY,
	.item_size = 1,
	.to_wire = istm_enum_no_item,
};

const struct istm_enum_kind istm_kind_disk2 = {
	.name = "IEnumDisk2",
	ISTM_ENUM_IEnumDisk2,
	.verb = SVC_DEVICE_EMPTY,
	.item_size = 1,
	.to_wire = istm_enum_no_item,
};
