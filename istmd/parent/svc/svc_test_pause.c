/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_test_pause.c: named steps where a crash test stops the parent.
 *
 * The snapshot operations call svc_test_pause("step") between their file
 * and store steps.  When ISTMD_TEST_PAUSE_AT names the step, the parent
 * logs "test pause at 'step'" and stops itself with SIGSTOP; the test then
 * kills istmd or tgtd (SIGKILL) and, for tgtd, lets istmd go on (SIGCONT).
 * Trade-off: the check is compiled in always (a getenv per step, no
 * behaviour change when unset), so the code under test is the code that
 * ships; the variable is read only from the parent's own environment,
 * which the network child cannot touch.
 */
#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent/svc/svc.h"

void svc_test_pause(const char *step)
{
	const char *want = getenv("ISTMD_TEST_PAUSE_AT");

	if (!want || strcmp(want, step) != 0)
		return;
	log_info("test pause at '%s'", step);
	raise(SIGSTOP);
	log_info("test pause at '%s' ended", step);
}
