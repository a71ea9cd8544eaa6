/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-vhdx-crc32c.c: libvhd's CRC-32C, the checksum of every VHDX header,
 * region table and log entry.  The CPU's instruction (vhdx_crc32c_hw.c)
 * and the table code (vhdx_format.c) must give the same values:
 *   - the test vectors of RFC 3720 (iSCSI) appendix B.4, and the usual
 *     check value of "123456789", through vhdx_crc32c() and each step;
 *   - random buffers of every length up to 600 bytes and a few larger ones
 *     (a 64 KiB region table, odd sizes), at every alignment, from random
 *     running values, and split at random points (a checksum computed in
 *     pieces, as vhdx_crc32c() does around the checksum field);
 *   - vhdx_crc32c() with the checksum field at each place, against the
 *     table code over a copy with that field zeroed.
 * On a CPU or build without the instruction, the comparisons are skipped
 * with a message and the vectors still check the table code.  The random
 * seed is printed, and CRC32C_SEED sets it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/checkrun.h"
#include "vhdx_internal.h"

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void seed(void)
{
	const char *s = getenv("CRC32C_SEED");

	rng = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL) * 2654435761u;
	if (!rng)
		rng = 1;
	printf("test-vhdx-crc32c: CRC32C_SEED=%llu\n", (unsigned long long)rng);
}

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)next();
}

static uint32_t whole(vhdx_crc_fn *step, const uint8_t *p, size_t n)
{
	return step(0xffffffffu, p, n) ^ 0xffffffffu;
}

START_TEST(test_rfc3720_vectors)
{
	/* RFC 3720 B.4: the CRC as sent, least significant byte first. */
	static const uint8_t read10[48] = {
		0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00,
		0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x18, 0x28, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	uint8_t zeros[32], ones[32], up[32], down[32];
	struct {
		const uint8_t *p;
		size_t n;
		uint32_t crc;
	} v[] = {
		{ zeros, 32, 0x8a9136aa }, { ones, 32, 0x62a8ab43 }, { up, 32, 0x46dd794e },
		{ down, 32, 0x113fdb5c },  { read10, 48, 0xd9963a56 },
		{ (const uint8_t *)"123456789", 9, 0xe3069283 },
	};
	vhdx_crc_fn *hw = vhdx_crc32c_hw();

	memset(zeros, 0, 32);
	memset(ones, 0xff, 32);
	for (int i = 0; i < 32; i++) {
		up[i] = (uint8_t)i;
		down[i] = (uint8_t)(31 - i);
	}
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		/* the checksum field past the end: nothing zeroed */
		ck_assert_uint_eq(vhdx_crc32c(v[i].p, v[i].n, v[i].n), v[i].crc);
		ck_assert_uint_eq(whole(vhdx_crc32c_table, v[i].p, v[i].n), v[i].crc);
		if (hw)
			ck_assert_uint_eq(whole(hw, v[i].p, v[i].n), v[i].crc);
	}
	if (!hw)
		printf("test-vhdx-crc32c: no CRC-32C instruction here: table code only\n");
}
END_TEST

START_TEST(test_hw_matches_table)
{
	enum { BIG = 65536 + 64 };
	static const size_t sizes[] = { 4096, 65536, 65536 + 13, 4096 * 3 + 7, 1 << 15 };
	uint8_t *buf = malloc(BIG);
	vhdx_crc_fn *hw = vhdx_crc32c_hw();
	unsigned checked = 0;

	ck_assert_ptr_nonnull(buf);
	if (!hw) {
		printf("test-vhdx-crc32c: no CRC-32C instruction here: nothing to compare\n");
		free(buf);
		return;
	}
	seed();
	for (int round = 0; round < 4; round++) {
		fill(buf, BIG);
		for (size_t align = 0; align < 8; align++) {
			for (size_t n = 0; n <= 600; n++, checked++) {
				uint32_t c = (uint32_t)next();

				ck_assert_msg(hw(c, buf + align, n) == vhdx_crc32c_table(c, buf + align, n),
				              "length %zu at alignment %zu from %08x", n, align, c);
			}
			for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++, checked++) {
				size_t n = sizes[k], cut = (size_t)(next() % (n + 1));
				uint32_t c = (uint32_t)next(), t = vhdx_crc32c_table(c, buf + align, n);

				ck_assert_msg(hw(c, buf + align, n) == t, "length %zu at alignment %zu", n, align);
				ck_assert_msg(hw(hw(c, buf + align, cut), buf + align + cut, n - cut) == t,
				              "length %zu at alignment %zu cut at %zu", n, align, cut);
			}
		}
	}
	printf("test-vhdx-crc32c: %u buffers, instruction and table agree\n", checked);
	free(buf);
}
END_TEST

START_TEST(test_checksum_field)
{
	uint8_t buf[4096 + 8], copy[sizeof(buf)];
	const size_t n = 4096;

	seed();
	fill(buf, sizeof(buf));
	for (size_t off = 0; off <= n + 4; off += (off < 16 || off > n - 16) ? 1 : 509) {
		size_t a = off < n ? off : n, b = n - a < 4 ? n : a + 4;

		memcpy(copy, buf, n);
		memset(copy + a, 0, b - a);
		ck_assert_msg(vhdx_crc32c(buf, n, off) == whole(vhdx_crc32c_table, copy, n),
		              "checksum field at %zu", off);
	}
	/* what vhdx_seal() stores, vhdx_sealed_ok() accepts; one bit less, not */
	vhdx_seal(buf, n);
	ck_assert(vhdx_sealed_ok(buf, n));
	buf[n - 1] ^= 0x10;
	ck_assert(!vhdx_sealed_ok(buf, n));
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vhdx-crc32c");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rfc3720_vectors);
	tcase_add_test(tc, test_hw_matches_table);
	tcase_add_test(tc, test_checksum_field);
	return check_run("vhdx-crc32c", tc);
}
