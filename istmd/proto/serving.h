/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* serving.h: the verbs for how tgtd serves what the store holds (verbs
 * 600..699): a differencing disk's shared parent cache (IWTDisk3::
 * CacheParent), the portals tgtd listens on (ILocalDeviceMgr::
 * SetPortalConfig, IHost::AddPortal/RemovePortal/RemoveAllPortals) and the iSNS servers it registers its targets with
 * (ISnsMgr).  Asked by istm/ in the child, answered by
 * parent/svc/svc_serving.c.  One header for the three because each is a
 * setting of tgtd's that the parent keeps in the store and applies again
 * at every start; see proto/proto.h for the conventions.
 */
#ifndef ISTMD_PROTO_SERVING_H
#define ISTMD_PROTO_SERVING_H

#include <stdint.h>

#include "proto/proto.h"

enum svc_serving_verb {
	SVC_SERVING_FIRST = 600,        /* verbs 600..699 */
	SVC_SERVING_CACHE_PARENT = 600, /* svc_cache_parent_req -> hr */
	SVC_SERVING_PORTAL = 610,       /* svc_portal_req -> hr (SetPortalConfig) */
	SVC_SERVING_SNS_ADD = 620,      /* svc_sns_req -> hr */
	SVC_SERVING_SNS_REMOVE = 621,   /* svc_sns_req -> hr */
	SVC_SERVING_SNS_ENUM = 622,     /* svc_enum_req -> svc_sns_item items */
	SVC_SERVING_HOST_PORTAL = 611,  /* svc_host_portal_req -> hr (IHost's portals) */
};

struct svc_cache_parent_req {
	int64_t wtd;                 /* the differencing disk */
	uint8_t on;                  /* CacheParent: 0 or 1 */
	uint8_t pad[7];              /* explicit */
};

/* SetPortalConfig(IpAddress, nPort, bUse): the child sends the address as
 * the client wrote it; the parent decides whether it is one. */
struct svc_portal_req {
	char address[128];           /* IPv4 or IPv6 literal (MAX_IP_ADDRESS_LEN) */
	uint32_t port;               /* nPort */
	uint8_t use;                 /* bUse: 0 or 1 */
	uint8_t pad[3];              /* explicit */
};

/* IHost::AddPortal(IpAddress), RemovePortal(IpAddress), RemoveAllPortals:
 * the portals of target ID.  The address is the client's text: an IPv4 or
 * IPv6 literal, with a port as "a.b.c.d:port" or "[v6]:port"; without one,
 * tgtd's iSCSI port.  The parent parses it. */
enum svc_host_portal_op {
	SVC_HOST_PORTAL_ADD = 0,
	SVC_HOST_PORTAL_REMOVE = 1,
	SVC_HOST_PORTAL_REMOVE_ALL = 2,
};

struct svc_host_portal_req {
	int64_t id;                  /* target row */
	char address[128];           /* IpAddress ("" for REMOVE_ALL) */
	uint32_t op;                 /* enum svc_host_portal_op */
	uint32_t pad;                /* size a multiple of 8 */
};

#define SVC_SNS_NAME_MAX 255         /* DNS name or address, bytes */

struct svc_sns_req {
	char name[SVC_SNS_NAME_MAX + 1]; /* SnsServerName as the client wrote it */
};

/* One IEnumSnsServer element (SNS_SERVER). */
struct svc_sns_item {
	char name[SVC_SNS_NAME_MAX + 1];
};

#endif /* ISTMD_PROTO_SERVING_H */
