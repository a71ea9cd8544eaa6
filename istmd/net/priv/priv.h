/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* priv.h: the network child's side of privilege separation ([STYLE] "A
 * root daemon that parses network input"): the sandbox it enters before
 * reading a byte from the network, and the NTLM verification it asks the
 * parent for (proto/auth.h).  The channel itself is proto/proto.h. */
#ifndef ISTMD_NET_PRIV_H
#define ISTMD_NET_PRIV_H

#include <stdint.h>

#include "proto/auth.h"
#include "proto/proto.h"
#include "rpc/ntlmssp.h"

/* ---- priv_child.c */
int priv_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
		     uint8_t session_key[16], enum ntlm_result *result);
int priv_child_sandbox(const char *chroot_dir, const char *user);

/* ---- priv_seccomp.c */
int priv_child_seccomp(void);

#endif /* ISTMD_NET_PRIV_H */
