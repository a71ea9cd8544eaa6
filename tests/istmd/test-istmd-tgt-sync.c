/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-tgt-sync.c: the store applied to a real tgtd (driven by
 * test-istmd-tgt-sync.sh, which also kills and restarts tgtd between the
 * two phases).
 *
 * Phase "first": a saved target with IDs, CHAP, reverse CHAP, parameters
 * and two LUN mappings is applied; tgtd shows exactly that; a libiscsi
 * initiator logs in with CHAP; applying again changes nothing; changes in
 * the store (mapping removed and added, target disabled and enabled) are
 * converged; a target made by hand in tgtd (tid 1) is left alone.
 * Phase "restart": tgtd was SIGKILLed and started empty; applying the same
 * store brings the target back and the initiator logs in again.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <iscsi/iscsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "parent/state/state.h"
#include "parent/sync/sync.h"
#include "parent/tgt/tgt.h"

#define TARGET_IQN "iqn.2026-11.org.vhdtarget:sync-a"
#define INITIATOR "iqn.2026-11.org.vhdtarget:sync-initiator"
#define SECRET "SyncChapSecret-01"
#define RSECRET "SyncReverseSecret-02"

static struct tgt t;
static struct state *st;
static int portal_port;
static char dir[1024];
static const char *bstype;

static void setup(void)
{
	const char *c = getenv("TGT_C"), *p = getenv("TGT_PORT"), *d = getenv("TEST_DIR");

	ck_assert_msg(c && p && d, "run through test-istmd-tgt-sync.sh");
	tgt_init(&t, NULL, atoi(c));
	portal_port = atoi(p);
	snprintf(dir, sizeof(dir), "%s", d);
	bstype = getenv("TGT_BSTYPE") ? getenv("TGT_BSTYPE") : "rdwr";
	ck_assert_int_eq(state_open(dir, &st), 0);
}

static void teardown(void)
{
	state_close(st);
}

static int64_t add_disk(const char *name, bool read_only)
{
	char path[1200];
	struct state_disk d;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_CREAT | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 8 << 20), 0);
	close(fd);
	state_disk_init(&d, path);
	d.read_only = read_only;
	d.size = 8 << 20;
	ck_assert_int_eq(state_disk_add(st, &d), 0);
	return d.wtd;
}

static bool can_login(const char *user, const char *secret)
{
	struct iscsi_context *ic = iscsi_create_context(INITIATOR);
	char portal[64];
	bool ok;

	ck_assert_ptr_nonnull(ic);
	snprintf(portal, sizeof(portal), "127.0.0.1:%d", portal_port);
	iscsi_set_targetname(ic, TARGET_IQN);
	iscsi_set_session_type(ic, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(ic, ISCSI_HEADER_DIGEST_NONE);
	if (user)
		iscsi_set_initiator_username_pwd(ic, user, secret);
	iscsi_set_target_username_pwd(ic, "synca-rev", RSECRET);
	ok = iscsi_full_connect_sync(ic, portal, 1) == 0;
	iscsi_destroy_context(ic);
	return ok;
}

/* tgtd's view of the target, with its checks. */
static void expect_tgt(int tid, size_t nlus, size_t nacls)
{
	struct tgt_show *s;
	const struct tgt_show_target *ts;

	ck_assert_int_eq(tgt_show(&t, &s), 0);
	ts = tgt_show_find(s, tid);
	ck_assert_ptr_nonnull(ts);
	ck_assert_str_eq(ts->iqn, TARGET_IQN);
	ck_assert_uint_eq(ts->nlus, nlus);
	ck_assert_uint_eq(ts->nacls, nacls);
	ck_assert_uint_eq(ts->naccounts, 2);
	/* the hand-made target is untouched */
	ck_assert_ptr_nonnull(tgt_show_find(s, 1));
	ck_assert_str_eq(tgt_show_find(s, 1)->iqn, "iqn.2026-11.org.vhdtarget:by-hand");
	tgt_show_free(s);
}

START_TEST(test_first)
{
	struct state_target tg;
	struct state_id ids[] = {
		{ STATE_ID_IQN, "IQN.2026-11.org.vhdtarget:SYNC-initiator" }, /* case folds */
		{ STATE_ID_IP, "127.0.0.1" },
		{ STATE_ID_DNS, "initiator.example.com" },
	};
	struct sync_report r = { 0 };
	struct tgt_show *s;
	const struct tgt_show_target *ts;
	struct tgt_kv *kv;
	size_t n;
	int taken[64], ntaken = 0, tid;
	int64_t d1, d2, d3;

	ck_assert_int_eq(tgt_show(&t, &s), 0);
	for (size_t i = 0; i < s->ntargets && ntaken < 64; i++)
		taken[ntaken++] = s->targets[i].tid;
	tgt_show_free(s);
	ck_assert_int_eq(state_target_free_tid(st, taken, (size_t)ntaken, &tid), 0);
	ck_assert_int_eq(tid, 2); /* 1 is the hand-made one */

	state_target_init(&tg, "SyncA");
	snprintf(tg.iqn, sizeof(tg.iqn), "%s", TARGET_IQN);
	tg.tid = tid;
	tg.chap_enabled = true;
	snprintf(tg.chap_user, sizeof(tg.chap_user), "synca");
	snprintf(tg.chap_secret, sizeof(tg.chap_secret), "%s", SECRET);
	tg.rchap_enabled = true;
	snprintf(tg.rchap_user, sizeof(tg.rchap_user), "synca-rev");
	snprintf(tg.rchap_secret, sizeof(tg.rchap_secret), "%s", RSECRET);
	tg.max_burst = 131072;
	ck_assert_int_eq(state_target_add(st, &tg), 0);
	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(state_target_add_id(st, tg.id, &ids[i]), 0);
	d1 = add_disk("sync-d1.raw", false);
	d2 = add_disk("sync-d2.raw", true);
	d3 = add_disk("sync-d3.raw", false);
	ck_assert_int_eq(state_lun_map(st, tg.id, d1, 0), 0);
	ck_assert_int_eq(state_lun_map(st, tg.id, d2, 3), 0);

	ck_assert_msg(sync_apply_all(st, &t, bstype, &r) == 0, "%s", r.err);
	ck_assert_uint_eq(r.targets, 1);
	ck_assert_uint_eq(r.created, 1);
	ck_assert_uint_eq(r.skipped_ids, 1);
	ck_assert_uint_eq(r.lus, 2);
	expect_tgt(tid, 3, 2);
	ck_assert_int_eq(tgt_show(&t, &s), 0);
	ts = tgt_show_find(s, tid);
	ck_assert_uint_eq(ts->lus[1].lun, TGT_LUN_FROM_ISTM(0));
	ck_assert_uint_eq(ts->lus[2].lun, TGT_LUN_FROM_ISTM(3));
	ck_assert(ts->lus[2].readonly && !ts->lus[1].readonly);
	ck_assert_str_eq(ts->acls[1].value, INITIATOR);
	tgt_show_free(s);
	ck_assert_int_eq(tgt_target_params(&t, tid, &kv, &n), 0);
	ck_assert_str_eq(tgt_kv_get(kv, n, "MaxBurstLength"), "131072");
	free(kv);

	ck_assert(!can_login(NULL, NULL));
	ck_assert(!can_login("synca", "WrongSecret-0000"));
	ck_assert(can_login("synca", SECRET));

	/* applying again changes nothing but the fail-closed ACL cycle */
	memset(&r, 0, sizeof(r));
	ck_assert_msg(sync_apply_target(st, &t, tg.id, bstype, &r) == 0, "%s", r.err);
	ck_assert_uint_eq(r.created, 0);
	ck_assert_uint_eq(r.lus, 0);
	expect_tgt(tid, 3, 2);

	/* the store changes, tgtd follows */
	ck_assert_int_eq(state_lun_unmap(st, tg.id, d2), 0);
	ck_assert_int_eq(state_lun_map(st, tg.id, d3, 1), 0);
	ck_assert_int_eq(state_target_get(st, tg.id, &tg), 0);
	tg.enabled = false;
	ck_assert_int_eq(state_target_save(st, &tg), 0);
	memset(&r, 0, sizeof(r));
	ck_assert_msg(sync_apply_target(st, &t, tg.id, bstype, &r) == 0, "%s", r.err);
	ck_assert_uint_eq(r.lus, 2); /* LUN 4 deleted, LUN 2 created */
	expect_tgt(tid, 3, 0);
	ck_assert(!can_login("synca", SECRET)); /* disabled: no ACL */
	tg.enabled = true;
	ck_assert_int_eq(state_target_save(st, &tg), 0);
	memset(&r, 0, sizeof(r));
	ck_assert_msg(sync_apply_target(st, &t, tg.id, bstype, &r) == 0, "%s", r.err);
	expect_tgt(tid, 3, 2);
	ck_assert(can_login("synca", SECRET));

	/* a pending target is not applied; a tid clash is refused */
	state_target_init(&tg, "Clash");
	snprintf(tg.iqn, sizeof(tg.iqn), "iqn.2026-11.org.vhdtarget:clash");
	tg.tid = 1; /* the hand-made target's */
	ck_assert_int_eq(state_target_add(st, &tg), 0);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(sync_apply_target(st, &t, tg.id, bstype, &r), -EEXIST);
	ck_assert_ptr_nonnull(strstr(r.err, "by-hand"));
	ck_assert_ptr_null(strstr(r.err, SECRET));
	ck_assert_int_eq(state_target_delete(st, tg.id), 0);
}
END_TEST

START_TEST(test_restart)
{
	struct sync_report r = { 0 };
	struct tgt_show *s;
	struct state_target tg;

	ck_assert_int_eq(tgt_show(&t, &s), 0);
	ck_assert_ptr_null(tgt_show_find(s, 2)); /* tgtd came back empty */
	tgt_show_free(s);
	ck_assert_int_eq(state_target_get_by_name(st, "SyncA", &tg), 0);
	ck_assert(!can_login("synca", SECRET));
	ck_assert_msg(sync_apply_all(st, &t, bstype, &r) == 0, "%s", r.err);
	ck_assert_uint_eq(r.created, 1);
	expect_tgt(tg.tid, 3, 2);
	ck_assert(can_login("synca", SECRET));
}
END_TEST

int main(int argc, char **argv)
{
	TCase *tc = tcase_create("sync");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	if (argc > 1 && strcmp(argv[1], "restart") == 0)
		tcase_add_test(tc, test_restart);
	else
		tcase_add_test(tc, test_first);
	return check_run("istmd-tgt-sync", tc);
}
