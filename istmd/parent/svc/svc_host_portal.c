/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_host_portal.c: a target's own portals, IHost::AddPortal,
 * RemovePortal and RemoveAllPortals ([MS-ISTM] 3.21): AddPortal makes tgtd
 * listen at the address and records it in the store's target_portals for
 * the target; RemovePortal and RemoveAllPortals take it off the target and
 * close the tgtd portal once nothing wants it any more.
 *
 * Two sources keep a portal open: the server (SetPortalConfig, or tgtd's
 * own command-line portal, svc_portal.c) and the targets that name it.  The
 * portals row says which (listen 1: the server, 2: only targets), and
 * svc_host_portals_settle closes the rows kept for targets that no target
 * names any more.  Reference counting through the store rather than a
 * count in memory means a crash between two steps is mended by the next
 * start's settle.  The trade-off: tgt cannot bind a target to some portals
 * (every target is served on every portal tgtd listens on), so a target's
 * portal list says where it was asked to be reachable, not where it only
 * is.
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "common/ip_literal.h"
#include "log.h"
#include "parent/svc/answers.h"
#include "proto/serving.h"

#define ISCSI_PORT_DEFAULT 3260u     /* RFC 7143's, when tgtd listens nowhere */

/* One parsed IpAddress. */
struct where {
	char address[INET6_ADDRSTRLEN];  /* canonical literal (inet_ntop) */
	uint32_t port;                   /* 0: none given */
};

/* "a.b.c.d", "v6", "a.b.c.d:port", "[v6]" or "[v6]:port" into *W;
 * -EINVAL for anything else, a port of 0 or above 65535 included. */
static int parse(const char *text, struct where *w)
{
	char host[128];
	const char *port = NULL, *end;
	size_t len;
	int af = AF_INET;

	memset(w, 0, sizeof(*w));
	if (ip_literal_canonical(text, 0, w->address, sizeof(w->address)))
		return 0;
	if (text[0] == '[') {
		if (!(end = strchr(text, ']')) || (end[1] && end[1] != ':'))
			return -EINVAL;
		len = (size_t)(end - text - 1);
		port = end[1] ? end + 2 : NULL;
		text++;
		af = AF_INET6;
	} else {
		if (!(end = strrchr(text, ':')))
			return -EINVAL;
		len = (size_t)(end - text);
		port = end + 1;
	}
	if (len == 0 || len >= sizeof(host))
		return -EINVAL;
	memcpy(host, text, len);
	host[len] = 0;
	if (!ip_literal_canonical(host, af, w->address, sizeof(w->address)))
		return -EINVAL;
	if (!port)
		return 0;
	if (!*port || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5)
		return -EINVAL;
	w->port = (uint32_t)strtoul(port, NULL, 10);
	return w->port >= 1 && w->port <= 65535 ? 0 : -EINVAL;
}

bool svc_portal_listed(const struct tgt_portal *p, size_t n, const char *address, uint32_t port)
{
	for (size_t i = 0; i < n; i++)
		if (p[i].port == port && ip_literal_same(p[i].address, address))
			return true;
	return false;
}

static uint32_t store_hr(struct svc *s, int err, const char *what)
{
	if (err == -ENOENT)
		return ERROR_FILE_NOT_FOUND;
	log_warnx("%s failed: %s", what, state_errmsg(s->st));
	return svc_hresult(err);
}

/* AddPortal: W on target T, given tgtd's portals P[N]. */
static uint32_t add(struct svc *s, const struct state_target *t, struct where *w,
		    const struct tgt_portal *p, size_t n)
{
	struct state_portal row;
	bool open = false;
	int err;

	if (!w->port)   /* tgtd's iSCSI port: its (first, command-line) portal's */
		w->port = n ? p[0].port : ISCSI_PORT_DEFAULT;
	if ((err = state_begin(s->st)) < 0)
		return store_hr(s, err, "adding a portal to a target");
	err = svc_portal_stored(s->st, w->address, w->port, &row);
	if (err == -ENOENT) {
		/* a portal tgtd has without a row is its own, the server's */
		memset(&row, 0, sizeof(row));
		svc_portal_guid(w->address, w->port, row.guid);
		snprintf(row.address, sizeof(row.address), "%s", w->address);
		row.port = w->port;
		row.listen = true;
		row.for_targets = !svc_portal_listed(p, n, w->address, w->port);
		row.valid = true;
		err = state_portal_add(s->st, &row);
	} else if (err == 0 && !row.listen) {
		err = state_portal_set_listen(s->st, row.id, true, true);
	}
	if (err == 0)
		err = state_target_add_portal(s->st, t->id, row.id);
	if (err == -EEXIST)     /* the target has it: S_OK, tgtd listening */
		err = 0;
	if (err < 0) {
		state_rollback(s->st);
		return store_hr(s, err, "adding a portal to a target");
	}
	if (!svc_portal_listed(p, n, w->address, w->port)) {
		if ((err = tgt_portal_new(&s->tgt, w->address, w->port)) < 0) {
			log_warnx("AddPortal %s:%u: %s", w->address, w->port, tgt_errmsg(&s->tgt));
			state_rollback(s->st);
			/* tgtadm says "invalid request" for every refusal: our own
			 * bind tells an address this host lacks from a port in use */
			if (err == -ENOMEM)
				return E_OUTOFMEMORY;
			return svc_portal_probe(w->address) == -EADDRNOTAVAIL ? ERROR_FILE_NOT_FOUND
				: ERROR_NOT_SUPPORTED;
		}
		open = true;
	}
	if ((err = state_commit(s->st)) < 0) {
		state_rollback(s->st);
		if (open)
			(void)tgt_portal_delete(&s->tgt, w->address, w->port);
		return store_hr(s, err, "adding a portal to a target");
	}
	log_info("target '%s' has portal %s:%u%s", t->name, w->address, w->port,
		 open ? " (tgtd listens there now)" : "");
	return S_OK;
}

/* RemovePortal: W off target T (every port of the address when W names
 * none); RemoveAllPortals: W NULL. */
static uint32_t remove_(struct svc *s, const struct state_target *t, const struct where *w)
{
	struct state_portal *list = NULL;
	size_t n = 0, removed = 0;
	int err;

	if ((err = state_begin(s->st)) < 0)
		return store_hr(s, err, "removing a target's portal");
	if (!w) {
		err = state_target_remove_all_portals(s->st, t->id);
	} else if ((err = state_target_list_portals(s->st, t->id, &list, &n)) == 0) {
		for (size_t i = 0; err == 0 && i < n; i++) {
			if (!ip_literal_same(list[i].address, w->address) ||
			    (w->port && list[i].port != w->port))
				continue;
			err = state_target_remove_portal(s->st, t->id, list[i].id);
			removed++;
		}
		if (err == 0 && removed == 0)
			err = -ENOENT;      /* not a portal of this target */
	}
	free(list);
	if (err == 0)
		err = state_commit(s->st);
	if (err < 0) {
		state_rollback(s->st);
		if (err == -ENOENT)
			return ERROR_FILE_NOT_FOUND;
		return store_hr(s, err, "removing a target's portal");
	}
	log_info("target '%s': %s removed", t->name, w ? w->address : "every portal");
	return svc_host_portals_settle(s) == -EAGAIN ? ERROR_NOT_READY : S_OK;
}

int answer_serving_host_portal(struct svc *s, const uint8_t *req, uint8_t *reply,
			       size_t *reply_len)
{
	struct svc_host_portal_req rq;
	struct state_target t;
	struct tgt_portal *p = NULL;
	struct where w;
	size_t n = 0;
	uint32_t hr;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.address) || rq.op > SVC_HOST_PORTAL_REMOVE_ALL)
		return -EBADMSG;
	if ((err = state_target_get(s->st, rq.id, &t)) < 0)
		return svc_reply_hr(reply, reply_len, store_hr(s, err, "reading a target"));
	if (rq.op != SVC_HOST_PORTAL_REMOVE_ALL && parse(rq.address, &w) < 0)
		return svc_reply_hr(reply, reply_len, E_INVALIDARG);
	if (rq.op != SVC_HOST_PORTAL_ADD)
		return svc_reply_hr(reply, reply_len,
				    remove_(s, &t, rq.op == SVC_HOST_PORTAL_REMOVE ? &w : NULL));
	if (tgt_portal_list(&s->tgt, &p, &n) < 0)
		return svc_reply_hr(reply, reply_len, ERROR_NOT_READY);
	hr = add(s, &t, &w, p, n);
	free(p);
	return svc_reply_hr(reply, reply_len, hr);
}

/* Close ROW, kept for targets that no target names now, given tgtd's
 * portals P[N]; the last portal of tgtd stays, as the server's. */
static int settle_one(struct svc *s, const struct state_portal *row, const struct tgt_portal *p,
		      size_t n)
{
	bool there = svc_portal_listed(p, n, row->address, row->port);
	int err;

	if (there && n == 1)
		return state_portal_set_listen(s->st, row->id, true, false);
	if (there && (err = tgt_portal_delete(&s->tgt, row->address, row->port)) < 0 &&
	    err != -ENOENT) {
		log_warnx("closing portal %s:%u: %s", row->address, row->port,
			  tgt_errmsg(&s->tgt));
		return err;
	}
	log_info("portal %s:%u closed: no target names it", row->address, row->port);
	return state_portal_set_listen(s->st, row->id, false, false);
}

int svc_host_portals_settle(struct svc *s)
{
	struct state_cursor cur = { 0 };
	struct state_portal rows[8];
	struct tgt_portal *p = NULL;
	size_t n = 0, got;
	int err, first = 0;

	if (tgt_portal_list(&s->tgt, &p, &n) < 0) {
		log_warnx("listing tgtd's portals failed: %s", tgt_errmsg(&s->tgt));
		return -EAGAIN;
	}
	do {
		err = state_portal_next(s->st, &cur, rows, 8, &got);
		for (size_t i = 0; err == 0 && i < got; i++) {
			unsigned targets = 0;
			int e;

			if (!rows[i].for_targets)
				continue;
			e = state_portal_count_targets(s->st, rows[i].id, &targets);
			if (e == 0 && targets == 0 && (e = settle_one(s, &rows[i], p, n)) == 0) {
				free(p);        /* tgtd's list changed: read it again */
				p = NULL;
				n = 0;
				if (tgt_portal_list(&s->tgt, &p, &n) < 0)
					return -EAGAIN;
			}
			if (e < 0 && !first)
				first = e;
		}
	} while (err == 0 && got == 8);
	free(p);
	if (err < 0) {
		log_warnx("reading the stored portals failed: %s", state_errmsg(s->st));
		return err;
	}
	return first;
}
