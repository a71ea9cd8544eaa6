/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* callout.c: a small connection-oriented DCE/RPC client over the codecs of
 * net/rpc/ ([C706] 12.6: bind, request, response), used for the two calls
 * a notification takes: IObjectExporter::ResolveOxid2 at the resolver the
 * OBJREF names, then IStatusNotify::LunListChanged / LunStatusUpdate at
 * the endpoint it returns, with ORPCTHIS and the IPID as object UUID.
 *
 * Also the pings that keep the client's object alive while it is
 * registered: IObjectExporter::ComplexPing adding the OID to a new set,
 * then SimplePing of that set ([MS-DCOM] 3.2.6.1, 3.1.2.5.1.2-3).
 *
 * Security: with a callback account (struct ntlm_creds), the IStatusNotify
 * call binds with NTLMSSP (net/rpc/ntlmssp_client.c) at packet privacy:
 * bind carries NEGOTIATE, bind_ack CHALLENGE, auth3 AUTHENTICATE, and the
 * request and response are sealed and signed by rpc_auth_protect /
 * rpc_auth_unprotect, the server's own code.  Without one, or when the
 * client's exporter lists no security binding (it takes no
 * authentication), the call is unauthenticated (auth level none).  The resolver calls (ResolveOxid2,
 * the pings) are unauthenticated either way, as the resolver serves them
 * to anyone ([MS-DCOM] 3.1.2.5.1: the OXID resolver's calls need no
 * security).
 *
 * Trade-offs: one connection per call, closed after it (notifications are
 * rare; nothing is cached that a client restart could make stale); one
 * fragment per request (the stubs are under 100 bytes); numeric addresses
 * only (the notifier is chrooted without a resolver).  Every read and
 * write is bounded by one deadline per call, so a client that accepts and
 * never answers costs NOTIFY_CALL_TIMEOUT_MS and no more. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/now.h"
#include "notify/callout.h"
#include "rpc/rpc_auth.h"
#include "rpc/rpc_int.h"

#define OR_PORT 135u                 /* the resolver when a binding names no port */
#define TOWER_NCACN_IP_TCP 7u
#define OPNUM_SIMPLE_PING 1u
#define OPNUM_COMPLEX_PING 2u
#define OPNUM_RESOLVE_OXID2 4u
#define OR_INVALID_SET 1915u         /* [MS-DCOM] 2.2.28: the resolver forgot the set */
#define MAX_RESPONSE 65536u          /* a resolver's or a callback's answer */

/* IObjectExporter 99fcfec4-5260-101b-bbcb-00aa0021347a v0.0 */
static const struct rpc_syntax if_exporter = {
	{ 0xc4, 0xfe, 0xfc, 0x99, 0x60, 0x52, 0x1b, 0x10,
	  0xbb, 0xcb, 0x00, 0xaa, 0x00, 0x21, 0x34, 0x7a }, 0, 0 };
/* IStatusNotify 312cc019-d5cd-4ca7-8c10-9e0a661f147e v0.0 */
static const struct rpc_syntax if_status_notify = {
	{ 0x19, 0xc0, 0x2c, 0x31, 0xcd, 0xd5, 0xa7, 0x4c,
	  0x8c, 0x10, 0x9e, 0x0a, 0x66, 0x1f, 0x14, 0x7e }, 0, 0 };

struct conn {
	int fd;                      /* the connection */
	uint64_t deadline;           /* now_ms() after which everything fails */
	uint32_t call_id;            /* last call id used */
	const struct ntlm_creds *creds; /* NTLM at privacy, or NULL: unauthenticated */
	struct rpc_auth auth;        /* the NTLM session once bound */
};

static int wait_fd(struct conn *c, short events)
{
	struct pollfd p = { c->fd, events, 0 };
	uint64_t now = now_ms();
	int rc;

	if (now >= c->deadline)
		return -ETIMEDOUT;
	rc = poll(&p, 1, (int)(c->deadline - now));
	if (rc < 0)
		return -errno;
	return rc == 0 ? -ETIMEDOUT : 0;
}

/* "address" or "address[port]": connect, non-blocking, within the deadline. */
static int conn_open(struct conn *c, const char *binding)
{
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV,
				  .ai_socktype = SOCK_STREAM };
	char host[NOTIFY_BINDING_LEN], port[8];
	struct addrinfo *ai;
	const char *br;
	size_t hl;
	int err, rc;
	socklen_t el = sizeof(err);

	br = strrchr(binding, '[');
	if (br && binding[strlen(binding) - 1] == ']') {
		hl = (size_t)(br - binding);
		if (strlen(br) - 2 >= sizeof(port) || strlen(br) < 3)
			return -EINVAL;
		memcpy(port, br + 1, strlen(br) - 2);
		port[strlen(br) - 2] = 0;
	} else {
		hl = strlen(binding);
		snprintf(port, sizeof(port), "%u", OR_PORT);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -EINVAL;
	memcpy(host, binding, hl);
	host[hl] = 0;
	if (getaddrinfo(host, port, &hints, &ai) != 0)
		return -EINVAL;               /* a name, or not an address */
	c->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (c->fd < 0) {
		rc = -errno;
		freeaddrinfo(ai);
		return rc;
	}
	rc = connect(c->fd, ai->ai_addr, ai->ai_addrlen) < 0 ? -errno : 0;
	freeaddrinfo(ai);
	if (rc == -EINPROGRESS) {
		if ((rc = wait_fd(c, POLLOUT)) == 0 &&
		    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) == 0)
			rc = -err;
	}
	if (rc < 0) {
		close(c->fd);
		c->fd = -1;
	}
	return rc;
}

static int send_all(struct conn *c, const uint8_t *p, size_t n)
{
	ssize_t w;
	int rc;

	while (n) {
		w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((rc = wait_fd(c, POLLOUT)) < 0)
				return rc;
			continue;
		}
		if (w <= 0)
			return w < 0 ? -errno : -EPIPE;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int recv_all(struct conn *c, uint8_t *p, size_t n)
{
	ssize_t r;
	int rc;

	while (n) {
		r = recv(c->fd, p, n, 0);
		if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
			if ((rc = wait_fd(c, POLLIN)) < 0)
				return rc;
			continue;
		}
		if (r <= 0)
			return r < 0 ? -errno : -ECONNRESET;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One PDU into BUF (CAP bytes); parsed into PDU. */
static int recv_pdu(struct conn *c, uint8_t *buf, size_t cap, struct rpc_pdu *pdu)
{
	uint16_t frag_len;

	RPC_CHECK(recv_all(c, buf, RPC_HDR_LEN));
	frag_len = rpc_le16(buf + 8);
	if (frag_len < RPC_HDR_LEN || frag_len > cap)
		return -EPROTO;
	RPC_CHECK(recv_all(c, buf + RPC_HDR_LEN, frag_len - RPC_HDR_LEN));
	RPC_CHECK(rpc_pdu_parse(buf, frag_len, pdu));
	return rpc_le32(buf + 12) == c->call_id ? 0 : -EPROTO;
}

/* Fill in frag_len once the PDU in B is complete. */
static void finish_pdu(struct rpc_buf *b)
{
	rpc_put_le16(b->data + 8, (uint16_t)b->len);
}

static int push_hdr(struct rpc_buf *b, uint8_t ptype, uint8_t flags, uint32_t call_id)
{
	struct rpc_hdr h = { 5, 0, ptype, flags, { 0x10, 0, 0, 0 }, 0, 0, call_id };

	return rpc_hdr_push(b, &h);
}

static int push_syntax(struct rpc_buf *b, const struct rpc_syntax *s)
{
	RPC_CHECK(rpc_buf_append(b, s->uuid, 16));
	RPC_CHECK(rpc_push_u16(b, s->vers_major));
	return rpc_push_u16(b, s->vers_minor);
}

/* The bind_ack's CHALLENGE answered with auth3 AUTHENTICATE; the session
 * in C->auth then signs and seals.  A server that refuses the account
 * says so only when the request comes (a fault): auth3 has no answer. */
static int authenticate(struct conn *c, const struct rpc_pdu *ack, const struct rpc_buf *neg)
{
	const struct rpc_sec_trailer trailer = { RPC_AUTHN_WINNT, RPC_AUTHN_LEVEL_PKT_PRIVACY,
						 0, 0, 0 };
	struct ntlmssp_challenge_msg chal;
	struct rpc_buf b = { 0 };
	uint8_t cc[8], key[16];
	size_t at;
	int rc;

	if (!ack->has_auth || ack->auth.auth_type != RPC_AUTHN_WINNT ||
	    ntlmssp_challenge_parse(ack->auth_value, ack->hdr.auth_len, &chal) < 0)
		return -EPROTO;
	/* packet privacy needs both; a server that will not seal is not called */
	if (!(chal.flags & NTLMSSP_NEGOTIATE_SEAL) || !(chal.flags & NTLMSSP_NEGOTIATE_SIGN))
		return -EPROTONOSUPPORT;
	if (getrandom(cc, sizeof(cc), 0) != sizeof(cc) ||
	    getrandom(key, sizeof(key), 0) != sizeof(key))
		return -EIO;
	memset(&c->auth, 0, sizeof(c->auth));
	c->auth.auth_type = RPC_AUTHN_WINNT;
	rc = push_hdr(&b, RPC_PT_AUTH3, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, c->call_id);
	rc = rc ? rc : rpc_push_u32(&b, 0);          /* rpc_auth_3's pad */
	at = b.len;
	rc = rc ? rc : rpc_trailer_push(&b, &trailer);
	rc = rc ? rc : ntlmssp_authenticate_build(&b, c->creds, neg->data, neg->len, &chal, cc,
						  ntlmssp_filetime_now(), key, &c->auth.sess);
	explicit_bzero(key, sizeof(key));
	if (rc == 0) {
		rpc_put_le16(b.data + 10, (uint16_t)(b.len - at - RPC_TRAILER_LEN));
		finish_pdu(&b);
		rc = send_all(c, b.data, b.len);
	}
	rpc_buf_release(&b);
	if (rc == 0)
		c->auth.phase = RPC_AUTH_COMPLETE;
	return rc;
}

/* Bind one presentation context (id 0) of ABSTRACT over NDR32. */
static int rpc_bind_to(struct conn *c, const struct rpc_syntax *abstract)
{
	const struct rpc_sec_trailer trailer = { RPC_AUTHN_WINNT, RPC_AUTHN_LEVEL_PKT_PRIVACY,
						 0, 0, 0 };
	struct rpc_buf b = { 0 }, neg = { 0 };
	uint8_t buf[1024];
	struct rpc_pdu pdu;
	struct rpc_cursor cur;
	uint16_t sec_len, result;
	const uint8_t *skip;
	uint8_t n_results;
	int rc;

	c->call_id++;
	rc = push_hdr(&b, RPC_PT_BIND, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, c->call_id);
	rc = rc ? rc : rpc_push_u16(&b, RPC_OUR_MAX_FRAG);
	rc = rc ? rc : rpc_push_u16(&b, RPC_OUR_MAX_FRAG);
	rc = rc ? rc : rpc_push_u32(&b, 0);          /* new association group */
	rc = rc ? rc : rpc_push_u32(&b, 1);          /* one item, three reserved bytes */
	rc = rc ? rc : rpc_push_u16(&b, 0);          /* p_cont_id */
	rc = rc ? rc : rpc_push_u16(&b, 1);          /* one transfer syntax, reserved */
	rc = rc ? rc : push_syntax(&b, abstract);
	rc = rc ? rc : push_syntax(&b, &rpc_ndr32_syntax);
	if (rc == 0 && c->creds) {
		size_t at = b.len;

		/* the NEGOTIATE is kept: the AUTHENTICATE's MIC covers it */
		rc = rpc_trailer_push(&b, &trailer);
		rc = rc ? rc : ntlmssp_negotiate_build(&neg);
		rc = rc ? rc : rpc_buf_append(&b, neg.data, neg.len);
		if (rc == 0)
			rpc_put_le16(b.data + 10, (uint16_t)(b.len - at - RPC_TRAILER_LEN));
	}
	if (rc == 0) {
		finish_pdu(&b);
		rc = send_all(c, b.data, b.len);
	}
	rpc_buf_release(&b);
	rc = rc ? rc : recv_pdu(c, buf, sizeof(buf), &pdu);
	if (rc == 0 && pdu.hdr.ptype != RPC_PT_BIND_ACK)
		rc = -ECONNREFUSED;
	if (rc == 0 && c->creds)
		rc = authenticate(c, &pdu, &neg);
	rpc_buf_release(&neg);
	RPC_CHECK(rc);
	/* max_xmit, max_recv, assoc_group, sec_addr, pad to 4, results */
	rpc_cursor_init(&cur, buf + pdu.body_off, pdu.body_len);
	RPC_CHECK(rpc_pull_bytes(&cur, 8, &skip));
	RPC_CHECK(rpc_pull_u16(&cur, &sec_len));
	RPC_CHECK(rpc_pull_bytes(&cur, sec_len, &skip));
	if (cur.off % 4)
		RPC_CHECK(rpc_pull_bytes(&cur, 4 - cur.off % 4, &skip));
	RPC_CHECK(rpc_pull_u8(&cur, &n_results));
	RPC_CHECK(rpc_pull_bytes(&cur, 3, &skip));
	RPC_CHECK(rpc_pull_u16(&cur, &result));
	return n_results >= 1 && result == RPC_RESULT_ACCEPT ? 0 : -ECONNREFUSED;
}

/* Pad the stub in B (which starts at STUB_OFF) to 16 bytes, add the
 * sec_trailer and the verifier, fill in the lengths, then seal the stub
 * and sign the PDU ([MS-RPCE] 2.2.2.11, 3.3.1.5.2.2). */
static int seal_request(struct conn *c, struct rpc_buf *b, size_t stub_off)
{
	size_t pad = (16 - (b->len - stub_off) % 16) % 16, body, trailer_at;
	struct rpc_sec_trailer t = { RPC_AUTHN_WINNT, RPC_AUTHN_LEVEL_PKT_PRIVACY, (uint8_t)pad,
				     0, 0 };
	struct iovec pre, post;

	RPC_CHECK(rpc_push_zeros(b, pad));
	trailer_at = b->len;
	body = trailer_at - stub_off;
	RPC_CHECK(rpc_trailer_push(b, &t));
	RPC_CHECK(rpc_push_zeros(b, RPC_SIG_LEN));
	if (b->len > 0xffff)
		return -EMSGSIZE;
	rpc_put_le16(b->data + 10, RPC_SIG_LEN);
	finish_pdu(b);
	pre = (struct iovec){ b->data, stub_off };
	post = (struct iovec){ b->data + trailer_at, RPC_TRAILER_LEN };
	return rpc_auth_protect(&c->auth, RPC_AUTHN_LEVEL_PKT_PRIVACY, 0, &pre, b->data + stub_off,
				body, &post, b->data + trailer_at + RPC_TRAILER_LEN, RPC_SIG_LEN);
}

/* Unseal and check a response in BUF (PDU parsed from it) when the call
 * is authenticated: a response that is not sealed, or does not check,
 * is -EACCES (nothing of it is used). */
static int open_response(struct conn *c, uint8_t *buf, const struct rpc_pdu *pdu)
{
	struct iovec pre, post;

	if (!c->creds)
		return 0;
	if (!pdu->has_auth || pdu->auth.auth_type != RPC_AUTHN_WINNT ||
	    pdu->auth.auth_level != RPC_AUTHN_LEVEL_PKT_PRIVACY || pdu->body_len < 8 ||
	    pdu->auth.auth_pad_len > pdu->body_len - 8)
		return -EACCES;
	pre = (struct iovec){ buf, pdu->body_off + 8 };
	post = (struct iovec){ buf + pdu->trailer_off, RPC_TRAILER_LEN };
	return rpc_auth_unprotect(&c->auth, RPC_AUTHN_LEVEL_PKT_PRIVACY, 0, &pre,
				  buf + pdu->body_off + 8, pdu->body_len - 8, &post,
				  pdu->auth_value, pdu->hdr.auth_len);
}

/* One request on context 0 (OBJECT: the object UUID, or NULL) and its
 * response stub, reassembled into *OUT (malloc'd, *OUT_LEN bytes).  A fault
 * is -EREMOTEIO with its status in *STATUS. */
static int request(struct conn *c, uint16_t opnum, const uint8_t *object, const uint8_t *stub,
		   size_t stub_len, uint8_t **out, size_t *out_len, uint32_t *status)
{
	struct rpc_buf b = { 0 }, resp = { 0 };
	static uint8_t buf[RPC_OUR_MAX_FRAG * 2];
	struct rpc_pdu pdu;
	int rc;

	c->call_id++;
	rc = push_hdr(&b, RPC_PT_REQUEST, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG |
		      (object ? RPC_PFC_OBJECT_UUID : 0), c->call_id);
	rc = rc ? rc : rpc_push_u32(&b, (uint32_t)stub_len);
	rc = rc ? rc : rpc_push_u16(&b, 0);
	rc = rc ? rc : rpc_push_u16(&b, opnum);
	rc = rc ? rc : (object ? rpc_buf_append(&b, object, 16) : 0);
	rc = rc ? rc : rpc_buf_append(&b, stub, stub_len);
	if (rc == 0 && c->creds)
		rc = seal_request(c, &b, object ? 40 : 24);
	else if (rc == 0)
		finish_pdu(&b);
	if (rc == 0)
		rc = send_all(c, b.data, b.len);
	rpc_buf_release(&b);
	RPC_CHECK(rc);
	for (;;) {
		if ((rc = recv_pdu(c, buf, sizeof(buf), &pdu)) < 0)
			break;
		if (pdu.hdr.ptype == RPC_PT_FAULT) {
			if (pdu.body_len < 12) {
				rc = -EPROTO;
				break;
			}
			*status = rpc_le32(buf + pdu.body_off + 8);
			rc = -EREMOTEIO;
			break;
		}
		if (pdu.hdr.ptype != RPC_PT_RESPONSE || pdu.body_len < 8) {
			rc = -EPROTO;
			break;
		}
		if ((rc = open_response(c, buf, &pdu)) < 0)
			break;
		if ((rc = rpc_buf_append(&resp, buf + pdu.body_off + 8,
					 pdu.body_len - 8 - (c->creds ? pdu.auth.auth_pad_len
							     : 0))) < 0)
			break;
		if (resp.len > MAX_RESPONSE) {
			rc = -EMSGSIZE;
			break;
		}
		if (pdu.hdr.pfc_flags & RPC_PFC_LAST_FRAG) {
			*out = resp.data;
			*out_len = resp.len;
			return 0;
		}
	}
	rpc_buf_release(&resp);
	return rc;
}

/* ResolveOxid2 at BINDING: the first numeric ncacn_ip_tcp binding with a
 * port of the OXID's object exporter, into EP; *SECURED 0 when the answer
 * lists no security binding (the exporter takes no authentication). */
static int resolve(const char *binding, uint64_t oxid, uint64_t deadline, char *ep, size_t cap,
		   int *secured, uint32_t *status)
{
	struct conn c = { .fd = -1, .deadline = deadline };
	uint8_t stub[18] = { 0 }, *r = NULL;
	size_t rlen = 0, i, k, n_entries, sec;
	int rc;

	/* OXID; cRequestedProtseqs 1; pad; conformance 1; ncacn_ip_tcp */
	for (i = 0; i < 8; i++)
		stub[i] = (uint8_t)(oxid >> (8 * i));
	stub[8] = 1;
	stub[12] = 1;
	stub[16] = TOWER_NCACN_IP_TCP;
	if ((rc = conn_open(&c, binding)) < 0)
		return rc;
	rc = rpc_bind_to(&c, &if_exporter);
	if (rc == 0)
		rc = request(&c, OPNUM_RESOLVE_OXID2, NULL, stub, sizeof(stub), &r, &rlen, status);
	close(c.fd);
	if (rc != 0)
		return rc;
	/* referent, max count, wNumEntries, wSecurityOffset, strings; ...; status */
	rc = -EPROTO;
	if (rlen >= 12 && rpc_le32(r + rlen - 4) != 0) {
		*status = rpc_le32(r + rlen - 4);      /* e.g. OR_INVALID_OXID */
		rc = -EREMOTEIO;
	}
	if (rlen < 12 || rpc_le32(r + rlen - 4) != 0 || rpc_le32(r) == 0)
		goto out;
	n_entries = rpc_le16(r + 8);
	sec = rpc_le16(r + 10);
	if (12 + 2 * n_entries > rlen || sec > n_entries)
		goto out;
	rc = -ENOENT;
	for (i = 0; i < sec;) {
		uint16_t tower = rpc_le16(r + 12 + 2 * i++);
		size_t n = 0;
		int ok = 1;

		if (tower == 0)
			break;
		for (k = i; k < sec && rpc_le16(r + 12 + 2 * k); k++) {
			uint16_t ch = rpc_le16(r + 12 + 2 * k);

			if (ch < 0x21 || ch > 0x7e || n + 1 >= cap)
				ok = 0;
			else
				ep[n++] = (char)ch;
		}
		ep[n] = 0;
		i = k + 1;
		if (ok && tower == TOWER_NCACN_IP_TCP && n && ep[n - 1] == ']') {
			struct addrinfo hints = { .ai_flags = AI_NUMERICHOST }, *ai;
			char host[NOTIFY_BINDING_LEN];
			size_t hl = (size_t)(strrchr(ep, '[') - ep);

			if (!strrchr(ep, '[') || hl >= sizeof(host))
				continue;
			memcpy(host, ep, hl);
			host[hl] = 0;
			if (getaddrinfo(host, NULL, &hints, &ai) == 0) {
				freeaddrinfo(ai);
				rc = 0;
				break;
			}
		}
	}
	/* the security bindings: wAuthnSvc first, 0 ends the (empty) list */
	*secured = sec < n_entries && rpc_le16(r + 12 + 2 * sec) != 0;
out:
	free(r);
	return rc;
}

/* The ORPC stub: ORPCTHIS ([MS-DCOM] 2.2.13.1: version 5.7, no flags, a
 * causality id, no extensions), lCookie, and for LunStatusUpdate the
 * LUN_STATUS (eStatus an NDR enum: 16 bits and 2 bytes of padding). */
static size_t stub_build(const struct notify_job *job, uint8_t *s)
{
	size_t n = 0;

	memset(s, 0, 52);
	rpc_put_le16(s, 5);
	rpc_put_le16(s + 2, 7);
	if (getrandom(s + 12, 16, 0) != 16)
		memset(s + 12, 0x5a, 16);
	n = 32;
	rpc_put_le32(s + n, job->cookie);
	n += 4;
	if (job->method == NOTIFY_LUN_STATUS_UPDATE) {
		rpc_put_le32(s + n, job->lun.lun);
		rpc_put_le16(s + n + 4, (uint16_t)job->lun.status);
		rpc_put_le32(s + n + 8, job->lun.progress);
		rpc_put_le32(s + n + 12, job->lun.completion);
		n += 16;
	}
	return n;
}

int callout_run(const struct notify_job *job, const struct ntlm_creds *creds, uint32_t *status)
{
	uint64_t deadline = now_ms() + NOTIFY_CALL_TIMEOUT_MS;
	struct conn c = { .fd = -1, .deadline = deadline,
			  .creds = creds && creds->user_len ? creds : NULL };
	char ep[NOTIFY_BINDING_LEN];
	uint8_t stub[52], *r = NULL;
	size_t rlen = 0, n;
	uint32_t i;
	int rc = -ENOENT, secured = 1;

	for (i = 0; i < job->ref.n_bindings && i < NOTIFY_BINDINGS_MAX; i++) {
		rc = resolve(job->ref.bindings[i], job->ref.oxid, deadline, ep, sizeof(ep), &secured,
			     status);
		if (rc == 0 || rc == -ETIMEDOUT)
			break;
	}
	if (rc != 0)
		return rc;
	/* an exporter that lists no authentication service takes none: an
	 * authenticated bind would only be refused ([MS-DCOM] 2.2.19.4) */
	if (!secured)
		c.creds = NULL;
	if ((rc = conn_open(&c, ep)) < 0)
		return rc;
	n = stub_build(job, stub);
	rc = rpc_bind_to(&c, &if_status_notify);
	if (rc == 0)
		rc = request(&c, (uint16_t)job->method, job->ref.ipid, stub, n, &r, &rlen, status);
	close(c.fd);
	rpc_auth_clear(&c.auth);
	if (rc != 0)
		return rc;
	/* ORPCTHAT (flags, extensions), then the HRESULT, last */
	rc = -EPROTO;
	if (rlen >= 12) {
		*status = rpc_le32(r + rlen - 4);
		rc = *status == 0 ? 0 : -EREMOTEIO;
	}
	free(r);
	return rc;
}

/* One ping at BINDING: ComplexPing adding OID to a new set when *SETID is
 * 0 (which sets it), SimplePing of *SETID otherwise. */
static int ping_at(const char *binding, uint64_t oid, uint64_t deadline, uint64_t *setid,
		   uint16_t *seq, uint32_t *status)
{
	struct conn c = { .fd = -1, .deadline = deadline };
	uint8_t stub[36] = { 0 }, *r = NULL;
	size_t rlen = 0, n;
	uint16_t opnum;
	int rc, i;

	if (*setid == 0) {
		/* SETID 0; SequenceNum; cAddToSet 1; cDelFromSet 0; pad;
		 * AddToSet: referent, conformance 1, the OID; DelFromSet NULL */
		opnum = OPNUM_COMPLEX_PING;
		rpc_put_le16(stub + 8, ++*seq);
		rpc_put_le16(stub + 10, 1);
		rpc_put_le32(stub + 16, 0x20000);
		rpc_put_le32(stub + 20, 1);
		for (i = 0; i < 8; i++)
			stub[24 + i] = (uint8_t)(oid >> (8 * i));
		n = 36;
	} else {
		opnum = OPNUM_SIMPLE_PING;
		for (i = 0; i < 8; i++)
			stub[i] = (uint8_t)(*setid >> (8 * i));
		n = 8;
	}
	if ((rc = conn_open(&c, binding)) < 0)
		return rc;
	rc = rpc_bind_to(&c, &if_exporter);
	if (rc == 0)
		rc = request(&c, opnum, NULL, stub, n, &r, &rlen, status);
	close(c.fd);
	if (rc != 0)
		return rc;
	/* ComplexPing: SETID, PingBackoffFactor, pad, status; SimplePing: status */
	rc = -EPROTO;
	if (rlen >= (opnum == OPNUM_COMPLEX_PING ? 16u : 4u)) {
		*status = rpc_le32(r + rlen - 4);
		rc = *status == 0 ? 0 : -EREMOTEIO;
		if (rc == 0 && opnum == OPNUM_COMPLEX_PING) {
			*setid = (uint64_t)rpc_le32(r) | (uint64_t)rpc_le32(r + 4) << 32;
			if (*setid == 0)
				rc = -EPROTO;
		}
	}
	free(r);
	return rc;
}

int callout_ping(const struct notify_ref *ref, uint64_t *setid, uint16_t *seq, uint32_t *status)
{
	uint64_t deadline = now_ms() + NOTIFY_CALL_TIMEOUT_MS;
	uint32_t i;
	int rc = -ENOENT;

	for (i = 0; i < ref->n_bindings && i < NOTIFY_BINDINGS_MAX; i++) {
		rc = ping_at(ref->bindings[i], ref->oid, deadline, setid, seq, status);
		if (rc == -EREMOTEIO && *status == OR_INVALID_SET && *setid) {
			*setid = 0;          /* the resolver restarted: a new set */
			rc = ping_at(ref->bindings[i], ref->oid, deadline, setid, seq, status);
		}
		if (rc == 0 || rc == -ETIMEDOUT || rc == -EREMOTEIO)
			break;
	}
	return rc;
}
