/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_target.c: the parent's answers for targets: IHostMgr/2/3, IHost/2/3,
 * IEnumHost, IEnumIDMethod, IEnumWTDiskLunMapping, IEnumPortal.
 *
 * Every rule about a target's names, IQN, identification methods, CHAP and
 * LUN mappings lives here, in the parent (the child only forwards), and the
 * store enforces its own (uniqueness, the base rule).  A change to a saved
 * target runs in one store transaction together with applying it to tgtd
 * (sync_apply_target): when tgtd refuses, the transaction is rolled back
 * and the old configuration applied again, so a failed call changes
 * nothing.  Trade-off: every change re-reads tgtd's whole view (tgt_show),
 * a few tgtadm runs per call; ISTM calls are interactive and rare.
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc.h"
#include "parent/sync/sync.h"
#include "proto/session.h"
#include "proto/target.h"

/* --- rules ----------------------------------------------------------------- */

/* A target name ([MS-ISTM] 3.21.4.5: "a valid iSCSI name", RFC 3720
 * 3.2.6.2's characters): letters, digits, '-', '.', ':'; at most 223 bytes
 * so the generated IQN can carry it.  E_INVALIDARG when empty. */
static uint32_t name_check(const char *name)
{
	size_t len = strlen(name);

	if (len == 0)
		return E_INVALIDARG;
	if (len > STATE_IQN_MAX)
		return ERROR_INVALID_DATA;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && *c != '-' && *c != '.' && *c != ':')
			return ERROR_INVALID_DATA;
	return S_OK;
}

/* Lower-case an iSCSI name in place (RFC 3722 maps names to lower case)
 * and check it as tgt does. */
static uint32_t iqn_check(char *iqn)
{
	if (!iqn[0])
		return E_INVALIDARG;
	for (char *c = iqn; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	return tgt_name_valid(iqn) ? S_OK : ERROR_INVALID_DATA;
}

/* RFC 1123 host name: labels of letters, digits and '-', not starting or
 * ending with '-', 1..63 bytes each, 253 in all. */
static bool dns_valid(const char *s)
{
	size_t label = 0, len = strlen(s);

	if (len == 0 || len > 253 || s[len - 1] == '.')
		return false;
	for (const char *c = s; *c; c++) {
		if (*c == '.') {
			if (label == 0 || c[-1] == '-')
				return false;
			label = 0;
		} else if (isalnum((unsigned char)*c) || (*c == '-' && label > 0)) {
			if (++label > 63)
				return false;
		} else {
			return false;
		}
	}
	return s[len - 1] != '-';
}

/* "01-23-45-67-89-ab" or with ':'; normalised to upper case with '-'. */
static bool mac_normalise(char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2) {
			if (s[i] != '-' && s[i] != ':')
				return false;
			s[i] = '-';
		} else if (!isxdigit((unsigned char)s[i])) {
			return false;
		} else {
			s[i] = (char)toupper((unsigned char)s[i]);
		}
	}
	return true;
}

/* NetBIOS name (RFC 1001): 1..15 bytes, none of the reserved characters. */
static bool netbios_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > 15)
		return false;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || strchr("\\/:*?\"<>|,", *c))
			return false;
	return true;
}

/* Check and normalise an identification method (3.21.4.41): E_INVALIDARG
 * for an unknown method or an empty value, ERROR_INVALID_DATA for a value
 * that is not of its method's syntax. */
static uint32_t id_check(uint32_t method, char *value)
{
	unsigned char buf[16];

	if (method > STATE_ID_IPV6 || !value[0])
		return E_INVALIDARG;
	switch (method) {
	case STATE_ID_IQN:
		return iqn_check(value);
	case STATE_ID_IP:
		return inet_pton(AF_INET, value, buf) == 1 ? S_OK : ERROR_INVALID_DATA;
	case STATE_ID_IPV6:
		return inet_pton(AF_INET6, value, buf) == 1 ? S_OK : ERROR_INVALID_DATA;
	case STATE_ID_DNS:
		for (char *c = value; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		return dns_valid(value) ? S_OK : ERROR_INVALID_DATA;
	case STATE_ID_MAC:
		return mac_normalise(value) ? S_OK : ERROR_INVALID_DATA;
	default:
		return netbios_valid(value) ? S_OK : ERROR_INVALID_DATA;
	}
}

static bool has_comma(const char *s)
{
	return strchr(s, ',') != NULL;
}

/* The CHAP settings of T (3.21.4.55, tgt's accounts). */
static uint32_t chap_check(const struct state_target *t)
{
	const struct {
		bool on;                     /* enabled */
		const char *user, *secret;   /* account */
	} a[2] = {
		{ t->chap_enabled, t->chap_user, t->chap_secret },
		{ t->rchap_enabled, t->rchap_user, t->rchap_secret },
	};

	for (int i = 0; i < 2; i++) {
		if (has_comma(a[i].user) || has_comma(a[i].secret))
			return E_INVALIDARG;    /* tgtadm cannot carry a comma */
		if (a[i].secret[0] && strlen(a[i].secret) < SVC_TARGET_SECRET_MIN)
			return ERROR_BAD_LENGTH;
		if (a[i].on && (!a[i].user[0] || !a[i].secret[0]))
			return E_INVALIDARG;
	}
	if (t->chap_enabled && t->rchap_enabled && strcmp(t->chap_user, t->rchap_user) == 0)
		return E_INVALIDARG;
	if (t->chap_enabled && t->rchap_enabled && strcmp(t->chap_secret, t->rchap_secret) == 0)
		return ERROR_DUP_NAME;  /* <42>: no duplicate secrets on a target */
	return S_OK;
}

/* tgt CHAP accounts are global: a user another target has enabled must
 * carry the same secret, or one of the two targets would be wrong. */
static uint32_t chap_shared_check(struct svc *s, const struct state_target *t)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_target *o = malloc(sizeof(*o));
	uint32_t hr = S_OK;
	size_t n;

	if (!o)
		return E_OUTOFMEMORY;
	while (hr == S_OK && state_target_next(s->st, &cur, false, o, 1, &n) == 0 && n == 1) {
		const char *ou[2] = { o->chap_enabled ? o->chap_user : "",
				      o->rchap_enabled ? o->rchap_user : "" };
		const char *os[2] = { o->chap_secret, o->rchap_secret };
		const char *tu[2] = { t->chap_enabled ? t->chap_user : "",
				      t->rchap_enabled ? t->rchap_user : "" };
		const char *ts[2] = { t->chap_secret, t->rchap_secret };

		if (o->id == t->id)
			continue;
		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++)
				if (tu[i][0] && strcmp(tu[i], ou[j]) == 0 && strcmp(ts[i], os[j]) != 0)
					hr = ERROR_DUP_NAME;
	}
	free(o);
	return hr;
}

static uint32_t params_check(const struct state_target *t)
{
	const uint32_t len[3] = { t->max_recv_dsl, t->first_burst, t->max_burst };

	for (int i = 0; i < 3; i++)
		if (len[i] < SVC_TARGET_LEN_MIN || len[i] > SVC_TARGET_LEN_MAX)
			return E_INVALIDARG;
	if (t->num_recv_buffers < SVC_TARGET_BUFFERS_MIN ||
	    t->num_recv_buffers > SVC_TARGET_BUFFERS_MAX)
		return E_INVALIDARG;
	return S_OK;
}

/* --- helpers --------------------------------------------------------------- */

static uint32_t store_hr(struct svc *s, int err, const char *what)
{
	if (err == -ENOENT)
		return ERROR_FILE_NOT_FOUND;
	if (err == -EEXIST)
		return ERROR_FILE_EXISTS;
	log_warnx("%s failed: %s", what, state_errmsg(s->st));
	return svc_hresult(err);
}

/* The saved or pending target ID. */
static uint32_t load(struct svc *s, int64_t id, struct state_target *t)
{
	int err = state_target_get(s->st, id, t);

	return err < 0 ? store_hr(s, err, "reading a target") : S_OK;
}

static bool is_saved(const struct state_target *t)
{
	return !(t->flags & STATE_PENDING) && t->tid > 0;
}

/* Whether a session of CUR came in under identification ID (NULL: any). */
static bool session_matches(const struct tgt_show_target *cur, const struct state_id *id)
{
	for (size_t i = 0; i < cur->nnexus; i++) {
		const struct tgt_show_nexus *n = &cur->nexus[i];

		if (!id || (id->method == STATE_ID_IQN && strcasecmp(n->initiator, id->value) == 0))
			return true;
		for (size_t j = 0; j < n->nconns; j++)
			if ((id->method == STATE_ID_IP || id->method == STATE_ID_IPV6) &&
			    strcasecmp(n->conns[j].address, id->value) == 0)
				return true;
	}
	return false;
}

/* End the sessions of saved target T that came in under ID (NULL: all of
 * them) (3.21.4.3, 3.21.4.42-43).  tgt closes sessions only with the
 * target, so the tgt target goes (--force) and the apply that follows makes
 * it again: the target's other sessions end too, and their initiators log
 * in again.  0 or a negative errno. */
static int drop_sessions(struct svc *s, const struct state_target *t, const struct state_id *id)
{
	struct tgt_show *show = NULL;
	const struct tgt_show_target *cur;
	int err = tgt_show(&s->tgt, &show);

	if (err < 0)
		return err;
	cur = tgt_show_find(show, t->tid);
	if (cur && strcasecmp(cur->iqn, t->iqn) == 0 && cur->nnexus > 0 && session_matches(cur, id)) {
		err = tgt_target_delete(&s->tgt, t->tid, true);
		if (err == 0)
			log_info("sessions of target '%s' closed", t->name);
	}
	tgt_show_free(show);
	return err == -ENOENT ? 0 : err;
}

/* Apply target ID to tgtd inside the caller's transaction; on failure roll
 * the transaction back and apply the old configuration again (when the
 * target was in tgtd before).  Returns the HRESULT; the transaction is
 * committed on success. */
static uint32_t apply_or_undo(struct svc *s, int64_t id, bool was_saved)
{
	struct sync_report rep;
	int err;

	memset(&rep, 0, sizeof(rep));
	err = sync_apply_target(s->st, &s->tgt, id, s->bstype, &rep);
	if (err == 0) {
		err = state_commit(s->st);
		if (err == 0)
			return S_OK;
		log_warnx("saving target %lld failed: %s", (long long)id, state_errmsg(s->st));
	} else {
		log_warnx("%s", rep.err);
	}
	state_rollback(s->st);
	if (was_saved) {
		struct sync_report again;

		memset(&again, 0, sizeof(again));
		if (sync_apply_target(s->st, &s->tgt, id, s->bstype, &again) < 0)
			log_warnx("restoring target %lld in tgtd failed: %s", (long long)id,
				  again.err);
	}
	if (err == -ECONNREFUSED || err == -EIO || err == -ETIMEDOUT || err == -ENOENT ||
	    err == -ECHILD)
		return ERROR_NOT_READY;
	return svc_hresult(err);
}

static int reply_target(uint8_t *reply, size_t *reply_len, uint32_t hr,
			const struct state_target *t)
{
	struct svc_target_reply *r = (struct svc_target_reply *)reply;

	if (hr != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	if (t != &r->t)
		memcpy(&r->t, t, sizeof(*t));
	r->hr = S_OK;
	r->pad = 0;
	*reply_len = sizeof(*r);
	return 0;
}

/* --- NEW ------------------------------------------------------------------- */

int answer_target_new(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_new_req rq;
	struct state_target *t, other;
	char base[STATE_IQN_MAX + 1];
	uint32_t hr;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.name))
		return -EBADMSG;
	if ((hr = name_check(rq.name)) != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	if (state_target_get_by_name(s->st, rq.name, &other) == 0)
		return svc_reply_hr(reply, reply_len, ERROR_FILE_EXISTS);
	t = &((struct svc_target_reply *)reply)->t;
	state_target_init(t, rq.name);
	t->max_recv_dsl = SVC_TARGET_DEFAULT_MAX_RECV_DSL;
	t->first_burst = SVC_TARGET_DEFAULT_FIRST_BURST;
	t->max_burst = SVC_TARGET_DEFAULT_MAX_BURST;
	t->num_recv_buffers = SVC_TARGET_DEFAULT_BUFFERS;
	t->enforce_idle_timeout = true;
	t->flags = STATE_PENDING;
	if (tgt_default_iqn(s->host, rq.name, base, sizeof(base)) < 0)
		return svc_reply_hr(reply, reply_len, ERROR_INVALID_DATA);
	/* a name differing only in case, or one an IQN was set to by hand,
	 * can make the generated IQN collide: number it */
	snprintf(t->iqn, sizeof(t->iqn), "%s", base);
	for (int i = 2; state_target_get_by_iqn(s->st, t->iqn, &other) == 0; i++) {
		char suffix[16];
		size_t keep;

		if (i > 1000)
			return svc_reply_hr(reply, reply_len, ERROR_FILE_EXISTS);
		snprintf(suffix, sizeof(suffix), "-%d", i);
		keep = strlen(base);
		if (keep + strlen(suffix) > STATE_IQN_MAX)
			keep = STATE_IQN_MAX - strlen(suffix);
		snprintf(t->iqn, sizeof(t->iqn), "%.*s%s", (int)keep, base, suffix);
	}
	err = state_target_add(s->st, t);
	if (err < 0)
		return svc_reply_hr(reply, reply_len, store_hr(s, err, "creating a target"));
	log_info("target '%s' created as a placeholder (IQN %s)", t->name, t->iqn);
	return reply_target(reply, reply_len, S_OK, t);
}

/* --- GET ------------------------------------------------------------------- */

int answer_target_get(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_get_req rq;
	struct state_target *t = &((struct svc_target_reply *)reply)->t;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.key) || rq.by > SVC_TARGET_BY_IQN)
		return -EBADMSG;
	if (rq.by != SVC_TARGET_BY_ID && (!rq.key[0] || strlen(rq.key) > STATE_IQN_MAX))
		return svc_reply_hr(reply, reply_len, E_INVALIDARG);
	if (rq.by == SVC_TARGET_BY_ID)
		err = state_target_get(s->st, rq.id, t);
	else if (rq.by == SVC_TARGET_BY_NAME)
		err = state_target_get_by_name(s->st, rq.key, t);
	else
		err = state_target_get_by_iqn(s->st, rq.key, t);
	if (err < 0)
		return svc_reply_hr(reply, reply_len, store_hr(s, err, "finding a target"));
	if ((t->flags & STATE_PENDING) && !rq.with_pending)
		return svc_reply_hr(reply, reply_len, ERROR_FILE_NOT_FOUND);
	return reply_target(reply, reply_len, S_OK, t);
}

/* --- SAVE ------------------------------------------------------------------ */

static uint32_t save_check(struct svc *s, struct state_target *nt)
{
	struct state_target other;
	uint32_t hr;

	if ((hr = name_check(nt->name)) != S_OK)
		return hr == E_INVALIDARG ? ERROR_INVALID_DATA : hr;
	if ((hr = iqn_check(nt->iqn)) != S_OK)
		return ERROR_INVALID_DATA;
	if (state_target_get_by_name(s->st, nt->name, &other) == 0 && other.id != nt->id)
		return ERROR_FILE_EXISTS;
	if (state_target_get_by_iqn(s->st, nt->iqn, &other) == 0 && other.id != nt->id)
		return ERROR_FILE_EXISTS;
	if ((hr = params_check(nt)) != S_OK || (hr = chap_check(nt)) != S_OK)
		return hr;
	return chap_shared_check(s, nt);
}

static uint32_t do_save(struct svc *s, const struct state_target *in, struct state_target *out)
{
	struct state_target *old = malloc(sizeof(*old)), *nt = out;
	struct tgt_show *show = NULL;
	bool was_saved;
	uint32_t hr;
	int err;

	if (!old)
		return E_OUTOFMEMORY;
	if ((hr = load(s, in->id, old)) != S_OK)
		goto done;
	/* what the client edits; the rest stays the parent's */
	*nt = *old;
	memcpy(nt->name, in->name, sizeof(nt->name));
	memcpy(nt->iqn, in->iqn, sizeof(nt->iqn));
	memcpy(nt->description, in->description, sizeof(nt->description));
	nt->enabled = in->enabled;
	nt->chap_enabled = in->chap_enabled;
	memcpy(nt->chap_user, in->chap_user, sizeof(nt->chap_user));
	memcpy(nt->chap_secret, in->chap_secret, sizeof(nt->chap_secret));
	nt->rchap_enabled = in->rchap_enabled;
	memcpy(nt->rchap_user, in->rchap_user, sizeof(nt->rchap_user));
	memcpy(nt->rchap_secret, in->rchap_secret, sizeof(nt->rchap_secret));
	nt->max_recv_dsl = in->max_recv_dsl;
	nt->first_burst = in->first_burst;
	nt->max_burst = in->max_burst;
	nt->num_recv_buffers = in->num_recv_buffers;
	nt->enforce_idle_timeout = in->enforce_idle_timeout;
	if ((hr = save_check(s, nt)) != S_OK)
		goto done;
	was_saved = is_saved(old);
	if ((err = tgt_show(&s->tgt, &show)) < 0) {
		log_warnx("saving target '%s' failed: %s", nt->name, tgt_errmsg(&s->tgt));
		hr = ERROR_NOT_READY;
		goto done;
	}
	if ((err = state_begin(s->st)) < 0) {
		hr = store_hr(s, err, "saving a target");
		goto done;
	}
	if (nt->tid <= 0) {
		int *taken = calloc(show->ntargets + 1, sizeof(int));

		if (!taken) {
			state_rollback(s->st);
			hr = E_OUTOFMEMORY;
			goto done;
		}
		for (size_t i = 0; i < show->ntargets; i++)
			taken[i] = show->targets[i].tid;
		err = state_target_free_tid(s->st, taken, show->ntargets, &nt->tid);
		free(taken);
	} else if (tgt_show_find(show, nt->tid) &&
		   strcasecmp(tgt_show_find(show, nt->tid)->iqn, old->iqn) == 0 &&
		   (strcasecmp(old->iqn, nt->iqn) != 0 || (old->enabled && !nt->enabled))) {
		/* a new IQN is a new tgt target (tgtd cannot rename one); a
		 * target disabled loses its sessions (3.21.4.3): tgt ends
		 * sessions only with their target, the apply makes it again */
		err = tgt_target_delete(&s->tgt, nt->tid, true);
		if (err < 0) {
			log_warnx("replacing target '%s' in tgtd failed: %s", nt->name,
				  tgt_errmsg(&s->tgt));
			state_rollback(s->st);
			hr = ERROR_NOT_READY;
			goto done;
		}
	}
	if (err == 0)
		err = state_target_save(s->st, nt);
	if (err < 0) {
		state_rollback(s->st);
		hr = err == -EEXIST ? ERROR_FILE_EXISTS : store_hr(s, err, "saving a target");
		if (was_saved) {
			struct sync_report rep;

			memset(&rep, 0, sizeof(rep));
			sync_apply_target(s->st, &s->tgt, nt->id, s->bstype, &rep);
		}
		goto done;
	}
	hr = apply_or_undo(s, nt->id, was_saved);
	if (hr == S_OK)
		log_info("target '%s' saved (tid %d, IQN %s)", nt->name, nt->tid, nt->iqn);
done:
	tgt_show_free(show);
	free(old);
	return hr;
}

int answer_target_save(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_save_req *rq;
	struct state_target *out = &((struct svc_target_reply *)reply)->t;
	uint32_t hr;

	rq = malloc(sizeof(*rq));
	if (!rq)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	memcpy(rq, req, sizeof(*rq));
	if (!SVC_STR_OK(rq->t.name) || !SVC_STR_OK(rq->t.iqn) || !SVC_STR_OK(rq->t.description) ||
	    !SVC_STR_OK(rq->t.chap_user) || !SVC_STR_OK(rq->t.chap_secret) ||
	    !SVC_STR_OK(rq->t.rchap_user) || !SVC_STR_OK(rq->t.rchap_secret) ||
	    !SVC_STR_OK(rq->t.resource_group)) {
		free(rq);
		return -EBADMSG;
	}
	hr = do_save(s, &rq->t, out);
	free(rq);
	return reply_target(reply, reply_len, hr, out);
}

/* --- DELETE, DISCARD ------------------------------------------------------- */

int answer_target_delete(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_name_req rq;
	struct state_target t;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.name))
		return -EBADMSG;
	if (!rq.name[0] || strlen(rq.name) > STATE_IQN_MAX)
		return svc_reply_hr(reply, reply_len, E_INVALIDARG);
	err = state_target_get_by_name(s->st, rq.name, &t);
	if (err < 0 || (t.flags & STATE_PENDING))
		return svc_reply_hr(reply, reply_len, err < 0 && err != -ENOENT ?
				    store_hr(s, err, "finding a target") : ERROR_FILE_NOT_FOUND);
	if (t.tid > 0) {
		struct tgt_show *show = NULL;
		const struct tgt_show_target *cur;

		if (tgt_show(&s->tgt, &show) < 0) {
			log_warnx("deleting target '%s' failed: %s", t.name, tgt_errmsg(&s->tgt));
			return svc_reply_hr(reply, reply_len, ERROR_NOT_READY);
		}
		cur = tgt_show_find(show, t.tid);
		/* only the tgt target that is this one (not one made by hand) */
		if (cur && strcasecmp(cur->iqn, t.iqn) == 0 &&
		    (err = tgt_target_delete(&s->tgt, t.tid, true)) < 0 && err != -ENOENT) {
			log_warnx("deleting target '%s' failed: %s", t.name, tgt_errmsg(&s->tgt));
			tgt_show_free(show);
			return svc_reply_hr(reply, reply_len, ERROR_NOT_READY);
		}
		tgt_show_free(show);
	}
	err = state_target_delete(s->st, t.id);
	if (err < 0)
		return svc_reply_hr(reply, reply_len, store_hr(s, err, "deleting a target"));
	log_info("target '%s' deleted", t.name);
	(void)svc_host_portals_settle(s);   /* its own portals close (logged) */
	return svc_reply_hr(reply, reply_len, S_OK);
}

int answer_target_discard(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_id_req rq;
	struct state_target t;

	memcpy(&rq, req, sizeof(rq));
	if (state_target_get(s->st, rq.id, &t) == 0 && (t.flags & STATE_PENDING) &&
	    state_target_delete(s->st, rq.id) == 0) {
		log_info("placeholder target '%s' dropped: never saved", t.name);
		(void)svc_host_portals_settle(s);
	}
	return svc_reply_hr(reply, reply_len, S_OK);
}

/* --- identification methods ------------------------------------------------ */

int answer_target_id(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_idm_req rq;
	struct state_target t;
	struct state_id id;
	uint32_t hr;
	int err = 0;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.value) || rq.op > SVC_TARGET_OP_REMOVE_ALL)
		return -EBADMSG;
	if ((hr = load(s, rq.id, &t)) != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	memset(&id, 0, sizeof(id));
	if (rq.op != SVC_TARGET_OP_REMOVE_ALL) {
		if ((hr = id_check(rq.method, rq.value)) != S_OK)
			return svc_reply_hr(reply, reply_len, hr);
		id.method = (enum state_id_method)rq.method;
		snprintf(id.value, sizeof(id.value), "%s", rq.value);
	}
	if ((err = state_begin(s->st)) < 0)
		return svc_reply_hr(reply, reply_len, store_hr(s, err, "changing a target"));
	if (rq.op == SVC_TARGET_OP_ADD)
		err = state_target_add_id(s->st, t.id, &id);
	else if (rq.op == SVC_TARGET_OP_REMOVE)
		err = state_target_remove_id(s->st, t.id, &id);
	else
		err = state_target_remove_all_ids(s->st, t.id);
	/* adding one present or removing one absent is S_OK (3.21.4.41-42) */
	if (err == -EEXIST || (err == -ENOENT && rq.op == SVC_TARGET_OP_REMOVE))
		err = 0;
	if (err < 0) {
		state_rollback(s->st);
		return svc_reply_hr(reply, reply_len, store_hr(s, err, "changing identifications"));
	}
	if (!is_saved(&t)) {
		err = state_commit(s->st);
		if (err < 0) {
			state_rollback(s->st);
			return svc_reply_hr(reply, reply_len, store_hr(s, err, "changing a target"));
		}
		return svc_reply_hr(reply, reply_len, S_OK);
	}
	if (rq.op != SVC_TARGET_OP_ADD &&
	    (err = drop_sessions(s, &t, rq.op == SVC_TARGET_OP_REMOVE ? &id : NULL)) < 0)
		log_warnx("closing the sessions of target '%s' failed: %s", t.name,
			  tgt_errmsg(&s->tgt));
	return svc_reply_hr(reply, reply_len, apply_or_undo(s, t.id, true));
}

/* --- LUN mappings ---------------------------------------------------------- */

static bool mapped(const struct state_lun_mapping *m, size_t n, int64_t wtd, uint32_t *lun)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].wtd == wtd) {
			if (lun)
				*lun = m[i].lun;
			return true;
		}
	return false;
}

static uint32_t lun_change(struct svc *s, const struct state_target *t,
			   const struct svc_target_lun_req *rq)
{
	struct state_lun_mapping *m = NULL;
	struct state_disk *d = NULL;
	uint32_t hr = S_OK, lun = 0, cur;
	size_t n = 0;
	int err;

	if ((err = state_lun_list(s->st, t->id, &m, &n)) < 0)
		return store_hr(s, err, "listing LUN mappings");
	switch (rq->op) {
	case SVC_TARGET_OP_ADD:
		if (mapped(m, n, rq->wtd, NULL))
			break;              /* already assigned: S_OK */
		d = malloc(sizeof(*d));
		if (!d) {
			hr = E_OUTOFMEMORY;
			break;
		}
		err = state_disk_get(s->st, rq->wtd, d);
		if (err == -ENOENT || (err == 0 && (d->flags & STATE_PENDING))) {
			hr = ERROR_FILE_NOT_FOUND;
			break;
		}
		if (err < 0) {
			hr = store_hr(s, err, "reading a disk");
			break;
		}
		if (access(d->path, F_OK) < 0) {  /* its file went away */
			hr = ERROR_FILE_NOT_FOUND;
			break;
		}
		if (d->lm_mount_point[0]) {     /* surfaced locally through vhdfs */
			hr = ERROR_DELETE_PENDING;
			break;
		}
		if (n >= SVC_TARGET_MAX_LUNS) {
			hr = ERROR_HANDLE_EOF;
			break;
		}
		if ((err = state_lun_free(s->st, t->id, &lun)) == 0)
			err = state_lun_map(s->st, t->id, rq->wtd, lun);
		if (err == -EBUSY)              /* the base rule */
			hr = ERROR_DELETE_PENDING;
		else if (err == -EINVAL || err == -ENOSPC)
			hr = ERROR_HANDLE_EOF;
		else if (err < 0)
			hr = store_hr(s, err, "assigning a disk");
		break;
	case SVC_TARGET_OP_REMOVE:
		if (!mapped(m, n, rq->wtd, NULL)) {
			hr = ERROR_FILE_NOT_FOUND;
			break;
		}
		if ((err = state_lun_unmap(s->st, t->id, rq->wtd)) < 0)
			hr = store_hr(s, err, "removing a disk");
		break;
	case SVC_TARGET_OP_REMOVE_ALL:
		if (n && (err = state_lun_unmap_all(s->st, t->id)) < 0)
			hr = store_hr(s, err, "removing disks");
		break;
	default:                                /* SET_LUN */
		if (rq->lun > TGT_ISTM_LUN_MAX) {
			hr = E_INVALIDARG;
			break;
		}
		if (!mapped(m, n, rq->wtd, &cur)) {
			hr = ERROR_FILE_NOT_FOUND;
			break;
		}
		if (cur == rq->lun)
			break;
		for (size_t i = 0; i < n; i++)
			if (m[i].lun == rq->lun)
				hr = ERROR_FILE_EXISTS;
		if (hr != S_OK)
			break;
		err = state_lun_unmap(s->st, t->id, rq->wtd);
		if (err == 0 && is_saved(t)) {
			/* take the LU away first: bs_vhd opens a file once */
			struct sync_report rep;

			memset(&rep, 0, sizeof(rep));
			if ((err = sync_apply_target(s->st, &s->tgt, t->id, s->bstype, &rep)) < 0) {
				log_warnx("%s", rep.err);
				hr = ERROR_NOT_READY;
				break;
			}
		}
		if (err == 0)
			err = state_lun_map(s->st, t->id, rq->wtd, rq->lun);
		if (err == -EBUSY)
			hr = ERROR_DELETE_PENDING;
		else if (err < 0)
			hr = store_hr(s, err, "moving a disk");
		break;
	}
	free(m);
	free(d);
	return hr;
}

int answer_target_lun(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_lun_req rq;
	struct state_target t;
	uint32_t hr;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (rq.op > SVC_TARGET_OP_SET_LUN)
		return -EBADMSG;
	if ((hr = load(s, rq.id, &t)) != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	if ((err = state_begin(s->st)) < 0)
		return svc_reply_hr(reply, reply_len, store_hr(s, err, "changing a target"));
	hr = lun_change(s, &t, &rq);
	if (hr != S_OK) {
		state_rollback(s->st);
		if (is_saved(&t) && rq.op == SVC_TARGET_OP_SET_LUN) {
			struct sync_report rep;   /* the LU taken away comes back */

			memset(&rep, 0, sizeof(rep));
			if (sync_apply_target(s->st, &s->tgt, t.id, s->bstype, &rep) < 0)
				log_warnx("restoring target '%s' in tgtd failed: %s", t.name, rep.err);
		}
		return svc_reply_hr(reply, reply_len, hr);
	}
	if (!is_saved(&t)) {
		if ((err = state_commit(s->st)) < 0) {
			state_rollback(s->st);
			hr = store_hr(s, err, "changing a target");
		}
		return svc_reply_hr(reply, reply_len, hr);
	}
	return svc_reply_hr(reply, reply_len, apply_or_undo(s, t.id, true));
}

/* --- STATUS ---------------------------------------------------------------- */

int answer_target_status(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_id_req rq;
	struct svc_target_status_reply *r = (struct svc_target_status_reply *)reply;
	struct tgt_show *show = NULL;
	const struct tgt_show_target *cur;
	struct state_target t;
	uint32_t hr;

	memcpy(&rq, req, sizeof(rq));
	/* the sessions part notices logins (and moves LastLogIn) when it looks */
	if (svc_session_refresh(s) < 0)
		log_debug("looking at the sessions failed; LastLogIn may be behind");
	if ((hr = load(s, rq.id, &t)) != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	memset(r, 0, sizeof(*r));
	r->last_login = t.last_login;
	if (is_saved(&t)) {
		if (tgt_show(&s->tgt, &show) < 0)
			return svc_reply_hr(reply, reply_len, ERROR_NOT_READY);
		cur = tgt_show_find(show, t.tid);
		r->status = cur && strcasecmp(cur->iqn, t.iqn) == 0 && cur->nnexus > 0;
		tgt_show_free(show);
	}
	r->hr = S_OK;
	*reply_len = sizeof(*r);
	return 0;
}

/* --- CHECK ---------------------------------------------------------------- */

int answer_target_check(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_target_check_req rq;
	struct svc_target_check_reply *r = (struct svc_target_check_reply *)reply;
	struct state_target other;
	uint32_t hr;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.value) || rq.what > SVC_TARGET_WHAT_IQN)
		return -EBADMSG;
	if (rq.what == SVC_TARGET_WHAT_NAME) {
		hr = name_check(rq.value);
		err = hr == S_OK ? state_target_get_by_name(s->st, rq.value, &other) : -ENOENT;
	} else {
		hr = strlen(rq.value) > STATE_IQN_MAX ? ERROR_INVALID_DATA : iqn_check(rq.value);
		err = hr == S_OK ? state_target_get_by_iqn(s->st, rq.value, &other) : -ENOENT;
	}
	if (hr == S_OK && err == 0 && other.id != rq.id)
		hr = ERROR_FILE_EXISTS;
	else if (hr == S_OK && err < 0 && err != -ENOENT)
		hr = store_hr(s, err, "checking a target name");
	if (hr != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	memset(r, 0, sizeof(*r));
	memcpy(r->value, rq.value, sizeof(r->value));
	*reply_len = sizeof(*r);
	return 0;
}

/* --- enumerations ---------------------------------------------------------- */

static int fetch_hosts(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor, void *out,
		       size_t max, size_t *n)
{
	struct state_cursor cur = { *cursor };
	int err;

	(void)rq;
	if (out) {
		err = state_target_next(s->st, &cur, false, out, max, n);
	} else {
		/* skip and count without room for the rows: one at a time */
		struct state_target *one = malloc(sizeof(*one));
		size_t got = 0;

		if (!one)
			return -ENOMEM;
		*n = 0;
		err = 0;
		while (*n < max && (err = state_target_next(s->st, &cur, false, one, 1, &got)) == 0 &&
		       got == 1)
			(*n)++;
		free(one);
	}
	if (err == 0)
		*cursor = cur.last;
	return err;
}

/* A list fetched whole, walked by position (the key is the position). */
static void walk_list(const void *items, size_t count, size_t item_size, int64_t *cursor,
		      void *out, size_t max, size_t *n)
{
	size_t from = (size_t)(*cursor + 1);

	*n = 0;
	for (size_t i = from; i < count && *n < max; i++) {
		if (out)
			memcpy((uint8_t *)out + *n * item_size, (const uint8_t *)items + i * item_size,
			       item_size);
		(*n)++;
		*cursor = (int64_t)i;
	}
}

static int fetch_ids(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor, void *out,
		     size_t max, size_t *n)
{
	struct state_id *ids = NULL;
	size_t count = 0;
	int err = state_target_list_ids(s->st, rq->scope, &ids, &count);

	if (err < 0)
		return err;
	walk_list(ids, count, sizeof(*ids), cursor, out, max, n);
	free(ids);
	return 0;
}

static int fetch_luns(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor, void *out,
		      size_t max, size_t *n)
{
	struct state_lun_mapping *m = NULL;
	size_t count = 0;
	int err = state_lun_list(s->st, rq->scope, &m, &count);

	if (err < 0)
		return err;
	*n = 0;
	for (size_t i = 0; i < count && *n < max; i++) {
		if ((int64_t)m[i].lun <= *cursor)
			continue;
		if (out)
			((struct state_lun_mapping *)out)[*n] = m[i];
		(*n)++;
		*cursor = m[i].lun;
	}
	free(m);
	return 0;
}

/* A portal's GUID: the same for the same address and port (FNV-1a, twice). */
void svc_portal_guid(const char *address, uint32_t port, uint8_t guid[16])
{
	uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };
	char key[160];

	snprintf(key, sizeof(key), "%s:%u", address, port);
	for (int k = 0; k < 2; k++)
		for (const char *c = key; *c; c++)
			h[k] = (h[k] ^ (uint8_t)*c) * 0x100000001b3ull;
	memcpy(guid, h, 16);
	guid[7] = (uint8_t)((guid[7] & 0x0f) | 0x50);  /* name-based, version 5 */
	guid[8] = (uint8_t)((guid[8] & 0x3f) | 0x80);
}

/* IEnumPortal: a target's own portals (IHost::AddPortal) when SCOPE is a
 * target that has some; otherwise every portal tgtd listens on, since tgt
 * serves each target on all of them. */
static int fetch_portals(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
			 void *out, size_t max, size_t *n)
{
	struct tgt_portal *p = NULL;
	struct state_portal *own = NULL;
	struct svc_target_portal *items;
	size_t count = 0, nown = 0;
	int err = rq->scope > 0 ? state_target_list_portals(s->st, rq->scope, &own, &nown) : 0;

	if (err < 0)
		return err;
	if (nown == 0 && tgt_portal_list(&s->tgt, &p, &count) < 0)
		return -EAGAIN;
	if (nown)
		count = nown;
	items = calloc(count ? count : 1, sizeof(*items));
	if (!items) {
		free(p);
		free(own);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		const char *address = nown ? own[i].address : p[i].address;
		uint32_t port = nown ? own[i].port : p[i].port;

		svc_portal_guid(address, port, items[i].guid);
		snprintf(items[i].address, sizeof(items[i].address), "%s", address);
		items[i].port = port;
	}
	walk_list(items, count, sizeof(*items), cursor, out, max, n);
	free(items);
	free(own);
	free(p);
	return 0;
}

#define ENUM_ANSWER(fn, item, fetch) \
int fn(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len) \
{ \
	return svc_enum_answer(s, req, reply, reply_len, sizeof(item), fetch); \
}
ENUM_ANSWER(answer_target_enum_hosts, struct state_target, fetch_hosts)
ENUM_ANSWER(answer_target_enum_ids, struct state_id, fetch_ids)
ENUM_ANSWER(answer_target_enum_luns, struct state_lun_mapping, fetch_luns)
ENUM_ANSWER(answer_target_enum_portals, struct svc_target_portal, fetch_portals)

