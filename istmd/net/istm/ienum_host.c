/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ienum_host.c: IEnumHost ([MS-ISTM] 3.8): the saved targets, each handed
 * out as a new IHost object holding a copy of its row (placeholders are not
 * listed).  Next, Skip, Reset and Clone are the generic ones (istm_enum.c);
 * this file is the wire shape of Next and the turning of a row into an
 * object.  Trade-off: every element is a new exported object, as on
 * Windows; a client walking 200 targets makes 200 objects, which it
 * releases (or the ping timeout collects). */
#include <config.h>

#include <stddef.h>

#include "istm/istm.h"
#include "proto/target.h"

static uint32_t host_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			     void *elem)
{
	(void)e;
	return istm_host_export(c, item, elem);
}

const struct istm_enum_kind istm_enum_hosts = {
	.name = "IEnumHost",
	ISTM_ENUM_IEnumHost,
	.verb = SVC_TARGET_ENUM_HOSTS,
	.item_size = sizeof(struct state_target),
	.to_wire = host_to_wire,
};
