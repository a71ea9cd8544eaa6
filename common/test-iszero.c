/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-iszero.c: is_zero() (iszero.h) on empty, one-byte and large buffers,
 * with a single non-zero byte at every position of a small buffer and at
 * the first, middle and last byte of a large one.
 */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkrun.h"
#include "common/iszero.h"

START_TEST(test_small)
{
	uint8_t b[67];

	ck_assert(is_zero(NULL, 0));
	memset(b, 0, sizeof(b));
	ck_assert(is_zero(b, 1));
	ck_assert(is_zero(b, sizeof(b)));
	for (size_t i = 0; i < sizeof(b); i++) {
		b[i] = 1;
		ck_assert_msg(!is_zero(b, sizeof(b)), "byte %zu set, still zero", i);
		ck_assert(is_zero(b, i));              /* the bytes before it */
		b[i] = 0;
	}
}
END_TEST

START_TEST(test_large)
{
	size_t n = 4u << 20, at[3] = { 0, (4u << 20) / 2 + 1, (4u << 20) - 1 };
	uint8_t *b = calloc(1, n);

	ck_assert_ptr_nonnull(b);
	ck_assert(is_zero(b, n));
	for (int k = 0; k < 3; k++) {
		b[at[k]] = 0x80;
		ck_assert(!is_zero(b, n));
		b[at[k]] = 0;
	}
	free(b);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("iszero");

	tcase_add_test(tc, test_small);
	tcase_add_test(tc, test_large);
	return check_run("iszero", tc);
}
