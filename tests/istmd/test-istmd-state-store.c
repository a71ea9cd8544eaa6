/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-state-store.c: the state store's API on a real SQLite file:
 * durability settings, CRUD and constraints of every collection,
 * placeholders, transactions, migrations, and enumeration over 250 rows
 * with Next/Skip/Reset/Clone-style cursors.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "parent/state/state.h"

static char dir[PATH_MAX];
static struct state *st;

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/istmd-state-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(state_open(dir, &st), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	state_close(st);
	st = NULL;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void reopen(void)
{
	state_close(st);
	ck_assert_int_eq(state_open(dir, &st), 0);
}

static struct state_target new_target(const char *name, const char *iqn)
{
	struct state_target t;

	state_target_init(&t, name);
	snprintf(t.iqn, sizeof(t.iqn), "%s", iqn);
	return t;
}

/* Read one PRAGMA through a second connection, as another process would. */
static int pragma_int(const char *sql)
{
	char path[PATH_MAX + 16];
	sqlite3 *db;
	sqlite3_stmt *s;
	int v = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_DB_NAME);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

START_TEST(test_open_settings)
{
	char path[PATH_MAX + 16];
	struct stat sb;

	ck_assert_int_eq(pragma_int("PRAGMA user_version"), STATE_SCHEMA_VERSION);
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_DB_NAME);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	snprintf(path, sizeof(path), "%s/%s-wal", dir, STATE_DB_NAME);
	ck_assert_int_eq(access(path, F_OK), 0); /* WAL mode is on */
	ck_assert_int_eq(state_check(st), 0);
	reopen();
	ck_assert_int_eq(state_check(st), 0);
}
END_TEST

START_TEST(test_target_crud)
{
	struct state_target t = new_target("DatabaseTarget", "iqn.1991-05.com.example:db");
	struct state_target u, got;
	struct state_id id = { STATE_ID_IQN, "iqn.1991-05.com.microsoft:host1" };
	struct state_id *ids;
	size_t n;

	snprintf(t.chap_user, sizeof(t.chap_user), "chapuser");
	snprintf(t.chap_secret, sizeof(t.chap_secret), "Sup3rSecretChap");
	t.chap_enabled = true;
	ck_assert_int_eq(state_target_add(st, &t), 0);
	ck_assert_int_gt(t.id, 0);

	/* names are unique regardless of case, like Windows */
	u = new_target("databasetarget", "iqn.1991-05.com.example:other");
	ck_assert_int_eq(state_target_add(st, &u), -EEXIST);
	ck_assert_ptr_null(strstr(state_errmsg(st), "Sup3rSecretChap"));
	u = new_target("Other", "IQN.1991-05.com.example:DB");
	ck_assert_int_eq(state_target_add(st, &u), -EEXIST);
	u = new_target("", "iqn.x:y");
	ck_assert_int_eq(state_target_add(st, &u), -EINVAL);

	ck_assert_int_eq(state_target_get_by_name(st, "DATABASETARGET", &got), 0);
	ck_assert_int_eq(got.id, t.id);
	ck_assert_str_eq(got.chap_secret, "Sup3rSecretChap");
	ck_assert(got.chap_enabled && got.enabled);
	ck_assert_mem_eq(got.guid, t.guid, 16);
	ck_assert_int_eq(state_target_get_by_iqn(st, "iqn.1991-05.com.example:db", &got), 0);
	ck_assert_int_eq(state_target_get_by_name(st, "nope", &got), -ENOENT);

	got.max_burst = 131072;
	got.last_login = 133000000000000000ull;
	snprintf(got.description, sizeof(got.description), "ISTM Test target");
	got.tid = 7;
	ck_assert_int_eq(state_target_update(st, &got), 0);
	reopen();
	ck_assert_int_eq(state_target_get(st, t.id, &got), 0);
	ck_assert_int_eq(got.max_burst, 131072);
	ck_assert_uint_eq(got.last_login, 133000000000000000ull);
	ck_assert_str_eq(got.description, "ISTM Test target");
	ck_assert_int_eq(got.tid, 7);

	ck_assert_int_eq(state_target_add_id(st, t.id, &id), 0);
	ck_assert_int_eq(state_target_add_id(st, t.id, &id), -EEXIST);
	ck_assert_int_eq(state_target_add_id(st, 999, &id), -ENOENT);
	id.method = STATE_ID_IP;
	snprintf(id.value, sizeof(id.value), "127.0.0.1");
	ck_assert_int_eq(state_target_add_id(st, t.id, &id), 0);
	id.method = 42;
	ck_assert_int_eq(state_target_add_id(st, t.id, &id), -EINVAL);
	ck_assert_int_eq(state_target_list_ids(st, t.id, &ids, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(ids[0].method, STATE_ID_IQN);
	ck_assert_str_eq(ids[1].value, "127.0.0.1");
	free(ids);
	id.method = STATE_ID_IP;
	ck_assert_int_eq(state_target_remove_id(st, t.id, &id), 0);
	ck_assert_int_eq(state_target_remove_id(st, t.id, &id), -ENOENT);

	ck_assert_int_eq(state_target_delete(st, t.id), 0);
	ck_assert_int_eq(state_target_delete(st, t.id), -ENOENT);
	ck_assert_int_eq(state_target_list_ids(st, t.id, &ids, &n), 0);
	ck_assert_uint_eq(n, 0); /* cascaded */
	free(ids);
	ck_assert_int_eq(state_check(st), 0);
}
END_TEST

START_TEST(test_disks_and_luns)
{
	struct state_disk base, child, got;
	struct state_target t = new_target("T1", "iqn.2026-11.test:t1");
	struct state_lun_mapping *m;
	uint32_t lun;
	size_t n;

	state_disk_init(&base, "/srv/iscsi/base.vhd");
	base.size = 1 << 30;
	ck_assert_int_eq(state_disk_add(st, &base), 0);
	ck_assert_int_eq(base.wtd, 0); /* first index is 0, as on Windows */
	state_disk_init(&child, "/srv/iscsi/child.vhd");
	child.vhd_type = STATE_VHD_DIFF;
	child.parent_wtd = base.wtd;
	ck_assert_int_eq(state_disk_add(st, &child), 0);
	ck_assert_int_eq(child.wtd, 1);

	state_disk_init(&got, "/srv/iscsi/base.vhd");
	ck_assert_int_eq(state_disk_add(st, &got), -EEXIST); /* same path */
	state_disk_init(&got, "relative.vhd");
	ck_assert_int_eq(state_disk_add(st, &got), -EINVAL);
	state_disk_init(&got, "/srv/iscsi/orphan.vhd");
	got.parent_wtd = 77;
	ck_assert_int_eq(state_disk_add(st, &got), -ENOENT);

	ck_assert_int_eq(state_disk_delete(st, base.wtd), -EBUSY); /* a parent */
	ck_assert_int_eq(state_disk_count_children(st, base.wtd, &n), 0);
	ck_assert_uint_eq(n, 1);

	ck_assert_int_eq(state_target_add(st, &t), 0);
	ck_assert_int_eq(state_lun_free(st, t.id, &lun), 0);
	ck_assert_uint_eq(lun, 0);
	ck_assert_int_eq(state_lun_map(st, t.id, child.wtd, 0), 0);
	ck_assert_int_eq(state_lun_map(st, t.id, child.wtd, 1), -EEXIST); /* disk twice */
	ck_assert_int_eq(state_lun_map(st, t.id, base.wtd, 0), -EBUSY);   /* a writable parent */
	state_disk_init(&got, "/srv/iscsi/other.vhd");
	ck_assert_int_eq(state_disk_add(st, &got), 0);
	ck_assert_int_eq(state_lun_map(st, t.id, got.wtd, 0), -EEXIST);   /* LUN taken */
	ck_assert_int_eq(state_disk_delete(st, got.wtd), 0);
	ck_assert_int_eq(state_lun_map(st, t.id, 55, 3), -ENOENT);
	ck_assert_int_eq(state_lun_map(st, t.id, base.wtd, 255), -EINVAL);
	ck_assert_int_eq(state_lun_free(st, t.id, &lun), 0);
	ck_assert_uint_eq(lun, 1);
	ck_assert_int_eq(state_lun_list(st, t.id, &m, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(m[0].wtd, child.wtd);
	free(m);
	ck_assert_int_eq(state_disk_delete(st, child.wtd), -EBUSY); /* mapped */
	ck_assert_int_eq(state_lun_count_for_disk(st, child.wtd, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(state_lun_list_for_disk(st, child.wtd, &m, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(m[0].wtd, t.id); /* the target id */
	ck_assert_uint_eq(m[0].lun, 0);
	free(m);
	ck_assert_int_eq(state_lun_unmap(st, t.id, child.wtd), 0);
	ck_assert_int_eq(state_lun_unmap(st, t.id, child.wtd), -ENOENT);
	ck_assert_int_eq(state_disk_delete(st, child.wtd), 0);
	ck_assert_int_eq(state_disk_delete(st, base.wtd), 0);

	/* indexes are never reused (2 went to other.vhd, deleted above) */
	state_disk_init(&got, "/srv/iscsi/new.vhd");
	ck_assert_int_eq(state_disk_add(st, &got), 0);
	ck_assert_int_eq(got.wtd, 3);
	reopen();
	state_disk_init(&got, "/srv/iscsi/new2.vhd");
	ck_assert_int_eq(state_disk_add(st, &got), 0);
	ck_assert_int_eq(got.wtd, 4);
	ck_assert_int_eq(state_disk_get_by_path(st, "/srv/iscsi/new.vhd", &child), 0);
	ck_assert_int_eq(child.wtd, 3);
	ck_assert_int_eq((int)strlen(child.serial), 16);
	ck_assert_str_ne(child.serial, got.serial);
	child.read_only = true;
	child.size = 5ull << 40;
	ck_assert_int_eq(state_disk_update(st, &child), 0);
	ck_assert_int_eq(state_disk_get(st, 3, &got), 0);
	ck_assert(got.read_only);
	ck_assert_uint_eq(got.size, 5ull << 40);
	ck_assert_int_eq(state_disk_get(st, 0, &got), -ENOENT);
	ck_assert_int_eq(state_check(st), 0);
}
END_TEST

START_TEST(test_base_rule)
{
	struct state_disk base, child, got;
	struct state_target t = new_target("Boot", "iqn.2026-11.test:boot");
	struct state_disk_usage u;

	ck_assert_int_eq(state_target_add(st, &t), 0);
	state_disk_init(&base, "/srv/iscsi/base.vhd");
	ck_assert_int_eq(state_disk_add(st, &base), 0);
	/* mapped writable: no child may be made under it */
	ck_assert_int_eq(state_lun_map(st, t.id, base.wtd, 0), 0);
	state_disk_init(&child, "/srv/iscsi/c1.vhd");
	child.parent_wtd = base.wtd;
	ck_assert_int_eq(state_disk_add(st, &child), -EBUSY);
	ck_assert_ptr_nonnull(strstr(state_errmsg(st), "writable"));
	ck_assert_int_eq(state_lun_unmap(st, t.id, base.wtd), 0);
	ck_assert_int_eq(state_disk_add(st, &child), 0);
	/* a parent is assigned read-only or not at all */
	ck_assert_int_eq(state_lun_map(st, t.id, base.wtd, 0), -EBUSY);
	ck_assert_int_eq(state_disk_usage(st, base.wtd, &u), 0);
	ck_assert_uint_eq(u.children, 1);
	ck_assert_uint_eq(u.mappings, 0);
	ck_assert_int_eq(state_disk_get(st, base.wtd, &got), 0);
	got.read_only = true;
	ck_assert_int_eq(state_disk_update(st, &got), 0);
	ck_assert_int_eq(state_lun_map(st, t.id, base.wtd, 0), 0);
	/* and cannot be made writable while mapped */
	got.read_only = false;
	ck_assert_int_eq(state_disk_update(st, &got), -EBUSY);
	ck_assert_int_eq(state_disk_get(st, base.wtd, &got), 0);
	ck_assert(got.read_only);
	/* a second child under a parent mapped read-only is fine */
	state_disk_init(&child, "/srv/iscsi/c2.vhd");
	child.parent_wtd = base.wtd;
	ck_assert_int_eq(state_disk_add(st, &child), 0);
	ck_assert_int_eq(state_disk_delete(st, base.wtd), -EBUSY);
	ck_assert_int_eq(state_disk_usage(st, 999, &u), -ENOENT);
}
END_TEST

START_TEST(test_free_tid)
{
	struct state_target a = new_target("A", "iqn.2026-11.test:a");
	struct state_target b = new_target("B", "iqn.2026-11.test:b");
	int taken[] = { 1, 4 }, tid;

	ck_assert_int_eq(state_target_free_tid(st, NULL, 0, &tid), 0);
	ck_assert_int_eq(tid, 1);
	ck_assert_int_eq(state_target_free_tid(st, taken, 2, &tid), 0);
	ck_assert_int_eq(tid, 2);
	a.tid = 2;
	b.tid = 3;
	ck_assert_int_eq(state_target_add(st, &a), 0);
	ck_assert_int_eq(state_target_add(st, &b), 0);
	ck_assert_int_eq(state_target_free_tid(st, taken, 2, &tid), 0);
	ck_assert_int_eq(tid, 5); /* 1 and 4 taken in tgtd, 2 and 3 in the store */
	ck_assert_int_eq(state_target_free_tid(st, NULL, 0, &tid), 0);
	ck_assert_int_eq(tid, 1);
	b.id = 0;
	b = new_target("C", "iqn.2026-11.test:c");
	b.tid = 2;
	ck_assert_int_eq(state_target_add(st, &b), -EEXIST); /* tid unique */
}
END_TEST

START_TEST(test_placeholders)
{
	struct state_target t = new_target("Pending", "iqn.2026-11.test:pending");
	struct state_target other = new_target("PENDING", "iqn.2026-11.test:p2");
	struct state_disk d;
	struct state_cursor cur = STATE_CURSOR_INIT;
	size_t n;

	t.flags = STATE_PENDING;
	ck_assert_int_eq(state_target_add(st, &t), 0);
	/* the placeholder reserves its name */
	ck_assert_int_eq(state_target_add(st, &other), -EEXIST);
	ck_assert_int_eq(state_target_count(st, false, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(state_target_count(st, true, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(state_target_next(st, &cur, false, NULL, 10, &n), 0);
	ck_assert_uint_eq(n, 0);

	state_disk_init(&d, "/srv/iscsi/p.vhd");
	d.flags = STATE_PENDING;
	ck_assert_int_eq(state_disk_add(st, &d), 0);

	/* a restart drops placeholders */
	reopen();
	ck_assert_int_eq(state_target_count(st, true, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(state_disk_count(st, true, &n), 0);
	ck_assert_uint_eq(n, 0);

	/* Save makes it real */
	ck_assert_int_eq(state_target_add(st, &t), 0);
	snprintf(t.description, sizeof(t.description), "ISTM Test target");
	ck_assert_int_eq(state_target_save(st, &t), 0);
	ck_assert_uint_eq(t.flags & STATE_PENDING, 0);
	reopen();
	ck_assert_int_eq(state_target_get_by_name(st, "Pending", &other), 0);
	ck_assert_str_eq(other.description, "ISTM Test target");
}
END_TEST

START_TEST(test_transactions)
{
	struct state_target t = new_target("A", "iqn.2026-11.test:a");
	struct state_target u = new_target("B", "iqn.2026-11.test:b");
	size_t n;

	ck_assert_int_eq(state_begin(st), 0);
	ck_assert_int_eq(state_target_add(st, &t), 0);
	ck_assert_int_eq(state_begin(st), 0); /* nested */
	ck_assert_int_eq(state_target_add(st, &u), 0);
	ck_assert_int_eq(state_commit(st), 0);
	state_rollback(st);
	ck_assert_int_eq(state_target_count(st, true, &n), 0);
	ck_assert_uint_eq(n, 0);

	/* an inner rollback undoes only the inner part */
	ck_assert_int_eq(state_begin(st), 0);
	ck_assert_int_eq(state_target_add(st, &t), 0);
	ck_assert_int_eq(state_begin(st), 0);
	ck_assert_int_eq(state_target_add(st, &u), 0);
	state_rollback(st);
	ck_assert_int_eq(state_commit(st), 0);
	ck_assert_int_eq(state_target_count(st, true, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(state_target_delete(st, t.id), 0);
	/* a failing call inside a transaction leaves the rest of it alone */
	ck_assert_int_eq(state_begin(st), 0);
	ck_assert_int_eq(state_target_add(st, &t), 0);
	{
		struct state_disk d;

		state_disk_init(&d, "/srv/x.vhd");
		ck_assert_int_eq(state_disk_add(st, &d), 0);
		state_disk_init(&d, "/srv/x.vhd");
		ck_assert_int_eq(state_disk_add(st, &d), -EEXIST);
	}
	ck_assert_int_eq(state_commit(st), 0);
	ck_assert_int_eq(state_target_count(st, true, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(state_disk_count(st, true, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(state_target_delete(st, t.id), 0);

	t.id = u.id = 0;
	ck_assert_int_eq(state_begin(st), 0);
	ck_assert_int_eq(state_target_add(st, &t), 0);
	ck_assert_int_eq(state_target_add(st, &u), 0);
	ck_assert_int_eq(state_commit(st), 0);
	ck_assert_int_eq(state_commit(st), -EINVAL);
	reopen();
	ck_assert_int_eq(state_target_count(st, false, &n), 0);
	ck_assert_uint_eq(n, 2);
}
END_TEST

/* Next in batches of BATCH must return every id in order exactly once. */
static void walk(size_t batch, size_t total, const int64_t *ids)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_target *out = calloc(batch, sizeof(*out));
	size_t seen = 0, n;

	ck_assert_ptr_nonnull(out);
	do {
		ck_assert_int_eq(state_target_next(st, &cur, false, out, batch, &n), 0);
		ck_assert_uint_le(n, batch);
		for (size_t i = 0; i < n; i++)
			ck_assert_int_eq(out[i].id, ids[seen + i]);
		seen += n;
	} while (n == batch);
	ck_assert_uint_eq(seen, total);
	free(out);
}

START_TEST(test_enumeration)
{
	enum { TOTAL = 250 };
	int64_t ids[TOTAL];
	struct state_cursor cur = STATE_CURSOR_INIT, clone;
	struct state_target a[3], b[3];
	struct state_disk disks[40];
	size_t n;

	ck_assert_int_eq(state_begin(st), 0);
	for (int i = 0; i < TOTAL; i++) {
		char name[32], iqn[64];
		struct state_target t;
		struct state_disk d;

		snprintf(name, sizeof(name), "target%03d", i);
		snprintf(iqn, sizeof(iqn), "iqn.2026-11.test:t%03d", i);
		t = new_target(name, iqn);
		ck_assert_int_eq(state_target_add(st, &t), 0);
		ids[i] = t.id;
		snprintf(name, sizeof(name), "/srv/d%03d.vhd", i);
		state_disk_init(&d, name);
		ck_assert_int_eq(state_disk_add(st, &d), 0);
	}
	ck_assert_int_eq(state_commit(st), 0);

	walk(1, TOTAL, ids);
	walk(7, TOTAL, ids);
	walk(100, TOTAL, ids);
	walk(TOTAL, TOTAL, ids);
	walk(1000, TOTAL, ids);

	/* Skip 10, Clone, both continue identically */
	ck_assert_int_eq(state_target_next(st, &cur, false, NULL, 10, &n), 0);
	ck_assert_uint_eq(n, 10);
	clone = cur;
	ck_assert_int_eq(state_target_next(st, &cur, false, a, 3, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(state_target_next(st, &clone, false, b, 3, &n), 0);
	ck_assert_uint_eq(n, 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(a[i].id, ids[10 + i]);
		ck_assert_int_eq(b[i].id, a[i].id);
	}
	/* a row deleted ahead of the cursor is not returned, no row repeats */
	ck_assert_int_eq(state_target_delete(st, ids[13]), 0);
	ck_assert_int_eq(state_target_next(st, &cur, false, a, 1, &n), 0);
	ck_assert_int_eq(a[0].id, ids[14]);
	/* skip past the end: fewer than asked (S_FALSE) */
	ck_assert_int_eq(state_target_next(st, &cur, false, NULL, 1000, &n), 0);
	ck_assert_uint_eq(n, TOTAL - 15);
	ck_assert_int_eq(state_target_next(st, &cur, false, a, 3, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* Reset */
	cur = (struct state_cursor)STATE_CURSOR_INIT;
	ck_assert_int_eq(state_target_next(st, &cur, false, a, 1, &n), 0);
	ck_assert_int_eq(a[0].id, ids[0]);

	cur = (struct state_cursor)STATE_CURSOR_INIT;
	ck_assert_int_eq(state_disk_next(st, &cur, false, disks, 40, &n), 0);
	ck_assert_uint_eq(n, 40);
	for (int i = 0; i < 40; i++)
		ck_assert_int_eq(disks[i].wtd, i);
	ck_assert_int_eq(state_disk_count(st, false, &n), 0);
	ck_assert_uint_eq(n, TOTAL);
}
END_TEST

START_TEST(test_portals_initiators_settings)
{
	struct state_portal p = { .address = "127.0.0.1", .port = 3260, .listen = true, .valid = true };
	struct state_portal q = p, *list;
	struct state_target t = new_target("T", "iqn.2026-11.test:t");
	struct state_initiator ini[4];
	struct state_cursor cur = STATE_CURSOR_INIT;
	char buf[64];
	size_t n;

	ck_assert_int_eq(state_new_guid(p.guid), 0);
	ck_assert_int_eq(state_portal_add(st, &p), 0);
	ck_assert_int_eq(state_new_guid(q.guid), 0);
	ck_assert_int_eq(state_portal_add(st, &q), -EEXIST);
	q.port = 0;
	ck_assert_int_eq(state_portal_add(st, &q), -EINVAL);
	ck_assert_int_eq(state_target_add(st, &t), 0);
	ck_assert_int_eq(state_target_add_portal(st, t.id, p.id), 0);
	ck_assert_int_eq(state_target_add_portal(st, t.id, p.id), -EEXIST);
	ck_assert_int_eq(state_target_list_portals(st, t.id, &list, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(list[0].address, "127.0.0.1");
	ck_assert_uint_eq(list[0].port, 3260);
	free(list);
	{
		/* who keeps it open changes in place: the target keeps naming it */
		struct state_cursor pc = STATE_CURSOR_INIT;
		struct state_portal row;
		unsigned users = 9;

		ck_assert_int_eq(state_portal_set_listen(st, p.id, true, true), 0);
		ck_assert_int_eq(state_portal_next(st, &pc, &row, 1, &n), 0);
		ck_assert(row.listen && row.for_targets);
		ck_assert_int_eq(state_portal_count_targets(st, p.id, &users), 0);
		ck_assert_uint_eq(users, 1);
		ck_assert_int_eq(state_target_remove_all_portals(st, t.id), 0);
		ck_assert_int_eq(state_portal_count_targets(st, p.id, &users), 0);
		ck_assert_uint_eq(users, 0);
		ck_assert_int_eq(state_portal_set_listen(st, p.id, false, false), 0);
		pc = (struct state_cursor)STATE_CURSOR_INIT;
		ck_assert_int_eq(state_portal_next(st, &pc, &row, 1, &n), 0);
		ck_assert(!row.listen && !row.for_targets);
		ck_assert_int_eq(state_portal_set_listen(st, p.id + 100, true, false), -ENOENT);
		ck_assert_int_eq(state_target_add_portal(st, t.id, p.id), 0);
	}
	ck_assert_int_eq(state_portal_delete(st, p.id), 0);
	ck_assert_int_eq(state_target_list_portals(st, t.id, &list, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(list);

	ck_assert_int_eq(state_initiator_seen(st, "iqn.a", 100), 0);
	ck_assert_int_eq(state_initiator_seen(st, "iqn.b", 200), 0);
	ck_assert_int_eq(state_initiator_seen(st, "iqn.a", 50), 0);  /* never backwards */
	ck_assert_int_eq(state_initiator_seen(st, "iqn.a", 300), 0);
	ck_assert_int_eq(state_initiator_seen(st, "", 300), -EINVAL);
	ck_assert_int_eq(state_initiator_next(st, &cur, ini, 4, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(ini[0].iqn, "iqn.a");
	ck_assert_uint_eq(ini[0].last_login, 300);

	ck_assert_int_eq(state_setting_get(st, "server_guid", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(state_setting_set(st, "server_guid", "abc"), 0);
	ck_assert_int_eq(state_setting_set(st, "server_guid", "def"), 0);
	reopen();
	ck_assert_int_eq(state_setting_get(st, "server_guid", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "def");
	ck_assert_int_eq(state_setting_get(st, "server_guid", buf, 3), -ERANGE);
	ck_assert_int_eq(state_setting_delete(st, "server_guid"), 0);
	ck_assert_int_eq(state_setting_delete(st, "server_guid"), -ENOENT);
}
END_TEST

START_TEST(test_newer_schema_refused)
{
	char path[PATH_MAX + 16];
	sqlite3 *db;

	state_close(st);
	st = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_DB_NAME);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(state_open(dir, &st), -EPROTO);
	ck_assert_ptr_nonnull(strstr(state_errmsg(st), "newer"));
}
END_TEST

/* Schema 4 gives every disk a SCSI designator: a store of schema 3 (made
 * here by removing the column) gets for each disk the one
 * state_disk_scsi_id() makes from its GUID, and new disks differ. */
START_TEST(test_scsi_id_migrated)
{
	struct state_disk a, b, got;
	char path[PATH_MAX + 16], want[STATE_SCSI_ID_MAX + 1];
	sqlite3 *db;

	state_disk_init(&a, "/srv/iscsi/a.vhd");
	state_disk_init(&b, "/srv/iscsi/b.vhd");
	ck_assert_int_eq(state_disk_add(st, &a), 0);
	ck_assert_int_eq(state_disk_add(st, &b), 0);
	ck_assert_uint_eq(strlen(a.scsi_id), STATE_SCSI_ID_MAX);
	ck_assert_str_ne(a.scsi_id, b.scsi_id);
	ck_assert_int_eq(memcmp(a.scsi_id, "IET     ", 8), 0);
	state_close(st);
	st = NULL;
	snprintf(path, sizeof(path), "%s/%s", dir, STATE_DB_NAME);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "DROP INDEX disks_scsi_id;"
				      "ALTER TABLE disks DROP COLUMN scsi_id;"
				      "PRAGMA user_version = 3", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(state_open(dir, &st), 0);
	ck_assert_int_eq(pragma_int("PRAGMA user_version"), STATE_SCHEMA_VERSION);
	ck_assert_int_eq(state_disk_get(st, a.wtd, &got), 0);
	state_disk_scsi_id(a.guid, want);
	ck_assert_str_eq(got.scsi_id, want);
	ck_assert_str_eq(got.scsi_id, a.scsi_id);
	ck_assert_int_eq(state_disk_get(st, b.wtd, &got), 0);
	ck_assert_str_eq(got.scsi_id, b.scsi_id);
	/* a designator is one disk's */
	state_disk_init(&got, "/srv/iscsi/c.vhd");
	memcpy(got.scsi_id, a.scsi_id, sizeof(got.scsi_id));
	ck_assert_int_eq(state_disk_add(st, &got), -EEXIST);
	got.scsi_id[0] = '\0';
	ck_assert_int_eq(state_disk_add(st, &got), -EINVAL);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_open_settings);
	tcase_add_test(tc, test_target_crud);
	tcase_add_test(tc, test_disks_and_luns);
	tcase_add_test(tc, test_base_rule);
	tcase_add_test(tc, test_free_tid);
	tcase_add_test(tc, test_placeholders);
	tcase_add_test(tc, test_transactions);
	tcase_add_test(tc, test_enumeration);
	tcase_add_test(tc, test_portals_initiators_settings);
	tcase_add_test(tc, test_newer_schema_refused);
	tcase_add_test(tc, test_scsi_id_migrated);
	return check_run("istmd-state-store", tc);
}
