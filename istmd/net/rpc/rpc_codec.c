/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_codec.c: the bounds-checked cursor and the one table-driven engine
 * every fixed PDU layout goes through.  Trade-off: a table walk is a little
 * slower than hand-unrolled reads, but each layout is written once and
 * every read is checked in one place. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "rpc_int.h"

uint16_t rpc_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

uint32_t rpc_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void rpc_put_le16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

void rpc_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

void rpc_cursor_init(struct rpc_cursor *c, const uint8_t *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->off = 0;
}

int rpc_pull_bytes(struct rpc_cursor *c, size_t n, const uint8_t **out)
{
	if (c->off > c->len || n > c->len - c->off)
		return -EPROTO;
	*out = c->p + c->off;
	c->off += n;
	return 0;
}

int rpc_pull_u8(struct rpc_cursor *c, uint8_t *v)
{
	const uint8_t *p;

	RPC_CHECK(rpc_pull_bytes(c, 1, &p));
	*v = p[0];
	return 0;
}

int rpc_pull_u16(struct rpc_cursor *c, uint16_t *v)
{
	const uint8_t *p;

	RPC_CHECK(rpc_pull_bytes(c, 2, &p));
	*v = rpc_le16(p);
	return 0;
}

int rpc_pull_u32(struct rpc_cursor *c, uint32_t *v)
{
	const uint8_t *p;

	RPC_CHECK(rpc_pull_bytes(c, 4, &p));
	*v = rpc_le32(p);
	return 0;
}

int rpc_fields_pull(const struct rpc_field *f, size_t n, struct rpc_cursor *c, void *obj)
{
	uint8_t *base = obj;
	size_t i;

	for (i = 0; i < n; i++) {
		void *dst = base + f[i].offset;
		const uint8_t *p;

		switch (f[i].type) {
		case RPC_F_U8:
			RPC_CHECK(rpc_pull_u8(c, dst));
			break;
		case RPC_F_U16: {
			uint16_t v;
			RPC_CHECK(rpc_pull_u16(c, &v));
			memcpy(dst, &v, sizeof(v));
			break;
		}
		case RPC_F_U32: {
			uint32_t v;
			RPC_CHECK(rpc_pull_u32(c, &v));
			memcpy(dst, &v, sizeof(v));
			break;
		}
		case RPC_F_B4:
			RPC_CHECK(rpc_pull_bytes(c, 4, &p));
			memcpy(dst, p, 4);
			break;
		case RPC_F_B16:
			RPC_CHECK(rpc_pull_bytes(c, 16, &p));
			memcpy(dst, p, 16);
			break;
		}
	}
	return 0;
}

int rpc_push_u8(struct rpc_buf *b, uint8_t v) { return rpc_buf_append(b, &v, 1); }

int rpc_push_u16(struct rpc_buf *b, uint16_t v)
{
	uint8_t p[2];

	rpc_put_le16(p, v);
	return rpc_buf_append(b, p, 2);
}

int rpc_push_u32(struct rpc_buf *b, uint32_t v)
{
	uint8_t p[4];

	rpc_put_le32(p, v);
	return rpc_buf_append(b, p, 4);
}

int rpc_push_zeros(struct rpc_buf *b, size_t n)
{
	if (n == 0)
		return 0;
	RPC_CHECK(rpc_buf_reserve(b, n));
	memset(b->data + b->len, 0, n);
	b->len += n;
	return 0;
}

int rpc_fields_push(const struct rpc_field *f, size_t n, struct rpc_buf *b, const void *obj)
{
	const uint8_t *base = obj;
	size_t i;

	for (i = 0; i < n; i++) {
		const void *src = base + f[i].offset;

		switch (f[i].type) {
		case RPC_F_U8:
			RPC_CHECK(rpc_push_u8(b, *(const uint8_t *)src));
			break;
		case RPC_F_U16: {
			uint16_t v;
			memcpy(&v, src, sizeof(v));
			RPC_CHECK(rpc_push_u16(b, v));
			break;
		}
		case RPC_F_U32: {
			uint32_t v;
			memcpy(&v, src, sizeof(v));
			RPC_CHECK(rpc_push_u32(b, v));
			break;
		}
		case RPC_F_B4:
			RPC_CHECK(rpc_buf_append(b, src, 4));
			break;
		case RPC_F_B16:
			RPC_CHECK(rpc_buf_append(b, src, 16));
			break;
		}
	}
	return 0;
}
