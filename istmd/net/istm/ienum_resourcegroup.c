/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_resourcegroup.c: IEnumResourceGroup ([MS-ISTM] 3.12).  istmd is
 * never part of an HA cluster, so ILocalDeviceMgr2::EnumResourceGroup /
 * EnumLocalResourceGroup answer E_NOTIMPL ("the machine is not configured
 * in an HA cluster", 3.32.4.4) and hand no enumerator out; the interface
 * is served, over an always empty collection, so that the class tables are
 * complete and a future cluster mode only has to fill the verb.
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
