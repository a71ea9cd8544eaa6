/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* orpc.c: the generic dispatcher between the transport and the interface
 * tables.  One rpc_handler_fn serves every registered DCOM interface: it
 * finds the interface by IID and the method by opnum (walking base
 * interfaces, so IWTGeneral2 inherits IWTGeneral's opnums), resolves the
 * target IPID, pulls ORPCTHIS and the [in] parameters with the NDR engine,
 * calls the implementation, and pushes ORPCTHAT, the [out] parameters and
 * the HRESULT.
 *
 * Faults: an unknown opnum is nca_s_op_rng_error, an unknown interface
 * nca_s_unk_if, an unknown or released IPID RPC_E_DISCONNECTED, and any
 * unmarshalling error nca_s_fault_ndr (RPC_X_BAD_STUB_DATA): hostile stubs
 * never reach an implementation.
 *
 * Authentication levels: the transport lets no request below packet
 * integrity through (the DCOM infrastructure interfaces, activation,
 * IObjectExporter and IRemUnknown, accept integrity and privacy, as Windows
 * does since KB5004442); a call on an exported object's IPID, i.e. every
 * [MS-ISTM] interface, also needs packet privacy ([MS-ISTM] 5.1: CHAP
 * secrets travel in these calls), else it faults with access denied before
 * anything is unmarshalled or run.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "dcom/dcom_int.h"
#include "log.h"

#define DCOM_MAX_IFACES 128u  /* registered interfaces ([MS-ISTM] has ~60) */

static const struct dcom_iface *registered[DCOM_MAX_IFACES];
static unsigned nregistered;

const struct dcom_iface *dcom_iface_find(const struct ndr_guid *iid)
{
	unsigned i;

	for (i = 0; i < nregistered; i++)
		if (ndr_guid_equal(&registered[i]->iid, iid))
			return registered[i];
	if (ndr_guid_equal(&dcom_if_iunknown.iid, iid))
		return &dcom_if_iunknown;
	return NULL;
}

const struct dcom_method *dcom_iface_method(const struct dcom_iface *iface, uint16_t opnum)
{
	for (; iface; iface = iface->base) {
		if (opnum >= iface->first_opnum + iface->nmethods)
			return NULL;
		if (opnum >= iface->first_opnum)
			return iface->methods[opnum - iface->first_opnum].fn
				? &iface->methods[opnum - iface->first_opnum] : NULL;
	}
	return NULL;
}

static bool derives(const struct dcom_iface *iface, const struct dcom_iface *from)
{
	for (; iface; iface = iface->base)
		if (iface == from)
			return true;
	return false;
}

bool dcom_class_answers(const struct dcom_class *cls, const struct dcom_iface *iface)
{
	uint32_t i;

	if (iface == &dcom_if_iunknown)
		return true;
	for (i = 0; i < cls->nifaces; i++)
		if (derives(cls->ifaces[i], iface))
			return true;
	return false;
}

uint32_t dcom_dispatch(const struct dcom_iface *iface, const struct rpc_call_ctx *call,
		       struct rpc_buf *out)
{
	const struct dcom_method *m = dcom_iface_method(iface, call->opnum);
	struct dcom_orpcthat that = { 0 };
	struct dcom_orpcthis *thisp;
	struct dcom_call c;
	struct ndr_pull pull;
	struct ndr_push push;
	struct ndr_guid ipid;
	void *in, *outv;
	uint32_t hr, fault = 0;

	if (!m)
		return NCA_S_OP_RNG_ERROR;
	memset(&c, 0, sizeof(c));
	c.rpc = call;
	if (iface->target == DCOM_TARGET_REMUNKNOWN || iface->target == DCOM_TARGET_OBJECT) {
		if (!call->object)
			return RPC_E_DISCONNECTED_FAULT;
		memcpy(ipid.b, call->object, 16);
	}
	if (iface->target == DCOM_TARGET_REMUNKNOWN &&
	    !ndr_guid_equal(&ipid, dcom_remunknown_ipid()))
		return RPC_E_DISCONNECTED_FAULT;
	if (iface->target == DCOM_TARGET_OBJECT && call->auth_level < DCOM_OBJECT_MIN_AUTHN_LEVEL) {
		log_info("%s::%s refused for '%s': authentication level %d is below packet privacy",
			 iface->name, m->name, call->user ? call->user : "", call->auth_level);
		return NCA_S_FAULT_ACCESS_DENIED;
	}
	if (iface->target == DCOM_TARGET_OBJECT) {
		c.obj = dcom_ipid_lookup(&ipid, NULL);
		if (!c.obj)
			return RPC_E_DISCONNECTED_FAULT;
		if (!dcom_class_answers(dcom_object_class(c.obj), iface))
			return NCA_S_UNK_IF;
	}

	ndr_arena_init(&c.arena);
	ndr_pull_init(&pull, call->stub, call->stub_len, &c.arena);
	in = ndr_arena_zalloc(&c.arena, m->in->csize);
	outv = ndr_arena_zalloc(&c.arena, m->out->csize);
	thisp = ndr_arena_zalloc(&c.arena, sizeof(*thisp));
	if (!in || !outv || !thisp) {
		fault = NCA_S_FAULT_NDR;
		goto done;
	}
	if (iface->target != DCOM_TARGET_NONE && ndr_pull(&pull, &dcom_t_orpcthis_param, thisp) < 0) {
		fault = NCA_S_FAULT_NDR;
		goto done;
	}
	if (ndr_pull(&pull, m->in, in) < 0) {
		log_debug("%s::%s: bad stub data (%zu bytes) from '%s'", iface->name, m->name,
			  call->stub_len, call->user ? call->user : "");
		fault = NCA_S_FAULT_NDR;
		goto done;
	}
	hr = m->fn(&c, in, outv);
	if (c.fault) {
		fault = c.fault;
		goto done;
	}
	ndr_push_init(&push, out);
	if ((iface->target != DCOM_TARGET_NONE && ndr_push(&push, &dcom_t_orpcthat_param, &that) < 0) ||
	    ndr_push(&push, m->out, outv) < 0 || ndr_push_u32(&push, hr) < 0)
		fault = NCA_S_FAULT_NDR;
done:
	ndr_arena_release(&c.arena);
	return fault;
}

static uint32_t dcom_handle(const struct rpc_call_ctx *call, struct rpc_buf *out)
{
	struct ndr_guid iid;
	const struct dcom_iface *iface;

	memcpy(iid.b, call->if_uuid, 16);
	iface = dcom_iface_find(&iid);
	if (!iface || iface == &dcom_if_iunknown)
		return NCA_S_UNK_IF;
	return dcom_dispatch(iface, call, out);
}

int dcom_register(const struct dcom_iface *iface)
{
	unsigned i;
	int rc;

	for (i = 0; i < nregistered; i++)
		if (registered[i] == iface)
			return 0;
	if (nregistered >= DCOM_MAX_IFACES)
		return -ENOSPC;
	rc = rpc_register_interface(iface->iid.b, 0, dcom_handle);
	if (rc < 0 && rc != -EEXIST)
		return rc;
	registered[nregistered++] = iface;
	return 0;
}
