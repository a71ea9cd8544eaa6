/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr-fill.c: see ndr-fill.h.  Every primitive takes the next value of one
 * counter; a count another member's size_is/length_is names is 3 (size)
 * or 2 (length) instead, and pointers are always present, so that every
 * part of a type (pointees, arrays) appears in its bytes.  Every byte of an
 * integer is non-zero, so that a reader taking a member for a narrower one
 * cannot pass by reading zero padding as the rest of it. */
#include <config.h>

#include <stdio.h>
#include <string.h>

#include "ndr-fill.h"

#define FILL_SIZE   3u
#define FILL_LENGTH 2u

struct fill {
	struct ndr_arena *a;
	uint32_t k;                  /* the counter */
	int failed;                  /* out of memory */
};

static void fill_value(struct fill *f, const struct ndr_type *t, void *dst);

static void set_uint(const struct ndr_type *t, void *dst, uint32_t v)
{
	uint8_t b = (uint8_t)v;
	uint16_t h = (uint16_t)v;

	switch (t->kind) {
	case NDR_U8: memcpy(dst, &b, 1); break;
	case NDR_U16: memcpy(dst, &h, 2); break;
	case NDR_U32: memcpy(dst, &v, 4); break;
	default: break;
	}
}

/* N elements of ELEM into a new arena array. */
static void *fill_array(struct fill *f, const struct ndr_type *elem, uint32_t n)
{
	uint8_t *v = ndr_arena_array(f->a, n ? n : 1, elem->csize ? elem->csize : 1);
	uint32_t i;

	if (!v) {
		f->failed = 1;
		return NULL;
	}
	for (i = 0; i < n; i++)
		fill_value(f, elem, v + (size_t)i * elem->csize);
	return v;
}

static void fill_fields(struct fill *f, const struct ndr_type *t, uint8_t *base)
{
	uint32_t i;
	int role[256];

	memset(role, 0, sizeof(role));
	for (i = 0; i < t->nfields && i < 256; i++) {
		if (t->fields[i].size_is >= 0)
			role[t->fields[i].size_is] = 1;
		if (t->fields[i].length_is >= 0)
			role[t->fields[i].length_is] = 2;
	}
	for (i = 0; i < t->nfields && i < 256; i++) {
		const struct ndr_field *fl = &t->fields[i];
		void *dst = base + fl->offset;

		if (role[i]) {
			set_uint(fl->type, dst, role[i] == 1 ? FILL_SIZE : FILL_LENGTH);
		} else if (fl->type->kind == NDR_CONF_ARRAY || fl->type->kind == NDR_VARY_ARRAY) {
			uint32_t n = FILL_SIZE;
			void *arr;

			if (fl->size_round > 1)
				n = (n + fl->size_round - 1) & ~(uint32_t)(fl->size_round - 1);
			arr = fill_array(f, fl->type->elem, n);
			memcpy(dst, &arr, sizeof(arr));
		} else if (fl->type->kind == NDR_PTR && fl->size_is >= 0) {
			/* [size_is] T *: the pointee is an array of the sibling's count */
			void *arr = fill_array(f, fl->type->elem, FILL_SIZE);

			memcpy(dst, &arr, sizeof(arr));
		} else if (!(fl->flags & NDR_F_LOCAL)) {
			fill_value(f, fl->type, dst);
		}
	}
}

static void fill_value(struct fill *f, const struct ndr_type *t, void *dst)
{
	uint64_t q;
	uint32_t i;
	char s[16];
	char *str;
	void *p;

	switch (t->kind) {
	case NDR_U8: case NDR_U16: case NDR_U32:
		/* one byte value below 0x80 repeated: signed types stay positive */
		set_uint(t, dst, (0x21u + f->k++ % 0x5eu) * 0x01010101u);
		break;
	case NDR_U64:
		q = (0x21u + f->k++ % 0x5eu) * 0x0101010101010101ull;
		memcpy(dst, &q, 8);
		break;
	case NDR_GUID:
		for (i = 0; i < 16; i++)
			((uint8_t *)dst)[i] = (uint8_t)(f->k + i);
		f->k++;
		break;
	case NDR_STRUCT: case NDR_PARAMS:
		fill_fields(f, t, dst);
		break;
	case NDR_FIXED_ARRAY:
		for (i = 0; i < t->count; i++)
			fill_value(f, t->elem, (uint8_t *)dst + (size_t)i * t->elem->csize);
		break;
	case NDR_CONF_ARRAY: case NDR_VARY_ARRAY:
		/* only as a sized member (fill_fields) */
		break;
	case NDR_WSTRING: case NDR_CSTRING:
		snprintf(s, sizeof(s), "%c%u", t->kind == NDR_WSTRING ? 'w' : 'c',
			 (unsigned)f->k++);
		str = ndr_arena_zalloc(f->a, strlen(s) + 1);
		if (!str) {
			f->failed = 1;
			break;
		}
		memcpy(str, s, strlen(s) + 1);
		memcpy(dst, &str, sizeof(str));
		break;
	case NDR_PTR:
		if (t->elem->kind == NDR_WSTRING || t->elem->kind == NDR_CSTRING) {
			/* the char * itself */
			fill_value(f, t->elem, dst);
			break;
		}
		p = ndr_arena_zalloc(f->a, t->elem->csize ? t->elem->csize : 1);
		if (!p) {
			f->failed = 1;
			break;
		}
		fill_value(f, t->elem, p);
		memcpy(dst, &p, sizeof(p));
		break;
	}
}

void *ndr_fill_new(struct ndr_arena *a, const struct ndr_type *t)
{
	struct fill f = { a, 0, 0 };
	void *v = ndr_arena_zalloc(a, t->csize ? t->csize : 1);

	if (!v)
		return NULL;
	fill_value(&f, t, v);
	return f.failed ? NULL : v;
}


int ndr_fill_push(const struct ndr_type *t, const void *v, struct rpc_buf *out)
{
	struct ndr_push q;

	ndr_push_init(&q, out);
	return ndr_push(&q, t, v);
}
