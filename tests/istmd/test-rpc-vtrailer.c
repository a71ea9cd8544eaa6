/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-rpc-vtrailer.c: the verification trailer ([MS-RPCE] 2.2.2.13) as
 * Samba's client sends it (bitmask, pcontext, header2) is found and cut
 * off; a pcontext naming another interface or a header2 naming another
 * opnum or call id refuses the call; an unknown must-process command
 * refuses it, an unknown optional one is skipped; a stub without one, or
 * with the magic but no well-formed trailer, is left alone. */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <string.h>

#include "common/checkrun.h"
#include "rpc_int.h"

static const struct rpc_syntax iface = {
	{ 0xc5, 0x5e, 0xa1, 0x60, 0xe8, 0x4d, 0xd7, 0x11, 0xa6, 0x37, 0, 0x50, 0x56, 0xa2, 1, 0x82 },
	1, 0 };
static const uint8_t drep[4] = { 0x10, 0, 0, 0 };

/* stub "ABCD" + trailer; HDR_OPNUM / CMD3 let a test change things */
static size_t make(uint8_t *b, uint16_t hdr_opnum, uint16_t extra_cmd)
{
	static const uint8_t magic[8] = { 0x8a, 0xe3, 0x13, 0x71, 0x02, 0xf4, 0x36, 0x71 };
	size_t n = 0;

	memcpy(b, "ABCD", 4); n = 4;
	memcpy(b + n, magic, 8); n += 8;
	rpc_put_le16(b + n, 0x0001); rpc_put_le16(b + n + 2, 4); rpc_put_le32(b + n + 4, 1); n += 8;
	if (extra_cmd) {
		rpc_put_le16(b + n, extra_cmd); rpc_put_le16(b + n + 2, 4);
		rpc_put_le32(b + n + 4, 0); n += 8;
	}
	rpc_put_le16(b + n, 0x8002); rpc_put_le16(b + n + 2, 40);
	memcpy(b + n + 4, iface.uuid, 16);
	rpc_put_le16(b + n + 20, 1); rpc_put_le16(b + n + 22, 0);
	memcpy(b + n + 24, rpc_ndr32_syntax.uuid, 16);
	rpc_put_le32(b + n + 40, 2); n += 44;
	rpc_put_le16(b + n, 0x4003); rpc_put_le16(b + n + 2, 16);
	memset(b + n + 4, 0, 16);
	b[n + 4] = RPC_PT_REQUEST;
	memcpy(b + n + 8, drep, 4);
	rpc_put_le32(b + n + 12, 7);             /* call id */
	rpc_put_le16(b + n + 16, 0);             /* context */
	rpc_put_le16(b + n + 18, hdr_opnum);
	n += 20;
	return n;
}

START_TEST(trailer)
{
	struct rpc_vtrailer_call call = { &iface, drep, 7, 0, 1 };
	struct rpc_syntax other = iface;
	uint8_t b[256];
	size_t len;

	len = make(b, 1, 0);
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), 1);
	ck_assert_uint_eq(len, 4);
	len = make(b, 2, 0);                     /* header2 says opnum 2 */
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), -EACCES);
	call.call_id = 8;
	len = make(b, 1, 0);
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), -EACCES);
	call.call_id = 7;
	other.vers_major = 2;                    /* bound another version */
	call.abstract = &other;
	len = make(b, 1, 0);
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), -EACCES);
	call.abstract = &iface;
	len = make(b, 1, 0x8007);                /* unknown, must process */
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), -EACCES);
	len = make(b, 1, 0x0007);                /* unknown, optional */
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), 1);
	ck_assert_uint_eq(len, 4);
	len = make(b, 1, 0) - 1;                 /* cut short: not a trailer */
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), 0);
	len = 4;
	ck_assert_int_eq(rpc_vtrailer_strip(b, &len, &call), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, trailer);
	return check_run("vtrailer", tc);
}
