/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* spnego.c: DER reader and writer for the SPNEGO tokens of spnego.h.
 * The reader takes one TLV at a time from a bounded cursor: single-byte
 * tags only, definite lengths of at most four bytes in their shortest
 * form, contents never past the enclosing value, and nothing may follow the
 * outermost value.  Fields of a SEQUENCE must come in tag order, each at
 * most once.  Trade-off: strict DER rejects a BER-speaking client; every
 * SPNEGO implementation we know (Windows, MIT, Heimdal, Samba) sends DER. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "spnego.h"

static const uint8_t oid_spnego[] = { 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02 };
static const struct {
	enum spnego_mech mech;
	uint8_t len;
	uint8_t der[10];
} mech_oids[] = {
	{ SPNEGO_MECH_NTLM, 10, { 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a } },
	{ SPNEGO_MECH_KRB5, 9, { 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02 } },
	{ SPNEGO_MECH_MS_KRB5, 9, { 0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02 } },
};

#define TAG_OCTETS   0x04
#define TAG_OID      0x06
#define TAG_ENUM     0x0a
#define TAG_BITS     0x03
#define TAG_SEQ      0x30
#define TAG_APP0     0x60
#define TAG_CTX(n)   (0xa0 + (n))

struct der {
	const uint8_t *p;            /* bytes */
	size_t len;                  /* how many */
	size_t off;                  /* next to read */
};

/* Read one TLV; its contents are *V, *VLEN long. */
static int der_next(struct der *d, uint8_t *tag, const uint8_t **v, size_t *vlen)
{
	size_t left = d->len - d->off, n, i, l = 0;
	const uint8_t *p = d->p + d->off;

	if (left < 2 || (p[0] & 0x1f) == 0x1f)
		return -EBADMSG;
	*tag = p[0];
	if (p[1] < 0x80) {
		l = p[1];
		n = 2;
	} else {
		size_t k = p[1] & 0x7f;

		if (k == 0 || k > 4 || left < 2 + k || p[2] == 0)
			return -EBADMSG;     /* indefinite, too long, not minimal */
		for (i = 0; i < k; i++)
			l = l << 8 | p[2 + i];
		if (l < 0x80)
			return -EBADMSG;     /* long form for a short length */
		n = 2 + k;
	}
	if (l > left - n)
		return -EBADMSG;
	*v = p + n;
	*vlen = l;
	d->off += n + l;
	return 0;
}

/* Read one TLV that must have tag TAG and open a cursor on its contents. */
static int der_enter(struct der *d, uint8_t tag, struct der *in)
{
	const uint8_t *v;
	size_t vlen;
	uint8_t t;

	if (der_next(d, &t, &v, &vlen) < 0 || t != tag)
		return -EBADMSG;
	*in = (struct der){ v, vlen, 0 };
	return 0;
}

static int der_done(const struct der *d)
{
	return d->off == d->len;
}

/* An OCTET STRING wrapped in context tag [N]. */
static int der_ctx_octets(struct der *field, const uint8_t **v, size_t *vlen)
{
	uint8_t t;

	if (der_next(field, &t, v, vlen) < 0 || t != TAG_OCTETS || !der_done(field))
		return -EBADMSG;
	return 0;
}

static enum spnego_mech mech_of(const uint8_t *oid, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(mech_oids) / sizeof(mech_oids[0]); i++)
		if (len == mech_oids[i].len && !memcmp(oid, mech_oids[i].der, len))
			return mech_oids[i].mech;
	return SPNEGO_MECH_OTHER;
}

/* Check that an OID's contents are well formed (subidentifiers end with
 * a byte below 0x80 and have no leading 0x80 padding). */
static int oid_valid(const uint8_t *oid, size_t len)
{
	size_t i;
	int start = 1;

	if (len == 0 || (oid[len - 1] & 0x80))
		return 0;
	for (i = 0; i < len; i++) {
		if (start && oid[i] == 0x80)
			return 0;
		start = !(oid[i] & 0x80);
	}
	return 1;
}

int spnego_is_init(const uint8_t *p, size_t len)
{
	return len >= 2 && p[0] == TAG_APP0;
}

static int mech_list_parse(struct der *field, struct spnego_init *out)
{
	struct der seq;
	const uint8_t *v;
	size_t vlen;
	uint8_t t;

	out->mech_list = field->p + field->off;
	if (der_enter(field, TAG_SEQ, &seq) < 0 || !der_done(field))
		return -EBADMSG;
	out->mech_list_len = field->off - (size_t)(out->mech_list - field->p);
	while (!der_done(&seq)) {
		if (der_next(&seq, &t, &v, &vlen) < 0 || t != TAG_OID || !oid_valid(v, vlen))
			return -EBADMSG;
		if (out->n_mechs == SPNEGO_MAX_MECHS)
			return -E2BIG;
		out->mechs[out->n_mechs++] = mech_of(v, vlen);
	}
	return out->n_mechs ? 0 : -EBADMSG;
}

int spnego_init_parse(const uint8_t *p, size_t len, struct spnego_init *out)
{
	struct der top = { p, len, 0 }, app, choice, seq, field;
	const uint8_t *v;
	size_t vlen;
	uint8_t t;
	int last = -1, rc;

	memset(out, 0, sizeof(*out));
	if (der_enter(&top, TAG_APP0, &app) < 0 || !der_done(&top) ||
	    der_next(&app, &t, &v, &vlen) < 0 || t != TAG_OID ||
	    vlen != sizeof(oid_spnego) || memcmp(v, oid_spnego, vlen) ||
	    der_enter(&app, TAG_CTX(0), &choice) < 0 || !der_done(&app) ||
	    der_enter(&choice, TAG_SEQ, &seq) < 0 || !der_done(&choice))
		return -EBADMSG;
	while (!der_done(&seq)) {
		if (der_next(&seq, &t, &v, &vlen) < 0 || t < TAG_CTX(0) || t > TAG_CTX(4) ||
		    (int)(t - TAG_CTX(0)) <= last)
			return -EBADMSG;
		last = t - TAG_CTX(0);
		field = (struct der){ v, vlen, 0 };
		switch (last) {
		case 0:                  /* mechTypes */
			if ((rc = mech_list_parse(&field, out)) < 0)
				return rc;
			break;
		case 1:                  /* reqFlags: ignored, but must be a BIT STRING */
			if (der_next(&field, &t, &v, &vlen) < 0 || t != TAG_BITS || !der_done(&field))
				return -EBADMSG;
			break;
		case 2:                  /* mechToken */
			if (der_ctx_octets(&field, &out->token, &out->token_len) < 0)
				return -EBADMSG;
			break;
		case 3:                  /* mechListMIC */
			if (der_ctx_octets(&field, &out->mic, &out->mic_len) < 0)
				return -EBADMSG;
			break;
		default:                 /* [4]: NegTokenInit2's negHints: not from a client */
			return -EBADMSG;
		}
	}
	return out->n_mechs ? 0 : -EBADMSG;
}

int spnego_resp_parse(const uint8_t *p, size_t len, struct spnego_resp *out)
{
	struct der top = { p, len, 0 }, choice, seq, field;
	const uint8_t *v;
	size_t vlen;
	uint8_t t;
	int last = -1;

	memset(out, 0, sizeof(*out));
	out->state = SPNEGO_STATE_ABSENT;
	if (der_enter(&top, TAG_CTX(1), &choice) < 0 || !der_done(&top) ||
	    der_enter(&choice, TAG_SEQ, &seq) < 0 || !der_done(&choice))
		return -EBADMSG;
	while (!der_done(&seq)) {
		if (der_next(&seq, &t, &v, &vlen) < 0 || t < TAG_CTX(0) || t > TAG_CTX(3) ||
		    (int)(t - TAG_CTX(0)) <= last)
			return -EBADMSG;
		last = t - TAG_CTX(0);
		field = (struct der){ v, vlen, 0 };
		switch (last) {
		case 0:                  /* negState ENUMERATED, 0..3 */
			if (der_next(&field, &t, &v, &vlen) < 0 || t != TAG_ENUM || vlen != 1 ||
			    v[0] > SPNEGO_REQUEST_MIC || !der_done(&field))
				return -EBADMSG;
			out->state = v[0];
			break;
		case 1:                  /* supportedMech */
			if (der_next(&field, &t, &v, &vlen) < 0 || t != TAG_OID ||
			    !oid_valid(v, vlen) || !der_done(&field))
				return -EBADMSG;
			out->has_mech = 1;
			out->mech = mech_of(v, vlen);
			break;
		case 2:                  /* responseToken */
			if (der_ctx_octets(&field, &out->token, &out->token_len) < 0)
				return -EBADMSG;
			break;
		default:                 /* mechListMIC */
			if (der_ctx_octets(&field, &out->mic, &out->mic_len) < 0)
				return -EBADMSG;
			break;
		}
	}
	return 0;
}

/* ---- writer ---- */

static int push_len(struct rpc_buf *b, size_t n)
{
	uint8_t l[5];
	size_t k = 0;

	if (n < 0x80) {
		l[k++] = (uint8_t)n;
	} else if (n < 0x100) {
		l[k++] = 0x81;
		l[k++] = (uint8_t)n;
	} else if (n < 0x10000) {
		l[k++] = 0x82;
		l[k++] = (uint8_t)(n >> 8);
		l[k++] = (uint8_t)n;
	} else if (n < 0x1000000) {
		l[k++] = 0x83;
		l[k++] = (uint8_t)(n >> 16);
		l[k++] = (uint8_t)(n >> 8);
		l[k++] = (uint8_t)n;
	} else {
		return -E2BIG;
	}
	return rpc_buf_append(b, l, k);
}

static int push_tlv(struct rpc_buf *b, uint8_t tag, const void *v, size_t n)
{
	int rc = rpc_buf_append(b, &tag, 1);

	if (rc == 0)
		rc = push_len(b, n);
	if (rc == 0 && n)
		rc = rpc_buf_append(b, v, n);
	return rc;
}

/* [N] { OCTET STRING v } */
static int push_ctx_octets(struct rpc_buf *b, uint8_t n, const uint8_t *v, size_t len)
{
	struct rpc_buf in = { 0 };
	int rc = push_tlv(&in, TAG_OCTETS, v, len);

	if (rc == 0)
		rc = push_tlv(b, TAG_CTX(n), in.data, in.len);
	rpc_buf_release(&in);
	return rc;
}

int spnego_resp_build(struct rpc_buf *out, enum spnego_state state, enum spnego_mech mech,
		      const uint8_t *token, size_t token_len,
		      const uint8_t *mic, size_t mic_len)
{
	struct rpc_buf seq = { 0 }, body = { 0 };
	uint8_t st[3] = { TAG_ENUM, 1, (uint8_t)state };
	size_t i;
	int rc = push_tlv(&seq, TAG_CTX(0), st, sizeof(st));

	for (i = 0; rc == 0 && mech != SPNEGO_MECH_OTHER &&
		    i < sizeof(mech_oids) / sizeof(mech_oids[0]); i++) {
		uint8_t oid[12];

		if (mech_oids[i].mech != mech)
			continue;
		oid[0] = TAG_OID;
		oid[1] = mech_oids[i].len;
		memcpy(oid + 2, mech_oids[i].der, mech_oids[i].len);
		rc = push_tlv(&seq, TAG_CTX(1), oid, 2u + mech_oids[i].len);
	}
	if (rc == 0 && token)
		rc = push_ctx_octets(&seq, 2, token, token_len);
	if (rc == 0 && mic)
		rc = push_ctx_octets(&seq, 3, mic, mic_len);
	if (rc == 0)
		rc = push_tlv(&body, TAG_SEQ, seq.data, seq.len);
	if (rc == 0)
		rc = push_tlv(out, TAG_CTX(1), body.data, body.len);
	rpc_buf_release(&seq);
	rpc_buf_release(&body);
	return rc;
}
