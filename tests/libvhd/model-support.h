/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* model-support.h: what the model tests (test-model, test-deep-chain,
 * test-faults) share: a seeded xorshift64 generator, random bytes, random
 * byte ranges over the modelled disk, and a private temporary directory
 * with the buffers a test allocates, made in its Check fixture and removed
 * after it.  Each test passes its own seed, directory prefix and range mix
 * (struct model_params), so its sequence of operations stays its own.
 * A header of static functions, not a library: each test is one file and
 * uses only some of them (static inline keeps the others silent). */
#ifndef MODEL_SUPPORT_H
#define MODEL_SUPPORT_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vhd.h"

struct model_params {
	uint64_t seed;          /* the generator's first state (nonzero) */
	const char *prefix;     /* the temporary directory's name under $TMPDIR */
	uint64_t disk;          /* size of the modelled disk (random_range) */
	unsigned mid_percent;   /* random_range: under it a few sectors, from it many blocks */
	size_t big;             /* random_range: the longest range */
};

#define MODEL_MAX_BUFFERS 8

static struct model_params model_p;
static uint64_t rng_state;
static char dir[256];
static void *model_buffers[MODEL_MAX_BUFFERS];

static inline uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static inline void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* A zeroed buffer of N bytes, freed by model_teardown(). */
static inline uint8_t *model_alloc(size_t n)
{
	for (int i = 0; i < MODEL_MAX_BUFFERS; i++)
		if (!model_buffers[i]) {
			model_buffers[i] = calloc(1, n);
			ck_assert_ptr_nonnull(model_buffers[i]);
			return model_buffers[i];
		}
	ck_abort_msg("model_alloc: more than %d buffers", MODEL_MAX_BUFFERS);
	return NULL;
}

/* The fixture's start: seed the generator and make the directory. */
static inline void model_setup(const struct model_params *p)
{
	model_p = *p;
	rng_state = p->seed;
	snprintf(dir, sizeof(dir), "%s/%s.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
		 p->prefix);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

/* The fixture's end: remove the directory and free the buffers. */
static inline void model_teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	for (int i = 0; i < MODEL_MAX_BUFFERS; i++) {
		free(model_buffers[i]);
		model_buffers[i] = NULL;
	}
}

/* A random range of the disk: 40% sector fragments, then a few sectors
 * crossing 4 KiB blocks up to mid_percent, then many blocks. */
static inline void random_range(uint64_t *off, size_t *len)
{
	uint64_t r = rnd() % 100;
	size_t n;

	if (r < 40)
		n = 1 + rnd() % 700;
	else if (r < model_p.mid_percent)
		n = 1 + rnd() % 9000;
	else
		n = 1 + rnd() % model_p.big;
	*off = rnd() % model_p.disk;
	if (n > model_p.disk - *off)
		n = model_p.disk - *off;
	*len = n;
}

/* N random writes through C, each mirrored in MODEL (the disk as it
 * should read). */
static inline void model_write_some(vhd_chain *c, uint8_t *model, int n)
{
	uint8_t *buf = malloc(300000);

	ck_assert_ptr_nonnull(buf);
	for (int i = 0; i < n; i++) {
		uint64_t off;
		size_t len;

		random_range(&off, &len);
		fill(buf, len);
		ck_assert_msg(vhd_chain_pwrite(c, buf, len, off) == 0, "write: %s", vhd_errmsg());
		memcpy(model + off, buf, len);
	}
	free(buf);
}

/* C's first LEN bytes, read into GOT, are WANT's. */
static inline void model_reads_as(vhd_chain *c, uint8_t *got, const uint8_t *want, size_t len,
				  const char *what)
{
	ck_assert_msg(vhd_chain_pread(c, got, len, 0) == 0, "%s: read: %s", what, vhd_errmsg());
	ck_assert_msg(memcmp(got, want, len) == 0, "%s: data differs", what);
}

#endif
