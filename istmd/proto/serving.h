/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* serving.h: the verbs for how tgtd serves what the store holds (verbs
 * 600..699): a differencing disk's shared parent cache (IWTDisk3::
 * CacheParent), the portals tgtd listens on (ILocalDeviceMgr::
 * SetPortalConfig) and the iSNS servers it registers its targets with
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

#define SVC_SNS_NAME_MAX 255         /* DNS name or address, bytes */

struct svc_sns_req {
	char name[SVC_SNS_NAME_MAX + 1]; /* SnsServerName as the client wrote it */
};

/* One IEnumSnsServer element (SNS_SERVER). */
struct svc_sns_item {
	char name[SVC_SNS_NAME_MAX + 1];
};

#endif /* ISTMD_PROTO_SERVING_H */
