/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* istm-tables.c: see istm-tables.h.  Interfaces are collected by walking
 * the classes' lists and each interface's base chain, once per interface. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "istm-tables.h"
#include "istm/istm.h"

size_t istm_all_methods(struct istm_method_ref *out, size_t max)
{
	const struct dcom_iface *ifs[256];
	size_t nifs = istm_all_ifaces(ifs, 256), n = 0, i, k;

	if (nifs > 256)
		nifs = 256;
	for (i = 0; i < nifs; i++)
		for (k = 0; k < ifs[i]->nmethods; k++) {
			if (n < max) {
				out[n].iface = ifs[i];
				out[n].m = &ifs[i]->methods[k];
				out[n].opnum = (uint16_t)(ifs[i]->first_opnum + k);
			}
			n++;
		}
	return n;
}

/* Pull LEN bytes as T, then push; 0 and *OUT filled, or -1. */
static int pull_push(const struct ndr_type *t, const uint8_t *data, size_t len,
		     struct rpc_buf *out, size_t *consumed)
{
	struct ndr_arena a;
	struct ndr_pull p;
	struct ndr_push q;
	void *v;
	int rc = -1;

	ndr_arena_init(&a);
	ndr_pull_init(&p, data, len, &a);
	v = ndr_arena_zalloc(&a, t->csize ? t->csize : 1);
	if (v && ndr_pull(&p, t, v) == 0) {
		ndr_push_init(&q, out);
		rc = ndr_push(&q, t, v) == 0 ? 0 : -2;
		if (consumed)
			*consumed = p.off;
	}
	ndr_arena_release(&a);
	return rc;
}

int istm_method_in_roundtrip(const struct istm_method_ref *r, const uint8_t *stub, size_t len)
{
	struct rpc_buf b1 = { 0 }, b2 = { 0 };
	int rc, result = 0;

	rc = pull_push(r->m->in, stub, len, &b1, NULL);
	if (rc == -2) {
		fprintf(stderr, "%s::%s: a stub it accepted does not push back\n",
			r->iface->name, r->m->name);
		result = -1;
	} else if (rc == 0) {
		result = 1;
		if (pull_push(r->m->in, b1.data, b1.len, &b2, NULL) != 0 || b1.len != b2.len ||
		    (b1.len && memcmp(b1.data, b2.data, b1.len))) {
			fprintf(stderr, "%s::%s: [in] round trip differs (%zu vs %zu bytes)\n",
				r->iface->name, r->m->name, b1.len, b2.len);
			result = -1;
		}
	}
	rpc_buf_release(&b1);
	rpc_buf_release(&b2);
	return result;
}

int istm_method_out_zero_push(const struct istm_method_ref *r)
{
	struct rpc_buf z = { 0 };
	struct ndr_push q;
	void *zero = calloc(1, r->m->out->csize ? r->m->out->csize : 1);
	int result = 0;

	ndr_push_init(&q, &z);
	if (zero && ndr_push(&q, r->m->out, zero) < 0) {
		fprintf(stderr, "%s::%s: a zeroed [out] list does not push\n", r->iface->name,
			r->m->name);
		result = -1;
	}
	free(zero);
	rpc_buf_release(&z);
	return result;
}

int istm_method_roundtrip(const struct istm_method_ref *r, const uint8_t *stub, size_t len)
{
	int result = istm_method_in_roundtrip(r, stub, len);

	return istm_method_out_zero_push(r) < 0 ? -1 : result;
}
