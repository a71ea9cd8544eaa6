/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* remunknown.c: IRemUnknown and IRemUnknown2 ([MS-DCOM] 3.1.1.5.6, 3.1.1.5.7)
 * on this exporter's one IRemUnknown IPID: QueryInterface, AddRef and
 * Release of interface pointers on behalf of remote clients.
 *
 * References granted are the ones asked for (cRefs, at least 1); a
 * release dropping an IPID to zero removes it, and the object goes with
 * its last IPID.  Private references are accepted and ignored (no client
 * of ours uses them).
 */
#include <config.h>

#include <string.h>

#include "dcom/dcom_int.h"

#define MAX_QI_IIDS  64u   /* interfaces in one RemQueryInterface */
#define MAX_QI_REFS  64u   /* references asked for per interface */

static NDR_CONF_ARRAY_TYPE(guid_array, &ndr_t_guid);
static NDR_CONF_ARRAY_TYPE(refs_array, &dcom_t_reminterfaceref);
static NDR_CONF_ARRAY_TYPE(u32_array, &ndr_t_u32);
static NDR_CONF_ARRAY_TYPE(mip_ptr_array, &ndr_t_unique_mip);
static NDR_PTR_TYPE(unique_qiresults, NDR_PTR_UNIQUE, &dcom_t_remqiresult);

/* --- RemQueryInterface (3) --- */
struct qi_in {
	struct ndr_guid ipid;          /* REFIPID ripid */
	uint32_t refs;                 /* cRefs */
	uint16_t niids;                /* cIids */
	struct ndr_guid *iids;         /* [size_is(cIids)] IID *iids */
};
static const struct ndr_field qi_in_fields[] = {
	NDR_FIELD(struct qi_in, ipid, &ndr_t_guid),
	NDR_FIELD(struct qi_in, refs, &ndr_t_u32),
	NDR_FIELD(struct qi_in, niids, &ndr_t_u16),
	NDR_FIELD_SIZED(struct qi_in, iids, &guid_array, 2),
};
static NDR_PARAMS_TYPE(qi_in_t, struct qi_in, qi_in_fields);

struct qi_out {
	uint16_t n;                    /* (local) cIids */
	struct dcom_remqiresult *results; /* [out, size_is(,cIids)] REMQIRESULT **ppQIResults */
};
static const struct ndr_field qi_out_fields[] = {
	NDR_FIELD_LOCAL(struct qi_out, n, &ndr_t_u16),
	NDR_FIELD_SIZED(struct qi_out, results, &unique_qiresults, 0),
};
static NDR_PARAMS_TYPE(qi_out_t, struct qi_out, qi_out_fields);

/* Shared by RemQueryInterface and RemQueryInterface2: for each IID, the
 * object's IPID for it (new or existing) with REFS references, or an HRESULT. */
static uint32_t query(struct dcom_call *c, const struct ndr_guid *ipid, uint32_t refs,
		      uint16_t n, const struct ndr_guid *iids, uint32_t *hrs,
		      struct dcom_stdobjref *stds)
{
	struct dcom_object *obj = dcom_ipid_lookup(ipid, NULL);
	const struct dcom_iface *iface;
	uint16_t i, ok = 0;

	if (!obj) {
		c->fault = RPC_E_DISCONNECTED_FAULT;
		return 0;
	}
	if (n == 0 || n > MAX_QI_IIDS)
		return E_INVALIDARG;
	for (i = 0; i < n; i++) {
		iface = dcom_iface_find(&iids[i]);
		if (!iface || !dcom_class_answers(dcom_object_class(obj), iface)) {
			hrs[i] = E_NOINTERFACE;
			continue;
		}
		hrs[i] = dcom_object_export(obj, iface, refs, &stds[i]) < 0 ? E_OUTOFMEMORY : S_OK;
		if (hrs[i] == S_OK)
			ok++;
	}
	/* Success when any interface was found: the per-IID results say
	 * which (a non-zero success code would make clients such as impacket
	 * discard them all). */
	return ok ? S_OK : E_NOINTERFACE;
}

static uint32_t rem_query_interface(struct dcom_call *c, const void *inv, void *outv)
{
	const struct qi_in *in = inv;
	struct qi_out *out = outv;
	struct dcom_stdobjref *stds;
	uint32_t *hrs, hr, refs;
	uint16_t i;

	if (in->niids == 0 || in->niids > MAX_QI_IIDS)
		return E_INVALIDARG;
	refs = in->refs == 0 ? 1 : in->refs > MAX_QI_REFS ? MAX_QI_REFS : in->refs;
	hrs = ndr_arena_array(&c->arena, in->niids, sizeof(*hrs));
	stds = ndr_arena_array(&c->arena, in->niids, sizeof(*stds));
	out->results = ndr_arena_array(&c->arena, in->niids, sizeof(*out->results));
	if (!hrs || !stds || !out->results)
		return E_OUTOFMEMORY;
	hr = query(c, &in->ipid, refs, in->niids, in->iids, hrs, stds);
	if (c->fault)
		return 0;
	out->n = in->niids;
	for (i = 0; i < in->niids; i++) {
		out->results[i].hr = hrs[i];
		if (hrs[i] == S_OK)
			out->results[i].std = stds[i];
	}
	return hr;
}

/* --- RemAddRef (4), RemRelease (5) --- */
struct refs_in {
	uint16_t n;                    /* cInterfaceRefs */
	struct dcom_reminterfaceref *refs; /* [size_is(cInterfaceRefs)] InterfaceRefs[] */
};
static const struct ndr_field refs_in_fields[] = {
	NDR_FIELD(struct refs_in, n, &ndr_t_u16),
	NDR_FIELD_SIZED(struct refs_in, refs, &refs_array, 0),
};
static NDR_PARAMS_TYPE(refs_in_t, struct refs_in, refs_in_fields);

struct addref_out {
	uint16_t n;                    /* (local) cInterfaceRefs */
	uint32_t *results;             /* [out, size_is(cInterfaceRefs)] HRESULT *pResults */
};
static const struct ndr_field addref_out_fields[] = {
	NDR_FIELD_LOCAL(struct addref_out, n, &ndr_t_u16),
	NDR_FIELD_SIZED(struct addref_out, results, &u32_array, 0),
};
static NDR_PARAMS_TYPE(addref_out_t, struct addref_out, addref_out_fields);

static uint32_t rem_addref(struct dcom_call *c, const void *inv, void *outv)
{
	const struct refs_in *in = inv;
	struct addref_out *out = outv;
	uint32_t hr = S_OK;
	uint16_t i;

	out->results = ndr_arena_array(&c->arena, in->n, sizeof(*out->results));
	if (!out->results)
		return E_OUTOFMEMORY;
	out->n = in->n;
	for (i = 0; i < in->n; i++) {
		out->results[i] = dcom_ipid_addref(&in->refs[i].ipid, in->refs[i].public_refs);
		if (out->results[i] != S_OK)
			hr = S_FALSE;
	}
	return hr;
}

static uint32_t rem_release(struct dcom_call *c, const void *inv, void *outv)
{
	const struct refs_in *in = inv;
	uint32_t hr = S_OK;
	uint16_t i;

	(void)c;
	(void)outv;
	for (i = 0; i < in->n; i++)
		if (dcom_ipid_release(&in->refs[i].ipid, in->refs[i].public_refs) != S_OK)
			hr = S_FALSE;
	return hr;
}

/* --- RemQueryInterface2 (6) --- */
struct qi2_in {
	struct ndr_guid ipid;          /* REFIPID ripid */
	uint16_t niids;                /* cIids */
	struct ndr_guid *iids;         /* [size_is(cIids)] IID *iids */
};
static const struct ndr_field qi2_in_fields[] = {
	NDR_FIELD(struct qi2_in, ipid, &ndr_t_guid),
	NDR_FIELD(struct qi2_in, niids, &ndr_t_u16),
	NDR_FIELD_SIZED(struct qi2_in, iids, &guid_array, 1),
};
static NDR_PARAMS_TYPE(qi2_in_t, struct qi2_in, qi2_in_fields);

struct qi2_out {
	uint16_t n;                    /* (local) cIids */
	uint32_t *hrs;                 /* [out, size_is(cIids)] HRESULT *phr */
	struct ndr_blob **objrefs;     /* [out, size_is(cIids)] PMInterfacePointerInternal *ppMIF */
};
static const struct ndr_field qi2_out_fields[] = {
	NDR_FIELD_LOCAL(struct qi2_out, n, &ndr_t_u16),
	NDR_FIELD_SIZED(struct qi2_out, hrs, &u32_array, 0),
	NDR_FIELD_SIZED(struct qi2_out, objrefs, &mip_ptr_array, 0),
};
static NDR_PARAMS_TYPE(qi2_out_t, struct qi2_out, qi2_out_fields);

static uint32_t rem_query_interface2(struct dcom_call *c, const void *inv, void *outv)
{
	const struct qi2_in *in = inv;
	struct qi2_out *out = outv;
	struct dcom_stdobjref *stds;
	const struct dcom_iface *iface;
	struct dcom_dsa dsa;
	uint32_t hr;
	uint16_t i;

	if (in->niids == 0 || in->niids > MAX_QI_IIDS)
		return E_INVALIDARG;
	stds = ndr_arena_array(&c->arena, in->niids, sizeof(*stds));
	out->hrs = ndr_arena_array(&c->arena, in->niids, sizeof(*out->hrs));
	out->objrefs = ndr_arena_array(&c->arena, in->niids, sizeof(*out->objrefs));
	if (!stds || !out->hrs || !out->objrefs ||
	    dcom_dsa_build(&c->arena, c->rpc->local_addr, dcom_cfg.exporter_port, &dsa) < 0)
		return E_OUTOFMEMORY;
	hr = query(c, &in->ipid, 1, in->niids, in->iids, out->hrs, stds);
	if (c->fault)
		return 0;
	out->n = in->niids;
	for (i = 0; i < in->niids; i++) {
		if (out->hrs[i] != S_OK)
			continue;
		iface = dcom_iface_find(&in->iids[i]);
		if (dcom_objref_standard(&c->arena, &iface->iid, &stds[i], &dsa, &out->objrefs[i]) < 0)
			out->hrs[i] = E_OUTOFMEMORY;
	}
	return hr;
}

static const struct dcom_method remunknown_methods[] = {
	{ "RemQueryInterface", &qi_in_t, &qi_out_t, rem_query_interface },
	{ "RemAddRef", &refs_in_t, &addref_out_t, rem_addref },
	{ "RemRelease", &refs_in_t, &ndr_t_no_params, rem_release },
};

static const struct dcom_method remunknown2_methods[] = {
	{ "RemQueryInterface2", &qi2_in_t, &qi2_out_t, rem_query_interface2 },
};

const struct dcom_iface dcom_if_remunknown = {
	.name = "IRemUnknown",
	.iid = NDR_GUID_INIT(0x00000131, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46),
	.target = DCOM_TARGET_REMUNKNOWN,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(remunknown_methods),
	.methods = remunknown_methods,
};

const struct dcom_iface dcom_if_remunknown2 = {
	.name = "IRemUnknown2",
	.iid = NDR_GUID_INIT(0x00000143, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46),
	.target = DCOM_TARGET_REMUNKNOWN,
	.base = &dcom_if_remunknown,
	.first_opnum = 6,
	.nmethods = NDR_COUNTOF(remunknown2_methods),
	.methods = remunknown2_methods,
};

/* IUnknown itself: every object answers it; its methods are local only. */
const struct dcom_iface dcom_if_iunknown = {
	.name = "IUnknown",
	.iid = NDR_GUID_INIT(0x00000000, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = 0,
	.methods = NULL,
};
