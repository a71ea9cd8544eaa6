/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_int.h: rpc/'s private header.  Each file's exports sit under a
 * banner naming the file.  PDU layouts follow [C706] chapter 12 and
 * [MS-RPCE] 2.2.2 / 2.2.4 (connection-oriented, NDR32, little-endian only).
 */
#ifndef ISTMD_RPC_INT_H
#define ISTMD_RPC_INT_H

#include <stddef.h>
#include <stdint.h>

#include "rpc_dispatch.h"

/* Pass a negative errno up: every primitive's result goes through this. */
#define RPC_CHECK(expr) do { int rc_ = (expr); if (rc_ < 0) return rc_; } while (0)

/* Limits: what one peer may make us hold. */
#define RPC_OUR_MAX_FRAG   5840u       /* max_xmit/max_recv we offer (Windows' value) */
#define RPC_MIN_FRAG       1432u       /* [C706] 12.6.3.1: smallest a peer may ask for */
#define RPC_MAX_STUB       (4u << 20)  /* cap on a reassembled request stub */
#define RPC_MAX_CTX_ITEMS  16u         /* presentation context items in one bind */
#define RPC_MAX_TRANSFER   8u          /* transfer syntaxes in one item */
#define RPC_MAX_PRES_CTX   64u         /* presentation contexts per connection */
#define RPC_MAX_SEC_CTX    16u         /* security contexts per connection */

/* ---------------------------------------------------------------- rpc_codec.c
 * A bounds-checked cursor and a table-driven codec for fixed layouts:
 * each layout is described once as {name, offset, type} and one engine
 * pulls or pushes it, little-endian. */
struct rpc_cursor {
	const uint8_t *p;            /* the bytes */
	size_t len;                  /* how many */
	size_t off;                  /* next byte to read */
};

enum rpc_ftype {
	RPC_F_U8,                    /* uint8_t */
	RPC_F_U16,                   /* uint16_t, little-endian on the wire */
	RPC_F_U32,                   /* uint32_t, little-endian on the wire */
	RPC_F_B4,                    /* uint8_t[4], verbatim */
	RPC_F_B16,                   /* uint8_t[16], verbatim (UUIDs stay in wire order) */
};

struct rpc_field {
	const char *name;            /* for diagnostics */
	size_t offset;               /* offsetof() in the host struct */
	enum rpc_ftype type;         /* wire and host representation */
};

#define RPC_NFIELDS(a) (sizeof(a) / sizeof((a)[0]))

void rpc_cursor_init(struct rpc_cursor *c, const uint8_t *p, size_t len);
int rpc_pull_bytes(struct rpc_cursor *c, size_t n, const uint8_t **out);
int rpc_pull_u8(struct rpc_cursor *c, uint8_t *v);
int rpc_pull_u16(struct rpc_cursor *c, uint16_t *v);
int rpc_pull_u32(struct rpc_cursor *c, uint32_t *v);
int rpc_fields_pull(const struct rpc_field *f, size_t n, struct rpc_cursor *c, void *obj);
int rpc_fields_push(const struct rpc_field *f, size_t n, struct rpc_buf *b, const void *obj);
int rpc_push_u8(struct rpc_buf *b, uint8_t v);
int rpc_push_u16(struct rpc_buf *b, uint16_t v);
int rpc_push_u32(struct rpc_buf *b, uint32_t v);
int rpc_push_zeros(struct rpc_buf *b, size_t n);
uint16_t rpc_le16(const uint8_t *p);
uint32_t rpc_le32(const uint8_t *p);
void rpc_put_le16(uint8_t *p, uint16_t v);
void rpc_put_le32(uint8_t *p, uint32_t v);

/* ---------------------------------------------------------------- rpc_pdu.c */
enum rpc_ptype {
	RPC_PT_REQUEST = 0, RPC_PT_RESPONSE = 2, RPC_PT_FAULT = 3,
	RPC_PT_BIND = 11, RPC_PT_BIND_ACK = 12, RPC_PT_BIND_NAK = 13,
	RPC_PT_ALTER = 14, RPC_PT_ALTER_RESP = 15, RPC_PT_AUTH3 = 16,
	RPC_PT_SHUTDOWN = 17, RPC_PT_CO_CANCEL = 18, RPC_PT_ORPHANED = 19,
};

#define RPC_PFC_FIRST_FRAG      0x01
#define RPC_PFC_LAST_FRAG       0x02
#define RPC_PFC_SUPPORT_HDR_SIGN 0x04 /* in bind/bind_ack: [MS-RPCE] 2.2.2.3 */
#define RPC_PFC_CONC_MPX        0x10
#define RPC_PFC_DID_NOT_EXECUTE 0x20
#define RPC_PFC_OBJECT_UUID     0x80

#define RPC_AUTHN_WINNT         10   /* NTLMSSP */
#define RPC_AUTHN_LEVEL_NONE    1
#define RPC_AUTHN_LEVEL_CONNECT 2
#define RPC_AUTHN_LEVEL_PKT_INTEGRITY 5
#define RPC_AUTHN_LEVEL_PKT_PRIVACY   6

/* p_cont_def_result_t and p_provider_reason_t ([C706] 12.6.3.1, [MS-RPCE] 2.2.2.4) */
#define RPC_RESULT_ACCEPT        0
#define RPC_RESULT_PROVIDER_REJ  2
#define RPC_RESULT_NEGOTIATE_ACK 3
#define RPC_REASON_ABSTRACT_NOT_SUPPORTED 1
#define RPC_REASON_TRANSFER_NOT_SUPPORTED 2
#define RPC_REASON_LOCAL_LIMIT   3
/* bind_nak p_reject_reason_t */
#define RPC_NAK_NOT_SPECIFIED    0
#define RPC_NAK_LOCAL_LIMIT      2
#define RPC_NAK_PROTOCOL_VERSION 4
#define RPC_NAK_AUTH_TYPE        8

#define RPC_HDR_LEN       16u
#define RPC_TRAILER_LEN   8u
#define RPC_SIG_LEN       16u  /* NTLMSSP_MESSAGE_SIGNATURE */

/* [C706] 12.6.3.1 common header. */
struct rpc_hdr {
	uint8_t rpc_vers;            /* 5 */
	uint8_t rpc_vers_minor;      /* 0 or 1 */
	uint8_t ptype;               /* enum rpc_ptype */
	uint8_t pfc_flags;           /* RPC_PFC_* */
	uint8_t drep[4];             /* data representation: byte 0 0x10 = little-endian, ASCII */
	uint16_t frag_len;           /* whole fragment, header to auth value */
	uint16_t auth_len;           /* auth value only (not the 8-byte trailer) */
	uint32_t call_id;            /* chosen by the client */
};

/* [MS-RPCE] 2.2.2.11 sec_trailer (auth_verifier_co_t without auth_value). */
struct rpc_sec_trailer {
	uint8_t auth_type;           /* RPC_AUTHN_* */
	uint8_t auth_level;          /* RPC_AUTHN_LEVEL_* */
	uint8_t auth_pad_len;        /* stub padding before the trailer */
	uint8_t auth_reserved;       /* 0 */
	uint32_t auth_ctx_id;        /* which security context of the connection */
};

/* p_syntax_id_t: interface or transfer syntax. */
struct rpc_syntax {
	uint8_t uuid[16];            /* wire order */
	uint16_t vers_major;         /* low half of the 32-bit version */
	uint16_t vers_minor;         /* high half */
};

/* p_cont_elem_t */
struct rpc_ctx_item {
	uint16_t ctx_id;             /* presentation context id */
	uint8_t n_transfer;          /* transfer syntaxes offered */
	struct rpc_syntax abstract;  /* the interface */
	struct rpc_syntax transfer[RPC_MAX_TRANSFER]; /* offered, in preference order */
};

/* bind and alter_context body ([C706] 12.6.4.3). */
struct rpc_bind {
	uint16_t max_xmit;           /* client's largest fragment sent */
	uint16_t max_recv;           /* client's largest fragment received */
	uint32_t assoc_group;        /* 0 = new association group */
	unsigned n_ctx;              /* items in ctx[] */
	struct rpc_ctx_item ctx[RPC_MAX_CTX_ITEMS]; /* presentation context list */
};

/* p_result_t */
struct rpc_ctx_result {
	uint16_t result;             /* RPC_RESULT_* */
	uint16_t reason;             /* RPC_REASON_*, or feature bits for negotiate_ack */
	struct rpc_syntax transfer;  /* accepted transfer syntax, zeros otherwise */
};

/* request header after the common header ([C706] 12.6.4.9). */
struct rpc_request_hdr {
	uint32_t alloc_hint;         /* client's guess of the whole stub size */
	uint16_t ctx_id;             /* presentation context */
	uint16_t opnum;              /* operation */
};

/* One received fragment, split into its parts (pointers into the bytes). */
struct rpc_pdu {
	struct rpc_hdr hdr;          /* decoded common header */
	const uint8_t *raw;          /* the whole fragment */
	size_t body_off;             /* first byte after the common header */
	size_t body_len;             /* body bytes, auth padding included */
	int has_auth;                /* a sec_trailer is present */
	size_t trailer_off;          /* offset of the sec_trailer */
	struct rpc_sec_trailer auth; /* decoded sec_trailer */
	const uint8_t *auth_value;   /* auth_len bytes after the trailer */
};

extern const struct rpc_syntax rpc_ndr32_syntax;
extern const uint8_t rpc_ndr64_uuid[16];
extern const uint8_t rpc_btfn_uuid_prefix[8];

int rpc_hdr_pull(const uint8_t *p, size_t len, struct rpc_hdr *h);
int rpc_hdr_push(struct rpc_buf *b, const struct rpc_hdr *h);
int rpc_pdu_parse(const uint8_t *p, size_t len, struct rpc_pdu *pdu);
int rpc_bind_parse(const uint8_t *body, size_t len, struct rpc_bind *b);
int rpc_request_parse(const struct rpc_pdu *pdu, struct rpc_request_hdr *rq,
		      const uint8_t **object, const uint8_t **stub, size_t *stub_len);
int rpc_bind_ack_build(struct rpc_buf *out, uint8_t ptype, uint8_t pfc_flags,
		       uint32_t call_id, uint16_t max_xmit, uint16_t max_recv,
		       uint32_t assoc_group, const char *sec_addr,
		       const struct rpc_ctx_result *res, unsigned n_res,
		       const struct rpc_sec_trailer *auth,
		       const uint8_t *auth_value, size_t auth_value_len);
int rpc_bind_nak_build(struct rpc_buf *out, uint32_t call_id, uint16_t reason);
int rpc_fault_build(struct rpc_buf *out, uint32_t call_id, uint16_t ctx_id,
		    uint32_t status, int did_not_execute);
int rpc_syntax_eq(const struct rpc_syntax *a, const struct rpc_syntax *b);
int rpc_trailer_push(struct rpc_buf *b, const struct rpc_sec_trailer *t);

/* ---------------------------------------------------------------- rpc_vtrailer.c */
struct rpc_vtrailer_call {
	const struct rpc_syntax *abstract; /* the presentation context's interface */
	const uint8_t *drep;         /* the request's data representation, 4 bytes */
	uint32_t call_id;            /* the request's call id */
	uint16_t ctx_id;             /* its presentation context */
	uint16_t opnum;              /* its operation */
};
/* Find a verification trailer at the end of STUB and check it against
 * CALL: 1 found and cut off (*LEN shortened), 0 none, -EACCES a check
 * failed (the call must be refused). */
int rpc_vtrailer_strip(const uint8_t *stub, size_t *len, const struct rpc_vtrailer_call *call);

/* ---------------------------------------------------------------- rpc_iface.c */
struct rpc_iface {
	uint8_t uuid[16];            /* interface UUID, wire order */
	uint16_t vers_major;         /* major version; any minor matches */
	rpc_handler_fn handler;      /* called for each complete request */
};

const struct rpc_iface *rpc_iface_find(const uint8_t uuid[16], uint16_t vers_major);
void rpc_notify_conn_closed(uint64_t conn_id);
rpc_tick_fn rpc_tick_get(unsigned *period_ms);

/* ---------------------------------------------------------------- rpc_conn.c */
struct ntlmssp_names;

enum rpc_sec_state {
	RPC_SEC_CHALLENGED,          /* CHALLENGE sent, waiting for auth3 */
	RPC_SEC_ESTABLISHED,         /* verified: requests may use it */
	RPC_SEC_FAILED,              /* refused: every request on it is faulted */
};

struct rpc_conn;

void rpc_conn_set_names(const struct ntlmssp_names *names);
struct rpc_conn *rpc_conn_new(uint64_t id, const char *local_addr, uint16_t local_port);
void rpc_conn_free(struct rpc_conn *c);
int rpc_conn_feed(struct rpc_conn *c, const uint8_t *data, size_t len);
int rpc_conn_output(struct rpc_conn *c, const uint8_t **data, size_t *len);
void rpc_conn_consumed(struct rpc_conn *c, size_t n);
int rpc_conn_closing(const struct rpc_conn *c);

/* ---------------------------------------------------------------- rpc_server.c */
int rpc_server_run(const int *listen_fds, size_t n_listen, int priv_fd);

#endif /* ISTMD_RPC_INT_H */
