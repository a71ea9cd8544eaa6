/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* snapshot.h: the verbs for snapshots: ISnapshotMgr, ISnapshot,
 * IEnumSnapshot ([MS-ISTM] 3.36, 3.38, 3.15) and the snapshot side of
 * IWTDisk and IWTDiskMgr: numbers, request and reply structs.  Asked by
 * istm/ in the child, answered by parent/svc/svc_snapshot*.c; see
 * proto/proto.h for the conventions.
 *
 * A snapshot travels as struct svc_snapshot_info, the stored row without
 * its file names (the child never sees a host path but a mount point).
 */
#ifndef ISTMD_PROTO_SNAPSHOT_H
#define ISTMD_PROTO_SNAPSHOT_H

#include <stdint.h>

#include "proto/proto.h"

enum svc_snapshot_verb {
	SVC_SNAPSHOT_FIRST = 500,    /* verbs 500..599 */
	SVC_SNAPSHOT_PREPARE = 500,  /* svc_snapshot_prepare_req -> svc_snapshot_reply */
	SVC_SNAPSHOT_CREATE = 501,   /* svc_snapshot_ref_req -> hr (DoCreateSnapshot) */
	SVC_SNAPSHOT_END = 502,      /* svc_snapshot_ref_req -> hr (DoEndSnapshot) */
	SVC_SNAPSHOT_DELETE = 503,   /* svc_snapshot_ref_req -> hr */
	SVC_SNAPSHOT_GET = 504,      /* svc_snapshot_ref_req -> svc_snapshot_reply */
	SVC_SNAPSHOT_ENUM = 505,     /* svc_enum_req -> svc_snapshot_info items */
	SVC_SNAPSHOT_ROLLBACK = 506, /* svc_snapshot_ref_req -> hr */
	SVC_SNAPSHOT_ABORT_ROLLBACK = 507, /* svc_snapshot_ref_req -> hr */
	SVC_SNAPSHOT_EXPORT = 508,   /* svc_snapshot_ref_req -> svc_snapshot_reply (exported_wtd) */
	SVC_SNAPSHOT_MOUNT = 509,    /* svc_snapshot_ref_req -> hr (DVMount) */
	SVC_SNAPSHOT_DISMOUNT = 510, /* svc_snapshot_ref_req -> hr (DVDismount) */
	SVC_SNAPSHOT_SAVE = 511,     /* svc_snapshot_ref_req -> hr */
	SVC_SNAPSHOT_DISK = 512,     /* svc_snapshot_disk_req -> svc_snapshot_disk_reply */
	SVC_SNAPSHOT_SHADOW = 513,   /* svc_snapshot_shadow_req -> svc_snapshot_shadow_reply */
	SVC_SNAPSHOT_LUN_INFO = 514, /* svc_snapshot_disk_req -> svc_lun_info_reply */
};

/* [MS-ISTM] 3.1.1.5 Status flags */
#define SVC_SNAPSHOT_EXPORTED 0x1u
#define SVC_SNAPSHOT_MOUNTED 0x2u
#define SVC_SNAPSHOT_ROLLBACK 0x4u

/* The limit of snapshots per disk (the Windows target's). */
#define SVC_SNAPSHOT_MAX_PER_DISK 64

struct svc_snapshot_info {
	uint8_t guid[16];            /* Id */
	int64_t orig_wtd;            /* OrigWTD */
	int64_t exported_wtd;        /* ExportedWTD, -1 none */
	uint64_t timestamp;          /* TimeStamp, FILETIME (0 until taken) */
	uint32_t status;             /* SVC_SNAPSHOT_* */
	uint8_t persistent;          /* Persistent: saved (taken) */
	uint8_t taken;               /* DoCreateSnapshot done */
	uint8_t pad[2];              /* explicit */
};

struct svc_snapshot_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t pad;                /* explicit */
	struct svc_snapshot_info info;
};

struct svc_snapshot_ref_req {
	uint8_t guid[16];            /* the snapshot */
};

struct svc_snapshot_prepare_req {
	int64_t wtd;                 /* nWTD */
	uint8_t guid[16];            /* wanted Id, zero: make one */
};

/* What IWTDisk shows about a disk's snapshots. */
struct svc_snapshot_disk_req {
	int64_t wtd;
};
struct svc_snapshot_disk_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t count;              /* snapshots taken */
	uint64_t used;               /* SnapshotStorageUsedSize: bytes of the layers */
	uint64_t size;               /* SnapshotStorageSize: used + free space there */
	uint64_t lm_timestamp;       /* LMTimeStamp of a snapshot mount, 0 */
	uint8_t lm_guid[16];         /* LMSnapshotId of a snapshot mount, zero */
	char path[1024];             /* SnapshotStoragePath, client form */
};

/* CreateShadowWTDiskNonPersistent: a new disk at a client path whose data
 * starts as the snapshot's, kept until a restart unless IWTDisk::Save. */
struct svc_snapshot_shadow_req {
	uint8_t guid[16];            /* SnapshotId */
	int64_t wtd;                 /* nWTD, -1: the next index */
	uint32_t wtd_type;           /* eDeviceType */
	uint32_t pad;                /* explicit */
	char path[4096];             /* DevicePath as the client sent it (UTF-8) */
	char description[1024];      /* Description */
};
struct svc_snapshot_shadow_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t pad;                /* explicit */
	int64_t wtd;                 /* the new disk */
};

/* The identity a disk's LUs present ([MS-VDS] VDS_LUN_INFORMATION,
 * GetVdsLunInfo): the SCSI INQUIRY strings, the SCSI ID and SN ("--op
 * show" of the first LU serving it, or the disk's own when none does; tgt's
 * device identification page 0x83 starts with a T10 vendor ID designator
 * holding the SCSI ID; its serial number page 0x80 is the SCSI SN), and the
 * NAA IEEE Registered Extended designator tgt derives from the SCSI ID. */
struct svc_lun_info_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t pad;                /* explicit */
	uint8_t signature[16];       /* m_diskSignature: MBR signature or GPT disk GUID, 0 */
	char vendor[9];              /* INQUIRY T10 vendor identification, trimmed */
	char product[17];            /* INQUIRY product identification, trimmed */
	char revision[5];            /* INQUIRY product revision level, trimmed */
	char pad2[1];                /* explicit */
	char scsi_id[64];            /* "IET     00010001" (page 0x83, T10 designator) */
	char scsi_sn[64];            /* "beaf11" (page 0x80) */
	uint8_t naa[16];             /* page 0x83, NAA 6, binary */
};

#endif /* ISTMD_PROTO_SNAPSHOT_H */
