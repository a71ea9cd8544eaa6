/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_testif.c: a small interface the transport tests bind to when istmd
 * runs with --test-interface (never in production), so that the transport
 * is tested through real clients before and independently of dcom/:
 * echo, large replies (fragmentation), faults, the privileged requests,
 * and a counter of executed calls (to show that refused calls never ran).
 * UUID 3f6d2a7c-8b1e-4c5d-9a0f-7e2b4c6d8e10 version 1.0. */
#include <config.h>

#include <string.h>

#include "istmd.h"
#include "proto/ask.h"
#include "rpc_int.h"

static const uint8_t testif_uuid[16] = { /* 3f6d2a7c-8b1e-4c5d-9a0f-7e2b4c6d8e10 */
	0x7c, 0x2a, 0x6d, 0x3f, 0x1e, 0x8b, 0x5d, 0x4c,
	0x9a, 0x0f, 0x7e, 0x2b, 0x4c, 0x6d, 0x8e, 0x10
};

static uint64_t executed; /* calls that reached an operation */

static uint32_t testif_handler(const struct rpc_call_ctx *call, struct rpc_buf *out)
{
	struct priv_server_info info;
	struct priv_schedule sch;
	uint32_t v = call->stub_len >= 4 ? rpc_le32(call->stub) : 0;
	int32_t rc;

	switch (call->opnum) {
	case 0: /* echo */
		executed++;
		return rpc_buf_append(out, call->stub, call->stub_len) ? NCA_S_PROTO_ERROR : 0;
	case 1: /* V bytes of a pattern */
		executed++;
		if (call->stub_len != 4 || v > RPC_MAX_STUB || rpc_buf_reserve(out, v))
			return NCA_S_FAULT_NDR;
		for (out->len = 0; out->len < v; out->len++)
			out->data[out->len] = (uint8_t)(out->len * 7 + 3);
		return 0;
	case 2: /* fault with status V */
		executed++;
		return v ? v : NCA_S_FAULT_NDR;
	case 3: /* server info */
		executed++;
		if (ask_general_server_info(&info) < 0)
			return NCA_S_FAULT_ACCESS_DENIED;
		return rpc_buf_append(out, &info, sizeof(info)) ? NCA_S_PROTO_ERROR : 0;
	case 4: /* set schedule */
		executed++;
		if (call->stub_len != sizeof(sch))
			return NCA_S_FAULT_NDR;
		memcpy(&sch, call->stub, sizeof(sch));
		rc = ask_general_set_schedule(&sch);
		return rpc_push_u32(out, (uint32_t)rc) ? NCA_S_PROTO_ERROR : 0;
	case 5: /* get schedule */
		executed++;
		if (ask_general_get_schedule(&sch) < 0)
			return NCA_S_FAULT_ACCESS_DENIED;
		return rpc_buf_append(out, &sch, sizeof(sch)) ? NCA_S_PROTO_ERROR : 0;
	case 6: /* who am I: auth level, local port, user */
		executed++;
		if (rpc_push_u32(out, (uint32_t)call->auth_level) ||
		    rpc_push_u32(out, call->local_port) ||
		    rpc_buf_append(out, call->user, strlen(call->user)))
			return NCA_S_PROTO_ERROR;
		return 0;
	case 7: /* calls executed so far (this one not counted) */
		return rpc_buf_append(out, &executed, sizeof(executed)) ? NCA_S_PROTO_ERROR : 0;
	default:
		return NCA_S_OP_RNG_ERROR;
	}
}

int rpc_testif_register(void)
{
	int rc = rpc_register_interface(testif_uuid, 1, testif_handler);

	return rc < 0 ? rc : rpc_testif_echo_register();
}
