/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* now.h: the monotonic clock in milliseconds, for timeouts, deadlines and
 * progress rates.  Monotonic because wall-clock steps (NTP, an operator's
 * date) must not fire or stall a timeout; milliseconds because every user
 * counts in them and 64 bits of them last longer than any uptime.
 */
#ifndef COMMON_NOW_H
#define COMMON_NOW_H

#include <stdint.h>
#include <time.h>

/* Milliseconds of CLOCK_MONOTONIC (since an unspecified start, e.g. boot). */
uint64_t now_ms(void);

/* Milliseconds of CLOCK_MONOTONIC since *LAP, with sub-millisecond
 * precision; *LAP becomes now.  For logging how long each step of an
 * operation took: set *LAP with now_lap_start(), then call this after each
 * step. */
void now_lap_start(struct timespec *lap);
double now_lap_ms(struct timespec *lap);

#endif
