/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* dcom.c: dcom_init(): configuration, the object table, registration of
 * every DCOM and ISTM interface with the transport, and the GC timer.
 */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "dcom/dcom_int.h"

struct dcom_config dcom_cfg;
static unsigned ping_period_s = DCOM_DEFAULT_PING_PERIOD_S;
static unsigned ping_missed = DCOM_DEFAULT_PING_MISSED;

void dcom_set_ping(unsigned period_s, unsigned missed)
{
	ping_period_s = period_s ? period_s : DCOM_DEFAULT_PING_PERIOD_S;
	ping_missed = missed ? missed : DCOM_DEFAULT_PING_MISSED;
}

int dcom_init(const struct priv_server_info *info, uint16_t exporter_port)
{
	static const struct dcom_iface *const core[] = {
		&dcom_if_object_exporter, &dcom_if_remote_scm_activator, &dcom_if_remote_activation,
		&dcom_if_remunknown, &dcom_if_remunknown2,
	};
	const struct dcom_iface *ifaces[128];
	unsigned tick;
	size_t i, n;
	int rc;

	if (!info || exporter_port == 0)
		return -EINVAL;
	memset(&dcom_cfg, 0, sizeof(dcom_cfg));
	dcom_cfg.info = *info;
	dcom_cfg.info.host_name[sizeof(dcom_cfg.info.host_name) - 1] = 0;
	dcom_cfg.exporter_port = exporter_port;
	dcom_cfg.ping_period_ms = (uint64_t)ping_period_s * 1000u;
	dcom_cfg.ping_timeout_ms = dcom_cfg.ping_period_ms * ping_missed;
	NDR_CHECK(dcom_objtab_init());
	for (i = 0; i < NDR_COUNTOF(core); i++)
		NDR_CHECK(dcom_register(core[i]));
	n = istm_all_ifaces(ifaces, NDR_COUNTOF(ifaces));
	if (n > NDR_COUNTOF(ifaces))
		return -ENOSPC;
	for (i = 0; i < n; i++)
		if ((rc = dcom_register(ifaces[i])) < 0)
			return rc;
	/* Check a few times per period, so an object goes at most a quarter
	 * period late. */
	tick = ping_period_s >= 4 ? 1000u : ping_period_s * 250u;
	rpc_set_tick_hook(dcom_gc_tick, tick);
	return 0;
}

void dcom_shutdown(void)
{
	dcom_objtab_clear();
}
