/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* target.h: the verbs for targets: IHostMgr/2/3, IHost/2/3,
 * IEnumHost, IEnumIDMethod, IEnumWTDiskLunMapping, IEnumPortal ([MS-ISTM]):
 * numbers, request and reply structs.  Asked by istm/ in the child, answered
 * by parent/svc/svc_target.c; see proto/proto.h for the conventions.
 *
 * The child's IHost object holds a copy of the target's row (struct
 * state_target) and edits it; Save sends the copy back.  Sub-collections
 * (identification methods, LUN mappings) change the store at once, one call
 * at a time, and a saved target is applied to tgtd after each change.
 * Trade-off: a whole struct state_target (about 3.5 KiB, secrets included:
 * the child answers [propget]CHAPSecret) travels per Get and per Next.
 */
#ifndef ISTMD_PROTO_TARGET_H
#define ISTMD_PROTO_TARGET_H

#include <stdint.h>

#include "proto/proto.h"
#include "proto/rows.h"

enum svc_target_verb {
	SVC_TARGET_FIRST = 100,        /* verbs 100..199 */
	SVC_TARGET_NEW = 100,          /* NewHost: placeholder row */
	SVC_TARGET_GET = 101,          /* GetHost, GetHostByTargetIQN, re-read */
	SVC_TARGET_SAVE = 102,         /* IHost::Save */
	SVC_TARGET_DELETE = 103,       /* DeleteHost */
	SVC_TARGET_DISCARD = 104,      /* an unsaved placeholder's object went away */
	SVC_TARGET_ID = 105,           /* AddID, RemoveID, RemoveAllIDs */
	SVC_TARGET_LUN = 106,          /* AddWTDisk, RemoveWTDisk, RemoveAllWTDisks,
	                                * SetWTDiskLunMapping */
	SVC_TARGET_STATUS = 107,       /* [propget]Status, [propget]LastLogIn */
	SVC_TARGET_CHECK = 108,        /* [propput]Name, [propput]TargetIQN */
	SVC_TARGET_ENUM_HOSTS = 120,   /* IEnumHost: items struct state_target */
	SVC_TARGET_ENUM_IDS = 121,     /* IEnumIDMethod: items struct state_id */
	SVC_TARGET_ENUM_LUNS = 122,    /* IEnumWTDiskLunMapping: struct state_lun_mapping */
	SVC_TARGET_ENUM_PORTALS = 123, /* IEnumPortal: items struct svc_target_portal */
};

/* Windows' limits and defaults ([MS-ISTM] <22>..<29>, <35>). */
#define SVC_TARGET_LEN_MIN 512u            /* burst and segment lengths */
#define SVC_TARGET_LEN_MAX 16777215u
#define SVC_TARGET_BUFFERS_MIN 1u          /* NumRecvBuffers */
#define SVC_TARGET_BUFFERS_MAX 128u
#define SVC_TARGET_DEFAULT_MAX_RECV_DSL 65536u
#define SVC_TARGET_DEFAULT_FIRST_BURST 65536u
#define SVC_TARGET_DEFAULT_MAX_BURST 262144u
#define SVC_TARGET_DEFAULT_BUFFERS 10u
#define SVC_TARGET_MAX_LUNS 128u           /* LUN mappings per target */
#define SVC_TARGET_SECRET_MIN 12u          /* CHAP secrets (bytes): <42>, tgt */
#define SVC_TARGET_SECRET_MAX 16u          /* ValidateChapSecret's upper bound */

/* NEW: a placeholder (STATE_PENDING) named NAME with a generated IQN. */
struct svc_target_new_req {
	char name[STATE_NAME_MAX + 1];     /* HostName, validated by the child */
};
/* NEW and GET reply. */
struct svc_target_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t pad;                /* keeps t 8-aligned */
	struct state_target t;       /* the row */
};

enum svc_target_by {
	SVC_TARGET_BY_ID = 0,        /* id */
	SVC_TARGET_BY_NAME = 1,      /* key, case-insensitive */
	SVC_TARGET_BY_IQN = 2,       /* key, case-insensitive */
};
/* GET: a saved target (and placeholders too when with_pending). */
struct svc_target_get_req {
	int64_t id;                  /* SVC_TARGET_BY_ID */
	uint32_t by;                 /* enum svc_target_by */
	uint32_t with_pending;       /* 1: placeholders count (uniqueness checks) */
	char key[STATE_NAME_MAX + 1];/* name or IQN */
};

/* SAVE: the object's copy; the parent keeps its own tid, status, last
 * login and flags, writes the rest, gives the target a tid and applies it
 * to tgtd.  Reply: struct svc_target_reply (the row as saved). */
struct svc_target_save_req {
	struct state_target t;       /* t.id names the row */
};

/* DELETE: by name (saved targets only). */
struct svc_target_name_req {
	char name[STATE_NAME_MAX + 1];     /* HostName */
};

/* DISCARD, STATUS: the row id. */
struct svc_target_id_req {
	int64_t id;                  /* target row */
};
struct svc_target_status_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	uint32_t status;             /* HostStatus: 0 idle, 1 connected */
	uint64_t last_login;         /* FILETIME */
};

enum svc_target_op {
	SVC_TARGET_OP_ADD = 0,       /* AddID / AddWTDisk */
	SVC_TARGET_OP_REMOVE = 1,    /* RemoveID / RemoveWTDisk */
	SVC_TARGET_OP_REMOVE_ALL = 2,/* RemoveAllIDs / RemoveAllWTDisks */
	SVC_TARGET_OP_SET_LUN = 3,   /* SetWTDiskLunMapping */
};
/* ID: the value is already validated and normalised by the child. */
struct svc_target_idm_req {
	int64_t id;                  /* target row */
	uint32_t op;                 /* enum svc_target_op (no SET_LUN) */
	uint32_t method;             /* enum state_id_method */
	char value[STATE_TEXT_MAX + 1];    /* identifier */
};
/* LUN. */
struct svc_target_lun_req {
	int64_t id;                  /* target row */
	uint32_t op;                 /* enum svc_target_op */
	uint32_t wtd;                /* nWTD */
	uint32_t lun;                /* nNewLun (SET_LUN) */
	uint32_t pad;                /* size a multiple of 8 */
};

/* CHECK: is VALUE a valid name / IQN that no other target (placeholders
 * included) than ID has?  The reply carries it normalised (IQNs lower case). */
enum svc_target_what {
	SVC_TARGET_WHAT_NAME = 0,    /* IHost::Name */
	SVC_TARGET_WHAT_IQN = 1,     /* IHost::TargetIQN */
};
struct svc_target_check_req {
	int64_t id;                  /* the asking target's row */
	uint32_t what;               /* enum svc_target_what */
	uint32_t pad;                /* 8-byte multiple */
	char value[STATE_TEXT_MAX + 1];    /* as the client sent it */
};
struct svc_target_check_reply {
	uint32_t hr;                 /* struct svc_reply_hdr */
	char value[STATE_TEXT_MAX + 1];    /* normalised */
};

/* One IEnumPortal item: a portal tgtd listens on. */
struct svc_target_portal {
	uint8_t guid[16];            /* derived from address and port */
	char address[128];           /* szIpAddress */
	uint32_t port;               /* dwPort */
	uint32_t pad;                /* 8-byte multiple */
};

#endif /* ISTMD_PROTO_TARGET_H */
