/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-faults.c: every I/O call of a write sequence fails in turn.
 *
 * A write sequence (a 64 KiB write into a new block, an unaligned write
 * into another new block, an unaligned write into a block the top already
 * has - bitmap update in a differencing disk - then a flush) runs on a
 * dynamic disk and on a differencing disk over a base full of data, from a
 * flushed state.  A dry run counts its I/O calls (reads, writes, fdatasync:
 * allocation, bitmap, BAT, footer, fills from the parent); then, for each
 * call in turn, the image is put back to the flushed state and the
 * sequence runs with that one call failing (libvhd's fault hook, sysio.c),
 * with EIO (reads, writes and syncs) and with ENOSPC (writes and syncs).
 * Each time:
 *   - the caller gets that errno and a message naming the file and reason;
 *   - the image passes vhd_check (what `vhdtool check` runs), every layer;
 *   - reopened, every byte reads as it was at the flush or as the sequence
 *     would have left it (nothing that was flushed is lost, nothing else
 *     appears);
 *   - the same chain, used again after the failure, completes the sequence
 *     and reads back exactly what it wrote, also after a reopen.
 * Links libvhd's internals for the fault hook.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "model-support.h"

#define DISK (8u << 20)

static char base_path[512], top_path[512], saved_path[512];
static uint8_t *flushed, *expect, *bufs[3];

static const struct model_params params = {
	.seed = 0x2545F4914F6CDD1Dull, .prefix = "vhdfaults", .disk = DISK,
};

static void setup(void)
{
	model_setup(&params);
	snprintf(base_path, sizeof(base_path), "%s/base.vhd", dir);
	snprintf(top_path, sizeof(top_path), "%s/top.vhd", dir);
	snprintf(saved_path, sizeof(saved_path), "%s/top.saved", dir);
	flushed = model_alloc(DISK);
	expect = model_alloc(DISK);
	for (int i = 0; i < 3; i++) {
		bufs[i] = model_alloc(65536);
		fill(bufs[i], 65536);
	}
}

static void teardown(void)
{
	vhd_fault_disarm();
	model_teardown();
}

/* The writes of the sequence: offset, length, source. */
static const struct { uint64_t off; size_t len; } writes[3] = {
	{ (3u << 20), 65536 },        /* a new block, whole sectors */
	{ (5u << 20) + 100, 1000 },   /* a new block, partial sectors */
	{ 300, 700 },                 /* block 0, which the top already has */
};

/* The sequence; stops at the first failure and returns it. */
static int sequence(vhd_chain *c)
{
	for (int i = 0; i < 3; i++) {
		int r = vhd_chain_pwrite(c, bufs[i], writes[i].len, writes[i].off);

		if (r < 0)
			return r;
	}
	return vhd_chain_flush(c);
}

static void copy_file(const char *from, const char *to)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "cp --sparse=always '%s' '%s'", from, to);
	ck_assert_int_eq(system(cmd), 0);
}

/* The flushed state: a dynamic disk with its first MiB written, or a base
 * full of data under a differencing top holding 4 KiB of block 0. */
static void make_flushed(bool diff)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = DISK };
	vhd_chain *c;
	uint8_t *data = malloc(DISK);

	ck_assert_ptr_nonnull(data);
	if (diff) {
		ck_assert_int_eq(vhd_create(base_path, &o), 0);
		ck_assert_int_eq(vhd_chain_open(base_path, 0, &c), 0);
		fill(data, DISK);
		ck_assert_int_eq(vhd_chain_pwrite(c, data, DISK, 0), 0);
		ck_assert_int_eq(vhd_chain_flush(c), 0);
		vhd_chain_close(c);
		memcpy(flushed, data, DISK);
		o = (struct vhd_create_opts){ .type = VHD_TYPE_DIFF, .parent = base_path };
	}
	ck_assert_int_eq(vhd_create(top_path, &o), 0);
	ck_assert_int_eq(vhd_chain_open(top_path, 0, &c), 0);
	fill(data, 1u << 20);
	if (diff) {
		ck_assert_int_eq(vhd_chain_pwrite(c, data, 4096, 8192), 0);
		memcpy(flushed + 8192, data, 4096);
	} else {
		ck_assert_int_eq(vhd_chain_pwrite(c, data, 1u << 20, 0), 0);
		memcpy(flushed, data, 1u << 20);
	}
	ck_assert_int_eq(vhd_chain_flush(c), 0);
	vhd_chain_close(c);
	copy_file(top_path, saved_path);
	memcpy(expect, flushed, DISK);
	for (int i = 0; i < 3; i++)
		memcpy(expect + writes[i].off, bufs[i], writes[i].len);
	free(data);
}

static void assert_valid(void)
{
	ck_assert_msg(vhd_check(top_path, NULL, NULL) == 0, "top fails vhd_check: %s", vhd_errmsg());
	if (access(base_path, F_OK) == 0)
		ck_assert_msg(vhd_check(base_path, NULL, NULL) == 0, "base fails vhd_check");
}

/* Every byte is as flushed or as the sequence writes it; EXACT: as written. */
static void assert_contents(vhd_chain *c, bool exact, long call)
{
	uint8_t *buf = malloc(DISK);

	ck_assert_ptr_nonnull(buf);
	ck_assert_msg(vhd_chain_pread(c, buf, DISK, 0) == 0, "read: %s", vhd_errmsg());
	for (size_t i = 0; i < DISK; i++) {
		if (buf[i] == expect[i] || (!exact && buf[i] == flushed[i]))
			continue;
		ck_abort_msg("failing call %ld: byte %zu reads 0x%02x, flushed 0x%02x, written 0x%02x", call, i,
		             buf[i], flushed[i], expect[i]);
	}
	free(buf);
}

static void run_faults(bool diff, unsigned ops, int err)
{
	vhd_chain *c;
	long calls;

	make_flushed(diff);
	/* the dry run: how many calls of these kinds the sequence makes */
	ck_assert_int_eq(vhd_chain_open(top_path, 0, &c), 0);
	vhd_fault_arm(ops, -1, 0, false);
	ck_assert_msg(sequence(c) == 0, "sequence: %s", vhd_errmsg());
	calls = vhd_fault_calls();
	vhd_fault_disarm();
	vhd_chain_close(c);
	ck_assert_int_ge(calls, 9);

	for (long i = 0; i < calls; i++) {
		int r;

		copy_file(saved_path, top_path);
		ck_assert_int_eq(vhd_chain_open(top_path, 0, &c), 0);
		vhd_fault_arm(ops, i, err, false);
		r = sequence(c);
		ck_assert_int_eq(vhd_fault_hits(), 1);
		vhd_fault_disarm();
		ck_assert_msg(r == -err, "failing call %ld: the sequence returned %d, not %d", i, r, -err);
		ck_assert_msg(strstr(vhd_errmsg(), strerror(err)) && strstr(vhd_errmsg(), dir),
		              "failing call %ld: unclear message '%s'", i, vhd_errmsg());

		/* the same chain goes on and completes the sequence */
		ck_assert_msg(sequence(c) == 0, "failing call %ld, then: %s", i, vhd_errmsg());
		assert_contents(c, true, i);
		vhd_chain_close(c);
		assert_valid();
		ck_assert_int_eq(vhd_chain_open(top_path, VHD_OPEN_RDONLY, &c), 0);
		assert_contents(c, true, i);
		vhd_chain_close(c);

		/* and left alone right after the failure, the image is valid
		 * and holds what was flushed */
		copy_file(saved_path, top_path);
		ck_assert_int_eq(vhd_chain_open(top_path, 0, &c), 0);
		vhd_fault_arm(ops, i, err, false);
		ck_assert_int_eq(sequence(c), -err);
		vhd_fault_disarm();
		vhd_chain_close(c);
		assert_valid();
		ck_assert_int_eq(vhd_chain_open(top_path, VHD_OPEN_RDONLY, &c), 0);
		assert_contents(c, false, i);
		vhd_chain_close(c);
	}
}

START_TEST(test_dynamic_eio)
{
	run_faults(false, VHD_FAULT_READ | VHD_FAULT_WRITE | VHD_FAULT_SYNC, EIO);
}
END_TEST

START_TEST(test_dynamic_enospc)
{
	run_faults(false, VHD_FAULT_WRITE | VHD_FAULT_SYNC, ENOSPC);
}
END_TEST

START_TEST(test_diff_eio)
{
	run_faults(true, VHD_FAULT_READ | VHD_FAULT_WRITE | VHD_FAULT_SYNC, EIO);
}
END_TEST

START_TEST(test_diff_enospc)
{
	run_faults(true, VHD_FAULT_WRITE | VHD_FAULT_SYNC, ENOSPC);
}
END_TEST

/* A persistent fault (a dead disk): every call fails, nothing is
 * acknowledged, and the image is still valid afterwards. */
START_TEST(test_persistent_eio)
{
	vhd_chain *c;

	make_flushed(true);
	ck_assert_int_eq(vhd_chain_open(top_path, 0, &c), 0);
	vhd_fault_arm(VHD_FAULT_READ | VHD_FAULT_WRITE | VHD_FAULT_SYNC, 0, EIO, true);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(vhd_chain_pwrite(c, bufs[i], writes[i].len, writes[i].off), -EIO);
	ck_assert_int_eq(vhd_chain_flush(c), -EIO);
	vhd_fault_disarm();
	vhd_chain_close(c);
	assert_valid();
	ck_assert_int_eq(vhd_chain_open(top_path, VHD_OPEN_RDONLY, &c), 0);
	memcpy(expect, flushed, DISK);
	assert_contents(c, true, -1);
	vhd_chain_close(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_dynamic_eio);
	tcase_add_test(tc, test_dynamic_enospc);
	tcase_add_test(tc, test_diff_eio);
	tcase_add_test(tc, test_diff_enospc);
	tcase_add_test(tc, test_persistent_eio);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
