/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr_engine.c: the generic NDR engine: one walker over struct ndr_type /
 * struct ndr_field tables that pulls and pushes any described type.
 *
 * As in [C706] 14.3.12, a constructed value travels in two phases: first
 * its scalars (primitives, inline arrays, referent ids), then its buffers
 * (the pointees, in order, each again scalars then buffers).  Structures
 * run both phases over all members; a method's parameter list (NDR_PARAMS)
 * runs both phases per parameter.  The walker is recursive with an
 * explicit depth cap; the pull side validates every count against the
 * sibling that sizes it before the C code can ever index by it.
 * Trade-off: interpreting tables costs a little speed against hand-written
 * stubs; DCOM calls are small and this keeps 300+ methods free of code.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "ndr/ndr.h"

#define PHASE_SCALARS 1
#define PHASE_BUFFERS 2

/* A pointer to an NDR_WSTRING or NDR_CSTRING is the char * itself (no
 * extra level); while its pointee is pending between the phases it holds
 * this marker. */
static char wstring_pending[1];

static bool is_string(const struct ndr_type *t)
{
	return t->kind == NDR_WSTRING || t->kind == NDR_CSTRING;
}

static size_t type_align(const struct ndr_type *t)
{
	size_t a = 1, fa;
	uint32_t i;

	switch (t->kind) {
	case NDR_U8: return 1;
	case NDR_U16: return 2;
	case NDR_U32: case NDR_GUID: case NDR_PTR: case NDR_WSTRING: case NDR_CSTRING:
		return 4;
	case NDR_U64: return 8;
	case NDR_FIXED_ARRAY: return type_align(t->elem);
	case NDR_CONF_ARRAY: case NDR_VARY_ARRAY:
		fa = type_align(t->elem);
		return fa > 4 ? fa : 4;
	case NDR_STRUCT: case NDR_PARAMS:
		for (i = 0; i < t->nfields; i++) {
			if (t->fields[i].flags & NDR_F_LOCAL)
				continue;
			fa = type_align(t->fields[i].type);
			if (fa > a)
				a = fa;
		}
		return a;
	}
	return 1;
}

static bool is_varsize(const struct ndr_type *t)
{
	return t->kind == NDR_CONF_ARRAY || t->kind == NDR_VARY_ARRAY;
}

/* The last on-the-wire member of a conformant structure, or NULL. */
static const struct ndr_field *conformant_member(const struct ndr_type *t)
{
	uint32_t i = t->nfields;

	while (i-- > 0) {
		if (t->fields[i].flags & NDR_F_LOCAL)
			continue;
		return is_varsize(t->fields[i].type) ? &t->fields[i] : NULL;
	}
	return NULL;
}

static bool has_buffers(const struct ndr_type *t)
{
	uint32_t i;

	switch (t->kind) {
	case NDR_PTR: return true;
	case NDR_FIXED_ARRAY: case NDR_CONF_ARRAY: case NDR_VARY_ARRAY:
		return has_buffers(t->elem);
	case NDR_STRUCT: case NDR_PARAMS:
		for (i = 0; i < t->nfields; i++)
			if (!(t->fields[i].flags & NDR_F_LOCAL) && has_buffers(t->fields[i].type))
				return true;
		return false;
	default:
		return false;
	}
}

/* Read/write a count sibling (any unsigned integer kind). */
static int get_count(const void *base, const struct ndr_field *f, uint32_t *v)
{
	const uint8_t *m = (const uint8_t *)base + f->offset;

	switch (f->type->kind) {
	case NDR_U8: *v = *m; return 0;
	case NDR_U16: { uint16_t x; memcpy(&x, m, 2); *v = x; return 0; }
	case NDR_U32: memcpy(v, m, 4); return 0;
	default: return -EINVAL;   /* a descriptor bug, not bad input */
	}
}

static int set_count(void *base, const struct ndr_field *f, uint32_t v)
{
	uint8_t *m = (uint8_t *)base + f->offset;

	switch (f->type->kind) {
	case NDR_U8: if (v > UINT8_MAX) return -EBADMSG; *m = (uint8_t)v; return 0;
	case NDR_U16: { uint16_t x = (uint16_t)v; if (v > UINT16_MAX) return -EBADMSG;
		memcpy(m, &x, 2); return 0; }
	case NDR_U32: memcpy(m, &v, 4); return 0;
	default: return -EINVAL;
	}
}

/* The conformance a sibling count implies (size_round expressions). */
static uint32_t round_count(const struct ndr_field *f, uint32_t v)
{
	uint32_t r = f->size_round;

	if (r < 2 || v > UINT32_MAX - r)
		return v;
	return (v + r - 1) & ~(r - 1);
}

/* ------------------------------------------------------------------ pull */

static int pull_value(struct ndr_pull *p, const struct ndr_type *t, void *dst, int phases);

/* Check a count received on the wire against the sibling that sizes it:
 * the sibling must already be pulled and equal, or be C-only (then it is
 * set from the wire). */
static int pull_check_count(void *base, const struct ndr_type *owner, int idx_self,
			    int idx_sib, uint32_t wire)
{
	const struct ndr_field *sib;
	uint32_t v;

	if (idx_sib < 0 || (uint32_t)idx_sib >= owner->nfields)
		return -EINVAL;
	sib = &owner->fields[idx_sib];
	if (sib->flags & NDR_F_LOCAL)
		return set_count(base, sib, wire);
	if (idx_sib > idx_self)
		return -EINVAL;           /* descriptors size by earlier members only */
	NDR_CHECK(get_count(base, sib, &v));
	return round_count(&owner->fields[idx_self], v) == wire ? 0 : -EBADMSG;
}

static int pull_elems(struct ndr_pull *p, const struct ndr_type *elem, uint8_t *arr,
		      uint32_t n, int phases)
{
	uint32_t i;

	if ((phases & PHASE_SCALARS) && elem->kind == NDR_U8)
		return ndr_pull_bytes(p, arr, n);
	if (!(phases & PHASE_SCALARS) && !has_buffers(elem))
		return 0;
	for (i = 0; i < n; i++)
		NDR_CHECK(pull_value(p, elem, arr + (size_t)i * elem->csize, phases));
	return 0;
}

/* An array's elements, allocated from the arena once N is known sane. */
static int pull_alloc_elems(struct ndr_pull *p, const struct ndr_type *elem, uint32_t n,
			    uint8_t **out)
{
	if (n > NDR_MAX_COUNT || n > p->len - p->off)
		return -E2BIG;          /* every element takes at least one byte */
	*out = ndr_arena_array(p->arena, n ? n : 1, elem->csize);
	return *out ? 0 : -E2BIG;
}

/* Varying part: offset must be 0 and the transmitted count fit. */
static int pull_variance(struct ndr_pull *p, uint32_t max, uint32_t *actual)
{
	uint32_t offset;

	NDR_CHECK(ndr_pull_u32(p, &offset));
	NDR_CHECK(ndr_pull_u32(p, actual));
	if (offset != 0 || *actual > max)
		return -EBADMSG;
	return 0;
}

static int pull_wstring(struct ndr_pull *p, char **out)
{
	uint32_t max, actual;
	uint16_t *u;
	uint32_t i;

	NDR_CHECK(ndr_pull_u32(p, &max));
	NDR_CHECK(pull_variance(p, max, &actual));
	if (actual == 0 || actual > NDR_MAX_COUNT || actual > (p->len - p->off) / 2)
		return -EBADMSG;
	u = ndr_arena_array(p->arena, actual, sizeof(*u));
	if (!u)
		return -E2BIG;
	for (i = 0; i < actual; i++)
		NDR_CHECK(ndr_pull_u16(p, &u[i]));
	if (u[actual - 1] != 0)
		return -EBADMSG;           /* [string] carries its terminator */
	return ndr_utf16_to_utf8(p->arena, u, actual - 1, out) < 0 ? -EBADMSG : 0;
}

/* [string] char *: [max][offset actual] bytes, the last one NUL and no
 * other (a C string cannot carry one). */
static int pull_cstring(struct ndr_pull *p, char **out)
{
	uint32_t max, actual;
	char *s;

	NDR_CHECK(ndr_pull_u32(p, &max));
	NDR_CHECK(pull_variance(p, max, &actual));
	if (actual == 0 || actual > NDR_MAX_COUNT || actual > p->len - p->off)
		return -EBADMSG;
	if (!(s = ndr_arena_zalloc(p->arena, actual)))
		return -E2BIG;
	NDR_CHECK(ndr_pull_bytes(p, s, actual));
	if (memchr(s, 0, actual) != s + actual - 1)
		return -EBADMSG;
	*out = s;
	return 0;
}

static int pull_string(struct ndr_pull *p, const struct ndr_type *t, char **out)
{
	return t->kind == NDR_CSTRING ? pull_cstring(p, out) : pull_wstring(p, out);
}

/* A sized pointer's pointee or a top-level array: [max][offset actual] elems. */
static int pull_array(struct ndr_pull *p, void *base, const struct ndr_type *owner, int idx,
		      const struct ndr_type *arr_t, const struct ndr_type *elem, uint8_t **dst)
{
	const struct ndr_field *f = &owner->fields[idx];
	uint32_t max, n;

	NDR_CHECK(ndr_pull_u32(p, &max));
	NDR_CHECK(pull_check_count(base, owner, idx, f->size_is, max));
	n = max;
	if (arr_t && arr_t->kind == NDR_VARY_ARRAY) {
		NDR_CHECK(pull_variance(p, max, &n));
		NDR_CHECK(pull_check_count(base, owner, idx, f->length_is, n));
	}
	NDR_CHECK(ndr_pull_align(p, type_align(elem)));
	NDR_CHECK(pull_alloc_elems(p, elem, max, dst));
	NDR_CHECK(pull_elems(p, elem, *dst, n, PHASE_SCALARS));
	return pull_elems(p, elem, *dst, n, PHASE_BUFFERS);
}

/* A pointer: its referent id in the scalars phase, its pointee in the
 * buffers phase.  OWNER/IDX give the sizing sibling when the pointee is a
 * [size_is] array (OWNER NULL: an array element, never sized). */
static int pull_pointer(struct ndr_pull *p, const struct ndr_type *t, void **pp, int phases,
			bool top, void *base, const struct ndr_type *owner, int idx)
{
	const struct ndr_field *f = owner ? &owner->fields[idx] : NULL;
	bool sized = f && f->size_is >= 0;
	uint32_t id, n;

	if (phases & PHASE_SCALARS) {
		if (t->ptr == NDR_PTR_REF && top) {
			id = 1;                     /* top-level [ref]: no representation */
		} else {
			NDR_CHECK(ndr_pull_u32(p, &id));
			if (t->ptr == NDR_PTR_REF && id == 0)
				return -EBADMSG;
		}
		*pp = NULL;
		if (id) {
			if (is_string(t->elem) || sized)
				*pp = wstring_pending;  /* allocated when pulled */
			else if (!(*pp = ndr_arena_zalloc(p->arena, t->elem->csize)))
				return -E2BIG;
		} else if (sized && !(owner->fields[f->size_is].flags & NDR_F_LOCAL) &&
			   f->size_is < idx) {
			/* A null array with a non-zero count would have the
			 * implementation index through NULL: refuse it here. */
			NDR_CHECK(get_count(base, &owner->fields[f->size_is], &n));
			if (n)
				return -EBADMSG;
		}
	}
	if (!(phases & PHASE_BUFFERS) || !*pp)
		return 0;
	if (++p->depth > NDR_MAX_DEPTH)
		return -E2BIG;
	if (is_string(t->elem))
		NDR_CHECK(pull_string(p, t->elem, (char **)pp));
	else if (sized)
		NDR_CHECK(pull_array(p, base, owner, idx, NULL, t->elem, (uint8_t **)pp));
	else
		NDR_CHECK(pull_value(p, t->elem, *pp, PHASE_SCALARS | PHASE_BUFFERS));
	p->depth--;
	return 0;
}

static int pull_field(struct ndr_pull *p, void *base, const struct ndr_type *owner, int idx,
		      int phases, bool top)
{
	const struct ndr_field *f = &owner->fields[idx];
	const struct ndr_type *t = f->type;
	uint8_t *m = (uint8_t *)base + f->offset;

	if (t->kind == NDR_PTR)
		return pull_pointer(p, t, (void **)m, phases, top, base, owner, idx);
	if (is_varsize(t)) {
		/* Top-level array parameter; a conformant structure's last
		 * member is handled by pull_struct. */
		if (!(phases & PHASE_SCALARS))
			return 0;
		return pull_array(p, base, owner, idx, t, t->elem, (uint8_t **)m);
	}
	if (is_string(t))
		return (phases & PHASE_SCALARS) ? pull_string(p, t, (char **)m) : 0;
	return pull_value(p, t, m, phases);
}

static int pull_struct(struct ndr_pull *p, const struct ndr_type *t, void *dst, int phases)
{
	const struct ndr_field *conf = conformant_member(t);
	uint32_t max = 0, n, i;
	int idx;

	if (++p->depth > NDR_MAX_DEPTH)
		return -E2BIG;
	if (phases & PHASE_SCALARS) {
		if (conf)
			NDR_CHECK(ndr_pull_u32(p, &max));   /* conformance hoisted first */
		NDR_CHECK(ndr_pull_align(p, type_align(t)));
		for (i = 0; i < t->nfields; i++) {
			const struct ndr_field *f = &t->fields[i];
			uint8_t **arr;

			if (f->flags & NDR_F_LOCAL)
				continue;
			if (f != conf) {
				NDR_CHECK(pull_field(p, dst, t, (int)i, PHASE_SCALARS, false));
				continue;
			}
			idx = (int)i;
			arr = (uint8_t **)((uint8_t *)dst + f->offset);
			NDR_CHECK(pull_check_count(dst, t, idx, f->size_is, max));
			n = max;
			if (f->type->kind == NDR_VARY_ARRAY) {
				NDR_CHECK(pull_variance(p, max, &n));
				NDR_CHECK(pull_check_count(dst, t, idx, f->length_is, n));
			}
			NDR_CHECK(ndr_pull_align(p, type_align(f->type->elem)));
			NDR_CHECK(pull_alloc_elems(p, f->type->elem, max, arr));
			NDR_CHECK(pull_elems(p, f->type->elem, *arr, n, PHASE_SCALARS));
		}
	}
	if (phases & PHASE_BUFFERS) {
		for (i = 0; i < t->nfields; i++) {
			const struct ndr_field *f = &t->fields[i];

			if (f->flags & NDR_F_LOCAL)
				continue;
			if (f == conf) {
				uint8_t *arr = *(uint8_t **)((uint8_t *)dst + f->offset);

				n = 0;
				if (f->type->kind == NDR_VARY_ARRAY) {
					NDR_CHECK(get_count(dst, &t->fields[f->length_is], &n));
				} else {
					NDR_CHECK(get_count(dst, &t->fields[f->size_is], &n));
					n = round_count(f, n);
				}
				NDR_CHECK(pull_elems(p, f->type->elem, arr, n, PHASE_BUFFERS));
				continue;
			}
			NDR_CHECK(pull_field(p, dst, t, (int)i, PHASE_BUFFERS, false));
		}
	}
	p->depth--;
	return 0;
}

static int pull_params(struct ndr_pull *p, const struct ndr_type *t, void *dst)
{
	uint32_t i;

	for (i = 0; i < t->nfields; i++) {
		if (t->fields[i].flags & NDR_F_LOCAL)
			continue;
		NDR_CHECK(pull_field(p, dst, t, (int)i, PHASE_SCALARS, true));
		NDR_CHECK(pull_field(p, dst, t, (int)i, PHASE_BUFFERS, true));
	}
	return 0;
}

static int pull_value(struct ndr_pull *p, const struct ndr_type *t, void *dst, int phases)
{
	uint8_t *d = dst;
	uint32_t i;

	switch (t->kind) {
	case NDR_U8:
		return (phases & PHASE_SCALARS) ? ndr_pull_u8(p, d) : 0;
	case NDR_U16:
		return (phases & PHASE_SCALARS) ? ndr_pull_u16(p, (uint16_t *)dst) : 0;
	case NDR_U32:
		return (phases & PHASE_SCALARS) ? ndr_pull_u32(p, (uint32_t *)dst) : 0;
	case NDR_U64:
		return (phases & PHASE_SCALARS) ? ndr_pull_u64(p, (uint64_t *)dst) : 0;
	case NDR_GUID:
		if (!(phases & PHASE_SCALARS))
			return 0;
		NDR_CHECK(ndr_pull_align(p, 4));
		return ndr_pull_bytes(p, d, 16);
	case NDR_STRUCT:
		return pull_struct(p, t, dst, phases);
	case NDR_PARAMS:
		return pull_params(p, t, dst);
	case NDR_FIXED_ARRAY:
		if (phases & PHASE_SCALARS)
			NDR_CHECK(ndr_pull_align(p, type_align(t->elem)));
		for (i = 0; i < t->count; i++)
			if ((phases & PHASE_SCALARS) || has_buffers(t->elem))
				NDR_CHECK(pull_value(p, t->elem, d + (size_t)i * t->elem->csize, phases));
		return 0;
	case NDR_PTR:
		/* an array element: never sized, never top-level */
		return pull_pointer(p, t, (void **)dst, phases, false, NULL, NULL, -1);
	case NDR_CONF_ARRAY: case NDR_VARY_ARRAY: case NDR_WSTRING: case NDR_CSTRING:
		/* Only meaningful as members: they need a sibling or a pointer slot. */
		return -EINVAL;
	}
	return -EINVAL;
}

int ndr_pull(struct ndr_pull *p, const struct ndr_type *t, void *dst)
{
	return pull_value(p, t, dst, PHASE_SCALARS | PHASE_BUFFERS);
}

/* ------------------------------------------------------------------ push */

static int push_value(struct ndr_push *p, const struct ndr_type *t, const void *src, int phases);

static int push_elems(struct ndr_push *p, const struct ndr_type *elem, const uint8_t *arr,
		      uint32_t n, int phases)
{
	uint32_t i;

	if (n && !arr)
		return -EINVAL;             /* a count without elements: caller bug */
	if ((phases & PHASE_SCALARS) && elem->kind == NDR_U8)
		return ndr_push_bytes(p, arr, n);
	if (!(phases & PHASE_SCALARS) && !has_buffers(elem))
		return 0;
	for (i = 0; i < n; i++)
		NDR_CHECK(push_value(p, elem, arr + (size_t)i * elem->csize, phases));
	return 0;
}

static int push_wstring(struct ndr_push *p, const char *s)
{
	struct ndr_arena a;
	uint16_t *u;
	size_t n, i;
	int rc;

	ndr_arena_init(&a);
	rc = ndr_utf8_to_utf16(&a, s, &u, &n);
	if (rc == 0 && n + 1 > NDR_MAX_COUNT)
		rc = -E2BIG;
	for (i = 0; rc == 0 && i < 3; i++)
		rc = ndr_push_u32(p, i == 1 ? 0 : (uint32_t)(n + 1));
	for (i = 0; rc == 0 && i <= n; i++)
		rc = ndr_push_u16(p, i < n ? u[i] : 0);
	ndr_arena_release(&a);
	return rc;
}

static int push_cstring(struct ndr_push *p, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > NDR_MAX_COUNT)
		return -E2BIG;
	NDR_CHECK(ndr_push_u32(p, (uint32_t)n));
	NDR_CHECK(ndr_push_u32(p, 0));
	NDR_CHECK(ndr_push_u32(p, (uint32_t)n));
	return ndr_push_bytes(p, s, n);
}

static int push_string(struct ndr_push *p, const struct ndr_type *t, const char *s)
{
	return t->kind == NDR_CSTRING ? push_cstring(p, s) : push_wstring(p, s);
}

static int push_array(struct ndr_push *p, const void *base, const struct ndr_type *owner,
		      const struct ndr_field *f, const struct ndr_type *arr_t,
		      const struct ndr_type *elem, const uint8_t *arr)
{
	uint32_t max = 0, n;

	NDR_CHECK(get_count(base, &owner->fields[f->size_is], &max));
	max = round_count(f, max);
	NDR_CHECK(ndr_push_u32(p, max));
	n = max;
	if (arr_t && arr_t->kind == NDR_VARY_ARRAY) {
		NDR_CHECK(get_count(base, &owner->fields[f->length_is], &n));
		if (n > max)
			return -EINVAL;
		NDR_CHECK(ndr_push_u32(p, 0));
		NDR_CHECK(ndr_push_u32(p, n));
	}
	NDR_CHECK(ndr_push_align(p, type_align(elem)));
	NDR_CHECK(push_elems(p, elem, arr, n, PHASE_SCALARS));
	return push_elems(p, elem, arr, n, PHASE_BUFFERS);
}

static int push_pointer(struct ndr_push *p, const struct ndr_type *t, const void *ptr,
			int phases, bool top, const void *base, const struct ndr_type *owner,
			const struct ndr_field *f)
{
	if (phases & PHASE_SCALARS) {
		if (t->ptr == NDR_PTR_REF && !ptr)
			return -EINVAL;
		if (!(t->ptr == NDR_PTR_REF && top))
			NDR_CHECK(ndr_push_referent(p, ptr != NULL));
	}
	if (!(phases & PHASE_BUFFERS) || !ptr)
		return 0;
	if (++p->depth > NDR_MAX_DEPTH)
		return -E2BIG;
	if (is_string(t->elem))
		NDR_CHECK(push_string(p, t->elem, ptr));
	else if (f && f->size_is >= 0)
		NDR_CHECK(push_array(p, base, owner, f, NULL, t->elem, ptr));
	else
		NDR_CHECK(push_value(p, t->elem, ptr, PHASE_SCALARS | PHASE_BUFFERS));
	p->depth--;
	return 0;
}

static int push_field(struct ndr_push *p, const void *base, const struct ndr_type *owner,
		      const struct ndr_field *f, int phases, bool top)
{
	const struct ndr_type *t = f->type;
	const uint8_t *m = (const uint8_t *)base + f->offset;
	const void *ptr;

	if (t->kind == NDR_PTR) {
		memcpy(&ptr, m, sizeof(ptr));
		return push_pointer(p, t, ptr, phases, top, base, owner, f);
	}
	if (is_varsize(t)) {
		if (!(phases & PHASE_SCALARS))
			return 0;
		memcpy(&ptr, m, sizeof(ptr));
		return push_array(p, base, owner, f, t, t->elem, ptr);
	}
	if (is_string(t)) {
		memcpy(&ptr, m, sizeof(ptr));
		if (!ptr)
			return -EINVAL;
		return (phases & PHASE_SCALARS) ? push_string(p, t, ptr) : 0;
	}
	return push_value(p, t, m, phases);
}

static int push_struct(struct ndr_push *p, const struct ndr_type *t, const void *src, int phases)
{
	const struct ndr_field *conf = conformant_member(t);
	uint32_t max = 0, n, i;

	if (++p->depth > NDR_MAX_DEPTH)
		return -E2BIG;
	if (phases & PHASE_SCALARS) {
		if (conf) {
			NDR_CHECK(get_count(src, &t->fields[conf->size_is], &max));
			max = round_count(conf, max);
			NDR_CHECK(ndr_push_u32(p, max));
		}
		NDR_CHECK(ndr_push_align(p, type_align(t)));
		for (i = 0; i < t->nfields; i++) {
			const struct ndr_field *f = &t->fields[i];
			const uint8_t *arr;

			if (f->flags & NDR_F_LOCAL)
				continue;
			if (f != conf) {
				NDR_CHECK(push_field(p, src, t, f, PHASE_SCALARS, false));
				continue;
			}
			memcpy(&arr, (const uint8_t *)src + f->offset, sizeof(arr));
			n = max;
			if (f->type->kind == NDR_VARY_ARRAY) {
				NDR_CHECK(get_count(src, &t->fields[f->length_is], &n));
				if (n > max)
					return -EINVAL;
				NDR_CHECK(ndr_push_u32(p, 0));
				NDR_CHECK(ndr_push_u32(p, n));
			}
			NDR_CHECK(ndr_push_align(p, type_align(f->type->elem)));
			NDR_CHECK(push_elems(p, f->type->elem, arr, n, PHASE_SCALARS));
		}
	}
	if (phases & PHASE_BUFFERS) {
		for (i = 0; i < t->nfields; i++) {
			const struct ndr_field *f = &t->fields[i];

			if (f->flags & NDR_F_LOCAL)
				continue;
			if (f == conf) {
				const uint8_t *arr;

				memcpy(&arr, (const uint8_t *)src + f->offset, sizeof(arr));
				if (f->type->kind == NDR_VARY_ARRAY) {
					NDR_CHECK(get_count(src, &t->fields[f->length_is], &n));
				} else {
					NDR_CHECK(get_count(src, &t->fields[f->size_is], &n));
					n = round_count(f, n);
				}
				NDR_CHECK(push_elems(p, f->type->elem, arr, n, PHASE_BUFFERS));
				continue;
			}
			NDR_CHECK(push_field(p, src, t, f, PHASE_BUFFERS, false));
		}
	}
	p->depth--;
	return 0;
}

static int push_value(struct ndr_push *p, const struct ndr_type *t, const void *src, int phases)
{
	const uint8_t *s = src;
	uint32_t i;

	switch (t->kind) {
	case NDR_U8:
		return (phases & PHASE_SCALARS) ? ndr_push_u8(p, *s) : 0;
	case NDR_U16: {
		uint16_t v;
		memcpy(&v, s, 2);
		return (phases & PHASE_SCALARS) ? ndr_push_u16(p, v) : 0;
	}
	case NDR_U32: {
		uint32_t v;
		memcpy(&v, s, 4);
		return (phases & PHASE_SCALARS) ? ndr_push_u32(p, v) : 0;
	}
	case NDR_U64: {
		uint64_t v;
		memcpy(&v, s, 8);
		return (phases & PHASE_SCALARS) ? ndr_push_u64(p, v) : 0;
	}
	case NDR_GUID:
		if (!(phases & PHASE_SCALARS))
			return 0;
		NDR_CHECK(ndr_push_align(p, 4));
		return ndr_push_bytes(p, s, 16);
	case NDR_STRUCT:
		return push_struct(p, t, src, phases);
	case NDR_PARAMS:
		for (i = 0; i < t->nfields; i++) {
			if (t->fields[i].flags & NDR_F_LOCAL)
				continue;
			NDR_CHECK(push_field(p, src, t, &t->fields[i], PHASE_SCALARS, true));
			NDR_CHECK(push_field(p, src, t, &t->fields[i], PHASE_BUFFERS, true));
		}
		return 0;
	case NDR_FIXED_ARRAY:
		if (phases & PHASE_SCALARS)
			NDR_CHECK(ndr_push_align(p, type_align(t->elem)));
		for (i = 0; i < t->count; i++)
			if ((phases & PHASE_SCALARS) || has_buffers(t->elem))
				NDR_CHECK(push_value(p, t->elem, s + (size_t)i * t->elem->csize, phases));
		return 0;
	case NDR_PTR: {
		const void *ptr;

		memcpy(&ptr, s, sizeof(ptr));
		return push_pointer(p, t, ptr, phases, false, NULL, NULL, NULL);
	}
	case NDR_CONF_ARRAY: case NDR_VARY_ARRAY: case NDR_WSTRING: case NDR_CSTRING:
		return -EINVAL;
	}
	return -EINVAL;
}

int ndr_push(struct ndr_push *p, const struct ndr_type *t, const void *src)
{
	return push_value(p, t, src, PHASE_SCALARS | PHASE_BUFFERS);
}
