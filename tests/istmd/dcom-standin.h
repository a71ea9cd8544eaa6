/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* dcom-standin.h: see dcom-standin.c. */
#ifndef DCOM_STANDIN_H
#define DCOM_STANDIN_H

#include "rpc/rpc_dispatch.h"

extern rpc_tick_fn standin_tick;    /* what dcom_init() armed */
extern unsigned standin_tick_ms;    /* and how often */
rpc_handler_fn standin_handler(const uint8_t if_uuid[16]);

#endif
