/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* objref.c: the byte formats DCOM puts inside opaque blobs: OBJREF_STANDARD
 * ([MS-DCOM] 2.2.18.4) with its raw DUALSTRINGARRAY (2.2.19), and the
 * string/security bindings a client uses to reach the exporter.
 *
 * These are not NDR (an OBJREF is an MInterfacePointer's byte array), so
 * they are written with plain little-endian appenders, and the OBJREFs
 * clients send (IStatusNotify pointers) are read with a bounds-checked
 * cursor; only the standard form is accepted (a handler, custom or
 * extended OBJREF names no endpoint istmd could call).
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dcom/dcom_int.h"

#define OBJREF_SIGNATURE   0x574f454du  /* "MEOW" */
#define OBJREF_STANDARD    0x1u
#define TOWER_NCACN_IP_TCP 0x07u
#define RPC_C_AUTHN_GSS_NEGOTIATE 9u
#define RPC_C_AUTHN_WINNT  10u
#define RPC_C_AUTHN_GSS_KERBEROS 16u
#define AUTHZ_NONE_DEFAULT 0xffffu      /* "use the default" */

int dcom_put16(struct rpc_buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	return rpc_buf_append(b, x, 2);
}

int dcom_put32(struct rpc_buf *b, uint32_t v)
{
	NDR_CHECK(dcom_put16(b, (uint16_t)v));
	return dcom_put16(b, (uint16_t)(v >> 16));
}

int dcom_put64(struct rpc_buf *b, uint64_t v)
{
	NDR_CHECK(dcom_put32(b, (uint32_t)v));
	return dcom_put32(b, (uint32_t)(v >> 32));
}

int dcom_dsa_build(struct ndr_arena *a, const char *addr, uint16_t port, struct dcom_dsa *out)
{
	char binding[300];
	uint16_t *w;
	size_t n = 0, i, len;
	int k;

	if (port)
		k = snprintf(binding, sizeof(binding), "%s[%u]", addr, port);
	else
		k = snprintf(binding, sizeof(binding), "%s", addr);
	if (k < 0 || (size_t)k >= sizeof(binding))
		return -ENAMETOOLONG;
	len = (size_t)k;
	/* tower id, the ASCII binding as wide chars, NUL, NUL (end of string
	 * bindings); then per security provider we accept, authn service,
	 * authz service, empty principal NUL; NUL (end of security bindings).
	 * Windows picks its provider from this list ([MS-DCOM] 3.2.4.1.1.2):
	 * Negotiate first, as Windows servers list it; Kerberos when the
	 * parent has a keytab. */
	w = ndr_arena_array(a, len + 13, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w[n++] = TOWER_NCACN_IP_TCP;
	for (i = 0; i < len; i++)
		w[n++] = (uint8_t)binding[i];
	w[n++] = 0;
	w[n++] = 0;
	out->security_offset = (uint16_t)n;
	w[n++] = RPC_C_AUTHN_GSS_NEGOTIATE;
	w[n++] = AUTHZ_NONE_DEFAULT;
	w[n++] = 0;
	w[n++] = RPC_C_AUTHN_WINNT;
	w[n++] = AUTHZ_NONE_DEFAULT;
	w[n++] = 0;
	if (dcom_cfg.info.kerberos) {
		w[n++] = RPC_C_AUTHN_GSS_KERBEROS;
		w[n++] = AUTHZ_NONE_DEFAULT;
		w[n++] = 0;
	}
	w[n++] = 0;
	out->num_entries = (uint16_t)n;
	out->strings = w;
	return 0;
}

int dcom_objref_standard(struct ndr_arena *a, const struct ndr_guid *iid,
			 const struct dcom_stdobjref *std, const struct dcom_dsa *dsa,
			 struct ndr_blob **out)
{
	struct rpc_buf b = { 0 };
	struct ndr_blob *blob;
	uint16_t i;
	int rc = 0;

	rc = rc ? rc : dcom_put32(&b, OBJREF_SIGNATURE);
	rc = rc ? rc : dcom_put32(&b, OBJREF_STANDARD);
	rc = rc ? rc : rpc_buf_append(&b, iid->b, 16);
	rc = rc ? rc : dcom_put32(&b, std->flags);
	rc = rc ? rc : dcom_put32(&b, std->public_refs);
	rc = rc ? rc : dcom_put64(&b, std->oxid);
	rc = rc ? rc : dcom_put64(&b, std->oid);
	rc = rc ? rc : rpc_buf_append(&b, std->ipid.b, 16);
	rc = rc ? rc : dcom_put16(&b, dsa->num_entries);
	rc = rc ? rc : dcom_put16(&b, dsa->security_offset);
	for (i = 0; rc == 0 && i < dsa->num_entries; i++)
		rc = dcom_put16(&b, dsa->strings[i]);
	if (rc == 0) {
		blob = ndr_arena_zalloc(a, sizeof(*blob));
		if (blob)
			blob->data = ndr_arena_zalloc(a, b.len);
		if (!blob || !blob->data) {
			rc = -ENOMEM;
		} else {
			memcpy(blob->data, b.data, b.len);
			blob->len = (uint32_t)b.len;
			*out = blob;
		}
	}
	rpc_buf_release(&b);
	return rc;
}

static uint16_t le16_at(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32_at(const uint8_t *p)
{
	return le16_at(p) | (uint32_t)le16_at(p + 2) << 16;
}

/* One string binding's address at W[*I..]: wide characters up to a NUL,
 * kept when it is printable ASCII of a sane length.  -EINVAL: no NUL
 * before END. */
static int binding_take(const uint8_t *w, size_t end, size_t *i, char *out, size_t cap, int *ok)
{
	size_t n = 0;
	uint16_t ch;

	*ok = 1;
	for (;;) {
		if (*i >= end)
			return -EINVAL;
		ch = le16_at(w + 2 * *i);
		(*i)++;
		if (ch == 0)
			break;
		if (ch < 0x21 || ch > 0x7e || n + 1 >= cap)
			*ok = 0;
		else
			out[n++] = (char)ch;
	}
	out[n] = 0;
	if (n == 0)
		*ok = 0;
	return 0;
}

int dcom_objref_parse(const struct ndr_blob *mip, struct dcom_objref_in *out)
{
	/* signature, flags, iid, STDOBJREF (40), wNumEntries, wSecurityOffset */
	enum { HEAD = 4 + 4 + 16 + 40 + 4 };
	const uint8_t *p, *w;
	uint16_t n_entries, sec_off, tower = 1;
	size_t i = 0;
	int ok;

	memset(out, 0, sizeof(*out));
	if (!mip || !mip->data || mip->len < HEAD)
		return -EINVAL;
	p = mip->data;
	if (le32_at(p) != OBJREF_SIGNATURE || le32_at(p + 4) != OBJREF_STANDARD)
		return -EINVAL;
	memcpy(out->iid.b, p + 8, 16);
	out->std.flags = le32_at(p + 24);
	out->std.public_refs = le32_at(p + 28);
	out->std.oxid = le32_at(p + 32) | (uint64_t)le32_at(p + 36) << 32;
	out->std.oid = le32_at(p + 40) | (uint64_t)le32_at(p + 44) << 32;
	memcpy(out->std.ipid.b, p + 48, 16);
	n_entries = le16_at(p + 64);
	sec_off = le16_at(p + 66);
	/* the DUALSTRINGARRAY is the rest of the OBJREF, exactly */
	if ((size_t)mip->len - HEAD != 2u * n_entries || sec_off > n_entries || sec_off < 2)
		return -EINVAL;
	w = p + HEAD;
	/* string bindings: {wTowerId, address NUL} ... then an empty one */
	while (i < sec_off) {
		tower = le16_at(w + 2 * i++);
		if (tower == 0)
			break;
		if (out->n_tcp < DCOM_OBJREF_TCP_MAX) {
			if (binding_take(w, sec_off, &i, out->tcp[out->n_tcp], DCOM_OBJREF_TCP_LEN,
					 &ok) < 0)
				return -EINVAL;
			if (ok && tower == TOWER_NCACN_IP_TCP)
				out->n_tcp++;
		} else {
			char skip[DCOM_OBJREF_TCP_LEN];

			if (binding_take(w, sec_off, &i, skip, sizeof(skip), &ok) < 0)
				return -EINVAL;
		}
	}
	if (i != sec_off || tower != 0)
		return -EINVAL;
	return out->n_tcp ? 0 : -EINVAL;
}
