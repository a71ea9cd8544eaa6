/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ndr-istm.c: libFuzzer harness for the [in] parameter lists of every
 * ISTM interface istmd registers: each input is pulled as every method's
 * stub (so one corpus serves all methods, present and future), and any
 * stub a table accepts must push back and survive a second round trip
 * unchanged (tests/istmd/istm-tables.c). */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "istm-tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct istm_method_ref refs[1024];
	static size_t n;
	size_t i;

	if (!n)
		n = istm_all_methods(refs, 1024);
	for (i = 0; i < n && i < 1024; i++)
		if (istm_method_roundtrip(&refs[i], data, size) < 0)
			abort();
	return 0;
}
