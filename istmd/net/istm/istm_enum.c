/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* istm_enum.c: Next, Skip, Reset and Clone for every IEnum* interface
 * ([MS-ISTM] 3.1.4.2.2), and istm_export(), which every method that hands
 * out an interface pointer uses.  The cursor lives in the enumerator
 * object; the parent is asked for one item per Next (the IDL's element is
 * a single one, see istm.h), so an enumeration never holds rows or locks
 * in the parent and sees rows added after it started at its end. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/proto.h"

uint32_t istm_export(struct dcom_call *c, const struct dcom_class *cls,
		     const struct dcom_iface *iface, void *state, void (*free_fn)(void *),
		     struct ndr_blob **mip)
{
	struct dcom_object *obj;
	struct dcom_stdobjref std;
	struct dcom_dsa dsa;

	if (dcom_object_new(cls, &obj) < 0) {
		if (free_fn)
			free_fn(state);
		return E_OUTOFMEMORY;
	}
	dcom_object_set_state(obj, state, free_fn);
	if (dcom_dsa_build(&c->arena, c->rpc->local_addr, dcom_cfg.exporter_port, &dsa) < 0 ||
	    dcom_object_export(obj, iface, 1, &std) < 0 ||
	    dcom_objref_standard(&c->arena, &iface->iid, &std, &dsa, mip) < 0) {
		dcom_object_discard(obj);
		return E_OUTOFMEMORY;
	}
	return S_OK;
}

uint32_t istm_enum_new(struct dcom_call *c, const struct istm_enum_kind *kind, int64_t scope,
		       uint32_t arg, const char *text, struct ndr_blob **mip)
{
	struct istm_enum *e = calloc(1, sizeof(*e));

	if (!e)
		return E_OUTOFMEMORY;
	e->kind = kind;
	e->scope = scope;
	e->arg = arg;
	e->cursor = -1;
	if (text)
		snprintf(e->text, sizeof(e->text), "%s", text);
	return istm_export(c, kind->cls, kind->iface, e, free, mip);
}

static struct istm_enum *enum_of(struct dcom_call *c)
{
	return c->obj ? dcom_object_state(c->obj) : NULL;
}

/* Ask the kind's verb; REPLY holds struct svc_enum_reply and the items. */
static uint32_t ask(const struct istm_enum *e, uint32_t max, uint32_t flags, uint8_t *reply,
		    size_t cap, struct svc_enum_reply *rp, size_t *got)
{
	struct svc_enum_req rq;
	uint32_t hr;

	memset(&rq, 0, sizeof(rq));
	rq.scope = e->scope;
	rq.cursor = e->cursor;
	rq.max = max;
	rq.arg = e->arg;
	rq.flags = flags;
	memcpy(rq.text, e->text, sizeof(rq.text));
	hr = ask_enum(e->kind->verb, &rq, reply, cap, got);
	if (hr != S_OK)
		return hr;
	if (*got < sizeof(*rp))
		return ERROR_NOT_READY;
	memcpy(rp, reply, sizeof(*rp));
	return S_OK;
}

uint32_t istm_enum_next(struct dcom_call *c, const void *in, void *out)
{
	struct istm_enum *e = enum_of(c);
	struct svc_enum_reply rp;
	uint32_t want, hr, *count;
	uint8_t *reply;
	size_t got, cap;

	if (!e)
		return E_FAIL;     /* "the enumerator is not initialized" */
	memcpy(&want, in, sizeof(want));
	count = (uint32_t *)((uint8_t *)out + e->kind->next_out_count);
	*count = 0;
	cap = sizeof(rp) + e->kind->item_size;
	reply = ndr_arena_zalloc(&c->arena, cap);
	if (!reply)
		return E_OUTOFMEMORY;
	if (want == 0) {   /* count-only: the number of items left */
		hr = ask(e, 0, 0, reply, cap, &rp, &got);
		if (hr == S_OK)
			*count = rp.remaining > UINT32_MAX ? UINT32_MAX : (uint32_t)rp.remaining;
		return hr;
	}
	hr = ask(e, 1, 0, reply, cap, &rp, &got);
	if (hr != S_OK)
		return hr;
	if (rp.n == 0)
		return S_FALSE;
	if (got < sizeof(rp) + e->kind->item_size)
		return ERROR_NOT_READY;
	hr = e->kind->to_wire(c, e, reply + sizeof(rp),
			      (uint8_t *)out + e->kind->next_out_elem);
	if (hr != S_OK)
		return hr;
	e->cursor = rp.cursor;
	*count = 1;
	return S_OK;
}

/* Every IEnum*'s Skip [in] list (IEnumX_Skip_in, generated) is this. */
struct skip_in { uint32_t n; /* [in] ULONG ulNumElements */ };

uint32_t istm_enum_skip(struct dcom_call *c, const void *inv, void *out)
{
	const struct skip_in *in = inv;
	struct istm_enum *e = enum_of(c);
	struct svc_enum_reply rp;
	uint8_t reply[sizeof(rp)];
	size_t got;
	uint32_t hr;

	(void)out;
	if (!e)
		return E_FAIL;
	if (in->n == 0)
		return E_INVALIDARG;   /* "MUST be greater than zero" */
	hr = ask(e, in->n, SVC_ENUM_SKIP, reply, sizeof(reply), &rp, &got);
	if (hr != S_OK)
		return hr;
	e->cursor = rp.cursor;
	return rp.n == in->n ? S_OK : S_FALSE;
}

uint32_t istm_enum_reset(struct dcom_call *c, const void *in, void *out)
{
	struct istm_enum *e = enum_of(c);

	(void)in;
	(void)out;
	if (!e)
		return E_FAIL;
	e->cursor = -1;
	return S_OK;
}

/* Every IEnum*'s Clone [out] list (IEnumX_Clone_out, generated, with the
 * [in, out] of istm.acf) is this. */
struct clone_param { struct ndr_blob *mip; /* [in, out] IEnumX **ppNewEnum */ };

uint32_t istm_enum_clone(struct dcom_call *c, const void *in, void *outv)
{
	struct istm_enum *e = enum_of(c), *copy;
	struct clone_param *out = outv;

	(void)in;
	if (!e)
		return E_FAIL;
	copy = malloc(sizeof(*copy));
	if (!copy)
		return E_OUTOFMEMORY;
	*copy = *e;    /* same collection, its own iterator (3.1.4.2.2.4) */
	return istm_export(c, e->kind->cls, e->kind->iface, copy, free, &out->mip);
}

uint32_t istm_enum_no_item(struct dcom_call *c, const struct istm_enum *e, const void *item,
			   void *elem)
{
	(void)c;
	(void)e;
	(void)item;
	(void)elem;
	return E_UNEXPECTED;
}

uint32_t istm_not_implemented(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return E_NOTIMPL;
}
