/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_target.c: targets (IHost) and what hangs off them: identification
 * methods, LUN mappings and portal bindings.
 *
 * A target is read and written whole (one struct, one row), because the
 * ISTM layer edits a copy and writes it back on IHost::Save; sub-collections
 * change one row at a time because IHost::AddID/AddWTDisk/... are separate
 * calls.  Trade-off: a whole-row update rewrites unchanged columns; rows
 * are small and saves are rare.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_int.h"

#define TARGET_COLS \
	"id, guid, name, iqn, description, enabled, chap_enabled, chap_user, " \
	"chap_secret, rchap_enabled, rchap_user, rchap_secret, max_recv_dsl, " \
	"first_burst, max_burst, num_recv_buffers, enforce_idle_timeout, " \
	"listen_all, processor, last_login, status, resource_group, tid, flags"

void state_target_init(struct state_target *t, const char *name)
{
	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name ? name : "");
	t->enabled = true;
	t->listen_all = true;
	if (state_new_guid(t->guid) < 0)
		memset(t->guid, 0, sizeof(t->guid)); /* add() refuses it */
}

static void read_target(sqlite3_stmt *s, void *p)
{
	struct state_target *t = p;

	memset(t, 0, sizeof(*t));
	t->id = sqlite3_column_int64(s, 0);
	state_col_guid(s, 1, t->guid);
	state_col_text(s, 2, t->name, sizeof(t->name));
	state_col_text(s, 3, t->iqn, sizeof(t->iqn));
	state_col_text(s, 4, t->description, sizeof(t->description));
	t->enabled = sqlite3_column_int(s, 5) != 0;
	t->chap_enabled = sqlite3_column_int(s, 6) != 0;
	state_col_text(s, 7, t->chap_user, sizeof(t->chap_user));
	state_col_text(s, 8, t->chap_secret, sizeof(t->chap_secret));
	t->rchap_enabled = sqlite3_column_int(s, 9) != 0;
	state_col_text(s, 10, t->rchap_user, sizeof(t->rchap_user));
	state_col_text(s, 11, t->rchap_secret, sizeof(t->rchap_secret));
	t->max_recv_dsl = (uint32_t)sqlite3_column_int64(s, 12);
	t->first_burst = (uint32_t)sqlite3_column_int64(s, 13);
	t->max_burst = (uint32_t)sqlite3_column_int64(s, 14);
	t->num_recv_buffers = (uint32_t)sqlite3_column_int64(s, 15);
	t->enforce_idle_timeout = sqlite3_column_int(s, 16) != 0;
	t->listen_all = sqlite3_column_int(s, 17) != 0;
	t->processor = (uint32_t)sqlite3_column_int64(s, 18);
	t->last_login = (uint64_t)sqlite3_column_int64(s, 19);
	t->status = (uint32_t)sqlite3_column_int64(s, 20);
	state_col_text(s, 21, t->resource_group, sizeof(t->resource_group));
	t->tid = sqlite3_column_type(s, 22) == SQLITE_NULL ? 0 : sqlite3_column_int(s, 22);
	t->flags = (unsigned)sqlite3_column_int(s, 23);
}

static int check_target(struct state *st, const struct state_target *t)
{
	static const uint8_t zero[16];
	int err;

	if ((err = state_check_text(st, "target name", t->name, STATE_NAME_MAX)) < 0 ||
	    (err = state_check_text(st, "target IQN", t->iqn, STATE_IQN_MAX)) < 0 ||
	    (err = state_check_text(st, "target description", t->description, STATE_TEXT_MAX)) < 0 ||
	    (err = state_check_text(st, "CHAP user name", t->chap_user, STATE_NAME_MAX)) < 0 ||
	    (err = state_check_text(st, "CHAP secret", t->chap_secret, STATE_SECRET_MAX)) < 0 ||
	    (err = state_check_text(st, "reverse CHAP user name", t->rchap_user, STATE_NAME_MAX)) < 0 ||
	    (err = state_check_text(st, "reverse CHAP secret", t->rchap_secret, STATE_SECRET_MAX)) < 0 ||
	    (err = state_check_text(st, "resource group", t->resource_group, STATE_NAME_MAX)) < 0)
		return err;
	if (t->name[0] == '\0')
		return state_fail(st, -EINVAL, "invalid target name: empty");
	if (memcmp(t->guid, zero, 16) == 0)
		return state_fail(st, -EINVAL, "invalid target '%s': no GUID", t->name);
	if (t->tid < 0)
		return state_fail(st, -EINVAL, "invalid target '%s': tid %d", t->name, t->tid);
	return 0;
}

/* Bind columns 1..23 (everything but id) in TARGET_COLS order, minus id. */
static void bind_target(sqlite3_stmt *s, const struct state_target *t)
{
	sqlite3_bind_blob(s, 1, t->guid, 16, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, t->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, t->iqn, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, t->description, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 5, t->enabled);
	sqlite3_bind_int(s, 6, t->chap_enabled);
	sqlite3_bind_text(s, 7, t->chap_user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, t->chap_secret, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 9, t->rchap_enabled);
	sqlite3_bind_text(s, 10, t->rchap_user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 11, t->rchap_secret, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 12, t->max_recv_dsl);
	sqlite3_bind_int64(s, 13, t->first_burst);
	sqlite3_bind_int64(s, 14, t->max_burst);
	sqlite3_bind_int64(s, 15, t->num_recv_buffers);
	sqlite3_bind_int(s, 16, t->enforce_idle_timeout);
	sqlite3_bind_int(s, 17, t->listen_all);
	sqlite3_bind_int64(s, 18, t->processor);
	sqlite3_bind_int64(s, 19, (sqlite3_int64)t->last_login);
	sqlite3_bind_int64(s, 20, t->status);
	sqlite3_bind_text(s, 21, t->resource_group, -1, SQLITE_TRANSIENT);
	if (t->tid > 0)
		sqlite3_bind_int(s, 22, t->tid);
	else
		sqlite3_bind_null(s, 22);
	sqlite3_bind_int(s, 23, (int)t->flags);
}

int state_target_add(struct state *st, struct state_target *t)
{
	sqlite3_stmt *s;
	int err = check_target(st, t);

	if (err < 0)
		return err;
	err = state_prepare(st,
		"INSERT INTO targets (guid, name, iqn, description, enabled, chap_enabled,"
		" chap_user, chap_secret, rchap_enabled, rchap_user, rchap_secret,"
		" max_recv_dsl, first_burst, max_burst, num_recv_buffers,"
		" enforce_idle_timeout, listen_all, processor, last_login, status,"
		" resource_group, tid, flags)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
		" ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)", &s);
	if (err < 0)
		return err;
	bind_target(s, t);
	err = state_step_done(st, s, "add target");
	if (err == -EEXIST)
		return state_fail(st, err, "cannot add target '%s': its name, IQN or tid is taken",
				  t->name);
	if (err < 0)
		return err;
	t->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int state_target_update(struct state *st, const struct state_target *t)
{
	sqlite3_stmt *s;
	int err = check_target(st, t);

	if (err < 0)
		return err;
	err = state_prepare(st,
		"UPDATE targets SET guid = ?1, name = ?2, iqn = ?3, description = ?4,"
		" enabled = ?5, chap_enabled = ?6, chap_user = ?7, chap_secret = ?8,"
		" rchap_enabled = ?9, rchap_user = ?10, rchap_secret = ?11,"
		" max_recv_dsl = ?12, first_burst = ?13, max_burst = ?14,"
		" num_recv_buffers = ?15, enforce_idle_timeout = ?16, listen_all = ?17,"
		" processor = ?18, last_login = ?19, status = ?20, resource_group = ?21,"
		" tid = ?22, flags = ?23 WHERE id = ?24", &s);
	if (err < 0)
		return err;
	bind_target(s, t);
	sqlite3_bind_int64(s, 24, t->id);
	err = state_step_done(st, s, "update target");
	if (err == -EEXIST)
		return state_fail(st, err, "cannot update target '%s': its name, IQN or tid is taken",
				  t->name);
	if (err < 0)
		return err;
	if (sqlite3_changes(st->db) == 0)
		return state_fail(st, -ENOENT, "cannot update target '%s': no such target",
				  t->name);
	return 0;
}

int state_target_save(struct state *st, struct state_target *t)
{
	unsigned flags = t->flags;
	int err;

	t->flags &= ~STATE_PENDING;
	err = state_target_update(st, t);
	if (err < 0)
		t->flags = flags;
	return err;
}

static int get_target(struct state *st, const char *where, sqlite3_stmt **sp)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT " TARGET_COLS " FROM targets WHERE %s", where);
	return state_prepare(st, sql, sp);
}

int state_target_get(struct state *st, int64_t id, struct state_target *out)
{
	sqlite3_stmt *s;
	char what[64];
	int err = get_target(st, "id = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, id);
	snprintf(what, sizeof(what), "with id %lld", (long long)id);
	return state_fetch_one(st, s, read_target, out, "target", what);
}

int state_target_get_by_name(struct state *st, const char *name, struct state_target *out)
{
	sqlite3_stmt *s;
	char what[STATE_NAME_MAX + 16];
	int err = get_target(st, "name = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_TRANSIENT);
	snprintf(what, sizeof(what), "named '%s'", name);
	return state_fetch_one(st, s, read_target, out, "target", what);
}

int state_target_get_by_iqn(struct state *st, const char *iqn, struct state_target *out)
{
	sqlite3_stmt *s;
	char what[STATE_IQN_MAX + 16];
	int err;

	if (!iqn[0])
		return state_fail(st, -EINVAL, "invalid target IQN: empty");
	err = get_target(st, "iqn = ?1 COLLATE NOCASE", &s);
	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, iqn, -1, SQLITE_TRANSIENT);
	snprintf(what, sizeof(what), "with IQN '%s'", iqn);
	return state_fetch_one(st, s, read_target, out, "target", what);
}

int state_target_delete(struct state *st, int64_t id)
{
	return state_delete_row(st, "DELETE FROM targets WHERE id = ?1", id, "target");
}

int state_target_next(struct state *st, struct state_cursor *cur, bool with_pending,
		      struct state_target *out, size_t max, size_t *n)
{
	return state_page(st, "SELECT " TARGET_COLS " FROM targets WHERE id > ?1"
			  " AND (?3 OR flags & 1 = 0) ORDER BY id LIMIT ?2", with_pending,
			  cur, read_target, out, sizeof(*out), max, n, "list targets");
}

int state_target_count(struct state *st, bool with_pending, size_t *n)
{
	return state_count_rows(st, "SELECT count(*) FROM targets WHERE ?1 OR flags & 1 = 0",
				with_pending, n);
}

int state_target_free_tid(struct state *st, const int *taken, size_t ntaken, int *tid)
{
	sqlite3_stmt *s;
	int want = 1, rc, err = state_prepare(st, "SELECT tid FROM targets WHERE tid IS NOT NULL"
					     " ORDER BY tid", &s);

	if (err < 0)
		return err;
	/* walk the store's tids in order; skip past TAKEN ones at each step */
	for (;;) {
		bool bumped = false;

		for (size_t i = 0; i < ntaken; i++)
			if (taken[i] == want) {
				want++;
				bumped = true;
			}
		if (bumped)
			continue;
		rc = sqlite3_step(s);
		if (rc != SQLITE_ROW)
			break;
		if (sqlite3_column_int(s, 0) == want)
			want++;
		else if (sqlite3_column_int(s, 0) > want)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "find a free tid");
	sqlite3_finalize(s);
	if (err < 0)
		return err;
	if (want <= 0)
		return state_fail(st, -ENOSPC, "cannot find a free tgt target id");
	*tid = want;
	return 0;
}

/* --- identification methods --------------------------------------------- */

static int check_id(struct state *st, const struct state_id *id)
{
	if (id->method < STATE_ID_NETBIOS || id->method > STATE_ID_IPV6)
		return state_fail(st, -EINVAL, "invalid identification method %d", (int)id->method);
	if (!id->value[0])
		return state_fail(st, -EINVAL, "invalid identification value: empty");
	return state_check_text(st, "identification value", id->value, STATE_TEXT_MAX);
}

int state_target_add_id(struct state *st, int64_t target, const struct state_id *id)
{
	sqlite3_stmt *s;
	int err = check_id(st, id);

	if (err < 0)
		return err;
	err = state_prepare(st, "INSERT INTO target_ids (target_id, method, value)"
			    " VALUES (?1, ?2, ?3)", &s);
	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	sqlite3_bind_int(s, 2, (int)id->method);
	sqlite3_bind_text(s, 3, id->value, -1, SQLITE_TRANSIENT);
	err = state_step_done(st, s, "add identification method");
	if (err == -EEXIST)
		return state_fail(st, err, "cannot add identification '%s': already present",
				  id->value);
	if (err == -EBUSY)
		return state_fail(st, -ENOENT, "cannot add identification '%s': no target %lld",
				  id->value, (long long)target);
	return err;
}

int state_target_remove_id(struct state *st, int64_t target, const struct state_id *id)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "DELETE FROM target_ids WHERE target_id = ?1"
				" AND method = ?2 AND value = ?3", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	sqlite3_bind_int(s, 2, (int)id->method);
	sqlite3_bind_text(s, 3, id->value, -1, SQLITE_TRANSIENT);
	err = state_step_done(st, s, "remove identification method");
	if (err < 0)
		return err;
	if (sqlite3_changes(st->db) == 0)
		return state_fail(st, -ENOENT, "cannot remove identification '%s': not present",
				  id->value);
	return 0;
}

int state_target_remove_all_ids(struct state *st, int64_t target)
{
	return state_exec_id(st, "DELETE FROM target_ids WHERE target_id = ?1", target,
			     "remove identification methods");
}

static void read_id(sqlite3_stmt *s, void *p)
{
	struct state_id *id = p;

	id->method = (enum state_id_method)sqlite3_column_int(s, 0);
	state_col_text(s, 1, id->value, sizeof(id->value));
}

int state_target_list_ids(struct state *st, int64_t target, struct state_id **out, size_t *n)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT method, value FROM target_ids"
				" WHERE target_id = ?1 ORDER BY seq", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	return state_collect(st, s, sizeof(**out), read_id, (void **)out, n,
		       "list identification methods");
}

/* --- LUN mappings ----------------------------------------------------------- */

int state_lun_map(struct state *st, int64_t target, int64_t wtd, uint32_t lun)
{
	struct state_disk_usage u;
	sqlite3_stmt *s;
	int err;

	if (lun > 254)
		return state_fail(st, -EINVAL, "invalid LUN %u: above 254", lun);
	err = state_begin(st);
	if (err < 0)
		return err;
	/* the base rule: a parent of differencing disks is served read-only */
	err = state_disk_usage(st, wtd, &u);
	if (err == 0 && u.children && !u.read_only)
		err = state_fail(st, -EBUSY, "cannot assign disk %lld writable: it is the parent "
				 "of %zu differencing disk(s)", (long long)wtd, u.children);
	if (err == -ENOENT)
		err = 0; /* the insert's foreign key reports it with the target */
	if (err == 0)
		err = state_prepare(st, "INSERT INTO lun_mappings (target_id, wtd, lun)"
				    " VALUES (?1, ?2, ?3)", &s);
	if (err < 0) {
		state_rollback(st);
		return err;
	}
	sqlite3_bind_int64(s, 1, target);
	sqlite3_bind_int64(s, 2, wtd);
	sqlite3_bind_int64(s, 3, lun);
	err = state_step_done(st, s, "map LUN");
	if (err == -EEXIST)
		err = state_fail(st, err, "cannot map disk %lld at LUN %u of target %lld: "
				 "the LUN is taken or the disk is already mapped there",
				 (long long)wtd, lun, (long long)target);
	if (err == -EBUSY)
		err = state_fail(st, -ENOENT, "cannot map disk %lld at LUN %u of target %lld: "
				 "no such target or disk", (long long)wtd, lun, (long long)target);
	if (err < 0) {
		state_rollback(st);
		return err;
	}
	return state_commit(st);
}

int state_lun_unmap(struct state *st, int64_t target, int64_t wtd)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "DELETE FROM lun_mappings WHERE target_id = ?1"
				" AND wtd = ?2", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	sqlite3_bind_int64(s, 2, wtd);
	err = state_step_done(st, s, "unmap LUN");
	if (err < 0)
		return err;
	if (sqlite3_changes(st->db) == 0)
		return state_fail(st, -ENOENT, "cannot unmap disk %lld from target %lld: not mapped",
				  (long long)wtd, (long long)target);
	return 0;
}

int state_lun_unmap_all(struct state *st, int64_t target)
{
	return state_exec_id(st, "DELETE FROM lun_mappings WHERE target_id = ?1", target,
			     "unmap LUNs");
}

int state_lun_free(struct state *st, int64_t target, uint32_t *lun)
{
	sqlite3_stmt *s;
	uint32_t want = 0;
	int err = state_prepare(st, "SELECT lun FROM lun_mappings WHERE target_id = ?1"
				" ORDER BY lun", &s);
	int rc;

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((uint32_t)sqlite3_column_int64(s, 0) != want)
			break;
		want++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "find a free LUN");
	sqlite3_finalize(s);
	if (err < 0)
		return err;
	if (want > 254)
		return state_fail(st, -ENOSPC, "cannot map another disk to target %lld: "
				  "all 255 LUNs are taken", (long long)target);
	*lun = want;
	return 0;
}

static void read_lun(sqlite3_stmt *s, void *p)
{
	struct state_lun_mapping *m = p;

	m->lun = (uint32_t)sqlite3_column_int64(s, 0);
	m->wtd = sqlite3_column_int64(s, 1);
}

int state_lun_list(struct state *st, int64_t target, struct state_lun_mapping **out, size_t *n)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT lun, wtd FROM lun_mappings WHERE target_id = ?1"
				" ORDER BY lun", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	return state_collect(st, s, sizeof(**out), read_lun, (void **)out, n, "list LUN mappings");
}

int state_lun_count_for_disk(struct state *st, int64_t wtd, size_t *n)
{
	return state_count_rows(st, "SELECT count(*) FROM lun_mappings WHERE wtd = ?1", wtd, n);
}

int state_lun_list_for_disk(struct state *st, int64_t wtd, struct state_lun_mapping **out,
			    size_t *n)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT lun, target_id FROM lun_mappings WHERE wtd = ?1"
				" ORDER BY target_id", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, wtd);
	return state_collect(st, s, sizeof(**out), read_lun, (void **)out, n,
			     "list the targets of a disk");
}

/* --- portals ------------------------------------------------------------ */

#define PORTAL_COLS "id, guid, address, port, listen, secure, valid"

static void read_portal(sqlite3_stmt *s, void *v)
{
	struct state_portal *p = v;

	memset(p, 0, sizeof(*p));
	p->id = sqlite3_column_int64(s, 0);
	state_col_guid(s, 1, p->guid);
	state_col_text(s, 2, p->address, sizeof(p->address));
	p->port = (uint32_t)sqlite3_column_int64(s, 3);
	p->listen = sqlite3_column_int(s, 4) != 0;
	p->for_targets = sqlite3_column_int(s, 4) == STATE_PORTAL_FOR_TARGETS;
	p->secure = sqlite3_column_int(s, 5) != 0;
	p->valid = sqlite3_column_int(s, 6) != 0;
}

/* The listen column: 0 closed, 1 the server's (SetPortalConfig), 2 open
 * for the targets that name it only. */
static int listen_value(bool listen, bool for_targets)
{
	return !listen ? 0 : for_targets ? STATE_PORTAL_FOR_TARGETS : 1;
}

int state_portal_add(struct state *st, struct state_portal *p)
{
	sqlite3_stmt *s;
	int err = state_check_text(st, "portal address", p->address, 127);

	if (err < 0)
		return err;
	err = state_prepare(st, "INSERT INTO portals (guid, address, port, listen, secure, valid)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", &s);
	if (err < 0)
		return err;
	sqlite3_bind_blob(s, 1, p->guid, 16, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, p->address, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, p->port);
	sqlite3_bind_int(s, 4, listen_value(p->listen, p->for_targets));
	sqlite3_bind_int(s, 5, p->secure);
	sqlite3_bind_int(s, 6, p->valid);
	err = state_step_done(st, s, "add portal");
	if (err == -EEXIST)
		return state_fail(st, err, "cannot add portal '%s:%u': already present",
				  p->address, p->port);
	if (err == -EINVAL)
		return state_fail(st, err, "invalid portal '%s:%u'", p->address, p->port);
	if (err < 0)
		return err;
	p->id = sqlite3_last_insert_rowid(st->db);
	return 0;
}

int state_portal_delete(struct state *st, int64_t id)
{
	return state_delete_row(st, "DELETE FROM portals WHERE id = ?1", id, "portal");
}

int state_portal_set_listen(struct state *st, int64_t id, bool listen, bool for_targets)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "UPDATE portals SET listen = ?2 WHERE id = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, listen_value(listen, for_targets));
	err = state_step_done(st, s, "change portal");
	if (err < 0)
		return err;
	if (sqlite3_changes(st->db) == 0)
		return state_fail(st, -ENOENT, "cannot change portal %lld: no such portal",
				  (long long)id);
	return 0;
}

int state_portal_count_targets(struct state *st, int64_t id, unsigned *n)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT count(*) FROM target_portals WHERE portal_id = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = (unsigned)sqlite3_column_int64(s, 0);
	else
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "count portal's targets");
	sqlite3_finalize(s);
	return err;
}

int state_portal_next(struct state *st, struct state_cursor *cur,
		      struct state_portal *out, size_t max, size_t *n)
{
	return state_page(st, "SELECT " PORTAL_COLS " FROM portals WHERE id > ?1"
			  " ORDER BY id LIMIT ?2", 0, cur, read_portal, out, sizeof(*out),
			  max, n, "list portals");
}

int state_target_add_portal(struct state *st, int64_t target, int64_t portal)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "INSERT INTO target_portals (target_id, portal_id)"
				" VALUES (?1, ?2)", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	sqlite3_bind_int64(s, 2, portal);
	err = state_step_done(st, s, "add portal to target");
	if (err == -EEXIST)
		return state_fail(st, err, "cannot add portal %lld to target %lld: already there",
				  (long long)portal, (long long)target);
	if (err == -EBUSY)
		return state_fail(st, -ENOENT, "cannot add portal %lld to target %lld: "
				  "no such portal or target", (long long)portal, (long long)target);
	return err;
}

int state_target_remove_portal(struct state *st, int64_t target, int64_t portal)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "DELETE FROM target_portals WHERE target_id = ?1"
				" AND portal_id = ?2", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	sqlite3_bind_int64(s, 2, portal);
	err = state_step_done(st, s, "remove portal from target");
	if (err < 0)
		return err;
	if (sqlite3_changes(st->db) == 0)
		return state_fail(st, -ENOENT, "cannot remove portal %lld from target %lld: "
				  "not there", (long long)portal, (long long)target);
	return 0;
}

int state_target_remove_all_portals(struct state *st, int64_t target)
{
	return state_exec_id(st, "DELETE FROM target_portals WHERE target_id = ?1", target,
			     "remove portals from target");
}

int state_target_list_portals(struct state *st, int64_t target,
			      struct state_portal **out, size_t *n)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT p.id, p.guid, p.address, p.port, p.listen,"
				" p.secure, p.valid FROM portals p JOIN target_portals tp"
				" ON tp.portal_id = p.id WHERE tp.target_id = ?1 ORDER BY p.id", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, target);
	return state_collect(st, s, sizeof(**out), read_portal, (void **)out, n, "list portals");
}
