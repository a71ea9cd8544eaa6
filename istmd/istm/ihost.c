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
 * behaviour of <20>, <21>, <31>..<34>, <38>..<41>, <44>, <47>, <51>;
 * IHost2's cluster methods answer as a server outside an HA cluster;
 * EnumSessions lists the target's sessions (the sessions part's IEnumSession2).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "istm/istm.h"
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

/* ---- parameter lists ---- */
struct guid_param { struct ndr_guid g; /* [out, retval] GUID * */ };
static const struct ndr_field guid_fields[] = { NDR_FIELD(struct guid_param, g, &ndr_t_guid) };
static NDR_PARAMS_TYPE(guid_t, struct guid_param, guid_fields);

struct bool_param { uint8_t v; /* boolean */ };
static const struct ndr_field bool_fields[] = { NDR_FIELD(struct bool_param, v, &ndr_t_u8) };
static NDR_PARAMS_TYPE(bool_t, struct bool_param, bool_fields);

struct u16_param { uint16_t v; /* HostStatus (an enum: 16 bits) */ };
static const struct ndr_field u16_fields[] = { NDR_FIELD(struct u16_param, v, &ndr_t_u16) };
static NDR_PARAMS_TYPE(u16_t, struct u16_param, u16_fields);

struct u32_param { uint32_t v; /* unsigned long, long */ };
static const struct ndr_field u32_fields[] = { NDR_FIELD(struct u32_param, v, &ndr_t_u32) };
static NDR_PARAMS_TYPE(u32_t, struct u32_param, u32_fields);

struct u64_param { uint64_t v; /* hyper */ };
static const struct ndr_field u64_fields[] = { NDR_FIELD(struct u64_param, v, &ndr_t_u64) };
static NDR_PARAMS_TYPE(u64_t, struct u64_param, u64_fields);

struct bstr_param { struct ndr_bstr *s; /* BSTR */ };
static const struct ndr_field bstr_fields[] = { NDR_FIELD(struct bstr_param, s, &ndr_t_bstr) };
static NDR_PARAMS_TYPE(bstr_t, struct bstr_param, bstr_fields);

struct mip_param { struct ndr_blob *mip; /* an interface pointer */ };
static const struct ndr_field mip_fields[] = {
	NDR_FIELD(struct mip_param, mip, &ndr_t_unique_mip),
};
static NDR_PARAMS_TYPE(mip_t, struct mip_param, mip_fields);

static NDR_FIXED_ARRAY_TYPE(wchar512_t, &ndr_t_u16, 512, uint16_t[512]);
static const struct ndr_field id_fields[] = {
	NDR_FIELD(struct istm_id, method, &ndr_t_u16),
	NDR_FIELD(struct istm_id, value, &wchar512_t),
};
NDR_STRUCT_TYPE(istm_t_id, struct istm_id, id_fields);
struct id_param { struct istm_id id; /* [in] ID *pIDMethod */ };
static const struct ndr_field id_param_fields[] = { NDR_FIELD(struct id_param, id, &istm_t_id) };
static NDR_PARAMS_TYPE(id_param_t, struct id_param, id_param_fields);

struct lun_in { uint32_t wtd; uint32_t lun; /* nWTD, nNewLun */ };
static const struct ndr_field lun_in_fields[] = {
	NDR_FIELD(struct lun_in, wtd, &ndr_t_u32),
	NDR_FIELD(struct lun_in, lun, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(lun_in_t, struct lun_in, lun_in_fields);

static NDR_CONF_ARRAY_TYPE(blob_t, &ndr_t_u8);
struct blob_in { uint32_t n; uint8_t *blob; /* nBlobSize, Blob[nBlobSize] */ };
static const struct ndr_field blob_in_fields[] = {
	NDR_FIELD(struct blob_in, n, &ndr_t_u32),
	NDR_FIELD_SIZED(struct blob_in, blob, &blob_t, 0),
};
static NDR_PARAMS_TYPE(blob_in_t, struct blob_in, blob_in_fields);

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

static uint32_t bstr_out(struct dcom_call *c, const char *s, void *outv)
{
	struct bstr_param *out = outv;

	return ndr_bstr_from_utf8(&c->arena, s, &out->s) < 0 ? E_OUTOFMEMORY : S_OK;
}

#define HOST_OR_FAIL(h) struct ihost *h = host_of(c); if (!h) return E_FAIL

/* ---- IHost properties ---- */

static uint32_t get_guid(struct dcom_call *c, const void *in, void *outv)
{
	struct guid_param *out = outv;
	HOST_OR_FAIL(h);

	(void)in;
	memcpy(out->g.b, h->t.guid, 16);
	return S_OK;
}

/* Boolean and number properties of the copy. */
#define BOOL_PROP(get, put, member) \
static uint32_t get(struct dcom_call *c, const void *in, void *outv) \
{ \
	HOST_OR_FAIL(h); \
	(void)in; \
	((struct bool_param *)outv)->v = h->t.member ? 1 : 0; \
	return S_OK; \
} \
static uint32_t put(struct dcom_call *c, const void *inv, void *out) \
{ \
	HOST_OR_FAIL(h); \
	(void)out; \
	h->t.member = ((const struct bool_param *)inv)->v != 0; \
	return S_OK; \
}
BOOL_PROP(get_enable, put_enable, enabled)
BOOL_PROP(get_enable_chap, put_enable_chap, chap_enabled)
BOOL_PROP(get_enable_rchap, put_enable_rchap, rchap_enabled)
BOOL_PROP(get_enforce_idle, put_enforce_idle, enforce_idle_timeout)

#define U32_PROP(get, put, member, lo, hi) \
static uint32_t get(struct dcom_call *c, const void *in, void *outv) \
{ \
	HOST_OR_FAIL(h); \
	(void)in; \
	((struct u32_param *)outv)->v = h->t.member; \
	return S_OK; \
} \
static uint32_t put(struct dcom_call *c, const void *inv, void *out) \
{ \
	uint32_t v = ((const struct u32_param *)inv)->v; \
	HOST_OR_FAIL(h); \
	(void)out; \
	if (v < (lo) || v > (hi)) \
		return E_INVALIDARG; \
	h->t.member = v; \
	return S_OK; \
}
U32_PROP(get_max_recv_dsl, put_max_recv_dsl, max_recv_dsl, SVC_TARGET_LEN_MIN, SVC_TARGET_LEN_MAX)
U32_PROP(get_first_burst, put_first_burst, first_burst, SVC_TARGET_LEN_MIN, SVC_TARGET_LEN_MAX)
U32_PROP(get_max_burst, put_max_burst, max_burst, SVC_TARGET_LEN_MIN, SVC_TARGET_LEN_MAX)
U32_PROP(get_num_buffers, put_num_buffers, num_recv_buffers, SVC_TARGET_BUFFERS_MIN,
	 SVC_TARGET_BUFFERS_MAX)

/* Text properties checked by the parent (names, IQN). */
static uint32_t put_checked(struct dcom_call *c, const void *inv, uint32_t what, char *dst,
			    size_t cap)
{
	const struct bstr_param *in = inv;
	struct svc_target_check_req rq;
	struct svc_target_check_reply rp;
	uint32_t hr;
	char *v;
	HOST_OR_FAIL(h);

	hr = bstr_arg(c, in->s, cap - 1, ERROR_INVALID_DATA, &v);
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

static uint32_t get_name(struct dcom_call *c, const void *in, void *out)
{
	HOST_OR_FAIL(h);

	(void)in;
	return bstr_out(c, h->t.name, out);
}

static uint32_t put_name(struct dcom_call *c, const void *in, void *out)
{
	HOST_OR_FAIL(h);

	(void)out;
	return put_checked(c, in, SVC_TARGET_WHAT_NAME, h->t.name, sizeof(h->t.name));
}

static uint32_t get_iqn(struct dcom_call *c, const void *in, void *out)
{
	HOST_OR_FAIL(h);

	(void)in;
	return bstr_out(c, h->t.iqn, out);
}

static uint32_t put_iqn(struct dcom_call *c, const void *in, void *out)
{
	HOST_OR_FAIL(h);

	(void)out;
	return put_checked(c, in, SVC_TARGET_WHAT_IQN, h->t.iqn, sizeof(h->t.iqn));
}

/* Free text (description, CHAP user names): any UTF-8 up to the member's
 * size; NO_COMMA for what tgtadm must carry. */
static uint32_t put_text(struct dcom_call *c, const void *inv, char *dst, size_t cap,
			 bool no_comma)
{
	const struct bstr_param *in = inv;
	uint32_t hr;
	char *v;

	hr = bstr_arg(c, in->s, cap - 1, E_INVALIDARG, &v);
	if (hr != S_OK)
		return hr;
	if (no_comma && strchr(v, ','))
		return E_INVALIDARG;
	snprintf(dst, cap, "%s", v);
	return S_OK;
}

/* A CHAP secret: empty (none) or SVC_TARGET_SECRET_MIN..STATE_SECRET_MAX
 * bytes (tgt and RFC 3720 8.2.1 want 12 at least). */
static uint32_t put_secret(struct dcom_call *c, const void *inv, char *dst, size_t cap)
{
	const struct bstr_param *in = inv;
	uint32_t hr;
	char *v;

	hr = bstr_arg(c, in->s, cap - 1, ERROR_BAD_LENGTH, &v);
	if (hr != S_OK)
		return hr;
	if (v[0] && strlen(v) < SVC_TARGET_SECRET_MIN)
		return ERROR_BAD_LENGTH;
	if (strchr(v, ','))
		return E_INVALIDARG;
	snprintf(dst, cap, "%s", v);
	return S_OK;
}

#define TEXT_PROP(get, put, member, setter) \
static uint32_t get(struct dcom_call *c, const void *in, void *out) \
{ \
	HOST_OR_FAIL(h); \
	(void)in; \
	return bstr_out(c, h->t.member, out); \
} \
static uint32_t put(struct dcom_call *c, const void *in, void *out) \
{ \
	HOST_OR_FAIL(h); \
	(void)out; \
	return setter; \
}
TEXT_PROP(get_description, put_description, description,
	  put_text(c, in, h->t.description, sizeof(h->t.description), false))
TEXT_PROP(get_chap_user, put_chap_user, chap_user,
	  put_text(c, in, h->t.chap_user, sizeof(h->t.chap_user), true))
TEXT_PROP(get_chap_secret, put_chap_secret, chap_secret,
	  put_secret(c, in, h->t.chap_secret, sizeof(h->t.chap_secret)))
TEXT_PROP(get_rchap_user, put_rchap_user, rchap_user,
	  put_text(c, in, h->t.rchap_user, sizeof(h->t.rchap_user), true))
TEXT_PROP(get_rchap_secret, put_rchap_secret, rchap_secret,
	  put_secret(c, in, h->t.rchap_secret, sizeof(h->t.rchap_secret)))

/* Status and LastLogIn are tgtd's and the sessions', not the copy's. */
static uint32_t ask_status(struct dcom_call *c, struct svc_target_status_reply *rp)
{
	struct svc_target_id_req rq;
	HOST_OR_FAIL(h);

	memset(&rq, 0, sizeof(rq));
	rq.id = h->t.id;
	return ask_target_status(&rq, rp);
}

static uint32_t get_status(struct dcom_call *c, const void *in, void *outv)
{
	struct svc_target_status_reply rp;
	uint32_t hr = ask_status(c, &rp);

	(void)in;
	if (hr == S_OK)
		((struct u16_param *)outv)->v = (uint16_t)rp.status;
	return hr;
}

static uint32_t get_last_login(struct dcom_call *c, const void *in, void *outv)
{
	struct svc_target_status_reply rp;
	uint32_t hr = ask_status(c, &rp);

	(void)in;
	if (hr == S_OK)
		((struct u64_param *)outv)->v = rp.last_login;
	return hr;
}

/* ---- identification methods ---- */

static uint32_t enum_ids(struct dcom_call *c, const void *in, void *outv)
{
	HOST_OR_FAIL(h);

	(void)in;
	return istm_enum_new(c, &istm_kind_ienumidmethod, h->t.id, 0, NULL,
			     &((struct mip_param *)outv)->mip);
}

static uint32_t change_id(struct dcom_call *c, const struct istm_id *id, uint32_t op)
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
		while (n < 512 && id->value[n])
			n++;
		memcpy(wide, id->value, n * 2);
		if (ndr_utf16_to_utf8(&c->arena, wide, n, &v) < 0 || strlen(v) >= sizeof(rq.value))
			return E_INVALIDARG;
		rq.method = id->method;
		snprintf(rq.value, sizeof(rq.value), "%s", v);
	}
	return ask_target_id(&rq);
}

static uint32_t add_id(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	return change_id(c, &((const struct id_param *)in)->id, SVC_TARGET_OP_ADD);
}

static uint32_t remove_id(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	return change_id(c, &((const struct id_param *)in)->id, SVC_TARGET_OP_REMOVE);
}

static uint32_t remove_all_ids(struct dcom_call *c, const void *in, void *out)
{
	(void)in;
	(void)out;
	return change_id(c, NULL, SVC_TARGET_OP_REMOVE_ALL);
}

/* ---- LUN mappings ---- */

static uint32_t enum_luns(struct dcom_call *c, const void *in, void *outv)
{
	HOST_OR_FAIL(h);

	(void)in;
	return istm_enum_new(c, &istm_kind_ienumwtdisklunmapping, h->t.id, 0, NULL,
			     &((struct mip_param *)outv)->mip);
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

static uint32_t add_disk(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	return change_lun(c, SVC_TARGET_OP_ADD, ((const struct u32_param *)in)->v, 0);
}

static uint32_t remove_disk(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	return change_lun(c, SVC_TARGET_OP_REMOVE, ((const struct u32_param *)in)->v, 0);
}

static uint32_t remove_all_disks(struct dcom_call *c, const void *in, void *out)
{
	(void)in;
	(void)out;
	return change_lun(c, SVC_TARGET_OP_REMOVE_ALL, 0, 0);
}

static uint32_t set_lun(struct dcom_call *c, const void *inv, void *out)
{
	const struct lun_in *in = inv;

	(void)out;
	return change_lun(c, SVC_TARGET_OP_SET_LUN, in->wtd, in->lun);
}

/* ---- portals: the ones tgtd listens on; tgt cannot bind a target to some
 * of them, so Add is not implemented and Remove changes nothing, as on
 * Windows (<38>..<40>) ---- */

static uint32_t enum_portals(struct dcom_call *c, const void *in, void *outv)
{
	HOST_OR_FAIL(h);

	(void)in;
	return istm_enum_new(c, &istm_kind_ienumportal, h->t.id, 0, NULL,
			     &((struct mip_param *)outv)->mip);
}

static uint32_t answer_ok(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return S_OK;
}

static uint32_t answer_false(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return S_FALSE;
}

/* ---- Save and the secret checks ---- */

static uint32_t save(struct dcom_call *c, const void *in, void *out)
{
	struct svc_target_save_req *rq;
	struct svc_target_reply *rp;
	uint32_t hr;
	HOST_OR_FAIL(h);

	(void)in;
	(void)out;
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
static uint32_t validate(struct dcom_call *c, const void *inv, bool reverse)
{
	const struct bstr_param *in = inv;
	size_t len;
	char *v;
	HOST_OR_FAIL(h);

	if (!in->s || ndr_bstr_to_utf8(&c->arena, in->s, &v) < 0)
		return E_INVALIDARG;
	len = strlen(v);
	if (len < SVC_TARGET_SECRET_MIN || len > SVC_TARGET_SECRET_MAX)
		return ERROR_BAD_LENGTH;
	if (strcmp(v, reverse ? h->t.chap_secret : h->t.rchap_secret) == 0)
		return ERROR_DUP_NAME;
	return S_OK;
}

static uint32_t validate_chap(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	return validate(c, in, false);
}

static uint32_t validate_rchap(struct dcom_call *c, const void *in, void *out)
{
	(void)out;
	return validate(c, in, true);
}

/* ---- IHost2, IHost3: a server outside an HA cluster ---- */

static uint32_t get_empty(struct dcom_call *c, const void *in, void *out)
{
	(void)in;
	return bstr_out(c, "", out);
}

static uint32_t put_resource_name(struct dcom_call *c, const void *inv, void *out)
{
	const struct bstr_param *in = inv;
	char *v;

	(void)out;
	if (!in->s || ndr_bstr_to_utf8(&c->arena, in->s, &v) < 0 || !v[0])
		return E_INVALIDARG;
	return ERROR_INVALID_FUNCTION;  /* no cluster resource to name */
}

static uint32_t not_clustered(struct dcom_call *c, const void *in, void *out)
{
	(void)c;
	(void)in;
	(void)out;
	return ERROR_INVALID_FUNCTION;
}

/* IEnumSession2 over this target's sessions (the sessions part's kind). */
static uint32_t enum_sessions(struct dcom_call *c, const void *in, void *outv)
{
	HOST_OR_FAIL(h);

	(void)in;
	return istm_enum_new(c, &istm_enum_sessions2, h->t.id, 0, NULL,
			     &((struct mip_param *)outv)->mip);
}

static uint32_t get_resource_state(struct dcom_call *c, const void *in, void *outv)
{
	(void)c;
	(void)in;
	((struct u32_param *)outv)->v = 0xffffffffu;  /* ClusterResourceStateUnknown (-1) */
	return S_OK;
}

/* Opnums 3..59. */
static const struct dcom_method ihost_methods[] = {
	{ "get_Guid", &ndr_t_no_params, &guid_t, get_guid },
	{ "get_Enable", &ndr_t_no_params, &bool_t, get_enable },
	{ "put_Enable", &bool_t, &ndr_t_no_params, put_enable },
	{ "get_Name", &ndr_t_no_params, &bstr_t, get_name },
	{ "put_Name", &bstr_t, &ndr_t_no_params, put_name },
	{ "get_Description", &ndr_t_no_params, &bstr_t, get_description },
	{ "put_Description", &bstr_t, &ndr_t_no_params, put_description },
	{ "get_TargetIQN", &ndr_t_no_params, &bstr_t, get_iqn },
	{ "put_TargetIQN", &bstr_t, &ndr_t_no_params, put_iqn },
	{ "get_Status", &ndr_t_no_params, &u16_t, get_status },
	{ "put_Status", &u16_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_LastLogIn", &ndr_t_no_params, &u64_t, get_last_login },
	{ "put_LastLogIn", &u64_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_EnableCHAP", &ndr_t_no_params, &bool_t, get_enable_chap },
	{ "put_EnableCHAP", &bool_t, &ndr_t_no_params, put_enable_chap },
	{ "get_CHAPUserName", &ndr_t_no_params, &bstr_t, get_chap_user },
	{ "put_CHAPUserName", &bstr_t, &ndr_t_no_params, put_chap_user },
	{ "get_CHAPSecret", &ndr_t_no_params, &bstr_t, get_chap_secret },
	{ "put_CHAPSecret", &bstr_t, &ndr_t_no_params, put_chap_secret },
	{ "get_EnableReverseCHAP", &ndr_t_no_params, &bool_t, get_enable_rchap },
	{ "put_EnableReverseCHAP", &bool_t, &ndr_t_no_params, put_enable_rchap },
	{ "get_ReverseCHAPUserName", &ndr_t_no_params, &bstr_t, get_rchap_user },
	{ "put_ReverseCHAPUserName", &bstr_t, &ndr_t_no_params, put_rchap_user },
	{ "get_ReverseCHAPSecret", &ndr_t_no_params, &bstr_t, get_rchap_secret },
	{ "put_ReverseCHAPSecret", &bstr_t, &ndr_t_no_params, put_rchap_secret },
	{ "get_TargetMaxRecvDataSegmentLength", &ndr_t_no_params, &u32_t, get_max_recv_dsl },
	{ "put_TargetMaxRecvDataSegmentLength", &u32_t, &ndr_t_no_params, put_max_recv_dsl },
	{ "get_TargetFirstBurstLength", &ndr_t_no_params, &u32_t, get_first_burst },
	{ "put_TargetFirstBurstLength", &u32_t, &ndr_t_no_params, put_first_burst },
	{ "get_TargetMaxBurstLength", &ndr_t_no_params, &u32_t, get_max_burst },
	{ "put_TargetMaxBurstLength", &u32_t, &ndr_t_no_params, put_max_burst },
	{ "get_NumRecvBuffers", &ndr_t_no_params, &u32_t, get_num_buffers },
	{ "put_NumRecvBuffers", &u32_t, &ndr_t_no_params, put_num_buffers },
	{ "get_EnforceIdleTimeoutDetection", &ndr_t_no_params, &bool_t, get_enforce_idle },
	{ "put_EnforceIdleTimeoutDetection", &bool_t, &ndr_t_no_params, put_enforce_idle },
	{ "get_ListenAllNetworkAdapters", &ndr_t_no_params, &bool_t, istm_not_implemented },
	{ "put_ListenAllNetworkAdapters", &bool_t, &ndr_t_no_params, istm_not_implemented },
	{ "get_Processor", &ndr_t_no_params, &u32_t, istm_not_implemented },
	{ "put_Processor", &u32_t, &ndr_t_no_params, istm_not_implemented },
	{ "EnumIDs", &ndr_t_no_params, &mip_t, enum_ids },
	{ "AddID", &id_param_t, &ndr_t_no_params, add_id },
	{ "RemoveID", &id_param_t, &ndr_t_no_params, remove_id },
	{ "RemoveAllIDs", &ndr_t_no_params, &ndr_t_no_params, remove_all_ids },
	{ "EnumWTDiskLunMappings", &ndr_t_no_params, &mip_t, enum_luns },
	{ "AddWTDisk", &u32_t, &ndr_t_no_params, add_disk },
	{ "RemoveWTDisk", &u32_t, &ndr_t_no_params, remove_disk },
	{ "RemoveAllWTDisks", &ndr_t_no_params, &ndr_t_no_params, remove_all_disks },
	{ "SetWTDiskLunMapping", &lun_in_t, &ndr_t_no_params, set_lun },
	{ "EnumPortals", &ndr_t_no_params, &mip_t, enum_portals },
	{ "AddPortal", &bstr_t, &ndr_t_no_params, istm_not_implemented },
	{ "RemovePortal", &bstr_t, &ndr_t_no_params, answer_ok },
	{ "RemoveAllPortals", &ndr_t_no_params, &ndr_t_no_params, answer_ok },
	{ "SetCHAPInfoByBlob", &blob_in_t, &ndr_t_no_params, istm_not_implemented },
	{ "Save", &ndr_t_no_params, &ndr_t_no_params, save },
	{ "ValidateChapSecret", &bstr_t, &ndr_t_no_params, validate_chap },
	{ "ValidateReverseChapSecret", &bstr_t, &ndr_t_no_params, validate_rchap },
	{ "CheckTargetRedirect", &bstr_t, &bstr_t, answer_false },
};

const struct dcom_iface istm_if_ihost = {
	.name = "IHost",
	.iid = NDR_GUID_INIT(0xb0076fec, 0xa921, 0x4034, 0xa8, 0xba, 0x09, 0x0b, 0xc6, 0xd0, 0x3b, 0xde),
	.target = DCOM_TARGET_OBJECT,
	.first_opnum = 3,
	.nmethods = NDR_COUNTOF(ihost_methods),
	.methods = ihost_methods,
};

/* Opnums 60..65. */
static const struct dcom_method ihost2_methods[] = {
	{ "get_ResourceName", &ndr_t_no_params, &bstr_t, get_empty },
	{ "put_ResourceName", &bstr_t, &ndr_t_no_params, put_resource_name },
	{ "get_ResourceGroupName", &ndr_t_no_params, &bstr_t, get_empty },
	{ "put_ResourceGroupName", &bstr_t, &ndr_t_no_params, istm_not_implemented },
	{ "SaveToStream", &mip_t, &ndr_t_no_params, not_clustered },
	{ "EnumSessions", &ndr_t_no_params, &mip_t, enum_sessions },
};

const struct dcom_iface istm_if_ihost2 = {
	.name = "IHost2",
	.iid = NDR_GUID_INIT(0xb4fa8e86, 0x2517, 0x4a88, 0xbd, 0x67, 0x75, 0x44, 0x72, 0x19, 0xee, 0xe4),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_ihost,
	.first_opnum = 60,
	.nmethods = NDR_COUNTOF(ihost2_methods),
	.methods = ihost2_methods,
};

/* Opnums 66..67. */
static const struct dcom_method ihost3_methods[] = {
	{ "get_ResourceState", &ndr_t_no_params, &u32_t, get_resource_state },
	{ "put_ResourceState", &u32_t, &ndr_t_no_params, istm_not_implemented },
};

const struct dcom_iface istm_if_ihost3 = {
	.name = "IHost3",
	.iid = NDR_GUID_INIT(0xfe7f99f9, 0x1dfb, 0x4afb, 0x9d, 0x00, 0x6a, 0x8d, 0xd0, 0xaa, 0xbf, 0x2c),
	.target = DCOM_TARGET_OBJECT,
	.base = &istm_if_ihost2,
	.first_opnum = 66,
	.nmethods = NDR_COUNTOF(ihost3_methods),
	.methods = ihost3_methods,
};
