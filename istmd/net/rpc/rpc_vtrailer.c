/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_vtrailer.c: the verification trailer ([MS-RPCE] 2.2.2.13) a client
 * may append to a request stub: signed with the request, it repeats what
 * the unsigned-by-default parts of the exchange said (the presentation
 * context's syntaxes, the request header), so that a man in the middle
 * cannot have changed them.  Windows and Samba send it on the first request
 * of a context.  We find it at the end of the stub (4-byte aligned, from
 * its magic to the last byte, the last command flagged END), check each
 * command we know against the call and cut it off before the stub reaches
 * the interface.  Trade-off: an unknown command is skipped unless the
 * client marks it must-process, which then refuses the call (2.2.2.13.1);
 * only the last VT_MAX_LEN bytes are searched, so a large stub costs no
 * scan (the three commands [MS-RPCE] defines take 80 bytes). */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "rpc_int.h"

#define VT_CMD_MASK         0x3fffu
#define VT_MUST_PROCESS     0x8000u
#define VT_END              0x4000u
#define VT_BITMASK_1        0x0001u
#define VT_PCONTEXT         0x0002u
#define VT_HEADER2          0x0003u

#define VT_MAX_LEN          1024u   /* how far from the end a trailer may start */

static const uint8_t vt_magic[8] = { 0x8a, 0xe3, 0x13, 0x71, 0x02, 0xf4, 0x36, 0x71 };

/* Walk the commands from P to END; 0 when well formed and every check
 * holds, -EACCES when one does not, -EBADMSG when it is not a trailer. */
static int vt_check(const uint8_t *p, const uint8_t *end, const struct rpc_vtrailer_call *call)
{
	while (p < end) {
		uint16_t cmd, len;

		if (end - p < 4)
			return -EBADMSG;
		cmd = rpc_le16(p);
		len = rpc_le16(p + 2);
		p += 4;
		if ((size_t)(end - p) < len)
			return -EBADMSG;
		switch (cmd & VT_CMD_MASK) {
		case VT_BITMASK_1:
			if (len != 4)
				return -EBADMSG;
			break;
		case VT_PCONTEXT:
			if (len != 40)
				return -EBADMSG;
			if (memcmp(p, call->abstract->uuid, 16) ||
			    rpc_le16(p + 16) != call->abstract->vers_major ||
			    rpc_le16(p + 18) != call->abstract->vers_minor ||
			    memcmp(p + 20, rpc_ndr32_syntax.uuid, 16) ||
			    rpc_le32(p + 36) != rpc_ndr32_syntax.vers_major)
				return -EACCES;
			break;
		case VT_HEADER2:
			if (len != 16)
				return -EBADMSG;
			if (p[0] != RPC_PT_REQUEST || memcmp(p + 4, call->drep, 4) ||
			    rpc_le32(p + 8) != call->call_id || rpc_le16(p + 12) != call->ctx_id ||
			    rpc_le16(p + 14) != call->opnum)
				return -EACCES;
			break;
		default:
			if (cmd & VT_MUST_PROCESS)
				return -EACCES;
			break;
		}
		p += len;
		if (cmd & VT_END)
			return p == end ? 0 : -EBADMSG;
	}
	return -EBADMSG;
}

int rpc_vtrailer_strip(const uint8_t *stub, size_t *len, const struct rpc_vtrailer_call *call)
{
	size_t off, low = *len > VT_MAX_LEN ? *len - VT_MAX_LEN : 0;

	if (*len < sizeof(vt_magic) + 4)
		return 0;
	for (off = (*len - sizeof(vt_magic) - 4) & ~(size_t)3;; off -= 4) {
		if (!memcmp(stub + off, vt_magic, sizeof(vt_magic))) {
			int rc = vt_check(stub + off + sizeof(vt_magic), stub + *len, call);

			if (rc == -EACCES)
				return rc;
			if (rc == 0) {
				*len = off;
				return 1;
			}
		}
		if (off < low + 4)
			break;
	}
	return 0;
}
