/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_journal.c: at start, after tgtd is synced, finish or undo
 * each layer file the journal names (state_snapshot.h), then report what
 * is still left over.
 *
 * A row is written before a snapshot operation makes or removes a layer
 * file, and dropped once the file step is done, so a row at start means
 * the operation was cut off (istmd or tgtd killed).  Its file is then:
 *   - a disk's top: done if it is a VHD now (svc_snapshot_check made an
 *     empty placeholder a child before sync, or sync's switch had bs_vhd
 *     do it), once it and its name are synced (tgtd makes a child without
 *     a sync); still empty, it is kept and so is the row (logged);
 *   - named by a snapshot or a disk: the operation completed;
 *   - still read by a chain (a layer of a top, or a parent of another
 *     layer of the disk): kept, and logged, since removing it would break
 *     a chain (no operation journals such a file; this is a safety net);
 *   - otherwise named by nothing: what the operation made before its
 *     record (a placeholder, a new top, an export) or what it was removing
 *     after its record went (a merged layer, a rolled-back top, an
 *     exported disk's file).  No chain reads it, so it is removed, and the
 *     removal is logged.
 * This runs after sync because a rolled-back top may still be served
 * until sync switches its LU.  Trade-off: "named by nothing" is decided
 * from the store and the chains on disk, not from tgtd's view; an LU that
 * sync could not switch keeps reading its unlinked file until it is.
 *
 * svc_layers_forget() is the other end, shared by the operations that drop
 * a record and remove the layer files it named (DeleteSnapshot, its
 * export, DeleteWTDisk): record and rows in one transaction, then files.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/io.h"
#include "log.h"
#include "parent/svc/svc_snapshot_int.h"
#include "vhd.h"

/* Some file of D's layer directory other than PATH is a differencing
 * child of the layer ME describes. */
static bool has_child(const struct state_disk *d, const char *path, const struct vhd_info *me)
{
	char dir[PATH_MAX], prefix[32], other[PATH_MAX];
	struct vhd_info *it = malloc(sizeof(*it));
	struct dirent *e;
	bool found = false;
	DIR *dh = NULL;

	if (!it || svc_layer_dir(d, false, dir, sizeof(dir)) < 0 || !(dh = opendir(dir)))
		goto out;
	snprintf(prefix, sizeof(prefix), "%lld-", (long long)d->wtd);
	while (!found && (e = readdir(dh))) {
		vhd_chain *c;

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
		    snprintf(other, sizeof(other), "%s/%s", dir, e->d_name) >= (int)sizeof(other) ||
		    strcmp(other, path) == 0 ||
		    vhd_chain_open(other, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK | VHD_OPEN_NOPARENT,
				   &c) < 0)
			continue;
		found = vhd_chain_layer_info(c, 0, it) == 0 && vhd_info_is_child_of(it, me);
		vhd_chain_close(c);
	}
out:
	if (dh)
		closedir(dh);
	free(it);
	return found;
}

bool svc_layer_is_parent(const struct state_disk *d, const char *path)
{
	struct vhd_info *me = malloc(sizeof(*me));
	vhd_chain *c;
	bool used = false;

	if (me && vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK | VHD_OPEN_NOPARENT,
				 &c) == 0) {
		int err = vhd_chain_layer_info(c, 0, me);

		vhd_chain_close(c);
		used = err == 0 && has_child(d, path, me);
	}
	free(me);
	return used;
}

/* PATH is a layer below the top of disk WTD, or the parent of a file in
 * that disk's layer directory. */
static bool read_by_a_chain(struct svc *s, int64_t wtd, const char *path)
{
	struct state_disk *d = malloc(sizeof(*d));
	struct vhd_info *info = malloc(sizeof(*info));
	char top[PATH_MAX];
	vhd_chain *c;
	bool used = false;

	if (!d || !info || state_disk_get(s->st, wtd, d) < 0)
		goto out;
	svc_disk_served_path(s, d, top, sizeof(top));
	if (vhd_chain_open(top, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c) == 0) {
		for (int i = 1; i < vhd_chain_depth(c) && !used; i++)
			used = vhd_chain_layer_info(c, i, info) == 0 && strcmp(info->path, path) == 0;
		vhd_chain_close(c);
	}
	if (!used)
		used = svc_layer_is_parent(d, path);
out:
	free(d);
	free(info);
	return used;
}

static void replay_one(struct svc *s, const struct state_journal *j)
{
	struct state_snapshot *sn = malloc(sizeof(*sn));
	struct state_disk *d = malloc(sizeof(*d));
	char top[PATH_MAX];
	int err;

	if (!sn || !d)
		goto out;
	if (state_disk_top_get(s->st, j->wtd, top, sizeof(top)) == 0 && strcmp(top, j->path) == 0) {
		if (svc_empty_file(j->path)) {
			log_warnx("disk %lld: its top '%s' is still an empty placeholder; it is made "
				  "when tgtd or istmd can (restart istmd)", (long long)j->wtd, j->path);
			goto out;
		}
		/* made by tgtd perhaps unsynced: the row goes once it is durable */
		if ((err = sync_file_and_folder(j->path)) < 0) {
			log_warnx("disk %lld: syncing its top '%s' failed: %s", (long long)j->wtd,
				  j->path, strerror(-err));
			goto out;
		}
	} else if (state_snapshot_get_by_layer(s->st, j->path, sn) == 0 ||
		   state_disk_get_by_path(s->st, j->path, d) == 0) {
		/* named again: the operation completed */
	} else if (read_by_a_chain(s, j->wtd, j->path)) {
		log_warnx("disk %lld: '%s' is named by nothing but a chain reads it: kept",
			  (long long)j->wtd, j->path);
	} else if (unlink(j->path) < 0 && errno != ENOENT) {
		log_warnx("disk %lld: removing '%s', left by an operation cut off, failed: %s",
			  (long long)j->wtd, j->path, strerror(errno));
		goto out;
	} else {
		log_info("disk %lld: '%s', left by an operation cut off, is removed",
			 (long long)j->wtd, j->path);
	}
	if (state_journal_drop(s->st, j->path) < 0)
		log_warnx("dropping a layer journal row failed: %s", state_errmsg(s->st));
out:
	free(sn);
	free(d);
}

void svc_snapshot_check_after_sync(struct svc *s)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_journal *j = malloc(sizeof(*j));
	size_t got;

	while (j && state_journal_next(s->st, &cur, j, &got) == 0 && got)
		replay_one(s, j);
	free(j);
	svc_snapshot_report_orphans(s);
}

int svc_layers_forget(struct svc *s, int64_t wtd, int64_t snapshot_id,
		      const char *const *paths, size_t n, const char *step)
{
	int err = state_begin(s->st);
	size_t i;

	if (err == 0)
		err = snapshot_id < 0 ? state_disk_delete(s->st, wtd)
				      : state_snapshot_delete(s->st, snapshot_id);
	for (i = 0; err == 0 && i < n; i++)
		err = state_journal_add(s->st, wtd, paths[i], NULL);
	if (err == 0)
		err = state_commit(s->st);
	else
		state_rollback(s->st);
	if (err < 0 || n == 0)
		return err;
	svc_test_pause(step);
	for (i = 0; i < n; i++) {
		if (unlink(paths[i]) < 0 && errno != ENOENT)
			log_warnx("removing '%s' failed: %s", paths[i], strerror(errno));
		else
			state_journal_drop(s->st, paths[i]);
	}
	return 0;
}
