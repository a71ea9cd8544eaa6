/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_dispatch.h: the boundary between istmd's DCE/RPC transport (rpc/:
 * PDUs, fragments, NTLMSSP, signing and sealing) and the object layers above
 * it (ndr/, dcom/, istm/).  What the network child asks the privileged
 * parent is another contract: proto/.
 *
 * The transport hands each complete, verified, decrypted request to the
 * handler registered for its interface and sends back what the handler
 * produced, fragmenting, signing and sealing it.  Handlers never see
 * PDU headers or security trailers; the transport never sees NDR.
 *
 * Threading: the parser process runs one poll() loop; handlers run on it,
 * one call at a time, and must not block on the network.
 *
 * Owned jointly by rpc/ and dcom/: change it only by adding.
 */
#ifndef ISTMD_RPC_DISPATCH_H
#define ISTMD_RPC_DISPATCH_H

#include <stddef.h>
#include <stdint.h>

/* NCA fault status codes a handler may return ([MS-RPCE] 2.2.2.11,
 * [C706] appendix E). */
#define NCA_S_OP_RNG_ERROR     0x1c010002u /* opnum out of range */
#define NCA_S_UNK_IF           0x1c010003u /* unknown interface */
#define NCA_S_PROTO_ERROR      0x1c01000bu
#define NCA_S_FAULT_NDR        0x000006f7u /* RPC_X_BAD_STUB_DATA */
#define NCA_S_FAULT_ACCESS_DENIED 0x00000005u
#define RPC_E_DISCONNECTED_FAULT  0x80010108u /* object gone (RPC_E_DISCONNECTED) */
#define RPC_S_SEC_PKG_ERROR    0x00000721u /* bad signature, replayed sequence number */

/* One request, as the transport delivers it. */
struct rpc_call_ctx {
	const uint8_t *if_uuid;      /* 16 bytes, wire order (little-endian GUID) */
	uint16_t if_vers_major;      /* from the presentation context */
	uint16_t if_vers_minor;      /* from the presentation context */
	uint16_t opnum;              /* from the request header */
	const uint8_t *object;       /* 16-byte object UUID (IPID), or NULL */
	const uint8_t *stub;         /* the request stub, reassembled and decrypted */
	size_t stub_len;             /* its length in bytes */
	int auth_level;              /* RPC_C_AUTHN_LEVEL_* of the call (1..6) */
	const char *user;            /* authenticated user name, "" when none */
	const char *local_addr;      /* address the client dialled (for string bindings) */
	uint16_t local_port;         /* port the client dialled */
	uint64_t conn_id;            /* transport connection, unique for the process */
};

/* Growable output buffer for a response stub. */
struct rpc_buf {
	uint8_t *data;               /* malloc'd bytes */
	size_t len;                  /* bytes used */
	size_t cap;                  /* bytes allocated */
};

/* A handler fills OUT with the response stub and returns 0, or returns a
 * non-zero NCA fault status (OUT is then discarded and a fault PDU sent). */
typedef uint32_t (*rpc_handler_fn)(const struct rpc_call_ctx *call, struct rpc_buf *out);

/* Register the handler for an interface (any minor version).  The transport
 * accepts a bind or alter_context only for registered interfaces; others get
 * a provider rejection ("abstract syntax not supported").  Returns 0 or
 * -EEXIST / -ENOMEM. */
int rpc_register_interface(const uint8_t if_uuid[16], uint16_t vers_major,
			   rpc_handler_fn handler);

/* Called by the transport when a connection closes, so the object layer can
 * drop what that connection held (it is not how DCOM garbage collection
 * works: objects live until their pinging stops). */
typedef void (*rpc_conn_closed_fn)(uint64_t conn_id);
void rpc_set_conn_closed_hook(rpc_conn_closed_fn fn);

/* Append N bytes to B, growing it; returns 0 or -ENOMEM (B unchanged). */
int rpc_buf_append(struct rpc_buf *b, const void *data, size_t n);
/* Make room for EXTRA more bytes without changing LEN; 0 or -ENOMEM. */
int rpc_buf_reserve(struct rpc_buf *b, size_t extra);
/* Free B's bytes and zero it. */
void rpc_buf_release(struct rpc_buf *b);

/* Called on the poll loop about every PERIOD_MS milliseconds (between
 * calls, never during one), e.g. for DCOM ping garbage collection. */
typedef void (*rpc_tick_fn)(void);
void rpc_set_tick_hook(rpc_tick_fn fn, unsigned period_ms);

/* --- start-up ---------------------------------------------------------
 * The network child calls this once, after dropping privileges and before
 * accepting a connection, so that dcom/ registers its interfaces (the
 * object exporter listens on EXPORTER_PORT, the port 135 endpoint on the
 * --listen port).  Provided by dcom/; returns 0 or a negative errno (the
 * child then exits). */
struct priv_server_info;          /* proto/general.h */
int dcom_init(const struct priv_server_info *info, uint16_t exporter_port);

#endif /* ISTMD_RPC_DISPATCH_H */
