/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr-fill.h: fill any described NDR value with deterministic contents,
 * driven only by its struct ndr_type (never by C member names), so that
 * two tables describing the same wire produce the same bytes whatever
 * their C layouts.  Trade-off: values are positional (a counter in walk
 * order), not meaningful; they exist to be pushed and compared. */
#ifndef NDR_FILL_H
#define NDR_FILL_H

#include "ndr/ndr.h"

/* Allocate (from A) and fill one value of T; NULL when out of memory. */
void *ndr_fill_new(struct ndr_arena *a, const struct ndr_type *t);

/* Push one value of T into OUT (which the caller releases): 0 or -errno. */
int ndr_fill_push(const struct ndr_type *t, const void *v, struct rpc_buf *out);

#endif
