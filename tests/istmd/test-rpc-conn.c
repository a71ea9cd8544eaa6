/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-rpc-conn.c: the connection state machine fed bytes directly:
 * presentation context negotiation (NDR32 chosen over NDR64, an NDR64-only
 * context refused, bind time feature negotiation answered, an unknown
 * interface refused), a second bind taken as alter_context, an
 * alter_context before any bind, unauthenticated requests, a
 * big-endian PDU and a fragment larger than negotiated: each answered as
 * [MS-RPCE] says and, where it must, the connection closes. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "rpc_int.h"

static const uint8_t scm_uuid[16] = { 0xa0, 0x01, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
static const uint8_t unknown_uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static int executed;

static uint32_t handler(const struct rpc_call_ctx *call, struct rpc_buf *out)
{
	(void)call; (void)out;
	executed++;
	return 0;
}

static void push_syntax(struct rpc_buf *b, const uint8_t uuid[16], uint16_t maj, uint16_t min)
{
	rpc_buf_append(b, uuid, 16);
	rpc_push_u16(b, maj);
	rpc_push_u16(b, min);
}

/* bind (PTYPE 11) with three context items, no authentication */
static void make_bind(struct rpc_buf *b, uint8_t ptype, uint32_t call_id)
{
	static const uint8_t btfn[16] = { 0x2c, 0x1c, 0xb7, 0x6c, 0x12, 0x98, 0x40, 0x45,
					  0x03, 0, 0, 0, 0, 0, 0, 0 };
	struct rpc_hdr h = { 5, 0, ptype, 3, { 0x10, 0, 0, 0 }, 0, 0, call_id };

	b->len = 0;
	rpc_hdr_push(b, &h);
	rpc_push_u16(b, 4280);
	rpc_push_u16(b, 4280);
	rpc_push_u32(b, 0);
	rpc_push_u32(b, 4);                  /* 4 items */
	rpc_push_u16(b, 0); rpc_push_u16(b, 2); /* ctx 0: NDR64, NDR32 */
	push_syntax(b, scm_uuid, 0, 0);
	push_syntax(b, rpc_ndr64_uuid, 1, 0);
	push_syntax(b, rpc_ndr32_syntax.uuid, 2, 0);
	rpc_push_u16(b, 1); rpc_push_u16(b, 1); /* ctx 1: NDR64 only */
	push_syntax(b, scm_uuid, 0, 0);
	push_syntax(b, rpc_ndr64_uuid, 1, 0);
	rpc_push_u16(b, 2); rpc_push_u16(b, 1); /* ctx 2: feature negotiation */
	push_syntax(b, scm_uuid, 0, 0);
	push_syntax(b, btfn, 1, 0);
	rpc_push_u16(b, 3); rpc_push_u16(b, 1); /* ctx 3: unknown interface */
	push_syntax(b, unknown_uuid, 1, 0);
	push_syntax(b, rpc_ndr32_syntax.uuid, 2, 0);
	rpc_put_le16(b->data + 8, (uint16_t)b->len);
}

static void make_request(struct rpc_buf *b, uint32_t call_id)
{
	struct rpc_hdr h = { 5, 0, RPC_PT_REQUEST, 3, { 0x10, 0, 0, 0 }, 0, 0, call_id };

	b->len = 0;
	rpc_hdr_push(b, &h);
	rpc_push_u32(b, 4);
	rpc_push_u16(b, 0);
	rpc_push_u16(b, 0);
	rpc_push_u32(b, 0xdeadbeef);
	rpc_put_le16(b->data + 8, (uint16_t)b->len);
}

/* Everything the connection wants to send, as one PDU (checked). */
static const uint8_t *reply(struct rpc_conn *c, size_t *len)
{
	const uint8_t *p;

	ck_assert(rpc_conn_output(c, &p, len));
	ck_assert_uint_eq(rpc_le16(p + 8), *len);
	rpc_conn_consumed(c, *len);
	return p;
}

START_TEST(test_bind_negotiation)
{
	struct rpc_conn *c = rpc_conn_new(1, "127.0.0.1", 135);
	struct rpc_buf b = { 0 };
	const uint8_t *p, *r;
	size_t len;

	make_bind(&b, RPC_PT_BIND, 1);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_BIND_ACK);
	ck_assert_uint_eq(rpc_le16(p + 16), 4280);       /* max_xmit */
	ck_assert_uint_eq(rpc_le16(p + 24), 4);          /* sec_addr "135" */
	ck_assert_mem_eq(p + 26, "135", 4);
	r = p + 32;
	ck_assert_uint_eq(r[0], 4);                      /* 4 results */
	r += 4;
	ck_assert_uint_eq(rpc_le16(r), RPC_RESULT_ACCEPT);       /* ctx 0: NDR32 */
	ck_assert_mem_eq(r + 4, rpc_ndr32_syntax.uuid, 16);
	r += 24;
	ck_assert_uint_eq(rpc_le16(r), RPC_RESULT_PROVIDER_REJ); /* ctx 1 */
	ck_assert_uint_eq(rpc_le16(r + 2), RPC_REASON_TRANSFER_NOT_SUPPORTED);
	r += 24;
	ck_assert_uint_eq(rpc_le16(r), RPC_RESULT_NEGOTIATE_ACK); /* ctx 2 */
	ck_assert_uint_eq(rpc_le16(r + 2), 3);           /* multiplexing, keep on orphan */
	r += 24;
	ck_assert_uint_eq(rpc_le16(r), RPC_RESULT_PROVIDER_REJ); /* ctx 3 */
	ck_assert_uint_eq(rpc_le16(r + 2), RPC_REASON_ABSTRACT_NOT_SUPPORTED);
	ck_assert_uint_eq(r + 24 - p, len);
	ck_assert(!rpc_conn_closing(c));

	/* alter_context may add contexts; so may a second bind (impacket
	 * re-binds), which cannot renegotiate the fragment sizes */
	make_bind(&b, RPC_PT_ALTER, 2);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_ALTER_RESP);
	make_bind(&b, RPC_PT_BIND, 3);
	rpc_put_le16(b.data + 16, 2048);
	rpc_put_le16(b.data + 18, 2048);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_BIND_ACK);
	ck_assert_uint_eq(rpc_le16(p + 16), 4280);
	ck_assert_uint_eq(rpc_le16(p + 18), 4280);
	ck_assert_uint_eq(rpc_le16(p + 32 + 4), RPC_RESULT_ACCEPT);
	ck_assert(!rpc_conn_closing(c));
	rpc_conn_free(c);

	/* but an alter_context before any bind is a protocol error */
	c = rpc_conn_new(1, "127.0.0.1", 135);
	make_bind(&b, RPC_PT_ALTER, 1);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_FAULT);
	ck_assert(rpc_conn_closing(c));
	rpc_conn_free(c);
	rpc_buf_release(&b);
}
END_TEST

START_TEST(test_unauthenticated_request)
{
	struct rpc_conn *c = rpc_conn_new(2, "127.0.0.1", 135);
	struct rpc_buf b = { 0 };
	const uint8_t *p;
	size_t len;

	/* a request before any bind: protocol error */
	make_request(&b, 1);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_FAULT);
	ck_assert_uint_eq(rpc_le32(p + 24), NCA_S_PROTO_ERROR);
	ck_assert(rpc_conn_closing(c));
	rpc_conn_free(c);

	/* bound, but no verifier: access denied, not executed, closed */
	c = rpc_conn_new(3, "127.0.0.1", 135);
	make_bind(&b, RPC_PT_BIND, 1);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	reply(c, &len);
	make_request(&b, 2);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_FAULT);
	ck_assert_uint_eq(p[3] & RPC_PFC_DID_NOT_EXECUTE, RPC_PFC_DID_NOT_EXECUTE);
	ck_assert_uint_eq(rpc_le32(p + 12), 2);          /* call_id */
	ck_assert_uint_eq(rpc_le32(p + 24), NCA_S_FAULT_ACCESS_DENIED);
	ck_assert(rpc_conn_closing(c));
	ck_assert_int_eq(executed, 0);
	/* after that, nothing more is read */
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	ck_assert(!rpc_conn_output(c, &p, &len));
	rpc_conn_free(c);
	rpc_buf_release(&b);
}
END_TEST

START_TEST(test_bad_framing)
{
	struct rpc_conn *c = rpc_conn_new(4, "127.0.0.1", 135);
	struct rpc_buf b = { 0 };
	const uint8_t *p;
	size_t len;

	/* big-endian data representation */
	make_bind(&b, RPC_PT_BIND, 1);
	b.data[4] = 0x00;
	ck_assert_int_eq(rpc_conn_feed(c, b.data, b.len), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_FAULT);
	ck_assert(rpc_conn_closing(c));
	rpc_conn_free(c);

	/* a fragment longer than negotiated, announced in its first bytes */
	c = rpc_conn_new(5, "127.0.0.1", 135);
	make_bind(&b, RPC_PT_BIND, 1);
	rpc_put_le16(b.data + 8, 60000);
	ck_assert_int_eq(rpc_conn_feed(c, b.data, 16), 0);
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_FAULT);
	ck_assert(rpc_conn_closing(c));
	rpc_conn_free(c);

	/* a bind delivered one byte at a time is still one bind */
	c = rpc_conn_new(6, "127.0.0.1", 135);
	make_bind(&b, RPC_PT_BIND, 1);
	for (len = 0; len < b.len; len++) {
		ck_assert(!rpc_conn_output(c, &p, &(size_t){ 0 }));
		ck_assert_int_eq(rpc_conn_feed(c, b.data + len, 1), 0);
	}
	p = reply(c, &len);
	ck_assert_uint_eq(p[2], RPC_PT_BIND_ACK);
	rpc_conn_free(c);
	rpc_buf_release(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rpc-conn");
	TCase *tc = tcase_create("state-machine");
	SRunner *sr;
	int failed;

	log_init(-1, 0, "test-rpc-conn");
	rpc_register_interface(scm_uuid, 0, handler);
	tcase_add_test(tc, test_bind_negotiation);
	tcase_add_test(tc, test_unauthenticated_request);
	tcase_add_test(tc, test_bad_framing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
