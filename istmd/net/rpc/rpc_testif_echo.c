/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_testif_echo.c: two operations of Samba's rpcecho interface
 * (60a15ec5-4de8-11d7-a637-005056a20182 version 1.0, Samba's
 * librpc/idl/echo.idl), served with --test-interface only, so that a
 * client stack nobody here wrote (Samba's python3-samba echo.rpcecho,
 * smbtorture) can authenticate and make calls through every security
 * provider: AddOne (opnum 0) answers in + 1, EchoData (opnum 1) returns
 * its bytes.  Samba's client needs a generated interface table to
 * authenticate; its generic ClientConnection has none. */
#include <config.h>

#include "istmd.h"
#include "rpc_int.h"

static const uint8_t echo_uuid[16] = { /* 60a15ec5-4de8-11d7-a637-005056a20182 */
	0xc5, 0x5e, 0xa1, 0x60, 0xe8, 0x4d, 0xd7, 0x11,
	0xa6, 0x37, 0x00, 0x50, 0x56, 0xa2, 0x01, 0x82
};

static uint32_t echo_handler(const struct rpc_call_ctx *call, struct rpc_buf *out)
{
	uint32_t n;

	switch (call->opnum) {
	case 0: /* void echo_AddOne([in] uint32 in_data, [out,ref] uint32 *out_data) */
		if (call->stub_len != 4)
			return NCA_S_FAULT_NDR;
		return rpc_push_u32(out, rpc_le32(call->stub) + 1) ? NCA_S_PROTO_ERROR : 0;
	case 1: /* void echo_EchoData([in] uint32 len, [in,size_is(len)] uint8 in_data[],
		 *                    [out,size_is(len)] uint8 out_data[]) */
		if (call->stub_len < 8 || (n = rpc_le32(call->stub)) != rpc_le32(call->stub + 4) ||
		    n != call->stub_len - 8)
			return NCA_S_FAULT_NDR;
		return rpc_push_u32(out, n) || rpc_buf_append(out, call->stub + 8, n) ?
		       NCA_S_PROTO_ERROR : 0;
	default:
		return NCA_S_OP_RNG_ERROR;
	}
}

int rpc_testif_echo_register(void)
{
	return rpc_register_interface(echo_uuid, 1, echo_handler);
}
