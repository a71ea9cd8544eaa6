/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* exporter.c: IObjectExporter ([MS-DCOM] 3.1.2.5.1), the OXID resolver on
 * port 135: ResolveOxid/ResolveOxid2 tell a client how to reach this
 * process's exporter; SimplePing/ComplexPing keep its objects alive;
 * ServerAlive/ServerAlive2 answer liveness probes.
 *
 * String bindings carry the address the client dialled (so a client that
 * reached us through one interface is sent back to it) and the exporter
 * port given to dcom_init().
 */
#include <config.h>

#include "dcom/dcom_int.h"

#define COM_VERSION_MAJOR 5
#define COM_VERSION_MINOR 7

static uint16_t exporter_port(void)
{
	return dcom_cfg.exporter_port;
}

/* --- ResolveOxid (0), ResolveOxid2 (4) --- */
struct resolve_oxid_in {
	uint64_t oxid;                 /* [in] OXID *pOxid */
	uint16_t nprotseqs;            /* cRequestedProtseqs */
	uint16_t *protseqs;            /* arRequestedProtseqs[cRequestedProtseqs] */
};
static NDR_CONF_ARRAY_TYPE(u16_array, &ndr_t_u16);
static const struct ndr_field resolve_oxid_in_fields[] = {
	NDR_FIELD(struct resolve_oxid_in, oxid, &ndr_t_u64),
	NDR_FIELD(struct resolve_oxid_in, nprotseqs, &ndr_t_u16),
	NDR_FIELD_SIZED(struct resolve_oxid_in, protseqs, &u16_array, 1),
};
static NDR_PARAMS_TYPE(resolve_oxid_in_t, struct resolve_oxid_in, resolve_oxid_in_fields);

struct resolve_oxid_out {
	struct dcom_dsa *bindings;     /* [out] DUALSTRINGARRAY **ppdsaOxidBindings */
	struct ndr_guid remunknown;    /* [out] IPID *pipidRemUnknown */
	uint32_t authn_hint;           /* [out] DWORD *pAuthnHint */
	struct dcom_comversion version;/* [out] COMVERSION *pComVersion (ResolveOxid2) */
};
static const struct ndr_field resolve_oxid_out_fields[] = {
	NDR_FIELD(struct resolve_oxid_out, bindings, &dcom_t_unique_dsa),
	NDR_FIELD(struct resolve_oxid_out, remunknown, &ndr_t_guid),
	NDR_FIELD(struct resolve_oxid_out, authn_hint, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(resolve_oxid_out_t, struct resolve_oxid_out, resolve_oxid_out_fields);
static const struct ndr_field resolve_oxid2_out_fields[] = {
	NDR_FIELD(struct resolve_oxid_out, bindings, &dcom_t_unique_dsa),
	NDR_FIELD(struct resolve_oxid_out, remunknown, &ndr_t_guid),
	NDR_FIELD(struct resolve_oxid_out, authn_hint, &ndr_t_u32),
	NDR_FIELD(struct resolve_oxid_out, version, &dcom_t_comversion),
};
static NDR_PARAMS_TYPE(resolve_oxid2_out_t, struct resolve_oxid_out, resolve_oxid2_out_fields);

static uint32_t resolve_oxid(struct dcom_call *c, const void *inv, void *outv)
{
	const struct resolve_oxid_in *in = inv;
	struct resolve_oxid_out *out = outv;

	if (in->oxid != dcom_oxid())
		return OR_INVALID_OXID;
	out->bindings = ndr_arena_zalloc(&c->arena, sizeof(*out->bindings));
	if (!out->bindings ||
	    dcom_dsa_build(&c->arena, c->rpc->local_addr, exporter_port(), out->bindings) < 0)
		return E_OUTOFMEMORY;
	out->remunknown = *dcom_remunknown_ipid();
	out->authn_hint = (uint32_t)c->rpc->auth_level;
	out->version.major = COM_VERSION_MAJOR;
	out->version.minor = COM_VERSION_MINOR;
	return 0;
}

/* --- SimplePing (1) --- */
struct simple_ping_in {
	uint64_t setid;                /* [in] SETID *pSetId */
};
static const struct ndr_field simple_ping_in_fields[] = {
	NDR_FIELD(struct simple_ping_in, setid, &ndr_t_u64),
};
static NDR_PARAMS_TYPE(simple_ping_in_t, struct simple_ping_in, simple_ping_in_fields);

static uint32_t simple_ping(struct dcom_call *c, const void *inv, void *outv)
{
	const struct simple_ping_in *in = inv;

	(void)c;
	(void)outv;
	return dcom_simple_ping(in->setid);
}

/* --- ComplexPing (2) --- */
struct complex_ping_in {
	uint64_t setid;                /* [in, out] SETID *pSetId */
	uint16_t seq;                  /* SequenceNum */
	uint16_t nadd;                 /* cAddToSet */
	uint16_t ndel;                 /* cDelFromSet */
	uint64_t *add;                 /* [unique, size_is(cAddToSet)] OID AddToSet[] */
	uint64_t *del;                 /* [unique, size_is(cDelFromSet)] OID DelFromSet[] */
};
static NDR_PTR_TYPE(unique_oids, NDR_PTR_UNIQUE, &ndr_t_u64);
static const struct ndr_field complex_ping_in_fields[] = {
	NDR_FIELD(struct complex_ping_in, setid, &ndr_t_u64),
	NDR_FIELD(struct complex_ping_in, seq, &ndr_t_u16),
	NDR_FIELD(struct complex_ping_in, nadd, &ndr_t_u16),
	NDR_FIELD(struct complex_ping_in, ndel, &ndr_t_u16),
	NDR_FIELD_SIZED(struct complex_ping_in, add, &unique_oids, 2),
	NDR_FIELD_SIZED(struct complex_ping_in, del, &unique_oids, 3),
};
static NDR_PARAMS_TYPE(complex_ping_in_t, struct complex_ping_in, complex_ping_in_fields);

struct complex_ping_out {
	uint64_t setid;                /* [out] SETID *pSetId */
	uint16_t backoff;              /* [out] unsigned short *pPingBackoffFactor */
};
static const struct ndr_field complex_ping_out_fields[] = {
	NDR_FIELD(struct complex_ping_out, setid, &ndr_t_u64),
	NDR_FIELD(struct complex_ping_out, backoff, &ndr_t_u16),
};
static NDR_PARAMS_TYPE(complex_ping_out_t, struct complex_ping_out, complex_ping_out_fields);

static uint32_t complex_ping(struct dcom_call *c, const void *inv, void *outv)
{
	const struct complex_ping_in *in = inv;
	struct complex_ping_out *out = outv;

	(void)c;
	/* A unique pointer may be NULL while its count says otherwise. */
	if ((in->nadd && !in->add) || (in->ndel && !in->del)) {
		c->fault = NCA_S_FAULT_NDR;
		return 0;
	}
	out->setid = in->setid;
	out->backoff = 0;
	return dcom_complex_ping(&out->setid, in->seq, in->add, in->nadd, in->del, in->ndel);
}

/* --- ServerAlive (3), ServerAlive2 (5) --- */
static uint32_t server_alive(struct dcom_call *c, const void *inv, void *outv)
{
	(void)c;
	(void)inv;
	(void)outv;
	return 0;
}

struct server_alive2_out {
	struct dcom_comversion version;/* [out] COMVERSION *pComVersion */
	struct dcom_dsa *bindings;     /* [out] DUALSTRINGARRAY **ppdsaOrBindings */
	uint32_t reserved;             /* [out] DWORD *pReserved */
};
static const struct ndr_field server_alive2_out_fields[] = {
	NDR_FIELD(struct server_alive2_out, version, &dcom_t_comversion),
	NDR_FIELD(struct server_alive2_out, bindings, &dcom_t_unique_dsa),
	NDR_FIELD(struct server_alive2_out, reserved, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(server_alive2_out_t, struct server_alive2_out, server_alive2_out_fields);

static uint32_t server_alive2(struct dcom_call *c, const void *inv, void *outv)
{
	struct server_alive2_out *out = outv;

	(void)inv;
	out->version.major = COM_VERSION_MAJOR;
	out->version.minor = COM_VERSION_MINOR;
	out->bindings = ndr_arena_zalloc(&c->arena, sizeof(*out->bindings));
	if (!out->bindings || dcom_dsa_build(&c->arena, c->rpc->local_addr, 0, out->bindings) < 0)
		return E_OUTOFMEMORY;
	return 0;
}

static const struct dcom_method exporter_methods[] = {
	{ "ResolveOxid", &resolve_oxid_in_t, &resolve_oxid_out_t, resolve_oxid },
	{ "SimplePing", &simple_ping_in_t, &ndr_t_no_params, simple_ping },
	{ "ComplexPing", &complex_ping_in_t, &complex_ping_out_t, complex_ping },
	{ "ServerAlive", &ndr_t_no_params, &ndr_t_no_params, server_alive },
	{ "ResolveOxid2", &resolve_oxid_in_t, &resolve_oxid2_out_t, resolve_oxid },
	{ "ServerAlive2", &ndr_t_no_params, &server_alive2_out_t, server_alive2 },
};

const struct dcom_iface dcom_if_object_exporter = {
	.name = "IObjectExporter",
	.iid = NDR_GUID_INIT(0x99fcfec4, 0x5260, 0x101b, 0xbb, 0xcb, 0x00, 0xaa, 0x00, 0x21, 0x34, 0x7a),
	.target = DCOM_TARGET_NONE,
	.first_opnum = 0,
	.nmethods = NDR_COUNTOF(exporter_methods),
	.methods = exporter_methods,
};
