/* rpc_dispatch.h: the boundary between istmd's DCE/RPC transport (rpc/:
 * PDUs, fragments, NTLMSSP, signing and sealing) and the object layers above
 * it (ndr/, dcom/, istm/), and between the unprivileged parser process and
 * the privileged parent.
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

/* Call FN on the poll loop (never concurrently with a handler) about every
 * INTERVAL_MS milliseconds, for as long as the process runs: DCOM uses it
 * to expire ping sets and collect objects whose client stopped pinging
 * ([MS-DCOM] 3.2.6.2).  One timer; a second call replaces the first.
 * The transport implements it (e.g. as the poll() timeout). */
typedef void (*rpc_timer_fn)(void);
void rpc_set_timer(unsigned interval_ms, rpc_timer_fn fn);

/* --- privileged requests (parser child -> privileged parent) ---------
 * The child asks the parent for narrow, typed things; the parent checks
 * each message (verb known, exact length, allowed now) before acting.
 * priv_call() blocks until the parent answers; REPLY/REPLY_LEN are in/out
 * (capacity in, length out).  Returns 0 or a negative errno; a verb's own
 * failure comes back as an HRESULT inside its reply. */
enum priv_verb {
	PRIV_GET_SERVER_INFO = 1,    /* reply: struct priv_server_info */
	PRIV_SET_SCHEDULE = 2,       /* IWTGeneral schedule, persisted */
	PRIV_GET_SCHEDULE = 3,
	PRIV_SET_NAME = 4,           /* IWTGeneral [propput]Name, persisted */
	PRIV_GET_NAME = 5,           /* reply: struct priv_name (default: host name) */
	/* new verbs are added at the end */
};

struct priv_server_info {
	uint8_t server_guid[16];     /* persisted in the state directory */
	char host_name[256];         /* NUL-terminated */
};

/* Reply of verbs that return only a status (PRIV_SET_SCHEDULE, PRIV_SET_NAME). */
struct priv_status {
	int32_t hresult;             /* 0 or the verb's HRESULT */
};

/* PRIV_SET_SCHEDULE request; PRIV_GET_SCHEDULE reply (request empty).
 * [MS-ISTM] 2.2.4.17 SNAPSHOT_SCHEDULE_SETTINGS, host byte order. */
struct priv_schedule {
	int32_t hresult;             /* reply: 0 or the verb's HRESULT; request: 0 */
	uint8_t every_day;           /* bEveryday, 0 or 1 */
	uint8_t reserved;            /* 0 */
	uint16_t day;                /* eDay: DayOfWeek, 0 (Sunday) .. 6 */
	int64_t start_time;          /* hyStartTime: FILETIME (UTC); 0 = none scheduled */
};

/* PRIV_SET_NAME request; PRIV_GET_NAME reply (request empty). */
struct priv_name {
	int32_t hresult;             /* reply: 0 or the verb's HRESULT; request: 0 */
	char name[256];              /* UTF-8, NUL-terminated */
};

int priv_call(enum priv_verb verb, const void *req, size_t req_len,
	      void *reply, size_t *reply_len);

#endif /* ISTMD_RPC_DISPATCH_H */
