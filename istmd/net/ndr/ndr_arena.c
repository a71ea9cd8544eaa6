/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr_arena.c: the per-call allocator for pulled values.
 *
 * A call's unmarshalled parameters are freed together when the call ends,
 * so the arena is a list of zeroed malloc() chunks with a running total:
 * simple, no per-object frees, and one place that caps what hostile stub
 * data can make the process allocate (NDR_MAX_ALLOC).
 */
#include <config.h>

#include <stdlib.h>

#include "ndr/ndr.h"

struct ndr_arena_chunk {
	struct ndr_arena_chunk *next;  /* older chunk */
	max_align_t mem[];             /* the allocation */
};

void ndr_arena_init(struct ndr_arena *a)
{
	a->chunks = NULL;
	a->total = 0;
}

void *ndr_arena_zalloc(struct ndr_arena *a, size_t n)
{
	struct ndr_arena_chunk *c;

	if (n > NDR_MAX_ALLOC - a->total)
		return NULL;
	c = calloc(1, sizeof(*c) + (n ? n : 1));
	if (!c)
		return NULL;
	a->total += n;
	c->next = a->chunks;
	a->chunks = c;
	return c->mem;
}

void *ndr_arena_array(struct ndr_arena *a, size_t n, size_t size)
{
	if (size && n > NDR_MAX_ALLOC / size)
		return NULL;
	return ndr_arena_zalloc(a, n * size);
}

void ndr_arena_release(struct ndr_arena *a)
{
	struct ndr_arena_chunk *c = a->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	a->chunks = NULL;
	a->total = 0;
}
