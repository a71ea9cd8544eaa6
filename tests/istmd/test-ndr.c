/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-ndr.c: unit tests of the NDR engine and the DCOM object layer, fed
 * with stubs impacket 0.10 really sent (stubs/, captured by the reference
 * mock server) and with hostile variants of them.
 *
 * Round trips: pull a captured stub through the interface's own tables,
 * check the decoded fields, push it back and compare the bytes (padding
 * and referent ids excepted: those are the sender's free choice).
 * Dispatch: activation, every IWTGeneral/IWTGeneral2 method, IRemUnknown,
 * pinging and garbage collection, and the faults for what is wrong.
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dcom/dcom_int.h"
#include "istm/istm.h"
#include "dcom-standin.h"

/* ------------------------------------------------------------ helpers */

struct blob {
	uint8_t *data;               /* file contents */
	size_t len;                  /* bytes */
};

static struct blob load(const char *name)
{
	const char *dir = getenv("top_srcdir");
	char path[4096];
	struct blob b = { 0 };
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/istmd/stubs/%s", dir ? dir : "../..", name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b.len = (size_t)n;
	b.data = malloc(b.len + 1);
	ck_assert(fread(b.data, 1, b.len, f) == b.len);
	fclose(f);
	return b;
}

static const void *field(const struct ndr_type *t, const void *base, const char *name)
{
	const struct ndr_field *f = ndr_type_field(t, name);

	ck_assert_msg(f != NULL, "no field %s in %s", name, t->name);
	return (const uint8_t *)base + f->offset;
}
#define FIELD(type, t, base, name) (*(const type *)field((t), (base), (name)))

/* The HRESULT / error_status_t every response ends with. */
struct status_param { uint32_t status; /* the return value */ };
static const struct ndr_field status_fields[] = {
	NDR_FIELD(struct status_param, status, &ndr_t_u32),
};
static NDR_PARAMS_TYPE(status_t, struct status_param, status_fields);

/* Pull TYPES[0..N) in sequence from the stub, push them back, compare. */
static void roundtrip(const struct blob *b, const struct ndr_type *const *types, void **vals,
		      int n, struct ndr_arena *a)
{
	struct rpc_buf out = { 0 }, mask = { 0 };
	struct ndr_pull pull;
	struct ndr_push push;
	size_t i;
	int k;

	ndr_pull_init(&pull, b->data, b->len, a);
	for (k = 0; k < n; k++) {
		vals[k] = ndr_arena_zalloc(a, types[k]->csize);
		ck_assert_int_eq(ndr_pull(&pull, types[k], vals[k]), 0);
	}
	ck_assert_uint_eq(pull.off, b->len);
	ndr_push_init(&push, &out);
	push.mask = &mask;
	for (k = 0; k < n; k++)
		ck_assert_int_eq(ndr_push(&push, types[k], vals[k]), 0);
	ck_assert_uint_eq(out.len, b->len);
	ck_assert_uint_eq(mask.len, b->len);
	for (i = 0; i < b->len; i++)
		ck_assert_msg(!mask.data[i] || out.data[i] == b->data[i],
			      "byte %zu differs: pushed %02x, captured %02x", i, out.data[i], b->data[i]);
	rpc_buf_release(&out);
	rpc_buf_release(&mask);
}

static const struct ndr_guid iid_iwtgeneral =
	NDR_GUID_INIT(0xd71b2cae, 0x33e8, 0x4567, 0xae, 0x96, 0x3c, 0xcf, 0x31, 0x62, 0x0b, 0xe2);
static const struct ndr_guid iid_iwtgeneral2 =
	NDR_GUID_INIT(0x3c73848a, 0xa679, 0x40c5, 0xb1, 0x01, 0xc9, 0x63, 0xe6, 0x7f, 0x99, 0x49);
static const struct ndr_guid clsid_iwtgeneral =
	NDR_GUID_INIT(0xbaa4a577, 0x202d, 0x49c7, 0xa6, 0xbb, 0x10, 0xee, 0x91, 0x4e, 0xe1, 0x99);
static const uint8_t server_guid[16] = { 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
					 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };

static void setup(void)
{
	static bool done;
	struct priv_server_info info;

	dcom_objtab_clear();
	if (done)
		return;
	memset(&info, 0, sizeof(info));
	memcpy(info.server_guid, server_guid, 16);
	strcpy(info.host_name, "istmtest.example");
	dcom_set_ping(1, 2);
	ck_assert_int_eq(dcom_init(&info, 13599), 0);
	done = true;
}

/* Run one call through the registered handler, as the transport would. */
static uint32_t call(const struct ndr_guid *iid, uint16_t opnum, const struct ndr_guid *object,
		     const uint8_t *stub, size_t len, struct rpc_buf *out)
{
	struct rpc_call_ctx c = {
		.if_uuid = iid->b, .opnum = opnum, .object = object ? object->b : NULL,
		.stub = stub, .stub_len = len, .auth_level = 6, .user = "alice",
		.local_addr = "127.0.0.1", .local_port = 135, .conn_id = 1,
	};
	rpc_handler_fn fn = standin_handler(iid->b);

	out->len = 0;
	if (!fn)
		return NCA_S_UNK_IF;
	return fn(&c, out);
}

static uint32_t last_u32(const struct rpc_buf *b)
{
	uint32_t v;

	ck_assert_uint_ge(b->len, 4);
	memcpy(&v, b->data + b->len - 4, 4);
	return v;
}

/* The ORPCTHIS impacket sends, then PARAMS. */
static size_t orpc_stub(uint8_t *buf, const void *params, size_t len)
{
	static const uint8_t orpcthis[32] = { 5, 0, 7, 0, [12] = 0x90, 0xda, 0x72, 0x2d };

	memcpy(buf, orpcthis, 32);
	if (len)
		memcpy(buf + 32, params, len);
	return 32 + len;
}

/* Activate the IWTGeneral class with the captured request, patched to ask
 * for IID; returns the IPID and OID from the returned OBJREF. */
static uint32_t activate(const struct ndr_guid *clsid, const struct ndr_guid *iid,
			 struct ndr_guid *ipid, uint64_t *oid)
{
	struct blob b = load("req_IRemoteSCMActivator_op4.bin");
	struct rpc_buf out = { 0 };
	uint8_t *p;
	uint32_t hr, fault;
	size_t i;

	/* InstantiationInfo: classId at 0x110, the requested IID at 0x144 */
	memcpy(b.data + 0x110, clsid->b, 16);
	memcpy(b.data + 0x144, iid->b, 16);
	fault = call(&dcom_if_remote_scm_activator.iid, 4, NULL, b.data, b.len, &out);
	ck_assert_uint_eq(fault, 0);
	hr = last_u32(&out);
	for (i = 0; hr == 0 && i + 64 <= out.len; i++) {
		p = out.data + i;
		if (memcmp(p, "MEOW\x01\0\0\0", 8) == 0) {
			ck_assert(memcmp(p + 8, iid->b, 16) == 0);
			memcpy(oid, p + 40, 8);
			memcpy(ipid->b, p + 48, 16);
			break;
		}
	}
	ck_assert(hr != 0 || i + 64 <= out.len);
	free(b.data);
	rpc_buf_release(&out);
	return hr;
}

/* -------------------------------------------------------- round trips */

START_TEST(test_roundtrip_complex_ping)
{
	/* ComplexPing(SetId 0x77, SequenceNum 0x77, cAdd 0, cDel 1,
	 * AddToSet NULL, DelFromSet [0x0102030405060708]) */
	struct blob b = load("req_IObjectExporter_op2.bin");
	const struct ndr_type *t = dcom_iface_method(&dcom_if_object_exporter, 2)->in;
	struct ndr_arena a;
	void *v;

	ndr_arena_init(&a);
	roundtrip(&b, &t, &v, 1, &a);
	ck_assert_uint_eq(FIELD(uint64_t, t, v, "setid"), 0x77);
	ck_assert_uint_eq(FIELD(uint16_t, t, v, "seq"), 0x77);
	ck_assert_uint_eq(FIELD(uint16_t, t, v, "nadd"), 0);
	ck_assert_uint_eq(FIELD(uint16_t, t, v, "ndel"), 1);
	ck_assert_ptr_null(FIELD(uint64_t *, t, v, "add"));
	ck_assert_uint_eq(FIELD(uint64_t *, t, v, "del")[0], 0x0102030405060708ull);
	ndr_arena_release(&a);
	free(b.data);
}
END_TEST

START_TEST(test_roundtrip_rem_release)
{
	/* ORPCTHIS{5.7, flags 0, cid 2d72da90-...} RemRelease(1,
	 * [{aaaaaaaa-0000-0000-0000-000000000001, 1, 0}]) */
	struct blob b = load("req_IRemUnknown_op5.bin");
	const struct ndr_type *t[2] = { &dcom_t_orpcthis_param,
					dcom_iface_method(&dcom_if_remunknown, 5)->in };
	const struct dcom_orpcthis *orpc;
	const struct dcom_reminterfaceref *refs;
	struct ndr_arena a;
	void *v[2];

	ndr_arena_init(&a);
	roundtrip(&b, t, v, 2, &a);
	orpc = v[0];
	ck_assert_uint_eq(orpc->version.major, 5);
	ck_assert_uint_eq(orpc->version.minor, 7);
	ck_assert_ptr_null(orpc->extensions);
	ck_assert_uint_eq(orpc->cid.b[0], 0x90);
	ck_assert_uint_eq(FIELD(uint16_t, t[1], v[1], "n"), 1);
	refs = FIELD(struct dcom_reminterfaceref *, t[1], v[1], "refs");
	ck_assert_uint_eq(refs[0].ipid.b[0], 0xaa);
	ck_assert_uint_eq(refs[0].ipid.b[15], 0x01);
	ck_assert_uint_eq(refs[0].public_refs, 1);
	ck_assert_uint_eq(refs[0].private_refs, 0);
	ndr_arena_release(&a);
	free(b.data);
}
END_TEST

START_TEST(test_roundtrip_iwtgeneral_get_guid)
{
	/* ORPCTHIS only: [propget] Guid has no [in] parameters */
	struct blob b = load("req_IWTGeneral_op3.bin");
	const struct ndr_type *t[2] = { &dcom_t_orpcthis_param,
					dcom_iface_method(&istm_if_iwtgeneral, 3)->in };
	struct ndr_arena a;
	void *v[2];

	ndr_arena_init(&a);
	roundtrip(&b, t, v, 2, &a);
	ck_assert_str_eq(dcom_iface_method(&istm_if_iwtgeneral, 3)->name, "get_Guid");
	ndr_arena_release(&a);
	free(b.data);
}
END_TEST

START_TEST(test_roundtrip_create_instance)
{
	/* ORPCTHIS{5.7, flags 1} pUnkOuter NULL, pActProperties: 416-byte OBJREF_CUSTOM */
	struct blob b = load("req_IRemoteSCMActivator_op4.bin");
	const struct ndr_type *t[2] = { &dcom_t_orpcthis_param,
					dcom_iface_method(&dcom_if_remote_scm_activator, 4)->in };
	const struct ndr_blob *props;
	struct ndr_arena a;
	void *v[2];

	ndr_arena_init(&a);
	roundtrip(&b, t, v, 2, &a);
	ck_assert_uint_eq(((struct dcom_orpcthis *)v[0])->flags, 1);
	ck_assert_ptr_null(FIELD(struct ndr_blob *, t[1], v[1], "unk_outer"));
	props = FIELD(struct ndr_blob *, t[1], v[1], "props");
	ck_assert_uint_eq(props->len, 0x1a0);
	ck_assert(memcmp(props->data, "MEOW\x04\0\0\0", 8) == 0);
	ndr_arena_release(&a);
	free(b.data);
}
END_TEST

START_TEST(test_roundtrip_create_instance_reply)
{
	/* ORPCTHAT{0, NULL}, ppActProperties: 480-byte OBJREF_CUSTOM, S_OK */
	struct blob b = load("rci_response_stub.bin");
	const struct ndr_type *t[3] = { &dcom_t_orpcthat_param,
					dcom_iface_method(&dcom_if_remote_scm_activator, 4)->out, &status_t };
	const struct ndr_blob *props;
	struct ndr_arena a;
	void *v[3];

	ndr_arena_init(&a);
	roundtrip(&b, t, v, 3, &a);
	props = FIELD(struct ndr_blob *, t[1], v[1], "props");
	ck_assert_uint_eq(props->len, 0x1e0);
	ck_assert_uint_eq(((struct status_param *)v[2])->status, 0);
	ndr_arena_release(&a);
	free(b.data);
}
END_TEST

/* Strings and varying arrays, which the captured stubs lack. */
struct strings_param {
	char *s;                     /* [string] wchar_t * (ref) */
	char *u;                     /* [unique, string] wchar_t * */
	struct ndr_bstr *b;          /* BSTR */
	uint32_t max;                /* size_is */
	uint32_t n;                  /* length_is */
	uint32_t *arr;               /* [size_is(max), length_is(n)] */
};
static NDR_VARY_ARRAY_TYPE(vary_u32, &ndr_t_u32);
static const struct ndr_field strings_fields[] = {
	NDR_FIELD(struct strings_param, s, &ndr_t_wstring),
	NDR_FIELD(struct strings_param, u, &ndr_t_unique_wstring),
	NDR_FIELD(struct strings_param, b, &ndr_t_bstr),
	NDR_FIELD(struct strings_param, max, &ndr_t_u32),
	NDR_FIELD(struct strings_param, n, &ndr_t_u32),
	NDR_FIELD_VARY(struct strings_param, arr, &vary_u32, 3, 4),
};
static NDR_PARAMS_TYPE(strings_t, struct strings_param, strings_fields);

START_TEST(test_strings_and_varying)
{
	uint32_t arr[4] = { 1, 2, 3, 4 };
	struct strings_param in = { .s = "disk\xc3\xa9", .u = NULL, .max = 4, .n = 2, .arr = arr };
	struct strings_param *back;
	struct rpc_buf out = { 0 };
	struct ndr_arena a;
	struct ndr_pull pull;
	struct ndr_push push;
	char *text;

	ndr_arena_init(&a);
	ck_assert_int_eq(ndr_bstr_from_utf8(&a, "\xf0\x9f\x92\xbe vhd", &in.b), 0);
	ndr_push_init(&push, &out);
	ck_assert_int_eq(ndr_push(&push, &strings_t, &in), 0);
	/* [string]: max 6, offset 0, actual 6, "disk\u00e9\0" */
	ck_assert_uint_eq(out.data[0], 6);
	ck_assert_uint_eq(out.data[8], 6);
	ck_assert_uint_eq(out.data[12], 'd');
	ck_assert_uint_eq(out.data[12 + 2 * 4], 0xe9);
	back = ndr_arena_zalloc(&a, sizeof(*back));
	ndr_pull_init(&pull, out.data, out.len, &a);
	ck_assert_int_eq(ndr_pull(&pull, &strings_t, back), 0);
	ck_assert_uint_eq(pull.off, out.len);
	ck_assert_str_eq(back->s, "disk\xc3\xa9");
	ck_assert_ptr_null(back->u);
	ck_assert_int_eq(ndr_bstr_to_utf8(&a, back->b, &text), 0);
	ck_assert_str_eq(text, "\xf0\x9f\x92\xbe vhd");
	ck_assert_uint_eq(back->b->nchars, 6);   /* a surrogate pair and 4 more */
	ck_assert_uint_eq(back->n, 2);
	ck_assert_uint_eq(back->arr[1], 2);
	/* a transmitted count above the maximum is refused */
	out.data[out.len - 12] = 5;
	ndr_pull_init(&pull, out.data, out.len, &a);
	back = ndr_arena_zalloc(&a, sizeof(*back));
	ck_assert_int_eq(ndr_pull(&pull, &strings_t, back), -EBADMSG);
	rpc_buf_release(&out);
	ndr_arena_release(&a);
}
END_TEST

/* [MS-VDS]'s shapes: [string] char * and a [size_is(n)] pointer to
 * structures that hold pointers themselves, inside a structure. */
struct cstr_item {
	uint32_t cb;                 /* size_is of bytes */
	uint8_t *bytes;              /* [size_is(cb)] byte * */
};
static NDR_PTR_TYPE(cstr_ptr_u8, NDR_PTR_UNIQUE, &ndr_t_u8);
static const struct ndr_field cstr_item_fields[] = {
	NDR_FIELD(struct cstr_item, cb, &ndr_t_u32),
	NDR_FIELD_SIZED(struct cstr_item, bytes, &cstr_ptr_u8, 0),
};
static NDR_STRUCT_TYPE(cstr_item_t, struct cstr_item, cstr_item_fields);
struct cstr_outer {
	char *name;                  /* [string] char * (unique) */
	uint32_t n;                  /* size_is of items */
	struct cstr_item *items;     /* [size_is(n)] struct cstr_item * */
};
static NDR_PTR_TYPE(cstr_ptr_item, NDR_PTR_UNIQUE, &cstr_item_t);
static const struct ndr_field cstr_outer_fields[] = {
	NDR_FIELD(struct cstr_outer, name, &ndr_t_unique_cstring),
	NDR_FIELD(struct cstr_outer, n, &ndr_t_u32),
	NDR_FIELD_SIZED(struct cstr_outer, items, &cstr_ptr_item, 1),
};
static NDR_STRUCT_TYPE(cstr_outer_t, struct cstr_outer, cstr_outer_fields);

START_TEST(test_cstring_and_sized_structs)
{
	uint8_t b0[3] = { 1, 2, 3 }, b1[1] = { 9 };
	struct cstr_item items[2] = { { 3, b0 }, { 1, b1 } };
	struct cstr_outer in = { "IET", 2, items }, *back;
	struct rpc_buf out = { 0 };
	struct ndr_arena a;
	struct ndr_pull pull;
	struct ndr_push push;
	const size_t name_at = 12;   /* after the scalars: name id, n, items id */

	ndr_arena_init(&a);
	ndr_push_init(&push, &out);
	ck_assert_int_eq(ndr_push(&push, &cstr_outer_t, &in), 0);
	/* "IET\0": max 4, offset 0, actual 4, the bytes with their NUL */
	ck_assert_uint_eq(out.data[name_at], 4);
	ck_assert_uint_eq(out.data[name_at + 8], 4);
	ck_assert_int_eq(memcmp(out.data + name_at + 12, "IET", 4), 0);
	/* then the items: conformance 2 */
	ck_assert_uint_eq(out.data[name_at + 16], 2);
	back = ndr_arena_zalloc(&a, sizeof(*back));
	ndr_pull_init(&pull, out.data, out.len, &a);
	ck_assert_int_eq(ndr_pull(&pull, &cstr_outer_t, back), 0);
	ck_assert_uint_eq(pull.off, out.len);
	ck_assert_str_eq(back->name, "IET");
	ck_assert_uint_eq(back->n, 2);
	ck_assert_uint_eq(back->items[0].cb, 3);
	ck_assert_uint_eq(back->items[0].bytes[2], 3);
	ck_assert_uint_eq(back->items[1].bytes[0], 9);
	/* no terminator, or a NUL inside: refused */
	out.data[name_at + 12 + 3] = 'X';
	ndr_pull_init(&pull, out.data, out.len, &a);
	ck_assert_int_eq(ndr_pull(&pull, &cstr_outer_t, back), -EBADMSG);
	out.data[name_at + 12 + 3] = 0;
	out.data[name_at + 12 + 1] = 0;
	ndr_pull_init(&pull, out.data, out.len, &a);
	ck_assert_int_eq(ndr_pull(&pull, &cstr_outer_t, back), -EBADMSG);
	out.data[name_at + 12 + 1] = 'E';
	/* a conformance other than the count that sizes it: refused */
	out.data[name_at + 16] = 3;
	ndr_pull_init(&pull, out.data, out.len, &a);
	ck_assert_int_eq(ndr_pull(&pull, &cstr_outer_t, back), -EBADMSG);
	rpc_buf_release(&out);
	ndr_arena_release(&a);
}
END_TEST

/* ----------------------------------------------------------- hostile */

START_TEST(test_every_truncation_faults)
{
	static const char *const files[] = { "req_IRemoteSCMActivator_op4.bin",
		"req_IObjectExporter_op2.bin", "req_IRemUnknown_op5.bin", "req_IWTGeneral_op3.bin" };
	const struct ndr_guid *iids[] = { &dcom_if_remote_scm_activator.iid,
		&dcom_if_object_exporter.iid, &dcom_if_remunknown.iid, &iid_iwtgeneral };
	const uint16_t opnums[] = { 4, 2, 5, 3 };
	struct ndr_guid ipid;
	struct rpc_buf out = { 0 };
	uint64_t oid;
	unsigned f;
	size_t n;

	setup();
	ck_assert_uint_eq(activate(&clsid_iwtgeneral, &iid_iwtgeneral, &ipid, &oid), 0);
	for (f = 0; f < 4; f++) {
		struct blob b = load(files[f]);
		const struct ndr_guid *obj = f == 2 ? dcom_remunknown_ipid() : f == 3 ? &ipid : NULL;

		for (n = 0; n < b.len; n++) {
			uint8_t *copy = malloc(n + 1);   /* exactly n bytes visible to ASan */

			memcpy(copy, b.data, n);
			ck_assert_msg(call(iids[f], opnums[f], obj, copy, n, &out) == NCA_S_FAULT_NDR,
				      "%s cut at %zu not refused", files[f], n);
			free(copy);
		}
		free(b.data);
	}
	rpc_buf_release(&out);
}
END_TEST

START_TEST(test_huge_counts_fault)
{
	struct blob b = load("req_IRemUnknown_op5.bin");
	struct blob s = load("req_IRemoteSCMActivator_op4.bin");
	struct rpc_buf out = { 0 };

	setup();
	/* cInterfaceRefs and the conformance 0xffff / 0xffffffff */
	memcpy(b.data + 0x20, "\xff\xff", 2);
	memcpy(b.data + 0x24, "\xff\xff\xff\xff", 4);
	ck_assert_uint_eq(call(&dcom_if_remunknown.iid, 5, dcom_remunknown_ipid(), b.data, b.len, &out),
			  NCA_S_FAULT_NDR);
	/* conformance disagreeing with cInterfaceRefs */
	memcpy(b.data + 0x20, "\x01\x00", 2);
	memcpy(b.data + 0x24, "\x02\x00\x00\x00", 4);
	ck_assert_uint_eq(call(&dcom_if_remunknown.iid, 5, dcom_remunknown_ipid(), b.data, b.len, &out),
			  NCA_S_FAULT_NDR);
	/* MInterfacePointer ulCntData far beyond the stub */
	memcpy(s.data + 0x28, "\x00\x00\x00\x7f", 4);
	memcpy(s.data + 0x2c, "\x00\x00\x00\x7f", 4);
	ck_assert_uint_eq(call(&dcom_if_remote_scm_activator.iid, 4, NULL, s.data, s.len, &out),
			  NCA_S_FAULT_NDR);
	free(b.data);
	free(s.data);
	rpc_buf_release(&out);
}
END_TEST

START_TEST(test_activation_blob_lies_fault)
{
	struct blob s = load("req_IRemoteSCMActivator_op4.bin");
	struct rpc_buf out = { 0 };

	setup();
	/* CustomHeader.cIfs says 200 properties */
	memcpy(s.data + 0x88, "\xc8\x00\x00\x00", 4);
	ck_assert_uint_eq(call(&dcom_if_remote_scm_activator.iid, 4, NULL, s.data, s.len, &out),
			  NCA_S_FAULT_NDR);
	free(s.data);
	s = load("req_IRemoteSCMActivator_op4.bin");
	/* pSizes[0] larger than the blob */
	memcpy(s.data + 0xf0, "\x00\x10\x00\x00", 4);
	ck_assert_uint_eq(call(&dcom_if_remote_scm_activator.iid, 4, NULL, s.data, s.len, &out),
			  NCA_S_FAULT_NDR);
	free(s.data);
	rpc_buf_release(&out);
}
END_TEST

/* ---------------------------------------------------------- dispatch */

START_TEST(test_activation_unknown_class_and_interface)
{
	static const struct ndr_guid bogus =
		NDR_GUID_INIT(0x11111111, 0x2222, 0x3333, 0x44, 0x44, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55);
	static const struct ndr_guid clsid_hostmgr =
		NDR_GUID_INIT(0xe14efe0b, 0xfd3b, 0x41ea, 0x8e, 0x3b, 0x88, 0x93, 0x04, 0x45, 0xb9, 0x44);
	struct ndr_guid ipid;
	uint64_t oid;
	unsigned objs, ipids, sets;

	setup();
	ck_assert_uint_eq(activate(&bogus, &iid_iwtgeneral, &ipid, &oid), REGDB_E_CLASSNOTREG);
	ck_assert_uint_eq(activate(&clsid_iwtgeneral, &bogus, &ipid, &oid), E_NOINTERFACE);
	/* IHostMgr's class exists but has no interfaces yet */
	ck_assert_uint_eq(activate(&clsid_hostmgr, &iid_iwtgeneral, &ipid, &oid), E_NOINTERFACE);
	dcom_objtab_counts(&objs, &ipids, &sets);
	ck_assert_uint_eq(objs, 0);
	ck_assert_uint_eq(activate(&clsid_iwtgeneral, &iid_iwtgeneral2, &ipid, &oid), S_OK);
	dcom_objtab_counts(&objs, &ipids, &sets);
	ck_assert_uint_eq(objs, 1);
	ck_assert_uint_eq(ipids, 1);
}
END_TEST

START_TEST(test_iwtgeneral_methods)
{
	uint8_t stub[256];
	struct rpc_buf out = { 0 };
	struct ndr_guid ipid, ipid2;
	uint64_t oid;
	size_t n;
	/* SNAPSHOT_SCHEDULE_SETTINGS{TRUE, Wednesday(3), 0x01d9...}: boolean,
	 * pad, enum16, pad to 8, hyper (ORPCTHIS is 32 bytes, so aligned) */
	static const uint8_t sched[16] = { 1, 0, 3, 0, 0, 0, 0, 0,
					   0x00, 0x80, 0x3e, 0xd5, 0xde, 0xb1, 0xd9, 0x01 };
	/* BSTR "tgt1": referent, max 4, cBytes 8, clSize 4, "tgt1" */
	static const uint8_t name[] = { 0, 0, 2, 0, 4, 0, 0, 0, 8, 0, 0, 0, 4, 0, 0, 0,
					't', 0, 'g', 0, 't', 0, '1', 0 };
	static const char *const names[] = { "get_Guid", "get_Name", "put_Name", "get_License",
		"get_WTCliPath", "CheckAccess", "AddLicense", "IsSnapshotsSupported",
		"RegisterNotification", "UnregisterNotification", "DVGetSnapshotSchedule",
		"DVSetSnapshotSchedule" };
	uint16_t op;

	setup();
	for (op = 3; op <= 14; op++)
		ck_assert_str_eq(dcom_iface_method(&istm_if_iwtgeneral2, op)->name, names[op - 3]);
	ck_assert_ptr_null(dcom_iface_method(&istm_if_iwtgeneral, 15));
	ck_assert_str_eq(dcom_iface_method(&istm_if_iwtgeneral2, 15)->name, "IsClustered");
	ck_assert_uint_eq(activate(&clsid_iwtgeneral, &iid_iwtgeneral, &ipid, &oid), S_OK);

	/* get_Guid: ORPCTHAT(8) GUID(16) HRESULT */
	n = orpc_stub(stub, NULL, 0);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(out.len, 28);
	ck_assert(memcmp(out.data + 8, server_guid, 16) == 0);
	ck_assert_uint_eq(last_u32(&out), S_OK);
	/* get_Name: the host name until put_Name */
	ck_assert_uint_eq(call(&iid_iwtgeneral, 4, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), S_OK);
	ck_assert_uint_eq(out.data[16], 16 * 2);         /* cBytes of "istmtest.example" */
	n = orpc_stub(stub, name, sizeof(name));
	ck_assert_uint_eq(call(&iid_iwtgeneral, 5, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), S_OK);
	n = orpc_stub(stub, NULL, 0);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 4, &ipid, stub, n, &out), 0);
	ck_assert(memcmp(out.data + 24, "t\0g\0t\0001\0", 8) == 0);
	/* get_License: 4 + 4 * 3 + 1280 */
	ck_assert_uint_eq(call(&iid_iwtgeneral, 6, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(out.len, 8 + 16 + 1280 + 4);
	ck_assert_uint_eq(out.data[24], 'v');
	ck_assert_uint_eq(call(&iid_iwtgeneral, 7, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), S_OK);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 8, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), S_OK);
	n = orpc_stub(stub, name, sizeof(name));
	ck_assert_uint_eq(call(&iid_iwtgeneral, 9, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), E_NOTIMPL);
	n = orpc_stub(stub, NULL, 0);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 10, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), S_OK); /* IsSnapshotsSupported */
	/* RegisterNotification(NULL, 7), UnregisterNotification(NULL): no
	 * interface pointer is E_INVALIDARG, before the parent is asked */
	n = orpc_stub(stub, "\0\0\0\0\7\0\0\0", 8);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 11, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), E_INVALIDARG);
	n = orpc_stub(stub, "\0\0\0\0", 4);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 12, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), E_INVALIDARG);
	/* set then get the schedule */
	n = orpc_stub(stub, sched, sizeof(sched));
	ck_assert_uint_eq(call(&iid_iwtgeneral, 14, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), S_OK);
	memset(stub + 32, 0, 16);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 13, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(out.len, 8 + 16 + 4);
	ck_assert(memcmp(out.data + 8, sched, 16) == 0);
	/* Wednesday is 3; 9 is no day */
	memcpy(stub + 32, sched, 16);
	stub[34] = 9;
	ck_assert_uint_eq(call(&iid_iwtgeneral, 14, &ipid, stub, n, &out), 0);
	ck_assert_uint_eq(last_u32(&out), E_INVALIDARG);
	/* opnum 15 is IWTGeneral2's: out of range on IWTGeneral */
	n = orpc_stub(stub, NULL, 0);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 15, &ipid, stub, n, &out), NCA_S_OP_RNG_ERROR);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 2, &ipid, stub, n, &out), NCA_S_OP_RNG_ERROR);

	/* RemQueryInterface(ipid, cRefs 1, [IWTGeneral2]) */
	{
		uint8_t qi[16 + 4 + 4 + 4 + 16];

		memcpy(qi, ipid.b, 16);
		memcpy(qi + 16, "\1\0\0\0\1\0\0\0\1\0\0\0", 12);
		memcpy(qi + 28, iid_iwtgeneral2.b, 16);
		n = orpc_stub(stub, qi, sizeof(qi));
		ck_assert_uint_eq(call(&dcom_if_remunknown.iid, 3, dcom_remunknown_ipid(), stub, n,
				       &out), 0);
		ck_assert_uint_eq(last_u32(&out), S_OK);
		/* ORPCTHAT 8, referent 4, max 4, REMQIRESULT{hr, STDOBJREF} */
		ck_assert_uint_eq(out.data[16], 0);
		memcpy(ipid2.b, out.data + 48, 16);
	}
	ck_assert_uint_eq(call(&iid_iwtgeneral2, 15, &ipid2, stub, n = orpc_stub(stub, NULL, 0),
			       &out), 0);
	ck_assert_uint_eq(last_u32(&out), S_FALSE);
	/* IWTGeneral2 also answers IWTGeneral's opnums */
	ck_assert_uint_eq(call(&iid_iwtgeneral2, 3, &ipid2, stub, n, &out), 0);
	ck_assert(memcmp(out.data + 8, server_guid, 16) == 0);

	/* RemRelease both: the object is gone, its IPIDs fault */
	{
		uint8_t rel[4 + 4 + 2 * 24];

		memcpy(rel, "\2\0\0\0\2\0\0\0", 8);
		memcpy(rel + 8, ipid.b, 16);
		memcpy(rel + 24, "\1\0\0\0\0\0\0\0", 8);
		memcpy(rel + 32, ipid2.b, 16);
		memcpy(rel + 48, "\1\0\0\0\0\0\0\0", 8);
		n = orpc_stub(stub, rel, sizeof(rel));
		ck_assert_uint_eq(call(&dcom_if_remunknown.iid, 5, dcom_remunknown_ipid(), stub, n,
				       &out), 0);
		ck_assert_uint_eq(last_u32(&out), S_OK);
	}
	n = orpc_stub(stub, NULL, 0);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &ipid, stub, n, &out), RPC_E_DISCONNECTED_FAULT);
	ck_assert_uint_eq(call(&iid_iwtgeneral2, 15, &ipid2, stub, n, &out), RPC_E_DISCONNECTED_FAULT);
	/* IRemUnknown on a wrong IPID */
	ck_assert_uint_eq(call(&dcom_if_remunknown.iid, 5, &ipid, stub, n, &out),
			  RPC_E_DISCONNECTED_FAULT);
	rpc_buf_release(&out);
}
END_TEST

START_TEST(test_orpcthis_extensions)
{
	/* ORPCTHIS with an ORPC_EXTENT_ARRAY as Windows clients send one:
	 * size 1 extent, its pointer array rounded up to 2 entries, the extent's
	 * 5 data bytes rounded up to 8 ([MS-DCOM] 2.2.21) */
	uint8_t stub[128] = { 5, 0, 7, 0, [12] = 0x90, [28] = 0, 0, 2, 0,
		/* 32: size, reserved, extent referent */
		1, 0, 0, 0, 0, 0, 0, 0, 4, 0, 2, 0,
		/* 44: conformance 2, [referent, NULL] */
		2, 0, 0, 0, 8, 0, 2, 0, 0, 0, 0, 0,
		/* 56: ORPC_EXTENT: conformance 8, id, size 5, data[8] */
		8, 0, 0, 0, 0xef, 0xbe, 0xad, 0xde, [76] = 5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o' };
	struct rpc_buf out = { 0 };
	struct ndr_guid ipid;
	uint64_t oid;

	setup();
	ck_assert_uint_eq(activate(&clsid_iwtgeneral, &iid_iwtgeneral, &ipid, &oid), S_OK);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &ipid, stub, 88, &out), 0);
	ck_assert(memcmp(out.data + 8, server_guid, 16) == 0);
	/* the pointer array's conformance must be (size + 1) & ~1 */
	stub[44] = 3;
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &ipid, stub, 88, &out), NCA_S_FAULT_NDR);
	stub[44] = 2;
	/* and the data's (size + 7) & ~7 */
	stub[56] = 5;
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &ipid, stub, 88, &out), NCA_S_FAULT_NDR);
	rpc_buf_release(&out);
}
END_TEST

/* ComplexPing(setid, seq, add[], no del) request stub: each top-level
 * parameter's pointee follows its referent id at once. */
static size_t complex_ping_stub(uint8_t *buf, uint64_t setid, uint16_t seq, const uint64_t *add,
				uint16_t nadd)
{
	uint32_t ref = 0x20000, max = nadd;
	size_t n;

	memcpy(buf, &setid, 8);
	memcpy(buf + 8, &seq, 2);
	memcpy(buf + 10, &nadd, 2);
	memset(buf + 12, 0, 4);       /* cDelFromSet 0, pad */
	memcpy(buf + 16, &ref, 4);
	memcpy(buf + 20, &max, 4);    /* conformance; the OIDs align to 8 */
	memcpy(buf + 24, add, 8u * nadd);
	n = 24 + 8u * nadd;
	memset(buf + n, 0, 4);        /* DelFromSet NULL */
	return n + 4;
}

START_TEST(test_ping_keeps_alive_and_gc_collects)
{
	struct ndr_guid pinged, forgotten;
	uint64_t oid_pinged, oid_forgotten, setid;
	struct rpc_buf out = { 0 };
	uint8_t stub[64];
	size_t n;
	int i;

	setup();
	ck_assert_ptr_nonnull(standin_tick);
	ck_assert_uint_eq(activate(&clsid_iwtgeneral, &iid_iwtgeneral, &pinged, &oid_pinged), S_OK);
	ck_assert_uint_eq(activate(&clsid_iwtgeneral, &iid_iwtgeneral, &forgotten, &oid_forgotten), S_OK);
	n = complex_ping_stub(stub, 0, 0, &oid_pinged, 1);
	ck_assert_uint_eq(call(&dcom_if_object_exporter.iid, 2, NULL, stub, n, &out), 0);
	ck_assert_uint_eq(out.len, 16);
	ck_assert_uint_eq(last_u32(&out), 0);
	memcpy(&setid, out.data, 8);
	ck_assert_uint_ne(setid, 0);
	/* ping period 1 s, 2 missed: ping every 0.5 s for 3 s */
	for (i = 0; i < 6; i++) {
		usleep(500 * 1000);
		memcpy(stub, &setid, 8);
		ck_assert_uint_eq(call(&dcom_if_object_exporter.iid, 1, NULL, stub, 8, &out), 0);
		ck_assert_uint_eq(last_u32(&out), 0);
		standin_tick();
	}
	n = orpc_stub(stub, NULL, 0);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &pinged, stub, n, &out), 0);
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &forgotten, stub, n, &out),
			  RPC_E_DISCONNECTED_FAULT);
	/* now stop pinging: the set and its object go too */
	usleep(2200 * 1000);
	standin_tick();
	ck_assert_uint_eq(call(&iid_iwtgeneral, 3, &pinged, stub, n, &out), RPC_E_DISCONNECTED_FAULT);
	memcpy(stub, &setid, 8);
	ck_assert_uint_eq(call(&dcom_if_object_exporter.iid, 1, NULL, stub, 8, &out), 0);
	ck_assert_uint_eq(last_u32(&out), OR_INVALID_SET);
	rpc_buf_release(&out);
}
END_TEST

static int states_freed;

static void free_state(void *p)
{
	states_freed++;
	free(p);
}

START_TEST(test_object_state_freed_with_object)
{
	static const struct ndr_guid clsid =
		NDR_GUID_INIT(0xbaa4a577, 0x202d, 0x49c7, 0xa6, 0xbb, 0x10, 0xee, 0x91, 0x4e, 0xe1, 0x99);
	struct dcom_object *obj;
	struct dcom_stdobjref std;

	setup();
	states_freed = 0;
	ck_assert_int_eq(dcom_object_new(istm_class_find(&clsid), &obj), 0);
	dcom_object_set_state(obj, malloc(16), free_state);
	ck_assert_ptr_nonnull(dcom_object_state(obj));
	ck_assert_int_eq(dcom_object_export(obj, &istm_if_iwtgeneral, 2, &std), 0);
	ck_assert_uint_eq(dcom_ipid_release(&std.ipid, 1), S_OK);
	ck_assert_int_eq(states_freed, 0);
	ck_assert_uint_eq(dcom_ipid_release(&std.ipid, 1), S_OK);
	ck_assert_int_eq(states_freed, 1);
	ck_assert_uint_eq(dcom_ipid_release(&std.ipid, 1), RPC_E_INVALID_OBJECT);
}
END_TEST

START_TEST(test_resolver_misc)
{
	struct rpc_buf out = { 0 };
	uint8_t stub[32];
	uint64_t oxid = dcom_oxid();

	setup();
	/* ServerAlive2: COMVERSION 5.7, DUALSTRINGARRAY "127.0.0.1" */
	ck_assert_uint_eq(call(&dcom_if_object_exporter.iid, 5, NULL, NULL, 0, &out), 0);
	ck_assert_uint_eq(out.data[0], 5);
	ck_assert_uint_eq(out.data[2], 7);
	ck_assert_uint_eq(last_u32(&out), 0);
	/* ResolveOxid2(oxid, [7]) */
	memcpy(stub, &oxid, 8);
	memcpy(stub + 8, "\1\0\0\0\1\0\0\0\7\0", 10);
	ck_assert_uint_eq(call(&dcom_if_object_exporter.iid, 4, NULL, stub, 18, &out), 0);
	ck_assert_uint_eq(last_u32(&out), 0);
	ck_assert(memmem(out.data, out.len, "1\0[\0001\0003\0005\0009\0009\0]\0", 16) != NULL);
	oxid++;
	memcpy(stub, &oxid, 8);
	ck_assert_uint_eq(call(&dcom_if_object_exporter.iid, 0, NULL, stub, 18, &out), 0);
	ck_assert_uint_eq(last_u32(&out), OR_INVALID_OXID);
	ck_assert_uint_eq(call(&dcom_if_object_exporter.iid, 6, NULL, stub, 18, &out),
			  NCA_S_OP_RNG_ERROR);
	ck_assert_uint_eq(call(&dcom_if_remote_scm_activator.iid, 0, NULL, stub, 18, &out),
			  NCA_S_OP_RNG_ERROR);
	rpc_buf_release(&out);
}
END_TEST

/* The OBJREFs clients send (IStatusNotify pointers): what istmd writes
 * reads back; every truncation, another form, a lying DUALSTRINGARRAY or
 * one without an ncacn_ip_tcp binding is refused. */
START_TEST(test_objref_parse)
{
	struct ndr_arena a = { 0 };
	struct dcom_stdobjref std = { 0, 5, 0x1122334455667788ull, 0x99, { { 7 } } };
	struct ndr_guid iid = { { 0x19, 0xc0, 0x2c, 0x31 } };
	struct dcom_objref_in in;
	struct ndr_blob *blob, cut;
	struct dcom_dsa dsa;
	uint8_t buf[512];
	uint32_t n;

	ndr_arena_init(&a);
	ck_assert_int_eq(dcom_dsa_build(&a, "127.0.0.1", 4242, &dsa), 0);
	ck_assert_int_eq(dcom_objref_standard(&a, &iid, &std, &dsa, &blob), 0);
	ck_assert_int_eq(dcom_objref_parse(blob, &in), 0);
	ck_assert(memcmp(in.iid.b, iid.b, 16) == 0);
	ck_assert(in.std.oxid == std.oxid && in.std.oid == std.oid && in.std.public_refs == 5);
	ck_assert(memcmp(in.std.ipid.b, std.ipid.b, 16) == 0);
	ck_assert_uint_eq(in.n_tcp, 1);
	ck_assert_str_eq(in.tcp[0], "127.0.0.1[4242]");
	ck_assert_uint_lt(blob->len, sizeof(buf));
	for (n = 0; n < blob->len; n++) {
		cut = (struct ndr_blob){ n, blob->data };
		ck_assert_int_eq(dcom_objref_parse(&cut, &in), -EINVAL);
	}
	ck_assert_int_eq(dcom_objref_parse(NULL, &in), -EINVAL);
	memcpy(buf, blob->data, blob->len);
	cut = (struct ndr_blob){ blob->len, buf };
	buf[4] = 4;                                   /* OBJREF_CUSTOM */
	ck_assert_int_eq(dcom_objref_parse(&cut, &in), -EINVAL);
	buf[4] = 1;
	buf[66] = 0xff;                               /* wSecurityOffset past the end */
	ck_assert_int_eq(dcom_objref_parse(&cut, &in), -EINVAL);
	buf[66] = blob->data[66];
	buf[64]++;                                    /* wNumEntries one too many */
	ck_assert_int_eq(dcom_objref_parse(&cut, &in), -EINVAL);
	buf[64]--;
	buf[68] = 8;                                  /* not ncacn_ip_tcp: nothing to call */
	ck_assert_int_eq(dcom_objref_parse(&cut, &in), -EINVAL);
	buf[68] = 7;
	buf[70] = ' ';                                /* not an address */
	ck_assert_int_eq(dcom_objref_parse(&cut, &in), -EINVAL);
	buf[70] = blob->data[70];
	ck_assert_int_eq(dcom_objref_parse(&cut, &in), 0);
	ndr_arena_release(&a);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ndr");
	TCase *rt = tcase_create("roundtrip"), *h = tcase_create("hostile"),
	      *d = tcase_create("dispatch");
	SRunner *r;
	int failed;

	tcase_add_test(rt, test_roundtrip_complex_ping);
	tcase_add_test(rt, test_roundtrip_rem_release);
	tcase_add_test(rt, test_roundtrip_iwtgeneral_get_guid);
	tcase_add_test(rt, test_roundtrip_create_instance);
	tcase_add_test(rt, test_roundtrip_create_instance_reply);
	tcase_add_test(rt, test_strings_and_varying);
	tcase_add_test(rt, test_cstring_and_sized_structs);
	tcase_add_test(h, test_every_truncation_faults);
	tcase_add_test(h, test_huge_counts_fault);
	tcase_add_test(h, test_activation_blob_lies_fault);
	tcase_add_test(d, test_activation_unknown_class_and_interface);
	tcase_add_test(d, test_iwtgeneral_methods);
	tcase_add_test(d, test_ping_keeps_alive_and_gc_collects);
	tcase_add_test(d, test_resolver_misc);
	tcase_add_test(d, test_orpcthis_extensions);
	tcase_add_test(d, test_object_state_freed_with_object);
	tcase_add_test(h, test_objref_parse);
	tcase_set_timeout(d, 30);
	suite_add_tcase(s, rt);
	suite_add_tcase(s, h);
	suite_add_tcase(s, d);
	r = srunner_create(s);
	srunner_set_fork_status(r, CK_NOFORK);
	srunner_run_all(r, CK_NORMAL);
	failed = srunner_ntests_failed(r);
	srunner_free(r);
	dcom_shutdown();
	return failed ? 1 : 0;
}
