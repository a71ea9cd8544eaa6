/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ihost.c: IHost ([MS-ISTM] 3.21), IHost2 (3.23) and IHost3 (3.24): one
 * iSCSI target.
 *
 * The object holds a copy of the target's row (struct state_target, from
 * the parent); property puts edit the copy and Save sends it back (4.2:
 * "retained with the placeholder target ... until explicitly saved").
 * Identification methods and LUN mappings are separate calls that change
 * the store at once (and tgtd, for a saved target).  Names and IQNs are
 * checked by the parent (svc/svc_target.c), which knows the other targets.
 * Choices where the spec leaves room (README "Targets"): the Windows
 * behaviour of <20>, <21>, <31>..<34>, <41>, <44>, <47>, <51>; a target
 * is served on every portal of the server (tgt cannot narrow it), and its
 * own portal list (AddPortal) says where tgtd must listen for it;
 * IHost2's cluster methods answer as a server outside an HA cluster;
 * EnumSessions lists the target's sessions (the sessions part's IEnumSession2).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
#include "proto/serving.h"
#include "proto/target.h"

/* The object's state. */
struct ihost {
	struct state_target t;       /* the copy the client edits */
	bool placeholder;            /* never saved: the row goes with the object */
};

static struct ihost *host_of(struct dcom_call *c)
{
	return c->obj ? dcom_object_state(c->obj) : NULL;
}

static void host_free(void *p)
{
	struct ihost *h = p;
	struct svc_target_id_req rq;

	if (h && h->placeholder) {
		memset(&rq, 0, sizeof(rq));
		rq.id = h->t.id;
		(void)ask_target_discard(&rq);
	}
	if (h)
		memset(h, 0, sizeof(*h));  /* secrets */
	free(h);
}

static const struct dcom_iface *const ihost_ifaces[] = {
	&istm_if_ihost3,               /* derives from IHost2 and IHost */
};
const struct dcom_class istm_class_ihost = {
	.name = "IHost",
	.ifaces = ihost_ifaces, .nifaces = NDR_COUNTOF(ihost_ifaces),
};

uint32_t istm_host_export(struct dcom_call *c, const struct state_target *t,
			  struct ndr_blob **mip)
{
	struct ihost *h = calloc(1, sizeof(*h));

	if (!h)
		return E_OUTOFMEMORY;
	h->t = *t;
	h->placeholder = (t->flags & STATE_PENDING) != 0;
	return istm_export(c, &istm_class_ihost, &istm_if_ihost3, h, host_free, mip);
}

/* ---- helpers ---- */

/* A BSTR argument as UTF-8 of at most MAX bytes: E_INVALIDARG for NULL or
 * bad UTF-16, TOO_LONG when longer. */
static uint32_t bstr_arg(struct dcom_call *c, const struct ndr_bstr *b, size_t max,
			 uint32_t too_long, char **out)
{
	if (!b || ndr_bstr_to_utf8(&c->arena, b, out) < 0)
		return E_INVALIDARG;
	return strlen(*out) > max ? too_long : S_OK;
}

static uint32_t bstr_out(struct dcom_call *c, const char *s, struct ndr_bstr **out)
{
	return ndr_bstr_from_utf8(&c->arena, s, out) < 0 ? E_OUTOFMEMORY : S_OK;
}

#define HOST_OR_FAIL(h) struct ihost *h = host_of(c); if (!h) return E_FAIL

/* ---- IHost properties ---- */

uint32_t IHost_get_Guid(struct dcom_call *c, struct IHost_get_Guid_out *out)
{
	HOST_OR_FAIL(h);

	memcpy(out->pGuid.b, h->t.guid, 16);
	return S_OK;
}

/* Boolean and number properties of the copy: Prop's getter answers in
 * OUTP, its setter reads INP. */
#define BOOL_PROP(prop, outp, inp, member) \
uint32_t IHost_get_##prop(struct dcom_call *c, struct IHost_get_##prop##_out *out) \
{ \
	HOST_OR_FAIL(h); \
	out->outp = h->t.member ? 1 : 0; \
	return S_OK; \
} \
uint32_t IHost_put_##prop(struct dcom_call *c, const struct IHost_put_##prop##_in *in) \
{ \
	HOST_OR_FAIL(h); \
	h->t.member = in->inp != 0; \
	return S_OK; \
}
BOOL_PROP(Enable, pEnable, bEnable, enabled)
BOOL_PROP(EnableCHAP, pEnable, bEnable, chap_enabled)
BOOL_PROP(EnableReverseCHAP, pEnable, bEnable, rchap_enabled)
BOOL_PROP(EnforceIdleTimeoutDetection, pEnable, bEnable, enforce_idle_timeout)

#define U32_PROP(prop, outp, inp, member, lo, hi) \
uint32_t IHost_get_##prop(struct dcom_call *c, struct IHost_get_##prop##_out *out) \
{ \
	HOST_OR_FAIL(h); \
	out->outp = h->t.member; \
	return S_OK; \
} \
uint32_t IHost_put_##prop(struct dcom_call *c, const struct IHost_put_##prop##_in *in) \
{ \
	HOST_OR_FAIL(h); \
	if (in->inp < (lo) || in->inp > (hi)) \
		return E_INVALIDARG; \
	h->t.member = in->inp; \
	return S_OK; \
}
U32_PROP(TargetMaxRecvDataSegmentLength, pLength, nLength, max_recv_dsl, SVC_TARGET_LEN_MIN,
	 SVC_TARGET_LEN_MAX)
U32_PROP(TargetFirstBurstLength, pLength, nLength, first_burst, SVC_TARGET_LEN_MIN,
	 SVC_TARGET_LEN_MAX)
U32_PROP(TargetMaxBurstLength, pLength, nLength, max_burst, SVC_TARGET_LEN_MIN,
	 SVC_TARGET_LEN_MAX)
U32_PROP(NumRecvBuffers, pNumBuffers, nNumBuffers, num_recv_buffers, SVC_TARGET_BUFFERS_MIN,
	 SVC_TARGET_BUFFERS_MAX)

/* Text properties checked by the parent (names, IQN). */
static uint32_t put_checked(struct dcom_call *c, const struct ndr_bstr *value, uint32_t what,
			    char *dst, size_t cap)
{
	struct svc_target_check_req rq;
	struct svc_target_check_reply rp;
	uint32_t hr;
	char *v;
	HOST_OR_FAIL(h);

	hr = bstr_arg(c, value, cap - 1, ERROR_INVALID_DATA, &v);
	if (hr == S_OK && !v[0])
		hr = what == SVC_TARGET_WHAT_NAME ? ERROR_INVALID_DATA : E_INVALIDARG;
	if (hr != S_OK)
		return hr;
	memset(&rq, 0, sizeof(rq));
	rq.id = h->t.id;
	rq.what = what;
	snprintf(rq.value, sizeof(rq.value), "%s", v);
	hr = ask_target_check(&rq, &rp);
	if (hr != S_OK)
		return hr;
	if (strnlen(rp.value, sizeof(rp.value)) >= cap)
		return ERROR_INVALID_DATA;
	memcpy(dst, rp.value, strlen(rp.value) + 1);
	return S_OK;
}

/* Free text (description, CHAP user names): any UTF-8 up to the member's
 * size; NO_COMMA for what tgtadm must carry. */
static uint32_t put_text(struct dcom_call *c, const struct ndr_bstr *value, char *dst,
			 size_t cap, bool no_comma)
{
	uint32_t hr;
	char *v;

	hr = bstr_arg(c, value, cap - 1, E_INVALIDARG, &v);
	if (hr != S_OK)
		return hr;
	if (no_comma && strchr(v, ','))
		return E_INVALIDARG;
	snprintf(dst, cap, "%s", v);
	return S_OK;
}

/* A CHAP secret: empty (none) or SVC_TARGET_SECRET_MIN..STATE_SECRET_MAX
 * bytes (tgt and RFC 3720 8.2.1 want 12 at least). */
static uint32_t put_secret(struct dcom_call *c, const struct ndr_bstr *value, char *dst,
			   size_t cap)
{
	uint32_t hr;
	char *v;

	hr = bstr_arg(c, value, cap - 1, ERROR_BAD_LENGTH, &v);
	if (hr != S_OK)
		return hr;
	if (v[0] && strlen(v) < SVC_TARGET_SECRET_MIN)
		return ERROR_BAD_LENGTH;
	if (strchr(v, ','))
		return E_INVALIDARG;
	snprintf(dst, cap, "%s", v);
	return S_OK;
}

/* A text property: the getter answers the copy's MEMBER in OUTP; the
 * setter passes INP to SETTER (put_checked, put_text or put_secret with
 * their last arguments). */
#define TEXT_PROP(prop, outp, inp, member, setter, ...) \
uint32_t IHost_get_##prop(struct dcom_call *c, struct IHost_get_##prop##_out *out) \
{ \
	HOST_OR_FAIL(h); \
	return bstr_out(c, h->t.member, &out->outp); \
} \
uint32_t IHost_put_##prop(struct dcom_call *c, const struct IHost_put_##prop##_in *in) \
{ \
	HOST_OR_FAIL(h); \
	return setter(c, in->inp, __VA_ARGS__); \
}
TEXT_PROP(Name, pName, Name, name, put_checked, SVC_TARGET_WHAT_NAME, h->t.name,
	  sizeof(h->t.name))
TEXT_PROP(TargetIQN, pTargetIQN, TargetIQN, iqn, put_checked, SVC_TARGET_WHAT_IQN, h->t.iqn,
	  sizeof(h->t.iqn))
TEXT_PROP(Description, pDescription, Description, description, put_text, h->t.description,
	  sizeof(h->t.description), false)
TEXT_PROP(CHAPUserName, pUserName, UserName, chap_user, put_text, h->t.chap_user,
	  sizeof(h->t.chap_user), true)
TEXT_PROP(CHAPSecret, pSecret, Secret, chap_secret, put_secret, h->t.chap_secret,
	  sizeof(h->t.chap_secret))
TEXT_PROP(ReverseCHAPUserName, pUserName, UserName, rchap_user, put_text, h->t.rchap_user,
	  sizeof(h->t.rchap_user), true)
TEXT_PROP(ReverseCHAPSecret, pSecret, Secret, rchap_secret, put_secret, h->t.rchap_secret,
	  sizeof(h->t.rchap_secret))

/* Status and LastLogIn are tgtd's and the sessions', not the copy's. */
static uint32_t ask_status(struct dcom_call *c, struct svc_target_status_reply *rp)
{
	struct svc_target_id_req rq;
	HOST_OR_FAIL(h);

	memset(&rq, 0, sizeof(rq));
	rq.id = h->t.id;
	return ask_target_status(&rq, rp);
}

uint32_t IHost_get_Status(struct dcom_call *c, struct IHost_get_Status_out *out)
{
	struct svc_target_status_reply rp;
	uint32_t hr = ask_status(c, &rp);

	if (hr == S_OK)
		out->pStatus = (uint16_t)rp.status;
	return hr;
}

uint32_t IHost_get_LastLogIn(struct dcom_call *c, struct IHost_get_LastLogIn_out *out)
{
	struct svc_target_status_reply rp;
	uint32_t hr = ask_status(c, &rp);

	if (hr == S_OK)
		out->pTimeStamp = rp.last_login;
	return hr;
}

/* ---- identification methods ---- */

uint32_t IHost_EnumIDs(struct dcom_call *c, struct IHost_EnumIDs_out *out)
{
	HOST_OR_FAIL(h);

	return istm_enum_new(c, &istm_kind_ienumidmethod, h->t.id, 0, NULL, &out->ppEnumIDMethod);
}

static uint32_t change_id(struct dcom_call *c, const struct ID *id, uint32_t op)
{
	struct svc_target_idm_req rq;
	uint16_t wide[513];
	char *v = NULL;
	size_t n = 0;
	HOST_OR_FAIL(h);

	memset(&rq, 0, sizeof(rq));
	rq.id = h->t.id;
	rq.op = op;
	if (id) {
		while (n < 512 && id->szValue[n])
			n++;
		memcpy(wide, id->szValue, n * 2);
		if (ndr_utf16_to_utf8(&c->arena, wide, n, &v) < 0 || strlen(v) >= sizeof(rq.value))
			return E_INVALIDARG;
		rq.method = id->eMethod;
		snprintf(rq.value, sizeof(rq.value), "%s", v);
	}
	return ask_target_id(&rq);
}

uint32_t IHost_AddID(struct dcom_call *c, const struct IHost_AddID_in *in)
{
	return change_id(c, &in->pIDMethod, SVC_TARGET_OP_ADD);
}

uint32_t IHost_RemoveID(struct dcom_call *c, const struct IHost_RemoveID_in *in)
{
	return change_id(c, &in->pIDMethod, SVC_TARGET_OP_REMOVE);
}

uint32_t IHost_RemoveAllIDs(struct dcom_call *c)
{
	return change_id(c, NULL, SVC_TARGET_OP_REMOVE_ALL);
}

/* ---- LUN mappings ---- */

uint32_t IHost_EnumWTDiskLunMappings(struct dcom_call *c,
				     struct IHost_EnumWTDiskLunMappings_out *out)
{
	HOST_OR_FAIL(h);

	return istm_enum_new(c, &istm_kind_ienumwtdisklunmapping, h->t.id, 0, NULL,
			     &out->ppEnumWTDiskLunMapping);
}

static uint32_t change_lun(struct dcom_call *c, uint32_t op, uint32_t wtd, uint32_t lun)
{
	struct svc_target_lun_req rq;
	HOST_OR_FAIL(h);

	memset(&rq, 0, sizeof(rq));
	rq.id = h->t.id;
	rq.op = op;
	rq.wtd = wtd;
	rq.lun = lun;
	return ask_target_lun(&rq);
}

uint32_t IHost_AddWTDisk(struct dcom_call *c, const struct IHost_AddWTDisk_in *in)
{
	return change_lun(c, SVC_TARGET_OP_ADD, in->nWTD, 0);
}

uint32_t IHost_RemoveWTDisk(struct dcom_call *c, const struct IHost_RemoveWTDisk_in *in)
{
	return change_lun(c, SVC_TARGET_OP_REMOVE, in->nWTD, 0);
}

uint32_t IHost_RemoveAllWTDisks(struct dcom_call *c)
{
	return change_lun(c, SVC_TARGET_OP_REMOVE_ALL, 0, 0);
}

uint32_t IHost_SetWTDiskLunMapping(struct dcom_call *c,
				   const struct IHost_SetWTDiskLunMapping_in *in)
{
	return change_lun(c, SVC_TARGET_OP_SET_LUN, in->nWTD, in->nNewLun);
}

/* ---- portals: AddPortal makes tgtd listen at the address and records it
 * as the target's; RemovePortal and RemoveAllPortals take it off, and the
 * portal closes once neither another target nor SetPortalConfig wants it
 * (parent/svc/svc_host_portal.c).  tgt still serves every target on every
 * portal tgtd listens on, so ListenAllNetworkAdapters answers TRUE (FALSE
 * is E_NOTIMPL); EnumPortals lists the target's own portals, or all of
 * tgtd's when it has none ---- */

static uint32_t change_portal(struct dcom_call *c, uint32_t op, const struct ndr_bstr *address)
{
	struct svc_host_portal_req rq;
	char *a = NULL;
	HOST_OR_FAIL(h);

	memset(&rq, 0, sizeof(rq));
	if (op != SVC_HOST_PORTAL_REMOVE_ALL) {
		if (!address || ndr_bstr_to_utf8(&c->arena, address, &a) < 0 || !a || !a[0] ||
		    strlen(a) >= sizeof(rq.address))
			return E_INVALIDARG;
		memcpy(rq.address, a, strlen(a) + 1);
	}
	rq.id = h->t.id;
	rq.op = op;
	return ask_serving_host_portal(&rq);
}

uint32_t IHost_AddPortal(struct dcom_call *c, const struct IHost_AddPortal_in *in)
{
	return change_portal(c, SVC_HOST_PORTAL_ADD, in->IpAddress);
}

uint32_t IHost_RemovePortal(struct dcom_call *c, const struct IHost_RemovePortal_in *in)
{
	return change_portal(c, SVC_HOST_PORTAL_REMOVE, in->IpAddress);
}

uint32_t IHost_RemoveAllPortals(struct dcom_call *c)
{
	return change_portal(c, SVC_HOST_PORTAL_REMOVE_ALL, NULL);
}

uint32_t IHost_EnumPortals(struct dcom_call *c, struct IHost_EnumPortals_out *out)
{
	HOST_OR_FAIL(h);

	return istm_enum_new(c, &istm_kind_ienumportal, h->t.id, 0, NULL, &out->ppEnumPortal);
}

uint32_t IHost_get_ListenAllNetworkAdapters(struct dcom_call *c,
					    struct IHost_get_ListenAllNetworkAdapters_out *out)
{
	HOST_OR_FAIL(h);

	(void)h;
	out->pListenAll = 1;
	return S_OK;
}

uint32_t IHost_put_ListenAllNetworkAdapters(struct dcom_call *c,
					    const struct IHost_put_ListenAllNetworkAdapters_in *in)
{
	HOST_OR_FAIL(h);

	(void)h;
	return in->bListenAll ? S_OK : E_NOTIMPL;
}

/* ---- Save and the secret checks ---- */

uint32_t IHost_Save(struct dcom_call *c)
{
	struct svc_target_save_req *rq;
	struct svc_target_reply *rp;
	uint32_t hr;
	HOST_OR_FAIL(h);

	rq = ndr_arena_zalloc(&c->arena, sizeof(*rq));
	rp = ndr_arena_zalloc(&c->arena, sizeof(*rp));
	if (!rq || !rp)
		return E_OUTOFMEMORY;
	rq->t = h->t;
	hr = ask_target_save(rq, rp);
	memset(rq, 0, sizeof(*rq));
	if (hr != S_OK)
		return hr;
	h->t = rp->t;
	h->placeholder = false;
	memset(rp, 0, sizeof(*rp));
	return S_OK;
}

/* <42>, <43>: 12 to 16 bytes, and not the target's other secret. */
static uint32_t validate(struct dcom_call *c, const struct ndr_bstr *secret, bool reverse)
{
	size_t len;
	char *v;
	HOST_OR_FAIL(h);

	if (!secret || ndr_bstr_to_utf8(&c->arena, secret, &v) < 0)
		return E_INVALIDARG;
	len = strlen(v);
	if (len < SVC_TARGET_SECRET_MIN || len > SVC_TARGET_SECRET_MAX)
		return ERROR_BAD_LENGTH;
	if (strcmp(v, reverse ? h->t.chap_secret : h->t.rchap_secret) == 0)
		return ERROR_DUP_NAME;
	return S_OK;
}

uint32_t IHost_ValidateChapSecret(struct dcom_call *c, const struct IHost_ValidateChapSecret_in *in)
{
	return validate(c, in->Secret, false);
}

uint32_t IHost_ValidateReverseChapSecret(struct dcom_call *c,
					 const struct IHost_ValidateReverseChapSecret_in *in)
{
	return validate(c, in->Secret, true);
}

uint32_t IHost_CheckTargetRedirect(struct dcom_call *c,
				   const struct IHost_CheckTargetRedirect_in *in,
				   struct IHost_CheckTargetRedirect_out *out)
{
	(void)c;
	(void)in;
	(void)out;
	return S_FALSE;              /* no redirection */
}

/* ---- IHost2, IHost3: a server outside an HA cluster ---- */

uint32_t IHost2_get_ResourceName(struct dcom_call *c, struct IHost2_get_ResourceName_out *out)
{
	return bstr_out(c, "", &out->pResourceName);
}

uint32_t IHost2_put_ResourceName(struct dcom_call *c, const struct IHost2_put_ResourceName_in *in)
{
	char *v;

	if (!in->ResourceName || ndr_bstr_to_utf8(&c->arena, in->ResourceName, &v) < 0 || !v[0])
		return E_INVALIDARG;
	return ERROR_INVALID_FUNCTION;  /* no cluster resource to name */
}

uint32_t IHost2_get_ResourceGroupName(struct dcom_call *c,
				      struct IHost2_get_ResourceGroupName_out *out)
{
	return bstr_out(c, "", &out->pResourceGroup);
}

uint32_t IHost2_SaveToStream(struct dcom_call *c, const struct IHost2_SaveToStream_in *in)
{
	(void)c;
	(void)in;
	return ERROR_INVALID_FUNCTION;  /* not clustered */
}

/* IEnumSession2 over this target's sessions (the sessions part's kind). */
uint32_t IHost2_EnumSessions(struct dcom_call *c, struct IHost2_EnumSessions_out *out)
{
	HOST_OR_FAIL(h);

	return istm_enum_new(c, &istm_enum_sessions2, h->t.id, 0, NULL, &out->ppEnumSession);
}

uint32_t IHost3_get_ResourceState(struct dcom_call *c, struct IHost3_get_ResourceState_out *out)
{
	(void)c;
	out->ResourceState = 0xffffffffu;  /* ClusterResourceStateUnknown (-1) */
	return S_OK;
}
