/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-tgt-parse.c: the parsers of tgtadm's listings, on output
 * captured from tgt 1.0.85 (Debian 12) with a session, two LUs, incoming
 * and outgoing accounts and both kinds of ACL, and on malformed text;
 * plus the iSCSI name rules the adapter enforces.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkrun.h"
#include "parent/tgt/tgt.h"

/* tgtadm -C N --lld iscsi --op show --mode target, captured while
 * iscsi-perf was logged in from 127.0.0.1. */
static const char show_text[] =
	"Target 1: iqn.2026-11.test:t1\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    I_T nexus information:\n"
	"        I_T nexus: 1\n"
	"            Initiator: iqn.1993-08.org.debian:01:abc alias: none\n"
	"            Connection: 0\n"
	"                IP Address: 127.0.0.1\n"
	"    LUN information:\n"
	"        LUN: 0\n"
	"            Type: controller\n"
	"            SCSI ID: IET     00010000\n"
	"            SCSI SN: beaf10\n"
	"            Size: 0 MB, Block size: 1\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: No\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: null\n"
	"            Backing store path: None\n"
	"            Backing store flags: \n"
	"        LUN: 1\n"
	"            Type: disk\n"
	"            SCSI ID: IET     00010001\n"
	"            SCSI SN: beaf11\n"
	"            Size: 10 MB, Block size: 512\n"
	"            Online: Yes\n"
	"            Removable media: No\n"
	"            Prevent removal: No\n"
	"            Readonly: Yes\n"
	"            SWP: No\n"
	"            Thin-provisioning: No\n"
	"            Backing store type: rdwr\n"
	"            Backing store path: /tmp/istmstate-probe/d1: with colon.raw\n"
	"            Backing store flags: \n"
	"    Account information:\n"
	"        u1\n"
	"        u2 (outgoing)\n"
	"    ACL information:\n"
	"        127.0.0.1\n"
	"        iqn.1993-08.org.debian:01:abc\n"
	"Target 2: iqn.2026-11.test:t2\n"
	"    System information:\n"
	"        Driver: iscsi\n"
	"        State: ready\n"
	"    I_T nexus information:\n"
	"    LUN information:\n"
	"        LUN: 0\n"
	"            Type: controller\n"
	"            Backing store path: None\n"
	"    Account information:\n"
	"    ACL information:\n"
	"        ALL\n";

static const char conn_text[] =
	"Session: 1\n"
	"    Connection: 0\n"
	"        Initiator: iqn.1993-08.org.debian:01:abc\n"
	"        IP Address: 127.0.0.1\n"
	"Session: 3\n"
	"    Connection: 0\n"
	"        Initiator: iqn.2026-11.test:ini2\n"
	"        IP Address: ::1\n"
	"    Connection: 1\n"
	"        Initiator: iqn.2026-11.test:ini2\n"
	"        IP Address: ::1\n";

START_TEST(test_show)
{
	struct tgt_show *s;
	const struct tgt_show_target *t;
	char err[256];

	ck_assert_int_eq(tgt_show_parse(show_text, strlen(show_text), &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->ntargets, 2);
	t = tgt_show_find(s, 1);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(t->iqn, "iqn.2026-11.test:t1");
	ck_assert_str_eq(t->state, "ready");
	ck_assert_uint_eq(t->nnexus, 1);
	ck_assert_uint_eq(t->nexus[0].id, 1);
	ck_assert_str_eq(t->nexus[0].initiator, "iqn.1993-08.org.debian:01:abc");
	ck_assert_str_eq(t->nexus[0].alias, "");
	ck_assert_uint_eq(t->nexus[0].nconns, 1);
	ck_assert_str_eq(t->nexus[0].conns[0].address, "127.0.0.1");
	ck_assert_uint_eq(t->nlus, 2);
	ck_assert_str_eq(t->lus[0].type, "controller");
	ck_assert_str_eq(t->lus[0].path, "");
	ck_assert_uint_eq(t->lus[1].lun, 1);
	ck_assert_str_eq(t->lus[1].path, "/tmp/istmstate-probe/d1: with colon.raw");
	ck_assert_str_eq(t->lus[1].bstype, "rdwr");
	ck_assert_str_eq(t->lus[1].scsi_id, "IET     00010001");
	ck_assert_uint_eq(t->lus[1].size_mb, 10);
	ck_assert_uint_eq(t->lus[1].block_size, 512);
	ck_assert(t->lus[1].online && t->lus[1].readonly && !t->lus[0].readonly);
	ck_assert_uint_eq(t->naccounts, 2);
	ck_assert(!t->accounts[0].outgoing && t->accounts[1].outgoing);
	ck_assert_str_eq(t->accounts[1].user, "u2");
	ck_assert_uint_eq(t->nacls, 2);
	ck_assert(!t->acls[0].is_name && t->acls[1].is_name);
	t = tgt_show_find(s, 2);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->nnexus, 0);
	ck_assert_uint_eq(t->nacls, 1);
	ck_assert_str_eq(t->acls[0].value, "ALL");
	ck_assert_ptr_null(tgt_show_find(s, 3));
	tgt_show_free(s);

	/* nothing at all: no targets */
	ck_assert_int_eq(tgt_show_parse("", 0, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->ntargets, 0);
	tgt_show_free(s);
}
END_TEST

START_TEST(test_conn)
{
	struct tgt_conn *c;
	size_t n;
	char err[256];

	ck_assert_int_eq(tgt_conn_parse(conn_text, strlen(conn_text), &c, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(c[0].tsih, 1);
	ck_assert_str_eq(c[0].initiator, "iqn.1993-08.org.debian:01:abc");
	ck_assert_uint_eq(c[2].tsih, 3);
	ck_assert_uint_eq(c[2].cid, 1);
	ck_assert_str_eq(c[2].address, "::1");
	free(c);
}
END_TEST

static const char *const bad_show[] = {
	"    LUN information:\n",                          /* before any target */
	"Target x: iqn.a\n",                               /* not a number */
	"Target 1 iqn.a\n",                                /* no colon */
	"Target 99999999999: iqn.a\n",                     /* tid out of range */
	"Target 1: iqn.a\n    LUN information:\n        Type: disk\n", /* field before LUN */
	"Target 1: iqn.a\n    LUN information:\n        LUN: -1\n",
	"Target 1: iqn.a\n    I_T nexus information:\n            Connection: 0\n",
	"Target 1: iqn.a\n    I_T nexus information:\n        I_T nexus: 1\n"
	"                IP Address: 1.2.3.4\n",           /* address before connection */
	"Junk\n",
};

START_TEST(test_malformed)
{
	struct tgt_show *s;
	struct tgt_conn *c;
	char err[256], *big;
	size_t n;

	for (size_t i = 0; i < sizeof(bad_show) / sizeof(bad_show[0]); i++) {
		err[0] = '\0';
		ck_assert_msg(tgt_show_parse(bad_show[i], strlen(bad_show[i]), &s, err,
					     sizeof(err)) == -EBADMSG, "case %zu accepted", i);
		ck_assert_ptr_null(s);
		ck_assert_msg(strncmp(err, "line ", 5) == 0, "case %zu: message '%s'", i, err);
	}
	/* an embedded NUL, a line too long, a name too long */
	ck_assert_int_eq(tgt_show_parse("Target 1: a\0b\n", 14, &s, err, sizeof(err)), -EBADMSG);
	big = malloc(20000);
	ck_assert_ptr_nonnull(big);
	memset(big, 'x', 19999);
	memcpy(big, "Target 1: ", 10);
	big[19999] = '\0';
	ck_assert_int_eq(tgt_show_parse(big, 19999, &s, err, sizeof(err)), -EBADMSG);
	big[300] = '\0';
	ck_assert_int_eq(tgt_show_parse(big, 300, &s, err, sizeof(err)), -EBADMSG);
	free(big);
	/* text that is not NUL-terminated is read only up to LEN */
	ck_assert_int_eq(tgt_show_parse("Target 1: iqn.a\nJUNK", 16, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(s->ntargets, 1);
	tgt_show_free(s);

	ck_assert_int_eq(tgt_conn_parse("    Connection: 0\n", 18, &c, &n, err, sizeof(err)), -EBADMSG);
	ck_assert_int_eq(tgt_conn_parse("Session: 1\n        Initiator: x\n", 32, &c, &n, err,
					sizeof(err)), -EBADMSG);
	ck_assert_int_eq(tgt_conn_parse("Bogus\n", 6, &c, &n, err, sizeof(err)), -EBADMSG);
}
END_TEST

START_TEST(test_names)
{
	static const char *const good[] = {
		"iqn.1991-05.com.microsoft:target1",
		"iqn.2026-11.org.vhdtarget:disk-1.a",
		"iqn.1993-08.org.debian:01:abc",
		"iqn.1991-5.com.contoso:test-server-istmtarget-target", /* [MS-ISTM] 4.5 */
		"eui.02004567A425678D",
		"naa.52004567BA64678D",
		"naa.52004567BA64678D52004567BA64678D",
	};
	static const char *const bad[] = {
		"", "iqn.", "iqn.1991-.com.x", "iqn.1991-123.com.x", "iqn.1991-05com.x", "iqn.1991-05.",
		"iqn.1991-05.Com.x", "iqn.1991-05.com.x:UPPER", "iqn.1991-05.com.x:a b",
		"iqn.1991-05.com.x:a,b", "iqn.1991-05.com.x:a\nb", "eui.123", "eui.02004567A425678Z",
		"naa.123456789012345678", "iscsi-target", "IQN.1991-05.com.x",
	};
	char longname[300];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(tgt_name_valid(good[i]), "%s refused", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!tgt_name_valid(bad[i]), "%s accepted", bad[i]);
	snprintf(longname, sizeof(longname), "iqn.2026-11.org.x:%0250d", 0);
	ck_assert(!tgt_name_valid(longname));
	ck_assert(!tgt_name_valid(NULL));
	ck_assert_uint_eq(TGT_LUN_FROM_ISTM(0), 1);
	ck_assert_uint_eq(TGT_LUN_TO_ISTM(TGT_LUN_FROM_ISTM(TGT_ISTM_LUN_MAX)), TGT_ISTM_LUN_MAX);
	ck_assert_str_eq(tgt_param_name(TGT_PARAM_MAX_BURST), "MaxBurstLength");
}
END_TEST

START_TEST(test_default_iqn)
{
	char buf[256], name[400];

	ck_assert_int_eq(tgt_default_iqn("StorageSrv", "DatabaseTarget", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "iqn.2026-11.org.vhdtarget:storagesrv-databasetarget-target");
	ck_assert_int_eq(tgt_default_iqn("srv", "My Target, #1!", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "iqn.2026-11.org.vhdtarget:srv-my-target-1-target");
	ck_assert_int_eq(tgt_default_iqn("", "\xc3\x9c", buf, sizeof(buf)), -EINVAL);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(tgt_default_iqn("srv", name, buf, sizeof(buf)), 0);
	ck_assert_uint_le(strlen(buf), 223);
	ck_assert(tgt_name_valid(buf));
	ck_assert_int_eq(tgt_default_iqn("srv", "x", buf, 20), -ERANGE);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_show);
	tcase_add_test(tc, test_conn);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_default_iqn);
	return check_run("istmd-tgt-parse", tc);
}
