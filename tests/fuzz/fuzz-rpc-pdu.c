/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-rpc-pdu.c: libFuzzer harness for istmd's DCE/RPC connection state
 * machine: the input is a byte stream from a client, fed in reads of
 * varying size (first byte), so PDU framing, bind/alter_context, auth3
 * (NTLMSSP AUTHENTICATE parsing), request reassembly, signature checks and
 * the faults all see hostile bytes.  Built with clang -fsanitize=fuzzer
 * by test-istmd-fuzz.sh, and with fuzz-replay.c for the corpus replay in
 * make check. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "rpc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t echo(const struct rpc_call_ctx *call, struct rpc_buf *out)
{
	return rpc_buf_append(out, call->stub, call->stub_len) ? NCA_S_PROTO_ERROR : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t scm[16] = { 0xa0, 0x01, 0, 0, 0, 0, 0, 0, 0xc0, 0, 0, 0, 0, 0, 0, 0x46 };
	static int ready;
	struct rpc_conn *c;
	size_t step, off;
	const uint8_t *p;
	size_t n;

	if (!ready) {
		log_init(-1, 0, "fuzz");
		rpc_register_interface(scm, 0, echo);
		ready = 1;
	}
	if (size < 1)
		return 0;
	step = data[0] ? data[0] : 4096;
	data++;
	size--;
	c = rpc_conn_new(1, "127.0.0.1", 135);
	if (!c)
		return 0;
	for (off = 0; off < size && !rpc_conn_closing(c); off += step) {
		size_t len = size - off < step ? size - off : step;

		if (rpc_conn_feed(c, data + off, len) < 0)
			break;
		while (rpc_conn_output(c, &p, &n))
			rpc_conn_consumed(c, n);
	}
	rpc_conn_free(c);
	return 0;
}
