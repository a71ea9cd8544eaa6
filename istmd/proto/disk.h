/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* disk.h: the verbs for virtual disks: IWTDiskMgr/2/3/4, IWTDisk/2/3, IEnumWTDisk, IEnumLMMountPoint
 * ([MS-ISTM]): numbers, request and reply structs.  Asked by istm/ in the child, answered by
 * parent/svc/svc_disk.c; see proto/proto.h for the conventions.
 *
 * A disk travels as struct svc_disk_info: the stored row plus what only the
 * parent can see (the client form of its path, the file's allocation, the
 * parent's path, how many targets map it, whether its local mount is live).
 * The child's IWTDisk object keeps one and edits it; Save sends the
 * editable part back (struct svc_disk_save_req).
 */
#ifndef ISTMD_PROTO_DISK_H
#define ISTMD_PROTO_DISK_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/proto.h"
#include "proto/rows.h"

enum svc_disk_verb {
	SVC_DISK_FIRST = 200,        /* verbs 200..299 */
	SVC_DISK_CREATE = 200,       /* svc_disk_create_req -> svc_disk_reply */
	SVC_DISK_DELETE = 201,       /* svc_disk_ref_req -> hr */
	SVC_DISK_GET = 202,          /* svc_disk_ref_req -> svc_disk_reply */
	SVC_DISK_ENUM = 203,         /* svc_enum_req (arg: drive letter or 0) -> svc_disk_info items */
	SVC_DISK_SAVE = 204,         /* svc_disk_save_req -> hr */
	SVC_DISK_MOUNT = 205,        /* svc_disk_ref_req -> hr (DVMountDirect) */
	SVC_DISK_DISMOUNT = 206,     /* svc_disk_ref_req -> hr (DVDismount) */
	SVC_DISK_MOUNTS = 207,       /* svc_enum_req (scope: WTD) -> svc_disk_mount_item items */
	SVC_DISK_VOLUME = 208,       /* svc_disk_volume_req -> svc_disk_volume_reply */
	SVC_DISK_CLOSE = 209,        /* svc_disk_ref_req -> hr (CloseWTDisk) */
};

/* IWTDisk::Flags bits: [MS-ISTM] 3.1.1.4, and istmd's own. */
#define SVC_WTD_FLAG_ENABLE_LUN_MAPPING 0x1u   /* WTDFlagEnableLunMapping */
#define SVC_WTD_FLAG_SHADOW_LUN 0x2u           /* WTDFlagShadowLun (never set here) */
#define SVC_WTD_FLAG_READ_ONLY 0x100u          /* istmd: served and mounted read-only */

/* [MS-ISTM] 2.2.3.6 MountType */
#define SVC_MOUNT_NONE 0u            /* DoNotMount */
#define SVC_MOUNT_SNAPSHOT 1u        /* MountSnapshot (never: no snapshots) */
#define SVC_MOUNT_DIRECT 2u          /* MountDirect */

struct svc_disk_info {
	int64_t wtd;                 /* WTDIndex */
	uint8_t guid[16];            /* Guid */
	char serial[64];             /* SerialNumber */
	char path[4096];             /* DevicePath, client form "C:\dir\x.vhd" */
	char parent_path[4096];      /* ParentPath (client form), "" unless differencing */
	char description[1024];      /* Description */
	uint64_t size;               /* Size: virtual bytes */
	uint64_t allocated;          /* AllocatedSize: bytes the file holds */
	int64_t parent_wtd;          /* parent disk's index, -1: none or unregistered */
	uint32_t wtd_flags;          /* SVC_WTD_FLAG_* as Flags shows them */
	uint32_t wtd_type;           /* WTDType */
	uint32_t vhd_type;           /* VhdType */
	uint32_t lm_type;            /* MountType of the live local mount */
	char lm_mount_point[1024];   /* where it is mounted, "" */
	uint32_t mappings;           /* LUN mappings (targets it is assigned to) */
	uint32_t children;           /* differencing disks naming it as parent */
	uint8_t enabled;             /* Enable */
	uint8_t read_only;           /* served / mounted read-only */
	uint8_t persistent;          /* saved (0: CreateWTDiskNonPersistent, until Save) */
	uint8_t file_ok;             /* the VHD file is there and opens (IsAlive) */
	char drive;                  /* storage root letter the file is on */
	uint8_t cache_parent;        /* IWTDisk3::CacheParent (proto/serving.h) */
};

struct svc_disk_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t pad;                /* explicit, keeps info aligned */
	struct svc_disk_info info;   /* the disk (S_OK) */
};

#define SVC_DISK_CREATE_PERSIST 0x1u   /* CreateWTDisk: saved at once */
#define SVC_DISK_CREATE_CLEAR 0x2u     /* bClearPartTable */

struct svc_disk_create_req {
	char path[4096];             /* DevicePath as the client sent it (UTF-8) */
	char description[1024];      /* Description */
	uint32_t wtd_type;           /* eDeviceType */
	uint32_t flags;              /* SVC_DISK_CREATE_* */
	int64_t wtd;                 /* wanted index (NonPersistent), -1: next */
};

struct svc_disk_ref_req {
	int64_t wtd;                 /* the disk */
};

struct svc_disk_save_req {
	int64_t wtd;                 /* the disk */
	char description[1024];      /* Description */
	uint32_t wtd_flags;          /* Flags, SVC_WTD_FLAG_ENABLE_LUN_MAPPING | READ_ONLY */
	uint8_t enabled;             /* Enable */
	uint8_t pad[3];              /* explicit */
};

/* One IEnumLMMountPoint element. */
struct svc_disk_mount_item {
	char path[1024];             /* MOUNT_POINT szPath */
};

/* Which storage root a client path is on (EnumWTDisksOnSameVolumeByPath). */
struct svc_disk_volume_req {
	char path[4096];             /* client path, UTF-8 */
};
struct svc_disk_volume_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint8_t guid[16];            /* the volume's GUID (GetDeviceVolumeGuid) */
	char drive;                  /* root letter */
	char pad[3];                 /* explicit */
};

#endif /* ISTMD_PROTO_DISK_H */
