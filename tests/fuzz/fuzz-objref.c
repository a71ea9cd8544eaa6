/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-objref.c: libFuzzer harness for the OBJREF a client sends to
 * activate: the input is the MInterfacePointer's bytes alone (an
 * OBJREF_CUSTOM holding the ACTIVATION_BLOB and its property buffers),
 * wrapped here in a well-formed RemoteCreateInstance stub (ORPCTHIS, no
 * outer unknown, the pointer and its lengths).  Trade-off against
 * fuzz-ndr-activation, which mutates the whole stub: the fuzzer spends no
 * effort keeping the NDR framing valid, so every mutation reaches the
 * OBJREF parser (activation.c).  Objects an input creates are dropped
 * after it. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dcom/dcom_int.h"
#include "dcom-standin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ORPCTHIS (COM 5.7, a causality id, no extensions), pUnkOuter NULL, a
 * referent for pActProperties; then ulCntData and the conformance. */
static const uint8_t head[40] = {
	0x05, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x90, 0xda, 0x72, 0x2d, 0x05, 0x23, 0x43, 0x31, 0xe8, 0x59, 0x78, 0x3d, 0x49, 0xea, 0x56, 0x2c,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x94, 0x00, 0x00,
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct priv_server_info info = { .host_name = "fuzz" };
	struct rpc_buf out = { 0 };
	struct rpc_call_ctx c = {
		.if_uuid = dcom_if_remote_scm_activator.iid.b, .auth_level = 6, .user = "fuzz",
		.local_addr = "127.0.0.1", .local_port = 135, .conn_id = 1, .opnum = 4,
	};
	uint8_t *stub;

	if (!ready) {
		if (dcom_init(&info, 13599) < 0)
			return 0;
		ready = 1;
	}
	if (size > 1u << 20)
		return 0;
	stub = malloc(sizeof(head) + 8 + size);
	if (!stub)
		return 0;
	memcpy(stub, head, sizeof(head));
	put32(stub + sizeof(head), (uint32_t)size);
	put32(stub + sizeof(head) + 4, (uint32_t)size);
	memcpy(stub + sizeof(head) + 8, data, size);
	c.stub = stub;
	c.stub_len = sizeof(head) + 8 + size;
	dcom_dispatch(&dcom_if_remote_scm_activator, &c, &out);
	rpc_buf_release(&out);
	dcom_objtab_clear();
	free(stub);
	return 0;
}
