/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* activation.c: IRemoteSCMActivator ([MS-DCOM] 3.1.2.5.2.3): activation of
 * the [MS-ISTM] 1.9 classes by CLSID.
 *
 * The request's activation properties arrive as an OBJREF_CUSTOM holding
 * an ACTIVATION_BLOB (2.2.22): a CustomHeader and property buffers, each
 * a serialized NDR type ([MS-RPCE] 2.2.6: 8-byte common header, 8-byte
 * private header, then the data).  We read InstantiationInfo (class, IIDs)
 * and ignore the rest; we answer with PropsOutInfo first, then
 * ScmReplyInfoData, which is the order impacket insists on.  authnHint is
 * the authentication level the client activated with, which impacket
 * then uses on the exporter.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "dcom/dcom_int.h"
#include "log.h"

#define OBJREF_SIGNATURE      0x574f454du  /* "MEOW" */
#define OBJREF_CUSTOM         0x4u
#define MAX_ACTIVATION_IIDS   64u          /* interfaces asked for in one activation */
#define MAX_PROPERTIES        16u          /* property buffers in one blob */
#define COM_VERSION_MAJOR     5
#define COM_VERSION_MINOR     7
#define MSHCTX_DIFFERENTMACHINE 2u

static const struct ndr_guid iid_act_props_in =
	NDR_GUID_INIT(0x000001a2, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);
static const struct ndr_guid iid_act_props_out =
	NDR_GUID_INIT(0x000001a3, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);
static const struct ndr_guid clsid_act_props_out =
	NDR_GUID_INIT(0x00000339, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);
static const struct ndr_guid clsid_instantiation_info =
	NDR_GUID_INIT(0x000001ab, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);
static const struct ndr_guid clsid_props_out_info =
	NDR_GUID_INIT(0x00000339, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);
static const struct ndr_guid clsid_scm_reply_info =
	NDR_GUID_INIT(0x000001b6, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46);

static NDR_PTR_TYPE(unique_u32, NDR_PTR_UNIQUE, &ndr_t_u32);
static NDR_PTR_TYPE(unique_guids, NDR_PTR_UNIQUE, &ndr_t_guid);
static NDR_PTR_TYPE(unique_u32s, NDR_PTR_UNIQUE, &ndr_t_u32);
static NDR_PTR_TYPE(unique_mips, NDR_PTR_UNIQUE, &ndr_t_unique_mip);

/* 2.2.22.1 CustomHeader */
struct custom_header {
	uint32_t total_size;           /* totalSize: the whole blob after dwReserved */
	uint32_t header_size;          /* headerSize: this header, serialized */
	uint32_t reserved;             /* dwReserved */
	uint32_t dest_ctx;             /* destCtx */
	uint32_t nprops;               /* cIfs: property buffers */
	struct ndr_guid class_info;    /* classInfoClsid */
	struct ndr_guid *clsids;       /* [size_is(cIfs)] pclsid */
	uint32_t *sizes;               /* [size_is(cIfs)] pSizes */
	uint32_t *preserved;           /* pdwReserved */
};
static const struct ndr_field custom_header_fields[] = {
	NDR_FIELD(struct custom_header, total_size, &ndr_t_u32),
	NDR_FIELD(struct custom_header, header_size, &ndr_t_u32),
	NDR_FIELD(struct custom_header, reserved, &ndr_t_u32),
	NDR_FIELD(struct custom_header, dest_ctx, &ndr_t_u32),
	NDR_FIELD(struct custom_header, nprops, &ndr_t_u32),
	NDR_FIELD(struct custom_header, class_info, &ndr_t_guid),
	NDR_FIELD_SIZED(struct custom_header, clsids, &unique_guids, 4),
	NDR_FIELD_SIZED(struct custom_header, sizes, &unique_u32s, 4),
	NDR_FIELD(struct custom_header, preserved, &unique_u32),
};
static NDR_STRUCT_TYPE(custom_header_t, struct custom_header, custom_header_fields);

/* 2.2.22.2.1 InstantiationInfoData */
struct instantiation_info {
	struct ndr_guid clsid;         /* classId */
	uint32_t class_ctx;            /* classCtx */
	uint32_t actv_flags;           /* actvflags */
	uint32_t is_surrogate;         /* fIsSurrogate */
	uint32_t niids;                /* cIID */
	uint32_t inst_flag;            /* instFlag */
	struct ndr_guid *iids;         /* [size_is(cIID)] pIID */
	uint32_t this_size;            /* thisSize */
	struct dcom_comversion client_version; /* clientCOMVersion */
};
static const struct ndr_field instantiation_info_fields[] = {
	NDR_FIELD(struct instantiation_info, clsid, &ndr_t_guid),
	NDR_FIELD(struct instantiation_info, class_ctx, &ndr_t_u32),
	NDR_FIELD(struct instantiation_info, actv_flags, &ndr_t_u32),
	NDR_FIELD(struct instantiation_info, is_surrogate, &ndr_t_u32),
	NDR_FIELD(struct instantiation_info, niids, &ndr_t_u32),
	NDR_FIELD(struct instantiation_info, inst_flag, &ndr_t_u32),
	NDR_FIELD_SIZED(struct instantiation_info, iids, &unique_guids, 4),
	NDR_FIELD(struct instantiation_info, this_size, &ndr_t_u32),
	NDR_FIELD(struct instantiation_info, client_version, &dcom_t_comversion),
};
static NDR_STRUCT_TYPE(instantiation_info_t, struct instantiation_info, instantiation_info_fields);

/* 2.2.22.2.8 PropsOutInfo */
struct props_out_info {
	uint32_t nifs;                 /* cIfs */
	struct ndr_guid *iids;         /* [size_is(cIfs)] piid */
	uint32_t *hresults;            /* [size_is(cIfs)] phresults */
	struct ndr_blob **objrefs;     /* [size_is(cIfs)] MInterfacePointer **ppIntfData */
};
static const struct ndr_field props_out_info_fields[] = {
	NDR_FIELD(struct props_out_info, nifs, &ndr_t_u32),
	NDR_FIELD_SIZED(struct props_out_info, iids, &unique_guids, 0),
	NDR_FIELD_SIZED(struct props_out_info, hresults, &unique_u32s, 0),
	NDR_FIELD_SIZED(struct props_out_info, objrefs, &unique_mips, 0),
};
static NDR_STRUCT_TYPE(props_out_info_t, struct props_out_info, props_out_info_fields);

/* 2.2.22.2.6 ScmReplyInfoData with REMOTE_REPLY_SCM_INFO */
struct remote_reply_scm_info {
	uint64_t oxid;                 /* Oxid */
	struct dcom_dsa *bindings;     /* pdsaOxidBindings */
	struct ndr_guid remunknown;    /* ipidRemUnknown */
	uint32_t authn_hint;           /* authnHint */
	struct dcom_comversion version;/* serverVersion */
};
static const struct ndr_field remote_reply_fields[] = {
	NDR_FIELD(struct remote_reply_scm_info, oxid, &ndr_t_u64),
	NDR_FIELD(struct remote_reply_scm_info, bindings, &dcom_t_unique_dsa),
	NDR_FIELD(struct remote_reply_scm_info, remunknown, &ndr_t_guid),
	NDR_FIELD(struct remote_reply_scm_info, authn_hint, &ndr_t_u32),
	NDR_FIELD(struct remote_reply_scm_info, version, &dcom_t_comversion),
};
static NDR_STRUCT_TYPE(remote_reply_t, struct remote_reply_scm_info, remote_reply_fields);
static NDR_PTR_TYPE(unique_remote_reply, NDR_PTR_UNIQUE, &remote_reply_t);
struct scm_reply_info {
	uint32_t *preserved;           /* pdwReserved */
	struct remote_reply_scm_info *reply; /* remoteReply */
};
static const struct ndr_field scm_reply_fields[] = {
	NDR_FIELD(struct scm_reply_info, preserved, &unique_u32),
	NDR_FIELD(struct scm_reply_info, reply, &unique_remote_reply),
};
static NDR_STRUCT_TYPE(scm_reply_t, struct scm_reply_info, scm_reply_fields);

/* ---- serialized types ([MS-RPCE] 2.2.6) ---- */

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Pull one serialized T from BUF[0..LEN). */
static int serial_pull(struct ndr_arena *a, const uint8_t *buf, size_t len,
		       const struct ndr_type *t, void *dst)
{
	struct ndr_pull p;
	uint32_t objlen;

	if (len < 16 || buf[0] != 1 || buf[1] != 0x10 || buf[2] != 8 || buf[3] != 0)
		return -EBADMSG;        /* version 1, little-endian, 8-byte header */
	objlen = get32(buf + 8);
	if (objlen > len - 16)
		return -EBADMSG;
	ndr_pull_init(&p, buf + 16, objlen, a);
	return ndr_pull(&p, t, dst);
}

/* Append serialized T to OUT, padded to 8; *SIZE gets the bytes added. */
static int serial_push(struct rpc_buf *out, const struct ndr_type *t, const void *src,
		       uint32_t *size)
{
	static const uint8_t common[8] = { 1, 0x10, 8, 0, 0xcc, 0xcc, 0xcc, 0xcc };
	struct rpc_buf data = { 0 };
	struct ndr_push p;
	size_t start = out->len;
	int rc;

	ndr_push_init(&p, &data);
	rc = ndr_push(&p, t, src);
	if (rc == 0)
		rc = ndr_push_align(&p, 8);
	if (rc == 0)
		rc = rpc_buf_append(out, common, sizeof(common));
	if (rc == 0)
		rc = dcom_put32(out, (uint32_t)data.len);
	if (rc == 0)
		rc = dcom_put32(out, 0xccccccccu);   /* filler */
	if (rc == 0)
		rc = rpc_buf_append(out, data.data, data.len);
	rpc_buf_release(&data);
	*size = (uint32_t)(out->len - start);
	return rc;
}

/* Find InstantiationInfo in the OBJREF_CUSTOM / ACTIVATION_BLOB. */
static int parse_activation(struct ndr_arena *a, const struct ndr_blob *props,
			    struct instantiation_info *ii)
{
	const uint8_t *d = props->data, *blob, *prop;
	struct custom_header hdr;
	size_t len = props->len, bloblen, off;
	uint32_t i;
	bool found = false;

	/* OBJREF_CUSTOM: signature, flags, iid, clsid, cbExtension, size */
	if (len < 48 || get32(d) != OBJREF_SIGNATURE || get32(d + 4) != OBJREF_CUSTOM ||
	    memcmp(d + 8, iid_act_props_in.b, 16) != 0 || get32(d + 40) != 0)
		return -EBADMSG;
	blob = d + 48;
	bloblen = len - 48;
	/* ACTIVATION_BLOB: dwSize, dwReserved, CustomHeader, properties */
	if (bloblen < 8 || get32(blob) > bloblen - 8)
		return -EBADMSG;
	bloblen = get32(blob) + 8;
	memset(&hdr, 0, sizeof(hdr));
	NDR_CHECK(serial_pull(a, blob + 8, bloblen - 8, &custom_header_t, &hdr));
	if (hdr.header_size > bloblen - 8 || hdr.nprops > MAX_PROPERTIES ||
	    !hdr.clsids || !hdr.sizes)
		return -EBADMSG;
	off = 8 + (size_t)hdr.header_size;
	for (i = 0; i < hdr.nprops; i++) {
		if (hdr.sizes[i] > bloblen - off)
			return -EBADMSG;
		prop = blob + off;
		if (ndr_guid_equal(&hdr.clsids[i], &clsid_instantiation_info)) {
			memset(ii, 0, sizeof(*ii));
			NDR_CHECK(serial_pull(a, prop, hdr.sizes[i], &instantiation_info_t, ii));
			found = true;
		}
		off += hdr.sizes[i];
	}
	return found ? 0 : -EBADMSG;
}

/* Build the reply's OBJREF_CUSTOM(ActivationPropertiesOut). */
static int build_reply(struct dcom_call *c, const struct props_out_info *po,
		       struct ndr_blob **out)
{
	struct remote_reply_scm_info rr;
	struct scm_reply_info sr = { .preserved = NULL, .reply = &rr };
	struct custom_header hdr;
	struct ndr_guid clsids[2] = { clsid_props_out_info, clsid_scm_reply_info };
	uint32_t sizes[2], hsize;
	struct rpc_buf props = { 0 }, header = { 0 }, all = { 0 };
	struct ndr_blob *blob;
	struct dcom_dsa dsa;
	int rc;

	memset(&rr, 0, sizeof(rr));
	rc = dcom_dsa_build(&c->arena, c->rpc->local_addr, dcom_cfg.exporter_port, &dsa);
	rr.oxid = dcom_oxid();
	rr.bindings = &dsa;
	rr.remunknown = *dcom_remunknown_ipid();
	rr.authn_hint = (uint32_t)c->rpc->auth_level;
	rr.version.major = COM_VERSION_MAJOR;
	rr.version.minor = COM_VERSION_MINOR;
	if (rc == 0)
		rc = serial_push(&props, &props_out_info_t, po, &sizes[0]);
	if (rc == 0)
		rc = serial_push(&props, &scm_reply_t, &sr, &sizes[1]);
	memset(&hdr, 0, sizeof(hdr));
	hdr.dest_ctx = MSHCTX_DIFFERENTMACHINE;
	hdr.nprops = 2;
	hdr.clsids = clsids;
	hdr.sizes = sizes;
	/* headerSize is the header's own serialized size: push once to learn it */
	if (rc == 0)
		rc = serial_push(&header, &custom_header_t, &hdr, &hsize);
	if (rc == 0) {
		header.len = 0;
		hdr.header_size = hsize;
		hdr.total_size = hsize + (uint32_t)props.len;
		rc = serial_push(&header, &custom_header_t, &hdr, &hsize);
	}
	/* OBJREF_CUSTOM { MEOW, flags, iid, clsid, cbExtension, size } + blob */
	if (rc == 0) rc = dcom_put32(&all, OBJREF_SIGNATURE);
	if (rc == 0) rc = dcom_put32(&all, OBJREF_CUSTOM);
	if (rc == 0) rc = rpc_buf_append(&all, iid_act_props_out.b, 16);
	if (rc == 0) rc = rpc_buf_append(&all, clsid_act_props_out.b, 16);
	if (rc == 0) rc = dcom_put32(&all, 0);
	if (rc == 0) rc = dcom_put32(&all, hdr.total_size + 16);
	if (rc == 0) rc = dcom_put32(&all, hdr.total_size);   /* ACTIVATION_BLOB.dwSize */
	if (rc == 0) rc = dcom_put32(&all, 0);                /* dwReserved */
	if (rc == 0) rc = rpc_buf_append(&all, header.data, header.len);
	if (rc == 0) rc = rpc_buf_append(&all, props.data, props.len);
	if (rc == 0) {
		blob = ndr_arena_zalloc(&c->arena, sizeof(*blob));
		if (blob)
			blob->data = ndr_arena_zalloc(&c->arena, all.len);
		if (!blob || !blob->data) {
			rc = -ENOMEM;
		} else {
			memcpy(blob->data, all.data, all.len);
			blob->len = (uint32_t)all.len;
			*out = blob;
		}
	}
	rpc_buf_release(&props);
	rpc_buf_release(&header);
	rpc_buf_release(&all);
	return rc;
}

/* What RemoteGetClassObject hands out: a class object answering IUnknown
 * only (ISTM clients create instances; none uses IClassFactory). */
static const struct dcom_class class_object = { .name = "class object" };

uint32_t dcom_activate(struct dcom_call *c, const struct ndr_guid *clsid, bool instance,
		       uint32_t niids, const struct ndr_guid *iids, const struct dcom_dsa *dsa,
		       uint32_t *hresults, struct ndr_blob **objrefs, struct dcom_object **objp)
{
	const struct dcom_class *cls;
	const struct dcom_iface *iface;
	struct dcom_object *obj;
	struct dcom_stdobjref std;
	uint32_t i, ok = 0;

	for (i = 0; i < niids; i++) {
		hresults[i] = E_NOINTERFACE;
		objrefs[i] = NULL;
	}
	cls = istm_class_find(clsid);
	if (!cls)
		return REGDB_E_CLASSNOTREG;
	if (!instance)
		cls = &class_object;
	if (dcom_object_new(cls, &obj) < 0)
		return E_OUTOFMEMORY;
	for (i = 0; i < niids; i++) {
		iface = dcom_iface_find(&iids[i]);
		if (!iface || !dcom_class_answers(cls, iface))
			continue;
		if (dcom_object_export(obj, iface, 1, &std) < 0 ||
		    dcom_objref_standard(&c->arena, &iface->iid, &std, dsa, &objrefs[i]) < 0) {
			dcom_object_discard(obj);
			return E_OUTOFMEMORY;
		}
		hresults[i] = S_OK;
		ok++;
	}
	if (!ok) {
		dcom_object_discard(obj);
		return E_NOINTERFACE;
	}
	log_debug("activated '%s' for '%s': %u of %u interfaces", cls->name,
		  c->rpc->user ? c->rpc->user : "", ok, niids);
	*objp = obj;
	return S_OK;
}

static uint32_t activate(struct dcom_call *c, const struct ndr_blob *props, bool instance,
			 struct ndr_blob **reply)
{
	struct instantiation_info ii;
	struct props_out_info po;
	struct dcom_object *obj;
	struct dcom_dsa dsa;
	uint32_t hr;

	if (!props)
		return E_INVALIDARG;
	if (parse_activation(&c->arena, props, &ii) < 0) {
		c->fault = NCA_S_FAULT_NDR;
		return 0;
	}
	if (ii.niids == 0 || ii.niids > MAX_ACTIVATION_IIDS || !ii.iids)
		return E_INVALIDARG;
	memset(&po, 0, sizeof(po));
	po.nifs = ii.niids;
	po.iids = ii.iids;
	po.hresults = ndr_arena_array(&c->arena, ii.niids, sizeof(*po.hresults));
	po.objrefs = ndr_arena_array(&c->arena, ii.niids, sizeof(*po.objrefs));
	if (!po.hresults || !po.objrefs ||
	    dcom_dsa_build(&c->arena, c->rpc->local_addr, dcom_cfg.exporter_port, &dsa) < 0)
		return E_OUTOFMEMORY;
	hr = dcom_activate(c, &ii.clsid, instance, ii.niids, ii.iids, &dsa, po.hresults,
			   po.objrefs, &obj);
	if (hr != S_OK)
		return hr;
	if (build_reply(c, &po, reply) < 0) {
		dcom_object_discard(obj);
		return E_OUTOFMEMORY;
	}
	return S_OK;
}

/* --- RemoteGetClassObject (3), RemoteCreateInstance (4) --- */
struct create_instance_in {
	struct ndr_blob *unk_outer;    /* [in, unique] MInterfacePointer *pUnkOuter */
	struct ndr_blob *props;        /* [in, unique] MInterfacePointer *pActProperties */
};
static const struct ndr_field create_instance_in_fields[] = {
	NDR_FIELD(struct create_instance_in, unk_outer, &ndr_t_unique_mip),
	NDR_FIELD(struct create_instance_in, props, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(create_instance_in_t, struct create_instance_in, create_instance_in_fields);
static const struct ndr_field get_class_object_in_fields[] = {
	NDR_FIELD(struct create_instance_in, props, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(get_class_object_in_t, struct create_instance_in, get_class_object_in_fields);

struct activation_out {
	struct ndr_blob *props;        /* [out] MInterfacePointer **ppActProperties */
};
static const struct ndr_field activation_out_fields[] = {
	NDR_FIELD(struct activation_out, props, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(activation_out_t, struct activation_out, activation_out_fields);

static uint32_t remote_create_instance(struct dcom_call *c, const void *inv, void *outv)
{
	const struct create_instance_in *in = inv;
	struct activation_out *out = outv;

	if (in->unk_outer)
		return CLASS_E_NOAGGREGATION;
	return activate(c, in->props, true, &out->props);
}

static uint32_t remote_get_class_object(struct dcom_call *c, const void *inv, void *outv)
{
	const struct create_instance_in *in = inv;
	struct activation_out *out = outv;

	return activate(c, in->props, false, &out->props);
}

static const struct dcom_method scm_methods[] = {
	{ "Opnum0NotUsedOnWire", NULL, NULL, NULL },
	{ "Opnum1NotUsedOnWire", NULL, NULL, NULL },
	{ "Opnum2NotUsedOnWire", NULL, NULL, NULL },
	{ "RemoteGetClassObject", &get_class_object_in_t, &activation_out_t, remote_get_class_object },
	{ "RemoteCreateInstance", &create_instance_in_t, &activation_out_t, remote_create_instance },
};

const struct dcom_iface dcom_if_remote_scm_activator = {
	.name = "IRemoteSCMActivator",
	.iid = NDR_GUID_INIT(0x000001a0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46),
	.target = DCOM_TARGET_SCM,
	.first_opnum = 0,
	.nmethods = NDR_COUNTOF(scm_methods),
	.methods = scm_methods,
};
