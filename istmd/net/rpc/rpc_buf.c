/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_buf.c: the growable byte buffer response stubs and PDUs are built
 * in.  Trade-off: doubling growth wastes up to half the capacity but keeps
 * appends amortised O(1); a hard cap keeps one call from taking the heap. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rpc_dispatch.h"

#define RPC_BUF_MAX ((size_t)64 << 20) /* nothing istmd sends is this large */

int rpc_buf_reserve(struct rpc_buf *b, size_t extra)
{
	size_t need, cap;
	uint8_t *p;

	if (extra > RPC_BUF_MAX || b->len > RPC_BUF_MAX - extra)
		return -ENOMEM;
	need = b->len + extra;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		return -ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int rpc_buf_append(struct rpc_buf *b, const void *data, size_t n)
{
	int rc = rpc_buf_reserve(b, n);

	if (rc < 0)
		return rc;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	return 0;
}

void rpc_buf_release(struct rpc_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
