/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_conn.c: one DCE/RPC connection as a state machine over bytes: bytes
 * in (rpc_conn_feed), bytes out (rpc_conn_output), no sockets here, so the
 * fuzz harness and unit tests drive it directly.
 *
 * Security policy (documented in istmd(8)):
 *  - security providers (rpc_auth.h): NTLMSSP (10), Negotiate (9, SPNEGO
 *    carrying NTLM or Kerberos) and Kerberos (16); a context is set up by
 *    bind + auth3 (NTLM, Kerberos) or bind + alter_context (SPNEGO, whose
 *    last leg wants an answer); a failed alter_context leg faults with
 *    access denied and closes.  The verifier's length is the provider's
 *    (16 bytes for NTLM, 28 or 60 for Kerberos with AES).
 *  - every request must carry a verifier at PKT_INTEGRITY or
 *    PKT_PRIVACY on an established security context; a request without
 *    one (auth level none or connect), on a context whose authentication
 *    failed (unknown user, wrong password, NTLMv1, anonymous) gets a fault
 *    with status 5 (access denied, PFC_DID_NOT_EXECUTE) and the connection
 *    is closed.  Binds themselves are accepted so that the refusal comes
 *    as a fault the client can report, as Windows' RPC runtime does for
 *    interfaces registered secure-only; a bind naming another security
 *    provider or SPNEGO mechanism list we do not serve gets bind_nak
 *    "authentication type not recognized".
 *  - a bad signature or an out-of-order/replayed sequence number gets a
 *    fault with RPC_S_SEC_PKG_ERROR and the connection is closed (the
 *    RC4 stream cannot be resynchronised).
 *  - faults are sent without a verifier: impacket raises on a fault before
 *    it looks at the verifier, so a sealed fault would desynchronise its
 *    RC4 stream for the calls that follow (interop quirk).
 *  - NTLM signs the whole PDU (header, body, trailer) in both directions,
 *    whether or not the client set PFC_SUPPORT_HEADER_SIGN ([MS-RPCE]
 *    2.2.2.11 and 3.3.1.5.2.2 for NTLM); Kerberos signs header and trailer
 *    only when the client's first bind set it (we echo it); stubs are
 *    padded to 16 bytes.
 *  - a second bind on a bound connection is an alter_context ([MS-RPCE]
 *    3.3.1.5.3 adds presentation contexts to the association; fragment
 *    sizes and the association group stay those of the first bind), since
 *    impacket re-binds the activator for each activation; a NEGOTIATE on
 *    an auth_context_id in use restarts that security context from
 *    nothing (no request passes until its new AUTHENTICATE verifies).
 *  - call ids are checked within a call (all fragments of one request
 *    carry its call id); across calls impacket reuses ids after
 *    alter_context, so no ordering is imposed between calls.
 *
 * Trade-off: one call at a time per connection (no concurrent multiplex),
 * which is what DCOM clients do over one connection. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "proto/ask.h"
#include "ntlmssp.h"
#include "rpc_auth.h"
#include "rpc_int.h"

struct rpc_pres_ctx {
	uint16_t id;                 /* p_cont_id chosen by the client */
	uint16_t vers_minor;         /* minor version the client bound */
	struct rpc_syntax abstract;  /* the abstract syntax as bound (verification trailer) */
	const struct rpc_iface *iface; /* registered interface */
};

struct rpc_sec_ctx {
	uint32_t auth_ctx_id;        /* key: the sec_trailer's auth_context_id */
	uint8_t auth_level;          /* level asked for at bind/alter_context */
	enum rpc_sec_state state;    /* CHALLENGED -> ESTABLISHED or FAILED */
	struct rpc_auth auth;        /* provider state, keys, user */
};

struct rpc_conn {
	uint64_t id;                 /* unique for the process */
	char local_addr[64];         /* address the client dialled */
	uint16_t local_port;         /* port the client dialled */
	struct rpc_buf in;           /* received bytes not yet processed */
	struct rpc_buf out;          /* bytes to send */
	size_t out_off;              /* bytes of OUT already sent */
	int bound;                   /* bind accepted: association exists */
	int hdr_sign;                /* the first bind asked for header signing (Kerberos) */
	int closing;                 /* send what is queued, then close */
	uint16_t max_xmit;           /* largest fragment we send */
	uint16_t max_recv;           /* largest fragment we accept */
	uint32_t assoc_group;        /* association group id */
	unsigned n_pres;             /* used entries of pres[] */
	struct rpc_pres_ctx pres[RPC_MAX_PRES_CTX]; /* presentation contexts */
	unsigned n_sec;              /* used entries of sec[] */
	struct rpc_sec_ctx sec[RPC_MAX_SEC_CTX]; /* security contexts */
	int in_call;                 /* a request is being reassembled */
	uint32_t call_id;            /* its call id */
	uint16_t call_ctx_id;        /* its presentation context */
	uint16_t call_opnum;         /* its opnum */
	uint8_t call_drep[4];        /* its data representation */
	int call_has_object;         /* PFC_OBJECT_UUID was set */
	uint8_t call_object[16];     /* the object UUID (IPID) */
	uint32_t call_auth_ctx_id;   /* security context of its fragments */
	struct rpc_buf call_stub;    /* reassembled, decrypted stub */
	struct rpc_buf scratch;      /* PDU being built */
	struct timespec bind_time;   /* when the first bind arrived */
	int answered;                /* a response has been sent */
};

static uint32_t next_assoc_group = 0x1234; /* assoc group ids we hand out */

void rpc_conn_set_names(const struct ntlmssp_names *n)
{
	rpc_auth_names = n;
}

struct rpc_conn *rpc_conn_new(uint64_t id, const char *local_addr, uint16_t local_port)
{
	struct rpc_conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->id = id;
	snprintf(c->local_addr, sizeof(c->local_addr), "%s", local_addr);
	c->local_port = local_port;
	c->max_xmit = RPC_OUR_MAX_FRAG;
	c->max_recv = RPC_OUR_MAX_FRAG;
	return c;
}

void rpc_conn_free(struct rpc_conn *c)
{
	if (!c)
		return;
	rpc_notify_conn_closed(c->id);
	rpc_buf_release(&c->in);
	rpc_buf_release(&c->out);
	rpc_buf_release(&c->call_stub);
	rpc_buf_release(&c->scratch);
	for (unsigned i = 0; i < c->n_sec; i++)
		rpc_auth_clear(&c->sec[i].auth); /* keys, Kerberos contexts */
	free(c);
}

int rpc_conn_closing(const struct rpc_conn *c)
{
	return c->closing;
}

int rpc_conn_output(struct rpc_conn *c, const uint8_t **data, size_t *len)
{
	*len = c->out.len - c->out_off;
	*data = *len ? c->out.data + c->out_off : NULL;
	return *len > 0;
}

void rpc_conn_consumed(struct rpc_conn *c, size_t n)
{
	c->out_off += n;
	if (c->out_off == c->out.len)
		c->out.len = c->out_off = 0;
}

static int queue_scratch(struct rpc_conn *c)
{
	return rpc_buf_append(&c->out, c->scratch.data, c->scratch.len);
}

/* Refuse and close: a fault for CALL_ID, then nothing more is read. */
static void fault_close(struct rpc_conn *c, uint32_t call_id, uint32_t status)
{
	if (rpc_fault_build(&c->scratch, call_id, 0, status, 1) == 0)
		queue_scratch(c);
	c->closing = 1;
	c->in_call = 0;
}

static void nak_close(struct rpc_conn *c, uint32_t call_id, uint16_t reason)
{
	if (rpc_bind_nak_build(&c->scratch, call_id, reason) == 0)
		queue_scratch(c);
	c->closing = 1;
}

static struct rpc_sec_ctx *sec_find(struct rpc_conn *c, uint32_t auth_ctx_id)
{
	unsigned i;

	for (i = 0; i < c->n_sec; i++)
		if (c->sec[i].auth_ctx_id == auth_ctx_id)
			return &c->sec[i];
	return NULL;
}

static struct rpc_pres_ctx *pres_find(struct rpc_conn *c, uint16_t id)
{
	unsigned i;

	for (i = 0; i < c->n_pres; i++)
		if (c->pres[i].id == id)
			return &c->pres[i];
	return NULL;
}

/* Decide one p_cont_elem_t of a bind or alter_context. */
static void bind_item(struct rpc_conn *c, const struct rpc_ctx_item *it, struct rpc_ctx_result *r)
{
	const struct rpc_iface *iface;
	struct rpc_pres_ctx *p;
	unsigned j;

	memset(r, 0, sizeof(*r));
	if (!memcmp(it->transfer[0].uuid, rpc_btfn_uuid_prefix, 8)) {
		/* [MS-RPCE] 3.3.1.5.3: answer with the features we support of
		 * those offered: security context multiplexing (0x1: several
		 * security contexts per connection, RPC_MAX_SEC_CTX) and keeping
		 * the connection on an orphaned call (0x2: an orphaned PDU only
		 * drops the call being received). */
		r->result = RPC_RESULT_NEGOTIATE_ACK;
		r->reason = it->transfer[0].uuid[8] & 0x03;
		return;
	}
	r->result = RPC_RESULT_PROVIDER_REJ;
	iface = rpc_iface_find(it->abstract.uuid, it->abstract.vers_major);
	if (!iface) {
		r->reason = RPC_REASON_ABSTRACT_NOT_SUPPORTED;
		return;
	}
	for (j = 0; j < it->n_transfer; j++)
		if (rpc_syntax_eq(&it->transfer[j], &rpc_ndr32_syntax))
			break;
	if (j == it->n_transfer) {
		/* NDR64 (or anything else) alone: refused for this context */
		r->reason = RPC_REASON_TRANSFER_NOT_SUPPORTED;
		return;
	}
	p = pres_find(c, it->ctx_id);
	if (p && p->iface != iface) {
		r->reason = 0; /* a context id is bound once */
		return;
	}
	if (!p) {
		if (c->n_pres == RPC_MAX_PRES_CTX) {
			r->reason = RPC_REASON_LOCAL_LIMIT;
			return;
		}
		p = &c->pres[c->n_pres++];
		p->id = it->ctx_id;
		p->iface = iface;
	}
	p->vers_minor = it->abstract.vers_minor;
	p->abstract = it->abstract;
	r->result = RPC_RESULT_ACCEPT;
	r->reason = 0;
	r->transfer = rpc_ndr32_syntax;
}

static void established(struct rpc_conn *c, struct rpc_sec_ctx *sec)
{
	sec->state = RPC_SEC_ESTABLISHED;
	log_debug("connection %llu: '%s' authenticated (context %u, provider %u, level %u)",
		  (unsigned long long)c->id, sec->auth.user, sec->auth_ctx_id,
		  sec->auth.auth_type, sec->auth_level);
}

static void handle_bind(struct rpc_conn *c, const struct rpc_pdu *pdu)
{
	int alter = pdu->hdr.ptype == RPC_PT_ALTER;
	uint32_t call_id = pdu->hdr.call_id;
	struct rpc_ctx_result res[RPC_MAX_CTX_ITEMS];
	struct rpc_buf tok = { 0 };
	struct rpc_sec_trailer tr;
	struct rpc_sec_ctx *sec = NULL;
	struct rpc_bind b;
	char port[8];
	unsigned i;
	int rc;

	/* A bind on a bound connection is taken as an alter_context: impacket's
	 * DCOMConnection binds the activator again, same context ids, for
	 * every CoCreateInstanceEx.  Neither may arrive mid-call: the call's
	 * fragments must all be checked under one security context. */
	if ((alter && !c->bound) || c->in_call ||
	    (pdu->hdr.pfc_flags & (RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG)) !=
		    (RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG)) {
		log_debug("connection %llu: refused bind in this state", (unsigned long long)c->id);
		if (alter)
			fault_close(c, call_id, NCA_S_PROTO_ERROR);
		else
			nak_close(c, call_id, RPC_NAK_NOT_SPECIFIED);
		return;
	}
	rc = rpc_bind_parse(pdu->raw + pdu->body_off, pdu->body_len, &b);
	if (rc < 0) {
		log_debug("connection %llu: malformed bind", (unsigned long long)c->id);
		if (alter)
			fault_close(c, call_id, NCA_S_PROTO_ERROR);
		else
			nak_close(c, call_id, rc == -E2BIG ? RPC_NAK_LOCAL_LIMIT : RPC_NAK_NOT_SPECIFIED);
		return;
	}
	if (!c->bound) {
		if (b.max_recv < RPC_MIN_FRAG || b.max_xmit < RPC_MIN_FRAG) {
			nak_close(c, call_id, RPC_NAK_LOCAL_LIMIT);
			return;
		}
		c->max_xmit = b.max_recv < RPC_OUR_MAX_FRAG ? b.max_recv : RPC_OUR_MAX_FRAG;
		c->max_recv = b.max_xmit < RPC_OUR_MAX_FRAG ? b.max_xmit : RPC_OUR_MAX_FRAG;
		c->assoc_group = b.assoc_group ? b.assoc_group : next_assoc_group++;
		c->bound = 1;
		c->hdr_sign = !!(pdu->hdr.pfc_flags & RPC_PFC_SUPPORT_HDR_SIGN);
		clock_gettime(CLOCK_MONOTONIC, &c->bind_time);
	}
	if (pdu->has_auth) {
		sec = sec_find(c, pdu->auth.auth_ctx_id);
		if (alter && sec && sec->state == RPC_SEC_CHALLENGED) {
			/* the next leg of a context being established (SPNEGO's
			 * AUTHENTICATE + mechListMIC, which wants an answer) */
			if (pdu->auth.auth_type != sec->auth.auth_type ||
			    pdu->auth.auth_level != sec->auth_level) {
				sec->state = RPC_SEC_FAILED;
				fault_close(c, call_id, NCA_S_FAULT_ACCESS_DENIED);
				return;
			}
			rc = rpc_auth_next(&sec->auth, pdu->auth_value, pdu->hdr.auth_len, &tok);
			if (rc < 0) {
				log_info("connection %llu: authentication refused (context %u)",
					 (unsigned long long)c->id, sec->auth_ctx_id);
				sec->state = RPC_SEC_FAILED;
				rpc_buf_release(&tok);
				fault_close(c, call_id, NCA_S_FAULT_ACCESS_DENIED);
				return;
			}
			if (rc == RPC_AUTH_DONE)
				established(c, sec);
		} else {
			/* A first token, or one for a context id already in use, which
			 * starts that context over (impacket's re-bind reuses its
			 * auth_context_id): the old keys are wiped and nothing is
			 * accepted on it until the new exchange completes, whoever it
			 * names. */
			if (!sec && c->n_sec == RPC_MAX_SEC_CTX) {
				if (alter)
					fault_close(c, call_id, NCA_S_PROTO_ERROR);
				else
					nak_close(c, call_id, RPC_NAK_LOCAL_LIMIT);
				return;
			}
			if (!sec)
				sec = &c->sec[c->n_sec++];
			rpc_auth_clear(&sec->auth);
			memset(sec, 0, sizeof(*sec));
			sec->auth_ctx_id = pdu->auth.auth_ctx_id;
			sec->auth_level = pdu->auth.auth_level;
			sec->state = RPC_SEC_FAILED;
			rc = rpc_auth_start(&sec->auth, pdu->auth.auth_type, pdu->auth_value,
					    pdu->hdr.auth_len, &tok);
			if (rc < 0) {
				rpc_buf_release(&tok);
				log_info("connection %llu: refused security provider %u",
					 (unsigned long long)c->id, pdu->auth.auth_type);
				if (alter)
					fault_close(c, call_id, NCA_S_FAULT_ACCESS_DENIED);
				else
					nak_close(c, call_id, rc == -ENOMEM || rc == -EIO ?
						  RPC_NAK_NOT_SPECIFIED : RPC_NAK_AUTH_TYPE);
				return;
			}
			sec->state = RPC_SEC_CHALLENGED;
		}
	}
	for (i = 0; i < b.n_ctx; i++)
		bind_item(c, &b.ctx[i], &res[i]);
	snprintf(port, sizeof(port), "%u", c->local_port);
	tr = (struct rpc_sec_trailer){ sec ? sec->auth.auth_type : 0, sec ? sec->auth_level : 0,
				      0, 0, sec ? sec->auth_ctx_id : 0 };
	rc = rpc_bind_ack_build(&c->scratch, alter ? RPC_PT_ALTER_RESP : RPC_PT_BIND_ACK,
				RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG |
				(pdu->hdr.pfc_flags & RPC_PFC_SUPPORT_HDR_SIGN),
				call_id, c->max_xmit, c->max_recv, c->assoc_group, port,
				res, b.n_ctx, sec && tok.len ? &tr : NULL, tok.data, tok.len);
	rpc_buf_release(&tok);
	if (rc < 0 || queue_scratch(c) < 0)
		c->closing = 1;
}

static void handle_auth3(struct rpc_conn *c, const struct rpc_pdu *pdu)
{
	struct rpc_buf tok = { 0 };
	struct rpc_sec_ctx *sec;
	int rc;

	if (!pdu->has_auth || !(sec = sec_find(c, pdu->auth.auth_ctx_id)) ||
	    sec->state != RPC_SEC_CHALLENGED) {
		c->closing = 1; /* auth3 has no reply: protocol error ends it */
		return;
	}
	sec->state = RPC_SEC_FAILED;
	if (pdu->auth.auth_type != sec->auth.auth_type || pdu->auth.auth_level != sec->auth_level) {
		log_info("connection %llu: auth3 does not match its context", (unsigned long long)c->id);
		return;
	}
	/* auth3 carries no answer: a leg that wants one (CONTINUE) fails */
	rc = rpc_auth_next(&sec->auth, pdu->auth_value, pdu->hdr.auth_len, &tok);
	rpc_buf_release(&tok);
	if (rc == RPC_AUTH_DONE)
		established(c, sec);
}

/* Append a response PDU per fragment of OUT_STUB, signed and sealed. */
static int send_response(struct rpc_conn *c, struct rpc_sec_ctx *sec, const struct rpc_buf *stub)
{
	size_t vlen = rpc_auth_verifier_len(&sec->auth, sec->auth_level, c->hdr_sign, 16);
	size_t room = (size_t)c->max_xmit - 24 - RPC_TRAILER_LEN - vlen;
	size_t chunk = room & ~(size_t)15, off = 0, total = stub->len;

	if (vlen == 0 || vlen > RPC_AUTH_MAX_VERIFIER)
		return -EIO;
	do {
		size_t n = total - off < chunk ? total - off : chunk;
		size_t pad = (16 - n % 16) % 16, start = c->out.len, body;
		uint8_t pfc = (off == 0 ? RPC_PFC_FIRST_FRAG : 0) |
			      (off + n == total ? RPC_PFC_LAST_FRAG : 0);
		struct rpc_sec_trailer tr = { sec->auth.auth_type, sec->auth_level, (uint8_t)pad, 0,
					      sec->auth_ctx_id };
		struct rpc_hdr h = { 5, 0, RPC_PT_RESPONSE, pfc, { 0x10, 0, 0, 0 },
				     (uint16_t)(24 + n + pad + RPC_TRAILER_LEN + vlen),
				     (uint16_t)vlen, c->call_id };
		struct iovec pre, post;
		uint8_t *pdu;

		RPC_CHECK(rpc_hdr_push(&c->out, &h));
		RPC_CHECK(rpc_push_u32(&c->out, (uint32_t)(total - off))); /* alloc_hint */
		RPC_CHECK(rpc_push_u16(&c->out, c->call_ctx_id));
		RPC_CHECK(rpc_push_u8(&c->out, 0));                 /* cancel_count */
		RPC_CHECK(rpc_push_u8(&c->out, 0));                 /* reserved */
		if (n)
			RPC_CHECK(rpc_buf_append(&c->out, stub->data + off, n));
		RPC_CHECK(rpc_push_zeros(&c->out, pad));
		RPC_CHECK(rpc_trailer_push(&c->out, &tr));
		RPC_CHECK(rpc_push_zeros(&c->out, vlen));
		pdu = c->out.data + start;
		body = n + pad;
		pre = (struct iovec){ pdu, 24 };
		post = (struct iovec){ pdu + 24 + body, RPC_TRAILER_LEN };
		RPC_CHECK(rpc_auth_protect(&sec->auth, sec->auth_level, c->hdr_sign, &pre, pdu + 24,
					   body, &post, pdu + 24 + body + RPC_TRAILER_LEN, vlen));
		off += n;
	} while (off < total);
	return 0;
}

static void dispatch(struct rpc_conn *c, struct rpc_sec_ctx *sec)
{
	struct rpc_pres_ctx *p = pres_find(c, c->call_ctx_id);
	struct rpc_buf out = { 0 };
	struct rpc_vtrailer_call vt;
	struct rpc_call_ctx call;
	uint32_t status;

	c->in_call = 0;
	if (!p) {
		if (rpc_fault_build(&c->scratch, c->call_id, c->call_ctx_id, NCA_S_UNK_IF, 1) == 0)
			queue_scratch(c);
		return;
	}
	vt = (struct rpc_vtrailer_call){ &p->abstract, c->call_drep, c->call_id, c->call_ctx_id,
					 c->call_opnum };
	if (rpc_vtrailer_strip(c->call_stub.data, &c->call_stub.len, &vt) < 0) {
		log_info("connection %llu: verification trailer does not match the call",
			 (unsigned long long)c->id);
		if (rpc_fault_build(&c->scratch, c->call_id, c->call_ctx_id,
				    NCA_S_FAULT_ACCESS_DENIED, 1) == 0)
			queue_scratch(c);
		c->call_stub.len = 0;
		return;
	}
	call = (struct rpc_call_ctx){
		.if_uuid = p->iface->uuid, .if_vers_major = p->iface->vers_major,
		.if_vers_minor = p->vers_minor, .opnum = c->call_opnum,
		.object = c->call_has_object ? c->call_object : NULL,
		.stub = c->call_stub.data, .stub_len = c->call_stub.len,
		.auth_level = sec->auth_level, .user = sec->auth.user,
		.local_addr = c->local_addr, .local_port = c->local_port, .conn_id = c->id,
	};
	status = p->iface->handler(&call, &out);
	if (status == 0 && send_response(c, sec, &out) < 0) {
		log_warnx("connection %llu: response too large", (unsigned long long)c->id);
		status = NCA_S_PROTO_ERROR;
	}
	if (status == 0 && !c->answered) {
		/* the handshake's cost as the server sees it (tests/bench) */
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		log_debug("connection %llu: first answer %ld us after the bind (provider %u)",
			  (unsigned long long)c->id,
			  (long)((now.tv_sec - c->bind_time.tv_sec) * 1000000L +
				 (now.tv_nsec - c->bind_time.tv_nsec) / 1000L),
			  sec->auth.auth_type);
		c->answered = 1;
	}
	if (status) {
		if (rpc_fault_build(&c->scratch, c->call_id, c->call_ctx_id, status,
				    status == NCA_S_OP_RNG_ERROR || status == NCA_S_UNK_IF ||
				    status == NCA_S_FAULT_ACCESS_DENIED) == 0)
			queue_scratch(c);
	}
	rpc_buf_release(&out);
	c->call_stub.len = 0;
}

static void handle_request(struct rpc_conn *c, const struct rpc_pdu *pdu)
{
	uint32_t call_id = pdu->hdr.call_id;
	int first = pdu->hdr.pfc_flags & RPC_PFC_FIRST_FRAG;
	struct rpc_request_hdr rq;
	const uint8_t *object, *stub;
	struct rpc_sec_ctx *sec;
	size_t stub_len, start;
	struct iovec pre, post;
	uint8_t *mine;

	if (!c->bound || rpc_request_parse(pdu, &rq, &object, &stub, &stub_len) < 0) {
		fault_close(c, call_id, NCA_S_PROTO_ERROR);
		return;
	}
	if (first ? c->in_call : (!c->in_call || call_id != c->call_id)) {
		fault_close(c, call_id, NCA_S_PROTO_ERROR);
		return;
	}
	if (!pdu->has_auth) {
		log_info("connection %llu: refused unauthenticated request", (unsigned long long)c->id);
		fault_close(c, call_id, NCA_S_FAULT_ACCESS_DENIED);
		return;
	}
	sec = sec_find(c, pdu->auth.auth_ctx_id);
	if (!sec || sec->state != RPC_SEC_ESTABLISHED || pdu->auth.auth_type != sec->auth.auth_type ||
	    pdu->auth.auth_level != sec->auth_level ||
	    sec->auth_level < RPC_AUTHN_LEVEL_PKT_INTEGRITY) {
		log_info("connection %llu: refused request without an authenticated context "
			 "at integrity or privacy", (unsigned long long)c->id);
		fault_close(c, call_id, NCA_S_FAULT_ACCESS_DENIED);
		return;
	}
	if (pdu->hdr.auth_len > RPC_AUTH_MAX_VERIFIER || pdu->auth.auth_pad_len > stub_len ||
	    (!first && pdu->auth.auth_ctx_id != c->call_auth_ctx_id)) {
		fault_close(c, call_id, NCA_S_PROTO_ERROR);
		return;
	}
	if (first) {
		c->in_call = 1;
		c->call_id = call_id;
		c->call_ctx_id = rq.ctx_id;
		c->call_opnum = rq.opnum;
		memcpy(c->call_drep, pdu->hdr.drep, 4);
		c->call_has_object = object != NULL;
		if (object)
			memcpy(c->call_object, object, 16);
		c->call_auth_ctx_id = pdu->auth.auth_ctx_id;
		c->call_stub.len = 0;
	}
	if (c->call_stub.len + stub_len > RPC_MAX_STUB) {
		log_info("connection %llu: request larger than %u bytes refused",
			 (unsigned long long)c->id, RPC_MAX_STUB);
		fault_close(c, call_id, NCA_S_PROTO_ERROR);
		return;
	}
	start = c->call_stub.len;
	/* reserve one more byte so an empty stub still has a buffer */
	if (rpc_buf_reserve(&c->call_stub, stub_len + 1) < 0 ||
	    rpc_buf_append(&c->call_stub, stub, stub_len) < 0) {
		fault_close(c, call_id, NCA_S_PROTO_ERROR);
		return;
	}
	mine = c->call_stub.data + start;
	pre = (struct iovec){ (void *)pdu->raw, (size_t)(stub - pdu->raw) };
	post = (struct iovec){ (void *)(pdu->raw + pdu->trailer_off), RPC_TRAILER_LEN };
	if (rpc_auth_unprotect(&sec->auth, sec->auth_level, c->hdr_sign, &pre, mine, stub_len,
			       &post, pdu->auth_value, pdu->hdr.auth_len) < 0) {
		log_info("connection %llu: bad signature or sequence number from '%s'",
			 (unsigned long long)c->id, sec->auth.user);
		sec->state = RPC_SEC_FAILED;
		fault_close(c, call_id, RPC_S_SEC_PKG_ERROR);
		return;
	}
	c->call_stub.len = start + stub_len - pdu->auth.auth_pad_len;
	if (pdu->hdr.pfc_flags & RPC_PFC_LAST_FRAG)
		dispatch(c, sec);
}

static void handle_pdu(struct rpc_conn *c, const struct rpc_pdu *pdu)
{
	switch (pdu->hdr.ptype) {
	case RPC_PT_BIND:
	case RPC_PT_ALTER:
		handle_bind(c, pdu);
		break;
	case RPC_PT_AUTH3:
		handle_auth3(c, pdu);
		break;
	case RPC_PT_REQUEST:
		handle_request(c, pdu);
		break;
	case RPC_PT_CO_CANCEL:
	case RPC_PT_ORPHANED:
		/* the client gave up on the call being received */
		if (c->in_call && c->call_id == pdu->hdr.call_id) {
			c->in_call = 0;
			c->call_stub.len = 0;
		}
		break;
	default:
		fault_close(c, pdu->hdr.call_id, NCA_S_PROTO_ERROR);
		break;
	}
}

int rpc_conn_feed(struct rpc_conn *c, const uint8_t *data, size_t len)
{
	size_t off = 0;

	if (c->closing)
		return 0;
	RPC_CHECK(rpc_buf_append(&c->in, data, len));
	while (!c->closing && c->in.len - off >= RPC_HDR_LEN) {
		const uint8_t *p = c->in.data + off;
		uint16_t frag_len = rpc_le16(p + 8);
		struct rpc_pdu pdu;
		int rc;

		if (p[0] != 5 || p[4] != 0x10 || frag_len < RPC_HDR_LEN ||
		    frag_len > (c->bound ? c->max_recv : RPC_OUR_MAX_FRAG)) {
			/* not a PDU we can even delimit: say so and stop */
			fault_close(c, rpc_le32(p + 12), NCA_S_PROTO_ERROR);
			break;
		}
		if (c->in.len - off < frag_len)
			break;
		rc = rpc_pdu_parse(p, frag_len, &pdu);
		if (rc < 0)
			fault_close(c, pdu.hdr.call_id, NCA_S_PROTO_ERROR);
		else
			handle_pdu(c, &pdu);
		off += frag_len;
	}
	if (off) {
		memmove(c->in.data, c->in.data + off, c->in.len - off);
		c->in.len -= off;
	}
	return 0;
}
