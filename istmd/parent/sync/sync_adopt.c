/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* sync_adopt.c: take targets that tgt-admin or an administrator made in
 * tgtd by hand into the store, so that ISTM shows and manages them, rather
 * than leaving them invisible.
 *
 * A target is adopted whole or not at all, because once it is in the store
 * sync makes tgtd match the store, and anything the store cannot hold would
 * be removed from tgtd.  So a target is left alone (and logged) when one of
 * its LUs is not a VHD served by istmd's backing store under a storage
 * root (a device, a raw image, a file outside the roots: ISTM has no disk
 * for it), or when it has CHAP accounts bound (tgtd never shows secrets,
 * and the store needs them to recreate the accounts).  Trade-off: such
 * targets stay invisible to ISTM, but nothing an administrator made is
 * destroyed.  iSCSI parameters set by hand are not read (tgtd's defaults
 * are assumed).
 */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "parent/paths/paths.h"
#include "parent/sync/sync.h"
#include "vhd.h"

int sync_adopt_name(const char *iqn, char *buf, size_t cap)
{
	const char *p = strrchr(iqn, ':');

	p = p && p[1] ? p + 1 : iqn;
	if (!*p || strlen(p) >= cap)
		return -EINVAL;
	snprintf(buf, cap, "%s", p);
	return 0;
}

static void skip(struct sync_adopt_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void skip(struct sync_adopt_report *r, const char *fmt, ...)
{
	va_list ap;
	char msg[768];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warnx("%s", msg);
	if (!r->err[0])
		snprintf(r->err, sizeof(r->err), "%s", msg);
	r->skipped++;
}

/* Register D, the disk LU serves, keeping the identity LU presents
 * (scsi_id, scsi_sn): initiators already know the disk by it, and sync
 * would otherwise give the LU the fresh one state_disk_init() made.  When
 * another disk has that identity already, the fresh one is kept. */
static int add_served_disk(struct state *st, struct state_disk *d, const struct tgt_show_lu *lu)
{
	struct state_disk with = *d;

	if (lu->scsi_id[0] && lu->scsi_sn[0] && strlen(lu->scsi_id) <= STATE_SCSI_ID_MAX) {
		snprintf(with.scsi_id, sizeof(with.scsi_id), "%s", lu->scsi_id);
		snprintf(with.serial, sizeof(with.serial), "%s", lu->scsi_sn);
		if (state_disk_add(st, &with) == 0) {
			*d = with;
			return 0;
		}
	}
	return state_disk_add(st, d);
}

/* The disk for the VHD that LU serves (its path absolute, inside a root),
 * registering it and its parents (bottom first, so the base rule knows the
 * chain) when the store does not have them.  *WTD gets its index. */
static int adopt_disk(struct state *st, struct paths *roots, const struct tgt_show_lu *lu,
		      int64_t *wtd, const char **why)
{
	const char *path = lu->path;
	struct vhd_info info;
	struct state_disk d;
	vhd_chain *chain = NULL;
	int64_t parent = -1;
	char abs[4096];
	int depth, i, err;

	if (state_disk_get_by_path(st, path, &d) == 0) {
		*wtd = d.wtd;
		return 0;
	}
	if ((err = vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &chain)) < 0) {
		*why = "is not a readable VHD chain";
		return err;
	}
	depth = vhd_chain_depth(chain);
	for (i = depth - 1; i >= 0; i--) {
		if ((err = vhd_chain_layer_info(chain, i, &info)) < 0) {
			*why = "is not a readable VHD chain";
			break;
		}
		err = paths_resolve_file(roots, info.path, strlen(info.path), abs, sizeof(abs));
		if (err < 0) {
			*why = i ? "has a parent outside the storage roots" :
				   "is outside the storage roots";
			break;
		}
		if (state_disk_get_by_path(st, abs, &d) == 0) {
			parent = d.wtd;
			continue;
		}
		state_disk_init(&d, abs);
		d.size = info.virtual_size;
		d.wtd_type = STATE_WTD_FILE;
		d.vhd_type = info.type == VHD_TYPE_FIXED ? STATE_VHD_FIXED :
			     info.type == VHD_TYPE_DIFF ? STATE_VHD_DIFF : STATE_VHD_DYNAMIC;
		d.parent_wtd = parent;
		d.read_only = i > 0;   /* a base under a child is never written */
		if ((err = i ? state_disk_add(st, &d) : add_served_disk(st, &d, lu)) < 0) {
			*why = state_errmsg(st);
			break;
		}
		parent = d.wtd;
	}
	vhd_chain_close(chain);
	if (err == 0)
		*wtd = parent;
	return err;
}

/* Adopt tgt target TT: everything or nothing (one transaction). */
static int adopt_one(struct state *st, struct paths *roots, const char *bstype,
		     const struct tgt_show_target *tt, struct sync_adopt_report *r)
{
	struct state_target t, other;
	char name[STATE_NAME_MAX + 1];
	const char *why = NULL;
	size_t i;
	int err;

	if (tt->naccounts) {
		skip(r, "target '%s' (tid %d) not adopted: it has CHAP accounts bound, whose "
		     "secrets tgtd does not show", tt->iqn, tt->tid);
		return 0;
	}
	for (i = 0; i < tt->nlus; i++) {
		const struct tgt_show_lu *lu = &tt->lus[i];

		if (lu->lun == 0)
			continue;
		if (lu->lun > TGT_ISTM_LUN_MAX + 1 || strcmp(lu->bstype, bstype) != 0) {
			skip(r, "target '%s' (tid %d) not adopted: LUN %u ('%s', %s) is not a "
			     "'%s' LU ISTM can hold", tt->iqn, tt->tid, lu->lun, lu->path,
			     lu->bstype, bstype);
			return 0;
		}
	}
	if (sync_adopt_name(tt->iqn, name, sizeof(name)) < 0) {
		skip(r, "target '%s' (tid %d) not adopted: no name can be made from its IQN",
		     tt->iqn, tt->tid);
		return 0;
	}
	if (state_target_get_by_name(st, name, &other) == 0) {
		size_t len = strlen(name);

		/* "disk1" taken by a stored target: "disk1-tid3" */
		if ((size_t)snprintf(name + len, sizeof(name) - len, "-tid%d", tt->tid) >=
		    sizeof(name) - len || state_target_get_by_name(st, name, &other) == 0) {
			skip(r, "target '%s' (tid %d) not adopted: its name is taken", tt->iqn,
			     tt->tid);
			return 0;
		}
	}
	memset(&other, 0, sizeof(other));  /* CHAP secrets */
	if ((err = state_begin(st)) < 0)
		return err;
	state_target_init(&t, name);
	snprintf(t.iqn, sizeof(t.iqn), "%s", tt->iqn);
	snprintf(t.description, sizeof(t.description), "adopted from tgtd (tid %d)", tt->tid);
	t.tid = tt->tid;
	if ((err = state_target_add(st, &t)) < 0) {
		why = state_errmsg(st);
		goto undo;
	}
	for (i = 0; i < tt->nacls; i++) {
		struct state_id id;

		memset(&id, 0, sizeof(id));
		id.method = tt->acls[i].is_name ? STATE_ID_IQN :
			    strchr(tt->acls[i].value, ':') ? STATE_ID_IPV6 : STATE_ID_IP;
		snprintf(id.value, sizeof(id.value), "%s", tt->acls[i].value);
		if ((err = state_target_add_id(st, t.id, &id)) < 0) {
			why = state_errmsg(st);
			goto undo;
		}
		r->ids++;
	}
	for (i = 0; i < tt->nlus; i++) {
		const struct tgt_show_lu *lu = &tt->lus[i];
		struct state_disk d;
		int64_t wtd = -1;

		if (lu->lun == 0)
			continue;
		if ((err = adopt_disk(st, roots, lu, &wtd, &why)) < 0) {
			log_warnx("target '%s' (tid %d): LUN %u ('%s') %s", tt->iqn, tt->tid,
				  lu->lun, lu->path, why);
			why = "a LUN ISTM cannot hold";
			goto undo;
		}
		if (state_disk_get(st, wtd, &d) == 0 && d.read_only != lu->readonly) {
			d.read_only = lu->readonly;
			if ((err = state_disk_update(st, &d)) < 0) {
				why = state_errmsg(st);
				goto undo;
			}
		}
		if ((err = state_lun_map(st, t.id, wtd, TGT_LUN_TO_ISTM(lu->lun))) < 0) {
			why = state_errmsg(st);
			goto undo;
		}
		r->disks++;
	}
	if ((err = state_commit(st)) < 0) {
		why = state_errmsg(st);
		goto undo;
	}
	log_info("adopted tgt target %d '%s' as '%s'", tt->tid, tt->iqn, t.name);
	r->targets++;
	return 0;
undo:
	state_rollback(st);
	skip(r, "target '%s' (tid %d) not adopted: %s", tt->iqn, tt->tid, why ? why : "error");
	return 0;
}

int sync_adopt(struct state *st, struct tgt *t, struct paths *roots, const char *bstype,
	       struct sync_adopt_report *r)
{
	struct tgt_show *show = NULL;
	struct state_target have;
	size_t i;
	int err;

	if ((err = tgt_show(t, &show)) < 0) {
		snprintf(r->err, sizeof(r->err), "cannot list tgtd's targets: %s", tgt_errmsg(t));
		return err;
	}
	for (i = 0; i < show->ntargets && err == 0; i++) {
		const struct tgt_show_target *tt = &show->targets[i];
		struct state_cursor cur = STATE_CURSOR_INIT;
		bool tid_taken = false;
		size_t n;

		if (state_target_get_by_iqn(st, tt->iqn, &have) == 0)
			continue;      /* ours (or a placeholder's IQN) */
		/* a stored target holding this tid under another IQN: sync
		 * reports that conflict; adopting would hide it */
		while (!tid_taken && (err = state_target_next(st, &cur, true, &have, 1, &n)) == 0 &&
		       n == 1)
			tid_taken = have.tid == tt->tid;
		if (err < 0)
			break;
		if (tid_taken) {
			skip(r, "target '%s' (tid %d) not adopted: a stored target uses tid %d",
			     tt->iqn, tt->tid, tt->tid);
			continue;
		}
		err = adopt_one(st, roots, bstype, tt, r);
	}
	memset(&have, 0, sizeof(have));
	tgt_show_free(show);
	if (err < 0 && !r->err[0])
		snprintf(r->err, sizeof(r->err), "adopting targets failed: %s", state_errmsg(st));
	return err;
}
