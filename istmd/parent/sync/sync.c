/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* sync.c: converge tgtd on the stored configuration, one target at a time.
 *
 * Each apply reads tgtd's view once (tgt_show) and issues only the tgtadm
 * commands that change something.  Trade-off: an account is always
 * recreated (tgtd never shows secrets, so a changed secret cannot be seen),
 * which costs a few tgtadm runs per CHAP target and re-binds the account
 * wherever tgtd had it.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sync.h"
#include "parent/state/state_snapshot.h"

static int failed(struct sync_report *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int failed(struct sync_report *r, int err, const char *fmt, ...)
{
	va_list ap;

	if (!r->err[0]) {
		va_start(ap, fmt);
		vsnprintf(r->err, sizeof(r->err), fmt, ap);
		va_end(ap);
	}
	return err;
}

/* An ACL the store wants. */
struct want_acl {
	char value[STATE_TEXT_MAX + 1];  /* address or lower-cased iSCSI name */
	bool is_name;                /* initiator name rather than address */
};

static bool acl_wanted(const struct want_acl *w, size_t n, const struct tgt_show_acl *a)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].is_name == a->is_name && strcmp(w[i].value, a->value) == 0)
			return true;
	return false;
}

static bool acl_present(const struct tgt_show_target *cur, const struct want_acl *w)
{
	for (size_t i = 0; cur && i < cur->nacls; i++)
		if (cur->acls[i].is_name == w->is_name && strcmp(cur->acls[i].value, w->value) == 0)
			return true;
	return false;
}

/* Make account USER carry SECRET.  tgtd never shows secrets, so an existing
 * account is recreated, unless another target than TID has it bound: then
 * deleting it would leave that target open to logins without CHAP for a
 * moment, so it is kept as it is (all targets sharing a CHAP user share its
 * secret; a changed secret of a shared user reaches tgtd at its next start,
 * when every account is created afresh). */
static int ensure_account(struct tgt *t, const struct tgt_show *show, int tid, const char *user,
			  const char *secret, struct sync_report *r, const char *tname)
{
	int err = tgt_account_new(t, user, secret);

	if (err == -EEXIST) {
		for (size_t i = 0; i < show->ntargets; i++)
			for (size_t j = 0; j < show->targets[i].naccounts; j++)
				if (show->targets[i].tid != tid &&
				    strcmp(show->targets[i].accounts[j].user, user) == 0)
					return 0;
		err = tgt_account_delete(t, user);
		if (err == 0)
			err = tgt_account_new(t, user, secret);
	}
	if (err < 0)
		return failed(r, err, "cannot apply target '%s': %s", tname, tgt_errmsg(t));
	return 0;
}

const char *sync_lu_bsopts(const struct state_disk *d, const char *bstype)
{
	if ((d->flags & STATE_CACHE_PARENT) && strcmp(bstype, "vhd") == 0)
		return "cache_parent=1";
	return NULL;
}

const char *sync_lu_bstype(const struct state_disk *d, const char *bstype)
{
	/* tgt serves every mmc LU with its "mmc" backing store (bs_rdwr.c's
	 * code under another name) whatever --bstype says; naming it keeps
	 * tgtadm's listing equal to what was asked (istmd/README.md,
	 * "Virtual DVDs") */
	return (d->flags & STATE_DVD) ? "mmc" : bstype;
}

/* A DVD LU whose medium is not the stored one, or is in when it should be
 * out.  tgt's mmc has no eject an administrator can ask for: an LU taken
 * offline still reads its file (mmc_rw looks at the medium profile, not at
 * "online"), so an empty drive is an LU made again without a backing
 * store (no profile: NOT READY, MEDIUM NOT PRESENT to every command).
 * Going offline first is what refuses the eject while an initiator holds
 * PREVENT ALLOW MEDIUM REMOVAL.  A path update opens a medium and puts it
 * online (mmc_lu_online); tgt changes a file only while the LU is offline. */
static int apply_dvd_medium(struct tgt *t, int tid, uint32_t lun, const struct tgt_show_lu *have,
			    const struct tgt_lu_spec *spec, bool present, struct sync_report *r)
{
	struct tgt_lu_spec empty = *spec;
	int err = 0;

	if (!present) {
		if (!have->path[0])
			return 0;
		r->lus++;
		empty.path = NULL;
		if (have->online)
			err = tgt_lu_set_online(t, tid, lun, false);
		if (err == 0)
			err = tgt_lu_delete(t, tid, lun);
		return err < 0 ? err : tgt_lu_new(t, tid, lun, &empty);
	}
	if (strcmp(have->path, spec->path) != 0) {
		r->lus++;
		if (have->path[0] && have->online)
			err = tgt_lu_set_online(t, tid, lun, false);
		return err < 0 ? err : tgt_lu_set_path(t, tid, lun, spec->path);
	}
	if (!have->online) {
		r->lus++;
		err = tgt_lu_set_online(t, tid, lun, true);
	}
	return err;
}

static int apply_lus(struct state *st, struct tgt *t, const struct state_target *tg,
		     const struct tgt_show_target *cur, const char *bstype, struct sync_report *r)
{
	struct state_lun_mapping *m = NULL;
	size_t n = 0;
	int err = state_lun_list(st, tg->id, &m, &n);
	bool want[256] = { false };

	if (err < 0)
		return failed(r, err, "cannot apply target '%s': %s", tg->name, state_errmsg(st));
	for (size_t i = 0; i < n && err == 0; i++) {
		struct state_disk d;
		uint32_t lun = TGT_LUN_FROM_ISTM(m[i].lun);
		const struct tgt_show_lu *have = NULL;
		struct tgt_lu_spec spec;
		const char *lu_bstype;
		char top[4096];
		bool dvd;

		err = state_disk_get(st, m[i].wtd, &d);
		if (err < 0) {
			err = failed(r, err, "cannot apply target '%s': %s", tg->name, state_errmsg(st));
			break;
		}
		if (!d.enabled || (d.flags & STATE_PENDING))
			continue;
		want[lun] = true;
		for (size_t j = 0; cur && j < cur->nlus; j++)
			if (cur->lus[j].lun == lun)
				have = &cur->lus[j];
		/* a disk with snapshots is served from its top layer */
		if (state_disk_top_get(st, d.wtd, top, sizeof(top)) < 0)
			snprintf(top, sizeof(top), "%s", d.path);
		dvd = d.flags & STATE_DVD;
		lu_bstype = sync_lu_bstype(&d, bstype);
		spec = (struct tgt_lu_spec){ .bstype = lu_bstype, .path = top,
					     .readonly = d.read_only || dvd,
					     .bsopts = sync_lu_bsopts(&d, bstype),
					     .device_type = dvd ? "cd" : NULL,
					     .scsi_id = d.scsi_id, .scsi_sn = d.serial };
		if (have && (strcmp(have->bstype, lu_bstype) != 0 ||
			     dvd != (strcmp(have->type, "cd/dvd") == 0))) {
			err = tgt_lu_delete(t, tg->tid, lun);
			have = NULL;
			r->lus++;
		}
		/* the disk's identity wherever it is mapped (an LU made before
		 * the store kept one, or by hand, has tgt's from tid and LUN) */
		if (err == 0 && have && (strcmp(have->scsi_id, spec.scsi_id) != 0 ||
					 strcmp(have->scsi_sn, spec.scsi_sn) != 0)) {
			err = tgt_lu_set_identity(t, tg->tid, lun, spec.scsi_id, spec.scsi_sn);
			r->lus++;
		}
		if (dvd && (d.flags & STATE_DVD_EJECTED) && !have)
			spec.path = NULL;       /* made as an empty drive */
		if (err == 0 && !have) {
			err = tgt_lu_new(t, tg->tid, lun, &spec);
			r->lus++;
		} else if (err == 0 && dvd) {
			err = apply_dvd_medium(t, tg->tid, lun, have, &spec,
					       !(d.flags & STATE_DVD_EJECTED), r);
		} else if (err == 0) {
			/* an LU istmd took offline to switch it and was killed
			 * before it came back (a snapshot cut off) */
			bool offline = !have->online;

			if (strcmp(have->path, top) != 0) {
				/* tgt changes the path of an offline LU only (a top a
				 * snapshot recorded but had not switched to yet) */
				if (have->online)
					err = tgt_lu_set_online(t, tg->tid, lun, false);
				if (err == 0)
					err = tgt_lu_set_path(t, tg->tid, lun, top);
				offline = true;
				r->lus++;
			}
			if (err == 0 && have->readonly != d.read_only) {
				err = tgt_lu_set_readonly(t, tg->tid, lun, d.read_only);
				r->lus++;
			}
			if (offline) {
				int e2 = tgt_lu_set_online(t, tg->tid, lun, true);

				if (err == 0)
					err = e2;
			}
		}
		if (err < 0)
			err = failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
	}
	free(m);
	for (size_t j = 0; err == 0 && cur && j < cur->nlus; j++) {
		uint32_t lun = cur->lus[j].lun;

		if (lun == 0 || lun > 255 || want[lun])
			continue;
		err = tgt_lu_delete(t, tg->tid, lun);
		r->lus++;
		if (err < 0)
			err = failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
	}
	return err;
}

static int apply_accounts(struct tgt *t, const struct state_target *tg,
			  const struct tgt_show *show, const struct tgt_show_target *cur,
			  struct sync_report *r)
{
	const char *want_in = tg->chap_enabled && tg->chap_user[0] ? tg->chap_user : NULL;
	const char *want_out = tg->rchap_enabled && tg->rchap_user[0] ? tg->rchap_user : NULL;
	int err = 0;

	if (want_in && want_out && strcmp(want_in, want_out) == 0)
		return failed(r, -EINVAL, "cannot apply target '%s': CHAP and reverse CHAP use "
			      "the same user name", tg->name);
	/* drop this target's bindings; the wanted ones are made again below,
	 * after the accounts are recreated with the stored secrets */
	for (size_t i = 0; cur && i < cur->naccounts && err == 0; i++) {
		err = tgt_account_unbind(t, tg->tid, cur->accounts[i].user, cur->accounts[i].outgoing);
		if (err == -ENOENT)
			err = 0;
	}
	if (err < 0)
		return failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
	if (want_in) {
		err = ensure_account(t, show, tg->tid, want_in, tg->chap_secret, r, tg->name);
		if (err == 0)
			err = tgt_account_bind(t, tg->tid, want_in, false);
	}
	if (err == 0 && want_out) {
		err = ensure_account(t, show, tg->tid, want_out, tg->rchap_secret, r, tg->name);
		if (err == 0)
			err = tgt_account_bind(t, tg->tid, want_out, true);
	}
	if (err < 0)
		return failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
	return 0;
}

static int apply_acls(struct state *st, struct tgt *t, const struct state_target *tg,
		      const struct tgt_show_target *cur, struct sync_report *r)
{
	struct state_id *ids = NULL;
	struct want_acl *w = NULL;
	size_t n = 0, nw = 0;
	int err = 0;

	if (tg->enabled) {
		err = state_target_list_ids(st, tg->id, &ids, &n);
		if (err < 0)
			return failed(r, err, "cannot apply target '%s': %s", tg->name, state_errmsg(st));
		w = calloc(n ? n : 1, sizeof(*w));
		if (!w) {
			free(ids);
			return failed(r, -ENOMEM, "cannot apply target '%s': out of memory", tg->name);
		}
		for (size_t i = 0; i < n; i++) {
			if (ids[i].method == STATE_ID_IQN) {
				for (size_t k = 0; ids[i].value[k]; k++)
					w[nw].value[k] = (char)tolower((unsigned char)ids[i].value[k]);
				w[nw++].is_name = true;
			} else if (ids[i].method == STATE_ID_IP || ids[i].method == STATE_ID_IPV6) {
				snprintf(w[nw++].value, sizeof(w->value), "%s", ids[i].value);
			} else {
				r->skipped_ids++;
			}
		}
		free(ids);
	}
	for (size_t i = 0; cur && i < cur->nacls && err == 0; i++) {
		const struct tgt_show_acl *a = &cur->acls[i];

		if (acl_wanted(w, nw, a))
			continue;
		err = a->is_name ? tgt_target_unbind_name(t, tg->tid, a->value)
				 : tgt_target_unbind_address(t, tg->tid, a->value);
		r->acls++;
	}
	for (size_t i = 0; i < nw && err == 0; i++) {
		if (acl_present(cur, &w[i]))
			continue;
		err = w[i].is_name ? tgt_target_bind_name(t, tg->tid, w[i].value)
				   : tgt_target_bind_address(t, tg->tid, w[i].value);
		r->acls++;
	}
	free(w);
	if (err < 0)
		return failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
	return 0;
}

static int apply_params(struct tgt *t, const struct state_target *tg, struct sync_report *r)
{
	const struct {
		enum tgt_param p;
		uint32_t v;
	} ps[] = {
		{ TGT_PARAM_MAX_RECV_DSL, tg->max_recv_dsl },
		{ TGT_PARAM_FIRST_BURST, tg->first_burst },
		{ TGT_PARAM_MAX_BURST, tg->max_burst },
	};

	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		int err;

		if (!ps[i].v)
			continue;
		err = tgt_target_set_param(t, tg->tid, ps[i].p, ps[i].v);
		if (err < 0)
			return failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
	}
	return 0;
}

static int apply_one(struct state *st, struct tgt *t, const struct state_target *tg,
		     const struct tgt_show *show, const char *bstype, struct sync_report *r)
{
	const struct tgt_show_target *cur;
	int err;

	if (tg->tid <= 0 || !tg->iqn[0])
		return failed(r, -EINVAL, "cannot apply target '%s': it has no tgt tid or no IQN",
			      tg->name);
	cur = tgt_show_find(show, tg->tid);
	if (cur && strcasecmp(cur->iqn, tg->iqn) != 0)
		return failed(r, -EEXIST, "cannot apply target '%s': tgt target %d is '%s', "
			      "not '%s'", tg->name, tg->tid, cur->iqn, tg->iqn);
	if (!cur) {
		err = tgt_target_new(t, tg->tid, tg->iqn);
		if (err < 0)
			return failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
		r->created++;
	}
	/* fail closed: while the target changes nobody new may log in (its
	 * CHAP accounts are briefly unbound); ACLs come back last */
	for (size_t i = 0; cur && i < cur->nacls; i++) {
		const struct tgt_show_acl *a = &cur->acls[i];

		err = a->is_name ? tgt_target_unbind_name(t, tg->tid, a->value)
				 : tgt_target_unbind_address(t, tg->tid, a->value);
		if (err < 0)
			return failed(r, err, "cannot apply target '%s': %s", tg->name, tgt_errmsg(t));
	}
	if ((err = apply_lus(st, t, tg, cur, bstype, r)) < 0 ||
	    (err = apply_accounts(t, tg, show, cur, r)) < 0 ||
	    (err = apply_params(t, tg, r)) < 0 ||
	    (err = apply_acls(st, t, tg, NULL, r)) < 0)
		return err;
	r->targets++;
	return 0;
}

int sync_apply_target(struct state *st, struct tgt *t, int64_t id, const char *bstype,
		      struct sync_report *r)
{
	struct state_target tg;
	struct tgt_show *show;
	int err = state_target_get(st, id, &tg);

	if (err < 0)
		return failed(r, err, "cannot apply target %lld: %s", (long long)id, state_errmsg(st));
	if (tg.flags & STATE_PENDING)
		return failed(r, -EINVAL, "cannot apply target '%s': not saved yet", tg.name);
	err = tgt_show(t, &show);
	if (err < 0)
		return failed(r, err, "cannot apply target '%s': %s", tg.name, tgt_errmsg(t));
	err = apply_one(st, t, &tg, show, bstype, r);
	if (err < 0)
		r->failed++;
	tgt_show_free(show);
	memset(tg.chap_secret, 0, sizeof(tg.chap_secret));
	memset(tg.rchap_secret, 0, sizeof(tg.rchap_secret));
	return err;
}

int sync_apply_all(struct state *st, struct tgt *t, const char *bstype, struct sync_report *r)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_target tg;
	int first = 0, err;
	size_t n;

	for (;;) {
		err = state_target_next(st, &cur, false, &tg, 1, &n);
		if (err < 0)
			return failed(r, err, "cannot list targets: %s", state_errmsg(st));
		if (n == 0)
			break;
		if (tg.tid <= 0)
			continue;
		err = sync_apply_target(st, t, tg.id, bstype, r);
		if (err < 0 && !first)
			first = err;
	}
	memset(&tg, 0, sizeof(tg));
	return first;
}
