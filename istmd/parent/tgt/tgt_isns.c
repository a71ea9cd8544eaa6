/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* tgt_isns.c: tgtd's own iSNS client (tgt's iscsi/isns.c), driven through
 * the system mode's iSNS parameters.
 *
 * tgt keeps one server (iSNSServerIP, iSNSServerPort) and connects when
 * iSNS turns On, registering every target it has then and each one made
 * or deleted later; Off deregisters them all.  Changing the address of a
 * running client does not reconnect it, so a change of server is Off,
 * address and port, On.  tgt's documentation calls the client
 * experimental and wants it on before targets exist; tgt 1.0.85 does
 * register the existing ones when it turns On (test-istmd-serving-isns).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_int.h"

static int sys_update(struct tgt *t, const char *name, const char *value)
{
	char what[160];

	snprintf(what, sizeof(what), "set %s to %s", name, value);
	return tgt_run(t, what, (const char *[]){ "--mode", "sys", "--op", "update", "--name",
		       name, "--value", value, NULL }, NULL, NULL);
}

int tgt_isns_show(struct tgt *t, struct tgt_isns *out)
{
	char *text, *line, *save = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	err = tgt_run(t, "show the iSNS client", (const char *[]){ "--mode", "sys", "--op",
		      "show", NULL }, &text, NULL);
	if (err < 0)
		return err;
	/* "    iSNS=On", "    iSNSServerIP=...", "    iSNSServerPort=3205" */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (strncmp(line, "iSNS=", 5) == 0)
			out->on = strcmp(line + 5, "On") == 0;
		else if (strncmp(line, "iSNSServerIP=", 13) == 0)
			snprintf(out->address, sizeof(out->address), "%s", line + 13);
		else if (strncmp(line, "iSNSServerPort=", 15) == 0)
			out->port = (uint32_t)strtoul(line + 15, NULL, 10);
	}
	free(text);
	return 0;
}

int tgt_isns_set(struct tgt *t, const char *address, uint32_t port)
{
	struct tgt_isns cur;
	char sport[16];
	int err;

	if (address && (!address[0] || strlen(address) >= sizeof(cur.address) ||
			strpbrk(address, ", \t\n=") || port == 0 || port > 65535))
		return tgt_fail(t, -EINVAL, "invalid iSNS server '%s' port %u", address, port);
	err = tgt_isns_show(t, &cur);
	if (err < 0)
		return err;
	if (!address)
		return cur.on ? sys_update(t, "iSNS", "Off") : 0;
	if (cur.on && strcmp(cur.address, address) == 0 && cur.port == port)
		return 0;
	if (cur.on && (err = sys_update(t, "iSNS", "Off")) < 0)
		return err;
	snprintf(sport, sizeof(sport), "%u", port);
	err = sys_update(t, "iSNSServerIP", address);
	if (err == 0)
		err = sys_update(t, "iSNSServerPort", sport);
	if (err == 0)
		err = sys_update(t, "iSNS", "On");
	return err;
}
