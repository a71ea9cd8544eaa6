/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-ip-literal.c: every spelling of an address gives inet_ntop's one
 * (RFC 5952's for IPv6: lower case, the longest run of zero groups
 * compressed, an IPv4-mapped address dotted), a family restriction is
 * kept, anything else (names, brackets, ports, leading zeros in IPv4,
 * a buffer too small) is refused with the output untouched.
 */
#include <config.h>

#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "common/checkrun.h"
#include "common/ip_literal.h"

static const char *const spellings[][2] = {
	{ "127.0.0.1", "127.0.0.1" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "::1", "::1" },
	{ "0:0:0:0:0:0:0:1", "::1" },
	{ "0:0::1", "::1" },
	{ "0000:0000:0000:0000:0000:0000:0000:0001", "::1" },
	{ "FE80::ABCD", "fe80::abcd" },
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
	{ "::FFFF:127.0.0.1", "::ffff:127.0.0.1" },
	{ "::", "::" },
};

START_TEST(test_spellings)
{
	char out[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
		ck_assert_msg(ip_literal_canonical(spellings[i][0], 0, out, sizeof(out)), "%s",
			      spellings[i][0]);
		ck_assert_str_eq(out, spellings[i][1]);
		ck_assert(ip_literal_same(spellings[i][0], spellings[i][1]));
	}
	ck_assert(!ip_literal_same("::1", "127.0.0.1"));
	ck_assert(!ip_literal_same("::1", "::2"));
}
END_TEST

START_TEST(test_refused)
{
	static const char *const bad[] = { "", "localhost", "[::1]", "127.0.0.1:3260", "127.000.000.001",
					   "1.2.3", "::1%lo", ":::1", "1::2::3", " ::1" };
	char out[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(out, "untouched");
		ck_assert_msg(!ip_literal_canonical(bad[i], 0, out, sizeof(out)), "'%s'", bad[i]);
		ck_assert_str_eq(out, "untouched");
		ck_assert(!ip_literal_same(bad[i], bad[i]));
	}
}
END_TEST

START_TEST(test_family_and_room)
{
	char out[INET6_ADDRSTRLEN], small[4] = "abc";

	ck_assert(!ip_literal_canonical("::1", AF_INET, out, sizeof(out)));
	ck_assert(!ip_literal_canonical("127.0.0.1", AF_INET6, out, sizeof(out)));
	ck_assert(ip_literal_canonical("0:0::1", AF_INET6, out, sizeof(out)));
	ck_assert_str_eq(out, "::1");
	ck_assert(ip_literal_canonical("10.1.2.3", AF_INET, out, sizeof(out)));
	ck_assert_str_eq(out, "10.1.2.3");
	/* "::1" and its NUL fit 4 bytes; "10.1.2.3" does not */
	ck_assert(ip_literal_canonical("0::1", 0, small, sizeof(small)));
	ck_assert_str_eq(small, "::1");
	ck_assert(!ip_literal_canonical("10.1.2.3", 0, small, sizeof(small)));
	ck_assert_str_eq(small, "::1");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("ip_literal");

	tcase_add_test(tc, test_spellings);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_family_and_room);
	return check_run("ip_literal", tc);
}
