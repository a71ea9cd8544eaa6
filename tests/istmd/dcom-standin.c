/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* dcom-standin.c: the transport side of rpc/rpc_dispatch.h, reduced to what
 * the object layers' unit tests and fuzz harnesses need to run without
 * sockets: a table of registered handlers, a recorded tick hook and a
 * parent that keeps the schedule and the server name in memory.  The
 * real transport and parent are exercised end to end by the impacket
 * tests; this only lets NDR and DCOM be tested alone.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dcom-standin.h"
#include "hresult.h"
#include "proto/general.h"
#include "proto/proto.h"

static struct {
	uint8_t uuid[16];            /* interface */
	rpc_handler_fn fn;           /* its handler */
} handlers[256];
static unsigned nhandlers;
rpc_tick_fn standin_tick;
unsigned standin_tick_ms;
static struct priv_schedule schedule;
static char server_name[SVC_SERVER_NAME_MAX + 1];

int rpc_register_interface(const uint8_t if_uuid[16], uint16_t vers_major, rpc_handler_fn handler)
{
	unsigned i;

	(void)vers_major;
	for (i = 0; i < nhandlers; i++)
		if (memcmp(handlers[i].uuid, if_uuid, 16) == 0)
			return -EEXIST;
	if (nhandlers == 256)
		return -ENOMEM;
	memcpy(handlers[nhandlers].uuid, if_uuid, 16);
	handlers[nhandlers++].fn = handler;
	return 0;
}

rpc_handler_fn standin_handler(const uint8_t if_uuid[16])
{
	unsigned i;

	for (i = 0; i < nhandlers; i++)
		if (memcmp(handlers[i].uuid, if_uuid, 16) == 0)
			return handlers[i].fn;
	return NULL;
}

void rpc_set_conn_closed_hook(rpc_conn_closed_fn fn)
{
	(void)fn;
}

void rpc_set_tick_hook(rpc_tick_fn fn, unsigned period_ms)
{
	standin_tick = fn;
	standin_tick_ms = period_ms;
}

int priv_call(uint32_t verb, const void *req, size_t req_len, void *reply, size_t *reply_len)
{
	switch ((uint32_t)verb) {
	case SVC_GENERAL_SET_SCHEDULE:
		if (req_len != sizeof(schedule))
			return -EINVAL;
		memcpy(&schedule, req, sizeof(schedule));
		*reply_len = 0;
		return 0;
	case SVC_GENERAL_GET_SCHEDULE:
		if (*reply_len < sizeof(schedule))
			return -EMSGSIZE;
		memcpy(reply, &schedule, sizeof(schedule));
		*reply_len = sizeof(schedule);
		return 0;
	case SVC_GENERAL_SET_NAME: {
		struct svc_reply_hdr h = { S_OK };

		if (req_len != sizeof(struct svc_name_req) || *reply_len < sizeof(h))
			return -EINVAL;
		memcpy(server_name, ((const struct svc_name_req *)req)->name, sizeof(server_name));
		server_name[sizeof(server_name) - 1] = 0;
		memcpy(reply, &h, sizeof(h));
		*reply_len = sizeof(h);
		return 0;
	}
	case SVC_GENERAL_GET_NAME: {
		struct svc_name_reply r;

		if (*reply_len < sizeof(r))
			return -EMSGSIZE;
		memset(&r, 0, sizeof(r));
		memcpy(r.name, server_name, sizeof(r.name));
		memcpy(reply, &r, sizeof(r));
		*reply_len = sizeof(r);
		return 0;
	}
	default:
		return -EPERM;
	}
}
