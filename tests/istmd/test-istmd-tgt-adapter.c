/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-tgt-adapter.c: the tgt adapter against a real tgtd started by
 * test-istmd-tgt-adapter.sh (control port $TGT_C, portal 127.0.0.1:$TGT_PORT),
 * with real iSCSI logins through libiscsi for sessions and CHAP.
 *
 * Each test uses its own target ids, so the order does not matter.  LUs use
 * --bstype $TGT_BSTYPE (rdwr on raw files by default); when $TGT_VHD_FILE
 * is set, one LU is also served through bs_vhd (--bstype vhd).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <iscsi/iscsi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "parent/tgt/tgt.h"

#define SECRET "Sup3rSecret-1234"
#define RSECRET "Rev3rseSecret-5678"

static struct tgt t;
static int portal_port;
static char dir[1024];
static const char *bstype;

static void setup(void)
{
	const char *c = getenv("TGT_C"), *p = getenv("TGT_PORT"), *d = getenv("TEST_DIR");

	ck_assert_msg(c && p && d, "run through test-istmd-tgt-adapter.sh");
	tgt_init(&t, NULL, atoi(c));
	portal_port = atoi(p);
	snprintf(dir, sizeof(dir), "%s", d);
	bstype = getenv("TGT_BSTYPE") ? getenv("TGT_BSTYPE") : "rdwr";
}

/* A raw file of SIZE bytes under the test directory. */
static const char *raw(const char *name, off_t size)
{
	static char path[8][1200];
	static int next;
	char *s = path[next++ % 8];
	int fd;

	snprintf(s, 1200, "%s/%s", dir, name);
	fd = open(s, O_CREAT | O_RDWR, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	close(fd);
	return s;
}

static const struct tgt_show_target *show_target(struct tgt_show **s, int tid)
{
	ck_assert_int_eq(tgt_show(&t, s), 0);
	return tgt_show_find(*s, tid);
}

START_TEST(test_targets)
{
	struct tgt_show *s;
	const struct tgt_show_target *st;

	ck_assert_int_eq(tgt_target_new(&t, 11, "iqn.2026-11.org.vhdtarget:adapter11"), 0);
	ck_assert_int_eq(tgt_target_new(&t, 11, "iqn.2026-11.org.vhdtarget:other"), -EEXIST);
	ck_assert_ptr_nonnull(strstr(tgt_errmsg(&t), "target 11"));
	ck_assert_int_eq(tgt_target_new(&t, 12, "not an iqn"), -EINVAL);
	ck_assert_int_eq(tgt_target_new(&t, 0, "iqn.2026-11.org.vhdtarget:zero"), -EINVAL);
	st = show_target(&s, 11);
	ck_assert_ptr_nonnull(st);
	ck_assert_str_eq(st->iqn, "iqn.2026-11.org.vhdtarget:adapter11");
	ck_assert_uint_eq(st->nlus, 1); /* the controller */
	ck_assert_str_eq(st->lus[0].type, "controller");
	tgt_show_free(s);
	ck_assert_int_eq(tgt_target_delete(&t, 11, false), 0);
	ck_assert_int_eq(tgt_target_delete(&t, 11, false), -ENOENT);
	st = show_target(&s, 11);
	ck_assert_ptr_null(st);
	tgt_show_free(s);
}
END_TEST

START_TEST(test_logical_units)
{
	const char *a = raw("lu-a.raw", 10 << 20), *b = raw("lu-b.raw", 20 << 20);
	const char *odd = raw("odd name; $(touch pwned) `x`.raw", 4 << 20);
	struct tgt_lu_spec spec = { .bstype = bstype, .path = a };
	struct tgt_show *s;
	const struct tgt_show_target *st;
	char pwned[1200];

	ck_assert_int_eq(tgt_target_new(&t, 13, "iqn.2026-11.org.vhdtarget:adapter13"), 0);
	ck_assert_int_eq(tgt_lu_new(&t, 13, TGT_LUN_FROM_ISTM(0), &spec), 0);
	ck_assert_int_eq(tgt_lu_new(&t, 13, TGT_LUN_FROM_ISTM(0), &spec), -EEXIST);
	ck_assert_int_eq(tgt_lu_new(&t, 13, 0, &spec), -EINVAL); /* the controller's */
	spec.path = b;
	spec.readonly = true;
	ck_assert_int_eq(tgt_lu_new(&t, 13, TGT_LUN_FROM_ISTM(1), &spec), 0);
	/* an argument vector, not a shell: the odd name is just a name */
	spec.path = odd;
	spec.readonly = false;
	ck_assert_int_eq(tgt_lu_new(&t, 13, TGT_LUN_FROM_ISTM(2), &spec), 0);
	snprintf(pwned, sizeof(pwned), "%s/pwned", dir);
	ck_assert_int_eq(access(pwned, F_OK), -1);
	ck_assert_int_eq(access("pwned", F_OK), -1);

	st = show_target(&s, 13);
	ck_assert_ptr_nonnull(st);
	ck_assert_uint_eq(st->nlus, 4);
	ck_assert_uint_eq(st->lus[1].lun, 1);
	ck_assert_str_eq(st->lus[1].path, a);
	ck_assert_str_eq(st->lus[1].bstype, bstype);
	ck_assert_uint_eq(st->lus[1].size_mb, 10);
	ck_assert(!st->lus[1].readonly);
	ck_assert(st->lus[2].readonly);
	ck_assert_str_eq(st->lus[3].path, odd);
	tgt_show_free(s);

	ck_assert_int_eq(tgt_lu_set_online(&t, 13, 1, false), 0);
	ck_assert_int_eq(tgt_lu_set_path(&t, 13, 1, b), 0);
	st = show_target(&s, 13);
	ck_assert_str_eq(st->lus[1].path, b);
	tgt_show_free(s);
	ck_assert_int_eq(tgt_lu_set_online(&t, 13, 1, false), 0);
	st = show_target(&s, 13);
	ck_assert(!st->lus[1].online);
	tgt_show_free(s);
	ck_assert_int_eq(tgt_lu_set_online(&t, 13, 1, true), 0);
	ck_assert_int_eq(tgt_lu_set_readonly(&t, 13, 2, false), 0);
	st = show_target(&s, 13);
	ck_assert(st->lus[1].online && !st->lus[2].readonly);
	tgt_show_free(s);

	/* refused before tgtadm runs */
	spec.path = "/tmp/a,bstype=sg";
	ck_assert_int_eq(tgt_lu_new(&t, 13, 5, &spec), -EINVAL);
	spec.path = "relative.raw";
	ck_assert_int_eq(tgt_lu_new(&t, 13, 5, &spec), -EINVAL);
	ck_assert_int_eq(tgt_lu_set_path(&t, 13, 1, "/x\n"), -EINVAL);
	ck_assert_int_eq(tgt_lu_new(&t, 13, 256, &spec), -EINVAL);
	/* refused by tgtd */
	spec.path = "/nonexistent/disk.raw";
	ck_assert_int_lt(tgt_lu_new(&t, 13, 6, &spec), 0);
	ck_assert_ptr_nonnull(strstr(tgt_errmsg(&t), "LUN 6 to target 13"));

	ck_assert_int_eq(tgt_lu_delete(&t, 13, 3), 0);
	ck_assert_int_eq(tgt_lu_delete(&t, 13, 3), -ENOENT);
	ck_assert_int_eq(tgt_target_delete(&t, 13, false), 0);
}
END_TEST

/* An LU made with an identity presents it at once, read-only or not; a
 * live LU takes another; values tgt cannot keep are refused. */
START_TEST(test_lu_identity)
{
	const char *a = raw("id-a.raw", 4 << 20);
	const char *id = "IET     0123456789ABCDEF0123456789AB";   /* 36 bytes */
	struct tgt_lu_spec spec = { .bstype = bstype, .path = a, .scsi_id = id,
				    .scsi_sn = "0123456789ABCDEF" };
	struct tgt_show *s;
	const struct tgt_show_target *st;

	ck_assert_int_eq(tgt_target_new(&t, 18, "iqn.2026-11.org.vhdtarget:adapter18"), 0);
	ck_assert_int_eq(tgt_lu_new(&t, 18, 1, &spec), 0);
	spec.readonly = true;
	spec.scsi_sn = "FEDCBA9876543210";
	ck_assert_int_eq(tgt_lu_new(&t, 18, 2, &spec), 0);
	spec.readonly = false;
	spec.scsi_id = spec.scsi_sn = NULL;    /* tgt's own */
	ck_assert_int_eq(tgt_lu_new(&t, 18, 3, &spec), 0);
	st = show_target(&s, 18);
	ck_assert_uint_eq(st->nlus, 4);
	ck_assert_str_eq(st->lus[1].scsi_id, id);
	ck_assert_str_eq(st->lus[1].scsi_sn, "0123456789ABCDEF");
	ck_assert(!st->lus[1].readonly);
	ck_assert_str_eq(st->lus[2].scsi_id, id);
	ck_assert_str_eq(st->lus[2].scsi_sn, "FEDCBA9876543210");
	ck_assert(st->lus[2].readonly);
	ck_assert_str_eq(st->lus[3].scsi_id, "IET     00120003");
	tgt_show_free(s);

	ck_assert_int_eq(tgt_lu_set_identity(&t, 18, 3, "IET     42", "serial42"), 0);
	st = show_target(&s, 18);
	ck_assert_str_eq(st->lus[3].scsi_id, "IET     42");
	ck_assert_str_eq(st->lus[3].scsi_sn, "serial42");
	tgt_show_free(s);

	/* refused before tgtadm runs: too long for tgt, a comma, empty */
	ck_assert_int_eq(tgt_lu_set_identity(&t, 18, 3, "IET     0123456789ABCDEF0123456789ABC",
					     NULL), -EINVAL);
	ck_assert_int_eq(tgt_lu_set_identity(&t, 18, 3, NULL, "a,readonly=1"), -EINVAL);
	ck_assert_int_eq(tgt_lu_set_identity(&t, 18, 3, "", NULL), -EINVAL);
	spec.scsi_sn = "x,online=0";
	ck_assert_int_eq(tgt_lu_new(&t, 18, 4, &spec), -EINVAL);
	st = show_target(&s, 18);
	ck_assert_uint_eq(st->nlus, 4);        /* nothing was made */
	ck_assert_str_eq(st->lus[3].scsi_sn, "serial42");
	tgt_show_free(s);
	for (uint32_t lun = 1; lun <= 3; lun++)
		ck_assert_int_eq(tgt_lu_delete(&t, 18, lun), 0);
	ck_assert_int_eq(tgt_target_delete(&t, 18, false), 0);
}
END_TEST

START_TEST(test_vhd_backing_store)
{
	const char *vhd = getenv("TGT_VHD_FILE");
	struct tgt_lu_spec spec = { .bstype = "vhd", .path = vhd };
	struct tgt_show *s;
	const struct tgt_show_target *st;

	if (!vhd)
		return; /* bs_vhd or vhdtool not built yet: the script says so */
	ck_assert_int_eq(tgt_target_new(&t, 14, "iqn.2026-11.org.vhdtarget:adapter14"), 0);
	ck_assert_int_eq(tgt_lu_new(&t, 14, 1, &spec), 0);
	st = show_target(&s, 14);
	ck_assert_str_eq(st->lus[1].bstype, "vhd");
	ck_assert_str_eq(st->lus[1].path, vhd);
	tgt_show_free(s);
	ck_assert_int_eq(tgt_target_delete(&t, 14, false), 0);
}
END_TEST

START_TEST(test_acls)
{
	struct tgt_show *s;
	const struct tgt_show_target *st;

	ck_assert_int_eq(tgt_target_new(&t, 15, "iqn.2026-11.org.vhdtarget:adapter15"), 0);
	ck_assert_int_eq(tgt_target_bind_address(&t, 15, "127.0.0.1"), 0);
	ck_assert_int_eq(tgt_target_bind_address(&t, 15, "10.0.0.0/8"), 0);
	ck_assert_int_eq(tgt_target_bind_address(&t, 15, "127.0.0.1"), -EEXIST);
	ck_assert_int_eq(tgt_target_bind_name(&t, 15, "iqn.2026-11.org.vhdtarget:ini1"), 0);
	ck_assert_int_eq(tgt_target_bind_address(&t, 15, "1.2.3.4,ALL"), -EINVAL);
	ck_assert_int_eq(tgt_target_bind_address(&t, 15, "host.example.com"), -EINVAL);
	ck_assert_int_eq(tgt_target_bind_name(&t, 15, "bogus"), -EINVAL);
	st = show_target(&s, 15);
	ck_assert_uint_eq(st->nacls, 3);
	ck_assert(!st->acls[0].is_name && st->acls[2].is_name);
	ck_assert_str_eq(st->acls[2].value, "iqn.2026-11.org.vhdtarget:ini1");
	tgt_show_free(s);
	ck_assert_int_eq(tgt_target_unbind_address(&t, 15, "127.0.0.1"), 0);
	ck_assert_int_eq(tgt_target_unbind_address(&t, 15, "127.0.0.1"), -ENOENT);
	ck_assert_int_eq(tgt_target_unbind_name(&t, 15, "iqn.2026-11.org.vhdtarget:ini1"), 0);
	st = show_target(&s, 15);
	ck_assert_uint_eq(st->nacls, 1);
	tgt_show_free(s);
	ck_assert_int_eq(tgt_target_delete(&t, 15, false), 0);
}
END_TEST

START_TEST(test_accounts_and_params)
{
	struct tgt_show *s;
	const struct tgt_show_target *st;
	struct tgt_kv *kv;
	size_t n;

	ck_assert_int_eq(tgt_target_new(&t, 16, "iqn.2026-11.org.vhdtarget:adapter16"), 0);
	ck_assert_int_eq(tgt_account_new(&t, "acct16", SECRET), 0);
	ck_assert_int_eq(tgt_account_new(&t, "acct16", SECRET), -EEXIST);
	ck_assert_ptr_null(strstr(tgt_errmsg(&t), SECRET));
	ck_assert_int_eq(tgt_account_new(&t, "short16", "tooshort"), -EINVAL);
	ck_assert_ptr_null(strstr(tgt_errmsg(&t), "tooshort"));
	ck_assert_int_eq(tgt_account_new(&t, "comma16", "secret,with,commas"), -EINVAL);
	ck_assert_ptr_null(strstr(tgt_errmsg(&t), "secret,with"));
	ck_assert_int_eq(tgt_account_new(&t, "racct16", RSECRET), 0);
	ck_assert_int_eq(tgt_account_new(&t, "racct16b", RSECRET), 0);
	ck_assert_int_eq(tgt_account_bind(&t, 16, "acct16", false), 0);
	ck_assert_int_eq(tgt_account_bind(&t, 16, "racct16", true), 0);
	ck_assert_int_eq(tgt_account_bind(&t, 16, "racct16b", true), -EEXIST); /* one outgoing */
	ck_assert_int_eq(tgt_account_bind(&t, 16, "nobody16", false), -ENOENT);
	st = show_target(&s, 16);
	ck_assert_uint_eq(st->naccounts, 2);
	for (size_t i = 0; i < st->naccounts; i++)
		ck_assert(st->accounts[i].outgoing == !strcmp(st->accounts[i].user, "racct16"));
	tgt_show_free(s);
	ck_assert_int_eq(tgt_account_unbind(&t, 16, "racct16", true), 0);
	ck_assert_int_eq(tgt_account_unbind(&t, 16, "acct16", false), 0);
	ck_assert_int_eq(tgt_account_delete(&t, "racct16b"), 0);
	ck_assert_int_eq(tgt_account_delete(&t, "racct16b"), -ENOENT);
	ck_assert_int_eq(tgt_account_delete(&t, "racct16"), 0);
	ck_assert_int_eq(tgt_account_delete(&t, "acct16"), 0);

	ck_assert_int_eq(tgt_target_set_param(&t, 16, TGT_PARAM_MAX_RECV_DSL, 65536), 0);
	ck_assert_int_eq(tgt_target_set_param(&t, 16, TGT_PARAM_FIRST_BURST, 32768), 0);
	ck_assert_int_eq(tgt_target_set_param(&t, 16, TGT_PARAM_MAX_BURST, 131072), 0);
	ck_assert_int_eq(tgt_target_set_param(&t, 16, TGT_PARAM_MAX_BURST, 1), -EINVAL);
	ck_assert_int_eq(tgt_target_set_param(&t, 16, (enum tgt_param)99, 1), -EINVAL);
	ck_assert_int_eq(tgt_target_set_param(&t, 99, TGT_PARAM_MAX_BURST, 65536), -ENOENT);
	ck_assert_int_eq(tgt_target_params(&t, 16, &kv, &n), 0);
	ck_assert_str_eq(tgt_kv_get(kv, n, "MaxRecvDataSegmentLength"), "65536");
	ck_assert_str_eq(tgt_kv_get(kv, n, "FirstBurstLength"), "32768");
	ck_assert_str_eq(tgt_kv_get(kv, n, "MaxBurstLength"), "131072");
	ck_assert_ptr_null(tgt_kv_get(kv, n, "NoSuchKey"));
	free(kv);
	ck_assert_int_eq(tgt_target_delete(&t, 16, false), 0);
}
END_TEST

START_TEST(test_portals)
{
	struct tgt_portal *p;
	size_t n;
	bool found = false, extra = false;
	int other = portal_port + 7;

	ck_assert_int_eq(tgt_portal_list(&t, &p, &n), 0);
	for (size_t i = 0; i < n; i++)
		found |= !strcmp(p[i].address, "127.0.0.1") && p[i].port == (uint32_t)portal_port;
	free(p);
	ck_assert(found);
	ck_assert_int_eq(tgt_portal_new(&t, "127.0.0.1", (uint32_t)other), 0);
	ck_assert_int_eq(tgt_portal_list(&t, &p, &n), 0);
	for (size_t i = 0; i < n; i++)
		extra |= p[i].port == (uint32_t)other;
	free(p);
	ck_assert(extra);
	ck_assert_int_eq(tgt_portal_delete(&t, "127.0.0.1", (uint32_t)other), 0);
	ck_assert_int_eq(tgt_portal_new(&t, "127.0.0.1;rm", 3260), -EINVAL);
	ck_assert_int_eq(tgt_portal_new(&t, "127.0.0.1", 0), -EINVAL);
}
END_TEST

/* Log in to TARGET with libiscsi; NULL users mean no CHAP. */
static struct iscsi_context *login(const char *target, const char *initiator,
				   const char *user, const char *secret,
				   const char *tuser, const char *tsecret)
{
	struct iscsi_context *ic = iscsi_create_context(initiator);
	char portal[64];

	ck_assert_ptr_nonnull(ic);
	snprintf(portal, sizeof(portal), "127.0.0.1:%d", portal_port);
	iscsi_set_targetname(ic, target);
	iscsi_set_session_type(ic, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(ic, ISCSI_HEADER_DIGEST_NONE);
	if (user)
		iscsi_set_initiator_username_pwd(ic, user, secret);
	if (tuser)
		iscsi_set_target_username_pwd(ic, tuser, tsecret);
	if (iscsi_full_connect_sync(ic, portal, 1) != 0) {
		iscsi_destroy_context(ic);
		return NULL;
	}
	return ic;
}

START_TEST(test_sessions_and_chap)
{
	const char *target = "iqn.2026-11.org.vhdtarget:adapter17";
	const char *ini = "iqn.2026-11.org.vhdtarget:initiator17";
	struct tgt_lu_spec spec = { .bstype = bstype, .path = raw("lu-17.raw", 8 << 20) };
	struct iscsi_context *ic;
	struct tgt_conn *c;
	struct tgt_show *s;
	const struct tgt_show_target *st;
	size_t n;

	ck_assert_int_eq(tgt_target_new(&t, 17, target), 0);
	ck_assert_int_eq(tgt_lu_new(&t, 17, 1, &spec), 0);
	ck_assert_int_eq(tgt_target_bind_name(&t, 17, ini), 0);

	/* ACL by name: another initiator is refused */
	ic = login(target, "iqn.2026-11.org.vhdtarget:stranger", NULL, NULL, NULL, NULL);
	ck_assert_ptr_null(ic);
	ic = login(target, ini, NULL, NULL, NULL, NULL);
	ck_assert_ptr_nonnull(ic);
	iscsi_destroy_context(ic);

	/* CHAP: required once an account is bound */
	ck_assert_int_eq(tgt_account_new(&t, "chap17", SECRET), 0);
	ck_assert_int_eq(tgt_account_bind(&t, 17, "chap17", false), 0);
	ck_assert_ptr_null(login(target, ini, NULL, NULL, NULL, NULL));
	ck_assert_ptr_null(login(target, ini, "chap17", "Wr0ngSecret-0000", NULL, NULL));
	ic = login(target, ini, "chap17", SECRET, NULL, NULL);
	ck_assert_ptr_nonnull(ic);

	/* the session as tgt reports it */
	ck_assert_int_eq(tgt_conn_list(&t, 17, &c, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(c[0].initiator, ini);
	ck_assert_str_eq(c[0].address, "127.0.0.1");
	ck_assert_uint_gt(c[0].tsih, 0);
	free(c);
	st = show_target(&s, 17);
	ck_assert_uint_eq(st->nnexus, 1);
	ck_assert_str_eq(st->nexus[0].initiator, ini);
	ck_assert_uint_eq(st->nexus[0].nconns, 1);
	tgt_show_free(s);
	/* a target with a session is not deleted without force */
	ck_assert_int_eq(tgt_target_delete(&t, 17, false), -EBUSY);
	iscsi_destroy_context(ic);

	/* reverse CHAP: the target proves itself with the outgoing account */
	ck_assert_int_eq(tgt_account_new(&t, "rchap17", RSECRET), 0);
	ck_assert_int_eq(tgt_account_bind(&t, 17, "rchap17", true), 0);
	ck_assert_ptr_null(login(target, ini, "chap17", SECRET, "rchap17", "Wr0ngReverse-000"));
	ic = login(target, ini, "chap17", SECRET, "rchap17", RSECRET);
	ck_assert_ptr_nonnull(ic);
	/* force closes the session */
	ck_assert_int_eq(tgt_target_delete(&t, 17, true), 0);
	iscsi_destroy_context(ic);
	ck_assert_int_eq(tgt_conn_list(&t, 17, &c, &n), -ENOENT);
	ck_assert_int_eq(tgt_account_delete(&t, "chap17"), 0);
	ck_assert_int_eq(tgt_account_delete(&t, "rchap17"), 0);
}
END_TEST

START_TEST(test_runner_failures)
{
	struct tgt bad;
	char script[1200];
	struct tgt_show *s;
	struct timespec a, b;
	FILE *f;

	/* no tgtd on that control port */
	tgt_init(&bad, NULL, atoi(getenv("TGT_C")) + 5);
	ck_assert_int_eq(tgt_show(&bad, &s), -ECONNREFUSED);
	ck_assert_ptr_nonnull(strstr(tgt_errmsg(&bad), "list targets"));
	/* no such program */
	tgt_init(&bad, "/nonexistent/tgtadm", 1);
	ck_assert_int_eq(tgt_target_delete(&bad, 1, false), -ENOENT);
	/* a tgtadm that hangs is killed at the deadline */
	snprintf(script, sizeof(script), "%s/hang.sh", dir);
	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fputs("#!/bin/sh\nexec sleep 30\n", f);
	fclose(f);
	ck_assert_int_eq(chmod(script, 0755), 0);
	tgt_init(&bad, script, 1);
	bad.timeout_ms = 300;
	clock_gettime(CLOCK_MONOTONIC, &a);
	ck_assert_int_eq(tgt_target_delete(&bad, 1, false), -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ck_assert_int_lt(b.tv_sec - a.tv_sec, 5);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("adapter");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_targets);
	tcase_add_test(tc, test_logical_units);
	tcase_add_test(tc, test_lu_identity);
	tcase_add_test(tc, test_vhd_backing_store);
	tcase_add_test(tc, test_acls);
	tcase_add_test(tc, test_accounts_and_params);
	tcase_add_test(tc, test_portals);
	tcase_add_test(tc, test_sessions_and_chap);
	tcase_add_test(tc, test_runner_failures);
	return check_run("istmd-tgt-adapter", tc);
}
