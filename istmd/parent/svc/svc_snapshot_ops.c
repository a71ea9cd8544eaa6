/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_ops.c: what is done with a snapshot once taken ([MS-ISTM]
 * 3.36, 3.38.4.6): Rollback, AbortRollback, ExportAsWTDisk, DVMount,
 * DVDismount and DeleteSnapshot.
 *
 * Rollback is a new empty child of the snapshot's layer that becomes the
 * disk's top (instant whatever the size); the old top, the data written
 * since, is removed.  It is refused while an initiator is logged in to a
 * target serving the disk or the disk is mounted (3.36.4.14), so it is
 * done at once and RollbackInProgress is never seen; AbortRollback then
 * has nothing to stop.
 *
 * Export is a new child of the layer registered as a new disk (a
 * differencing disk with no registered parent: the layer is no disk).
 * DVMount is a read-only vhdfs mount of the layer itself.
 *
 * Delete merges the layer into its only child, the next layer up (never
 * into the older snapshot), with libvhd's crash-safe vhd_merge_layer, and
 * removes it.  When that child is the live top, the top is frozen first
 * (a switch to a new empty child, as a snapshot is taken) so the merge
 * writes only layers no one writes; after the merge, a switch to the same
 * top lets tgtd drop the merged layer from its open chain.  A layer that is the disk's own file
 * (its first snapshot) or has several children (after a rollback) stays
 * as a plain layer of the chain: only the record goes (istmd/README.md
 * says why).  Order for crash safety: merge (re-runnable), then the record
 * and a layer journal row for the file in one transaction, then the file:
 * killed in between, the start-up check removes the file.  Rollback and
 * export journal the file they make before making it, for the same reason.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc_snapshot_int.h"
#include "vhd.h"

/* The virtual size of the VHD at PATH, 0 when it cannot be read. */
static uint64_t vhd_size_of(const char *path)
{
	struct vhd_info *info = malloc(sizeof(*info));
	vhd_chain *c;
	uint64_t size = 0;

	if (info && vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK | VHD_OPEN_NOPARENT,
				   &c) == 0) {
		if (vhd_chain_layer_info(c, 0, info) == 0)
			size = info->virtual_size;
		vhd_chain_close(c);
	}
	free(info);
	return size;
}

/* Load the snapshot of a request with its disk; HRESULT. */
static uint32_t load_both(struct svc *s, const uint8_t *req, struct state_snapshot **sn,
			  struct state_disk **d)
{
	uint32_t hr = svc_snapshot_load_ref(s, req, sn);

	*d = malloc(sizeof(**d));
	if (!*d)
		return E_OUTOFMEMORY;
	if (hr == S_OK && !(*sn)->taken)
		hr = VSS_E_BAD_STATE;        /* prepared, never created: nothing to use */
	if (hr == S_OK)
		hr = svc_snapshot_disk(s, *sn, *d);
	return hr;
}

static int done(uint8_t *reply, size_t *reply_len, uint32_t hr, struct state_snapshot *sn,
		struct state_disk *d)
{
	free(sn);
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

/* --- Rollback, AbortRollback ------------------------------------------------------ */

#define ROLLBACK_DROP_MAX 64   /* a disk has at most 64 snapshots, so fewer frozen layers */

static size_t children_of(const struct state_disk *d, const char *layer, char *child,
			  size_t cap);

/* The layers a rollback of D drops, top first: the old top, and below it
 * each layer only the one above reads that nothing names (a top a delete
 * froze), up to a snapshot's layer, the disk's file or a fork.  Else the
 * end of the branch the rollback leaves would stay with no chain using it. */
static size_t dropped_layers(struct svc *s, const struct state_disk *d, const char *old_top,
			     char (*out)[PATH_MAX])
{
	struct state_snapshot *other = malloc(sizeof(*other));
	struct state_disk *named = malloc(sizeof(*named));
	struct vhd_info *info = malloc(sizeof(*info));
	char child[PATH_MAX], dir[PATH_MAX];
	vhd_chain *c;
	size_t n = 0;

	if (!other || !named || !info || svc_layer_dir(d, false, dir, sizeof(dir)) < 0 ||
	    strcmp(old_top, d->path) == 0 ||
	    state_snapshot_get_by_layer(s->st, old_top, other) != -ENOENT)
		goto out;
	snprintf(out[n++], PATH_MAX, "%s", old_top);
	if (vhd_chain_open(old_top, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c) < 0)
		goto out;
	for (int i = 1; i < vhd_chain_depth(c) && n < ROLLBACK_DROP_MAX; i++) {
		if (vhd_chain_layer_info(c, i, info) < 0 ||
		    strncmp(info->path, dir, strlen(dir)) != 0 || strcmp(info->path, d->path) == 0 ||
		    state_snapshot_get_by_layer(s->st, info->path, other) != -ENOENT ||
		    state_disk_get_by_path(s->st, info->path, named) == 0 ||
		    children_of(d, info->path, child, sizeof(child)) != 1)
			break;
		snprintf(out[n++], PATH_MAX, "%s", info->path);
	}
	vhd_chain_close(c);
out:
	free(other);
	free(named);
	free(info);
	return n;
}

int answer_snapshot_rollback(struct svc *s, const uint8_t *req, uint8_t *reply,
			     size_t *reply_len)
{
	struct state_snapshot *sn;
	struct state_disk *d;
	char old_top[PATH_MAX], top[PATH_MAX];
	char (*drop)[PATH_MAX] = NULL;
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF };
	size_t switched = 0, ndrop = 0;
	uint32_t hr = load_both(s, req, &sn, &d);
	int err;

	if (hr != S_OK)
		return done(reply, reply_len, hr, sn, d);
	if (!d->enabled)
		return done(reply, reply_len, ERROR_INVALID_HANDLE, sn, d);
	if (sn->status & STATE_SNAP_MOUNTED)
		return done(reply, reply_len, ERROR_SHARING_VIOLATION, sn, d);
	hr = svc_disk_busy(s, d);
	if (hr != S_OK) {
		log_info("rollback of disk %lld refused: it is in use", (long long)d->wtd);
		return done(reply, reply_len, hr, sn, d);
	}
	svc_disk_served_path(s, d, old_top, sizeof(old_top));
	if ((err = svc_layer_new_name(d, "", top, sizeof(top))) < 0)
		return done(reply, reply_len, E_FAIL, sn, d);
	/* journal first: a new top cut off before the commit is removed at start */
	if ((err = state_journal_add(s->st, d->wtd, top, sn->layer)) < 0)
		return done(reply, reply_len, svc_hresult(err), sn, d);
	o.parent = sn->layer;
	o.format = svc_layer_format(sn->layer);
	svc_frozen_wait_path(s, sn->layer);
	if (vhd_create(top, &o) < 0) {
		log_warnx("rollback of disk %lld failed: %s", (long long)d->wtd, vhd_errmsg());
		state_journal_drop(s->st, top);
		return done(reply, reply_len, ERROR_FILE_NOT_FOUND, sn, d);
	}
	svc_test_pause("rollback-created");
	/* the data written since the last snapshot is what a rollback drops;
	 * a layer that is a snapshot's or the disk's own file stays.  The
	 * dropped layers are journalled with the new top's record, so a restart
	 * removes them (after sync has moved tgtd off them) when this call cannot */
	drop = calloc(ROLLBACK_DROP_MAX, sizeof(*drop));
	if (drop)
		ndrop = dropped_layers(s, d, old_top, drop);
	err = drop ? state_begin(s->st) : -ENOMEM;
	if (err == 0)
		err = state_disk_top_set(s->st, d->wtd, top);
	for (size_t i = 0; i < ndrop && err == 0; i++)
		err = state_journal_add(s->st, d->wtd, drop[i], NULL);
	if (err == 0)
		err = state_journal_drop(s->st, top);
	if (err == 0)
		err = state_commit(s->st);
	else
		state_rollback(s->st);
	if (err < 0) {
		unlink(top);
		state_journal_drop(s->st, top);
		free(drop);
		return done(reply, reply_len, svc_hresult(err), sn, d);
	}
	svc_test_pause("rollback-recorded");
	err = svc_disk_switch(s, d, top, &switched);
	if (err < 0)
		log_warnx("rollback of disk %lld: tgtd still serves the old top; the next sync "
			  "switches it", (long long)d->wtd);
	else
		svc_test_pause("rollback-switched");
	for (size_t i = 0; i < ndrop && err == 0; i++) {
		if (unlink(drop[i]) < 0 && errno != ENOENT)
			log_warnx("rollback of disk %lld: cannot remove '%s'", (long long)d->wtd,
				  drop[i]);
		else
			state_journal_drop(s->st, drop[i]);
	}
	free(drop);
	log_info("disk %lld rolled back to its snapshot of layer '%s'", (long long)d->wtd,
		 sn->layer);
	return done(reply, reply_len, S_OK, sn, d);
}

int answer_snapshot_abort_rollback(struct svc *s, const uint8_t *req, uint8_t *reply,
				   size_t *reply_len)
{
	struct state_snapshot *sn;
	struct state_disk *d;
	uint32_t hr = load_both(s, req, &sn, &d);

	/* a rollback completes within its call: nothing is ever in progress,
	 * so there is nothing to stop once the LUN is found valid; a disk
	 * gone or disabled is "the LUN implicitly referenced by this snapshot
	 * is invalid" (3.36.4.15; Rollback answers ERROR_INVALID_HANDLE) */
	if ((hr == ERROR_FILE_NOT_FOUND && sn && sn->taken) || (hr == S_OK && !d->enabled))
		hr = E_INVALIDARG;
	return done(reply, reply_len, hr, sn, d);
}

/* --- ExportAsWTDisk --------------------------------------------------------------- */

int answer_snapshot_export(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_snapshot *sn;
	struct state_disk *d, *e = NULL;
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF };
	struct svc_snapshot_reply r;
	char path[PATH_MAX];
	uint32_t hr = load_both(s, req, &sn, &d);
	int err;

	if (hr == ERROR_FILE_NOT_FOUND && sn && sn->taken)
		hr = E_INVALIDARG;          /* the origin disk is gone */
	if (hr == VSS_E_BAD_STATE)
		hr = E_UNEXPECTED;          /* prepared, never created: "an invalid state" */
	if (hr == S_OK && sn->exported_wtd >= 0)
		hr = E_ABORT;               /* "already been exposed as a LUN" */
	if (hr == S_OK && !(e = malloc(sizeof(*e))))
		hr = E_OUTOFMEMORY;
	if (hr == S_OK && svc_layer_new_name(d, "export-", path, sizeof(path)) < 0)
		hr = E_FAIL;
	/* journal first: an export cut off before it is registered is removed at start */
	if (hr == S_OK && (err = state_journal_add(s->st, d->wtd, path, NULL)) < 0)
		hr = svc_hresult(err);
	if (hr == S_OK) {
		o.parent = sn->layer;
		o.format = svc_layer_format(sn->layer);
		svc_frozen_wait_path(s, sn->layer);
		if (vhd_create(path, &o) < 0) {
			log_warnx("exporting a snapshot of disk %lld failed: %s", (long long)d->wtd,
				  vhd_errmsg());
			state_journal_drop(s->st, path);
			hr = ERROR_FILE_NOT_FOUND;
		}
	}
	if (hr == S_OK)
		svc_test_pause("export-created");
	if (hr != S_OK) {
		free(e);
		return done(reply, reply_len, hr, sn, d);
	}
	state_disk_init(e, path);
	e->size = d->size;
	e->wtd_type = STATE_WTD_FILE;
	e->vhd_type = STATE_VHD_DIFF;
	snprintf(e->description, sizeof(e->description), "snapshot of disk %lld",
		 (long long)d->wtd);
	err = state_begin(s->st);
	if (err == 0)
		err = state_disk_add(s->st, e);
	if (err == 0) {
		sn->exported_wtd = e->wtd;
		sn->status |= STATE_SNAP_EXPORTED;
		err = state_snapshot_update(s->st, sn);
	}
	if (err == 0)
		err = state_journal_drop(s->st, path);
	if (err == 0)
		err = state_commit(s->st);
	else
		state_rollback(s->st);
	if (err < 0) {
		log_warnx("registering the export of a snapshot of disk %lld failed: %s",
			  (long long)d->wtd, state_errmsg(s->st));
		unlink(path);
		state_journal_drop(s->st, path);
		free(e);
		return done(reply, reply_len, svc_hresult(err), sn, d);
	}
	log_info("snapshot of disk %lld exported as disk %lld ('%s')", (long long)d->wtd,
		 (long long)e->wtd, path);
	memset(&r, 0, sizeof(r));
	r.hr = S_OK;
	svc_snapshot_to_info(sn, &r.info);
	memcpy(reply, &r, sizeof(r));
	*reply_len = sizeof(r);
	free(e);
	free(sn);
	free(d);
	return 0;
}

/* --- IWTDiskMgr2::CreateShadowWTDiskNonPersistent ---------------------------------- */

int answer_snapshot_shadow(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_snapshot_shadow_req *rq = malloc(sizeof(*rq));
	struct state_snapshot *sn = malloc(sizeof(*sn));
	struct state_disk *e = malloc(sizeof(*e));
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF };
	struct svc_snapshot_shadow_reply r;
	char abs[PATHS_PATH_MAX + 1];
	uint32_t hr = S_OK;
	int err;

	if (!rq || !sn || !e) {
		hr = E_OUTOFMEMORY;
		goto out;
	}
	memcpy(rq, req, sizeof(*rq));
	if (!SVC_STR_OK(rq->path) || !SVC_STR_OK(rq->description)) {
		free(rq);
		free(sn);
		free(e);
		return -EBADMSG;
	}
	if (rq->wtd_type == STATE_WTD_VOLUME || rq->wtd_type == STATE_WTD_RAM)
		hr = ERROR_NOT_SUPPORTED;
	else if (rq->wtd_type != STATE_WTD_FILE)
		hr = E_INVALIDARG;
	if (hr == S_OK)
		hr = svc_snapshot_load(s, rq->guid, sn);
	if (hr == S_OK && !sn->taken)
		hr = VSS_E_BAD_STATE;
	if (hr == S_OK && rq->wtd >= 0)   /* indexes are the store's, never chosen */
		hr = state_disk_get(s->st, rq->wtd, e) == 0 ? ERROR_ALREADY_EXISTS : E_INVALIDARG;
	if (hr == S_OK) {
		err = paths_resolve_new(&s->paths, rq->path, strlen(rq->path), abs, sizeof(abs));
		if (err == -EEXIST)
			hr = ERROR_ALREADY_EXISTS;     /* "already in use by a LUN", or a file */
		else if (err < 0)
			hr = paths_hresult(err);
	}
	if (hr == S_OK) {
		o.parent = sn->layer;
		o.format = svc_layer_format(sn->layer);
		svc_frozen_wait_path(s, sn->layer);
		if (vhd_create(abs, &o) < 0) {
			log_warnx("making shadow disk '%s' failed: %s", abs, vhd_errmsg());
			hr = ERROR_FILE_NOT_FOUND;
		}
	}
	if (hr != S_OK)
		goto out;
	state_disk_init(e, abs);
	e->size = vhd_size_of(sn->layer);
	e->wtd_type = STATE_WTD_FILE;
	e->vhd_type = STATE_VHD_DIFF;
	e->flags |= STATE_PENDING;       /* non-persistent until IWTDisk::Save */
	snprintf(e->description, sizeof(e->description), "%s", rq->description);
	err = state_disk_add(s->st, e);
	if (err < 0) {
		log_warnx("registering shadow disk '%s' failed: %s", abs, state_errmsg(s->st));
		unlink(abs);
		hr = svc_hresult(err);
		goto out;
	}
	log_info("disk %lld ('%s') is a shadow of a snapshot of disk %lld (not persistent)",
		 (long long)e->wtd, abs, (long long)sn->wtd);
	memset(&r, 0, sizeof(r));
	r.hr = S_OK;
	r.wtd = e->wtd;
	memcpy(reply, &r, sizeof(r));
	*reply_len = sizeof(r);
out:
	free(rq);
	free(sn);
	free(e);
	return hr == S_OK ? 0 : svc_reply_hr(reply, reply_len, hr);
}

/* --- DVMount, DVDismount ----------------------------------------------------------- */

static const char *mount_name(const struct state_snapshot *sn, char buf[48])
{
	snprintf(buf, 48, "snapshot-%lld", (long long)sn->id);
	return buf;
}

int answer_snapshot_mount(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_snapshot *sn;
	struct state_disk *d;
	char name[48], mp[1024];
	uint32_t hr = load_both(s, req, &sn, &d);
	int err;

	if (hr == ERROR_FILE_NOT_FOUND && sn && sn->taken)
		hr = E_INVALIDARG;
	if (hr != S_OK)
		return done(reply, reply_len, hr, sn, d);
	if (!d->enabled)
		return done(reply, reply_len, E_FAIL, sn, d);
	if (d->wtd_type != STATE_WTD_FILE)
		return done(reply, reply_len, E_INVALIDARG, sn, d);
	if (svc_vhdfs_live(sn->mount_point))
		return done(reply, reply_len, S_OK, sn, d);    /* mounted already */
	svc_frozen_wait_path(s, sn->layer);
	hr = svc_vhdfs_mount(s, mount_name(sn, name), sn->layer, true, mp, sizeof(mp));
	if (hr != S_OK)
		return done(reply, reply_len, hr, sn, d);
	snprintf(sn->mount_point, sizeof(sn->mount_point), "%s", mp);
	sn->status |= STATE_SNAP_MOUNTED;
	err = state_snapshot_update(s->st, sn);
	if (err < 0) {
		svc_vhdfs_unmount(s, name, mp);
		return done(reply, reply_len, svc_hresult(err), sn, d);
	}
	return done(reply, reply_len, S_OK, sn, d);
}

static uint32_t dismount(struct svc *s, struct state_snapshot *sn)
{
	char name[48];
	uint32_t hr = svc_vhdfs_unmount(s, mount_name(sn, name), sn->mount_point);
	int err;

	if (hr != S_OK)
		return hr;
	sn->mount_point[0] = 0;
	sn->status &= ~STATE_SNAP_MOUNTED;
	err = state_snapshot_update(s->st, sn);
	return err < 0 ? svc_hresult(err) : S_OK;
}

int answer_snapshot_dismount(struct svc *s, const uint8_t *req, uint8_t *reply,
			     size_t *reply_len)
{
	struct state_snapshot *sn;
	struct state_disk *d;
	uint32_t hr = load_both(s, req, &sn, &d);

	if (hr == S_OK && !sn->mount_point[0])
		hr = ERROR_FILE_NOT_FOUND;       /* "the LUN exposed from this snapshot is not valid" */
	if (hr == S_OK)
		hr = dismount(s, sn);
	return done(reply, reply_len, hr, sn, d);
}

/* --- DeleteSnapshot ---------------------------------------------------------------- */

/* The header of the single file PATH (no parents opened, no locks). */
static int header_of(const char *path, struct vhd_info *info)
{
	vhd_chain *c;
	int err = vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK | VHD_OPEN_NOPARENT, &c);

	if (err < 0)
		return err;
	err = vhd_chain_layer_info(c, 0, info);
	vhd_chain_close(c);
	return err;
}

/* The children of LAYER among D's files (its own file and its layer
 * directory): how many, and the first in *CHILD. */
static size_t children_of(const struct state_disk *d, const char *layer, char *child, size_t cap)
{
	char dir[PATH_MAX], prefix[32], path[PATH_MAX];
	struct vhd_info *me = malloc(sizeof(*me)), *it = malloc(sizeof(*it));
	struct dirent *e;
	size_t n = 0;
	DIR *dh = NULL;

	/* a child names its parent by the parent's unique id */
	if (!me || !it || header_of(layer, me) < 0 ||
	    svc_layer_dir(d, false, dir, sizeof(dir)) < 0 || !(dh = opendir(dir)))
		goto out;
	snprintf(prefix, sizeof(prefix), "%lld-", (long long)d->wtd);
	while ((e = readdir(dh))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		if (strcmp(path, layer) == 0 || header_of(path, it) < 0 ||
		    !vhd_info_is_child_of(it, me))
			continue;
		if (n++ == 0)
			snprintf(child, cap, "%s", path);
	}
out:
	if (dh)
		closedir(dh);
	free(me);
	free(it);
	return n;
}

/* The merge's progress: the crash test's step half way through the copy. */
static int merge_progress(uint64_t done, uint64_t total, void *arg)
{
	bool *paused = arg;

	if (!*paused && done * 2 >= total && done < total) {
		*paused = true;
		svc_test_pause("delete-merging");
	}
	return 0;
}

/* Switch D's LUs to the top they serve, so that bs_vhd drops LAYER,
 * merged away, from their open chains. */
static void let_go(struct svc *s, const struct state_disk *d, const char *layer)
{
	char top[PATH_MAX];
	size_t switched;

	svc_disk_served_path(s, d, top, sizeof(top));
	if (svc_disk_switch(s, d, top, &switched) < 0)
		log_warnx("disk %lld: tgtd may still hold the merged layer '%s'", (long long)d->wtd,
			  layer);
}

/* tgtd still reads a merged layer through its descriptors: correctly, but
 * it holds the file (its space) and each chain stays one layer deeper
 * until it lets go.  A switch to the same top makes bs_vhd drop it from an
 * open chain (vhd_chain_refresh: a millisecond between two commands,
 * nothing to do for a chain without it; tgt-backend/README.md).  The
 * chains through LAYER are D's and those of the exports of D's snapshots
 * (an export of a newer snapshot reads through it too).  A failed switch
 * leaves it to the next switch of that LU. */
static void release_merged(struct svc *s, const struct state_disk *d, const char *layer)
{
	struct state_snapshot *sn = malloc(sizeof(*sn));
	struct state_disk *e = malloc(sizeof(*e));
	struct state_cursor cur = STATE_CURSOR_INIT;
	size_t got;

	let_go(s, d, layer);
	while (sn && e && state_snapshot_next(s->st, &cur, d->wtd, sn, 1, &got) == 0 && got)
		if (sn->exported_wtd >= 0 && state_disk_get(s->st, sn->exported_wtd, e) == 0)
			let_go(s, e, layer);
	free(e);
	free(sn);
}

/* Take the layer of SN out of D's chains (see the top of the file). */
static uint32_t reclaim(struct svc *s, struct state_disk *d, const struct state_snapshot *sn,
			bool *remove)
{
	char child[PATH_MAX], top[PATH_MAX], new_top[PATH_MAX];
	bool paused = false;
	size_t n;
	int err;

	*remove = false;
	if (strcmp(sn->layer, d->path) == 0)
		return S_OK;                  /* the disk's own file stays its base */
	n = children_of(d, sn->layer, child, sizeof(child));
	if (n == 0) {
		*remove = true;               /* on no chain any more (rollback, earlier merge) */
		return S_OK;
	}
	if (n > 1)
		return S_OK;                  /* several branches read it: it stays */
	svc_disk_served_path(s, d, top, sizeof(top));
	if (strcmp(child, top) == 0) {
		/* the live top is written by tgtd: freeze it, merge into it frozen */
		uint32_t hr = svc_disk_freeze(s, d, NULL, new_top, sizeof(new_top));

		if (hr != S_OK)
			return hr;
		svc_test_pause("delete-frozen");
	}
	/* both may be frozen by a switch tgtd is still settling */
	svc_frozen_wait_path(s, sn->layer);
	svc_frozen_wait_path(s, child);
	err = vhd_merge_layer(sn->layer, child, 0, merge_progress, &paused);
	if (err < 0) {
		log_warnx("merging '%s' into '%s' failed: %s", sn->layer, child, vhd_errmsg());
		return err == -EBUSY ? ERROR_SHARING_VIOLATION : svc_hresult(err);
	}
	log_info("layer '%s' merged into '%s'", sn->layer, child);
	svc_test_pause("delete-merged");
	release_merged(s, d, sn->layer);
	*remove = true;
	return S_OK;
}

int answer_snapshot_delete(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_snapshot_ref_req rq;
	struct state_snapshot *sn = malloc(sizeof(*sn));
	struct state_disk *d = malloc(sizeof(*d)), *e = malloc(sizeof(*e));
	bool remove = false;
	uint32_t hr;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!sn || !d || !e) {
		free(e);
		return done(reply, reply_len, E_OUTOFMEMORY, sn, d);
	}
	hr = svc_snapshot_load(s, rq.guid, sn);
	if (hr == ERROR_FILE_NOT_FOUND)
		hr = S_OK;                   /* 3.38.4.6: not in the collection: S_OK */
	else if (hr == S_OK && !sn->taken)
		hr = state_snapshot_delete(s->st, sn->id) < 0 ? E_FAIL : S_OK;
	else if (hr == S_OK && (svc_vhdfs_live(sn->mount_point) || (sn->status & STATE_SNAP_ROLLBACK)))
		hr = ERROR_SHARING_VIOLATION;
	else if (hr == S_OK) {
		hr = svc_snapshot_disk(s, sn, d);
		/* the disk mounted here: the merge would change layers vhdfs
		 * reads, or need a freeze vhdfs forbids; refused before the
		 * export goes, so a refusal changes nothing */
		if (hr == S_OK && svc_disk_mount_live(s, d))
			hr = ERROR_SHARING_VIOLATION;
		/* the exported LUN MUST go with it */
		if (hr == S_OK && sn->exported_wtd >= 0 &&
		    state_disk_get(s->st, sn->exported_wtd, e) == 0) {
			struct state_disk_usage u;

			if (state_disk_usage(s->st, e->wtd, &u) < 0 || u.mappings || u.children ||
			    svc_disk_mount_live(s, e))
				hr = ERROR_SHARING_VIOLATION;
			else if ((err = svc_layers_forget(s, e->wtd, -1,
							  (const char *const[]){ e->path }, 1,
							  "delete-export-recorded")) < 0)
				hr = svc_hresult(err);
			else
				log_info("disk %lld, the export of the snapshot, deleted",
					 (long long)e->wtd);
		}
		if (hr == S_OK)
			hr = reclaim(s, d, sn, &remove);
		if (hr == S_OK && (err = svc_layers_forget(s, d->wtd, sn->id,
							   (const char *const[]){ sn->layer },
							   remove ? 1 : 0, "delete-recorded")) < 0)
			hr = svc_hresult(err);
		if (hr == S_OK)
			log_info("snapshot of disk %lld deleted (layer '%s' %s)", (long long)d->wtd,
				 sn->layer, remove ? "removed" : "kept in the chain");
	}
	free(e);
	return done(reply, reply_len, hr, sn, d);
}
