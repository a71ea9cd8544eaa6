/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_snapshot.h: the store's snapshots ([MS-ISTM] 3.1.1.5) and disk
 * tops, in istmd.db next to the rest of state.h.
 *
 *   snapshots   one row per Snapshot: GUID, origin disk (OrigWTD), the
 *               frozen layer file (absolute path; "" while only prepared),
 *               TimeStamp (FILETIME), Status (SnapshotStatus* flags),
 *               taken (0: PrepareCreateSnapshot ran, DoCreateSnapshot not
 *               yet), ExportedWTD (NULL: not exported), local mount point.
 *   disk_tops   the file a disk is served from when it is not its own
 *               path: after a snapshot the disk continues on a new
 *               differencing child, its top.
 *
 * A disk with snapshots cannot be deleted (the row is referenced); an
 * exported disk's deletion clears ExportedWTD.  Prepared rows are a
 * placeholder: istmd drops them at start.  The chain on disk is the truth:
 * at start istmd compares these rows with the files and reports what
 * disagrees (svc_snapshot_check), it never deletes a file for it.
 */
#ifndef ISTMD_STATE_SNAPSHOT_H
#define ISTMD_STATE_SNAPSHOT_H

#include "state.h"

/* [MS-ISTM] 3.1.1.5 Status */
#define STATE_SNAP_EXPORTED 0x1u     /* SnapshotStatusExported */
#define STATE_SNAP_MOUNTED 0x2u      /* SnapshotStatusLocallyMounted */
#define STATE_SNAP_ROLLBACK 0x4u     /* SnapshotStatusRollbackInProgress */

struct state_snapshot {
	int64_t id;                  /* row key, creation order; 0 = not inserted */
	uint8_t guid[16];            /* Id */
	int64_t wtd;                 /* OrigWTD */
	char layer[4096];            /* the frozen layer, "" until taken */
	uint64_t timestamp;          /* TimeStamp, FILETIME */
	uint32_t status;             /* STATE_SNAP_* */
	bool taken;                  /* DoCreateSnapshot done */
	int64_t exported_wtd;        /* ExportedWTD, -1 none */
	char mount_point[1024];      /* DVMount's mount point, "" */
};

int state_snapshot_add(struct state *st, struct state_snapshot *sn);
int state_snapshot_update(struct state *st, const struct state_snapshot *sn);
int state_snapshot_delete(struct state *st, int64_t id);
int state_snapshot_get(struct state *st, const uint8_t guid[16], struct state_snapshot *out);
/* The snapshot whose frozen layer is LAYER; -ENOENT. */
int state_snapshot_get_by_layer(struct state *st, const char *layer, struct state_snapshot *out);
/* Up to MAX snapshots after CUR (all disks when WTD < 0), by id. */
int state_snapshot_next(struct state *st, struct state_cursor *cur, int64_t wtd,
			struct state_snapshot *out, size_t max, size_t *n);
/* Snapshots of WTD, prepared ones included. */
int state_snapshot_count(struct state *st, int64_t wtd, size_t *n);
/* Drop the prepared (never taken) rows; *N how many. */
int state_snapshot_drop_prepared(struct state *st, size_t *n);

/* The file disk WTD is served from: its top when it has one, else -ENOENT. */
int state_disk_top_get(struct state *st, int64_t wtd, char *path, size_t cap);
/* Set (PATH non-NULL) or clear the top of WTD. */
int state_disk_top_set(struct state *st, int64_t wtd, const char *path);

/* The layer journal: a row names a layer file a snapshot operation is
 * about to make (PARENT: the layer an empty placeholder must become a
 * child of) or to remove; it is written before the file step and dropped
 * after it.  At start istmd finishes or undoes what a row names
 * (svc_snapshot_journal.c), so a kill at any step leaves no file the store
 * does not account for. */
struct state_journal {
	int64_t seq;                 /* row key, journal order */
	char path[4096];             /* the layer file */
	int64_t wtd;                 /* its disk */
	char parent[4096];           /* "" or the parent a placeholder gets */
};

/* Add (or replace) the row of PATH. */
int state_journal_add(struct state *st, int64_t wtd, const char *path, const char *parent);
/* Drop the row of PATH (none: 0). */
int state_journal_drop(struct state *st, const char *path);
/* The row of PATH; -ENOENT. */
int state_journal_get(struct state *st, const char *path, struct state_journal *out);
/* The row after CUR (journal order); *N is 0 at the end. */
int state_journal_next(struct state *st, struct state_cursor *cur, struct state_journal *out,
		       size_t *n);

#endif /* ISTMD_STATE_SNAPSHOT_H */
