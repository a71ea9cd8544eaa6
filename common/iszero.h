/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iszero.h: is a buffer all zero bytes?  Used to skip writing zeros (sparse
 * conversion, tgt WRITE SAME).  Inline, and built on memcmp of the buffer
 * against itself shifted by one byte, so the C library's vectorised memcmp
 * does the work without a zero buffer of any size.
 */
#ifndef COMMON_ISZERO_H
#define COMMON_ISZERO_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static inline bool is_zero(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	/* p[0] == 0 and every byte equals the one before it */
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

#endif
