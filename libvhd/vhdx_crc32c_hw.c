/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_crc32c_hw.c: CRC-32C with the CPU's own instruction, where there is
 * one: SSE4.2's crc32 on x86-64 (chosen at run time, so one build serves
 * CPUs with and without it), ARMv8's crc32c when the compiler already
 * targets it (__ARM_FEATURE_CRC32; little-endian, as the 8-byte loads
 * assume).  Everywhere else vhdx_crc32c_hw()
 * answers NULL and vhdx_format.c's table code runs.
 *
 * VHDX checksums every header, region table and log entry, so every open
 * pays it (a 64 KiB region table twice) and so does every log write.  The
 * instruction does 8 bytes in one step where the table code does eight
 * lookups.  Trade-off: one crc32 at a time, each waiting for the last
 * (about 3 cycles per 8 bytes); interleaving three streams and combining
 * them would be faster still, but needs a carry-less multiply and more code
 * than checksums of 64 KiB at most call for.
 *
 * The loop is not instrumented for the fuzzers' coverage (clang's
 * no_sanitize("coverage")): its branches depend only on the length, and
 * their callbacks were most of what the CRC cost under libFuzzer.  The
 * comparisons of checksums, in the callers, stay instrumented.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "vhdx_internal.h"

#if defined(__clang__)
#define NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define NO_COVERAGE
#endif

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <nmmintrin.h>

__attribute__((target("sse4.2"))) NO_COVERAGE
static uint32_t crc_sse42(uint32_t c, const uint8_t *p, size_t n)
{
	uint64_t c64;

	for (; n && ((uintptr_t)p & 7); p++, n--)
		c = _mm_crc32_u8(c, *p);
	c64 = c;
	for (; n >= 32; p += 32, n -= 32) {
		uint64_t v[4];

		memcpy(v, p, sizeof(v));
		c64 = _mm_crc32_u64(c64, v[0]);
		c64 = _mm_crc32_u64(c64, v[1]);
		c64 = _mm_crc32_u64(c64, v[2]);
		c64 = _mm_crc32_u64(c64, v[3]);
	}
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		c64 = _mm_crc32_u64(c64, v);
	}
	c = (uint32_t)c64;
	for (; n; p++, n--)
		c = _mm_crc32_u8(c, *p);
	return c;
}

vhdx_crc_fn *vhdx_crc32c_hw(void)
{
	return __builtin_cpu_supports("sse4.2") ? crc_sse42 : NULL;
}

#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#include <arm_acle.h>

NO_COVERAGE
static uint32_t crc_armv8(uint32_t c, const uint8_t *p, size_t n)
{
	for (; n && ((uintptr_t)p & 7); p++, n--)
		c = __crc32cb(c, *p);
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		c = __crc32cd(c, v);
	}
	for (; n; p++, n--)
		c = __crc32cb(c, *p);
	return c;
}

vhdx_crc_fn *vhdx_crc32c_hw(void)
{
	return crc_armv8;
}

#else

vhdx_crc_fn *vhdx_crc32c_hw(void)
{
	return NULL;
}

#endif
