/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* dcom.h: how istmd's parser child starts the DCOM object layer.
 *
 * The child's main calls dcom_init() once, after dropping privileges and
 * before entering the transport's event loop.  It registers, through
 * rpc/rpc_dispatch.h, the port 135 interfaces (IObjectExporter,
 * IRemoteSCMActivator), IRemUnknown/IRemUnknown2 and every ISTM interface,
 * and arms the ping garbage-collection timer (rpc_set_timer).
 *
 * Threading: everything here runs on the transport's poll loop, one call
 * at a time, so the object table has no locks.
 */
#ifndef ISTMD_DCOM_H
#define ISTMD_DCOM_H

#include <stdint.h>

#include "proto/general.h"
#include "rpc/rpc_dispatch.h"

#define DCOM_DEFAULT_PING_PERIOD_S 120u  /* [MS-DCOM] 3.2.6.2: 120 s ... */
#define DCOM_DEFAULT_PING_MISSED   3u    /* ... times 3 missed pings */

/* Ping garbage collection: an object whose client has not pinged it for
 * PERIOD_S * MISSED seconds is collected (0 = the defaults).  Call before
 * dcom_init(); istmd's --ping-period sets PERIOD_S, so tests can use short
 * times. */
void dcom_set_ping(unsigned period_s, unsigned missed);

/* INFO: the server's identity (SVC_GENERAL_SERVER_INFO, copied).
 * EXPORTER_PORT: the TCP port of the object exporter, put in string
 * bindings after the address the client dialled.  Returns 0 or a negative
 * errno (registration failed).  (Also declared in rpc/rpc_dispatch.h.) */
int dcom_init(const struct priv_server_info *info, uint16_t exporter_port);

/* Drop every object (at exit, so leak checkers see a clean table). */
void dcom_shutdown(void);

#endif /* ISTMD_DCOM_H */
