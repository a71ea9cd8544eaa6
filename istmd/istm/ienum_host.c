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

struct next_in {
	uint32_t n;                  /* [in] ULONG ulNumElements */
	struct ndr_blob *elem;       /* [in, out] IHost **pElements */
};
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, elem, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);

struct next_out {
	struct ndr_blob *elem;       /* [in, out] IHost **pElements */
	uint32_t returned;           /* [out] ULONG *pNumElementsReturned */
};
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, elem, &ndr_t_unique_mip),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);

static uint32_t host_to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			     void *elem)
{
	(void)e;
	return istm_host_export(c, item, elem);
}

static const struct dcom_method ienumhost_methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumhost = {
	.name = "IEnumHost",
	.iid = NDR_GUID_INIT(0xe141fd54, 0xb79e, 0x4938, 0xa6, 0xbb, 0xd5, 0x23, 0xc3, 0xd4, 0x9f, 0xf1),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ienumhost_methods),
	.methods = ienumhost_methods,
};

static const struct dcom_iface *const enum_host_ifaces[] = { &istm_if_ienumhost };
const struct dcom_class istm_class_enum_host = {
	.name = "IEnumHost",
	.ifaces = enum_host_ifaces, .nifaces = NDR_COUNTOF(enum_host_ifaces),
};

const struct istm_enum_kind istm_enum_hosts = {
	.name = "IEnumHost",
	.iface = &istm_if_ienumhost,
	.cls = &istm_class_enum_host,
	.verb = SVC_TARGET_ENUM_HOSTS,
	.item_size = sizeof(struct state_target),
	.next_out_elem = offsetof(struct next_out, elem),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = host_to_wire,
};
