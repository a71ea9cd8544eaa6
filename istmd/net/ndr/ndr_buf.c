/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr_buf.c: the raw NDR primitives: aligned little-endian integers and
 * bytes pushed into a struct rpc_buf and pulled out of a stub.
 *
 * Every pull primitive goes through NDR_NEED, which compares against the
 * bytes left (len - off, never off + n, so it cannot overflow); pushes grow
 * the transport's rpc_buf, which caps its size.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "ndr/ndr.h"

#define NDR_NEED(p, n) do { if ((size_t)(n) > (p)->len - (p)->off) return -EBADMSG; } while (0)

void ndr_pull_init(struct ndr_pull *p, const uint8_t *data, size_t len, struct ndr_arena *a)
{
	p->data = data;
	p->len = len;
	p->off = 0;
	p->depth = 0;
	p->arena = a;
}

int ndr_pull_align(struct ndr_pull *p, size_t align)
{
	size_t pad = (align - (p->off % align)) % align;

	NDR_NEED(p, pad);
	p->off += pad;
	return 0;
}

int ndr_pull_bytes(struct ndr_pull *p, void *dst, size_t n)
{
	NDR_NEED(p, n);
	if (n)
		memcpy(dst, p->data + p->off, n);
	p->off += n;
	return 0;
}

int ndr_pull_u8(struct ndr_pull *p, uint8_t *v)
{
	NDR_NEED(p, 1);
	*v = p->data[p->off++];
	return 0;
}

int ndr_pull_u16(struct ndr_pull *p, uint16_t *v)
{
	NDR_CHECK(ndr_pull_align(p, 2));
	NDR_NEED(p, 2);
	*v = (uint16_t)(p->data[p->off] | p->data[p->off + 1] << 8);
	p->off += 2;
	return 0;
}

int ndr_pull_u32(struct ndr_pull *p, uint32_t *v)
{
	const uint8_t *d;

	NDR_CHECK(ndr_pull_align(p, 4));
	NDR_NEED(p, 4);
	d = p->data + p->off;
	*v = (uint32_t)d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
	p->off += 4;
	return 0;
}

int ndr_pull_u64(struct ndr_pull *p, uint64_t *v)
{
	uint32_t lo, hi;

	NDR_CHECK(ndr_pull_align(p, 8));
	NDR_CHECK(ndr_pull_u32(p, &lo));
	NDR_CHECK(ndr_pull_u32(p, &hi));
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

void ndr_push_init(struct ndr_push *p, struct rpc_buf *out)
{
	p->out = out;
	p->mask = NULL;
	p->next_referent = 0x00020000;
	p->depth = 0;
}

/* Append N bytes; SIGNIFICANT says whether a test comparing against
 * another implementation's bytes must match them (padding and referent ids
 * are free choices of the sender). */
static int push_raw(struct ndr_push *p, const void *src, size_t n, bool significant)
{
	if (n == 0)
		return 0;
	NDR_CHECK(rpc_buf_append(p->out, src, n));
	if (p->mask) {
		NDR_CHECK(rpc_buf_reserve(p->mask, n));
		memset(p->mask->data + p->mask->len, significant ? 0xff : 0, n);
		p->mask->len += n;
	}
	return 0;
}

int ndr_push_align(struct ndr_push *p, size_t align)
{
	static const uint8_t zeros[8];
	size_t pad = (align - (p->out->len % align)) % align;

	return push_raw(p, zeros, pad, false);
}

int ndr_push_bytes(struct ndr_push *p, const void *src, size_t n)
{
	return push_raw(p, src, n, true);
}

int ndr_push_u8(struct ndr_push *p, uint8_t v)
{
	return push_raw(p, &v, 1, true);
}

int ndr_push_u16(struct ndr_push *p, uint16_t v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	NDR_CHECK(ndr_push_align(p, 2));
	return push_raw(p, b, 2, true);
}

int ndr_push_u32(struct ndr_push *p, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };

	NDR_CHECK(ndr_push_align(p, 4));
	return push_raw(p, b, 4, true);
}

int ndr_push_u64(struct ndr_push *p, uint64_t v)
{
	NDR_CHECK(ndr_push_align(p, 8));
	NDR_CHECK(ndr_push_u32(p, (uint32_t)v));
	return ndr_push_u32(p, (uint32_t)(v >> 32));
}

/* A referent id: significant only in being non-zero. */
int ndr_push_referent(struct ndr_push *p, bool present)
{
	uint32_t id = present ? p->next_referent : 0;
	uint8_t b[4] = { (uint8_t)id, (uint8_t)(id >> 8), (uint8_t)(id >> 16), (uint8_t)(id >> 24) };

	if (present)
		p->next_referent += 4;
	NDR_CHECK(ndr_push_align(p, 4));
	return push_raw(p, b, 4, !present);
}
