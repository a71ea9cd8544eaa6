/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* istm.h: the [MS-ISTM] interfaces, as dcom_iface tables (istm/classes.c
 * lists which class answers to which), and what the interface files share:
 * asking the parent (proto/ask.h) and enumerators (istm_enum).  Each
 * interface lives in its own file: parameter descriptors, then
 * implementations, then the method table in opnum order.
 *
 * One section per area; each area adds only to its own.
 */
#ifndef ISTMD_ISTM_H
#define ISTMD_ISTM_H

#include "dcom/dcom_int.h"
#include "proto/ask.h"

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
 * cannot carry the new enumerator back: istmd treats it as [in, out]. */
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
/* Parameter lists of Skip ([in] ULONG), Reset (none) and Clone ([in,out]
 * IEnum** as one unique MIP) shared by every IEnum* table. */
extern const struct ndr_type istm_t_enum_skip_in, istm_t_enum_clone_param;

/* Methods with no [in]/[out] beyond the HRESULT, for "not implemented"
 * and the like. */
uint32_t istm_not_implemented(struct dcom_call *c, const void *in, void *out);

/* --- iwtgeneral.c: [MS-ISTM] 3.52, 3.54 ----------------------------------- */
extern const struct dcom_iface istm_if_iwtgeneral;
extern const struct dcom_iface istm_if_iwtgeneral2;

/* --- targets (ihostmgr.c, ihost.c, ienum_host.c, ienum_target.c) --------- */
struct state_target;
extern const struct dcom_iface istm_if_ihostmgr, istm_if_ihostmgr2, istm_if_ihostmgr3;
extern const struct dcom_iface istm_if_ihost, istm_if_ihost2, istm_if_ihost3;
extern const struct dcom_iface istm_if_ienumhost, istm_if_ienumidmethod,
	istm_if_ienumwtdisklunmapping, istm_if_ienumportal;
extern const struct dcom_class istm_class_ihost, istm_class_enum_host,
	istm_class_ienumidmethod, istm_class_ienumwtdisklunmapping, istm_class_ienumportal;
extern const struct istm_enum_kind istm_enum_hosts, istm_kind_ienumidmethod,
	istm_kind_ienumwtdisklunmapping, istm_kind_ienumportal;
/* 2.2.4.7 ID, the element of IEnumIDMethod and AddID's argument
 * (IDMethod is an enum: 16 bits on the wire). */
struct istm_id {
	uint16_t method;             /* eMethod */
	uint16_t value[512];         /* szValue */
};
extern const struct ndr_type istm_t_id;
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
extern const struct dcom_iface istm_if_iwtdiskmgr, istm_if_iwtdiskmgr2, istm_if_iwtdiskmgr3,
	istm_if_iwtdiskmgr4;
extern const struct dcom_iface istm_if_iwtdisk, istm_if_iwtdisk2, istm_if_iwtdisk3;
extern const struct dcom_iface istm_if_ienumwtdisk, istm_if_ienumlmmountpoint;
extern const struct dcom_class istm_class_wtdisk, istm_class_enum_wtdisk,
	istm_class_enum_lmmountpoint;
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
extern const struct dcom_iface istm_if_ilocaldevicemgr, istm_if_ilocaldevicemgr2,
	istm_if_ilocaldevicemgr3, istm_if_idirectoryenum, istm_if_ienumvolume,
	istm_if_ienumvolume2, istm_if_ienumdisk, istm_if_ienumdisk2, istm_if_ienumresourcegroup;
/* Their inner classes (one per interface an object is handed out as). */
extern const struct dcom_class istm_class_directory_enum, istm_class_enum_volume,
	istm_class_enum_volume2, istm_class_enum_disk, istm_class_enum_disk2,
	istm_class_enum_resource_group;
/* The enumerators ILocalDeviceMgr hands out. */
extern const struct istm_enum_kind istm_kind_volume, istm_kind_volume2, istm_kind_disk,
	istm_kind_disk2, istm_kind_resource_group;

/* 2.2.4.20 VOLUME2 (VOLUME is the same without hyFreeSpace,
 * bSupportSparseFiles, bIsQuorum, szResourceGroup, MaxFileSize). */
struct istm_volume2 {
	uint32_t disk_index;         /* dwDiskIndex */
	uint16_t guid[64];           /* szGuid */
	uint16_t mount_point[512];   /* szMountPoint */
	uint16_t label[64];          /* szLabel */
	uint16_t file_system[64];    /* szFileSystem */
	uint8_t system_volume;       /* bSystemVolume */
	uint8_t page_file;           /* bPageFile */
	uint64_t offset;             /* hyOffset */
	uint64_t size;               /* hySize */
	uint64_t total_size;         /* hyTotalVolSize */
	uint64_t free_space;         /* hyFreeSpace */
	uint32_t valid_wt_volume;    /* bValidWTVolume */
	uint32_t extended_partition; /* bIsContainedInExtendedPartition */
	uint32_t dynamic_disk;       /* bIsOnDynamicDisk */
	uint32_t unallocated;        /* bUnallocated */
	uint32_t sparse_files;       /* bSupportSparseFiles */
	uint32_t quorum;             /* bIsQuorum */
	uint16_t resource_group[512];   /* szResourceGroup */
	uint64_t max_file_size;      /* MaxFileSize */
};
extern const struct ndr_type istm_t_volume2;
struct svc_device_volume;
/* A new IDirectoryEnum object into *MIP (ILocalDeviceMgr::EnumDirectory). */
uint32_t istm_directory_enum_new(struct dcom_call *c, struct ndr_blob **mip);
/* Fill a VOLUME2 from the parent's description of a storage root. */
void istm_volume2_fill(struct istm_volume2 *v, const struct svc_device_volume *from);

/* --- sessions (isessionmanager.c, ienum_session.c, ...) -------------------- */
/* [MS-ISTM] 3.34 ISessionManager, 3.35 ISessionManager2 (the class's). */
extern const struct dcom_iface istm_if_isessionmanager, istm_if_isessionmanager2;
/* 3.13 IEnumSession, 3.14 IEnumSession2, 3.5 IEnumConnection. */
extern const struct dcom_iface istm_if_ienumsession, istm_if_ienumsession2,
	istm_if_ienumconnection;
extern const struct dcom_class istm_class_enum_session, istm_class_enum_session2,
	istm_class_enum_connection;
/* Enumerator kinds.  istm_enum_sessions2 with scope = a target row id is
 * IHost::EnumSessions' answer: istm_enum_new(c, &istm_enum_sessions2,
 * target_id, 0, NULL, &out->mip); scope -1 lists every session. */
extern const struct istm_enum_kind istm_enum_sessions, istm_enum_sessions2,
	istm_enum_connections;

/* 2.2.4.15 SESSION */
struct istm_session {
	uint16_t initiator[256];     /* WCHAR InitiatorIQN[256] */
	uint16_t target[256];        /* WCHAR HostTargetIQN[256] */
};
/* 2.2.4.16 SESSION2 */
struct istm_session2 {
	uint16_t initiator[256];     /* WCHAR InitiatorIQN[256] */
	uint16_t target[256];        /* WCHAR HostTargetIQN[256] */
	uint16_t host_name[512];     /* WCHAR HostName[512] */
	uint16_t tsih;               /* WORD TSIH */
	uint64_t isid;               /* DWORDLONG ISID */
	uint16_t type;               /* SessionType */
	uint16_t auth;               /* AuthenticationMethod */
};
/* 2.2.4.2 CONNECTION */
struct istm_connection {
	uint32_t cid;                /* DWORD CID */
	uint16_t initiator_addr[128]; /* WCHAR InitiatorIpAddress[MAX_IP_ADDRESS_LEN + 1] */
	uint32_t initiator_port;     /* DWORD InitiatorPort */
	uint16_t target_addr[128];   /* WCHAR TargetIpAddress[MAX_IP_ADDRESS_LEN + 1] */
	uint32_t target_port;        /* DWORD TargetPort */
	uint8_t header_digest;       /* boolean HeaderDigestEnabled */
	uint8_t data_digest;         /* boolean DataDigestEnabled */
};
extern const struct ndr_type istm_t_session2, istm_t_connection;
struct svc_session_item;
struct svc_conn_item;
/* The parent's items (svc/svc_session.h) as wire structures. */
void istm_session2_from_item(const struct svc_session_item *it, struct istm_session2 *out);
void istm_connection_from_item(const struct svc_conn_item *it, struct istm_connection *out);

/* --- the classes (classes.c) ---------------------------------------------- */
/* The seven activatable classes ([MS-ISTM] 1.9). */
extern const struct dcom_class istm_class_general, istm_class_session,
	istm_class_local_device, istm_class_disk, istm_class_snapshot, istm_class_sns,
	istm_class_host;
/* Inner classes: objects handed out by methods (an IHost, an IWTDisk, an
 * enumerator), not activatable; the class says which interfaces
 * RemQueryInterface finds on them.  Each area adds its own in classes.c. */

#endif /* ISTMD_ISTM_H */
