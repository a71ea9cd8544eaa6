/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-spnego.c: libFuzzer harness for the SPNEGO token codec and the
 * Negotiate provider.  Input: a 16-bit little-endian length N, then N bytes
 * of the client's first token (NegTokenInit) and the rest as its next leg
 * (NegTokenResp).  Both go through the parsers directly and through the
 * provider (rpc_auth_start / rpc_auth_next, with the stub parent that
 * accepts every NTLM proof, so the mechListMIC check is reached); every
 * NegTokenResp the parser accepts is rebuilt and must parse again to the
 * same fields. */
#include <config.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rpc_auth.h"
#include "spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const uint8_t *p, size_t len)
{
	struct spnego_resp r, r2;
	struct rpc_buf b = { 0 };

	if (spnego_resp_parse(p, len, &r) < 0 || r.state == SPNEGO_STATE_ABSENT)
		return;
	if (spnego_resp_build(&b, r.state, r.has_mech ? r.mech : SPNEGO_MECH_OTHER,
			      r.token, r.token_len, r.mic, r.mic_len) == 0) {
		if (spnego_resp_parse(b.data, b.len, &r2) < 0 || r2.state != r.state ||
		    r2.token_len != r.token_len || r2.mic_len != r.mic_len ||
		    (r.token_len && memcmp(r2.token, r.token, r.token_len)) ||
		    (r.mic_len && memcmp(r2.mic, r.mic, r.mic_len)) ||
		    (r.has_mech && r.mech != SPNEGO_MECH_OTHER && r2.mech != r.mech))
			abort();
	}
	rpc_buf_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct spnego_init init;
	struct spnego_resp resp;
	struct rpc_auth a;
	struct rpc_buf out = { 0 };
	size_t n;

	if (!ready) {
		log_init(-1, 0, "fuzz");
		ready = 1;
	}
	if (size < 2)
		return 0;
	n = (size_t)data[0] | (size_t)data[1] << 8;
	data += 2;
	size -= 2;
	if (n > size)
		n = size;
	spnego_init_parse(data, n, &init);
	spnego_resp_parse(data + n, size - n, &resp);
	round_trip(data + n, size - n);
	if (rpc_auth_start(&a, RPC_AUTHN_GSS_NEGOTIATE, data, n, &out) == RPC_AUTH_CONTINUE) {
		out.len = 0;
		rpc_auth_next(&a, data + n, size - n, &out);
	}
	rpc_auth_clear(&a);
	rpc_buf_release(&out);
	return 0;
}
