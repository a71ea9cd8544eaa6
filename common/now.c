/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* now.c: now_ms() and the step timer now_lap_ms() (see now.h). */
#include <config.h>

#include <time.h>

#include "common/now.h"

uint64_t now_ms(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC cannot fail on Linux with a valid pointer. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void now_lap_start(struct timespec *lap)
{
	clock_gettime(CLOCK_MONOTONIC, lap);
}

double now_lap_ms(struct timespec *lap)
{
	struct timespec now;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (double)(now.tv_sec - lap->tv_sec) * 1e3 +
	     (double)(now.tv_nsec - lap->tv_nsec) / 1e6;
	*lap = now;
	return ms;
}
