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

uint32_t IHostMgr_EnumHosts(struct dcom_call *c, struct IHostMgr_EnumHosts_out *out)
{
	return istm_enum_new(c, &istm_enum_hosts, -1, 0, NULL, &out->ppEnumHost);
}

/* NewHost and NewHost2 */
static uint32_t new_host(struct dcom_call *c, const struct ndr_bstr *host_name,
			 struct ndr_blob **mip)
{
	struct svc_target_new_req rq;
	struct svc_target_reply *rp;
	uint32_t hr;

	memset(&rq, 0, sizeof(rq));
	/* too long a name is "of an invalid format" (3.26.4.1) */
	if ((hr = name_arg(c, host_name, rq.name, sizeof(rq.name), ERROR_INVALID_DATA)) != S_OK)
		return hr;
	rp = ndr_arena_zalloc(&c->arena, sizeof(*rp));
	if (!rp)
		return E_OUTOFMEMORY;
	hr = ask_target_new(&rq, rp);
	if (hr != S_OK)
		return hr;
	hr = istm_host_export(c, &rp->t, mip);
	if (hr != S_OK) {
		struct svc_target_id_req d = { rp->t.id };

		(void)ask_target_discard(&d);
	}
	return hr;
}

uint32_t IHostMgr_NewHost(struct dcom_call *c, const struct IHostMgr_NewHost_in *in,
			  struct IHostMgr_NewHost_out *out)
{
	return new_host(c, in->HostName, &out->ppNewHost);
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

uint32_t IHostMgr_GetHost(struct dcom_call *c, const struct IHostMgr_GetHost_in *in,
			  struct IHostMgr_GetHost_out *out)
{
	return get_by(c, in->HostName, SVC_TARGET_BY_NAME, &out->ppHost);
}

uint32_t IHostMgr_GetHostByTargetIQN(struct dcom_call *c,
				     const struct IHostMgr_GetHostByTargetIQN_in *in,
				     struct IHostMgr_GetHostByTargetIQN_out *out)
{
	return get_by(c, in->TargetIQN, SVC_TARGET_BY_IQN, &out->ppHost);
}

uint32_t IHostMgr_DeleteHost(struct dcom_call *c, const struct IHostMgr_DeleteHost_in *in)
{
	struct svc_target_name_req rq;
	uint32_t hr;

	memset(&rq, 0, sizeof(rq));
	if ((hr = name_arg(c, in->HostName, rq.name, sizeof(rq.name), E_INVALIDARG)) != S_OK)
		return hr;
	return ask_target_delete(&rq);
}

uint32_t IHostMgr2_NewHost2(struct dcom_call *c, const struct IHostMgr2_NewHost2_in *in,
			    struct IHostMgr2_NewHost2_out *out)
{
	char *group = NULL;

	/* no cluster: only "the first resource group", named by NULL or "" */
	if (in->ResourceGroup &&
	    (ndr_bstr_to_utf8(&c->arena, in->ResourceGroup, &group) < 0 || group[0]))
		return E_INVALIDARG;
	return new_host(c, in->HostName, &out->ppNewHost);
}

uint32_t IHostMgr2_OpenHost(struct dcom_call *c, const struct IHostMgr2_OpenHost_in *in,
			    struct IHostMgr2_OpenHost_out *out)
{
	(void)c;
	(void)in;
	(void)out;
	return E_ACCESSDENIED;   /* every caller is remote (3.27.4.3) */
}

uint32_t IHostMgr3_EnumAllClusterHosts(struct dcom_call *c,
				       struct IHostMgr3_EnumAllClusterHosts_out *out)
{
	return istm_enum_new(c, &istm_enum_hosts, -1, 0, NULL, &out->EnumHost);
}
