/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_int.h: what the state store's files share; not for other modules.
 *
 * One struct state wraps one sqlite3 connection; statements are prepared
 * per call (the store is not on any fast path, and this keeps each function
 * self-contained).
 */
#ifndef ISTMD_STATE_INT_H
#define ISTMD_STATE_INT_H

#include <sqlite3.h>

#include "state.h"

struct state {
	sqlite3 *db;                 /* the connection */
	char path[4096];             /* the database file, for messages */
	int txn_depth;               /* nesting of state_begin(): 1 = transaction, >1 savepoints */
	char err[512];               /* last recorded message */
};

/* state_db.c */
int state_fail(struct state *st, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record sqlite's message for RC with WHAT ("insert target"), return the errno. */
int state_sqlerr(struct state *st, int rc, const char *what);
/* Prepare SQL or record the failure. */
int state_prepare(struct state *st, const char *sql, sqlite3_stmt **stmt);
/* Run SQL that returns no rows. */
int state_exec(struct state *st, const char *sql);
/* Step a statement that returns no rows, finalize it. */
int state_step_done(struct state *st, sqlite3_stmt *stmt, const char *what);
/* Copy column COL as text into BUF of CAP bytes (truncation cannot happen:
 * CHECK constraints bound the lengths; it is checked anyway). */
void state_col_text(sqlite3_stmt *stmt, int col, char *buf, size_t cap);
void state_col_guid(sqlite3_stmt *stmt, int col, uint8_t guid[16]);
/* Length-checked copy of a caller's string for a column. */
int state_check_text(struct state *st, const char *what, const char *s, size_t max);
/* Step S (bound already) and collect its rows into a malloc'd array of
 * ELEM-byte elements filled by READ; finalizes S. */
int state_collect(struct state *st, sqlite3_stmt *s, size_t elem,
		  void (*read)(sqlite3_stmt *, void *), void **out, size_t *n,
		  const char *what);
/* Run SQL (a count with one ?1 bound to ARG) into *N. */
int state_count_rows(struct state *st, const char *sql, int64_t arg, size_t *n);
/* Step S (bound already) for one row read into OUT by READ; finalizes S.
 * No row: -ENOENT "no NOUN WHAT" ("no disk with index 3"). */
int state_fetch_one(struct state *st, sqlite3_stmt *s, void (*read)(sqlite3_stmt *, void *),
		    void *out, const char *noun, const char *what);
/* One page of a walk in key order: SQL's column 0 is the key, ?1 the
 * cursor's last key, ?2 the page size, ?3 (where SQL has one) ARG, the
 * caller's filter.  READ fills up to MAX ELEM-byte elements of OUT (NULL:
 * count only); *N says how many; CUR moves past them. */
int state_page(struct state *st, const char *sql, int64_t arg, struct state_cursor *cur,
	       void (*read)(sqlite3_stmt *, void *), void *out, size_t elem, size_t max,
	       size_t *n, const char *what);
/* Run SQL (no rows) with ?1 bound to ID. */
int state_exec_id(struct state *st, const char *sql, int64_t id, const char *what);
/* Run SQL, "DELETE FROM <NOUN's table> WHERE id = ?1" for ID: -ENOENT
 * "cannot delete NOUN ID: no such NOUN" when no row went. */
int state_delete_row(struct state *st, const char *sql, int64_t id, const char *noun);
/* A nullable reference column (a parent disk, an exported disk): -1 is NULL. */
int64_t state_col_ref(sqlite3_stmt *stmt, int col);
void state_bind_ref(sqlite3_stmt *stmt, int param, int64_t ref);

/* state_schema.c */
int state_migrate(struct state *st);

#endif /* ISTMD_STATE_INT_H */
