/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_db.c: opening istmd.db, durability settings, transactions, and the
 * helpers every state_*.c file uses to talk to SQLite and record errors.
 *
 * Trade-off: synchronous=FULL in WAL mode costs one fsync of the WAL per
 * commit; the configuration changes a few times a minute at most, and
 * "acknowledged means on disk" is worth it.  secure_delete overwrites freed
 * pages so a CHAP secret removed from a row does not linger in the file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state_int.h"

int state_fail(struct state *st, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof(st->err), fmt, ap);
	va_end(ap);
	return err;
}

int state_sqlerr(struct state *st, int rc, const char *what)
{
	int err;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		switch (rc) {
		case SQLITE_CONSTRAINT_UNIQUE:
		case SQLITE_CONSTRAINT_PRIMARYKEY:
			err = -EEXIST;
			break;
		case SQLITE_CONSTRAINT_FOREIGNKEY:
			err = -EBUSY;
			break;
		default:
			err = -EINVAL;
			break;
		}
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		err = -EAGAIN;
		break;
	case SQLITE_NOMEM:
		err = -ENOMEM;
		break;
	case SQLITE_FULL:
		err = -ENOSPC;
		break;
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		err = -EACCES;
		break;
	default:
		err = -EIO;
		break;
	}
	/* sqlite's messages name tables and columns, never bound values, so
	 * no secret can reach the message */
	return state_fail(st, err, "%s failed in '%s': %s", what, st->path,
			  st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

int state_prepare(struct state *st, const char *sql, sqlite3_stmt **stmt)
{
	int rc = sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL);

	if (rc != SQLITE_OK)
		return state_sqlerr(st, rc, "prepare statement");
	return 0;
}

int state_exec(struct state *st, const char *sql)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return state_sqlerr(st, sqlite3_extended_errcode(st->db), "update");
	return 0;
}

int state_step_done(struct state *st, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	int err = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), what);
	sqlite3_finalize(stmt);
	return err;
}

void state_col_text(sqlite3_stmt *stmt, int col, char *buf, size_t cap)
{
	const unsigned char *s = sqlite3_column_text(stmt, col);
	size_t len = (size_t)sqlite3_column_bytes(stmt, col);

	if (!s)
		len = 0;
	if (len >= cap)
		len = cap - 1;
	if (len)
		memcpy(buf, s, len);
	buf[len] = '\0';
}

void state_col_guid(sqlite3_stmt *stmt, int col, uint8_t guid[16])
{
	const void *b = sqlite3_column_blob(stmt, col);

	memset(guid, 0, 16);
	if (b && sqlite3_column_bytes(stmt, col) == 16)
		memcpy(guid, b, 16);
}

int state_check_text(struct state *st, const char *what, const char *s, size_t max)
{
	if (!s)
		return state_fail(st, -EINVAL, "invalid %s: missing", what);
	if (strlen(s) > max)
		return state_fail(st, -EINVAL, "invalid %s: longer than %zu bytes", what, max);
	return 0;
}

int state_new_guid(uint8_t guid[16])
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(guid + got, 16 - got, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	/* RFC 4122 version 4, variant 1, as Windows' CoCreateGuid makes them
	 * (Data3's top nibble is byte 7 in the little-endian wire layout) */
	guid[7] = (uint8_t)((guid[7] & 0x0f) | 0x40);
	guid[8] = (uint8_t)((guid[8] & 0x3f) | 0x80);
	return 0;
}

/* Remove placeholders a previous run left: a placeholder never outlives the
 * process that made it ([MS-ISTM] 4.2: kept "until the object is explicitly
 * saved"). */
static int drop_placeholders(struct state *st)
{
	int err = state_begin(st);

	if (err < 0)
		return err;
	err = state_exec(st,
		"DELETE FROM targets WHERE flags & 1;"
		"DELETE FROM lun_mappings WHERE wtd IN (SELECT wtd FROM disks WHERE flags & 1);"
		"DELETE FROM disks WHERE flags & 1"
		"  AND wtd NOT IN (SELECT parent_wtd FROM disks WHERE parent_wtd IS NOT NULL);");
	if (err < 0) {
		state_rollback(st);
		return err;
	}
	return state_commit(st);
}

static int pragma(struct state *st, const char *sql, const char *want)
{
	sqlite3_stmt *stmt;
	int err = state_prepare(st, sql, &stmt);
	int rc;

	if (err < 0)
		return err;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && want) {
		const char *got = (const char *)sqlite3_column_text(stmt, 0);

		if (!got || strcmp(got, want) != 0) {
			err = state_fail(st, -EIO, "cannot set up '%s': %s gave '%s', not '%s'",
					 st->path, sql, got ? got : "", want);
			sqlite3_finalize(stmt);
			return err;
		}
	} else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), sql);
	}
	sqlite3_finalize(stmt);
	return err;
}

int state_open(const char *state_dir, struct state **out)
{
	struct state *st;
	int fd, rc, err;

	*out = NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	if ((size_t)snprintf(st->path, sizeof(st->path), "%s/%s", state_dir,
			     STATE_DB_NAME) >= sizeof(st->path)) {
		free(st);
		return -ENAMETOOLONG;
	}
	/* create the file ourselves so it is 0600 from the start: it holds
	 * CHAP secrets (SQLite gives the -wal and -shm files the same mode) */
	fd = open(st->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		err = -errno;
		*out = st;
		return state_fail(st, err, "cannot open '%s': %s", st->path, strerror(-err));
	}
	close(fd);

	rc = sqlite3_open_v2(st->path, &st->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL);
	if (rc != SQLITE_OK) {
		*out = st;
		return state_sqlerr(st, rc, "open database");
	}
	sqlite3_extended_result_codes(st->db, 1);
	sqlite3_busy_timeout(st->db, 5000);

	*out = st;
	err = pragma(st, "PRAGMA journal_mode = WAL", "wal");
	if (!err)
		err = pragma(st, "PRAGMA synchronous = FULL", NULL);
	if (!err)
		err = pragma(st, "PRAGMA foreign_keys = ON", NULL);
	if (!err)
		err = pragma(st, "PRAGMA secure_delete = ON", NULL);
	if (!err)
		err = state_migrate(st);
	if (!err)
		err = drop_placeholders(st);
	return err;
}

void state_close(struct state *st)
{
	if (!st)
		return;
	if (st->db)
		sqlite3_close_v2(st->db);
	free(st);
}

const char *state_errmsg(const struct state *st)
{
	return st ? st->err : "out of memory";
}

/* The outermost level is a real transaction (BEGIN IMMEDIATE: the write
 * lock is taken at once, so a commit cannot fail on a lock upgrade);
 * inner levels are savepoints, so a failed inner step undoes only itself
 * and the caller may carry on. */
int state_begin(struct state *st)
{
	char sql[32];
	int err;

	if (st->txn_depth == 0)
		err = state_exec(st, "BEGIN IMMEDIATE");
	else {
		snprintf(sql, sizeof(sql), "SAVEPOINT s%d", st->txn_depth);
		err = state_exec(st, sql);
	}
	if (err < 0)
		return err;
	st->txn_depth++;
	return 0;
}

int state_commit(struct state *st)
{
	char sql[32];

	if (st->txn_depth <= 0)
		return state_fail(st, -EINVAL, "cannot commit: no transaction");
	st->txn_depth--;
	if (st->txn_depth == 0)
		return state_exec(st, "COMMIT");
	snprintf(sql, sizeof(sql), "RELEASE s%d", st->txn_depth);
	return state_exec(st, sql);
}

void state_rollback(struct state *st)
{
	char sql[64];

	if (st->txn_depth <= 0)
		return;
	st->txn_depth--;
	if (st->txn_depth == 0) {
		if (!sqlite3_get_autocommit(st->db))
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return;
	}
	snprintf(sql, sizeof(sql), "ROLLBACK TO s%d; RELEASE s%d", st->txn_depth, st->txn_depth);
	sqlite3_exec(st->db, sql, NULL, NULL, NULL);
}

int state_check(struct state *st)
{
	sqlite3_stmt *stmt;
	int err = state_prepare(st, "PRAGMA integrity_check", &stmt);

	if (err < 0)
		return err;
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "integrity check");
	} else {
		const char *r = (const char *)sqlite3_column_text(stmt, 0);

		if (!r || strcmp(r, "ok") != 0)
			err = state_fail(st, -EIO, "integrity check of '%s' failed: %s",
					 st->path, r ? r : "no result");
	}
	sqlite3_finalize(stmt);
	if (err < 0)
		return err;
	err = state_prepare(st, "PRAGMA foreign_key_check", &stmt);
	if (err < 0)
		return err;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		err = state_fail(st, -EIO, "integrity check of '%s' failed: a row of '%s' "
				 "references a missing row", st->path,
				 (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_finalize(stmt);
	return err;
}

/* Run S (bound already) and collect rows into a malloc'd array of ELEM-byte
 * elements filled by READ. */
int state_collect(struct state *st, sqlite3_stmt *s, size_t elem,
		  void (*read)(sqlite3_stmt *, void *), void **out, size_t *n,
		  const char *what)
{
	size_t cap = 0;
	char *arr = NULL;
	int rc, err = 0;

	*out = NULL;
	*n = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			char *na = realloc(arr, ncap * elem);

			if (!na) {
				err = state_fail(st, -ENOMEM, "cannot %s: out of memory", what);
				break;
			}
			arr = na;
			cap = ncap;
		}
		read(s, arr + *n * elem);
		(*n)++;
	}
	if (!err && rc != SQLITE_DONE)
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), what);
	sqlite3_finalize(s);
	if (err < 0) {
		free(arr);
		*n = 0;
		return err;
	}
	*out = arr;
	return 0;
}

int state_count_rows(struct state *st, const char *sql, int64_t arg, size_t *n)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, sql, &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, arg);
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = (size_t)sqlite3_column_int64(s, 0);
	else
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "count rows");
	sqlite3_finalize(s);
	return err;
}

int state_fetch_one(struct state *st, sqlite3_stmt *s, void (*read)(sqlite3_stmt *, void *),
		    void *out, const char *noun, const char *what)
{
	int rc = sqlite3_step(s);
	int err = 0;

	if (rc == SQLITE_ROW) {
		read(s, out);
	} else if (rc == SQLITE_DONE) {
		err = state_fail(st, -ENOENT, "no %s %s", noun, what);
	} else {
		char act[64];

		snprintf(act, sizeof(act), "read %s", noun);
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), act);
	}
	sqlite3_finalize(s);
	return err;
}

int state_page(struct state *st, const char *sql, int64_t arg, struct state_cursor *cur,
	       void (*read)(sqlite3_stmt *, void *), void *out, size_t elem, size_t max,
	       size_t *n, const char *what)
{
	sqlite3_stmt *s;
	int err, rc;

	*n = 0;
	if (max == 0)
		return 0;
	err = state_prepare(st, sql, &s);
	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, cur->last);
	sqlite3_bind_int64(s, 2, max > INT64_MAX ? INT64_MAX : (sqlite3_int64)max);
	if (sqlite3_bind_parameter_count(s) >= 3)
		sqlite3_bind_int64(s, 3, arg);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (out)
			read(s, (char *)out + *n * elem);
		cur->last = sqlite3_column_int64(s, 0);
		(*n)++;
	}
	if (rc != SQLITE_DONE)
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), what);
	sqlite3_finalize(s);
	return err;
}

int state_exec_id(struct state *st, const char *sql, int64_t id, const char *what)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, sql, &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, id);
	return state_step_done(st, s, what);
}

int state_delete_row(struct state *st, const char *sql, int64_t id, const char *noun)
{
	char what[64];
	int err;

	snprintf(what, sizeof(what), "delete %s", noun);
	err = state_exec_id(st, sql, id, what);
	if (err < 0)
		return err;
	if (sqlite3_changes(st->db) == 0)
		return state_fail(st, -ENOENT, "cannot delete %s %lld: no such %s", noun,
				  (long long)id, noun);
	return 0;
}

int64_t state_col_ref(sqlite3_stmt *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL ? -1
		: sqlite3_column_int64(stmt, col);
}

void state_bind_ref(sqlite3_stmt *stmt, int param, int64_t ref)
{
	if (ref >= 0)
		sqlite3_bind_int64(stmt, param, ref);
	else
		sqlite3_bind_null(stmt, param);
}
