/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_resourcegroup.c: IEnumResourceGroup ([MS-ISTM] 3.12).  istmd is
 * never part of an HA cluster: it has no resource groups, so
 * ILocalDeviceMgr2::EnumResourceGroup and EnumLocalResourceGroup hand out
 * this enumerator over an always empty collection (count 0, Next S_FALSE
 * at once), every method naming a group answers ERROR_INVALID_HANDLE (no
 * such group) and GetResourceGroupFromPath "" (in no group).  One answer
 * for "not clustered" everywhere, and a future cluster mode only has to
 * fill the verb.
 */
#include <config.h>

#include "istm/istm.h"
#include "proto/device.h"

const struct istm_enum_kind istm_kind_resource_group = {
	.name = "IEnumResourceGroup",
	ISTM_ENUM_IEnumResourceGroup,
	.verb = SVC_DEVICE_EMPTY,
	.item_size = 1,
	.to_wire = istm_enum_no_item,
};
