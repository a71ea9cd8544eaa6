/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-format.c: Check unit tests for libvhd's format code (format.c):
 * footer and header codecs against real bytes, checksums, the CHS
 * geometry algorithm on sizes whose answers real tools wrote, bitmaps and
 * UUID formatting (UTF-16 is tested beside common/utf16.c).  Links the
 * library's internals statically.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkrun.h"
#include "common/utf16.h"
#include "internal.h"

/* The footer of go-vhd/win8.vhd (Windows 8.1, dynamic 40 MiB), as on disk. */
static const uint8_t win8_footer_head[85] = {
	0x63, 0x6f, 0x6e, 0x65, 0x63, 0x74, 0x69, 0x78, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x1c, 0x6c, 0x0c, 0x56, 0x77, 0x69, 0x6e, 0x20,
	0x00, 0x06, 0x00, 0x03, 0x57, 0x69, 0x32, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0x00, 0x03, 0xc3, 0x05, 0x11, 0x00, 0x00, 0x00, 0x03,
	0xff, 0xff, 0xf0, 0x0a, 0xad, 0xb7, 0x19, 0x75, 0x4b, 0x5b, 0x0b, 0x40, 0xb0, 0x25, 0xd0, 0x6d,
	0xab, 0x31, 0xb2, 0x6f, 0x00,
};

static void win8_footer(uint8_t buf[512])
{
	memset(buf, 0, 512);
	memcpy(buf, win8_footer_head, sizeof(win8_footer_head));
}

START_TEST(test_footer_decode_real)
{
	uint8_t buf[512];
	struct vhd_footer f;
	char uuid[37];

	win8_footer(buf);
	ck_assert(vhd_footer_checksum_ok(buf));
	vhd_footer_decode(buf, &f);
	ck_assert_mem_eq(f.cookie, "conectix", 8);
	ck_assert_uint_eq(f.features, 2);
	ck_assert_uint_eq(f.version, 0x00010000);
	ck_assert_uint_eq(f.data_offset, 512);
	ck_assert_mem_eq(f.creator_app, "win ", 4);
	ck_assert_uint_eq(f.creator_version, 0x00060003);
	ck_assert_uint_eq(f.creator_os, 0x5769326b);
	ck_assert_uint_eq(f.current_size, 41943040);
	ck_assert_uint_eq(f.cylinders, 963);
	ck_assert_uint_eq(f.heads, 5);
	ck_assert_uint_eq(f.sectors_per_track, 17);
	ck_assert_uint_eq(f.type, VHD_TYPE_DYNAMIC);
	ck_assert_uint_eq(f.checksum, 0xfffff00a);
	vhd_uuid_format(f.uuid, uuid);
	ck_assert_str_eq(uuid, "adb71975-4b5b-0b40-b025-d06dab31b26f");
}
END_TEST

START_TEST(test_footer_roundtrip)
{
	uint8_t buf[512], again[512];
	struct vhd_footer f;

	win8_footer(buf);
	vhd_footer_decode(buf, &f);
	f.checksum = 0;
	vhd_footer_encode(&f, again);
	ck_assert_mem_eq(buf, again, 512);
	ck_assert_uint_eq(f.checksum, 0xfffff00a);
	/* one flipped bit must break the checksum */
	again[100] ^= 1;
	ck_assert(!vhd_footer_checksum_ok(again));
}
END_TEST

START_TEST(test_header_roundtrip)
{
	struct vhd_header h, d;
	uint8_t buf[1024];
	char name[64];

	memset(&h, 0, sizeof(h));
	memcpy(h.cookie, "cxsparse", 8);
	h.data_offset = ~0ull;
	h.table_offset = 0x2000;
	h.version = 0x00010000;
	h.max_table_entries = 20;
	h.block_size = 0x200000;
	for (int i = 0; i < 16; i++)
		h.parent_uuid[i] = (uint8_t)i;
	ck_assert_int_eq(utf8_to_utf16("C:\\x\\p.vhd", UTF16_BE, h.parent_name, 512), 20);
	h.loc[0] = (struct vhd_locator){ VHD_PLAT_W2KU, 0x1000, 0x42, 0x1000 };
	h.loc[1] = (struct vhd_locator){ VHD_PLAT_W2RU, 0x10000, 0x14, 0x3000 };
	vhd_header_encode(&h, buf);
	ck_assert(vhd_header_checksum_ok(buf));
	/* the offsets the specification gives */
	ck_assert_mem_eq(buf, "cxsparse", 8);
	ck_assert_uint_eq(vhd_get_be64(buf + 16), 0x2000);
	ck_assert_uint_eq(vhd_get_be32(buf + 28), 20);
	ck_assert_uint_eq(vhd_get_be32(buf + 32), 0x200000);
	ck_assert_uint_eq(buf[40 + 15], 15);
	ck_assert_uint_eq(buf[64], 0);
	ck_assert_uint_eq(buf[65], 'C');
	ck_assert_mem_eq(buf + 576, "W2ku", 4);
	ck_assert_uint_eq(vhd_get_be32(buf + 576 + 4), 0x1000);
	ck_assert_uint_eq(vhd_get_be32(buf + 576 + 8), 0x42);
	ck_assert_uint_eq(vhd_get_be64(buf + 576 + 16), 0x1000);
	ck_assert_mem_eq(buf + 600, "W2ru", 4);
	vhd_header_decode(buf, &d);
	ck_assert_uint_eq(d.checksum, h.checksum);
	ck_assert_uint_eq(d.loc[1].offset, 0x3000);
	ck_assert_int_eq(utf16_to_utf8(d.parent_name, 256, UTF16_BE, name, sizeof(name)), 10);
	ck_assert_str_eq(name, "C:\\x\\p.vhd");
	buf[700] ^= 0x80;
	ck_assert(!vhd_header_checksum_ok(buf));
}
END_TEST

START_TEST(test_checksum_skips_field)
{
	uint8_t buf[16] = { 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff, 5 };

	ck_assert_uint_eq(vhd_checksum(buf, sizeof(buf), 4), ~(uint32_t)15);
}
END_TEST

/* Sizes and geometries written by the tools that made the fixtures. */
START_TEST(test_geometry_known)
{
	static const struct {
		uint64_t bytes;
		uint16_t c;
		uint8_t h, s;
	} known[] = {
		{ 41943040ull, 963, 5, 17 },           /* win8.vhd, 40 MiB */
		{ 1073741824ull, 2080, 16, 63 },       /* win8.1-1GB.vhd */
		{ 136365211648ull, 65278, 16, 255 },   /* virtualpc-dynamic, 127 GiB */
		{ 4194304ull, 120, 4, 17 },            /* 4 MiB: 8192/17=481, 4 heads */
		{ 2040ull << 30, 65535, 16, 255 },     /* capped */
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		uint16_t c;
		uint8_t h, s;

		vhd_geometry(known[i].bytes / 512, &c, &h, &s);
		ck_assert_uint_eq(c, known[i].c);
		ck_assert_uint_eq(h, known[i].h);
		ck_assert_uint_eq(s, known[i].s);
	}
}
END_TEST

START_TEST(test_geometry_never_exceeds)
{
	/* The CHS size never exceeds the disk (it rounds down). */
	for (uint64_t sectors = 1; sectors < 70000000ull; sectors = sectors * 3 + 7) {
		uint16_t c;
		uint8_t h, s;

		vhd_geometry(sectors, &c, &h, &s);
		ck_assert_uint_le((uint64_t)c * h * s, sectors);
		ck_assert_uint_le(h, 16);
	}
}
END_TEST

START_TEST(test_bitmaps)
{
	uint8_t bm[8];
	bool set;

	ck_assert_uint_eq(vhd_bitmap_size(2u << 20), 512);
	ck_assert_uint_eq(vhd_bitmap_size(4096), 512);
	ck_assert_uint_eq(vhd_bitmap_size(256u << 20), 65536);
	memset(bm, 0, sizeof(bm));
	vhd_bits_set(bm, 0, 1);
	ck_assert_uint_eq(bm[0], 0x80); /* MSB = first sector */
	vhd_bits_set(bm, 7, 10);
	ck_assert_uint_eq(bm[0], 0x81);
	ck_assert_uint_eq(bm[1], 0xff);
	ck_assert_uint_eq(bm[2], 0x80);
	ck_assert_uint_eq(vhd_bit_run(bm, 0, 64, &set), 1);
	ck_assert(set);
	ck_assert_uint_eq(vhd_bit_run(bm, 1, 63, &set), 6);
	ck_assert(!set);
	ck_assert_uint_eq(vhd_bit_run(bm, 7, 57, &set), 10);
	ck_assert(set);
	ck_assert_uint_eq(vhd_bit_run(bm, 17, 47, &set), 47);
	ck_assert(!set);
	vhd_bits_clear(bm, 8, 8);
	ck_assert_uint_eq(bm[1], 0);
	ck_assert_uint_eq(vhd_bit_run(vhd_bitmap_full, 3, 4000, &set), 4000);
	ck_assert(set);
}
END_TEST

START_TEST(test_uuid_and_names)
{
	uint8_t u[16], v[16];
	char s[37];

	ck_assert_int_eq(vhd_uuid_generate(u), 0);
	ck_assert_int_eq(vhd_uuid_generate(v), 0);
	ck_assert(memcmp(u, v, 16) != 0);
	ck_assert_uint_eq(u[6] >> 4, 4);
	vhd_uuid_format(u, s);
	ck_assert_uint_eq(strlen(s), 36);
	ck_assert_uint_eq(s[8], '-');
	ck_assert_str_eq(vhd_type_name(VHD_TYPE_FIXED), "fixed");
	ck_assert_str_eq(vhd_type_name(VHD_TYPE_DYNAMIC), "dynamic");
	ck_assert_str_eq(vhd_type_name(VHD_TYPE_DIFF), "differencing");
	ck_assert_str_eq(vhd_type_name((enum vhd_type)9), "unknown");
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("format");

	tcase_add_test(tc, test_footer_decode_real);
	tcase_add_test(tc, test_footer_roundtrip);
	tcase_add_test(tc, test_header_roundtrip);
	tcase_add_test(tc, test_checksum_skips_field);
	tcase_add_test(tc, test_geometry_known);
	tcase_add_test(tc, test_geometry_never_exceeds);
	tcase_add_test(tc, test_bitmaps);
	tcase_add_test(tc, test_uuid_and_names);
	return check_run("format", tc);
}
