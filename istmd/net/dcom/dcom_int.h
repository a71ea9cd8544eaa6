/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* dcom_int.h: private interfaces between the files of dcom/ and istm/.
 * Each file's exports are listed under its banner.
 *
 * The model: a *class* ([MS-ISTM] 1.9 CLSID) lists the *interfaces* its
 * objects answer to; an *interface* is a table of *methods*, each one a
 * pair of NDR parameter descriptors plus an implementation.  The object
 * table holds exported objects (one OID each), their interface pointers
 * (IPIDs with public reference counts) and the clients' ping sets.
 */
#ifndef ISTMD_DCOM_INT_H
#define ISTMD_DCOM_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "dcom/dcom.h"
#include "ndr/ndr.h"

/* HRESULTs: every one by name in hresult.h; the DCOM-only ones here. */
#include "hresult.h"
#define HR_ERROR_NOT_READY     ERROR_NOT_READY
#define CLASS_E_NOAGGREGATION  ((hresult)0x80040110U)
#define REGDB_E_CLASSNOTREG    ((hresult)0x80040154U)
#define RPC_E_INVALID_OBJECT   ((hresult)0x80010114U)
/* resolver status codes ([MS-DCOM] 2.2.?; error_status_t, not HRESULTs) */
#define OR_INVALID_OXID        1910u
#define OR_INVALID_OID         1911u
#define OR_INVALID_SET         1912u
/* [MS-ISTM] 5.1: calls on exported objects need RPC_C_AUTHN_LEVEL_PKT_PRIVACY */
#define DCOM_OBJECT_MIN_AUTHN_LEVEL 6

struct dcom_call;
struct dcom_object;

/* One method: [in] and [out] parameter lists without ORPCTHIS/ORPCTHAT and
 * the return value, which the dispatcher adds. */
typedef uint32_t (*dcom_method_fn)(struct dcom_call *c, const void *in, void *out);
struct dcom_method {
	const char *name;              /* IDL name */
	const struct ndr_type *in;     /* NDR_PARAMS of the [in] parameters */
	const struct ndr_type *out;    /* NDR_PARAMS of the [out] parameters */
	dcom_method_fn fn;             /* returns the HRESULT / error_status_t */
};

/* What the request's object UUID must name. */
enum dcom_target {
	DCOM_TARGET_NONE,              /* plain RPC, no ORPCTHIS (IObjectExporter) */
	DCOM_TARGET_SCM,               /* ORPC without an IPID (IRemoteSCMActivator) */
	DCOM_TARGET_REMUNKNOWN,        /* ORPC on the OXID's IRemUnknown IPID */
	DCOM_TARGET_OBJECT,            /* ORPC on an exported object's IPID */
};

struct dcom_iface {
	const char *name;              /* e.g. "IWTGeneral2" */
	struct ndr_guid iid;           /* its IID (the presentation abstract syntax) */
	enum dcom_target target;       /* how calls are addressed */
	const struct dcom_iface *base; /* inherited interface (its opnums come first), or NULL */
	uint16_t first_opnum;          /* opnum of methods[0] */
	uint16_t nmethods;             /* entries in methods */
	const struct dcom_method *methods; /* this interface's own methods */
};

/* A class ([MS-ISTM] 1.9): activation by CLSID makes one of these. */
struct dcom_class {
	const char *name;              /* the subsystem's interface name */
	struct ndr_guid clsid;         /* its CLSID */
	const struct dcom_iface *const *ifaces; /* interfaces its objects answer to */
	uint32_t nifaces;              /* entries in ifaces */
};

/* One call, as an implementation sees it. */
struct dcom_call {
	const struct rpc_call_ctx *rpc;/* the transport's request */
	struct ndr_arena arena;        /* [in] and [out] values, freed after the reply */
	struct dcom_object *obj;       /* target object (ORPC calls on an IPID), else NULL */
	uint32_t fault;                /* set non-zero to answer with this RPC fault */
};

/* Tunables and identity (dcom.c). */
struct dcom_config {
	struct priv_server_info info;  /* server GUID and host name */
	uint16_t exporter_port;        /* object exporter TCP port */
	uint64_t ping_timeout_ms;      /* period * missed pings */
	uint64_t ping_period_ms;       /* the ping period */
};
extern struct dcom_config dcom_cfg;

/* --- dcom_types.c: DCOM wire types ---------------------------------- */
struct dcom_comversion {
	uint16_t major;                /* MajorVersion */
	uint16_t minor;                /* MinorVersion */
};
struct dcom_orpc_extent {
	struct ndr_guid id;            /* extension id */
	uint32_t size;                 /* bytes of data */
	uint8_t *data;                 /* [size_is((size+7)&~7)] */
};
struct dcom_orpc_extent_array {
	uint32_t size;                 /* extents */
	uint32_t reserved;             /* 0 */
	struct dcom_orpc_extent **extent; /* [size_is((size+1)&~1), unique] */
};
struct dcom_orpcthis {
	struct dcom_comversion version;/* client COM version */
	uint32_t flags;                /* ORPCF_* */
	uint32_t reserved1;            /* 0 */
	struct ndr_guid cid;           /* causality id */
	struct dcom_orpc_extent_array *extensions; /* unique */
};
struct dcom_orpcthat {
	uint32_t flags;                /* 0 */
	struct dcom_orpc_extent_array *extensions; /* unique, NULL */
};
struct dcom_stdobjref {
	uint32_t flags;                /* SORF_* */
	uint32_t public_refs;          /* cPublicRefs granted */
	uint64_t oxid;                 /* object exporter */
	uint64_t oid;                  /* object */
	struct ndr_guid ipid;          /* interface pointer */
};
struct dcom_remqiresult {
	uint32_t hr;                   /* hResult */
	struct dcom_stdobjref std;     /* valid when hr is S_OK */
};
struct dcom_reminterfaceref {
	struct ndr_guid ipid;          /* which interface pointer */
	uint32_t public_refs;          /* cPublicRefs */
	uint32_t private_refs;         /* cPrivateRefs */
};
struct dcom_dsa {
	uint16_t num_entries;          /* wNumEntries */
	uint16_t security_offset;      /* wSecurityOffset */
	uint16_t *strings;             /* aStringArray[num_entries] */
};
extern const struct ndr_type dcom_t_comversion, dcom_t_orpcthis, dcom_t_orpcthat;
extern const struct ndr_type dcom_t_stdobjref, dcom_t_remqiresult, dcom_t_reminterfaceref;
extern const struct ndr_type dcom_t_dsa, dcom_t_unique_dsa;
extern const struct ndr_type dcom_t_orpcthis_param, dcom_t_orpcthat_param;

/* --- objref.c: OBJREF and DUALSTRINGARRAY ---------------------------- */
/* The bindings a client reaches this server with: ncacn_ip_tcp ADDR[PORT]
 * (PORT 0: no port) and NTLM as the security binding. */
int dcom_dsa_build(struct ndr_arena *a, const char *addr, uint16_t port, struct dcom_dsa *out);
/* An OBJREF_STANDARD for STD, of interface IID, as MInterfacePointer bytes. */
int dcom_objref_standard(struct ndr_arena *a, const struct ndr_guid *iid,
			 const struct dcom_stdobjref *std, const struct dcom_dsa *dsa,
			 struct ndr_blob **out);
/* An OBJREF_STANDARD a client sent (an MInterfacePointer's bytes): the
 * interface, the reference and the ncacn_ip_tcp string bindings of its
 * OXID resolver, ASCII, in the client's order (other towers are skipped;
 * more than DCOM_OBJREF_TCP_MAX are dropped).  -EINVAL: not a complete,
 * well-formed standard OBJREF with at least one such binding. */
#define DCOM_OBJREF_TCP_MAX 8
#define DCOM_OBJREF_TCP_LEN 64
struct dcom_objref_in {
	struct ndr_guid iid;           /* the interface the pointer is of */
	struct dcom_stdobjref std;     /* OXID, OID, IPID, references */
	unsigned n_tcp;                /* entries of tcp */
	char tcp[DCOM_OBJREF_TCP_MAX][DCOM_OBJREF_TCP_LEN]; /* "address" or "address[port]" */
};
int dcom_objref_parse(const struct ndr_blob *mip, struct dcom_objref_in *out);
/* Raw little-endian helpers for the byte formats (OBJREF, blobs). */
int dcom_put16(struct rpc_buf *b, uint16_t v);
int dcom_put32(struct rpc_buf *b, uint32_t v);
int dcom_put64(struct rpc_buf *b, uint64_t v);

/* --- objtab.c: objects, IPIDs, OXID, ping sets, GC ------------------- */
int dcom_objtab_init(void);
void dcom_objtab_clear(void);
uint64_t dcom_oxid(void);                     /* this process's one OXID */
const struct ndr_guid *dcom_remunknown_ipid(void);
/* Create an object of CLS (no IPIDs yet). */
int dcom_object_new(const struct dcom_class *cls, struct dcom_object **out);
/* Export IFACE of OBJ with REFS public references: fills STD (a new IPID,
 * or the existing one for that interface with REFS added). */
int dcom_object_export(struct dcom_object *obj, const struct dcom_iface *iface,
		       uint32_t refs, struct dcom_stdobjref *std);
/* Drop an object that was created but never exported. */
void dcom_object_discard(struct dcom_object *obj);
/* Per-object state of an implementation (an IHost's row, an enumerator's
 * cursor): FREE_FN(STATE) runs when the object goes (release or GC). */
void dcom_object_set_state(struct dcom_object *obj, void *state, void (*free_fn)(void *));
void *dcom_object_state(const struct dcom_object *obj);
const struct dcom_class *dcom_object_class(const struct dcom_object *obj);
/* The object behind IPID and the interface it stands for, or NULL. */
struct dcom_object *dcom_ipid_lookup(const struct ndr_guid *ipid, const struct dcom_iface **iface);
/* Adjust references; 0 = done, or an HRESULT. */
uint32_t dcom_ipid_addref(const struct ndr_guid *ipid, uint32_t refs);
uint32_t dcom_ipid_release(const struct ndr_guid *ipid, uint32_t refs);
/* Pinging ([MS-DCOM] 3.2.4.2): returns 0 or an OR_* status. */
uint32_t dcom_simple_ping(uint64_t setid);
uint32_t dcom_complex_ping(uint64_t *setid, uint16_t seq, const uint64_t *add, uint16_t nadd,
			   const uint64_t *del, uint16_t ndel);
void dcom_gc_tick(void);
/* Counts, for tests and logs. */
void dcom_objtab_counts(unsigned *objects, unsigned *ipids, unsigned *sets);

/* --- orpc.c: the generic dispatcher ---------------------------------- */
/* Register IFACE (and nothing else) with the transport. */
int dcom_register(const struct dcom_iface *iface);
/* Find the interface with IID among everything registered. */
const struct dcom_iface *dcom_iface_find(const struct ndr_guid *iid);
/* Method OPNUM of IFACE (walking base interfaces), or NULL. */
const struct dcom_method *dcom_iface_method(const struct dcom_iface *iface, uint16_t opnum);
/* Does IFACE (or an interface deriving from it) belong to CLS? */
bool dcom_class_answers(const struct dcom_class *cls, const struct dcom_iface *iface);
/* Run one call through the tables: pull, call, push (exported for the
 * unit tests and fuzzers, which feed it stubs without a transport). */
uint32_t dcom_dispatch(const struct dcom_iface *iface, const struct rpc_call_ctx *call,
		       struct rpc_buf *out);

/* --- exporter.c, activation.c, remunknown.c -------------------------- */
extern const struct dcom_iface dcom_if_object_exporter;
extern const struct dcom_iface dcom_if_remote_scm_activator;
extern const struct dcom_iface dcom_if_remote_activation;
/* activation.c: make an object of class CLSID (its class object unless
 * INSTANCE) and export the NIIDS interfaces it answers to, with one
 * reference each: HRESULTS[i] and OBJREFS[i] (OBJREF_STANDARD with DSA)
 * per IID.  S_OK and *OBJP when at least one was exported; else
 * REGDB_E_CLASSNOTREG, E_NOINTERFACE or E_OUTOFMEMORY and no object.
 * Shared by IRemoteSCMActivator and IRemoteActivation. */
uint32_t dcom_activate(struct dcom_call *c, const struct ndr_guid *clsid, bool instance,
		       uint32_t niids, const struct ndr_guid *iids, const struct dcom_dsa *dsa,
		       uint32_t *hresults, struct ndr_blob **objrefs, struct dcom_object **objp);
extern const struct dcom_iface dcom_if_remunknown, dcom_if_remunknown2;
extern const struct dcom_iface dcom_if_iunknown;  /* every object answers it */

/* --- istm/classes.c: the [MS-ISTM] 1.9 classes ----------------------- */
extern const struct dcom_class *const istm_classes[];
extern const unsigned istm_nclasses;
/* Classes of objects methods hand out (not activatable by CLSID). */
extern const struct dcom_class *const istm_inner_classes[];
extern const unsigned istm_ninner_classes;
/* Every interface of every class, bases included, each once: up to MAX
 * into OUT; returns how many there are. */
size_t istm_all_ifaces(const struct dcom_iface **out, size_t max);
const struct dcom_class *istm_class_find(const struct ndr_guid *clsid);

#endif /* ISTMD_DCOM_INT_H */
