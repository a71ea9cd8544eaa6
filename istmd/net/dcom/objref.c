/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* objref.c: the byte formats DCOM puts inside opaque blobs: OBJREF_STANDARD
 * ([MS-DCOM] 2.2.18.4) with its raw DUALSTRINGARRAY (2.2.19), and the
 * string/security bindings a client uses to reach the exporter.
 *
 * These are not NDR (an OBJREF is an MInterfacePointer's byte array), so
 * they are written with plain little-endian appenders.
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
