/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-merge.c: vhd_merge_layer() against an in-memory model, for VHD and
 * VHDX chains.
 *
 * A chain base <- s1 <- s2 <- s3 <- top is built by writing random ranges
 * (unaligned, and discards) into each layer while it is the top, recording
 * what every layer's chain reads in a model.  Then s2 is merged into s3
 * while top's chain is open writable (as tgtd holds a live LU, s3 and s2
 * locked shared under it) and a reader has s3's chain open: every layer
 * must still read its model, through the chains opened before the merge
 * and through new ones; s3's chain must be one layer shorter and name s1;
 * every file must check clean; the open top must go on taking writes.
 * A second merge call is a no-op; the merge is refused while s3 is open for
 * writing, for a layer that is not the child's parent, and for a base.
 *
 * Crash points: the merge's writes and syncs are counted (libvhd's fault
 * hook, sysio.c), then the merge is run again and again with every write
 * and sync from call N on failing (N stepping over all of them, every one
 * of the last 20: the flush, relink and close).  That leaves the files as a
 * SIGKILL at that call would (the page cache keeps what was written), so
 * after each: every layer checks clean and reads its model, and a second
 * merge completes.  Links libvhd's internals for the hook.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcntl.h>

#include "internal.h"

#define DISK (8u << 20)
#define LAYERS 5 /* base, s1, s2, s3, top */

static char dir[256];
static uint8_t *model[LAYERS]; /* what each layer's chain reads */
static uint64_t rng_state = 0x2545F4914F6CDD1Dull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static const char *names[LAYERS] = { "base", "s1", "s2", "s3", "top" };

static void path_of(char *out, int k, enum vhd_format f)
{
	snprintf(out, 512, "%s/%s.%s", dir, names[k], f == VHD_FORMAT_VHDX ? "vhdx" : "vhd");
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/vhdmerge.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (int k = 0; k < LAYERS; k++) {
		model[k] = calloc(1, DISK);
		ck_assert_ptr_nonnull(model[k]);
	}
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	for (int k = 0; k < LAYERS; k++)
		free(model[k]);
}

static void problem(const char *path, const char *what, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", path, what);
}

static void assert_reads(vhd_chain *c, const uint8_t *want, const char *what)
{
	uint8_t *got = malloc(DISK);

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(vhd_chain_pread(c, got, DISK, 0) == 0, "%s: %s", what, vhd_errmsg());
	if (memcmp(got, want, DISK) != 0) {
		size_t i = 0;

		while (got[i] == want[i])
			i++;
		ck_abort_msg("%s: byte %zu is %u, want %u", what, i, got[i], want[i]);
	}
	free(got);
}

static void assert_file_reads(const char *path, const uint8_t *want)
{
	vhd_chain *c;

	ck_assert_msg(vhd_chain_open(path, VHD_OPEN_RDONLY, &c) == 0, "%s", vhd_errmsg());
	assert_reads(c, want, path);
	vhd_chain_close(c);
}

/* Random writes (and a few discards) into the open top C, mirrored in M. */
static void scribble(vhd_chain *c, uint8_t *m, const uint8_t *parent, int ops)
{
	uint8_t *buf = malloc(256 << 10);

	ck_assert_ptr_nonnull(buf);
	for (int i = 0; i < ops; i++) {
		uint64_t off = rnd() % DISK;
		size_t len = 1 + rnd() % (256 << 10);

		if (off + len > DISK)
			len = DISK - off;
		if (rnd() % 8 == 0 && parent) {
			/* whole sectors, so the model knows what a discard shows */
			off &= ~511ull;
			len = (len + 511) & ~511ull;
			if (off + len > DISK)
				len = DISK - off;
			ck_assert_msg(vhd_chain_discard(c, off, len) == 0, "%s", vhd_errmsg());
			memcpy(m + off, parent + off, len);
			continue;
		}
		for (size_t j = 0; j < len; j++)
			buf[j] = (uint8_t)rnd();
		ck_assert_msg(vhd_chain_pwrite(c, buf, len, off) == 0, "%s", vhd_errmsg());
		memcpy(m + off, buf, len);
	}
	ck_assert_int_eq(vhd_chain_flush(c), 0);
	free(buf);
}

static void build(enum vhd_format f)
{
	static const uint32_t vhd_blocks[LAYERS] = { 2u << 20, 64u << 10, 4u << 10, 512u << 10, 2u << 20 };
	char path[512], parent[512];

	for (int k = 0; k < LAYERS; k++) {
		struct vhd_create_opts o = { .format = f };
		vhd_chain *c;

		path_of(path, k, f);
		if (k == 0) {
			o.type = VHD_TYPE_DYNAMIC;
			o.size = DISK;
		} else {
			path_of(parent, k - 1, f);
			o.type = VHD_TYPE_DIFF;
			o.parent = parent;
			memcpy(model[k], model[k - 1], DISK);
		}
		o.block_size = f == VHD_FORMAT_VHDX ? (k % 2 ? 1u << 20 : 2u << 20) : vhd_blocks[k];
		ck_assert_msg(vhd_create(path, &o) == 0, "%s", vhd_errmsg());
		ck_assert_msg(vhd_chain_open(path, 0, &c) == 0, "%s", vhd_errmsg());
		scribble(c, model[k], k ? model[k - 1] : NULL, 40);
		vhd_chain_close(c);
	}
}

static void merge_online(enum vhd_format f)
{
	char p[LAYERS][512];
	vhd_chain *top, *reader, *c;
	struct vhd_info *info = malloc(sizeof(*info));
	uint8_t *m = malloc(DISK);

	ck_assert_ptr_nonnull(info);
	ck_assert_ptr_nonnull(m);
	build(f);
	for (int k = 0; k < LAYERS; k++)
		path_of(p[k], k, f);
	/* the live LU and a reader of the snapshot s3 */
	ck_assert_msg(vhd_chain_open(p[4], 0, &top) == 0, "%s", vhd_errmsg());
	ck_assert_msg(vhd_chain_open(p[3], VHD_OPEN_RDONLY, &reader) == 0, "%s", vhd_errmsg());
	assert_reads(top, model[4], "top before");
	assert_reads(reader, model[3], "s3 before");

	ck_assert_msg(vhd_merge_layer(p[2], p[3], 0, NULL, NULL) == 0, "%s", vhd_errmsg());

	/* the chains opened before read the same, and the top still writes */
	assert_reads(top, model[4], "top after, opened before");
	assert_reads(reader, model[3], "s3 after, opened before");
	scribble(top, model[4], model[3], 10);
	assert_reads(top, model[4], "top written after");
	vhd_chain_close(reader);
	vhd_chain_close(top);

	for (int k = 0; k < LAYERS; k++) {
		assert_file_reads(p[k], model[k]);
		ck_assert_msg(vhd_check(p[k], problem, NULL) == 0, "%s does not check clean", p[k]);
	}
	ck_assert_int_eq(vhd_chain_open(p[4], VHD_OPEN_RDONLY, &c), 0);
	ck_assert_int_eq(vhd_chain_depth(c), 4);
	for (int i = 0; i < 4; i++) {
		char want[512];

		ck_assert_int_eq(vhd_chain_layer_info(c, i, info), 0);
		ck_assert_ptr_nonnull(realpath(p[i == 0 ? 4 : i == 1 ? 3 : i == 2 ? 1 : 0], want));
		ck_assert_str_eq(info->path, want);
	}
	vhd_chain_close(c);

	/* again: done already, nothing changes */
	ck_assert_msg(vhd_merge_layer(p[2], p[3], 0, NULL, NULL) == 0, "%s", vhd_errmsg());
	assert_file_reads(p[3], model[3]);
	assert_file_reads(p[4], model[4]);
	free(info);
	free(m);
}

static void refusals(enum vhd_format f)
{
	char p[LAYERS][512];
	vhd_chain *c;

	build(f);
	for (int k = 0; k < LAYERS; k++)
		path_of(p[k], k, f);
	/* s3 open writable elsewhere (nothing above it open) */
	ck_assert_int_eq(vhd_chain_open(p[3], 0, &c), 0);
	ck_assert_int_eq(vhd_merge_layer(p[2], p[3], 0, NULL, NULL), -EBUSY);
	vhd_chain_close(c);
	/* s2 open writable (s3 closed): LAYER is written by someone */
	ck_assert_int_eq(vhd_chain_open(p[2], 0, &c), 0);
	ck_assert_int_eq(vhd_merge_layer(p[2], p[3], 0, NULL, NULL), -EBUSY);
	vhd_chain_close(c);
	ck_assert_int_eq(vhd_merge_layer(p[1], p[3], 0, NULL, NULL), -EINVAL); /* not its child */
	ck_assert_int_eq(vhd_merge_layer(p[0], p[1], 0, NULL, NULL), -EINVAL); /* a base */
	ck_assert_int_eq(vhd_merge_layer(p[3], p[3], 0, NULL, NULL), -EBUSY);  /* itself: own lock */
	ck_assert_int_eq(vhd_merge_layer(p[2], p[3], 1, NULL, NULL), -EINVAL); /* flags */
	for (int k = 0; k < LAYERS; k++) {
		assert_file_reads(p[k], model[k]);
		ck_assert_int_eq(vhd_check(p[k], problem, NULL), 0);
	}
}

static int stop_early(uint64_t done, uint64_t total, void *arg)
{
	(void)total;
	return done >= *(uint64_t *)arg;
}

/* Stopped half-way by its progress callback: the chain reads the same, and
 * a second call finishes. */
static void cancel_then_finish(enum vhd_format f)
{
	char p[LAYERS][512];
	uint64_t half = DISK / 2;

	build(f);
	for (int k = 0; k < LAYERS; k++)
		path_of(p[k], k, f);
	ck_assert_int_eq(vhd_merge_layer(p[2], p[3], 0, stop_early, &half), -ECANCELED);
	for (int k = 0; k < LAYERS; k++) {
		assert_file_reads(p[k], model[k]);
		ck_assert_int_eq(vhd_check(p[k], problem, NULL), 0);
	}
	ck_assert_msg(vhd_merge_layer(p[2], p[3], 0, NULL, NULL) == 0, "%s", vhd_errmsg());
	for (int k = 0; k < LAYERS; k++) {
		assert_file_reads(p[k], model[k]);
		ck_assert_int_eq(vhd_check(p[k], problem, NULL), 0);
	}
}

static void copy_file(const char *from, const char *to)
{
	static uint8_t buf[1 << 16];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	ck_assert_int_ge(in, 0);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	close(out);
}

static void keep_or_restore(enum vhd_format f, bool keep)
{
	char p[512], saved[600];

	for (int k = 0; k < LAYERS; k++) {
		path_of(p, k, f);
		snprintf(saved, sizeof(saved), "%s.saved", p);
		copy_file(keep ? p : saved, keep ? saved : p);
	}
}

static void quiet(int level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static void crash_points(enum vhd_format f)
{
	char p[LAYERS][512];
	long calls, step, rounds = 0;
	vhd_chain *c;

	build(f);
	for (int k = 0; k < LAYERS; k++)
		path_of(p[k], k, f);
	keep_or_restore(f, true);
	vhd_fault_arm(VHD_FAULT_WRITE | VHD_FAULT_SYNC, -1, 0, false);
	ck_assert_msg(vhd_merge_layer(p[2], p[3], 0, NULL, NULL) == 0, "%s", vhd_errmsg());
	calls = vhd_fault_calls();
	vhd_fault_disarm();
	ck_assert_int_gt(calls, 20);
	step = calls > 40 ? calls / 40 : 1;
	vhd_set_logger(quiet, NULL);
	for (long at = 0; at < calls; at += at >= calls - 20 ? 1 : step) {
		int r;

		keep_or_restore(f, false);
		vhd_fault_arm(VHD_FAULT_WRITE | VHD_FAULT_SYNC, at, EIO, true);
		r = vhd_merge_layer(p[2], p[3], 0, NULL, NULL);
		vhd_fault_disarm();
		ck_assert_msg(r == 0 || r == -EIO, "call %ld: %d %s", at, r, vhd_errmsg());
		for (int k = 0; k < LAYERS; k++) {
			assert_file_reads(p[k], model[k]);
			ck_assert_msg(vhd_check(p[k], problem, NULL) == 0, "cut at call %ld of %ld: %s",
			              at, calls, p[k]);
		}
		ck_assert_msg(vhd_merge_layer(p[2], p[3], 0, NULL, NULL) == 0, "call %ld, rerun: %s", at,
		              vhd_errmsg());
		for (int k = 3; k < LAYERS; k++) {
			assert_file_reads(p[k], model[k]);
			ck_assert_int_eq(vhd_check(p[k], problem, NULL), 0);
		}
		ck_assert_int_eq(vhd_chain_open(p[3], VHD_OPEN_RDONLY, &c), 0);
		ck_assert_int_eq(vhd_chain_depth(c), 3);
		vhd_chain_close(c);
		rounds++;
	}
	vhd_set_logger(NULL, NULL);
	printf("%s: a merge makes %ld writes and syncs; cut at %ld of them\n",
	       f == VHD_FORMAT_VHDX ? "vhdx" : "vhd", calls, rounds);
}

START_TEST(test_merge_vhd) { merge_online(VHD_FORMAT_VHD); }
END_TEST
START_TEST(test_merge_vhdx) { merge_online(VHD_FORMAT_VHDX); }
END_TEST
START_TEST(test_refusals_vhd) { refusals(VHD_FORMAT_VHD); }
END_TEST
START_TEST(test_refusals_vhdx) { refusals(VHD_FORMAT_VHDX); }
END_TEST
START_TEST(test_cancel_vhd) { cancel_then_finish(VHD_FORMAT_VHD); }
END_TEST
START_TEST(test_cancel_vhdx) { cancel_then_finish(VHD_FORMAT_VHDX); }
END_TEST
START_TEST(test_crash_points_vhd) { crash_points(VHD_FORMAT_VHD); }
END_TEST
START_TEST(test_crash_points_vhdx) { crash_points(VHD_FORMAT_VHDX); }
END_TEST

int main(void)
{
	Suite *s = suite_create("merge");
	TCase *tc = tcase_create("merge");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_merge_vhd);
	tcase_add_test(tc, test_merge_vhdx);
	tcase_add_test(tc, test_refusals_vhd);
	tcase_add_test(tc, test_refusals_vhdx);
	tcase_add_test(tc, test_cancel_vhd);
	tcase_add_test(tc, test_cancel_vhdx);
	tcase_add_test(tc, test_crash_points_vhd);
	tcase_add_test(tc, test_crash_points_vhdx);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
