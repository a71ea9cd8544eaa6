/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iwtgeneral_notify.c: IWTGeneral::RegisterNotification and
 * UnregisterNotification ([MS-ISTM] 3.52.4.9-10).  The child only reads
 * the client's IStatusNotify OBJREF and hands what a call needs to the
 * parent (SVC_NOTIFY_*); the calls themselves are made by the notifier
 * process (istmd/notify/), since this process may not open connections.
 *
 * A registration belongs to the IWTGeneral object it was made through:
 * when that object goes (its client released it or stopped pinging,
 * [MS-DCOM] 3.2.6.2), the parent is told and drops it, so a client that
 * vanished leaves nothing behind.  Trade-off: a client that releases its
 * IWTGeneral while it still wants notifications loses them; the
 * specification's clients keep it for the whole session.
 *
 * HRESULTs where the specification leaves room: a NULL pointer or one that
 * is not a well-formed standard OBJREF with an ncacn_ip_tcp binding is
 * E_INVALIDARG, a pointer of another interface E_NOINTERFACE. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/notify.h"

_Static_assert(DCOM_OBJREF_TCP_MAX <= NOTIFY_BINDINGS_MAX &&
	       DCOM_OBJREF_TCP_LEN == NOTIFY_BINDING_LEN, "an OBJREF's bindings fit a notify_ref");

/* IID_IStatusNotify 312cc019-d5cd-4ca7-8c10-9e0a661f147e, wire order */
static const struct ndr_guid iid_istatusnotify = { {
	0x19, 0xc0, 0x2c, 0x31, 0xcd, 0xd5, 0xa7, 0x4c,
	0x8c, 0x10, 0x9e, 0x0a, 0x66, 0x1f, 0x14, 0x7e } };

/* What an IWTGeneral object keeps once it has registered. */
struct general_notify_owner {
	uint64_t owner;                /* this child's id for the object */
};

static void owner_free(void *p)
{
	struct general_notify_owner *o = p;

	ask_notify_drop_owner(o->owner);
	free(o);
}

/* The pointer in MIP as a notify_ref, or the HRESULT refusing it. */
static uint32_t ref_from_objref(const struct ndr_blob *mip, struct notify_ref *ref)
{
	struct dcom_objref_in in;
	unsigned i;

	if (!mip || dcom_objref_parse(mip, &in) < 0)
		return E_INVALIDARG;
	if (memcmp(in.iid.b, iid_istatusnotify.b, 16) != 0)
		return E_NOINTERFACE;
	memset(ref, 0, sizeof(*ref));
	ref->oxid = in.std.oxid;
	ref->oid = in.std.oid;
	memcpy(ref->ipid, in.std.ipid.b, 16);
	ref->n_bindings = in.n_tcp;
	for (i = 0; i < in.n_tcp; i++)
		memcpy(ref->bindings[i], in.tcp[i], NOTIFY_BINDING_LEN);
	return S_OK;
}

uint32_t IWTGeneral_RegisterNotification(struct dcom_call *c,
					 const struct IWTGeneral_RegisterNotification_in *in)
{
	static uint64_t next_owner = 1;
	struct svc_notify_register_req rq;
	struct general_notify_owner *o;
	uint32_t hr;

	memset(&rq, 0, sizeof(rq));
	if ((hr = ref_from_objref(in->pStatusNotify, &rq.ref)) != S_OK)
		return hr;
	o = c->obj ? dcom_object_state(c->obj) : NULL;
	if (c->obj && !o) {
		if (!(o = calloc(1, sizeof(*o))))
			return E_OUTOFMEMORY;
		o->owner = next_owner++;
		dcom_object_set_state(c->obj, o, owner_free);
	}
	rq.owner = o ? o->owner : 0;
	rq.cookie = in->lCookie;
	return ask_notify_register(&rq);
}

uint32_t IWTGeneral_UnregisterNotification(struct dcom_call *c,
					   const struct IWTGeneral_UnregisterNotification_in *in)
{
	struct svc_notify_unregister_req rq;
	uint32_t hr;

	(void)c;
	memset(&rq, 0, sizeof(rq));
	if ((hr = ref_from_objref(in->pStatusNotify, &rq.ref)) != S_OK)
		return hr;
	return ask_notify_unregister(&rq);
}
