/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* priv.h: the network child's side of privilege separation ([STYLE] "A
 * root daemon that parses network input"): the sandbox it enters before
 * reading a byte from the network.  What it asks the parent is proto/
 * (the channel proto/proto.h, the stubs proto/ask.h). */
#ifndef ISTMD_NET_PRIV_H
#define ISTMD_NET_PRIV_H

/* ---- priv_child.c */
int priv_child_sandbox(const char *chroot_dir, const char *user);
/* The same sandbox for the notifier (istmd/notify/), whose filter also
 * lets it make AF_INET/AF_INET6 sockets and connect them. */
int priv_child_sandbox_outbound(const char *chroot_dir, const char *user);

/* ---- priv_seccomp.c */
int priv_child_seccomp(void);
int priv_child_seccomp_outbound(void);

#endif /* ISTMD_NET_PRIV_H */
