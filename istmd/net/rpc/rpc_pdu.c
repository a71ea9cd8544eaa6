/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_pdu.c: decoding and encoding of connection-oriented DCE/RPC PDUs
 * ([C706] 12.6, [MS-RPCE] 2.2.2, 2.2.4).  Each fixed layout is a field
 * table run by rpc_codec.c; variable parts (context lists, result lists,
 * secondary address) are loops over those tables.  Only little-endian,
 * ASCII, IEEE data representations are accepted: istmd's peers are
 * Windows and impacket, and one representation is one code path to get
 * right.  Trade-off: PDUs are parsed in place (pointers into the receive
 * buffer), so a struct rpc_pdu lives no longer than its bytes. */
#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "rpc_int.h"

/* 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.0 ([C706] appendix I) */
const struct rpc_syntax rpc_ndr32_syntax = {
	{ 0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11,
	  0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 }, 2, 0
};
/* 71710533-beba-4937-8319-b5dbef9ccc36 ([MS-RPCE] 2.2.5.1) */
const uint8_t rpc_ndr64_uuid[16] = {
	0x33, 0x05, 0x71, 0x71, 0xba, 0xbe, 0x37, 0x49,
	0x83, 0x19, 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36
};
/* 6cb71c2c-9812-4540-XXXX-XXXXXXXXXXXX: bind time feature negotiation
 * ([MS-RPCE] 3.3.1.5.3); the last 8 bytes carry the feature bits. */
const uint8_t rpc_btfn_uuid_prefix[8] = { 0x2c, 0x1c, 0xb7, 0x6c, 0x12, 0x98, 0x40, 0x45 };

/* [C706] 12.6.3.1 common fields */
static const struct rpc_field hdr_fields[] = {
	{ "rpc_vers", offsetof(struct rpc_hdr, rpc_vers), RPC_F_U8 },
	{ "rpc_vers_minor", offsetof(struct rpc_hdr, rpc_vers_minor), RPC_F_U8 },
	{ "PTYPE", offsetof(struct rpc_hdr, ptype), RPC_F_U8 },
	{ "pfc_flags", offsetof(struct rpc_hdr, pfc_flags), RPC_F_U8 },
	{ "packed_drep", offsetof(struct rpc_hdr, drep), RPC_F_B4 },
	{ "frag_length", offsetof(struct rpc_hdr, frag_len), RPC_F_U16 },
	{ "auth_length", offsetof(struct rpc_hdr, auth_len), RPC_F_U16 },
	{ "call_id", offsetof(struct rpc_hdr, call_id), RPC_F_U32 },
};

/* [MS-RPCE] 2.2.2.11 sec_trailer */
static const struct rpc_field trailer_fields[] = {
	{ "auth_type", offsetof(struct rpc_sec_trailer, auth_type), RPC_F_U8 },
	{ "auth_level", offsetof(struct rpc_sec_trailer, auth_level), RPC_F_U8 },
	{ "auth_pad_length", offsetof(struct rpc_sec_trailer, auth_pad_len), RPC_F_U8 },
	{ "auth_reserved", offsetof(struct rpc_sec_trailer, auth_reserved), RPC_F_U8 },
	{ "auth_context_id", offsetof(struct rpc_sec_trailer, auth_ctx_id), RPC_F_U32 },
};

/* [C706] 12.6.3.1 p_syntax_id_t (version: major in the low 16 bits) */
static const struct rpc_field syntax_fields[] = {
	{ "if_uuid", offsetof(struct rpc_syntax, uuid), RPC_F_B16 },
	{ "if_vers_major", offsetof(struct rpc_syntax, vers_major), RPC_F_U16 },
	{ "if_vers_minor", offsetof(struct rpc_syntax, vers_minor), RPC_F_U16 },
};

/* [C706] 12.6.4.3 bind: the fixed part before p_context_elem */
static const struct rpc_field bind_fields[] = {
	{ "max_xmit_frag", offsetof(struct rpc_bind, max_xmit), RPC_F_U16 },
	{ "max_recv_frag", offsetof(struct rpc_bind, max_recv), RPC_F_U16 },
	{ "assoc_group_id", offsetof(struct rpc_bind, assoc_group), RPC_F_U32 },
};

/* [C706] 12.6.3.1 p_cont_elem_t, fixed part */
static const struct rpc_field ctx_item_fields[] = {
	{ "p_cont_id", offsetof(struct rpc_ctx_item, ctx_id), RPC_F_U16 },
	{ "n_transfer_syn", offsetof(struct rpc_ctx_item, n_transfer), RPC_F_U8 },
};

/* [C706] 12.6.4.9 request, fixed part */
static const struct rpc_field request_fields[] = {
	{ "alloc_hint", offsetof(struct rpc_request_hdr, alloc_hint), RPC_F_U32 },
	{ "p_cont_id", offsetof(struct rpc_request_hdr, ctx_id), RPC_F_U16 },
	{ "opnum", offsetof(struct rpc_request_hdr, opnum), RPC_F_U16 },
};

/* [C706] 12.6.3.1 p_result_t, fixed part */
static const struct rpc_field result_fields[] = {
	{ "result", offsetof(struct rpc_ctx_result, result), RPC_F_U16 },
	{ "reason", offsetof(struct rpc_ctx_result, reason), RPC_F_U16 },
};

int rpc_syntax_eq(const struct rpc_syntax *a, const struct rpc_syntax *b)
{
	return !memcmp(a->uuid, b->uuid, 16) && a->vers_major == b->vers_major &&
	       a->vers_minor == b->vers_minor;
}

int rpc_hdr_pull(const uint8_t *p, size_t len, struct rpc_hdr *h)
{
	struct rpc_cursor c;

	rpc_cursor_init(&c, p, len);
	return rpc_fields_pull(hdr_fields, RPC_NFIELDS(hdr_fields), &c, h);
}

int rpc_hdr_push(struct rpc_buf *b, const struct rpc_hdr *h)
{
	return rpc_fields_push(hdr_fields, RPC_NFIELDS(hdr_fields), b, h);
}

int rpc_pdu_parse(const uint8_t *p, size_t len, struct rpc_pdu *pdu)
{
	struct rpc_cursor c;

	memset(pdu, 0, sizeof(*pdu));
	RPC_CHECK(rpc_hdr_pull(p, len, &pdu->hdr));
	if (pdu->hdr.rpc_vers != 5 || pdu->hdr.rpc_vers_minor > 1)
		return -EPROTONOSUPPORT;
	/* integer little-endian, characters ASCII, floats IEEE */
	if (pdu->hdr.drep[0] != 0x10 || pdu->hdr.drep[1] != 0)
		return -EPROTONOSUPPORT;
	if (pdu->hdr.frag_len != len || len < RPC_HDR_LEN)
		return -EPROTO;
	pdu->raw = p;
	pdu->body_off = RPC_HDR_LEN;
	if (pdu->hdr.auth_len) {
		if (len < (size_t)RPC_HDR_LEN + RPC_TRAILER_LEN + pdu->hdr.auth_len)
			return -EPROTO;
		pdu->has_auth = 1;
		pdu->trailer_off = len - pdu->hdr.auth_len - RPC_TRAILER_LEN;
		/* [MS-RPCE] 2.2.2.11: the trailer is 4-byte aligned */
		if (pdu->trailer_off % 4)
			return -EPROTO;
		rpc_cursor_init(&c, p + pdu->trailer_off, RPC_TRAILER_LEN);
		RPC_CHECK(rpc_fields_pull(trailer_fields, RPC_NFIELDS(trailer_fields), &c, &pdu->auth));
		pdu->auth_value = p + pdu->trailer_off + RPC_TRAILER_LEN;
		pdu->body_len = pdu->trailer_off - RPC_HDR_LEN;
		if (pdu->auth.auth_pad_len > pdu->body_len)
			return -EPROTO;
	} else {
		pdu->body_len = len - RPC_HDR_LEN;
	}
	return 0;
}

int rpc_bind_parse(const uint8_t *body, size_t len, struct rpc_bind *b)
{
	struct rpc_cursor c;
	uint8_t n_ctx, u8;
	uint16_t u16;
	unsigned i, j;

	memset(b, 0, sizeof(*b));
	rpc_cursor_init(&c, body, len);
	RPC_CHECK(rpc_fields_pull(bind_fields, RPC_NFIELDS(bind_fields), &c, b));
	RPC_CHECK(rpc_pull_u8(&c, &n_ctx));
	RPC_CHECK(rpc_pull_u8(&c, &u8));        /* reserved */
	RPC_CHECK(rpc_pull_u16(&c, &u16));      /* reserved2 */
	if (n_ctx == 0)
		return -EPROTO;
	if (n_ctx > RPC_MAX_CTX_ITEMS)
		return -E2BIG;
	for (i = 0; i < n_ctx; i++) {
		struct rpc_ctx_item *it = &b->ctx[i];

		RPC_CHECK(rpc_fields_pull(ctx_item_fields, RPC_NFIELDS(ctx_item_fields), &c, it));
		RPC_CHECK(rpc_pull_u8(&c, &u8)); /* reserved */
		RPC_CHECK(rpc_fields_pull(syntax_fields, RPC_NFIELDS(syntax_fields), &c, &it->abstract));
		if (it->n_transfer == 0)
			return -EPROTO;
		if (it->n_transfer > RPC_MAX_TRANSFER)
			return -E2BIG;
		for (j = 0; j < it->n_transfer; j++)
			RPC_CHECK(rpc_fields_pull(syntax_fields, RPC_NFIELDS(syntax_fields), &c,
						  &it->transfer[j]));
	}
	b->n_ctx = n_ctx;
	return 0;
}

int rpc_request_parse(const struct rpc_pdu *pdu, struct rpc_request_hdr *rq,
		      const uint8_t **object, const uint8_t **stub, size_t *stub_len)
{
	struct rpc_cursor c;
	const uint8_t *p;

	rpc_cursor_init(&c, pdu->raw + pdu->body_off, pdu->body_len);
	RPC_CHECK(rpc_fields_pull(request_fields, RPC_NFIELDS(request_fields), &c, rq));
	*object = NULL;
	if (pdu->hdr.pfc_flags & RPC_PFC_OBJECT_UUID) {
		RPC_CHECK(rpc_pull_bytes(&c, 16, &p));
		*object = p;
	}
	*stub = c.p + c.off;
	*stub_len = c.len - c.off;
	return 0;
}

/* Start a PDU in OUT; frag_len and auth_len are patched by pdu_finish. */
static int pdu_start(struct rpc_buf *out, uint8_t ptype, uint8_t pfc, uint32_t call_id)
{
	struct rpc_hdr h = {
		.rpc_vers = 5, .rpc_vers_minor = 0, .ptype = ptype, .pfc_flags = pfc,
		.drep = { 0x10, 0, 0, 0 }, .call_id = call_id,
	};

	out->len = 0;
	return rpc_hdr_push(out, &h);
}

static int pdu_finish(struct rpc_buf *out, uint16_t auth_len)
{
	if (out->len > 0xffff)
		return -EMSGSIZE;
	rpc_put_le16(out->data + 8, (uint16_t)out->len);
	rpc_put_le16(out->data + 10, auth_len);
	return 0;
}

int rpc_bind_ack_build(struct rpc_buf *out, uint8_t ptype, uint8_t pfc_flags,
		       uint32_t call_id, uint16_t max_xmit, uint16_t max_recv,
		       uint32_t assoc_group, const char *sec_addr,
		       const struct rpc_ctx_result *res, unsigned n_res,
		       const struct rpc_sec_trailer *auth,
		       const uint8_t *auth_value, size_t auth_value_len)
{
	size_t alen = strlen(sec_addr) + 1;
	struct rpc_bind bh = { .max_xmit = max_xmit, .max_recv = max_recv,
			       .assoc_group = assoc_group };
	unsigned i;

	if (alen > 64 || auth_value_len > 0xffff || n_res > 255)
		return -EINVAL;
	RPC_CHECK(pdu_start(out, ptype, pfc_flags, call_id));
	RPC_CHECK(rpc_fields_push(bind_fields, RPC_NFIELDS(bind_fields), out, &bh));
	/* port_any_t sec_addr, then align the result list to 4 */
	RPC_CHECK(rpc_push_u16(out, (uint16_t)alen));
	RPC_CHECK(rpc_buf_append(out, sec_addr, alen));
	RPC_CHECK(rpc_push_zeros(out, (4 - out->len % 4) % 4));
	RPC_CHECK(rpc_push_u8(out, (uint8_t)n_res));
	RPC_CHECK(rpc_push_zeros(out, 3));
	for (i = 0; i < n_res; i++) {
		RPC_CHECK(rpc_fields_push(result_fields, RPC_NFIELDS(result_fields), out, &res[i]));
		RPC_CHECK(rpc_fields_push(syntax_fields, RPC_NFIELDS(syntax_fields), out,
					  &res[i].transfer));
	}
	if (auth) {
		RPC_CHECK(rpc_fields_push(trailer_fields, RPC_NFIELDS(trailer_fields), out, auth));
		RPC_CHECK(rpc_buf_append(out, auth_value, auth_value_len));
	}
	return pdu_finish(out, auth ? (uint16_t)auth_value_len : 0);
}

int rpc_bind_nak_build(struct rpc_buf *out, uint32_t call_id, uint16_t reason)
{
	RPC_CHECK(pdu_start(out, RPC_PT_BIND_NAK, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, call_id));
	RPC_CHECK(rpc_push_u16(out, reason));
	/* p_rt_versions_supported_t: one version, 5.0 */
	RPC_CHECK(rpc_push_u8(out, 1));
	RPC_CHECK(rpc_push_u8(out, 5));
	RPC_CHECK(rpc_push_u8(out, 0));
	RPC_CHECK(rpc_push_zeros(out, 3));
	return pdu_finish(out, 0);
}

int rpc_fault_build(struct rpc_buf *out, uint32_t call_id, uint16_t ctx_id,
		    uint32_t status, int did_not_execute)
{
	uint8_t pfc = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG;

	if (did_not_execute)
		pfc |= RPC_PFC_DID_NOT_EXECUTE;
	RPC_CHECK(pdu_start(out, RPC_PT_FAULT, pfc, call_id));
	RPC_CHECK(rpc_push_u32(out, 0));        /* alloc_hint */
	RPC_CHECK(rpc_push_u16(out, ctx_id));   /* p_cont_id */
	RPC_CHECK(rpc_push_u8(out, 0));         /* cancel_count */
	RPC_CHECK(rpc_push_u8(out, 0));         /* reserved */
	RPC_CHECK(rpc_push_u32(out, status));
	RPC_CHECK(rpc_push_u32(out, 0));        /* reserved */
	return pdu_finish(out, 0);
}

int rpc_trailer_push(struct rpc_buf *b, const struct rpc_sec_trailer *t)
{
	return rpc_fields_push(trailer_fields, RPC_NFIELDS(trailer_fields), b, t);
}
