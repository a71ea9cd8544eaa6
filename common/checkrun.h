/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* checkrun.h: the main() of a Check unit test, written once.  Every test
 * program built on Check made a suite of one test case, ran it and turned
 * the failure count into an exit status in the same ten lines; each now
 * fills its TCase (fixtures, timeout, tests) and returns check_run().
 * Header-only so that libcommon does not depend on Check.
 */
#ifndef COMMON_CHECKRUN_H
#define COMMON_CHECKRUN_H

#include <check.h>
#include <stdlib.h>

/* Run TC as the one test case of a suite named NAME (forking per test, as
 * Check does by default); EXIT_SUCCESS when every test passed. */
static inline int check_run(const char *name, TCase *tc)
{
	Suite *s = suite_create(name);
	SRunner *sr;
	int failed;

	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
