/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr.h: istmd's one NDR engine ([C706] chapter 14, [MS-RPCE] 2.2.5, NDR32
 * little-endian only).
 *
 * Every wire type is described once, declaratively: a struct ndr_type
 * (kind, alignment, C size) and, for structures and parameter lists, a
 * table of struct ndr_field {name, offset, type, flags, size_is, length_is}.
 * One generic engine walks those tables to pull (unmarshal) bytes into C
 * structures allocated from a per-call arena, and to push (marshal) C
 * structures into bytes.  Interfaces (DCOM's and ISTM's 300+ methods) are
 * then nothing but tables; no method has hand-written marshalling code.
 *
 * Trade-offs: the engine handles the NDR that DCOM and [MS-ISTM] use
 * (primitives, GUID, hyper, structures with embedded pointers, fixed,
 * conformant and conformant-varying arrays, unique/ref/full pointers,
 * [string] wchar_t* and [string] char*, and through ordinary types BSTR and MInterfacePointer);
 * it has no unions or pipes yet.  Full pointers are marshalled like unique
 * ones (no aliasing is ever produced, and aliasing received is refused as
 * bad stub data), which is what DCOM needs.  Pulling is defensive: every
 * read checks the bytes left, counts and depth are capped, and the arena
 * caps total allocation, so hostile input yields -EBADMSG or -E2BIG,
 * which callers turn into NCA_S_FAULT_NDR.
 */
#ifndef ISTMD_NDR_H
#define ISTMD_NDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rpc/rpc_dispatch.h"

/* Caps on hostile input. */
#define NDR_MAX_DEPTH      24            /* nested types/pointers */
#define NDR_MAX_COUNT      (1u << 20)    /* elements of one array */
#define NDR_MAX_ALLOC      (8u << 20)    /* bytes one arena may hand out */

/* The one check every primitive goes through: propagate a negative errno. */
#define NDR_CHECK(expr) do { int ndr_check_rc_ = (expr); \
	if (ndr_check_rc_ < 0) return ndr_check_rc_; } while (0)

enum ndr_kind {
	NDR_U8,           /* byte, boolean, char: C uint8_t */
	NDR_U16,          /* unsigned short, wchar_t, enum (16-bit on the wire): C uint16_t */
	NDR_U32,          /* unsigned long, DWORD, HRESULT, BOOL: C uint32_t */
	NDR_U64,          /* hyper, OXID, OID, SETID: C uint64_t, aligned 8 */
	NDR_GUID,         /* GUID/IID/CLSID/IPID: C struct ndr_guid (wire order) */
	NDR_STRUCT,       /* fields[]; a last NDR_CONF_ARRAY field makes it conformant */
	NDR_PARAMS,       /* a method's parameter list: like a struct, but each
	                   * field is a top-level parameter (its pointees follow it
	                   * at once, [C706] 14.3.12.3) and aligns on its own */
	NDR_FIXED_ARRAY,  /* elem[count], inline: C elem array */
	NDR_CONF_ARRAY,   /* [size_is(f)] elem[]: C pointer to elem (arena) */
	NDR_VARY_ARRAY,   /* [size_is(f), length_is(g)] elem[]: conformant varying */
	NDR_PTR,          /* pointer to elem (unique/ref/full per ptr_kind): C pointer */
	NDR_WSTRING,      /* [string] wchar_t*: C char * UTF-8, NUL-terminated */
	NDR_CSTRING,      /* [string] char*: C char *, NUL-terminated, no NUL inside */
};

enum ndr_ptr_kind {
	NDR_PTR_UNIQUE,   /* referent id or 0 */
	NDR_PTR_REF,      /* never null; no referent id inside structures either way */
	NDR_PTR_FULL,     /* as unique (see the header comment) */
};

/* Field flags. */
#define NDR_F_LOCAL   0x1u  /* not on the wire: a C-only member (e.g. a count an
                             * [out] array's size_is refers to) */

struct ndr_type;

struct ndr_field {
	const char *name;              /* for diagnostics and tests */
	size_t offset;                 /* offsetof() in the C structure */
	const struct ndr_type *type;   /* its wire type */
	uint32_t flags;                /* NDR_F_* */
	int8_t size_is;                /* index of the sibling holding the element
	                                * count (conformant arrays, sized pointers), or -1 */
	int8_t length_is;              /* index of the sibling holding the transmitted
	                                * count (varying arrays), or -1 */
	uint8_t size_round;            /* size_is((n + r - 1) & ~(r - 1)) when r > 1
	                                * (ORPC_EXTENT's expressions), else 0 */
};

struct ndr_type {
	const char *name;              /* IDL name */
	enum ndr_kind kind;            /* what it is */
	uint32_t csize;                /* sizeof the C representation of one value */
	const struct ndr_field *fields;/* NDR_STRUCT, NDR_PARAMS */
	uint32_t nfields;              /* entries in fields */
	const struct ndr_type *elem;   /* arrays: element; NDR_PTR: pointee */
	uint32_t count;                /* NDR_FIXED_ARRAY: elements */
	enum ndr_ptr_kind ptr;         /* NDR_PTR: which kind */
};

/* A GUID exactly as it travels (Data1..3 little-endian). */
struct ndr_guid {
	uint8_t b[16];                 /* wire order */
};

/* --- declaring types (designated initialisers behind macros) -------- */
#define NDR_FIELD(ctype, member, wtype) \
	{ #member, offsetof(ctype, member), (wtype), 0, -1, -1, 0 }
#define NDR_FIELD_SIZED(ctype, member, wtype, size_idx) \
	{ #member, offsetof(ctype, member), (wtype), 0, (size_idx), -1, 0 }
#define NDR_FIELD_SIZED_ROUND(ctype, member, wtype, size_idx, round) \
	{ #member, offsetof(ctype, member), (wtype), 0, (size_idx), -1, (round) }
#define NDR_FIELD_VARY(ctype, member, wtype, size_idx, len_idx) \
	{ #member, offsetof(ctype, member), (wtype), 0, (size_idx), (len_idx), 0 }
#define NDR_FIELD_LOCAL(ctype, member, wtype) \
	{ #member, offsetof(ctype, member), (wtype), NDR_F_LOCAL, -1, -1, 0 }
/* A GUID constant in wire order from its text-form parts. */
#define NDR_GUID_INIT(d1, d2, d3, b0, b1, b2, b3, b4, b5, b6, b7) {{ \
	(uint8_t)(d1), (uint8_t)((d1) >> 8), (uint8_t)((d1) >> 16), (uint8_t)((d1) >> 24), \
	(uint8_t)(d2), (uint8_t)((d2) >> 8), (uint8_t)(d3), (uint8_t)((d3) >> 8), \
	b0, b1, b2, b3, b4, b5, b6, b7 }}
#define NDR_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))
#define NDR_STRUCT_TYPE(var, ctype, fieldtab) \
	const struct ndr_type var = { .name = #ctype, .kind = NDR_STRUCT, \
		.csize = sizeof(ctype), .fields = (fieldtab), .nfields = NDR_COUNTOF(fieldtab) }
#define NDR_PARAMS_TYPE(var, ctype, fieldtab) \
	const struct ndr_type var = { .name = #ctype, .kind = NDR_PARAMS, \
		.csize = sizeof(ctype), .fields = (fieldtab), .nfields = NDR_COUNTOF(fieldtab) }
#define NDR_PTR_TYPE(var, pkind, pointee) \
	const struct ndr_type var = { .name = #var, .kind = NDR_PTR, \
		.csize = sizeof(void *), .elem = (pointee), .ptr = (pkind) }
#define NDR_CONF_ARRAY_TYPE(var, element) \
	const struct ndr_type var = { .name = #var, .kind = NDR_CONF_ARRAY, \
		.csize = sizeof(void *), .elem = (element) }
#define NDR_VARY_ARRAY_TYPE(var, element) \
	const struct ndr_type var = { .name = #var, .kind = NDR_VARY_ARRAY, \
		.csize = sizeof(void *), .elem = (element) }
#define NDR_FIXED_ARRAY_TYPE(var, element, n, ctype) \
	const struct ndr_type var = { .name = #var, .kind = NDR_FIXED_ARRAY, \
		.csize = sizeof(ctype), .elem = (element), .count = (n) }

/* The field of T named NAME (tests and diagnostics), or NULL. */
const struct ndr_field *ndr_type_field(const struct ndr_type *t, const char *name);

/* Primitive and common types (ndr_types.c). */
extern const struct ndr_type ndr_t_u8, ndr_t_u16, ndr_t_u32, ndr_t_u64;
extern const struct ndr_type ndr_t_guid, ndr_t_wstring, ndr_t_unique_wstring;
extern const struct ndr_type ndr_t_cstring, ndr_t_unique_cstring;
extern const struct ndr_type ndr_t_no_params;  /* NDR_PARAMS without parameters */

/* MInterfacePointer ([MS-DCOM] 2.2.14): an opaque OBJREF. */
struct ndr_blob {
	uint32_t len;                  /* ulCntData */
	uint8_t *data;                 /* abData[len] */
};
extern const struct ndr_type ndr_t_mip;          /* MInterfacePointer */
extern const struct ndr_type ndr_t_unique_mip;   /* MInterfacePointer * (unique) */

/* BSTR ([MS-OAUT] 2.2.23): a unique pointer to FLAGGED_WORD_BLOB. */
struct ndr_bstr {
	uint32_t cbytes;               /* byte length of the string (no terminator) */
	uint32_t nchars;               /* clSize: UTF-16 units */
	uint16_t *chars;               /* asData[nchars] */
};
extern const struct ndr_type ndr_t_flagged_word_blob;
extern const struct ndr_type ndr_t_bstr;         /* C: struct ndr_bstr * */

/* --- the arena: everything a call pulls, freed at once ------------- */
struct ndr_arena {
	struct ndr_arena_chunk *chunks;/* allocations, newest first */
	size_t total;                  /* bytes handed out, capped by NDR_MAX_ALLOC */
};
void ndr_arena_init(struct ndr_arena *a);
void *ndr_arena_zalloc(struct ndr_arena *a, size_t n);    /* NULL when capped/OOM */
void *ndr_arena_array(struct ndr_arena *a, size_t n, size_t size);
void ndr_arena_release(struct ndr_arena *a);

/* --- pulling --------------------------------------------------------- */
struct ndr_pull {
	const uint8_t *data;           /* the stub */
	size_t len;                    /* its length */
	size_t off;                    /* read position; off <= len always */
	unsigned depth;                /* current nesting, capped by NDR_MAX_DEPTH */
	struct ndr_arena *arena;       /* where pulled values live */
};
void ndr_pull_init(struct ndr_pull *p, const uint8_t *data, size_t len, struct ndr_arena *a);
int ndr_pull_align(struct ndr_pull *p, size_t align);
int ndr_pull_bytes(struct ndr_pull *p, void *dst, size_t n);
int ndr_pull_u8(struct ndr_pull *p, uint8_t *v);
int ndr_pull_u16(struct ndr_pull *p, uint16_t *v);
int ndr_pull_u32(struct ndr_pull *p, uint32_t *v);
int ndr_pull_u64(struct ndr_pull *p, uint64_t *v);
/* Pull one value of type T into C memory at DST (csize bytes, zeroed). */
int ndr_pull(struct ndr_pull *p, const struct ndr_type *t, void *dst);

/* --- pushing --------------------------------------------------------- */
struct ndr_push {
	struct rpc_buf *out;           /* bytes produced */
	struct rpc_buf *mask;          /* optional, tests: 0xff per significant byte,
	                                * 0 per padding/referent-id byte */
	uint32_t next_referent;        /* next unique pointer referent id */
	unsigned depth;                /* nesting, capped as when pulling */
};
void ndr_push_init(struct ndr_push *p, struct rpc_buf *out);
int ndr_push_align(struct ndr_push *p, size_t align);
int ndr_push_bytes(struct ndr_push *p, const void *src, size_t n);
int ndr_push_u8(struct ndr_push *p, uint8_t v);
int ndr_push_u16(struct ndr_push *p, uint16_t v);
int ndr_push_u32(struct ndr_push *p, uint32_t v);
int ndr_push_u64(struct ndr_push *p, uint64_t v);
int ndr_push_referent(struct ndr_push *p, bool present);
int ndr_push(struct ndr_push *p, const struct ndr_type *t, const void *src);

/* (struct rpc_buf's helpers, rpc_buf_append() and friends, are the
 * transport's: rpc/rpc_dispatch.h.) */

/* --- strings (ndr_string.c) ----------------------------------------- */
/* UTF-16LE units <-> UTF-8.  Invalid UTF-16 (lone surrogates) is -EILSEQ. */
int ndr_utf16_to_utf8(struct ndr_arena *a, const uint16_t *s, size_t n, char **out);
int ndr_utf8_to_utf16(struct ndr_arena *a, const char *s, uint16_t **out, size_t *n);
/* BSTR helpers: NULL BSTR <-> NULL string. */
int ndr_bstr_from_utf8(struct ndr_arena *a, const char *s, struct ndr_bstr **out);
int ndr_bstr_to_utf8(struct ndr_arena *a, const struct ndr_bstr *b, char **out);
/* Fill a fixed WCHAR[n] member from UTF-8 (truncating, always terminated). */
void ndr_wchar_fixed_set(uint16_t *dst, size_t n, const char *s);

/* GUID text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" <-> wire order. */
int ndr_guid_parse(const char *s, struct ndr_guid *g);
void ndr_guid_format(const struct ndr_guid *g, char out[37]);
bool ndr_guid_equal(const struct ndr_guid *a, const struct ndr_guid *b);

#endif /* ISTMD_NDR_H */
