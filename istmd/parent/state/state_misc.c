/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_misc.c: the small collections: cached initiators and server-wide
 * settings.
 *
 * Settings are untyped text: each user (schedule, server GUID, iSNS) owns
 * its keys and their format, and the store needs no migration for a new one.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "state_int.h"

int state_initiator_seen(struct state *st, const char *iqn, uint64_t last_login)
{
	sqlite3_stmt *s;
	int err = state_check_text(st, "initiator IQN", iqn, STATE_IQN_MAX);

	if (err < 0)
		return err;
	if (!iqn[0])
		return state_fail(st, -EINVAL, "invalid initiator IQN: empty");
	err = state_prepare(st, "INSERT INTO cached_initiators (iqn, last_login) VALUES (?1, ?2)"
			    " ON CONFLICT (iqn) DO UPDATE SET last_login ="
			    " max(last_login, excluded.last_login)", &s);
	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, iqn, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)last_login);
	return state_step_done(st, s, "record initiator");
}

static void read_initiator(sqlite3_stmt *s, void *p)
{
	struct state_initiator *in = p;

	state_col_text(s, 1, in->iqn, sizeof(in->iqn));
	in->last_login = (uint64_t)sqlite3_column_int64(s, 2);
}

int state_initiator_next(struct state *st, struct state_cursor *cur,
			 struct state_initiator *out, size_t max, size_t *n)
{
	return state_page(st, "SELECT id, iqn, last_login FROM cached_initiators"
			  " WHERE id > ?1 ORDER BY id LIMIT ?2", 0, cur, read_initiator,
			  out, sizeof(*out), max, n, "list initiators");
}

int state_setting_get(struct state *st, const char *key, char *value, size_t cap)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT value FROM settings WHERE key = ?1", &s);
	int rc;

	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		size_t len = (size_t)sqlite3_column_bytes(s, 0);

		if (len >= cap)
			err = state_fail(st, -ERANGE, "cannot read setting '%s': %zu bytes do not fit",
					 key, len);
		else
			state_col_text(s, 0, value, cap);
	} else if (rc == SQLITE_DONE) {
		err = state_fail(st, -ENOENT, "no setting '%s'", key);
	} else {
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "read setting");
	}
	sqlite3_finalize(s);
	return err;
}

int state_setting_set(struct state *st, const char *key, const char *value)
{
	sqlite3_stmt *s;
	int err;

	if (!key || !key[0] || strlen(key) > 255 || !value)
		return state_fail(st, -EINVAL, "invalid setting key");
	err = state_prepare(st, "INSERT INTO settings (key, value) VALUES (?1, ?2)"
			    " ON CONFLICT (key) DO UPDATE SET value = excluded.value", &s);
	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, value, -1, SQLITE_TRANSIENT);
	return state_step_done(st, s, "write setting");
}

int state_setting_delete(struct state *st, const char *key)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "DELETE FROM settings WHERE key = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
	err = state_step_done(st, s, "delete setting");
	if (err < 0)
		return err;
	if (sqlite3_changes(st->db) == 0)
		return state_fail(st, -ENOENT, "no setting '%s'", key);
	return 0;
}
