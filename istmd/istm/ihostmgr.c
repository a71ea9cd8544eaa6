/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ihostmgr.c: IHostMgr ([MS-ISTM] 3.25), IHostMgr2 (3.27) and IHostMgr3
 * (3.29), the target manager: create, find, enumerate and delete targets.
 *
 * The parent (svc/svc_target.c) owns the rules; this file turns BSTRs into
 * requests and rows into IHost objects.  NewHost makes a placeholder the
 * client must Save (4.2).  As a server outside an HA cluster: NewHost2
 * accepts only the default (empty) resource group, EnumAllClusterHosts is
 * EnumHosts, OpenHost refuses a remote stream (E_ACCESSDENIED, as 3.27.4.3
 * says for remote callers), NewHostNonPersistent and CloseHost (targets
 * that live only in a cluster node's memory) are E_NOTIMPL.
 */
#include <config.h>

#include <string.h>

#include "istm/istm.h"
#include "proto/target.h"

/* ---- parameter lists ---- */
struct mip_out { struct ndr_blob *mip; /* [out] IHost ** / IEnumHost ** */ };
static const struct ndr_field mip_out_fields[] = {
	NDR_FIELD(struct mip_out, mip, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(mip_out_t, struct mip_out, mip_out_fields);

struct name_in { struct ndr_bstr *name; /* [in] BSTR HostName / TargetIQN */ };
static const struct ndr_field name_in_fields[] = {
	NDR_FIELD(struct name_in, name, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(name_in_t, struct name_in, name_in_fields);

struct name2_in {
	struct ndr_bstr *name;       /* [in] BSTR HostName */
	struct ndr_bstr *group;      /* [in] BSTR ResourceGroup / ResourceName */
};
static const struct ndr_field name2_in_fields[] = {
	NDR_FIELD(struct name2_in, name, &ndr_t_bstr),
	NDR_FIELD(struct name2_in, group, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(name2_in_t, struct name2_in, name2_in_fields);

struct open_in {
	struct ndr_blob *stream;     /* [in] IUnknown *pStream */
	struct ndr_bstr *resource;   /* [in] BSTR ResourceName */
};
static const struct ndr_field open_in_fields[] = {
	NDR_FIELD(struct open_in, stream, &ndr_t_unique_mip),
	NDR_FIELD(struct open_in, resource, &ndr_t_bstr),
};
static NDR_PARAMS_TYPE(open_in_t, struct open_in, open_in_fields);

/* ---- implementations ---- */

/* A BSTR name argument into DST (CAP bytes): E_INVALIDARG when NULL or
 * empty or not UTF-16, TOO_LONG when it does not fit. */
static uint32_t name_arg(struct dcom_call *c, const struct ndr_bstr *b, char *dst, size_t cap,
			 uint32_t too_long)
{
	char *v;

	if (!b || ndr_bstr_to_utf8(&c->arena, b, &v) < 0 || !v[0])
		return E_INVALIDARG;
	if (strlen(v) >= cap)
		return too_long;
	memcpy(dst, v, strlen(v) + 1);
	return S_OK;
}

static uint32_t enum_hosts(struct dcom_call *c, const void *in, void *outv)
{
	(void)in;
	return istm_enum_new(c, &istm_enum_hosts, -1, 0, NULL, &((struct mip_out *)outv)->mip);
}

static uint32_t new_host(struct dcom_call *c, const void *inv, void *outv)
{
	const struct name_in *in = inv;
	struct svc_target_new_req rq;
	struct svc_target_reply *rp;
	uint32_t hr;

	memset(&rq, 0, sizeof(rq));
	/* too long a name is "of an invalid format" (3.26.4.1) */
	if ((hr = name_arg(c, in->name, rq.name, sizeof(rq.name), ERROR_INVALID_DATA)) != S_OK)
		return hr;
	rp = ndr_arena_zalloc(&c->arena, sizeof(*rp));
	if (!rp)
		return E_OUTOFMEMORY;
	hr = ask_target_new(&rq, rp);
	if (hr != S_OK)
		return hr;
	hr = istm_host_export(c, &rp->t, &((struct mip_out *)outv)->mip);
	if (hr != S_OK) {
		struct svc_target_id_req d = { rp->t.id };

		(void)ask_target_discard(&d);
	}
	return hr;
}

static uint32_t get_by(struct dcom_call *c, const struct ndr_bstr *key, uint32_t by,
		       struct ndr_blob **mip)
{
	struct svc_target_get_req rq;
	struct svc_target_reply *rp;
	uint32_t hr;

	memset(&rq, 0, sizeof(rq));
	rq.by = by;
	if ((hr = name_arg(c, key, rq.key, sizeof(rq.key), E_INVALIDARG)) != S_OK)
		return hr;
	rp = ndr_arena_zalloc(&c->arena, sizeof(*rp));
	if (!rp)
		return E_OUTOFMEMORY;
	hr = ask_target_get(&rq, rp);
	if (hr != S_OK)
		return hr;
	hr = istm_host_export(c, &rp->t, mip);
	memset(rp, 0, sizeof(*rp));
	return hr;
}

static uint32_t get_host(struct dcom_call *c, const void *in, void *outv)
{
	return get_by(c, ((const struct name_in *)in)->name, SVC_TARGET_BY_NAME,
		      &((struct mip_out *)outv)->mip);
}

static uint32_t get_host_by_iqn(struct dcom_call *c, const void *in, void *outv)
{
	return get_by(c, ((const struct name_in *)in)->name, SVC_TARGET_BY_IQN,
		      &((struct mip_out *)outv)->mip);
}

static uint32_t delete_host(struct dcom_call *c, const void *inv, void *out)
{
	const struct name_in *in = inv;
	struct svc_target_name_req rq;
	uint32_t hr;

	(void)out;
	memset(&rq, 0, sizeof(rq));
	if ((hr = name_arg(c, in->name, rq.name, sizeof(rq.name), E_INVALIDARG)) != S_OK)
		return hr;
	return ask_target_delete(&rq);
}

static uint32_t new_host2(struct dcom_call *c, const void *inv, void *outv)
{
	const struct name2_in *in = inv;
	struct name_in one = { in->name };
	char *group = NULL;

	/* no cluster: only "the first resource group", named by NULL or "" */
	if (in->group && (ndr_bstr_to_utf8(&c->arena, in->group, &group) < 0 || group[0]))
		return E_INVALIDARG;
	return new_host(c, &one, outv);
}

static uint32_t open_host(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return E_ACCESSDENIED;   /* every caller is remote (3.27.4.3) */
}

/* Opnums 3..7. */
static const struct dcom_method ihostmgr_methods[] = {
	{ "EnumHosts", &ndr_t_no_params, &mip_out_t, enum_hosts },
	{ "NewHost", &name_in_t, &mip_out_t, new_host },
	{ "GetHost", &name_in_t, &mip_out_t, get_host },
	{ "GetHostByTargetIQN", &name_in_t, &mip_out_t, get_host_by_iqn },
	{ "DeleteHost", &name_in_t, &ndr_t_no_params, delete_host },
};

const struct dcom_iface istm_if_ihostmgr = {
	.name = "IHostMgr",
	.iid = NDR_GUID_INIT(0xb06a64e3, 0x814e, 0x4ff9, 0xaf, 0xac, 0x59, 0x7a, 0xd3, 0x25, 0x17, 0xc7),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ihostmgr_methods),
	.methods = ihostmgr_methods,
};

/* Opnums 8..11. */
static const struct dcom_method ihostmgr2_methods[] = {
	{ "NewHost2", &name2_in_t, &mip_out_t, new_host2 },
	{ "NewHostNonPersistent", &name2_in_t, &mip_out_t, istm_not_implemented },
	{ "OpenHost", &open_in_t, &mip_out_t, open_host },
	{ "CloseHost", &name_in_t, &ndr_t_no_params, istm_not_implemented },
};

const struct dcom_iface istm_if_ihostmgr2 = {
	.name = "IHostMgr2",
	.iid = NDR_GUID_INIT(0xdd6f0a28, 0x248f, 0x4dd3, 0xaf, 0xe9, 0x71, 0xae, 0xd8, 0xf6, 0x85, 0xc4),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_ihostmgr,
	.first_opnum = 8,
	.nmethods = NDR_COUNTOF(ihostmgr2_methods),
	.methods = ihostmgr2_methods,
};

/* Opnum 12. */
static const struct dcom_method ihostmgr3_methods[] = {
	{ "EnumAllClusterHosts", &ndr_t_no_params, &mip_out_t, enum_hosts },
};

const struct dcom_iface istm_if_ihostmgr3 = {
	.name = "IHostMgr3",
	.iid = NDR_GUID_INIT(0x01454b97, 0xc6a5, 0x4685, 0xbe, 0xa8, 0x97, 0x79, 0xc8, 0x8a, 0xb9, 0x90),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_ihostmgr2,
	.first_opnum = 12,
	.nmethods = NDR_COUNTOF(ihostmgr3_methods),
	.methods = ihostmgr3_methods,
};
