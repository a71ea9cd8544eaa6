/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc.h: the operations the privileged parent performs for the network
 * child ("services").  The child's ISTM interfaces (istm/) parse the
 * network and keep the objects; everything that reads or changes the
 * configuration, tgtd or files is a *verb* (proto/) answered here, in the
 * parent, with the state store (state/), the tgt adapter (tgt/), the path
 * sandbox (paths/), sync (sync/) and libvhd.
 *
 * Each area answers the verbs of its proto/ header:
 *   svc_general.c   proto/general.h  the server: identity, name, schedule
 *   svc_target.c    proto/target.h   targets (IHostMgr, IHost, their enumerators)
 *   svc_disk.c      proto/disk.h     virtual disks (IWTDiskMgr, IWTDisk, ...)
 *   svc_device.c    proto/device.h   local devices (ILocalDeviceMgr, volumes, files)
 *   svc_session.c   proto/session.h  sessions and connections (ISessionManager)
 *
 * Every reply body starts with the HRESULT of the operation (struct
 * svc_reply_hdr); a verb's answer function returns 0 whenever it produced
 * a reply, and -EBADMSG only for a request that no honest child sends
 * (wrong length, unterminated string, unknown enum): the parent then kills
 * the child (parent/parent.c).
 *
 * Threading: one request at a time, on the parent's poll loop; a verb must
 * finish in bounded time (a tgtadm run, a file create, a SQLite commit).
 */
#ifndef ISTMD_SVC_H
#define ISTMD_SVC_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth/users.h"
#include "hresult.h"
#include "parent/paths/paths.h"
#include "parent/state/state.h"
#include "parent/tgt/tgt.h"
#include "proto/general.h"
#include "proto/proto.h"

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
struct svc_frozen;

struct svc {
	struct state *st;            /* the configuration */
	struct tgt tgt;              /* tgtadm runner */
	struct paths paths;          /* storage roots */
	char state_dir[4096];        /* copy of conf->state_dir */
	char bstype[32];             /* tgt backing store type */
	char vhdfs[4096];            /* vhdfs program */
	char host[256];              /* gethostname(), for default IQNs */
	uint8_t server_guid[16];     /* the setting, read at start-up */
	bool ready;                  /* the ISTM operations are open (svc_open) */
	/* what the authentication verbs need, kept by parent/parent.c */
	const struct auth_users *users;   /* the users file's accounts */
	bool authenticated;          /* the current child has verified a user */
	bool kerberos;               /* a keytab is configured (krb5_accept_init) */
	size_t req_len;              /* length of the request being answered, for
	                              * the verbs whose length varies */
	struct svc_frozen *frozen;   /* each disk's last switched top, which tgtd
	                              * may still be settling (svc_snapshot_settle.c) */
};

/* Open the store, the roots and the tgt adapter, then make tgtd serve the
 * saved targets (sync_apply_all; a tgtd that is not running is logged, not
 * fatal: the next Save or restart applies); read the settings the general
 * verbs answer.  Errors are logged. */
int svc_open(struct svc *s, const struct svc_conf *conf);
/* Only the store and the settings (no roots, no tgtd): the general and
 * authentication verbs work, the ISTM ones answer ERROR_NOT_READY. */
int svc_open_settings(struct svc *s, const char *state_dir);
void svc_close(struct svc *s);
/* Forget the frozen tops remembered for their settle (svc_snapshot_settle.c). */
void svc_frozen_forget_all(struct svc *s);

/* --- server-wide settings (svc_general.c) ---------------------------------
 * In the store's settings table.  The GUID is made at the first call and
 * kept; the schedule is all zeros until set; a bad value is -EINVAL. */
int svc_server_guid(struct state *st, uint8_t guid[16]);
int svc_schedule_get(struct state *st, struct priv_schedule *s);
int svc_schedule_set(struct state *st, const struct priv_schedule *s);

/* --- verbs ---------------------------------------------------------------- */

/* --- the verb table (verbs.c) ---------------------------------------------
 * One row per verb the child may send: its number and name (for the log),
 * the bounds of its request, what it needs, and the function that answers
 * it (answers.h).  The dispatcher (parent.c) checks a request against its
 * row before anything reads it, so an answer never checks the length
 * again; it checks what is inside (a string terminated in its array, an
 * enum in range) and returns -EBADMSG when no honest child could have sent
 * it, which gets the child killed. */
#define VERB_NEEDS_AUTH 0x1u        /* only after a user was authenticated */
#define VERB_ONCE 0x2u              /* at most once per child */
#define VERB_ISTM 0x4u              /* an ISTM operation: ERROR_NOT_READY unless svc_open ran */
#define VERB_AUTHENTICATES 0x8u     /* an S_OK reply marks the child authenticated */

/* Fill REPLY (room for SVC_REPLY_MAX bytes, aligned for any struct) and
 * set *REPLY_LEN; 0, or a negative errno (the child gets it as the status
 * word), or -EBADMSG for a malformed request.  REQ is aligned too. */
typedef int (*verb_answer_fn)(struct svc *s, const uint8_t *req, uint8_t *reply,
			      size_t *reply_len);

struct verb {
	uint32_t verb;               /* number (proto/) */
	const char *name;            /* for the log */
	size_t min_len;              /* request body bounds, inclusive */
	size_t max_len;
	unsigned flags;              /* VERB_* */
	verb_answer_fn answer;       /* answers.h */
};

/* The row of VERB, or NULL. */
const struct verb *verb_find(uint32_t verb);

/* Write a reply that is just HR; returns 0. */
int svc_reply_hr(uint8_t *reply, size_t *reply_len, uint32_t hr);

/* A string field of a request must be NUL-terminated inside its array:
 * true when it is (else the request is malformed: -EBADMSG). */
#define SVC_STR_OK(arr) (memchr((arr), 0, sizeof(arr)) != NULL)

/* The HRESULT for a negative errno from state/, tgt/ or paths/. */
uint32_t svc_hresult(int err);

/* --- enumerations (svc_enum.c): the verbs of proto/proto.h's
 * svc_enum_req / svc_enum_reply. */
/* Fill up to MAX items after *CURSOR into OUT (NULL: skip them), moving
 * *CURSOR to the key of the last one and setting *N.  Negative errno. */
typedef int (*svc_enum_fetch_fn)(struct svc *s, const struct svc_enum_req *rq,
				 int64_t *cursor, void *out, size_t max, size_t *n);

/* An enumeration verb's answer: checks the request, calls FETCH, packs the
 * reply (items of ITEM_SIZE bytes, as many as fit). */
int svc_enum_answer(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len,
		    size_t item_size, svc_enum_fetch_fn fetch);

/* --- what the areas share inside the parent ---------------------------------- */

/* The GUID istmd shows for storage root DIR (LETTER unused): the same
 * bytes every run, equal to the root's VOLUME szGuid (svc_device.c). */
void svc_disk_volume_guid(char letter, const char *dir, uint8_t guid[16]);

/* svc_disk_mount.c: local surfacing through vhdfs. */
/* Whether D's recorded local mount is still mounted (a FUSE file system
 * on its mount point); clears the record in the store when it is not. */
bool svc_disk_mount_live(struct svc *s, struct state_disk *d);
/* Mount D with vhdfs under STATE_DIR/mounts/<wtd> (read-only when RO) and
 * record it; unmount and forget it.  HRESULTs. */
uint32_t svc_disk_mount(struct svc *s, struct state_disk *d, bool ro);
uint32_t svc_disk_dismount(struct svc *s, struct state_disk *d);
/* The same for any VHD FILE, mounted at STATE_DIR/mounts/<NAME> (into MP);
 * the caller records it.  Unmount waits for vhdfs to exit.  HRESULTs. */
uint32_t svc_vhdfs_mount(struct svc *s, const char *name, const char *file, bool ro, char *mp,
			 size_t mpcap);
uint32_t svc_vhdfs_unmount(struct svc *s, const char *name, const char *mp);
/* MP is a live vhdfs mount (a dead one is detached). */
bool svc_vhdfs_live(const char *mp);

/* svc_disk.c: make tgtd serve disk WTD's new state on every saved target
 * that maps it (sync_apply_target).  HRESULT. */
uint32_t svc_disk_apply_targets(struct svc *s, int64_t wtd);

/* svc_dvd.c: whether the regular file ABS (resolved inside the roots) is
 * an ISO 9660 or UDF image tgt's mmc LU can serve: a volume recognition
 * sequence at 32 KiB and a whole number of 2048-byte sectors.  0 with its
 * size, -EMEDIUMTYPE for any other file (why logged when SAY_WHY), other
 * -errno. */
int svc_dvd_image_check(const char *abs, uint64_t *size, bool say_why);

/* svc_snapshot.c: the file disk D is served from (its top layer once it
 * has snapshots, else its path) into BUF. */
void svc_disk_served_path(struct svc *s, const struct state_disk *d, char *buf, size_t cap);
/* At start, before tgtd is synced: drop prepared snapshots, finish a top
 * cut off by a crash, report layers and records that disagree. */
void svc_snapshot_check(struct svc *s);
/* svc_snapshot_journal.c: after tgtd is synced at start, finish or undo
 * what the layer journal names, then report the files no chain uses. */
void svc_snapshot_check_after_sync(struct svc *s);
/* svc_snapshot_sched.c: run the snapshot schedule when it is due; the
 * parent's loop calls it about once a second.  Returns milliseconds until
 * it wants to run again. */
long svc_snapshot_tick(struct svc *s);
/* The schedule was just set: its runs start now (a time of day already
 * past today is not a missed run). */
void svc_snapshot_schedule_set(struct svc *s);

/* Look at tgtd's sessions now and record what they show: a session not
 * seen before is a login at this moment, which moves the target's
 * LastLogIn and its initiator's CACHED_INITIATOR entry forward.  Every
 * session verb does this; other areas call it before answering LastLogIn
 * or EnumCachedInitiators.  0 or a negative errno (tgtd not answering). */
int svc_session_refresh(struct svc *s);

/* A portal's GUID: the same for the same address and port (svc_target.c). */
void svc_portal_guid(const char *address, uint32_t port, uint8_t guid[16]);

/* svc_portal.c: make tgtd listen, or not, where the store's portals rows
 * say (ILocalDeviceMgr::SetPortalConfig's changes); at every start.  0 or
 * the first error (logged, the others still applied). */
int svc_portals_apply(struct svc *s);

/* svc_portal.c: the store's row for ADDRESS:PORT into *OUT, -ENOENT when
 * none; whether this host has ADDRESS (a bind of a TCP socket to it, port
 * 0: 0, -EADDRNOTAVAIL, -EINVAL for no literal, or another errno). */
int svc_portal_stored(struct state *st, const char *address, uint32_t port,
		      struct state_portal *out);
int svc_portal_probe(const char *address);

/* svc_host_portal.c: whether tgtd's portals P[N] include ADDRESS:PORT,
 * addresses compared in canonical form (the store keeps what a client
 * wrote, which need not be). */
bool svc_portal_listed(const struct tgt_portal *p, size_t n, const char *address, uint32_t port);

/* svc_host_portal.c: close the portals kept open for targets that no
 * target names any more (after RemovePortal, RemoveAllPortals, DeleteHost,
 * a discarded placeholder, and at start).  0 or the first error, logged. */
int svc_host_portals_settle(struct svc *s);

/* svc_isns.c: give tgtd's iSNS client the stored server (or none), when
 * the store has ever held one; before the targets.  0 or the error, logged. */
int svc_isns_apply(struct svc *s);

/* svc_test_pause.c: stop this process (SIGSTOP) at STEP when the
 * environment's ISTMD_TEST_PAUSE_AT names it, so a crash test can kill
 * tgtd or istmd at that exact step; nothing otherwise. */
void svc_test_pause(const char *step);

#endif /* ISTMD_SVC_H */
