/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc.h: the ISTM operations the privileged parent performs for the
 * network child ("services").  The child's ISTM interfaces (istm/) parse
 * the network and keep the objects; everything that reads or changes the
 * configuration, tgtd or files is a *verb* answered here, in the parent,
 * with the state store (state/), the tgt adapter (tgt/), the path sandbox
 * (paths/), sync (sync/) and libvhd.
 *
 * Each area owns one pair of files and a range of verb numbers:
 *   svc_target.{h,c}   100..199  targets (IHostMgr, IHost, their enumerators)
 *   svc_disk.{h,c}     200..299  virtual disks (IWTDiskMgr, IWTDisk, ...)
 *   svc_device.{h,c}   300..399  local devices (ILocalDeviceMgr, volumes, files)
 *   svc_session.{h,c}  400..499  sessions and connections (ISessionManager)
 * The area header holds the request and reply structs (host byte order,
 * fixed size, strings NUL-terminated inside fixed arrays): it is the
 * contract between istm/<area>*.c in the child and svc/svc_<area>.c here.
 *
 * Every reply body starts with the HRESULT of the operation (struct
 * svc_reply_hdr); a verb's answer function returns 0 whenever it produced
 * a reply, and -EBADMSG only for a request that no honest child sends
 * (wrong length, unterminated string, unknown enum): the parent then kills
 * the child (priv/priv_parent.c).
 *
 * Threading: one request at a time, on the parent's poll loop; a verb must
 * finish in bounded time (a tgtadm run, a file create, a SQLite commit).
 */
#ifndef ISTMD_SVC_H
#define ISTMD_SVC_H

#include <stddef.h>
#include <stdint.h>

#include "hresult.h"
#include "paths/paths.h"
#include "state/state.h"
#include "tgt/tgt.h"
#include "rpc/rpc_dispatch.h"

#define SVC_BSTYPE_DEFAULT "vhd"       /* bs_vhd's name in tgt */
#define SVC_VHDFS_DEFAULT VHDFS_PATH    /* $(bindir)/vhdfs, from Makefile.am */

/* What main.c configures. */
struct svc_conf {
	const char *state_dir;       /* istmd.db, local mount points */
	char *const *roots;          /* storage roots: "C:=/dir" or "/dir" */
	size_t nroots;               /* how many */
	const char *tgtadm;          /* NULL: TGT_TGTADM_DEFAULT */
	int tgt_control_port;        /* tgtadm -C N, -1: the default */
	const char *bstype;          /* NULL: SVC_BSTYPE_DEFAULT */
	const char *vhdfs;           /* NULL: SVC_VHDFS_DEFAULT (local mounts) */
};

/* The parent's service context. */
struct svc {
	struct state *st;            /* the configuration */
	struct tgt tgt;              /* tgtadm runner */
	struct paths paths;          /* storage roots */
	char state_dir[4096];        /* copy of conf->state_dir */
	char bstype[32];             /* tgt backing store type */
	char vhdfs[4096];            /* vhdfs program */
	char host[256];              /* gethostname(), for default IQNs */
};

/* Open the store, the roots and the tgt adapter, then make tgtd serve the
 * saved targets (sync_apply_all; a tgtd that is not running is logged, not
 * fatal: the next Save or restart applies).  Errors are logged. */
int svc_open(struct svc *s, const struct svc_conf *conf);
void svc_close(struct svc *s);

/* --- server-wide settings (svc_general.c) ---------------------------------
 * In the store's settings table.  The GUID is made at the first call and
 * kept; the schedule is all zeros until set; a bad value is -EINVAL. */
int svc_server_guid(struct state *st, uint8_t guid[16]);
int svc_schedule_get(struct state *st, struct priv_schedule *s);
int svc_schedule_set(struct state *st, const struct priv_schedule *s);

/* --- verbs ---------------------------------------------------------------- */

/* Every reply body starts with this. */
struct svc_reply_hdr {
	uint32_t hr;                 /* HRESULT of the operation */
};

/* REPLY has room for SVC_REPLY_MAX bytes; set *REPLY_LEN to what was
 * written (at least sizeof(struct svc_reply_hdr)). */
#define SVC_REPLY_MAX (65536u - 4u)   /* PRIV_MAX_MSG minus the status word */
typedef int (*svc_answer_fn)(struct svc *s, const uint8_t *req, size_t len,
			     uint8_t *reply, size_t *reply_len);

struct svc_verb {
	uint32_t verb;               /* number in the area's range */
	const char *name;            /* for the log */
	size_t min_len;              /* request body bounds, inclusive */
	size_t max_len;
	svc_answer_fn answer;        /* handler */
};

/* The areas' tables (svc_<area>.c). */
extern const struct svc_verb svc_target_verbs[], svc_disk_verbs[], svc_device_verbs[],
	svc_session_verbs[];
extern const size_t svc_target_nverbs, svc_disk_nverbs, svc_device_nverbs, svc_session_nverbs;

/* The verb numbered VERB in any area, or NULL. */
const struct svc_verb *svc_verb_find(uint32_t verb);

/* Write a reply that is just HR; returns 0. */
int svc_reply_hr(uint8_t *reply, size_t *reply_len, uint32_t hr);

/* A string field of a request must be NUL-terminated inside its array:
 * true when it is (else the request is malformed: -EBADMSG). */
#define SVC_STR_OK(arr) (memchr((arr), 0, sizeof(arr)) != NULL)

/* The HRESULT for a negative errno from state/, tgt/ or paths/. */
uint32_t svc_hresult(int err);

/* --- enumerations (svc_enum.c) ---------------------------------------------
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

/* Fill up to MAX items after *CURSOR into OUT (NULL: skip them), moving
 * *CURSOR to the key of the last one and setting *N.  Negative errno. */
typedef int (*svc_enum_fetch_fn)(struct svc *s, const struct svc_enum_req *rq,
				 int64_t *cursor, void *out, size_t max, size_t *n);

/* An enumeration verb's answer: checks the request, calls FETCH, packs the
 * reply (items of ITEM_SIZE bytes, as many as fit). */
int svc_enum_answer(struct svc *s, const uint8_t *req, size_t len, uint8_t *reply,
		    size_t *reply_len, size_t item_size, svc_enum_fetch_fn fetch);

#endif /* ISTMD_SVC_H */
