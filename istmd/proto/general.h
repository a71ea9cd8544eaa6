/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* general.h: the verbs for the server as a whole (verbs 1..49): who the
 * server is (asked once, by the child at start-up) and the settings
 * IWTGeneral shows (name, snapshot schedule), which the parent keeps in
 * its store.  Host byte order, fixed sizes, strings NUL-terminated inside
 * their arrays, as every verb (proto/proto.h). */
#ifndef ISTMD_PROTO_GENERAL_H
#define ISTMD_PROTO_GENERAL_H

#include <stdint.h>

enum svc_general_verb {
	SVC_GENERAL_FIRST = 1,          /* verbs 1..49 */
	SVC_GENERAL_SERVER_INFO = 1,    /* no request -> struct priv_server_info (once) */
	SVC_GENERAL_SET_SCHEDULE = 2,   /* struct priv_schedule -> nothing (-EINVAL: bad values) */
	SVC_GENERAL_GET_SCHEDULE = 3,   /* no request -> struct priv_schedule */
	SVC_GENERAL_GET_NAME = 5,       /* no request -> struct svc_name_reply */
	SVC_GENERAL_SET_NAME = 6,       /* struct svc_name_req -> struct svc_reply_hdr */
};

struct priv_server_info {
	uint8_t server_guid[16];     /* a setting in the store, made at the first start */
	char host_name[256];         /* NUL-terminated */
	uint32_t kerberos;           /* 1: Kerberos is served (a keytab is configured) */
	uint32_t pad;                /* 0 */
};

/* [MS-ISTM] 2.2.4.17 SNAPSHOT_SCHEDULE_SETTINGS, host order.  The parent
 * refuses every_day > 1 or day > 6; GET returns all zeros until a SET. */
struct priv_schedule {
	uint32_t every_day;          /* boolean bEveryday: 0 or 1 */
	uint32_t day;                /* DayOfWeek eDay: 0 (Sunday) .. 6 */
	uint64_t start_time;         /* FILETIME hyStartTime, 0 = not scheduled */
};

#define SVC_SERVER_NAME_MAX 255     /* bytes of UTF-8 */
struct svc_name_req {
	char name[SVC_SERVER_NAME_MAX + 1]; /* new server name, not empty */
};
struct svc_name_reply {
	uint32_t hr;                 /* HRESULT */
	char name[SVC_SERVER_NAME_MAX + 1]; /* "" when never set */
};

#endif /* ISTMD_PROTO_GENERAL_H */
