/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* session.h: the verbs for sessions: ISessionManager/2,
 * IEnumSession/2, IEnumConnection ([MS-ISTM] 3.5, 3.13, 3.14, 3.34, 3.35):
 * numbers, request and reply structs.  Asked by istm/ in the child, answered by
 * parent/svc/svc_session.c; see proto/proto.h for the conventions.
 *
 * Sessions are tgtd's (tgtadm's target listing: one I_T nexus per session,
 * its id is the TSIH, which tgtd numbers across all targets); they are
 * ordered by TSIH, connections of a session by CID.  tgt 1.0.85 does not
 * report the ISID, the TCP ports or the negotiated digests: they are 0 /
 * FALSE (README "Sessions").
 */
#ifndef ISTMD_PROTO_SESSION_H
#define ISTMD_PROTO_SESSION_H

#include <stdint.h>

#include "proto/proto.h"

enum svc_session_verb {
	SVC_SESSION_FIRST = 400,        /* verbs 400..499 */
	/* enumerate sessions: svc_enum_req (scope: a target row id, -1 all;
	 * cursor: TSIH), items struct svc_session_item */
	SVC_SESSION_ENUM = 400,
	/* one session: svc_session_req -> svc_session_reply */
	SVC_SESSION_GET = 401,
	/* enumerate a session's connections: svc_enum_req (scope: TSIH;
	 * cursor: CID), items struct svc_conn_item; ERROR_FILE_NOT_FOUND when
	 * the session does not exist */
	SVC_SESSION_ENUM_CONNS = 402,
	/* one connection: svc_session_req -> svc_conn_reply */
	SVC_SESSION_GET_CONN = 403,
	/* enumerate the cached initiators (ISnsMgr::EnumCachedInitiators):
	 * svc_enum_req (cursor: row id), items struct state_initiator */
	SVC_SESSION_ENUM_INITIATORS = 406,
};

/* [MS-ISTM] 2.2.3.7 SessionType, 2.2.3.1 AuthenticationMethod */
enum { SVC_SESSION_TYPE_INVALID = 0, SVC_SESSION_TYPE_DISCOVERY = 1, SVC_SESSION_TYPE_NORMAL = 2 };
enum { SVC_SESSION_AUTH_NONE = 0, SVC_SESSION_AUTH_CHAP = 1 };

/* One session (SESSION2 and what SESSION takes from it). */
struct svc_session_item {
	char initiator[224];         /* InitiatorIQN */
	char target_iqn[224];        /* HostTargetIQN */
	char host_name[256];         /* HostName: the stored target's Name */
	int64_t target_id;           /* store row of the target, 0 when not stored */
	uint64_t isid;               /* ISID: 0, tgt does not report it */
	uint32_t tsih;               /* TSIH */
	uint32_t tid;                /* tgt target id */
	uint32_t nconns;             /* connections in the session */
	uint16_t type;               /* SVC_SESSION_TYPE_* */
	uint16_t auth;               /* SVC_SESSION_AUTH_*: CHAP when the target requires it */
};

/* One connection (CONNECTION). */
struct svc_conn_item {
	uint32_t cid;                /* CID */
	uint32_t initiator_port;     /* 0: tgt does not report it */
	uint32_t target_port;        /* the portal's port when tgtd has one portal, else 0 */
	uint8_t header_digest;       /* FALSE: tgt does not report it */
	uint8_t data_digest;         /* FALSE: tgt does not report it */
	char initiator_addr[128];    /* InitiatorIpAddress */
	char target_addr[128];       /* the portal's address when tgtd has one portal, else "" */
};

struct svc_session_req {
	uint32_t tsih;               /* 1..65535 */
	uint32_t cid;                /* GET_CONN only */
};
struct svc_session_reply {
	uint32_t hr;                 /* HRESULT */
	uint32_t pad;                /* zero */
	struct svc_session_item s;   /* the session when S_OK */
};
struct svc_conn_reply {
	uint32_t hr;                 /* HRESULT */
	struct svc_conn_item c;      /* the connection when S_OK */
};

#endif /* ISTMD_PROTO_SESSION_H */
