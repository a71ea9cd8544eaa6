/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_portal.c: the portals tgtd listens on, as ILocalDeviceMgr::
 * SetPortalConfig ([MS-ISTM] 3.30.4.17) changes them: bUse TRUE makes
 * tgtd listen on IpAddress:nPort (moving the address's portal when it had
 * another port), bUse FALSE stops the portal at IpAddress:nPort.  Each
 * change is a row of the store's portals table (listen 1: listen there,
 * listen 0: do not), applied again at every start (svc_portals_apply), so
 * a tgtd restarted with its command-line portal loses it again when a
 * client closed it.
 *
 * Targets name portals too (IHost::AddPortal, svc_host_portal.c): a
 * portal stays open while either SetPortalConfig or a target wants it, so
 * bUse FALSE on a portal a target names leaves it listening, kept for the
 * targets (listen 2), and their lists stay true.  The last portal is never
 * closed: a tgtd listening nowhere could only be reached again by hand.
 */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/ip_literal.h"
#include "log.h"
#include "parent/svc/answers.h"
#include "proto/serving.h"

int svc_portal_stored(struct state *st, const char *address, uint32_t port,
		      struct state_portal *out)
{
	struct state_cursor cur = { 0 };
	struct state_portal p[8];
	size_t n;
	int err;

	do {
		err = state_portal_next(st, &cur, p, 8, &n);
		for (size_t i = 0; err == 0 && i < n; i++)
			if (p[i].port == port && ip_literal_same(p[i].address, address)) {
				*out = p[i];
				return 0;
			}
	} while (err == 0 && n == 8);
	return err < 0 ? err : -ENOENT;
}

/* Record that tgtd listens (LISTEN) or not at ADDRESS:PORT, for the server
 * (FOR_TARGETS false) or for the targets naming it; a row that exists is
 * changed in place, so the targets naming it keep it. */
static int record(struct state *st, const char *address, uint32_t port, bool listen,
		  bool for_targets)
{
	struct state_portal p;
	int err = svc_portal_stored(st, address, port, &p);

	if (err == 0 && p.listen == listen && p.for_targets == for_targets)
		return 0;
	if (err == 0)
		return state_portal_set_listen(st, p.id, listen, for_targets);
	if (err != -ENOENT)
		return err;
	memset(&p, 0, sizeof(p));
	svc_portal_guid(address, port, p.guid);
	snprintf(p.address, sizeof(p.address), "%s", address);
	p.port = port;
	p.listen = listen;
	p.for_targets = listen && for_targets;
	p.valid = true;
	return state_portal_add(st, &p);
}

/* How many targets name ADDRESS:PORT (0 when it has no row). */
static int named_by_targets(struct state *st, const char *address, uint32_t port, unsigned *n)
{
	struct state_portal p;
	int err = svc_portal_stored(st, address, port, &p);

	*n = 0;
	if (err == -ENOENT)
		return 0;
	return err < 0 ? err : state_portal_count_targets(st, p.id, n);
}

/* The server no longer wants ADDRESS:PORT: close it in tgtd and record
 * that, unless targets name it: then it stays open, kept for them. */
static int server_close(struct svc *s, const char *address, uint32_t port, bool *tgt_failed)
{
	unsigned targets;
	int err = named_by_targets(s->st, address, port, &targets);

	*tgt_failed = false;
	if (err < 0)
		return err;
	if (targets > 0)
		return record(s->st, address, port, true, true);
	if ((err = tgt_portal_delete(&s->tgt, address, port)) < 0) {
		*tgt_failed = true;
		return err;
	}
	return record(s->st, address, port, false, false);
}

int svc_portal_probe(const char *address)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, err = 0;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, address, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, address, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		len = sizeof(*in6);
	} else {
		return -EINVAL;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* Do what RQ asks of tgtd given its portals P[N]; an HRESULT. */
static uint32_t change(struct svc *s, const struct svc_portal_req *rq, const struct tgt_portal *p,
		       size_t n)
{
	const struct tgt_portal *same = NULL, *moved = NULL;
	bool tgt_failed = false;
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		if (!ip_literal_same(p[i].address, rq->address))
			continue;
		if (p[i].port == rq->port)
			same = &p[i];
		else
			moved = &p[i];
	}
	if (!rq->use && !same)
		return ERROR_FILE_NOT_FOUND;   /* no such portal */
	if (!rq->use && n == 1)
		return ERROR_NOT_SUPPORTED;    /* the last one */
	if (!rq->use) {
		err = server_close(s, rq->address, rq->port, &tgt_failed);
		if (err < 0)
			goto failed;
	} else {
		if (!same && (err = tgt_portal_new(&s->tgt, rq->address, rq->port)) < 0) {
			tgt_failed = true;
			goto failed;
		}
		if ((err = record(s->st, rq->address, rq->port, true, false)) < 0)
			goto failed;
	}
	if (rq->use && !same && moved &&
	    (err = server_close(s, moved->address, moved->port, &tgt_failed)) < 0)
		goto failed;
	log_info("portal %s:%u %s", rq->address, rq->port, rq->use ? "listens" : "closed");
	return S_OK;
failed:
	if (!tgt_failed) {
		log_warnx("SetPortalConfig %s:%u: %s", rq->address, rq->port, state_errmsg(s->st));
		return svc_hresult(err);
	}
	/* tgtadm says "invalid request" for every refusal: a bind of our own
	 * tells an address this host does not have (the portal the client
	 * names does not exist) from one tgtd cannot use */
	log_warnx("SetPortalConfig %s:%u: %s", rq->address, rq->port, tgt_errmsg(&s->tgt));
	if (err == -ENOMEM)
		return E_OUTOFMEMORY;
	return rq->use && svc_portal_probe(rq->address) == -EADDRNOTAVAIL ? ERROR_FILE_NOT_FOUND
		: ERROR_NOT_SUPPORTED;
}

int answer_serving_portal(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_portal_req rq;
	struct tgt_portal *p = NULL;
	char canon[INET6_ADDRSTRLEN];
	size_t n = 0;
	uint32_t hr;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.address) || rq.use > 1)
		return -EBADMSG;
	/* one spelling of an IPv6 address (tgtd's) for tgtd, the store and
	 * the log: a client may write 0:0::1 for the portal tgtd lists as ::1 */
	if (!ip_literal_canonical(rq.address, 0, canon, sizeof(canon)) || rq.port == 0 ||
	    rq.port > 65535)
		return svc_reply_hr(reply, reply_len, E_INVALIDARG);
	snprintf(rq.address, sizeof(rq.address), "%s", canon);
	if (tgt_portal_list(&s->tgt, &p, &n) < 0)
		return svc_reply_hr(reply, reply_len, ERROR_NOT_READY);
	hr = change(s, &rq, p, n);
	free(p);
	return svc_reply_hr(reply, reply_len, hr);
}

int svc_portals_apply(struct svc *s)
{
	struct state_cursor cur = { 0 };
	struct state_portal p[8];
	struct tgt_portal *t = NULL;
	unsigned opened = 0, closed = 0;
	size_t n, nt = 0;
	int err, first = 0;

	/* only what differs is asked of tgtd: tgtadm answers "invalid request"
	 * for a portal it has or lacks alike, which would hide real refusals */
	if ((err = tgt_portal_list(&s->tgt, &t, &nt)) < 0) {
		log_warnx("listing tgtd's portals failed: %s", tgt_errmsg(&s->tgt));
		return err;
	}
	do {
		err = state_portal_next(s->st, &cur, p, 8, &n);
		for (size_t i = 0; err == 0 && i < n; i++) {
			bool there = svc_portal_listed(t, nt, p[i].address, p[i].port);
			int e;

			if (there == p[i].listen)
				continue;
			e = p[i].listen ? tgt_portal_new(&s->tgt, p[i].address, p[i].port)
				: tgt_portal_delete(&s->tgt, p[i].address, p[i].port);
			if (e == 0)
				p[i].listen ? opened++ : closed++;
			else if (e != (p[i].listen ? -EEXIST : -ENOENT)) {
				log_warnx("portal %s:%u: %s", p[i].address, p[i].port,
					  tgt_errmsg(&s->tgt));
				if (!first)
					first = e;
			}
		}
	} while (err == 0 && n == 8);
	free(t);
	if (err < 0) {
		log_warnx("reading the stored portals failed: %s", state_errmsg(s->st));
		return err;
	}
	if (opened || closed)
		log_info("tgtd portals: %u opened, %u closed as stored", opened, closed);
	err = svc_host_portals_settle(s);
	return first ? first : err;
}
