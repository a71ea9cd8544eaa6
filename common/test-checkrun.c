/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-checkrun.c: check_run() (checkrun.h) says success only when every
 * test passed: a case whose one test fails must give EXIT_FAILURE (its
 * "FAIL" line in the log is expected), one that passes EXIT_SUCCESS.
 */
#include <config.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/checkrun.h"

START_TEST(test_passes)
{
	ck_assert_int_eq(1 + 1, 2);
}
END_TEST

START_TEST(test_fails)
{
	ck_abort_msg("this failure is expected: check_run() must report it");
}
END_TEST

int main(void)
{
	TCase *good = tcase_create("good"), *bad = tcase_create("bad");

	tcase_add_test(good, test_passes);
	tcase_add_test(bad, test_passes);
	tcase_add_test(bad, test_fails);
	if (check_run("good", good) != EXIT_SUCCESS) {
		fprintf(stderr, "FAIL: check_run reports a failure where every test passed\n");
		return EXIT_FAILURE;
	}
	if (check_run("bad", bad) != EXIT_FAILURE) {
		fprintf(stderr, "FAIL: check_run reports success where a test failed\n");
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
