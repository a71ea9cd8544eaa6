/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* proto.h: the one protocol between istmd's two processes.  The network
 * child (rpc/, ndr/, dcom/, istm/, net/) asks; the privileged parent
 * (parent/) answers.  This folder is all the two share besides log.h and
 * hresult.h: verb numbers, request and reply structures, and the child's
 * stubs (proto/ask.h).  No file here includes a file of either process.
 *
 * The channel is a socketpair (fd 3 in the child), host byte order (both
 * ends are the same binary on the same host):
 *   request: struct priv_msg_hdr { verb, len } then LEN bytes;
 *   reply:   struct priv_msg_hdr { verb, len } then int32 status, then
 *            LEN - 4 bytes of reply body.
 * STATUS is 0, or the negative errno of a verb that could not run at all.
 * The parent checks each request against its verb table (verb known,
 * length within the verb's bounds, authenticated when the verb needs it,
 * asked at most once when the verb says so) before anything reads it, and
 * treats anything else as a hostile child: it logs, kills the child and
 * starts a new one.  One request at a time, answered in order.
 *
 * Verb numbers, one range per area, one header per area:
 *      1..49   general.h   the server: identity, name, snapshot schedule
 *     50..99   auth.h      proving who a client is (NTLMv2)
 *   100..199   target.h    targets (IHostMgr, IHost, their enumerators)
 *   200..299   disk.h      virtual disks (IWTDiskMgr, IWTDisk, ...)
 *   300..399   device.h    local devices (ILocalDeviceMgr, volumes, files)
 *   400..499   session.h   sessions and connections (ISessionManager)
 *   600..699   serving.h   how tgtd serves: parent caches, portals, iSNS
 * The ISTM verbs' reply bodies start with the operation's HRESULT
 * (struct svc_reply_hdr).  Request structs are fixed-size (the table's
 * bounds are their sizes), strings NUL-terminated inside fixed arrays.
 */
#ifndef ISTMD_PROTO_H
#define ISTMD_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PRIV_FD 3                    /* the child's end of the socketpair */
#define PRIV_MAX_MSG 65536u          /* cap on any request or reply body */

struct priv_msg_hdr {
	uint32_t verb;               /* a verb number */
	uint32_t len;                /* bytes that follow */
};

/* Every ISTM verb's reply body starts with this. */
struct svc_reply_hdr {
	uint32_t hr;                 /* HRESULT of the operation */
};
#define SVC_REPLY_MAX (PRIV_MAX_MSG - 4u)   /* minus the status word */

/* --- enumerations ------------------------------------------------------------
 * Every IEnum* kind has one verb taking struct svc_enum_req and answering
 * struct svc_enum_reply followed by N items.  Keys are what the store's
 * cursors hold (row ids, WTD indexes, list positions); the child keeps the
 * cursor, so enumerators cost the parent nothing between calls. */
#define SVC_ENUM_SKIP 0x1u           /* advance without sending items */
struct svc_enum_req {
	int64_t scope;               /* e.g. target row id; -1: everything */
	int64_t cursor;              /* key of the last item returned, -1: none yet */
	uint32_t max;                /* items wanted; 0: count only */
	uint32_t arg;                /* kind-specific filter */
	uint32_t flags;              /* SVC_ENUM_SKIP */
	char text[512];              /* kind-specific text filter, "" none */
};
struct svc_enum_reply {
	uint32_t hr;                 /* HRESULT (struct svc_reply_hdr) */
	uint32_t n;                  /* items returned (or skipped) */
	int64_t cursor;              /* key of the last item covered */
	uint64_t remaining;          /* count-only: items after the request's cursor */
};

/* The child's side of the channel (net/priv/priv_child.c): send VERB with
 * REQ, wait for the answer; REPLY/REPLY_LEN are in/out (capacity in,
 * length out).  0, the parent's negative status, or a negative errno of
 * the channel. */
int priv_call(uint32_t verb, const void *req, size_t req_len, void *reply, size_t *reply_len);

#endif /* ISTMD_PROTO_H */
