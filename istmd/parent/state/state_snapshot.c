/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_snapshot.c: the snapshots and disk_tops tables (state_snapshot.h).
 * Each function is one statement; the callers (svc_snapshot.c) group
 * them in state_begin()/state_commit() where a change touches both tables.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state_int.h"
#include "state_snapshot.h"

#define SNAP_COLS "id, guid, wtd, layer, timestamp, status, taken, exported_wtd, mount_point"

static void read_snapshot(sqlite3_stmt *s, void *p)
{
	struct state_snapshot *out = p;

	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	state_col_guid(s, 1, out->guid);
	out->wtd = sqlite3_column_int64(s, 2);
	state_col_text(s, 3, out->layer, sizeof(out->layer));
	out->timestamp = (uint64_t)sqlite3_column_int64(s, 4);
	out->status = (uint32_t)sqlite3_column_int64(s, 5);
	out->taken = sqlite3_column_int(s, 6) != 0;
	out->exported_wtd = state_col_ref(s, 7);
	state_col_text(s, 8, out->mount_point, sizeof(out->mount_point));
}

static void bind_snapshot(sqlite3_stmt *s, const struct state_snapshot *sn)
{
	sqlite3_bind_blob(s, 1, sn->guid, 16, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, sn->wtd);
	sqlite3_bind_text(s, 3, sn->layer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)sn->timestamp);
	sqlite3_bind_int64(s, 5, sn->status);
	sqlite3_bind_int(s, 6, sn->taken ? 1 : 0);
	state_bind_ref(s, 7, sn->exported_wtd);
	sqlite3_bind_text(s, 8, sn->mount_point, -1, SQLITE_TRANSIENT);
}

int state_snapshot_add(struct state *st, struct state_snapshot *sn)
{
	sqlite3_stmt *s;
	int err = state_check_text(st, "layer", sn->layer, 4095);

	if (err == 0)
		err = state_prepare(st, "INSERT INTO snapshots (guid, wtd, layer, timestamp, status,"
				    " taken, exported_wtd, mount_point) VALUES"
				    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &s);
	if (err < 0)
		return err;
	bind_snapshot(s, sn);
	err = state_step_done(st, s, "insert snapshot");
	if (err == 0)
		sn->id = sqlite3_last_insert_rowid(st->db);
	return err;
}

int state_snapshot_update(struct state *st, const struct state_snapshot *sn)
{
	sqlite3_stmt *s;
	int err = state_check_text(st, "layer", sn->layer, 4095);

	if (err == 0)
		err = state_prepare(st, "UPDATE snapshots SET guid = ?1, wtd = ?2, layer = ?3,"
				    " timestamp = ?4, status = ?5, taken = ?6, exported_wtd = ?7,"
				    " mount_point = ?8 WHERE id = ?9", &s);
	if (err < 0)
		return err;
	bind_snapshot(s, sn);
	sqlite3_bind_int64(s, 9, sn->id);
	err = state_step_done(st, s, "update snapshot");
	if (err == 0 && sqlite3_changes(st->db) == 0)
		err = state_fail(st, -ENOENT, "no snapshot row %lld", (long long)sn->id);
	return err;
}

int state_snapshot_delete(struct state *st, int64_t id)
{
	return state_exec_id(st, "DELETE FROM snapshots WHERE id = ?1", id, "delete snapshot");
}

int state_snapshot_get(struct state *st, const uint8_t guid[16], struct state_snapshot *out)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT " SNAP_COLS " FROM snapshots WHERE guid = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_blob(s, 1, guid, 16, SQLITE_TRANSIENT);
	return state_fetch_one(st, s, read_snapshot, out, "snapshot", "with that id");
}

int state_snapshot_get_by_layer(struct state *st, const char *layer, struct state_snapshot *out)
{
	sqlite3_stmt *s;
	char what[160];
	int err = state_prepare(st, "SELECT " SNAP_COLS " FROM snapshots WHERE layer = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, layer, -1, SQLITE_TRANSIENT);
	snprintf(what, sizeof(what), "of layer '%.100s'", layer);
	return state_fetch_one(st, s, read_snapshot, out, "snapshot", what);
}

int state_snapshot_next(struct state *st, struct state_cursor *cur, int64_t wtd,
			struct state_snapshot *out, size_t max, size_t *n)
{
	return state_page(st, "SELECT " SNAP_COLS " FROM snapshots WHERE id > ?1"
			  " AND (?3 < 0 OR wtd = ?3) ORDER BY id LIMIT ?2", wtd,
			  cur, read_snapshot, out, sizeof(*out), max, n, "list snapshots");
}

int state_snapshot_count(struct state *st, int64_t wtd, size_t *n)
{
	return state_count_rows(st, "SELECT count(*) FROM snapshots WHERE wtd = ?1", wtd, n);
}

int state_snapshot_drop_prepared(struct state *st, size_t *n)
{
	int err = state_exec(st, "DELETE FROM snapshots WHERE taken = 0");

	*n = err == 0 ? (size_t)sqlite3_changes(st->db) : 0;
	return err;
}

int state_disk_top_get(struct state *st, int64_t wtd, char *path, size_t cap)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT path FROM disk_tops WHERE wtd = ?1", &s);
	int rc;

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, wtd);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if ((size_t)sqlite3_column_bytes(s, 0) >= cap)
			err = state_fail(st, -ERANGE, "the top of disk %lld does not fit",
					 (long long)wtd);
		else
			state_col_text(s, 0, path, cap);
	} else if (rc == SQLITE_DONE) {
		err = -ENOENT;
	} else {
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "read disk top");
	}
	sqlite3_finalize(s);
	return err;
}

int state_disk_top_set(struct state *st, int64_t wtd, const char *path)
{
	sqlite3_stmt *s;
	int err;

	if (path && (err = state_check_text(st, "top", path, 4095)) < 0)
		return err;
	err = state_prepare(st, path ? "INSERT INTO disk_tops (wtd, path) VALUES (?1, ?2)"
			    " ON CONFLICT (wtd) DO UPDATE SET path = excluded.path"
			    : "DELETE FROM disk_tops WHERE wtd = ?1", &s);
	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, wtd);
	if (path)
		sqlite3_bind_text(s, 2, path, -1, SQLITE_TRANSIENT);
	return state_step_done(st, s, "write disk top");
}
