/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_journal.c: the layer_journal table (state_snapshot.h, "layer
 * journal").  One statement per function; the callers put a row in the
 * same transaction as the change it belongs to when there is one.
 * Trade-off: a row is a whole path, not a reference to a snapshot or a
 * top, so it can name a file no other table names yet (or any more).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state_int.h"
#include "state_snapshot.h"

int state_journal_add(struct state *st, int64_t wtd, const char *path, const char *parent)
{
	sqlite3_stmt *s;
	int err = state_check_text(st, "journal path", path, 4095);

	if (err == 0)
		err = state_check_text(st, "journal parent", parent ? parent : "", 4095);
	if (err == 0)
		err = state_prepare(st, "INSERT INTO layer_journal (path, wtd, parent) VALUES"
				    " (?1, ?2, ?3) ON CONFLICT (path) DO UPDATE SET"
				    " wtd = excluded.wtd, parent = excluded.parent", &s);
	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, wtd);
	sqlite3_bind_text(s, 3, parent ? parent : "", -1, SQLITE_TRANSIENT);
	return state_step_done(st, s, "write layer journal");
}

int state_journal_drop(struct state *st, const char *path)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "DELETE FROM layer_journal WHERE path = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
	return state_step_done(st, s, "drop layer journal row");
}

static void read_row(sqlite3_stmt *s, struct state_journal *out)
{
	memset(out, 0, sizeof(*out));
	out->seq = sqlite3_column_int64(s, 0);
	state_col_text(s, 1, out->path, sizeof(out->path));
	out->wtd = sqlite3_column_int64(s, 2);
	state_col_text(s, 3, out->parent, sizeof(out->parent));
}

int state_journal_get(struct state *st, const char *path, struct state_journal *out)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT seq, path, wtd, parent FROM layer_journal"
				" WHERE path = ?1", &s);
	int rc;

	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_row(s, out);
	else if (rc == SQLITE_DONE)
		err = -ENOENT;
	else
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "read layer journal");
	sqlite3_finalize(s);
	return err;
}

int state_journal_next(struct state *st, struct state_cursor *cur, struct state_journal *out,
		       size_t *n)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT seq, path, wtd, parent FROM layer_journal"
				" WHERE seq > ?1 ORDER BY seq LIMIT 1", &s);
	int rc;

	*n = 0;
	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, cur->last);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		read_row(s, out);
		cur->last = out->seq;
		*n = 1;
	} else if (rc != SQLITE_DONE) {
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "list layer journal");
	}
	sqlite3_finalize(s);
	return err;
}
