/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-rpc-vtrailer.c: libFuzzer harness for the verification trailer
 * parser ([MS-RPCE] 2.2.2.13, rpc_vtrailer.c): the input is a request
 * stub, checked against a fixed call (the values the seed's trailer
 * repeats, corpus/rpc-vtrailer).  Whatever the bytes, the parser must
 * refuse, leave the stub whole, or cut it at a 4-byte boundary before its
 * end. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>

#include "rpc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct rpc_syntax abstract = {
		{ 0x00, 0x4b, 0xc9, 0x5c, 0x3f, 0x9c, 0x8e, 0x40, 0xa4, 0xb5, 0xd5, 0x18, 0xee, 0x67,
		  0xf2, 0x1e }, 1, 0 };
	static const uint8_t drep[4] = { 0x10, 0, 0, 0 };
	const struct rpc_vtrailer_call call = { &abstract, drep, 2, 0, 3 };
	size_t len = size;
	int rc = rpc_vtrailer_strip(data, &len, &call);

	if (rc < 0)
		return 0;
	if (rc == 1 && (len >= size || (len & 3)))
		abort();
	if (rc == 0 && len != size)
		abort();
	return 0;
}
