/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ndr-activation.c: libFuzzer harness for IRemoteSCMActivator: the
 * input is a RemoteCreateInstance (first byte even) or RemoteGetClassObject
 * (odd) request stub, run through the DCOM dispatcher: ORPCTHIS, the
 * MInterfacePointer, the OBJREF_CUSTOM, the ACTIVATION_BLOB and its
 * serialized property buffers all parse hostile bytes.  Objects an input
 * manages to create are dropped after it, so memory stays flat. */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "dcom/dcom_int.h"
#include "dcom-standin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct priv_server_info info = { .host_name = "fuzz" };
	struct rpc_buf out = { 0 };
	struct rpc_call_ctx c = {
		.if_uuid = dcom_if_remote_scm_activator.iid.b, .auth_level = 6, .user = "fuzz",
		.local_addr = "127.0.0.1", .local_port = 135, .conn_id = 1,
	};

	if (!ready) {
		if (dcom_init(&info, 13599) < 0)
			return 0;
		ready = 1;
	}
	if (size < 1)
		return 0;
	c.opnum = (data[0] & 1) ? 3 : 4;
	c.stub = data + 1;
	c.stub_len = size - 1;
	dcom_dispatch(&dcom_if_remote_scm_activator, &c, &out);
	rpc_buf_release(&out);
	dcom_objtab_clear();
	return 0;
}
