/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* classes.c: the seven activatable classes of [MS-ISTM] 1.9 and the
 * interfaces their objects answer to (3.2.3: every other interface is
 * reached from these), then the inner classes: objects that methods hand
 * out (an IHost, an IWTDisk, an enumerator).  Adding an interface is
 * adding its table to a class's list here; a class whose list is still
 * empty can be activated by CLSID but answers E_NOINTERFACE to everything
 * but IUnknown.  One section per area; each area edits only its own.
 */
#include <config.h>

#include "istm/istm.h"

/* --- Feature Management: IWTGeneral, IWTGeneral2 --- */
static const struct dcom_iface *const general_ifaces[] = {
	&istm_if_iwtgeneral2,          /* derives from IWTGeneral, so answers both */
};
const struct dcom_class istm_class_general = {
	.name = "IWTGeneral",
	.clsid = NDR_GUID_INIT(0xbaa4a577, 0x202d, 0x49c7, 0xa6, 0xbb, 0x10, 0xee, 0x91, 0x4e, 0xe1, 0x99),
	.ifaces = general_ifaces, .nifaces = NDR_COUNTOF(general_ifaces),
};

/* --- Session Management: ISessionManager, ISessionManager2 --- */
static const struct dcom_iface *const session_ifaces[] = {
	&istm_if_isessionmanager2,     /* derives from ISessionManager */
};
const struct dcom_class istm_class_session = {
	.name = "ISessionManager",
	.clsid = NDR_GUID_INIT(0xad069971, 0xedc5, 0x4357, 0xa1, 0x32, 0x43, 0x0d, 0xad, 0x47, 0x9d, 0x2b),
	.ifaces = session_ifaces, .nifaces = NDR_COUNTOF(session_ifaces),
};

/* --- Local Device Management: ILocalDeviceMgr, 2, 3 --- */
static const struct dcom_iface *const local_device_ifaces[] = {
	&istm_if_ilocaldevicemgr3,     /* derives from ILocalDeviceMgr2 and ILocalDeviceMgr */
};
const struct dcom_class istm_class_local_device = {
	.name = "ILocalDeviceMgr",
	.clsid = NDR_GUID_INIT(0xf1d3a46c, 0x2e1b, 0x4d84, 0x97, 0xda, 0xb3, 0x74, 0x2a, 0xd6, 0x78, 0x71),
	.ifaces = local_device_ifaces, .nifaces = NDR_COUNTOF(local_device_ifaces),
};

/* --- LUN Management: IWTDiskMgr, 2, 3, 4 --- */
static const struct dcom_iface *const disk_ifaces[] = {
	&istm_if_iwtdiskmgr4,          /* derives from IWTDiskMgr3, 2, IWTDiskMgr */
	&istm_if_ivhdtargetdvd,        /* the project's own: DVD media (vhdtarget.idl) */
};
const struct dcom_class istm_class_disk = {
	.name = "IWTDiskMgr",
	.clsid = NDR_GUID_INIT(0x0144084b, 0xe09e, 0x4f45, 0xa5, 0x6b, 0xdc, 0xdc, 0x9f, 0x37, 0x9f, 0x5e),
	.ifaces = disk_ifaces, .nifaces = NDR_COUNTOF(disk_ifaces),
};

/* --- Snapshot Management: ISnapshotMgr --- */
static const struct dcom_iface *const snapshot_ifaces[] = { &istm_if_isnapshotmgr };
const struct dcom_class istm_class_snapshot = {
	.name = "ISnapshotMgr",
	.ifaces = snapshot_ifaces, .nifaces = NDR_COUNTOF(snapshot_ifaces),
	.clsid = NDR_GUID_INIT(0x4e7645fa, 0x1a95, 0x416c, 0xb3, 0x8f, 0xad, 0x57, 0x4a, 0x3c, 0x3e, 0x57),
};

/* --- iSNS Management: ISnsMgr (not in this release) --- */
static const struct dcom_iface *const sns_ifaces[] = { &istm_if_isnsmgr };
const struct dcom_class istm_class_sns = {
	.name = "ISnsMgr",
	.clsid = NDR_GUID_INIT(0x24f9c1a9, 0xb22e, 0x4e24, 0xbe, 0xc9, 0x4a, 0xf0, 0xa4, 0xd9, 0x67, 0x36),
	.ifaces = sns_ifaces, .nifaces = NDR_COUNTOF(sns_ifaces),
};

/* --- Target Management: IHostMgr, 2, 3 --- */
static const struct dcom_iface *const host_ifaces[] = {
	&istm_if_ihostmgr3,            /* derives from IHostMgr2 and IHostMgr */
};
const struct dcom_class istm_class_host = {
	.name = "IHostMgr",
	.clsid = NDR_GUID_INIT(0xe14efe0b, 0xfd3b, 0x41ea, 0x8e, 0x3b, 0x88, 0x93, 0x04, 0x45, 0xb9, 0x44),
	.ifaces = host_ifaces, .nifaces = NDR_COUNTOF(host_ifaces),
};

const struct dcom_class *const istm_classes[] = {
	&istm_class_general, &istm_class_session, &istm_class_local_device, &istm_class_disk,
	&istm_class_snapshot, &istm_class_sns, &istm_class_host,
};
const unsigned istm_nclasses = NDR_COUNTOF(istm_classes);

/* --- inner classes: one line per class, each area in its own block --- */
const struct dcom_class *const istm_inner_classes[] = {
	/* targets */
	&istm_class_ihost, &istm_class_ienumhost, &istm_class_ienumidmethod,
	&istm_class_ienumwtdisklunmapping, &istm_class_ienumportal,

	/* virtual disks */
	&istm_class_wtdisk, &istm_class_ienumwtdisk, &istm_class_ienumlmmountpoint,

	/* local devices */
	&istm_class_directory_enum, &istm_class_ienumvolume, &istm_class_ienumvolume2,
	&istm_class_ienumdisk, &istm_class_ienumdisk2, &istm_class_ienumresourcegroup,

	/* sessions */
	&istm_class_ienumsession, &istm_class_ienumsession2, &istm_class_ienumconnection,
	&istm_class_ienumcachedinitiator, &istm_class_ienumsnsserver,

	/* snapshots */
	&istm_class_snapshot_object, &istm_class_ienumsnapshot,

	NULL,
};
const unsigned istm_ninner_classes = NDR_COUNTOF(istm_inner_classes) - 1;

static bool listed(const struct dcom_iface *const *v, size_t n, const struct dcom_iface *f)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == f)
			return true;
	return false;
}

size_t istm_all_ifaces(const struct dcom_iface **out, size_t max)
{
	size_t i, k, n = 0;

	for (i = 0; i < istm_nclasses + istm_ninner_classes; i++) {
		const struct dcom_class *cls = i < istm_nclasses ? istm_classes[i] :
			istm_inner_classes[i - istm_nclasses];

		for (k = 0; k < cls->nifaces; k++) {
			const struct dcom_iface *f;

			/* an interface and everything it derives from, once */
			for (f = cls->ifaces[k]; f; f = f->base)
				if (!listed(out, n < max ? n : max, f)) {
					if (n < max)
						out[n] = f;
					n++;
				}
		}
	}
	return n;
}

const struct dcom_class *istm_class_find(const struct ndr_guid *clsid)
{
	unsigned i;

	for (i = 0; i < istm_nclasses; i++)
		if (ndr_guid_equal(&istm_classes[i]->clsid, clsid))
			return istm_classes[i];
	return NULL;
}
