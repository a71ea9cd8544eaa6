/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-ndr-iwtgeneral.c: libFuzzer harness for IWTGeneral/IWTGeneral2
 * requests: the first input byte picks the opnum (3..15), the rest is the
 * stub (ORPCTHIS and the method's [in] parameters: BSTRs, interface
 * pointers, SNAPSHOT_SCHEDULE_SETTINGS), dispatched on a live object. */
#include <config.h>

#include <stdint.h>
#include <string.h>

#include "dcom/dcom_int.h"
#include "istm/istm.h"
#include "dcom-standin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct ndr_guid clsid_general =
	NDR_GUID_INIT(0xbaa4a577, 0x202d, 0x49c7, 0xa6, 0xbb, 0x10, 0xee, 0x91, 0x4e, 0xe1, 0x99);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dcom_stdobjref std;
	static int ready;
	struct priv_server_info info = { .host_name = "fuzz" };
	struct dcom_object *obj;
	struct rpc_buf out = { 0 };
	struct rpc_call_ctx c = {
		.if_uuid = istm_if_iwtgeneral2.iid.b, .auth_level = 6, .user = "fuzz",
		.local_addr = "127.0.0.1", .local_port = 13599, .conn_id = 1,
	};

	if (!ready) {
		if (dcom_init(&info, 13599) < 0 ||
		    dcom_object_new(istm_class_find(&clsid_general), &obj) < 0 ||
		    dcom_object_export(obj, &istm_if_iwtgeneral2, 1, &std) < 0)
			return 0;
		ready = 1;
	}
	if (size < 1)
		return 0;
	c.opnum = (uint16_t)(3 + data[0] % 13);
	c.object = std.ipid.b;
	c.stub = data + 1;
	c.stub_len = size - 1;
	dcom_dispatch(&istm_if_iwtgeneral2, &c, &out);
	rpc_buf_release(&out);
	return 0;
}
