/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* notify.h: status notifications ([MS-ISTM] 3.41, 3.42, 3.52.4.9-10),
 * verbs 700..799, and the messages between the parent and the notifier,
 * the third process that makes the outbound IStatusNotify calls.
 *
 * The network child parses the client's OBJREF and sends the parent what a
 * call needs (struct notify_ref); the parent keeps the registrations (they
 * are object references: never stored, gone with a restart), notices LUN
 * changes after each ISTM operation and hands the notifier one job per
 * registration and callback over a SOCK_SEQPACKET pair (one message, one
 * job; sent MSG_DONTWAIT, so a stalled notifier costs a dropped job, never
 * a management call).  The notifier answers only "this registration
 * failed" (the parent then drops it, 3.42.4.1: any error stops further
 * notifications).  Host order, fixed sizes, strings NUL-terminated. */
#ifndef ISTMD_PROTO_NOTIFY_H
#define ISTMD_PROTO_NOTIFY_H

#include <stdint.h>

#include "proto/auth.h"

enum svc_notify_verb {
	SVC_NOTIFY_FIRST = 700,          /* verbs 700..799 */
	SVC_NOTIFY_REGISTER = 700,       /* struct svc_notify_register_req -> struct svc_reply_hdr */
	SVC_NOTIFY_UNREGISTER = 701,     /* struct svc_notify_unregister_req -> struct svc_reply_hdr */
	SVC_NOTIFY_DROP_OWNER = 702,     /* struct svc_notify_owner_req -> nothing */
};

#define NOTIFY_BINDINGS_MAX 8        /* ncacn_ip_tcp string bindings kept per pointer */
#define NOTIFY_BINDING_LEN 64        /* "address[port]" with its NUL */

/* A client's IStatusNotify interface pointer: its OBJREF_STANDARD
 * ([MS-DCOM] 2.2.18.4) without the references, and the ncacn_ip_tcp string
 * bindings of its OXID resolver (2.2.19.3), "address" or "address[port]"
 * (no port: 135). */
struct notify_ref {
	uint64_t oxid;                 /* the client's object exporter */
	uint64_t oid;                  /* the object */
	uint8_t ipid[16];              /* the interface pointer, wire order */
	uint32_t n_bindings;           /* 1..NOTIFY_BINDINGS_MAX entries of bindings */
	uint32_t pad;                  /* 0 */
	char bindings[NOTIFY_BINDINGS_MAX][NOTIFY_BINDING_LEN]; /* NUL-terminated */
};

struct svc_notify_register_req {
	struct notify_ref ref;         /* where to call */
	uint64_t owner;                /* the IWTGeneral object it came through (child's id) */
	uint32_t cookie;               /* lCookie, passed back in every call */
	uint32_t pad;                  /* 0 */
};
struct svc_notify_unregister_req {
	struct notify_ref ref;         /* matched by OXID, OID and IPID */
};
/* The child collected an IWTGeneral object (its client stopped pinging
 * or released it): its registrations go with it. */
struct svc_notify_owner_req {
	uint64_t owner;                /* as in svc_notify_register_req */
};

/* --- parent <-> notifier (SOCK_SEQPACKET, fd 3 of the notifier) ---
 * The first message is a struct ntlm_creds (proto/auth.h): the callback
 * account, user_len 0 for none; every other one a struct notify_job. */
#define NOTIFY_JOBS_MAX 256          /* jobs the notifier holds; more are dropped */
#define NOTIFY_REGS_MAX 64           /* registrations held at once (and pinged) */
enum notify_method {
	NOTIFY_LUN_LIST_CHANGED = 3,   /* IStatusNotify opnum 3 */
	NOTIFY_LUN_STATUS_UPDATE = 4,  /* IStatusNotify opnum 4 */
	NOTIFY_PING_START = 100,       /* keep REF's object alive: ping its resolver */
	NOTIFY_PING_STOP = 101,        /* the registration went: stop pinging */
};
/* [MS-ISTM] 2.2.4.11 LUN_STATUS, host order. */
struct notify_lun_status {
	uint32_t lun;                  /* dwLun: the virtual disk's WTD index */
	uint32_t status;               /* eStatus: DeviceStatus, 0 Idle, 1 InUse, 2 Reverting */
	uint32_t progress;             /* dwProgressPercent */
	uint32_t completion;           /* dwCompletionError */
};
struct notify_job {
	uint32_t reg;                  /* the parent's registration id */
	uint32_t method;               /* enum notify_method */
	uint32_t cookie;               /* lCookie */
	uint32_t pad;                  /* 0 */
	struct notify_lun_status lun;  /* LunStatusUpdate's pLunStatus */
	struct notify_ref ref;         /* the client's pointer */
};
struct notify_failed {
	uint32_t reg;                  /* registration whose call failed */
	int32_t err;                   /* negative errno; -EREMOTEIO: the client answered STATUS */
	uint32_t status;               /* the HRESULT or fault status it answered */
	uint32_t method;               /* what failed: enum notify_method (a ping: START) */
};

#endif /* ISTMD_PROTO_NOTIFY_H */
