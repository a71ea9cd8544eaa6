/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-deep-chain.c: reads through a chain of depth 64 against a model.
 *
 * Each of 64 layers (a dynamic base and 63 differencing disks with block
 * sizes from 4 KiB to 2 MiB) is written with random unaligned ranges and
 * discards while it is the top, and the same operations are applied to a
 * plain buffer.  The finished chain must read as the buffer: whole, in
 * random ranges, and through vhd_chain_map() plus pread() on the fds it
 * gives.  Those reads go through the parent map (parentmap.c), so this is
 * its correctness test: the map must say what asking each layer says.  A
 * sibling of the top (another child of the same parent) must share the map
 * with the top's chain and read its own bytes; writes to the top after the
 * map is built must show, and the sibling must not see them.  The per-layer
 * walk the map is built from must agree with the map at random offsets.
 * Links libvhd's internals for the map's statistics and the walk.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "model-support.h"

#define DEPTH 64
#define DISK ((4u << 20) + 1536u) /* not a multiple of any block size */

static uint8_t *model, *below; /* the disk; what the layers under the top hold */

static const struct model_params params = {
	.seed = 0x9E3779B97F4A7C15ull, .prefix = "vhddeep", .disk = DISK,
	.mid_percent = 85, .big = 300000,
};

static void path_of(char *out, int layer)
{
	if (layer < 0)
		snprintf(out, 512, "%s/sibling.vhd", dir);
	else
		snprintf(out, 512, "%s/l%02d.vhd", dir, layer);
}

static void setup(void)
{
	model_setup(&params);
	model = model_alloc(DISK);
	below = model_alloc(DISK);
}

/* N random writes and discards on the top of C, mirrored in MODEL. */
static void write_some(vhd_chain *c, int n)
{
	uint8_t *buf = malloc(300000);

	for (int i = 0; i < n; i++) {
		uint64_t off;
		size_t len;

		random_range(&off, &len);
		if (rnd() % 8) {
			fill(buf, len);
			ck_assert_msg(vhd_chain_pwrite(c, buf, len, off) == 0, "write: %s", vhd_errmsg());
			memcpy(model + off, buf, len);
		} else {
			/* whole sectors go back to the parents, fragments are rewritten */
			ck_assert_msg(vhd_chain_discard(c, off, len) == 0, "discard: %s", vhd_errmsg());
			if (vhd_chain_depth(c) > 1)
				memcpy(model + off, below + off, len);
			else
				memset(model + off, 0, len);
		}
	}
	free(buf);
}

static void compare(vhd_chain *c, const uint8_t *want)
{
	uint8_t *buf = malloc(DISK);
	uint64_t off = 0;

	ck_assert_int_eq(vhd_chain_pread(c, buf, DISK, 0), 0);
	for (size_t i = 0; i < DISK; i++)
		if (buf[i] != want[i])
			ck_abort_msg("byte %zu: disk 0x%02x, model 0x%02x", i, buf[i], want[i]);
	for (int i = 0; i < 3000; i++) {
		size_t len;

		random_range(&off, &len);
		ck_assert_int_eq(vhd_chain_pread(c, buf, len, off), 0);
		ck_assert_msg(memcmp(buf, want + off, len) == 0, "read of %zu at %llu differs", len,
		              (unsigned long long)off);
	}
	memset(buf, 0xEE, DISK);
	for (off = 0; off < DISK;) {
		struct vhd_extent e;

		ck_assert_int_eq(vhd_chain_map(c, off, DISK - off, &e), 0);
		ck_assert_uint_gt(e.length, 0);
		ck_assert_uint_le(e.length, DISK - off);
		if (e.fd < 0)
			memset(buf + off, 0, e.length);
		else
			ck_assert_int_eq(pread(e.fd, buf + off, e.length, (off_t)e.file_offset),
			                 (ssize_t)e.length);
		off += e.length;
	}
	ck_assert_mem_eq(buf, want, DISK);
	free(buf);
}

/* The map and the per-layer walk give the same bytes at random offsets. */
static void compare_walk(vhd_chain *c)
{
	uint8_t a[4096], b[4096];

	for (int i = 0; i < 2000; i++) {
		uint64_t off = rnd() % DISK, len = 1 + rnd() % sizeof(a);
		struct vhd_extent m, w;

		if (len > DISK - off)
			len = DISK - off;
		ck_assert_int_eq(vhd_chain_resolve(c, 0, off, len, &m), 0);
		ck_assert_int_eq(vhd_chain_walk(c, 0, off, len, &w), 0);
		len = m.length < w.length ? m.length : w.length;
		ck_assert_int_eq(m.layer, w.layer);
		if (m.fd < 0) {
			ck_assert_int_lt(w.fd, 0);
			continue;
		}
		ck_assert_int_eq(pread(m.fd, a, len, (off_t)m.file_offset), (ssize_t)len);
		ck_assert_int_eq(pread(w.fd, b, len, (off_t)w.file_offset), (ssize_t)len);
		ck_assert_mem_eq(a, b, len);
	}
}

static vhd_chain *add_layer(int k)
{
	static const uint32_t blocks[] = { 4096, 16384, 65536, 0 /* 2 MiB */, 32768, 8192 };
	struct vhd_create_opts o = { 0 };
	char p[512], pp[512];
	vhd_chain *c;

	path_of(p, k);
	if (k > 0) {
		path_of(pp, k - 1);
		o.type = VHD_TYPE_DIFF;
		o.parent = pp;
	} else {
		o.type = VHD_TYPE_DYNAMIC;
		o.size = DISK;
	}
	o.block_size = blocks[rnd() % 6];
	ck_assert_msg(vhd_create(p, &o) == 0, "create: %s", vhd_errmsg());
	ck_assert_msg(vhd_chain_open(p, 0, &c) == 0, "open: %s", vhd_errmsg());
	memcpy(below, model, DISK);
	return c;
}

START_TEST(test_depth64)
{
	uint8_t *at62 = malloc(DISK), *sib_model;
	vhd_chain *c, *s;
	size_t bytes, chunks;
	unsigned users;
	char p[512], pp[512];
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF };

	for (int k = 0; k < DEPTH; k++) {
		c = add_layer(k);
		ck_assert_int_eq(vhd_chain_depth(c), k + 1);
		write_some(c, 12);
		if (k == DEPTH - 2)
			memcpy(at62, model, DISK);
		ck_assert_int_eq(vhd_chain_flush(c), 0);
		vhd_chain_close(c);
	}
	path_of(p, DEPTH - 1);
	ck_assert_int_eq(vhd_chain_open(p, VHD_OPEN_RDONLY, &c), 0);
	ck_assert_int_eq(vhd_chain_depth(c), DEPTH);
	compare(c, model);
	compare_walk(c);
	vhd_parent_map_stats(c, &bytes, &chunks, &users);
	ck_assert_uint_gt(bytes, 0);
	ck_assert_uint_eq(chunks, 3); /* 4 MiB + 1536 in 2 MiB chunks */
	ck_assert_uint_eq(users, 1);
	vhd_chain_close(c);

	/* A sibling of the top shares the top's parents, hence the map. */
	path_of(p, -1);
	path_of(pp, DEPTH - 2);
	o.parent = pp;
	ck_assert_msg(vhd_create(p, &o) == 0, "create: %s", vhd_errmsg());
	path_of(p, DEPTH - 1);
	ck_assert_int_eq(vhd_chain_open(p, 0, &c), 0);
	path_of(p, -1);
	ck_assert_int_eq(vhd_chain_open(p, 0, &s), 0);
	vhd_parent_map_stats(s, &bytes, &chunks, &users);
	ck_assert_uint_eq(users, 2);
	compare(s, at62);
	compare(c, model);
	vhd_parent_map_stats(c, &bytes, &chunks, &users);
	ck_assert_uint_eq(chunks, 3);

	/* Writes to either top show there only; the shared map is unchanged. */
	memcpy(below, at62, DISK);
	write_some(c, 40);
	compare(c, model);
	compare_walk(c);
	sib_model = malloc(DISK);
	memcpy(sib_model, at62, DISK);
	{
		uint8_t *keep = model;

		model = sib_model;
		write_some(s, 40);
		model = keep;
	}
	compare(s, sib_model);
	compare(c, model);
	vhd_chain_close(s);
	vhd_parent_map_stats(c, &bytes, &chunks, &users);
	ck_assert_uint_eq(users, 1);
	vhd_chain_close(c);

	for (int k = 0; k < DEPTH; k++) {
		path_of(p, k);
		ck_assert_msg(vhd_check(p, NULL, NULL) == 0, "vhd_check('%s') found problems", p);
	}
	path_of(p, -1);
	ck_assert_msg(vhd_check(p, NULL, NULL) == 0, "vhd_check('%s') found problems", p);
	free(sib_model);
	free(at62);
}
END_TEST

/* Without locks (inspection of a disk in use) there is no map: the
 * parents could change under the reader. */
START_TEST(test_nolock_has_no_map)
{
	vhd_chain *c;
	size_t bytes, chunks;
	unsigned users;
	char p[512];

	for (int k = 0; k < 3; k++) {
		c = add_layer(k);
		write_some(c, 10);
		vhd_chain_close(c);
	}
	path_of(p, 2);
	ck_assert_int_eq(vhd_chain_open(p, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c), 0);
	compare(c, model);
	vhd_parent_map_stats(c, &bytes, &chunks, &users);
	ck_assert_uint_eq(bytes, 0);
	ck_assert_uint_eq(users, 0);
	vhd_chain_close(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("deep-chain");
	TCase *tc = tcase_create("deep-chain");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, model_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_depth64);
	tcase_add_test(tc, test_nolock_has_no_map);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
