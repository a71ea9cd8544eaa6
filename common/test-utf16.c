/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-utf16.c: UTF-16 <-> UTF-8 (utf16.c) in both byte orders and the
 * host's, with surrogate pairs, every kind of invalid input each direction
 * refuses, the lossy mode NTLMSSP names use, measuring, and full buffers.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkrun.h"
#include "common/utf16.h"

/* "a", e-acute, U+1F600 (a surrogate pair) */
#define SAMPLE "a\xc3\xa9\xf0\x9f\x98\x80"

START_TEST(test_roundtrip_both_orders)
{
	uint8_t buf[64];
	char out[64];

	ck_assert_int_eq(utf8_to_utf16(SAMPLE, UTF16_LE, buf, sizeof(buf)), 8);
	ck_assert_uint_eq(buf[0], 'a');
	ck_assert_uint_eq(buf[1], 0);
	ck_assert_uint_eq(buf[2], 0xe9);
	ck_assert_uint_eq(buf[4], 0x3d);
	ck_assert_uint_eq(buf[5], 0xd8);
	ck_assert_uint_eq(buf[6], 0x00);
	ck_assert_uint_eq(buf[7], 0xde);
	ck_assert_int_eq(utf16_to_utf8(buf, 4, UTF16_LE, out, sizeof(out)), 7);
	ck_assert_str_eq(out, SAMPLE);

	ck_assert_int_eq(utf8_to_utf16(SAMPLE, UTF16_BE, buf, sizeof(buf)), 8);
	ck_assert_uint_eq(buf[0], 0);
	ck_assert_uint_eq(buf[1], 'a');
	ck_assert_uint_eq(buf[4], 0xd8);
	ck_assert_uint_eq(buf[5], 0x3d);
	ck_assert_int_eq(utf16_to_utf8(buf, 4, UTF16_BE, out, sizeof(out)), 7);
	ck_assert_str_eq(out, SAMPLE);
}
END_TEST

START_TEST(test_host_order)
{
	uint16_t units[8];
	char out[16];

	ck_assert_int_eq(utf8_to_utf16("\xe2\x82\xac!", UTF16_HOST, units, sizeof(units)), 4);
	ck_assert_uint_eq(units[0], 0x20ac);
	ck_assert_uint_eq(units[1], '!');
	ck_assert_int_eq(utf16_to_utf8(units, 2, UTF16_HOST, out, sizeof(out)), 4);
	ck_assert_str_eq(out, "\xe2\x82\xac!");
}
END_TEST

START_TEST(test_utf16_refused)
{
	uint8_t buf[8] = { 0 };
	char out[16];

	/* a lone low surrogate, a high surrogate at the end, and a high
	 * surrogate followed by something else */
	buf[0] = 0xdc;
	ck_assert_int_eq(utf16_to_utf8(buf, 1, UTF16_BE, out, sizeof(out)), -EILSEQ);
	ck_assert_str_eq(out, "");
	buf[0] = 0xd8;
	ck_assert_int_eq(utf16_to_utf8(buf, 1, UTF16_BE, out, sizeof(out)), -EILSEQ);
	buf[3] = 'x';
	ck_assert_int_eq(utf16_to_utf8(buf, 2, UTF16_BE, out, sizeof(out)), -EILSEQ);
	/* no room: for the terminator, for a multi-byte character */
	buf[0] = 0;
	buf[1] = 'a';
	ck_assert_int_eq(utf16_to_utf8(buf, 1, UTF16_BE, out, 1), -ENAMETOOLONG);
	ck_assert_int_eq(utf16_to_utf8(buf, 1, UTF16_BE, out, 0), -ENAMETOOLONG);
	buf[0] = 0x20;
	buf[1] = 0xac;
	ck_assert_int_eq(utf16_to_utf8(buf, 1, UTF16_BE, out, 3), -ENAMETOOLONG);
	ck_assert_int_eq(utf16_to_utf8(buf, 1, UTF16_BE, out, 4), 3);
}
END_TEST

START_TEST(test_nul_stops)
{
	uint8_t buf[64] = { 0 };
	char out[64];

	buf[0] = 'z';
	buf[4] = 'y';
	ck_assert_int_eq(utf16_to_utf8(buf, 32, UTF16_LE, out, sizeof(out)), 1);
	ck_assert_str_eq(out, "z");
}
END_TEST

START_TEST(test_lossy)
{
	uint8_t buf[16];
	char out[16];

	/* "x", lone high surrogate, "y" -> "x?y" */
	buf[0] = 'x'; buf[1] = 0;
	buf[2] = 0x00; buf[3] = 0xd8;
	buf[4] = 'y'; buf[5] = 0;
	ck_assert_int_eq(utf16_to_utf8(buf, 3, UTF16_LE, out, sizeof(out)), -EILSEQ);
	ck_assert_int_eq(utf16_to_utf8(buf, 3, UTF16_LE | UTF16_LOSSY, out, sizeof(out)), 3);
	ck_assert_str_eq(out, "x?y");
	/* a full buffer cuts at a character boundary, never inside one */
	ck_assert_int_eq(utf8_to_utf16("ab\xc3\xa9", UTF16_LE, buf, sizeof(buf)), 6);
	ck_assert_int_eq(utf16_to_utf8(buf, 3, UTF16_LE | UTF16_LOSSY, out, 4), 2);
	ck_assert_str_eq(out, "ab");
	ck_assert_int_eq(utf16_to_utf8(buf, 3, UTF16_LE | UTF16_LOSSY, out, 5), 4);
	ck_assert_str_eq(out, "ab\xc3\xa9");
}
END_TEST

START_TEST(test_utf8_refused)
{
	uint8_t buf[16];

	ck_assert_int_eq(utf8_to_utf16("\xff", UTF16_LE, buf, sizeof(buf)), -EILSEQ);
	ck_assert_int_eq(utf8_to_utf16("\xc0\x80", UTF16_LE, buf, sizeof(buf)), -EILSEQ);     /* overlong NUL */
	ck_assert_int_eq(utf8_to_utf16("\xe0\x81\x81", UTF16_LE, buf, sizeof(buf)), -EILSEQ); /* overlong */
	ck_assert_int_eq(utf8_to_utf16("\xed\xa0\x80", UTF16_LE, buf, sizeof(buf)), -EILSEQ); /* surrogate */
	ck_assert_int_eq(utf8_to_utf16("\xf4\x90\x80\x80", UTF16_LE, buf, sizeof(buf)), -EILSEQ); /* > U+10FFFF */
	ck_assert_int_eq(utf8_to_utf16("\xc3", UTF16_LE, buf, sizeof(buf)), -EILSEQ);         /* cut short */
	ck_assert_int_eq(utf8_to_utf16("a\x80", UTF16_LE, buf, sizeof(buf)), -EILSEQ);        /* stray continuation */
	/* too small: no room for the third unit, or for half a pair */
	ck_assert_int_eq(utf8_to_utf16("abcd", UTF16_LE, buf, 6), -ENAMETOOLONG);
	ck_assert_int_eq(utf8_to_utf16("a\xf0\x9f\x98\x80", UTF16_LE, buf, 4), -ENAMETOOLONG);
	ck_assert_int_eq(utf8_to_utf16("", UTF16_LE, buf, 0), 0);
}
END_TEST

START_TEST(test_measure)
{
	ck_assert_int_eq(utf8_to_utf16(SAMPLE, UTF16_LE, NULL, 0), 8);
	ck_assert_int_eq(utf8_to_utf16("\xc0\x80", UTF16_LE, NULL, 0), -EILSEQ);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("utf16");

	tcase_add_test(tc, test_roundtrip_both_orders);
	tcase_add_test(tc, test_host_order);
	tcase_add_test(tc, test_utf16_refused);
	tcase_add_test(tc, test_nul_stops);
	tcase_add_test(tc, test_lossy);
	tcase_add_test(tc, test_utf8_refused);
	tcase_add_test(tc, test_measure);
	return check_run("utf16", tc);
}
