/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_session.c: the parent's answers for sessions (ISessionManager/2,
 * IEnumSession/2, IEnumConnection) and for the server name of IWTGeneral.
 *
 * Every answer reads tgtd's listing afresh (one tgtadm run), so an
 * enumerator sees sessions that log out while it runs, in TSIH order, and
 * ends: it lists no session newer than its first Next (see horizon below);
 * nothing about sessions is kept but the set of sessions seen at the last
 * look, which is how a login is noticed: a session (target, TSIH,
 * initiator) not seen before logged in since, and its time is recorded as
 * the target's LastLogIn and the initiator's CACHED_INITIATOR entry.
 * Trade-off: the login time is when istmd first saw the session (at most
 * one listing late), and sessions open when istmd starts count as logins
 * then; tgt keeps no login time to do better.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc.h"
#include "parent/sync/sync.h"
#include "proto/session.h"

/* A session as tgtd lists it, with the connections of its nexus. */
struct sess {
	struct svc_session_item item;          /* what the child gets */
	const struct tgt_show_nexus *nx;       /* its nexus in the listing */
};

/* Sessions seen at the last look (login detection). */
struct seen {
	uint32_t tid;                /* tgt target id */
	uint32_t tsih;               /* TSIH */
	char initiator[224];         /* initiator name */
};
static struct seen *seen;        /* sorted as listed */
static size_t nseen;             /* entries */

static uint64_t filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return 116444736000000000ull + (uint64_t)ts.tv_sec * 10000000ull +
	       (uint64_t)ts.tv_nsec / 100;
}

static int by_tsih(const void *a, const void *b)
{
	const struct sess *x = a, *y = b;

	return (x->item.tsih > y->item.tsih) - (x->item.tsih < y->item.tsih);
}

static bool was_seen(const struct sess *ss)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (seen[i].tid == ss->item.tid && seen[i].tsih == ss->item.tsih &&
		    strcmp(seen[i].initiator, ss->item.initiator) == 0)
			return true;
	return false;
}

/* Record logins among SS (sessions not seen at the last look) and remember
 * SS for the next look.  Store failures are logged, not fatal: listing
 * sessions must not fail because a timestamp could not be written. */
static void observe(struct svc *s, const struct sess *ss, size_t n)
{
	uint64_t now = filetime_now();
	struct state_target t;
	struct seen *next;
	size_t i;

	for (i = 0; i < n; i++) {
		if (was_seen(&ss[i]))
			continue;
		log_info("session %u of '%s' from '%s' logged in", ss[i].item.tsih,
			 ss[i].item.target_iqn, ss[i].item.initiator);
		if (state_initiator_seen(s->st, ss[i].item.initiator, now) < 0)
			log_warnx("recording initiator '%s' failed: %s", ss[i].item.initiator,
				  state_errmsg(s->st));
		if (ss[i].item.target_id &&
		    state_target_get(s->st, ss[i].item.target_id, &t) == 0 && t.last_login < now) {
			t.last_login = now;
			if (state_target_update(s->st, &t) < 0)
				log_warnx("recording the last login of '%s' failed: %s", t.name,
					  state_errmsg(s->st));
		}
	}
	next = n ? calloc(n, sizeof(*next)) : NULL;
	if (n && !next)
		return;      /* the same logins are noticed again next time */
	for (i = 0; i < n; i++) {
		next[i].tid = ss[i].item.tid;
		next[i].tsih = ss[i].item.tsih;
		memcpy(next[i].initiator, ss[i].item.initiator, sizeof(next[i].initiator));
	}
	free(seen);
	seen = next;
	nseen = n;
}

/* tgtd's sessions in TSIH order into *OUT (free it, then *SHOW).  Items
 * name the stored target (by IQN) when there is one. */
static int collect(struct svc *s, struct tgt_show **show, struct sess **out, size_t *n)
{
	struct state_target st;
	struct sess *ss = NULL;
	size_t i, j, k, total = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = tgt_show(&s->tgt, show)) < 0) {
		log_warnx("listing sessions failed: %s", tgt_errmsg(&s->tgt));
		return -EAGAIN;   /* ERROR_NOT_READY: tgtd does not answer */
	}
	for (i = 0; i < (*show)->ntargets; i++)
		total += (*show)->targets[i].nnexus;
	if (total && !(ss = calloc(total, sizeof(*ss)))) {
		tgt_show_free(*show);
		*show = NULL;
		return -ENOMEM;
	}
	for (i = 0, k = 0; i < (*show)->ntargets; i++) {
		const struct tgt_show_target *tt = &(*show)->targets[i];
		bool chap = false, stored;

		if (!tt->nnexus)
			continue;
		for (j = 0; j < tt->naccounts; j++)
			chap |= !tt->accounts[j].outgoing;
		stored = state_target_get_by_iqn(s->st, tt->iqn, &st) == 0 &&
			 st.tid == tt->tid && !(st.flags & STATE_PENDING);
		for (j = 0; j < tt->nnexus; j++, k++) {
			struct svc_session_item *it = &ss[k].item;

			ss[k].nx = &tt->nexus[j];
			snprintf(it->initiator, sizeof(it->initiator), "%s", tt->nexus[j].initiator);
			snprintf(it->target_iqn, sizeof(it->target_iqn), "%s", tt->iqn);
			if (stored) {
				snprintf(it->host_name, sizeof(it->host_name), "%s", st.name);
				it->target_id = st.id;
			} else if (sync_adopt_name(tt->iqn, it->host_name, sizeof(it->host_name)) < 0) {
				snprintf(it->host_name, sizeof(it->host_name), "%s", tt->iqn);
			}
			it->tsih = (uint32_t)tt->nexus[j].id;
			it->tid = (uint32_t)tt->tid;
			it->nconns = (uint32_t)tt->nexus[j].nconns;
			it->type = SVC_SESSION_TYPE_NORMAL;  /* tgt lists no discovery sessions */
			it->auth = chap ? SVC_SESSION_AUTH_CHAP : SVC_SESSION_AUTH_NONE;
		}
	}
	memset(&st, 0, sizeof(st));  /* the CHAP secrets */
	if (total)    /* ss may be NULL: qsort wants a pointer even for none */
		qsort(ss, total, sizeof(*ss), by_tsih);
	observe(s, ss, total);
	*out = ss;
	*n = total;
	return 0;
}

int svc_session_refresh(struct svc *s)
{
	struct tgt_show *show = NULL;
	struct sess *ss;
	size_t n;
	int rc = collect(s, &show, &ss, &n);

	free(ss);
	tgt_show_free(show);
	return rc;
}

/* --- ENUM ------------------------------------------------------------------ */

/* A session enumerator's cursor (the child keeps it): the TSIH returned
 * last (bits 0-15, 0 before the first) and the horizon, the highest TSIH
 * tgtd listed at its first Next (bits 16-31); -1 before that Next.  Only
 * sessions with a TSIH up to the horizon are returned.  Without it, an
 * enumerator chased initiators that log in for every command: their new
 * sessions took TSIHs above the cursor faster than a client read them, and
 * istmctl sessions never ended beside the soak's 16 initiators.  tgt's
 * TSIHs are 16 bits and wrap (usr/iscsi/session.c); after a wrap a new
 * session may fall under the horizon and be listed, but the cursor still
 * only climbs, so every enumeration ends. */
#define SESS_CURSOR_TSIH(c) ((uint32_t)((c) & 0xffff))
#define SESS_CURSOR_HORIZON(c) ((uint32_t)(((c) >> 16) & 0xffff))
#define SESS_CURSOR(horizon, tsih) ((int64_t)(horizon) << 16 | (int64_t)(tsih))

static int fetch_sessions(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
			  void *out, size_t max, size_t *n)
{
	uint8_t *items = out;        /* not aligned for the struct: memcpy */
	struct tgt_show *show = NULL;
	struct state_target t;
	struct sess *ss;
	size_t i, count;
	uint32_t last, horizon;
	int rc, tid = -1;

	*n = 0;
	if (*cursor > SESS_CURSOR(0xffff, 0xffff))
		return -EINVAL;
	if (rq->scope >= 0) {
		/* the sessions of one stored target (IHost::EnumSessions) */
		if ((rc = state_target_get(s->st, rq->scope, &t)) < 0)
			return rc;
		tid = t.tid;
		memset(&t, 0, sizeof(t));
		if (tid <= 0)
			return 0;
	}
	if ((rc = collect(s, &show, &ss, &count)) < 0)
		return rc;
	if (*cursor < 0) {           /* the first Next: sorted, the last is the highest */
		last = 0;
		horizon = count ? ss[count - 1].item.tsih : 0;
	} else {
		last = SESS_CURSOR_TSIH(*cursor);
		horizon = SESS_CURSOR_HORIZON(*cursor);
	}
	for (i = 0; i < count && *n < max && ss[i].item.tsih <= horizon; i++) {
		if (ss[i].item.tsih <= last)
			continue;
		if (tid > 0 && ((int)ss[i].item.tid != tid || ss[i].item.target_id != rq->scope))
			continue;
		if (items)
			memcpy(items + *n * sizeof(ss[i].item), &ss[i].item, sizeof(ss[i].item));
		last = ss[i].item.tsih;
		*cursor = SESS_CURSOR(horizon, last);
		(*n)++;
	}
	free(ss);
	tgt_show_free(show);
	return 0;
}

int answer_session_enum(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct svc_session_item),
			       fetch_sessions);
}

/* --- GET ------------------------------------------------------------------- */

/* The session TSIH in SS, or NULL. */
static const struct sess *find(const struct sess *ss, size_t n, uint32_t tsih)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ss[i].item.tsih == tsih)
			return &ss[i];
	return NULL;
}

static int parse_req(const uint8_t *req, struct svc_session_req *rq)
{
	memcpy(rq, req, sizeof(*rq));
	return rq->tsih == 0 || rq->tsih > 0xffff ? -EBADMSG : 0;
}

int answer_session_get(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_session_reply r;
	struct svc_session_req rq;
	struct tgt_show *show = NULL;
	const struct sess *one;
	struct sess *ss;
	size_t n;
	int rc;

	if (parse_req(req, &rq) < 0)
		return -EBADMSG;
	if ((rc = collect(s, &show, &ss, &n)) < 0)
		return svc_reply_hr(reply, reply_len, svc_hresult(rc));
	memset(&r, 0, sizeof(r));
	one = find(ss, n, rq.tsih);
	r.hr = one ? S_OK : ERROR_FILE_NOT_FOUND;
	if (one)
		r.s = one->item;
	free(ss);
	tgt_show_free(show);
	memcpy(reply, &r, sizeof(r));
	*reply_len = sizeof(r);
	return 0;
}

/* --- connections ----------------------------------------------------------- */

/* The address and port initiators reach: tgtd's portal when it has exactly
 * one that is not a wildcard (tgt does not say which portal a connection
 * came in on). */
static void target_side(struct svc *s, char *addr, size_t cap, uint32_t *port)
{
	struct tgt_portal *p = NULL;
	size_t n = 0;

	addr[0] = 0;
	*port = 0;
	if (tgt_portal_list(&s->tgt, &p, &n) == 0 && n == 1 && strcmp(p[0].address, "0.0.0.0") &&
	    strcmp(p[0].address, "::") && p[0].address[0]) {
		snprintf(addr, cap, "%s", p[0].address);
		*port = p[0].port;
	}
	free(p);
}

static void conn_item(const struct tgt_show_conn *tc, const char *taddr, uint32_t tport,
		      struct svc_conn_item *out)
{
	memset(out, 0, sizeof(*out));
	out->cid = tc->cid;
	snprintf(out->initiator_addr, sizeof(out->initiator_addr), "%s", tc->address);
	snprintf(out->target_addr, sizeof(out->target_addr), "%s", taddr);
	out->target_port = tport;
}

static int fetch_conns(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
		       void *out, size_t max, size_t *n)
{
	uint8_t *items = out;        /* not aligned for the struct: memcpy */
	struct svc_conn_item ci;
	struct tgt_show *show = NULL;
	const struct sess *one;
	char taddr[128];
	uint32_t tport;
	struct sess *ss;
	size_t count;
	int rc;

	*n = 0;
	if (rq->scope <= 0 || rq->scope > 0xffff)
		return -EINVAL;
	if ((rc = collect(s, &show, &ss, &count)) < 0)
		return rc;
	one = find(ss, count, (uint32_t)rq->scope);
	if (one)
		target_side(s, taddr, sizeof(taddr), &tport);
	/* the session gone: an empty collection (its end), not an error */
	while (one && *n < max) {
		const struct tgt_show_conn *best = NULL;
		size_t i;

		/* next CID after the cursor (tgt lists them in no set order) */
		for (i = 0; i < one->nx->nconns; i++) {
			const struct tgt_show_conn *tc = &one->nx->conns[i];

			if ((int64_t)tc->cid > *cursor && (!best || tc->cid < best->cid))
				best = tc;
		}
		if (!best)
			break;
		if (items) {
			conn_item(best, taddr, tport, &ci);
			memcpy(items + *n * sizeof(ci), &ci, sizeof(ci));
		}
		*cursor = best->cid;
		(*n)++;
	}
	free(ss);
	tgt_show_free(show);
	return 0;
}

int answer_session_enum_conns(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct svc_conn_item),
			       fetch_conns);
}

int answer_session_get_conn(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_conn_reply r;
	struct svc_session_req rq;
	struct tgt_show *show = NULL;
	const struct sess *one;
	char taddr[128];
	uint32_t tport;
	struct sess *ss;
	size_t n, i;
	int rc;

	if (parse_req(req, &rq) < 0)
		return -EBADMSG;
	if ((rc = collect(s, &show, &ss, &n)) < 0)
		return svc_reply_hr(reply, reply_len, svc_hresult(rc));
	memset(&r, 0, sizeof(r));
	r.hr = ERROR_FILE_NOT_FOUND;
	one = find(ss, n, rq.tsih);
	for (i = 0; one && i < one->nx->nconns; i++) {
		if (one->nx->conns[i].cid != rq.cid)
			continue;
		target_side(s, taddr, sizeof(taddr), &tport);
		conn_item(&one->nx->conns[i], taddr, tport, &r.c);
		r.hr = S_OK;
		break;
	}
	free(ss);
	tgt_show_free(show);
	memcpy(reply, &r, sizeof(r));
	*reply_len = sizeof(r);
	return 0;
}

/* --- cached initiators ------------------------------------------------------ */

static int fetch_initiators(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
			    void *out, size_t max, size_t *n)
{
	struct state_cursor cur = { *cursor };
	struct state_initiator one;
	size_t got;
	int rc;

	(void)rq;
	*n = 0;
	while (*n < max) {
		rc = state_initiator_next(s->st, &cur, out ? &one : NULL, 1, &got);
		if (rc < 0)
			return rc;
		if (got == 0)
			break;
		if (out)             /* not aligned for the struct: memcpy */
			memcpy((uint8_t *)out + *n * sizeof(one), &one, sizeof(one));
		*cursor = cur.last;
		(*n)++;
	}
	return 0;
}

int answer_session_enum_initiators(struct svc *s, const uint8_t *req, uint8_t *reply,
				   size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct state_initiator),
			       fetch_initiators);
}
