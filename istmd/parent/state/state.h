/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state.h: istmd's persistent configuration, one SQLite file in the state
 * directory (istmd.db), owned by the privileged process.
 *
 * What is kept ([MS-ISTM] 3.1.1.3, 3.1.1.4, 3.1.1.6, 3.1.1.7):
 *
 *   targets          one row per IHost: GUID, Name (unique, case-insensitive
 *                    like Windows), TargetIQN (unique), Description, Enable,
 *                    CHAP and reverse CHAP (user, secret), the iSCSI
 *                    parameters, LastLogIn (FILETIME), Status, resource
 *                    group, and the tgt tid istmd gave it (NULL when none).
 *   target_ids       IEnumIDMethod rows of a target: (method, value), method
 *                    an IDMethod value (IDIQN, IDIPAddress, IDIPv6Address,
 *                    IDDNSName, ...); dropped with the target.
 *   portals          PORTAL rows: GUID, address, port, listen/secure/valid;
 *                    listen says who keeps it open (STATE_PORTAL_FOR_TARGETS).
 *   target_portals   which portals serve which target; dropped with either.
 *   disks            one row per IWTDisk: WTD index (the "dwWTD" clients
 *                    see; never reused), GUID, serial number, SCSI
 *                    designator (schema 4: the identity its LUs present,
 *                    state_disk_scsi_id), path (absolute
 *                    POSIX path inside a storage root, unique), size,
 *                    description, Flags (WTDFlag*), enabled, read-only,
 *                    WTDType, VhdType, parent WTD index (differencing disks;
 *                    a parent cannot be deleted while a child row exists),
 *                    local mount type and point.
 *                    The base rule (a base changed under its children
 *                    corrupts them) is enforced here, in one place: a disk
 *                    with children can be mapped only while read-only, a
 *                    mapped parent cannot be made writable, and a child
 *                    cannot be added under a parent mapped writable (-EBUSY).
 *   lun_mappings     (target, disk, LUN): a LUN is unique per target and a
 *                    disk is mapped at most once per target.  LUN is the
 *                    ISTM LUN the client sees; the tgt LUN is derived (see
 *                    tgt/tgt.h: tgt LUN = ISTM LUN + 1).
 *   cached_initiators  CACHED_INITIATOR rows: IQN, last login (FILETIME).
 *   settings         server-wide key/value text (schedule, server GUID, ...).
 *   snapshots, disk_tops   snapshots and the layer a disk is served from
 *                    (state_snapshot.h; schema version 2).
 *
 * Durability: WAL journal with synchronous=FULL, so a change is on disk
 * when its commit returns; a crash (kill -9, power loss) loses nothing that
 * was acknowledged.  Foreign keys are enforced.  The schema version is
 * PRAGMA user_version; state_open() migrates older files forward in one
 * transaction each and refuses files newer than it knows (-EPROTO).
 *
 * Placeholders ("placeholder object ... until the object is explicitly
 * saved", [MS-ISTM] 4.2): a row created with STATE_PENDING set reserves its
 * name, IQN, path and index, but state_target_next()/state_disk_next() skip
 * it unless asked, and state_open() deletes pending rows left by a previous
 * run (a placeholder does not survive a restart).  IHost::Save /
 * IWTDisk::Save call state_target_save()/state_disk_save(), which write the
 * whole object and clear the flag in one transaction.
 *
 * Enumeration: every collection has a stable order (the row key: tid-like
 * target id, WTD index, ...).  A struct state_cursor is the position of an
 * IEnum* object: Next fills up to N rows after it, Skip is Next without
 * output, Reset zeroes it, Clone copies it.  Rows added during an
 * enumeration appear at its end; rows removed are not returned.
 *
 * Errors: functions return 0 or a negative errno (-ENOENT no such row,
 * -EEXIST unique name/IQN/path/LUN taken, -EBUSY row still referenced,
 * -EINVAL bad argument, -EIO SQLite failure) and record one message,
 * readable with state_errmsg() until the next call.  CHAP secrets are never
 * put into messages.
 *
 * Threading: a struct state is used by one thread at a time.
 */
#ifndef ISTMD_STATE_H
#define ISTMD_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "proto/rows.h"

#define STATE_DB_NAME "istmd.db"      /* file name inside the state dir */
#define STATE_SCHEMA_VERSION 4        /* PRAGMA user_version written */

struct state;

/* --- the database ----------------------------------------------------- */

/* Open (creating when absent) STATE_DIR/istmd.db, migrate it to
 * STATE_SCHEMA_VERSION, and drop placeholders from a previous run. */
int state_open(const char *state_dir, struct state **out);
void state_close(struct state *st);
const char *state_errmsg(const struct state *st);

/* Group several changes into one transaction.  Nested begin/commit pairs
 * are savepoints inside the outermost: an inner rollback undoes only what
 * was done since its begin; nothing is durable before the outermost commit.
 * Every state_* call that writes several rows runs in such a pair itself. */
int state_begin(struct state *st);
int state_commit(struct state *st);
void state_rollback(struct state *st);

/* PRAGMA integrity_check: 0 when "ok", -EIO with the first complaint. */
int state_check(struct state *st);

/* Fill GUID with 16 random bytes (getrandom). */
int state_new_guid(uint8_t guid[16]);

/* --- targets ------------------------------------------------------------ */

/* Defaults for a new target named NAME (enabled, no CHAP, tgt's iSCSI
 * defaults, fresh GUID, IQN empty: the caller picks one). */
void state_target_init(struct state_target *t, const char *name);
/* Insert T (T->id is set); -EEXIST when the name, IQN or GUID is taken. */
int state_target_add(struct state *st, struct state_target *t);
/* Replace every column of row T->id and clear STATE_PENDING when clear_pending. */
int state_target_update(struct state *st, const struct state_target *t);
/* IHost::Save: update and clear the placeholder flag. */
int state_target_save(struct state *st, struct state_target *t);
int state_target_get(struct state *st, int64_t id, struct state_target *out);
int state_target_get_by_name(struct state *st, const char *name, struct state_target *out);
int state_target_get_by_iqn(struct state *st, const char *iqn, struct state_target *out);
/* Deletes the target with its IDs, portals and LUN mappings. */
int state_target_delete(struct state *st, int64_t id);
/* Up to MAX targets after CUR (saved ones, and pending ones too when
 * with_pending) into OUT (may be NULL: skip); *N gets the count; CUR moves. */
int state_target_next(struct state *st, struct state_cursor *cur, bool with_pending,
		      struct state_target *out, size_t max, size_t *n);
int state_target_count(struct state *st, bool with_pending, size_t *n);
/* Lowest tgt tid > 0 that no target in the store uses and that is not in
 * TAKEN (tids tgtd already has, e.g. targets made by hand). */
int state_target_free_tid(struct state *st, const int *taken, size_t ntaken, int *tid);

/* Identification methods of a target. */
int state_target_add_id(struct state *st, int64_t target, const struct state_id *id);
int state_target_remove_id(struct state *st, int64_t target, const struct state_id *id);
int state_target_remove_all_ids(struct state *st, int64_t target);
/* All IDs of TARGET, in insertion order, into a malloc'd *OUT. */
int state_target_list_ids(struct state *st, int64_t target, struct state_id **out, size_t *n);

/* LUN mappings.  -EEXIST when LUN is taken or the disk already mapped. */
int state_lun_map(struct state *st, int64_t target, int64_t wtd, uint32_t lun);
int state_lun_unmap(struct state *st, int64_t target, int64_t wtd);
int state_lun_unmap_all(struct state *st, int64_t target);
/* Lowest LUN not mapped on TARGET (for AddWTDisk without a LUN). */
int state_lun_free(struct state *st, int64_t target, uint32_t *lun);
/* Mappings of TARGET by LUN, into a malloc'd *OUT. */
int state_lun_list(struct state *st, int64_t target, struct state_lun_mapping **out, size_t *n);
/* How many targets map WTD (IWTDisk::Assigned). */
int state_lun_count_for_disk(struct state *st, int64_t wtd, size_t *n);
/* Which targets map WTD and at which LUN, by target id, into a malloc'd
 * *OUT (the wtd member holds the target id here). */
int state_lun_list_for_disk(struct state *st, int64_t wtd, struct state_lun_mapping **out,
			    size_t *n);

/* --- virtual disks ------------------------------------------------------ */

/* Defaults for a new file-based disk at PATH (fresh GUID and serial, enabled,
 * STATE_WTD_FLAG_ENABLE_LUN_MAPPING, no parent). */
void state_disk_init(struct state_disk *d, const char *path);
/* The SCSI designator of a disk with GUID: "IET     " and 28 hex digits,
 * 36 bytes (tgt's scsi_id: VPD page 0x83's T10 vendor ID designator, and
 * the NAA IEEE Registered Extended designator tgt derives from it).  Made
 * once, when the disk is registered, and kept; the serial number (page
 * 0x80) is the disk's SerialNumber. */
void state_disk_scsi_id(const uint8_t guid[16], char out[STATE_SCSI_ID_MAX + 1]);
/* Insert D and give it the next WTD index (never reused). */
int state_disk_add(struct state *st, struct state_disk *d);
int state_disk_update(struct state *st, const struct state_disk *d);
int state_disk_save(struct state *st, struct state_disk *d);
int state_disk_get(struct state *st, int64_t wtd, struct state_disk *out);
int state_disk_get_by_path(struct state *st, const char *path, struct state_disk *out);
/* -EBUSY while the disk is mapped to a target or is another disk's parent. */
int state_disk_delete(struct state *st, int64_t wtd);
int state_disk_next(struct state *st, struct state_cursor *cur, bool with_pending,
		    struct state_disk *out, size_t max, size_t *n);
int state_disk_count(struct state *st, bool with_pending, size_t *n);
/* How many disks name WTD as their parent. */
int state_disk_count_children(struct state *st, int64_t wtd, size_t *n);

/* What refers to a disk. */
struct state_disk_usage {
	bool read_only;              /* the disk's read-only flag */
	size_t children;             /* differencing disks naming it as parent */
	size_t mappings;             /* LUN mappings of it, on any target */
};
int state_disk_usage(struct state *st, int64_t wtd, struct state_disk_usage *u);

/* --- portals ------------------------------------------------------------ */

/* A row's listen column holds who keeps the portal open: 0 nobody (closed
 * by SetPortalConfig or by its last target), 1 the server (SetPortalConfig,
 * or a portal tgtd had before a target named it), and this value: only the
 * targets of target_portals that name it (IHost::AddPortal).  Read as
 * struct state_portal's listen and for_targets. */
#define STATE_PORTAL_FOR_TARGETS 2

int state_portal_add(struct state *st, struct state_portal *p);
int state_portal_delete(struct state *st, int64_t id);
/* Change who keeps portal ID open, in place (its targets stay). */
int state_portal_set_listen(struct state *st, int64_t id, bool listen, bool for_targets);
/* How many targets name portal ID. */
int state_portal_count_targets(struct state *st, int64_t id, unsigned *n);
int state_portal_next(struct state *st, struct state_cursor *cur,
		      struct state_portal *out, size_t max, size_t *n);
int state_target_add_portal(struct state *st, int64_t target, int64_t portal);
int state_target_remove_portal(struct state *st, int64_t target, int64_t portal);
int state_target_remove_all_portals(struct state *st, int64_t target);
int state_target_list_portals(struct state *st, int64_t target,
			      struct state_portal **out, size_t *n);

/* --- cached initiators and settings ---------------------------------- */

/* Insert or move LAST_LOGIN forward. */
int state_initiator_seen(struct state *st, const char *iqn, uint64_t last_login);
int state_initiator_next(struct state *st, struct state_cursor *cur,
			 struct state_initiator *out, size_t max, size_t *n);

/* VALUE is copied into a buffer of CAP bytes; -ENOENT when unset,
 * -ERANGE when it does not fit. */
int state_setting_get(struct state *st, const char *key, char *value, size_t cap);
int state_setting_set(struct state *st, const char *key, const char *value);
int state_setting_delete(struct state *st, const char *key);

/* --- the LUN view of status notifications (state_lunview.c) --- */
struct state_lun_view_row {
	int64_t wtd;                 /* a saved disk's index */
	bool enabled;                /* its Enable */
	bool in_use;                 /* mapped to a saved target, or mounted locally */
};
/* The saved disks by index (*ROWS malloc'd, *N of them) and a digest of
 * the saved targets' mappings and enabled flags. */
int state_lun_view(struct state *st, struct state_lun_view_row **rows, size_t *n,
		   uint64_t *mappings_digest);

#endif /* ISTMD_STATE_H */
