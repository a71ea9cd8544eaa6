/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* remote_activation.c: IRemoteActivation::RemoteActivation ([MS-DCOM]
 * 3.1.2.5.2.3.1, interface 4d9f4ab8-7d1c-11cf-861e-0020af6e7c57, opnum 0),
 * the activation interface older clients (and Samba's torture suite) use,
 * on the same classes and objects as IRemoteSCMActivator (dcom_activate).
 * The answer is in phr and pResults; the call's own status is 0 unless the
 * request is malformed.  Persistent activation (pwszObjectName,
 * pObjectStorage) is not supported: E_NOTIMPL, as the ISTM classes have no
 * persistent state to load.  Mode MODE_GET_CLASS_OBJECT hands out the class
 * object, any other mode an instance. */
#include <config.h>

#include <string.h>

#include "dcom/dcom_int.h"
#include "log.h"

#define MODE_GET_CLASS_OBJECT   0xffffffffu
#define MAX_REQUESTED_INTERFACES 0x8000u   /* the IDL's range */
#define MAX_REQUESTED_PROTSEQS  0x8000u
#define MAX_ACTIVATION_IIDS     64u        /* what we serve in one call */
#define COM_VERSION_MAJOR       5
#define COM_VERSION_MINOR       7

static NDR_PTR_TYPE(unique_guids, NDR_PTR_UNIQUE, &ndr_t_guid);
static NDR_CONF_ARRAY_TYPE(u16s, &ndr_t_u16);
static NDR_CONF_ARRAY_TYPE(u32s, &ndr_t_u32);
static NDR_CONF_ARRAY_TYPE(mips, &ndr_t_unique_mip);

struct remote_activation_in {
	struct ndr_guid clsid;         /* [in] GUID *Clsid */
	char *object_name;             /* [in, string, unique] wchar_t *pwszObjectName */
	struct ndr_blob *object_storage; /* [in, unique] MInterfacePointer *pObjectStorage */
	uint32_t imp_level;            /* ClientImpLevel */
	uint32_t mode;                 /* Mode */
	uint32_t ninterfaces;          /* Interfaces */
	struct ndr_guid *iids;         /* [in, unique, size_is(Interfaces)] IID *pIIDs */
	uint16_t nprotseqs;            /* cRequestedProtseqs */
	uint16_t *protseqs;            /* [in, size_is(cRequestedProtseqs)] aRequestedProtseqs */
};
static const struct ndr_field remote_activation_in_fields[] = {
	NDR_FIELD(struct remote_activation_in, clsid, &ndr_t_guid),
	NDR_FIELD(struct remote_activation_in, object_name, &ndr_t_unique_wstring),
	NDR_FIELD(struct remote_activation_in, object_storage, &ndr_t_unique_mip),
	NDR_FIELD(struct remote_activation_in, imp_level, &ndr_t_u32),
	NDR_FIELD(struct remote_activation_in, mode, &ndr_t_u32),
	NDR_FIELD(struct remote_activation_in, ninterfaces, &ndr_t_u32),
	NDR_FIELD_SIZED(struct remote_activation_in, iids, &unique_guids, 5),
	NDR_FIELD(struct remote_activation_in, nprotseqs, &ndr_t_u16),
	NDR_FIELD_SIZED(struct remote_activation_in, protseqs, &u16s, 7),
};
static NDR_PARAMS_TYPE(remote_activation_in_t, struct remote_activation_in,
		       remote_activation_in_fields);

struct remote_activation_out {
	uint32_t ninterfaces;          /* local: Interfaces, sizes the arrays */
	uint64_t oxid;                 /* [out] OXID *pOxid */
	struct dcom_dsa *bindings;     /* [out] DUALSTRINGARRAY **ppdsaOxidBindings */
	struct ndr_guid remunknown;    /* [out] IPID *pipidRemUnknown */
	uint32_t authn_hint;           /* [out] DWORD *pAuthnHint */
	struct dcom_comversion version; /* [out] COMVERSION *pServerVersion */
	uint32_t hr;                   /* [out] HRESULT *phr */
	struct ndr_blob **objrefs;     /* [out, size_is(Interfaces)] MInterfacePointer **ppInterfaceData */
	uint32_t *results;             /* [out, size_is(Interfaces)] HRESULT *pResults */
};
static const struct ndr_field remote_activation_out_fields[] = {
	NDR_FIELD_LOCAL(struct remote_activation_out, ninterfaces, &ndr_t_u32),
	NDR_FIELD(struct remote_activation_out, oxid, &ndr_t_u64),
	NDR_FIELD(struct remote_activation_out, bindings, &dcom_t_unique_dsa),
	NDR_FIELD(struct remote_activation_out, remunknown, &ndr_t_guid),
	NDR_FIELD(struct remote_activation_out, authn_hint, &ndr_t_u32),
	NDR_FIELD(struct remote_activation_out, version, &dcom_t_comversion),
	NDR_FIELD(struct remote_activation_out, hr, &ndr_t_u32),
	NDR_FIELD_SIZED(struct remote_activation_out, objrefs, &mips, 0),
	NDR_FIELD_SIZED(struct remote_activation_out, results, &u32s, 0),
};
static NDR_PARAMS_TYPE(remote_activation_out_t, struct remote_activation_out,
		       remote_activation_out_fields);

static uint32_t remote_activation(struct dcom_call *c, const void *inv, void *outv)
{
	const struct remote_activation_in *in = inv;
	struct remote_activation_out *out = outv;
	struct dcom_object *obj;
	uint32_t i;

	if (in->ninterfaces < 1 || in->ninterfaces > MAX_REQUESTED_INTERFACES ||
	    in->nprotseqs > MAX_REQUESTED_PROTSEQS || !in->iids) {
		c->fault = NCA_S_FAULT_NDR;  /* outside the IDL's range(): a stub error */
		return 0;
	}
	out->ninterfaces = in->ninterfaces;
	out->objrefs = ndr_arena_array(&c->arena, in->ninterfaces, sizeof(*out->objrefs));
	out->results = ndr_arena_array(&c->arena, in->ninterfaces, sizeof(*out->results));
	out->version.major = COM_VERSION_MAJOR;
	out->version.minor = COM_VERSION_MINOR;
	if (!out->objrefs || !out->results) {
		c->fault = NCA_S_FAULT_NDR;
		return 0;
	}
	for (i = 0; i < in->ninterfaces; i++)
		out->results[i] = E_NOINTERFACE;
	if (in->object_name || in->object_storage) {
		out->hr = E_NOTIMPL;
		return 0;
	}
	if (in->ninterfaces > MAX_ACTIVATION_IIDS) {
		out->hr = E_INVALIDARG;
		return 0;
	}
	out->bindings = ndr_arena_zalloc(&c->arena, sizeof(*out->bindings));
	if (!out->bindings ||
	    dcom_dsa_build(&c->arena, c->rpc->local_addr, dcom_cfg.exporter_port, out->bindings) < 0) {
		out->bindings = NULL;
		out->hr = E_OUTOFMEMORY;
		return 0;
	}
	out->hr = dcom_activate(c, &in->clsid, in->mode != MODE_GET_CLASS_OBJECT, in->ninterfaces,
				in->iids, out->bindings, out->results, out->objrefs, &obj);
	if (out->hr != S_OK) {
		out->bindings = NULL;
		return 0;
	}
	out->oxid = dcom_oxid();
	out->remunknown = *dcom_remunknown_ipid();
	out->authn_hint = (uint32_t)c->rpc->auth_level;
	return 0;
}

static const struct dcom_method remote_activation_methods[] = {
	{ "RemoteActivation", &remote_activation_in_t, &remote_activation_out_t, remote_activation },
};

const struct dcom_iface dcom_if_remote_activation = {
	.name = "IRemoteActivation",
	.iid = NDR_GUID_INIT(0x4d9f4ab8, 0x7d1c, 0x11cf, 0x86, 0x1e, 0x00, 0x20, 0xaf, 0x6e, 0x7c, 0x57),
	.target = DCOM_TARGET_SCM,
	.first_opnum = 0,
	.nmethods = NDR_COUNTOF(remote_activation_methods),
	.methods = remote_activation_methods,
};
