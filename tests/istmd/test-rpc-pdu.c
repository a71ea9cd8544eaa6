/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-rpc-pdu.c: PDU codec tests on bytes captured from impacket 0.10
 * (its bind to IRemoteSCMActivator on port 135, as in
 * ../shared/reference/dcom-impacket/mock.out): pull, check the fields,
 * push what we send, compare; plus the refusals of malformed headers. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkrun.h"
#include "ntlmssp.h"
#include "rpc_int.h"

/* impacket 0.10 DCERPC_v5.bind(IID_IRemoteSCMActivator), packet privacy:
 *   05 00 0b 03  10 00 00 00  70 00 20 00  01 00 00 00   v5.0 bind, first|last, LE,
 *                                                        frag_len 112, auth_len 32, call_id 1
 *   b8 10 b8 10  00 00 00 00                             max_xmit 4280, max_recv 4280, assoc 0
 *   01 00 00 00                                          1 context item
 *   00 00 01 00                                          p_cont_id 0, 1 transfer syntax
 *   a0 01 00 00 00 00 00 00 c0 00 00 00 00 00 00 46      000001a0-0000-0000-c000-000000000046
 *   00 00 00 00                                          v0.0
 *   04 5d 88 8a eb 1c c9 11 9f e8 08 00 2b 10 48 60      NDR32
 *   02 00 00 00                                          v2.0
 *   0a 06 00 00 7f 35 01 00                              sec_trailer: NTLMSSP, privacy,
 *                                                        pad 0, auth_context_id 79231
 *   4e 54 4c 4d 53 53 50 00 01 00 00 00 35 82 88 e0 ...  NTLMSSP NEGOTIATE, flags 0xe0888235
 */
static const char impacket_bind_hex[] =
	"05000b03100000007000200001000000b810b810000000000100000000000100"
	"a001000000000000c00000000000004600000000045d888aeb1cc9119fe80800"
	"2b104860020000000a0600007f3501004e544c4d5353500001000000358288e0"
	"00000000000000000000000000000000";

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = strlen(hex) / 2, i;

	for (i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
	return n;
}

static const uint8_t scm_uuid[16] = {
	0xa0, 0x01, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46
};

START_TEST(test_bind_pull)
{
	uint8_t p[256];
	size_t n = unhex(impacket_bind_hex, p);
	struct rpc_pdu pdu;
	struct rpc_bind b;
	uint32_t flags;

	ck_assert_uint_eq(n, 112);
	ck_assert_int_eq(rpc_pdu_parse(p, n, &pdu), 0);
	ck_assert_uint_eq(pdu.hdr.ptype, RPC_PT_BIND);
	ck_assert_uint_eq(pdu.hdr.pfc_flags, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG);
	ck_assert_uint_eq(pdu.hdr.frag_len, 112);
	ck_assert_uint_eq(pdu.hdr.auth_len, 32);
	ck_assert_uint_eq(pdu.hdr.call_id, 1);
	ck_assert(pdu.has_auth);
	ck_assert_uint_eq(pdu.trailer_off, 72);
	ck_assert_uint_eq(pdu.auth.auth_type, RPC_AUTHN_WINNT);
	ck_assert_uint_eq(pdu.auth.auth_level, RPC_AUTHN_LEVEL_PKT_PRIVACY);
	ck_assert_uint_eq(pdu.auth.auth_ctx_id, 79231);
	ck_assert_int_eq(rpc_bind_parse(p + pdu.body_off, pdu.body_len, &b), 0);
	ck_assert_uint_eq(b.max_xmit, 4280);
	ck_assert_uint_eq(b.max_recv, 4280);
	ck_assert_uint_eq(b.assoc_group, 0);
	ck_assert_uint_eq(b.n_ctx, 1);
	ck_assert_uint_eq(b.ctx[0].ctx_id, 0);
	ck_assert_uint_eq(b.ctx[0].n_transfer, 1);
	ck_assert_mem_eq(b.ctx[0].abstract.uuid, scm_uuid, 16);
	ck_assert_uint_eq(b.ctx[0].abstract.vers_major, 0);
	ck_assert(rpc_syntax_eq(&b.ctx[0].transfer[0], &rpc_ndr32_syntax));
	ck_assert_int_eq(ntlmssp_negotiate_parse(pdu.auth_value, pdu.hdr.auth_len, &flags), 0);
	ck_assert_uint_eq(flags, 0xe0888235u);
}
END_TEST

/* Push the header again from the decoded fields: same bytes. */
START_TEST(test_hdr_roundtrip)
{
	uint8_t p[256];
	size_t n = unhex(impacket_bind_hex, p);
	struct rpc_buf b = { 0 };
	struct rpc_hdr h;

	ck_assert_int_eq(rpc_hdr_pull(p, n, &h), 0);
	ck_assert_int_eq(rpc_hdr_push(&b, &h), 0);
	ck_assert_uint_eq(b.len, 16);
	ck_assert_mem_eq(b.data, p, 16);
	rpc_buf_release(&b);
}
END_TEST

/* What istmd answers to that bind (without the NTLM part):
 *   05 00 0c 03 10 00 00 00 3c 00 00 00 01 00 00 00   bind_ack, frag_len 60, call_id 1
 *   b8 10 b8 10 34 12 00 00                           4280/4280, assoc group 0x1234
 *   04 00 31 33 35 00                                 sec_addr "135"
 *   00 00                                             pad to 4
 *   01 00 00 00                                       1 result
 *   00 00 00 00 + NDR32 v2.0                          acceptance */
START_TEST(test_bind_ack_push)
{
	static const char want_hex[] =
		"05000c03100000003c00000001000000" "b810b81034120000040031333500"
		"000001000000" "00000000045d888aeb1cc9119fe808002b10486002000000";
	struct rpc_ctx_result r = { RPC_RESULT_ACCEPT, 0, rpc_ndr32_syntax };
	struct rpc_buf b = { 0 };
	uint8_t want[128];
	size_t n = unhex(want_hex, want);
	struct rpc_pdu pdu;

	ck_assert_int_eq(rpc_bind_ack_build(&b, RPC_PT_BIND_ACK, 3, 1, 4280, 4280, 0x1234,
					    "135", &r, 1, NULL, NULL, 0), 0);
	ck_assert_uint_eq(b.len, n);
	ck_assert_mem_eq(b.data, want, n);
	ck_assert_int_eq(rpc_pdu_parse(b.data, b.len, &pdu), 0);
	ck_assert_uint_eq(pdu.hdr.ptype, RPC_PT_BIND_ACK);
	rpc_buf_release(&b);
}
END_TEST

START_TEST(test_fault_and_nak_push)
{
	struct rpc_buf b = { 0 };
	struct rpc_pdu pdu;

	ck_assert_int_eq(rpc_fault_build(&b, 7, 1, NCA_S_FAULT_ACCESS_DENIED, 1), 0);
	ck_assert_uint_eq(b.len, 32);
	ck_assert_int_eq(rpc_pdu_parse(b.data, b.len, &pdu), 0);
	ck_assert_uint_eq(pdu.hdr.ptype, RPC_PT_FAULT);
	ck_assert_uint_eq(pdu.hdr.pfc_flags, 0x23);
	ck_assert_uint_eq(pdu.hdr.call_id, 7);
	ck_assert_uint_eq(rpc_le16(b.data + 20), 1);
	ck_assert_uint_eq(rpc_le32(b.data + 24), 5);
	ck_assert_int_eq(rpc_bind_nak_build(&b, 9, RPC_NAK_AUTH_TYPE), 0);
	ck_assert_uint_eq(b.len, 24);
	ck_assert_uint_eq(b.data[2], RPC_PT_BIND_NAK);
	ck_assert_uint_eq(rpc_le16(b.data + 16), RPC_NAK_AUTH_TYPE);
	ck_assert_uint_eq(b.data[18], 1);
	ck_assert_uint_eq(b.data[19], 5);
	rpc_buf_release(&b);
}
END_TEST

START_TEST(test_malformed)
{
	uint8_t p[256], q[256];
	size_t n = unhex(impacket_bind_hex, p), i;
	struct rpc_pdu pdu;
	struct rpc_bind b;

	/* big-endian data representation: refused */
	memcpy(q, p, n);
	q[4] = 0x00;
	ck_assert_int_eq(rpc_pdu_parse(q, n, &pdu), -EPROTONOSUPPORT);
	/* version 4 */
	memcpy(q, p, n);
	q[0] = 4;
	ck_assert_int_eq(rpc_pdu_parse(q, n, &pdu), -EPROTONOSUPPORT);
	/* frag_len disagrees with the bytes */
	ck_assert_int_eq(rpc_pdu_parse(p, n - 1, &pdu), -EPROTO);
	/* auth_len larger than the fragment */
	memcpy(q, p, n);
	q[10] = 0xff;
	ck_assert_int_eq(rpc_pdu_parse(q, n, &pdu), -EPROTO);
	/* every truncation of the bind body fails cleanly */
	ck_assert_int_eq(rpc_pdu_parse(p, n, &pdu), 0);
	for (i = 0; i < 56; i++) /* the body without the trailer is 56 bytes */
		ck_assert_int_lt(rpc_bind_parse(p + 16, i, &b), 0);
	/* too many context items */
	memcpy(q, p, n);
	q[24] = 200;
	ck_assert_int_eq(rpc_bind_parse(q + 16, n - 16, &b), -E2BIG);
	/* zero transfer syntaxes */
	memcpy(q, p, n);
	q[30] = 0;
	ck_assert_int_eq(rpc_bind_parse(q + 16, n - 16, &b), -EPROTO);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_bind_pull);
	tcase_add_test(tc, test_hdr_roundtrip);
	tcase_add_test(tc, test_bind_ack_push);
	tcase_add_test(tc, test_fault_and_nak_push);
	tcase_add_test(tc, test_malformed);
	return check_run("rpc-pdu", tc);
}
