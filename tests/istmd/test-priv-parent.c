/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-priv-parent.c: the privileged parent treats the network child as
 * hostile.  Drives priv_parent_serve() over a socketpair as a child would:
 * known verbs answered, unknown verbs, wrong lengths, inconsistent NTLM
 * lengths and privileged verbs before any authentication refused; NTLMv2
 * verified in the parent with the [MS-NLMP] 4.2.4 vectors (user "User",
 * password "Password", domain "Domain"), returning only the session key;
 * the schedule validated and persisted; the server's identity given once
 * per child; every row of the verb table refuses a wrong length, and
 * before authentication a verb that needs it. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/utf16.h"
#include "log.h"
#include "parent/parent.h"
#include "parent/svc/svc.h"
#include "proto/auth.h"
#include "proto/general.h"
#include "proto/proto.h"

static char dir[] = "/tmp/test-priv-parent.XXXXXX";
static int sv[2];

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2, i;

	for (i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
	return n;
}

/* Send one request as the child; returns the parent's verdict (serve's
 * return) and, when it answered, the status and reply. */
static int request(uint32_t verb, const void *body, uint32_t len, int32_t *status,
		   uint8_t *reply, size_t *reply_len)
{
	struct priv_msg_hdr h = { verb, len };
	uint8_t buf[PRIV_MAX_MSG + 8];
	int rc;

	ck_assert_int_eq(write(sv[1], &h, sizeof(h)), sizeof(h));
	if (len)
		ck_assert_int_eq(write(sv[1], body, len), len);
	rc = priv_parent_serve(sv[0]);
	if (rc < 0) {
		/* the real parent kills such a child: start a new channel */
		close(sv[0]);
		close(sv[1]);
		ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		return rc;
	}
	ck_assert_int_eq(read(sv[1], &h, sizeof(h)), sizeof(h));
	ck_assert_uint_eq(h.verb, verb);
	ck_assert_int_ge(h.len, 4);
	ck_assert_int_eq(read(sv[1], buf, h.len), h.len);
	memcpy(status, buf, 4);
	*reply_len = h.len - 4;
	memcpy(reply, buf + 4, h.len - 4);
	return 0;
}

/* S as UTF-16LE into OUT (room for two bytes a character); its length. */
static size_t utf16(const char *s, uint8_t *out)
{
	return (size_t)utf8_to_utf16(s, UTF16_LE, out, 2 * strlen(s));
}

/* A SVC_AUTH_NTLM_VERIFY request from the 4.2.4 vectors; returns its length. */
static size_t ntlm_request(uint8_t *buf, const char *user)
{
	static const char resp_hex[] =
		"68cd0ab851e51c96aabc927bebef6a1c" "0101000000000000" "0000000000000000"
		"aaaaaaaaaaaaaaaa" "00000000" "02000c0044006f006d00610069006e00"
		"01000c005300650072007600650072000000000000000000";
	struct svc_ntlm_req rq;
	size_t off = sizeof(rq);

	memset(&rq, 0, sizeof(rq));
	unhex("0123456789abcdef", rq.challenge);
	rq.flags = 0xe28a8233u;
	rq.user_len = (uint16_t)utf16(user, buf + off);
	off += rq.user_len;
	rq.domain_len = (uint16_t)utf16("Domain", buf + off);
	off += rq.domain_len;
	rq.nt_len = (uint16_t)unhex(resp_hex, buf + off);
	off += rq.nt_len;
	rq.enc_key_len = (uint16_t)unhex("c5dad2544fc9799094ce1ce90bc9d03e", buf + off);
	off += rq.enc_key_len;
	memcpy(buf, &rq, sizeof(rq));
	return off;
}

/* The verb numbers of every range (proto/proto.h). */
#define VERB_NUMBERS_END 500

/* Every row of the table: a body one byte short of its minimum or one
 * byte past its maximum gets the child cut off; before authentication a
 * well-formed request of a verb that needs it is refused.  Returns the
 * number of rows. */
static unsigned check_every_verb(int authenticated)
{
	static uint8_t body[PRIV_MAX_MSG + 1], reply[PRIV_MAX_MSG];
	unsigned n = 0;
	size_t rl;
	int32_t st;
	uint32_t i;

	for (i = 0; i < VERB_NUMBERS_END; i++) {
		const struct verb *v = verb_find(i);

		if (!v)
			continue;
		n++;
		if (v->min_len > 0)
			ck_assert_int_eq(request(i, body, (uint32_t)v->min_len - 1, &st, reply, &rl),
					 -EBADMSG);
		if (v->max_len < PRIV_MAX_MSG)
			ck_assert_int_eq(request(i, body, (uint32_t)v->max_len + 1, &st, reply, &rl),
					 -EBADMSG);
		if (!authenticated && (v->flags & VERB_NEEDS_AUTH))
			ck_assert_int_eq(request(i, body, (uint32_t)v->min_len, &st, reply, &rl),
					 -EPERM);
		/* a parent without the ISTM operations (no storage roots,
		 * no tgtd) answers them "not ready", whatever they carry */
		if (authenticated && (v->flags & VERB_ISTM)) {
			struct svc_reply_hdr h;

			ck_assert_int_eq(request(i, body, (uint32_t)v->min_len, &st, reply, &rl), 0);
			ck_assert_int_eq(st, 0);
			ck_assert_uint_eq(rl, sizeof(h));
			memcpy(&h, reply, sizeof(h));
			ck_assert_uint_eq(h.hr, ERROR_NOT_READY);
		}
	}
	return n;
}

START_TEST(test_hostile_child)
{
	uint8_t reply[PRIV_MAX_MSG], req[PRIV_MAX_MSG], key[16];
	struct priv_server_info info;
	struct svc_ntlm_reply nr;
	struct priv_schedule sch = { 1, 3, 132000000000000000ull }, got;
	size_t rl, n;
	int32_t st;

	/* a well-formed request is answered */
	ck_assert_int_eq(request(SVC_GENERAL_SERVER_INFO, NULL, 0, &st, reply, &rl), 0);
	ck_assert_int_eq(st, 0);
	ck_assert_uint_eq(rl, sizeof(info));
	memcpy(&info, reply, sizeof(info));
	ck_assert_uint_gt(strlen(info.host_name), 0);
	/* the server's identity is asked once, at the child's start */
	ck_assert_int_eq(request(SVC_GENERAL_SERVER_INFO, NULL, 0, &st, reply, &rl), -EPERM);
	/* unknown verb, wrong length: the child is cut off */
	ck_assert_int_eq(request(99, NULL, 0, &st, reply, &rl), -EBADMSG);
	ck_assert_int_eq(request(SVC_GENERAL_SERVER_INFO, "x", 1, &st, reply, &rl), -EBADMSG);
	ck_assert_int_eq(request(SVC_GENERAL_SET_SCHEDULE, &sch, sizeof(sch) - 1, &st, reply, &rl), -EBADMSG);
	/* privileged verbs before any user authenticated */
	ck_assert_int_eq(request(SVC_GENERAL_SET_SCHEDULE, &sch, sizeof(sch), &st, reply, &rl), -EPERM);
	ck_assert_int_eq(request(SVC_GENERAL_GET_SCHEDULE, NULL, 0, &st, reply, &rl), -EPERM);
	ck_assert_uint_ge(check_every_verb(0), 47);
	/* Kerberos without a keytab: answered UNAVAILABLE, nothing authenticated;
	 * a token length that disagrees with the message, or one over the
	 * limit, cuts the child off */
	{
		struct svc_krb5_req kq = { 0, 4 };
		struct svc_krb5_reply kr;

		memcpy(req, &kq, sizeof(kq));
		memcpy(req + sizeof(kq), "\x60\x02\x06\x00", 4);
		ck_assert_int_eq(request(SVC_AUTH_KRB5_ACCEPT, req, sizeof(kq) + 4, &st, reply, &rl), 0);
		ck_assert_int_eq(st, 0);
		ck_assert_uint_eq(rl, sizeof(kr));
		memcpy(&kr, reply, sizeof(kr));
		ck_assert_uint_eq(kr.result, KRB5_UNAVAILABLE);
		ck_assert_uint_eq(kr.hr, 0x80070005u);
		ck_assert_int_eq(request(SVC_GENERAL_GET_SCHEDULE, NULL, 0, &st, reply, &rl), -EPERM);
		ck_assert_int_eq(request(SVC_AUTH_KRB5_ACCEPT, req, sizeof(kq) + 3, &st, reply, &rl),
				 -EBADMSG);
		kq.token_len = SVC_KRB5_MAX_TOKEN + 1;
		memcpy(req, &kq, sizeof(kq));
		ck_assert_int_eq(request(SVC_AUTH_KRB5_ACCEPT, req, sizeof(kq) + 4, &st, reply, &rl),
				 -EBADMSG);
	}
	/* NTLM lengths that disagree with the message */
	n = ntlm_request(req, "User");
	ck_assert_int_eq(request(SVC_AUTH_NTLM_VERIFY, req, (uint32_t)n - 1, &st, reply, &rl), -EBADMSG);
	/* unknown user */
	n = ntlm_request(req, "Nobody");
	ck_assert_int_eq(request(SVC_AUTH_NTLM_VERIFY, req, (uint32_t)n, &st, reply, &rl), 0);
	memcpy(&nr, reply, sizeof(nr));
	ck_assert_uint_eq(nr.result, NTLM_UNKNOWN_USER);
	ck_assert_uint_eq(nr.hr, 0x80070005u); /* E_ACCESSDENIED */
	/* the spec's user: verified, the exported session key comes back */
	n = ntlm_request(req, "User");
	ck_assert_int_eq(request(SVC_AUTH_NTLM_VERIFY, req, (uint32_t)n, &st, reply, &rl), 0);
	ck_assert_int_eq(st, 0);
	ck_assert_uint_eq(rl, sizeof(nr));
	memcpy(&nr, reply, sizeof(nr));
	ck_assert_uint_eq(nr.result, NTLM_OK);
	ck_assert_uint_eq(nr.hr, 0);
	memset(key, 0x55, 16);
	ck_assert_mem_eq(nr.session_key, key, 16);
	/* now the schedule may be set; bad values are refused, not stored */
	ck_assert_int_eq(request(SVC_GENERAL_SET_SCHEDULE, &sch, sizeof(sch), &st, reply, &rl), 0);
	ck_assert_int_eq(st, 0);
	got = sch;
	got.day = 7;
	ck_assert_int_eq(request(SVC_GENERAL_SET_SCHEDULE, &got, sizeof(got), &st, reply, &rl), 0);
	ck_assert_int_eq(st, -EINVAL);
	ck_assert_int_eq(request(SVC_GENERAL_GET_SCHEDULE, NULL, 0, &st, reply, &rl), 0);
	ck_assert_int_eq(st, 0);
	memcpy(&got, reply, sizeof(got));
	ck_assert_mem_eq(&got, &sch, sizeof(sch));
	ck_assert_uint_ge(check_every_verb(1), 47);
}
END_TEST

int main(void)
{
	static const char *argv[] = { "none", NULL };
	char users[256], cmd[512];
	struct priv_parent_conf conf = { 0 };
	Suite *s = suite_create("priv-parent");
	TCase *tc = tcase_create("hostile-child");
	SRunner *sr;
	FILE *f;
	int failed;

	log_init(1, 0, "test-priv-parent");
	if (!mkdtemp(dir))
		return 99;
	snprintf(users, sizeof(users), "%s/users", dir);
	f = fopen(users, "w");
	fprintf(f, "# NTOWFv1(\"Password\")\nuser:a4f49c406510bdcab6824ee7c30fd852\n");
	fclose(f);
	conf.state_dir = dir;
	conf.users_file = users;
	conf.self_exe = "/nonexistent";
	conf.child_argv = (char *const *)argv;
	if (priv_parent_init(&conf) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return 99;
	tcase_add_test(tc, test_hostile_child);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		failed++;
	return failed ? 1 : 0;
}
