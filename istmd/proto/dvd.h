/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* dvd.h: the verb that changes the medium of a virtual DVD (verbs
 * 640..669).  A virtual DVD is a disk row registered from an ISO 9660/UDF
 * image (CreateWTDisk on an existing .iso) and served as a read-only
 * CD/DVD LU (tgt's mmc device type).  [MS-ISTM] has no call that ejects or
 * inserts a medium, so this verb is reached only through the project's own
 * interface IVhdtargetDvd (idl/vhdtarget.idl), which istmctl uses.  One
 * verb for query, eject and insert: each answers the state after it, so a
 * client never needs a second round trip to see what it did.
 */
#ifndef ISTMD_PROTO_DVD_H
#define ISTMD_PROTO_DVD_H

#include <stdint.h>

#include "proto/proto.h"

enum svc_dvd_verb {
	SVC_DVD_FIRST = 640,            /* verbs 640..669 */
	SVC_DVD_MEDIUM = 640,           /* svc_dvd_req -> svc_dvd_reply */
};

enum svc_dvd_op {
	SVC_DVD_QUERY = 0,              /* change nothing */
	SVC_DVD_EJECT = 1,              /* no medium: initiators see NOT READY */
	SVC_DVD_INSERT = 2,             /* PATH becomes the medium */
};

struct svc_dvd_req {
	int64_t wtd;                 /* the DVD's disk index */
	uint32_t op;                 /* enum svc_dvd_op */
	uint32_t pad;
	char path[4096];             /* INSERT: client path of the ISO, UTF-8 */
};

struct svc_dvd_reply {
	uint32_t hr;                 /* HRESULT (struct svc_reply_hdr) */
	uint32_t present;            /* 1: a medium is in the drive */
	char path[4096];             /* the medium (or the last one), absolute */
};

#endif /* ISTMD_PROTO_DVD_H */
