/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* istmd.h: what istmd's top-level files export to each other. */
#ifndef ISTMD_ISTMD_H
#define ISTMD_ISTMD_H

/* netchild.c: main() of the network child (--role=net) */
int netchild_main(int argc, char **argv);

/* notify/notifier.c: main() of the notifier (--role=notify) */
int notifier_main(int argc, char **argv);

/* rpc/rpc_testif.c: a test interface, registered with --test-interface */
int rpc_testif_register(void);
int rpc_testif_echo_register(void);

#endif /* ISTMD_ISTMD_H */
