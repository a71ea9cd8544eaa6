/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* istm.h: what the [MS-ISTM] interface files share.  The wire is not
 * here: idl/istm_ndr.h, generated from the specification's IDL
 * (idl/ms-istm.idl) and istmd's deviations (idl/istm.acf), declares every
 * structure, parameter list, NDR table and interface table, and one
 * handler per served method, Interface_Method(); the files of istm/ define
 * those handlers (one file per interface or family) and the objects they
 * hand out.  Here: asking the parent (proto/ask.h), enumerators (istm_enum),
 * exporting objects, the classes (classes.c lists which class answers to
 * which interface) and the conversions the areas share.
 *
 * One section per area; each area adds only to its own.
 */
#ifndef ISTMD_ISTM_H
#define ISTMD_ISTM_H

#include "dcom/dcom_int.h"
#include "idl/istm_ndr.h"   /* generated from the IDL: structures, NDR tables, handlers */
#include "proto/ask.h"      /* the parent's verbs, one stub each */

struct istm_enum;

/* Asking the privileged parent: the stubs of proto/ask.h, one per verb. */

/* --- istm_enum.c: enumerators ([MS-ISTM] 3.1.4.2.2) ----------------------
 * Every IEnum* object is a struct istm_enum (its dcom object state): a
 * kind (what it enumerates and how an element goes on the wire), a scope
 * (the target whose IDs are listed, ...) and a cursor.  Next, Skip, Reset
 * and Clone are the same four functions for all of them; only the NDR
 * parameter lists of Next differ, so each IEnum* interface is a method
 * table pointing at istm_enum_next/skip/reset/clone.
 *
 * The parent answers the kind's verb with SVC enumerate semantics:
 * request struct svc_enum_req, reply struct svc_enum_reply followed by N
 * items of ITEM_SIZE bytes (see proto/proto.h).
 *
 * Wire choices (README "Enumerators"): the IDL's pElements is one element,
 * so Next returns at most one item per call whatever ulNumElements asks
 * (Windows does the same, <12>), with pNumElementsReturned = 1 and S_OK,
 * and S_FALSE with 0 at the end; Next(0) is the count-only call (the
 * number of items left).  Clone's ppNewEnum is [in] in the IDL, which
 * cannot carry the new enumerator back: istmd treats it as [in, out].
 * Both are declared, with their reasons, in idl/istm.acf ("enumerator",
 * "inout"), which binds Next/Skip/Reset/Clone of every IEnum* to the four
 * functions below; the generated ISTM_ENUM_<IEnumX> macro fills a kind's
 * iface, cls and next_out_* from the IDL. */
struct istm_enum_kind {
	const char *name;            /* "IEnumWTDisk", for logs */
	const struct dcom_iface *iface;   /* the IEnum* interface */
	const struct dcom_class *cls;     /* inner class of its objects (classes.c) */
	uint32_t verb;               /* parent verb that lists items */
	size_t item_size;            /* bytes per item in the verb's reply */
	size_t next_out_elem;        /* offsetof the element in Next's [out] struct */
	size_t next_out_count;       /* offsetof pNumElementsReturned (uint32_t) there */
	/* Turn one item from the parent into Next's [out] element at ELEM
	 * (for interface pointers: make and export the object).  HRESULT. */
	uint32_t (*to_wire)(struct dcom_call *c, const struct istm_enum *e, const void *item,
			    void *elem);
};

struct istm_enum {
	const struct istm_enum_kind *kind;  /* what is enumerated */
	int64_t scope;               /* e.g. the target row id; -1: everything */
	uint32_t arg;                /* kind-specific filter (e.g. a volume) */
	int64_t cursor;              /* key of the last item returned, -1 before the first */
	char text[512];              /* kind-specific text filter, "" none */
};

/* Make an enumerator of KIND over SCOPE/ARG/TEXT (TEXT may be NULL) and
 * export it into *MIP (an [out] IEnum** field) with one reference. */
uint32_t istm_enum_new(struct dcom_call *c, const struct istm_enum_kind *kind, int64_t scope,
		       uint32_t arg, const char *text, struct ndr_blob **mip);
/* Export a new object of class CLS answering IFACE, with STATE (freed
 * with FREE_FN when the object goes) into *MIP: what every method that
 * returns an interface pointer does. */
uint32_t istm_export(struct dcom_call *c, const struct dcom_class *cls,
		     const struct dcom_iface *iface, void *state, void (*free_fn)(void *),
		     struct ndr_blob **mip);

/* The four methods, for IEnum* method tables.  Next's [in] struct must
 * start with uint32_t ulNumElements. */
uint32_t istm_enum_next(struct dcom_call *c, const void *in, void *out);
uint32_t istm_enum_skip(struct dcom_call *c, const void *in, void *out);
uint32_t istm_enum_reset(struct dcom_call *c, const void *in, void *out);
uint32_t istm_enum_clone(struct dcom_call *c, const void *in, void *out);

/* The to_wire of a kind over an always empty collection: an item can only
 * be a parent bug. */
uint32_t istm_enum_no_item(struct dcom_call *c, const struct istm_enum *e, const void *item,
			   void *elem);

/* Methods with no [in]/[out] beyond the HRESULT, for "not implemented"
 * and the like. */
uint32_t istm_not_implemented(struct dcom_call *c, const void *in, void *out);

/* --- targets (ihostmgr.c, ihost.c, ienum_host.c, ienum_target.c) --------- */
struct state_target;
extern const struct dcom_class istm_class_ihost;
extern const struct istm_enum_kind istm_enum_hosts, istm_kind_ienumidmethod,
	istm_kind_ienumwtdisklunmapping, istm_kind_ienumportal;
/* A PORTAL from tgtd's portal P (IEnumPortal's elements, GetPortal). */
struct svc_target_portal;
void istm_portal_fill(struct PORTAL *out, const struct svc_target_portal *p);
/* Export an IHost object holding a copy of T (a row from the parent) into
 * *MIP.  A placeholder's object drops the row when it goes unsaved. */
uint32_t istm_host_export(struct dcom_call *c, const struct state_target *t,
			  struct ndr_blob **mip);

/* --- virtual disks (iwtdiskmgr.c, iwtdisk.c, ienum_wtdisk.c, ...) ---------- */
/* [MS-ISTM] 3.43-3.51, 3.19, 3.10.  The IWTDisk object keeps a copy of the
 * disk (struct svc_disk_info) that its propputs edit and Save sends back;
 * properties that change under it (Assigned, Status, LMStatus, ...) are
 * read from the parent on each call. */
struct svc_disk_info;
extern const struct dcom_class istm_class_wtdisk;
/* Export an IWTDisk object for INFO into *MIP (for any method returning
 * an IWTDisk **, e.g. an IEnumWTDisk element). */
uint32_t istm_wtdisk_export(struct dcom_call *c, const struct svc_disk_info *info,
			    struct ndr_blob **mip);
/* Export an IEnumWTDisk over every disk (DRIVE 0) or those on root DRIVE. */
uint32_t istm_enum_wtdisk_new(struct dcom_call *c, char drive, struct ndr_blob **mip);
/* Export an IEnumLMMountPoint over the local mounts of disk WTD. */
uint32_t istm_enum_lmmountpoint_new(struct dcom_call *c, int64_t wtd, struct ndr_blob **mip);

/* --- local devices (ilocaldevicemgr.c, ienum_volume.c, ...) ---------------- */
/* ILocalDeviceMgr/2/3 (3.30, 3.32, 3.33), IDirectoryEnum (3.3), IEnumVolume/2
 * (3.17, 3.18), IEnumDisk/2 (3.6, 3.7), IEnumResourceGroup (3.12). */
extern const struct dcom_class istm_class_directory_enum;
/* The enumerators ILocalDeviceMgr hands out. */
extern const struct istm_enum_kind istm_kind_volume, istm_kind_volume2, istm_kind_disk,
	istm_kind_disk2, istm_kind_resource_group;

struct svc_device_volume;
/* A new IDirectoryEnum object into *MIP (ILocalDeviceMgr::EnumDirectory). */
uint32_t istm_directory_enum_new(struct dcom_call *c, struct ndr_blob **mip);
/* Fill a VOLUME2 from the parent's description of a storage root. */
void istm_volume2_fill(struct VOLUME2 *v, const struct svc_device_volume *from);

/* --- sessions (isessionmanager.c, ienum_session.c, ...) -------------------- */
/* [MS-ISTM] 3.34 ISessionManager, 3.35 ISessionManager2 (the class's),
 * 3.13 IEnumSession, 3.14 IEnumSession2, 3.5 IEnumConnection. */
/* Enumerator kinds.  istm_enum_sessions2 with scope = a target row id is
 * IHost::EnumSessions' answer: istm_enum_new(c, &istm_enum_sessions2,
 * target_id, 0, NULL, &out->ppEnumSession); scope -1 lists every session. */
extern const struct istm_enum_kind istm_enum_sessions, istm_enum_sessions2,
	istm_enum_connections;

struct svc_session_item;
struct svc_conn_item;
/* The parent's items (svc/svc_session.h) as wire structures. */
void istm_session2_from_item(const struct svc_session_item *it, struct SESSION2 *out);
void istm_connection_from_item(const struct svc_conn_item *it, struct CONNECTION *out);

/* --- snapshots (isnapshotmgr.c, isnapshot.c) ------------------------------ */
/* [MS-ISTM] 3.38 ISnapshotMgr, 3.36 ISnapshot, 3.15 IEnumSnapshot. */
struct svc_snapshot_info;
extern const struct dcom_class istm_class_snapshot_object;
/* Export an ISnapshot object for INFO into *MIP. */
uint32_t istm_snapshot_export(struct dcom_call *c, const struct svc_snapshot_info *info,
			      struct ndr_blob **mip);
/* Export an IEnumSnapshot over the snapshots of disk WTD (-1: all). */
uint32_t istm_enum_snapshot_new(struct dcom_call *c, int64_t wtd, struct ndr_blob **mip);
/* vds_lun_info.c: [MS-VDS] VDS_LUN_INFORMATION of the LUs disk WTD
 * presents (mapped or not) into *OUT (allocated from the call's arena).
 * HRESULT. */
struct VDS_LUN_INFORMATION;
uint32_t istm_vds_lun_info(struct dcom_call *c, int64_t wtd, struct VDS_LUN_INFORMATION *out);

/* --- the classes (classes.c) ---------------------------------------------- */
/* The seven activatable classes ([MS-ISTM] 1.9). */
extern const struct dcom_class istm_class_general, istm_class_session,
	istm_class_local_device, istm_class_disk, istm_class_snapshot, istm_class_sns,
	istm_class_host;
/* Inner classes: objects handed out by methods (an IHost, an IWTDisk, an
 * enumerator), not activatable; the class says which interfaces
 * RemQueryInterface finds on them.  Each area adds its own in classes.c. */

#endif /* ISTMD_ISTM_H */
