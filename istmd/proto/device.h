/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* device.h: the verbs for local devices: ILocalDeviceMgr/2/3,
 * IEnumVolume/2, IEnumDisk/2, IDirectoryEnum, IEnumResourceGroup
 * ([MS-ISTM] 3.3, 3.6, 3.7, 3.12, 3.17, 3.18, 3.30, 3.32, 3.33): numbers,
 * request and reply structs.  Asked by istm/ in the child, answered by
 * parent/svc/svc_device.c; see proto/proto.h for the conventions.
 *
 * Paths travel as the client sent them (UTF-8); only the parent parses
 * them (paths/), so the sandbox rules live in one place.  Every answer
 * replies with the HRESULT the method returns, chosen here.
 */
#ifndef ISTMD_PROTO_DEVICE_H
#define ISTMD_PROTO_DEVICE_H

#include <stdint.h>

#include "proto/proto.h"

enum svc_device_verb {
	SVC_DEVICE_FIRST = 300,        /* verbs 300..399 */
	SVC_DEVICE_VOLUMES = 300,      /* enumeration of struct svc_device_volume; key = root index */
	SVC_DEVICE_EMPTY = 301,        /* enumeration that is always empty (disks, resource groups) */
	SVC_DEVICE_VOLUME_INFO = 302,  /* path_req -> volume_reply (GetVolumeInfo) */
	SVC_DEVICE_DRIVE_INFO = 303,   /* path_req -> volume_reply (GetDriveInfo) */
	SVC_DEVICE_IS_VALID = 304,     /* path_req -> hr (IsValidWtDevice) */
	SVC_DEVICE_PATH_VALID = 305,   /* path_req -> hr (IsPathValid) */
	SVC_DEVICE_EXISTS = 306,       /* path_req -> hr (DoesFileExist) */
	SVC_DEVICE_IS_NTFS = 307,      /* path_req -> hr (IsPathNtfs) */
	SVC_DEVICE_RG_FROM_PATH = 308, /* path_req -> hr (GetResourceGroupFromPath: "" group) */
	SVC_DEVICE_CREATE = 309,       /* create_req -> hr (CreateWtFile) */
	SVC_DEVICE_GROW = 310,         /* grow_req -> hr (GrowWtFile) */
	SVC_DEVICE_DELETE = 311,       /* path_req -> hr (DeleteWtFile) */
	SVC_DEVICE_CREATE_DIFF = 312,  /* diff_req -> hr (CreateDiffWtFile) */
	SVC_DEVICE_LIST_DIR = 313,     /* dir_req -> dir_reply (FindFirst/FindNext) */
};

#define SVC_DEVICE_PATH_MAX 4096u    /* bytes of a path, NUL included (PATHS_PATH_MAX + 1) */

/* A request naming one client path. */
struct svc_device_path_req {
	char path[SVC_DEVICE_PATH_MAX];   /* client path, UTF-8 */
};

/* CreateWtFile. */
struct svc_device_create_req {
	char path[SVC_DEVICE_PATH_MAX];   /* FilePath */
	uint64_t size;               /* hyFileSize, bytes (as sent: the parent checks it) */
	uint32_t sparse;             /* bSparse */
	uint32_t pad;                /* zero */
};

/* GrowWtFile. */
struct svc_device_grow_req {
	char path[SVC_DEVICE_PATH_MAX];   /* FilePath */
	uint64_t add;                /* hyAdditionalSize, bytes, unsigned */
};

/* CreateDiffWtFile. */
struct svc_device_diff_req {
	char path[SVC_DEVICE_PATH_MAX];   /* FilePath: the child to create */
	char parent[SVC_DEVICE_PATH_MAX]; /* ParentPath: an existing fixed VHD */
};

/* One volume (a storage root): the items of SVC_DEVICE_VOLUMES and the
 * body of SVC_DEVICE_VOLUME_INFO / SVC_DEVICE_DRIVE_INFO replies. */
struct svc_device_volume {
	uint32_t index;              /* position among the roots (dwDiskIndex) */
	uint32_t sparse;             /* the file system keeps holes */
	char drive[4];               /* "C:\" */
	char guid[64];               /* "\\?\Volume{...}\", stable for the root directory */
	char label[64];              /* the root directory's last component */
	char fs_name[16];            /* "ext4", ... */
	uint64_t total_bytes;        /* statvfs f_blocks * f_frsize */
	uint64_t free_bytes;         /* statvfs f_bavail * f_frsize */
	uint64_t max_file_size;      /* largest file the file system takes */
};

struct svc_device_volume_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t pad;                /* zero */
	struct svc_device_volume v;  /* valid when hr is S_OK */
};

/* FindFirst (after = "") and FindNext: the first entry of DIR whose name
 * sorts after AFTER. */
struct svc_device_dir_req {
	char dir[SVC_DEVICE_PATH_MAX];    /* bstrSearchPath as sent to FindFirst */
	char after[256];             /* name of the entry returned last, "" before the first */
};

struct svc_device_dir_reply {
	uint32_t hr;                 /* S_OK, ERROR_NO_MORE_FILES, or the error */
	uint32_t type;               /* eType: 0 Directory, 1 File (as on the wire) */
	char name[256];              /* szFileName */
	char full[SVC_DEVICE_PATH_MAX];   /* szFullPath, "C:\dir\name" */
};

#endif /* ISTMD_PROTO_DEVICE_H */
