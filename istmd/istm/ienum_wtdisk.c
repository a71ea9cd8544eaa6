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

struct next_in {
	uint32_t n;                  /* [in] ULONG ulNumElements (first: istm_enum_next) */
	struct ndr_blob *elem;       /* [in, out] IWTDisk **pElements */
};
static const struct ndr_field next_in_fields[] = {
	NDR_FIELD(struct next_in, n, &ndr_t_u32),
	NDR_FIELD(struct next_in, elem, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(next_in_t, struct next_in, next_in_fields);

struct next_out {
	struct ndr_blob *elem;       /* [in, out] IWTDisk **pElements */
	uint32_t returned;           /* [out] ULONG *pNumElementsReturned */
};
static const struct ndr_field next_out_fields[] = {
	NDR_FIELD(struct next_out, elem, &ndr_t_unique_mip),
	NDR_FIELD(struct next_out, returned, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(next_out_t, struct next_out, next_out_fields);

static uint32_t to_wire(struct dcom_call *c, const struct istm_enum *e, const void *item,
			void *elem)
{
	struct svc_disk_info info;

	(void)e;
	memcpy(&info, item, sizeof(info));
	return istm_wtdisk_export(c, &info, (struct ndr_blob **)elem);
}

static const struct dcom_method methods[] = {
	{ "Next", &next_in_t, &next_out_t, istm_enum_next },
	{ "Skip", &istm_t_enum_skip_in, &ndr_t_no_params, istm_enum_skip },
	{ "Reset", &ndr_t_no_params, &ndr_t_no_params, istm_enum_reset },
	{ "Clone", &istm_t_enum_clone_param, &istm_t_enum_clone_param, istm_enum_clone },
};

const struct dcom_iface istm_if_ienumwtdisk = {
	.name = "IEnumWTDisk",
	.iid = NDR_GUID_INIT(0x56e65ea5, 0xcdff, 0x4391, 0xba, 0x76, 0x00, 0x6e, 0x42, 0xc2, 0xd7, 0x46),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(methods),
	.methods = methods,
};

static const struct dcom_iface *const ifaces[] = { &istm_if_ienumwtdisk };
const struct dcom_class istm_class_enum_wtdisk = {
	.name = "IEnumWTDisk",
	.ifaces = ifaces, .nifaces = NDR_COUNTOF(ifaces),
};

static const struct istm_enum_kind kind = {
	.name = "IEnumWTDisk",
	.iface = &istm_if_ienumwtdisk,
	.cls = &istm_class_enum_wtdisk,
	.verb = SVC_DISK_ENUM,
	.item_size = sizeof(struct svc_disk_info),
	.next_out_elem = offsetof(struct next_out, elem),
	.next_out_count = offsetof(struct next_out, returned),
	.to_wire = to_wire,
};

uint32_t istm_enum_wtdisk_new(struct dcom_call *c, char drive, struct ndr_blob **mip)
{
	return istm_enum_new(c, &kind, -1, (uint32_t)(unsigned char)drive, NULL, mip);
}
