/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-now.c: now_ms() counts milliseconds of the monotonic clock: it never
 * goes back, a sleep of 50 ms advances it by at least 50, and it agrees
 * with clock_gettime(CLOCK_MONOTONIC) read beside it.  (Only lower bounds:
 * a loaded machine may sleep longer.)
 */
#include <config.h>

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "common/checkrun.h"
#include "common/now.h"

START_TEST(test_monotonic_ms)
{
	struct timespec ts, pause = { 0, 50 * 1000000 };
	uint64_t a, b, mono;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	mono = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	a = now_ms();
	ck_assert_uint_ge(a, mono);
	ck_assert_uint_lt(a - mono, 1000); /* milliseconds, not micro- or seconds */
	for (int i = 0; i < 1000; i++) {
		b = now_ms();
		ck_assert_uint_ge(b, a);
		a = b;
	}
	nanosleep(&pause, NULL);
	b = now_ms();
	ck_assert_uint_ge(b - a, 50);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("now");

	tcase_add_test(tc, test_monotonic_ms);
	return check_run("now", tc);
}
