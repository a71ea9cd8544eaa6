/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-model.c: the model test.  Thousands of random unaligned writes,
 * reads and discards (spanning blocks, sector fragments) through a chain of
 * depth 4 (a dynamic base and three differencing layers, each written at
 * its own stage, with small and different block sizes) must match the same
 * sequence applied to a plain buffer; so must a reopen, vhd_chain_map()
 * followed by pread() on the fds it returns, and vhd_check() of every
 * layer.  A second test runs writer and reader threads on disjoint,
 * interleaved byte ranges (sharing blocks and sectors) and checks the
 * result the same way.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "vhd.h"
#include "model-support.h"

#define DISK ((6u << 20) + 3584u) /* not a multiple of any block size */

static uint8_t *model, *below; /* what the disk holds; what the layers under the top hold */

static const struct model_params params = {
	.seed = 88172645463325252ull, .prefix = "vhdmodel", .disk = DISK,
	.mid_percent = 80, .big = 200000,
};

static void path_of(char *out, const char *name)
{
	snprintf(out, 512, "%s/%s", dir, name);
}

static void setup(void)
{
	model_setup(&params);
	model = model_alloc(DISK);
	below = model_alloc(DISK);
}

static void compare_all(vhd_chain *c)
{
	uint8_t *buf = malloc(DISK);

	ck_assert_int_eq(vhd_chain_pread(c, buf, DISK, 0), 0);
	for (size_t i = 0; i < DISK; i++)
		if (buf[i] != model[i])
			ck_abort_msg("byte %zu: disk 0x%02x, model 0x%02x", i, buf[i], model[i]);
	free(buf);
}

/* The same through vhd_chain_map() and pread() on the fds it gives. */
static void compare_map(vhd_chain *c)
{
	uint8_t *buf = malloc(DISK);
	uint64_t off = 0;
	int extents = 0;

	while (off < DISK) {
		struct vhd_extent e;

		ck_assert_int_eq(vhd_chain_map(c, off, DISK - off, &e), 0);
		ck_assert_uint_gt(e.length, 0);
		ck_assert_uint_le(e.length, DISK - off);
		if (e.fd < 0) {
			ck_assert_int_eq(e.layer, -1);
			memset(buf + off, 0, e.length);
		} else {
			ck_assert_int_ge(e.layer, 0);
			ck_assert_int_eq(pread(e.fd, buf + off, e.length, (off_t)e.file_offset), (ssize_t)e.length);
		}
		off += e.length;
		extents++;
	}
	ck_assert_mem_eq(buf, model, DISK);
	free(buf);
}

static void check_clean(const char *name)
{
	char p[512];

	path_of(p, name);
	ck_assert_msg(vhd_check(p, NULL, NULL) == 0, "vhd_check('%s') found problems", name);
}

static void run_ops(vhd_chain *c, int n, bool discards)
{
	uint8_t *buf = malloc(200000);

	for (int i = 0; i < n; i++) {
		uint64_t off, r = rnd() % 100;
		size_t len;

		random_range(&off, &len);
		if (r < 50) {
			fill(buf, len);
			ck_assert_msg(vhd_chain_pwrite(c, buf, len, off) == 0, "write: %s", vhd_errmsg());
			memcpy(model + off, buf, len);
		} else if (r < 56 && discards) {
			ck_assert_msg(vhd_chain_discard(c, off, len) == 0, "discard: %s", vhd_errmsg());
			memcpy(model + off, below + off, len);
		} else {
			ck_assert_msg(vhd_chain_pread(c, buf, len, off) == 0, "read: %s", vhd_errmsg());
			if (memcmp(buf, model + off, len) != 0)
				ck_abort_msg("op %d: read of %zu bytes at %llu differs from the model", i, len,
				             (unsigned long long)off);
		}
		if (i % 500 == 499)
			ck_assert_int_eq(vhd_chain_flush(c), 0);
	}
	free(buf);
}

static vhd_chain *add_layer(const char *name, const char *parent, uint32_t block)
{
	struct vhd_create_opts o = { 0 };
	char p[512], pp[512];
	vhd_chain *c;

	path_of(p, name);
	if (parent) {
		path_of(pp, parent);
		o.type = VHD_TYPE_DIFF;
		o.parent = pp;
	} else {
		o.type = VHD_TYPE_DYNAMIC;
		o.size = DISK;
	}
	o.block_size = block;
	ck_assert_msg(vhd_create(p, &o) == 0, "create: %s", vhd_errmsg());
	ck_assert_msg(vhd_chain_open(p, 0, &c) == 0, "open: %s", vhd_errmsg());
	ck_assert_uint_eq(vhd_chain_size(c), DISK);
	memcpy(below, model, DISK); /* what the new top's parents hold */
	return c;
}

START_TEST(test_model_depth4)
{
	static const char *names[] = { "base.vhd", "d1.vhd", "d2.vhd", "d3.vhd" };
	static const uint32_t blocks[] = { 16384, 4096, 65536, 32768 };
	vhd_chain *c;
	char p[512];

	for (int k = 0; k < 4; k++) {
		c = add_layer(names[k], k ? names[k - 1] : NULL, blocks[k]);
		ck_assert_int_eq(vhd_chain_depth(c), k + 1);
		run_ops(c, k == 3 ? 2500 : 1200, true);
		compare_all(c);
		ck_assert_int_eq(vhd_chain_flush(c), 0);
		vhd_chain_close(c);
		check_clean(names[k]);
	}
	/* reopen read-only: the same bytes, by pread and by map */
	path_of(p, "d3.vhd");
	ck_assert_int_eq(vhd_chain_open(p, VHD_OPEN_RDONLY, &c), 0);
	ck_assert_int_eq(vhd_chain_depth(c), 4);
	compare_all(c);
	compare_map(c);
	/* writes to a read-only chain are refused */
	ck_assert_int_eq(vhd_chain_pwrite(c, model, 1, 0), -EROFS);
	vhd_chain_close(c);
	/* reopen writable, more work, reopen again */
	ck_assert_int_eq(vhd_chain_open(p, 0, &c), 0);
	run_ops(c, 800, true);
	vhd_chain_close(c);
	ck_assert_int_eq(vhd_chain_open(p, VHD_OPEN_RDONLY, &c), 0);
	compare_all(c);
	vhd_chain_close(c);
	for (int k = 0; k < 4; k++)
		check_clean(names[k]);
	/* commit the top into d2: d2's chain now reads as the model */
	ck_assert_msg(vhd_commit(p, NULL, NULL) == 0, "commit: %s", vhd_errmsg());
	path_of(p, "d2.vhd");
	ck_assert_int_eq(vhd_chain_open(p, VHD_OPEN_RDONLY, &c), 0);
	compare_all(c);
	vhd_chain_close(c);
	check_clean("d2.vhd");
}
END_TEST

/* ---- threads ---- */

#define STRIPE 1000u   /* bytes; thread t owns stripes i with i % NTHREADS == t */
#define NTHREADS 4

struct worker {
	vhd_chain *c;              /* shared chain */
	int id;                    /* which stripes */
	uint64_t seed;             /* private generator */
	int failed;                /* set on a mismatch or error */
};

static uint64_t wrnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint8_t buf[STRIPE];
	uint64_t nstripes = DISK / STRIPE;

	for (int i = 0; i < 1500 && !w->failed; i++) {
		uint64_t s = wrnd(&w->seed) % (nstripes / NTHREADS) * NTHREADS + (uint64_t)w->id;
		uint64_t a = wrnd(&w->seed) % STRIPE, b = wrnd(&w->seed) % STRIPE;
		uint64_t lo = a < b ? a : b, hi = a < b ? b : a;
		uint64_t off = s * STRIPE + lo;
		size_t len = (size_t)(hi - lo + 1);

		if (off + len > DISK)
			continue;
		if (wrnd(&w->seed) % 2) {
			for (size_t k = 0; k < len; k++)
				buf[k] = (uint8_t)wrnd(&w->seed);
			if (vhd_chain_pwrite(w->c, buf, len, off) < 0)
				w->failed = 1;
			memcpy(model + off, buf, len);
		} else {
			if (vhd_chain_pread(w->c, buf, len, off) < 0 || memcmp(buf, model + off, len) != 0)
				w->failed = 2;
		}
	}
	return NULL;
}

/* Reads anything, concurrently with the writers: must never fail. */
static void *reader_main(void *arg)
{
	struct worker *w = arg;
	uint8_t *buf = malloc(100000);

	for (int i = 0; i < 400 && !w->failed; i++) {
		uint64_t off = wrnd(&w->seed) % DISK;
		size_t len = 1 + wrnd(&w->seed) % 100000;

		if (len > DISK - off)
			len = DISK - off;
		if (vhd_chain_pread(w->c, buf, len, off) < 0)
			w->failed = 3;
	}
	free(buf);
	return NULL;
}

START_TEST(test_threads)
{
	vhd_chain *c;
	pthread_t th[NTHREADS + 1];
	struct worker w[NTHREADS + 1];
	uint8_t *buf = malloc(DISK);

	/* a base with data in some blocks, then a differencing top */
	c = add_layer("tbase.vhd", NULL, 8192);
	run_ops(c, 300, false);
	vhd_chain_close(c);
	c = add_layer("ttop.vhd", "tbase.vhd", 4096);
	for (int t = 0; t <= NTHREADS; t++) {
		w[t] = (struct worker){ c, t, 0x9e3779b97f4a7c15ull * (uint64_t)(t + 1), 0 };
		ck_assert_int_eq(pthread_create(&th[t], NULL, t < NTHREADS ? worker_main : reader_main, &w[t]), 0);
	}
	for (int t = 0; t <= NTHREADS; t++) {
		pthread_join(th[t], NULL);
		ck_assert_msg(!w[t].failed, "thread %d failed (%d): %s", t, w[t].failed, vhd_errmsg());
	}
	compare_all(c);
	vhd_chain_close(c);
	check_clean("ttop.vhd");
	free(buf);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("model");

	tcase_add_checked_fixture(tc, setup, model_teardown);
	tcase_set_timeout(tc, 150);
	tcase_add_test(tc, test_model_depth4);
	tcase_add_test(tc, test_threads);
	return check_run("model", tc);
}
