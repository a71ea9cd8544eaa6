/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rows.h: the configuration's objects as the store keeps them and as they
 * travel between the processes: a target, an identification method, a
 * disk, a LUN mapping, a portal, a cached initiator.  The child's IHost
 * and IWTDisk objects hold a copy and edit it; the parent's store
 * (parent/state/) reads and writes them.  Trade-off: one layout for both
 * uses means a row's fixed arrays travel whole (a target is about 3.5 KiB).
 */
#ifndef ISTMD_PROTO_ROWS_H
#define ISTMD_PROTO_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#define STATE_NAME_MAX 255            /* target names, CHAP users (bytes) */
#define STATE_IQN_MAX 223             /* RFC 3720 3.2.6.1 */
#define STATE_TEXT_MAX 1023           /* descriptions, ID values, paths'
                                       * longest parts are PATH_MAX */
#define STATE_SECRET_MAX 255          /* CHAP secrets (bytes) */
#define STATE_SCSI_ID_MAX 36          /* tgt's scsi_id and scsi_sn (SCSI_ID_LEN) */

/* Flags on targets and disks. */
#define STATE_PENDING 0x1u            /* placeholder, not yet saved */
#define STATE_CACHE_PARENT 0x2u       /* disks: tgtd shares one cache of the parent
                                       * (IWTDisk3::CacheParent, bs_vhd cache_parent=1) */
#define STATE_DVD 0x4u                /* disks: an ISO 9660/UDF image served as a
                                       * read-only CD/DVD LU (tgt's mmc type) */
#define STATE_DVD_EJECTED 0x8u        /* disks: that DVD's drive holds no medium */

/* [MS-ISTM] 2.2.3.5 IDMethod */
enum state_id_method {
	STATE_ID_NETBIOS = 0,
	STATE_ID_DNS = 1,
	STATE_ID_IP = 2,
	STATE_ID_MAC = 3,
	STATE_ID_IQN = 4,
	STATE_ID_IPV6 = 5,
};

/* [MS-ISTM] 3.1.1.4 Flags of a virtual disk */
#define STATE_WTD_FLAG_ENABLE_LUN_MAPPING 0x1u
#define STATE_WTD_FLAG_SHADOW_LUN 0x2u

/* [MS-ISTM] 2.2.3.10 WTDType and 2.2.3.9 VhdType */
enum state_wtd_type { STATE_WTD_VOLUME = 0, STATE_WTD_FILE = 1, STATE_WTD_RAM = 2 };
enum state_vhd_type {
	STATE_VHD_INVALID = 0,
	STATE_VHD_FIXED = 1,
	STATE_VHD_DIFF = 2,
	STATE_VHD_DYNAMIC = 3,
};

/* Where an enumerator is. */
struct state_cursor {
	int64_t last;                /* key of the last row returned; -1 before the first */
};
#define STATE_CURSOR_INIT { -1 }

/* One IHost ([MS-ISTM] 3.1.1.7). */
struct state_target {
	int64_t id;                  /* row key, stable, never reused; 0 = not inserted */
	uint8_t guid[16];            /* IHost::Guid (random at creation) */
	char name[STATE_NAME_MAX + 1];         /* IHost::Name */
	char iqn[STATE_IQN_MAX + 1];           /* IHost::TargetIQN */
	char description[STATE_TEXT_MAX + 1];  /* IHost::Description */
	bool enabled;                /* IHost::Enable */
	bool chap_enabled;           /* EnableCHAP */
	char chap_user[STATE_NAME_MAX + 1];        /* CHAPUserName */
	char chap_secret[STATE_SECRET_MAX + 1];    /* CHAPSecret: never logged */
	bool rchap_enabled;          /* EnableReverseCHAP */
	char rchap_user[STATE_NAME_MAX + 1];       /* ReverseCHAPUserName */
	char rchap_secret[STATE_SECRET_MAX + 1];   /* ReverseCHAPSecret: never logged */
	uint32_t max_recv_dsl;       /* TargetMaxRecvDataSegmentLength, 0 = tgt default */
	uint32_t first_burst;        /* TargetFirstBurstLength, 0 = tgt default */
	uint32_t max_burst;          /* TargetMaxBurstLength, 0 = tgt default */
	uint32_t num_recv_buffers;   /* NumRecvBuffers (kept, no tgt equivalent) */
	bool enforce_idle_timeout;   /* EnforceIdleTimeoutDetection (kept) */
	bool listen_all;             /* ListenAllNetworkAdapters */
	uint32_t processor;          /* Processor (kept) */
	uint64_t last_login;         /* LastLogIn, FILETIME (100 ns since 1601) */
	uint32_t status;             /* HostStatus last seen */
	char resource_group[STATE_NAME_MAX + 1];   /* ResourceGroupName, "" */
	int32_t tid;                 /* tgt target id, 0 = none */
	unsigned flags;              /* STATE_PENDING */
};

/* One IEnumIDMethod element. */
struct state_id {
	enum state_id_method method; /* IDMethod */
	char value[STATE_TEXT_MAX + 1]; /* the identifier */
};

/* One IWTDisk ([MS-ISTM] 3.1.1.4). */
struct state_disk {
	int64_t wtd;                 /* WTD index, >= 0, never reused; -1 = not inserted */
	uint8_t guid[16];            /* IWTDisk::Guid */
	char serial[64];             /* IWTDisk::SerialNumber (unique); also the
	                              * LU's unit serial number (VPD page 0x80) */
	char scsi_id[STATE_SCSI_ID_MAX + 1]; /* the LU's T10 vendor ID designator
	                              * (VPD page 0x83, tgt's scsi_id; unique) */
	char path[4096];             /* absolute POSIX path inside a storage root */
	uint64_t size;               /* virtual size in bytes */
	char description[STATE_TEXT_MAX + 1]; /* IWTDisk::Description */
	uint32_t wtd_flags;          /* STATE_WTD_FLAG_* */
	bool enabled;                /* IWTDisk2::Enable */
	bool read_only;              /* served read-only */
	enum state_wtd_type wtd_type;   /* WTDType */
	enum state_vhd_type vhd_type;   /* VhdType */
	int64_t parent_wtd;          /* parent disk of a differencing disk, -1 = none */
	uint32_t lm_type;            /* MountType of a local (vhdfs) mount */
	char lm_mount_point[1024];   /* where it is mounted locally, "" */
	char resource_group[STATE_NAME_MAX + 1];   /* ResourceGroupName, "" */
	unsigned flags;              /* STATE_PENDING, STATE_CACHE_PARENT */
};

/* One IEnumWTDiskLunMapping element (LUN_MAPPING). */
struct state_lun_mapping {
	uint32_t lun;                /* ISTM LUN (dwLun) */
	int64_t wtd;                 /* disk (dwWTD) */
};

/* One PORTAL. */
struct state_portal {
	int64_t id;                  /* row key; 0 = not inserted */
	uint8_t guid[16];            /* PORTAL::Guid */
	char address[128];           /* szIpAddress (MAX_IP_ADDRESS_LEN) */
	uint32_t port;               /* dwPort */
	bool listen;                 /* bListen */
	bool secure;                 /* bSecure */
	bool valid;                  /* bValid */
	bool for_targets;            /* open only because targets name it (IHost::
	                              * AddPortal), not SetPortalConfig: stored
	                              * as listen 2 */
};

/* One CACHED_INITIATOR. */
struct state_initiator {
	char iqn[STATE_IQN_MAX + 1]; /* szInitiatorIqn */
	uint64_t last_login;         /* hyLastLoggedOnTime, FILETIME */
};

#endif /* ISTMD_PROTO_ROWS_H */
