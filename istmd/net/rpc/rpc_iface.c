/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rpc_iface.c: the table of registered interfaces and the hooks the
 * object layers install.  Trade-off: a fixed-size table searched linearly;
 * istmd serves a few dozen interfaces, registered once at start-up. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "rpc_int.h"

#define RPC_MAX_IFACES 128

static struct rpc_iface ifaces[RPC_MAX_IFACES]; /* registered interfaces */
static size_t n_ifaces;                           /* used entries */
static rpc_conn_closed_fn conn_closed_hook;       /* dcom/'s, or NULL */
static rpc_tick_fn tick_hook;                     /* dcom/'s, or NULL */
static unsigned tick_period_ms;                   /* its period */

int rpc_register_interface(const uint8_t if_uuid[16], uint16_t vers_major,
			   rpc_handler_fn handler)
{
	if (rpc_iface_find(if_uuid, vers_major))
		return -EEXIST;
	if (n_ifaces == RPC_MAX_IFACES)
		return -ENOMEM;
	memcpy(ifaces[n_ifaces].uuid, if_uuid, 16);
	ifaces[n_ifaces].vers_major = vers_major;
	ifaces[n_ifaces].handler = handler;
	n_ifaces++;
	return 0;
}

const struct rpc_iface *rpc_iface_find(const uint8_t uuid[16], uint16_t vers_major)
{
	size_t i;

	for (i = 0; i < n_ifaces; i++)
		if (!memcmp(ifaces[i].uuid, uuid, 16) && ifaces[i].vers_major == vers_major)
			return &ifaces[i];
	return NULL;
}

void rpc_set_conn_closed_hook(rpc_conn_closed_fn fn)
{
	conn_closed_hook = fn;
}

void rpc_notify_conn_closed(uint64_t conn_id)
{
	if (conn_closed_hook)
		conn_closed_hook(conn_id);
}

void rpc_set_tick_hook(rpc_tick_fn fn, unsigned period_ms)
{
	tick_hook = fn;
	tick_period_ms = period_ms ? period_ms : 1000;
}

rpc_tick_fn rpc_tick_get(unsigned *period_ms)
{
	*period_ms = tick_period_ms;
	return tick_hook;
}
