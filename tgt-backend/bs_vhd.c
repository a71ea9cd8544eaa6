/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* bs_vhd.c: the tgt backing-store template "vhd": registration with tgtd,
 * and opening, closing and draining an LU's VHD chain.
 *
 * tgtd dlopen()s every file in its module directory and calls
 * register_bs_module(), the only symbol this module exports.  Commands run
 * on tgt's worker pool (bs_thread_open); the main thread submits them and is
 * also the thread that closes and reopens the chain on a live path change
 * (--params path=NEW), so bs_vhd_close() first waits for every submitted
 * command to finish on the old chain.  That wait blocks tgtd's event loop for
 * the duration of the slowest in-flight I/O, which is the price of never
 * failing a command because of a path switch.
 *
 * Snapshots: libvhd will not create a child of a disk open for writing (it
 * takes a shared lock on the parent), and tgt keeps the chain open while the
 * LU is offline.  So a live snapshot is a switch to a placeholder: an empty
 * (0-byte) file given as the new path.  bs_vhd_close() drains and keeps the
 * writable chain open; bs_vhd_open() then continues that chain on the
 * placeholder (vhd_chain_push_child: the child is made from the top as it
 * is open, the top's lock becomes shared), so the pause between two
 * commands is the drain, one small file's creation (in the page cache: it
 * is synced after the switch, bs_vhd_settle.c) and a pointer swap,
 * whatever the depth: no parent is opened or read again.  Any other path
 * closes the kept chain first and opens the new one whole; so does a
 * failed push, which falls back to making the child from the closed top.
 * An empty file is never a valid VHD, so nothing else is read this way,
 * and a typo in the path still fails as a missing file.  Deleting a snapshot merges
 * its layer into its child while the chain is open here (vhd_merge_layer);
 * a switch to the same top afterwards brings the kept chain up to date
 * with the new link (vhd_chain_refresh: the merged layer closed, its
 * child read again, the top untouched), so the merged layer's file is no
 * longer held; a refresh that fails falls back to the whole reopen.
 *
 * What lu->fd is: tgt answers GET LBA STATUS itself with SEEK_DATA/SEEK_HOLE
 * on lu->fd.  For a single fixed VHD the data area is the virtual disk at the
 * same offsets, so lu->fd is a read-only descriptor of that file and the
 * answer is exact.  For dynamic and differencing disks file offsets are not
 * disk offsets; lu->fd is -1, lseek fails, and tgt reports the whole disk as
 * mapped: conservative and always true enough (an unallocated block is
 * reported mapped, never the reverse).
 *
 * Read-only: lu->attrs.readonly (what tgtadm shows as Readonly) is the one
 * setting, and the chain's mode follows it: read-only with shared locks
 * when set, top locked exclusively when not.  --bsopts readonly=1 sets it
 * before the first open; "--params readonly=N" (tgt-admin's "readonly 1")
 * changes it later, and tgt tells no backing store of that, so bs_vhd wraps
 * the LU's lu_config and reopens the chain when the two disagree (see
 * bs_vhd_lu_config).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bs_vhd.h"
#include "common/io.h"
#include "common/now.h"

_Static_assert(offsetof(struct bs_vhd_lu, threads) == 0,
	       "tgt's bs_thread_info must start the per-LU area");

/* The count of commands in flight is atomic, so a command costs no lock;
 * the mutex and condition serve only a drain, which sets draining before it
 * looks at the count (both sequentially consistent: either the last command
 * sees draining and wakes the drain, or the drain sees the count at 0). */
void bs_vhd_cmd_finished(struct bs_vhd_lu *vlu)
{
	if (__atomic_sub_fetch(&vlu->inflight, 1, __ATOMIC_SEQ_CST) == 0 &&
	    __atomic_load_n(&vlu->draining, __ATOMIC_SEQ_CST)) {
		pthread_mutex_lock(&vlu->lock);
		pthread_cond_broadcast(&vlu->drained);
		pthread_mutex_unlock(&vlu->lock);
	}
}

static int bs_vhd_cmd_submit(struct scsi_cmd *cmd)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(cmd->dev);

	__atomic_add_fetch(&vlu->inflight, 1, __ATOMIC_SEQ_CST);
	/* bs_thread_cmd_submit only queues; it cannot fail in tgt 1.0.85, but
	 * if a later tgt makes it fail the command never reaches a worker. */
	int ret = bs_thread_cmd_submit(cmd);
	if (ret)
		bs_vhd_cmd_finished(vlu);
	return ret;
}

/* Wait until no command is queued or running for this LU. */
static void bs_vhd_drain(struct bs_vhd_lu *vlu)
{
	pthread_mutex_lock(&vlu->lock);
	__atomic_store_n(&vlu->draining, true, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&vlu->inflight, __ATOMIC_SEQ_CST))
		pthread_cond_wait(&vlu->drained, &vlu->lock);
	__atomic_store_n(&vlu->draining, false, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&vlu->lock);
}

static void bs_vhd_put_caches(struct bs_vhd_cache **caches, int *n)
{
	for (int i = 0; i < *n; i++)
		if (caches[i])
			bs_vhd_cache_put(caches[i]);
	memset(caches, 0, sizeof(*caches) * BS_VHD_MAX_CACHED);
	*n = 0;
}

static void bs_vhd_release_chain(struct bs_vhd_lu *vlu)
{
	bs_vhd_put_caches(vlu->caches, &vlu->nr_caches);
	if (vlu->below)
		vhd_chain_close(vlu->below);
	vlu->below = NULL;
	if (vlu->chain)
		vhd_chain_close(vlu->chain);
	vlu->chain = NULL;
	if (vlu->gls_fd >= 0)
		close(vlu->gls_fd);
	vlu->gls_fd = -1;
	vlu->depth = 0;
}

/* Attach the shared caches of the parents (cache_parent=1). */
static int bs_vhd_attach_caches(struct bs_vhd_lu *vlu, const char *path,
				struct vhd_info *info)
{
	int n = vlu->depth - 1;

	if (n > BS_VHD_MAX_CACHED)
		n = BS_VHD_MAX_CACHED;
	for (int i = 0; i < n; i++) {
		struct stat st;
		int ret = vhd_chain_layer_info(vlu->chain, i + 1, info);

		if (ret < 0) {
			eprintf("bs_vhd: %s\n", vhd_errmsg());
			return ret;
		}
		if (stat(info->path, &st) < 0) {
			ret = -errno;
			eprintf("bs_vhd: cannot stat parent '%s': %m\n", info->path);
			return ret;
		}
		ret = bs_vhd_cache_get(&st, vlu->opts.cache_size, &vlu->caches[i]);
		if (ret < 0) {
			eprintf("bs_vhd: cannot create the cache of parent '%s': %s\n",
				info->path, strerror(-ret));
			return ret;
		}
		vlu->nr_caches = i + 1;
		eprintf("bs_vhd: '%s' shares the cache of parent '%s' (%u users)\n",
			path, info->path, bs_vhd_cache_users(vlu->caches[i]));
	}
	return 0;
}

/* The chain below the top (layers 1..), opened read-only the first time a
 * command needs it (UNMAP of a differencing disk), by a worker thread:
 * opening it at every switch cost one more open of every parent on tgtd's
 * main thread, for a command most initiators never send. */
int bs_vhd_below(struct bs_vhd_lu *vlu, vhd_chain **below)
{
	struct vhd_info *info;
	vhd_chain *c = __atomic_load_n(&vlu->below, __ATOMIC_ACQUIRE);
	int ret;

	if (c || vlu->depth < 2) {
		*below = c;
		return 0;
	}
	/* a VHDX parent still settling is locked exclusively (even against
	 * this process's own second open): wait for it, not fail the UNMAP */
	pthread_mutex_lock(&vlu->lock);
	while (vlu->settling)
		pthread_cond_wait(&vlu->settled, &vlu->lock);
	pthread_mutex_unlock(&vlu->lock);
	pthread_mutex_lock(&vlu->below_lock);
	c = vlu->below;
	ret = 0;
	if (!c) {
		info = malloc(sizeof(*info));
		ret = info ? vhd_chain_layer_info(vlu->chain, 1, info) : -ENOMEM;
		if (ret == 0)
			ret = vhd_chain_open(info->path, VHD_OPEN_RDONLY, &c);
		if (ret < 0)
			eprintf("bs_vhd: cannot open the parents of '%s': %s\n",
				info ? info->path : "?", vhd_errmsg());
		else
			__atomic_store_n(&vlu->below, c, __ATOMIC_RELEASE);
		free(info);
	}
	pthread_mutex_unlock(&vlu->below_lock);
	*below = c;
	return ret;
}

static bool bs_vhd_placeholder(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

/* PATH is an empty placeholder: make it a child of the previous top, now
 * closed (the fallback when the kept chain could not be continued). */
static int bs_vhd_make_snapshot(struct bs_vhd_lu *vlu, const char *path)
{
	struct vhd_create_opts opts = {
		.type = VHD_TYPE_DIFF,
		.parent = vlu->prev_top,
		.flags = VHD_CREATE_OVERWRITE,
	};

	if (!bs_vhd_placeholder(path))
		return 0; /* not a placeholder: open it as it is */
	if (!vlu->prev_top) {
		eprintf("bs_vhd: cannot open '%s': an empty file is a snapshot "
			"placeholder, but this LU had no chain before\n", path);
		return -EINVAL;
	}
	/* the child takes its parent's format (a chain is VHD or VHDX only) */
	opts.format = vlu->prev_format;
	if (vhd_create(path, &opts) < 0) {
		eprintf("bs_vhd: %s\n", vhd_errmsg());
		return -EIO;
	}
	eprintf("bs_vhd: '%s' is a new differencing child of '%s'\n", path,
		vlu->prev_top);
	return 0;
}

static int bs_vhd_open_chain(struct scsi_lu *lu, char *path, int *fd, uint64_t *size);

/* Is PATH the file the kept chain's top is (prev_top)?  The switch that
 * follows a merge names the same top again. */
static bool bs_vhd_same_top(const struct bs_vhd_lu *vlu, const char *path)
{
	struct stat a, b;

	return vlu->prev_top && stat(path, &a) == 0 && stat(vlu->prev_top, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* How bs_vhd_continue() gave the LU its chain, for the switch's log line. */
enum bs_vhd_continued { BS_VHD_REOPEN, BS_VHD_PUSHED, BS_VHD_REFRESHED };

/* Continue the chain bs_vhd_close() kept on the placeholder PATH, or bring
 * it up to date when PATH is its own top (vhd_chain_refresh: after a merge,
 * the merged layer is dropped and its child read again; the top is not
 * touched, so a VHDX top does not settle inside the pause); else close
 * it, so that the new chain can take its locks.  BS_VHD_REOPEN when the
 * chain is still to be opened.  *DROPPED: layers a refresh dropped. */
static enum bs_vhd_continued bs_vhd_continue(struct scsi_lu *lu, const char *path, int *dropped)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);
	vhd_chain *kept = vlu->kept;
	int err;

	*dropped = 0;
	if (!kept)
		return BS_VHD_REOPEN;
	vlu->kept = NULL;
	if (!lu->attrs.readonly && bs_vhd_placeholder(path)) {
		if (vhd_chain_push_child(kept, path, VHD_PUSH_SETTLE_LATER |
					 VHD_PUSH_SYNC_LATER) == 0) {
			vlu->chain = kept;
			/* a VHDX top settles after the switch, and the child is
			 * synced after it (bs_vhd_settle.c); no memory to say
			 * which: now, inside the pause */
			vlu->settle_parents = vlu->prev_format == VHD_FORMAT_VHDX;
			free(vlu->sync_child);
			vlu->sync_child = strdup(path);
			if (!vlu->sync_child && (err = sync_file_and_folder(path)) < 0)
				eprintf("bs_vhd: cannot sync the new child '%s': %s\n", path,
					strerror(-err));
			return BS_VHD_PUSHED;
		}
		eprintf("bs_vhd: cannot continue the open chain on '%s', opening it "
			"whole: %s\n", path, vhd_errmsg());
	} else if (!lu->attrs.readonly && bs_vhd_same_top(vlu, path)) {
		int depth = vhd_chain_depth(kept);

		/* bs_vhd_close() already let go of below (which held the
		 * merged layer too) and set the parents' caches aside;
		 * bs_vhd_open_chain takes the caches again by the files as
		 * they are now, so a layer the merge wrote gets a new one and
		 * the others keep theirs (bs_vhd_cache.c) */
		if (vhd_chain_refresh(kept) == 0) {
			vlu->chain = kept;
			/* the top goes on as the top: its writes are the chain's
			 * to flush, no previous top is left to sync */
			vlu->settle_pending = 0;
			*dropped = depth - vhd_chain_depth(kept);
			return BS_VHD_REFRESHED;
		}
		eprintf("bs_vhd: cannot bring the open chain of '%s' up to date, "
			"opening it whole: %s\n", path, vhd_errmsg());
	}
	vhd_chain_close(kept);
	return BS_VHD_REOPEN;
}

/* Open the chain at PATH; then sync the previous top, if its close left
 * that pending (bs_vhd_settle.c). */
static int bs_vhd_open(struct scsi_lu *lu, char *path, int *fd, uint64_t *size)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);
	bool timed = vlu->switch_start.tv_sec != 0;
	int dropped;
	enum bs_vhd_continued how = bs_vhd_continue(lu, path, &dropped);
	int ret = bs_vhd_open_chain(lu, path, fd, size);

	/* the new chain holds its caches now (or failed to open) */
	bs_vhd_put_caches(vlu->prev_caches, &vlu->nr_prev_caches);
	/* one line per switch: which step of the pause costs what */
	if (timed) {
		double open_ms = now_lap_ms(&vlu->switch_start);
		char step[64];

		if (how == BS_VHD_REFRESHED)
			snprintf(step, sizeof(step), "open chain refreshed (%d layer%s dropped)",
				 dropped, dropped == 1 ? "" : "s");
		else
			snprintf(step, sizeof(step), "%s", how == BS_VHD_PUSHED ?
				 "new child on the open chain" : "chain opened whole");
		eprintf("bs_vhd: lun %" PRIu64 " switched to '%s' in %.1f ms: drain %.1f ms, "
			"close %.1f ms, %s %.1f ms\n", lu->lun, path,
			vlu->drain_ms + vlu->close_ms + open_ms, vlu->drain_ms, vlu->close_ms,
			step, open_ms);
	}
	memset(&vlu->switch_start, 0, sizeof(vlu->switch_start));
	bs_vhd_settle_kick(vlu);
	return ret;
}

static int bs_vhd_open_chain(struct scsi_lu *lu, char *path, int *fd, uint64_t *size)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);
	struct vhd_info *info = NULL;
	unsigned flags = 0;
	int ret;

	if (vlu->chain)
		goto opened; /* continued by bs_vhd_continue */
	if (bs_vhd_make_snapshot(vlu, path) < 0)
		return -1;

	if (lu->attrs.readonly)
		flags |= VHD_OPEN_RDONLY;
	ret = vhd_chain_open(path, flags, &vlu->chain);
	if (ret == -EACCES || ret == -EROFS || ret == -EPERM) {
		/* A chain whose top cannot be written is served write-protected,
		 * as tgt's rdwr does for a read-only file. */
		ret = vhd_chain_open(path, flags | VHD_OPEN_RDONLY, &vlu->chain);
		if (ret == 0)
			lu->attrs.readonly = 1;
	}
	if (ret < 0) {
		eprintf("bs_vhd: %s\n", vhd_errmsg()); /* names the file */
		vlu->chain = NULL;
		return -1;
	}
opened:
	vlu->depth = vhd_chain_depth(vlu->chain);

	info = malloc(sizeof(*info));
	if (!info) {
		eprintf("bs_vhd: cannot open '%s': out of memory\n", path);
		goto fail;
	}
	ret = vhd_chain_layer_info(vlu->chain, 0, info);
	if (ret < 0) {
		eprintf("bs_vhd: %s\n", vhd_errmsg());
		goto fail;
	}
	if (vlu->depth == 1 && info->type == VHD_TYPE_FIXED) {
		vlu->gls_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (vlu->gls_fd < 0) {
			eprintf("bs_vhd: cannot open '%s': %m\n", path);
			goto fail;
		}
	}
	if (vlu->depth > 1 && vlu->opts.cache_parent &&
	    bs_vhd_attach_caches(vlu, path, info) < 0)
		goto fail;
	free(info);

	*fd = vlu->gls_fd;
	*size = vhd_chain_size(vlu->chain);
	return 0;

fail:
	free(info);
	bs_vhd_release_chain(vlu);
	return -1;
}

static void bs_vhd_close(struct scsi_lu *lu)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);
	struct timespec t;

	now_lap_start(&t);
	bs_vhd_drain(vlu);
	bs_vhd_settle_quiesce(vlu); /* the last switch's VHDX top, if still settling */
	vlu->drain_ms = now_lap_ms(&t);
	if (vlu->kept) { /* an open that never came: not expected from tgt */
		vhd_chain_close(vlu->kept);
		vlu->kept = NULL;
	}
	if (vlu->chain) {
		struct vhd_info *info = malloc(sizeof(*info));
		bool writable = !vhd_chain_read_only(vlu->chain);

		free(vlu->prev_top);
		vlu->prev_top = NULL;
		if (info && vhd_chain_layer_info(vlu->chain, 0, info) == 0) {
			vlu->prev_top = strdup(info->path);
			vlu->prev_format = info->format;
		}
		/* A VHD top is synced after the switch, by a thread of its
		 * own (bs_vhd_settle.c).  A writable chain stays open for the
		 * open that follows: a VHDX top is settled by the push (or
		 * by its close, when the next path is no placeholder); one
		 * that cannot be handed over is flushed now. */
		if (writable && vlu->prev_top && vlu->prev_format == VHD_FORMAT_VHD)
			vlu->settle_pending = 1;
		if (writable && vlu->prev_top) {
			vlu->kept = vlu->chain;
			vlu->chain = NULL;
		} else if (writable && vhd_chain_flush(vlu->chain) < 0) {
			eprintf("bs_vhd: %s\n", vhd_errmsg());
		}
		free(info);
	}
	/* kept for the open that follows (bs_vhd_lu.prev_caches) */
	bs_vhd_put_caches(vlu->prev_caches, &vlu->nr_prev_caches);
	memcpy(vlu->prev_caches, vlu->caches, sizeof(vlu->caches));
	vlu->nr_prev_caches = vlu->nr_caches;
	vlu->nr_caches = 0;
	bs_vhd_release_chain(vlu);
	vlu->close_ms = now_lap_ms(&t);
	vlu->switch_start = t; /* the open that follows times itself from here */
}

/* Reopen LU's chain (open, so lu->path is set) in the mode
 * lu->attrs.readonly asks for, between two commands: bs_vhd_close() waits
 * for every submitted command and flushes, and this runs on tgtd's main
 * thread, the only one that submits, so no command sees the chain closed
 * and none fails.  Closing and opening again (as a path switch does) rather
 * than converting the top's lock in place keeps one way of opening a chain
 * (parents, caches, lu->fd).  Becoming writable fails while another holds a
 * shared lock on the top (vhdfs -o ro, a read-only LU elsewhere) or the top
 * cannot be written: the chain is then opened read-only again and the LU
 * stays write-protected (Readonly: Yes).  Returns 0 when the chain ended
 * in the mode asked for, -EBUSY when it stayed read-only, -EIO when it could
 * not be opened at all (commands then fail NOT READY, as with no medium). */
static int bs_vhd_reopen(struct scsi_lu *lu)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);
	int want_ro = lu->attrs.readonly != 0;
	uint64_t size;
	int fd;

	bs_vhd_close(lu);
	if (bs_vhd_open(lu, lu->path, &fd, &size) < 0 && !want_ro) {
		lu->attrs.readonly = 1;
		bs_vhd_open(lu, lu->path, &fd, &size);
	}
	lu->fd = vlu->gls_fd;
	if (!vlu->chain) {
		eprintf("bs_vhd: lun %" PRIu64 " has no chain now: '%s' could not be "
			"opened again\n", lu->lun, lu->path);
		return -EIO;
	}
	if (!want_ro && vhd_chain_read_only(vlu->chain)) {
		eprintf("bs_vhd: lun %" PRIu64 " stays read-only: '%s' cannot be "
			"opened for writing\n", lu->lun, lu->path);
		return -EBUSY;
	}
	eprintf("bs_vhd: lun %" PRIu64 " now serves '%s' %s\n", lu->lun, lu->path,
		want_ro ? "read-only (shared lock)" : "writable (exclusive lock)");
	return 0;
}

/* tgt applies "--op update --params readonly=N" (tgt-admin's "readonly 1",
 * sent after the LU was created and its chain opened) by setting
 * lu->attrs.readonly alone; no backing-store hook exists for updates.  But
 * tgt gives each LU its own copy of the device-type template before
 * bs_init, so bs_vhd replaces this LU's lu_config with this wrapper: it
 * lets tgt parse the parameters as always, then reopens a chain whose mode
 * disagrees with lu->attrs.readonly.  tgtadm's update thus returns only once
 * the locks match what tgtadm shows.  A path= in the same update has already
 * opened the new chain in the right mode, so nothing is reopened twice. */
static tgtadm_err bs_vhd_lu_config(struct scsi_lu *lu, char *params)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);
	tgtadm_err err = vlu->lu_config(lu, params);

	if (!vlu->chain ||
	    !lu->attrs.readonly == !vhd_chain_read_only(vlu->chain))
		return err;
	if (bs_vhd_reopen(lu) < 0 && err == TGTADM_SUCCESS)
		err = TGTADM_INVALID_REQUEST;
	return err;
}

static tgtadm_err bs_vhd_init(struct scsi_lu *lu, char *bsopts)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);
	tgtadm_err err;

	if (bs_vhd_opts_parse(bsopts, &vlu->opts) < 0)
		return TGTADM_INVALID_REQUEST;
	/* tgt's lu_init (which clears it) ran before; bs_open comes after */
	if (vlu->opts.readonly)
		lu->attrs.readonly = 1;
	if (lu->dev_type_template.lu_config) {
		vlu->lu_config = lu->dev_type_template.lu_config;
		lu->dev_type_template.lu_config = bs_vhd_lu_config;
	}
	vlu->gls_fd = -1;
	vlu->settle_fd = -1;
	vlu->inflight = 0;
	vlu->draining = false;
	pthread_mutex_init(&vlu->lock, NULL);
	pthread_mutex_init(&vlu->below_lock, NULL);
	pthread_cond_init(&vlu->drained, NULL);
	pthread_cond_init(&vlu->settled, NULL);
	err = bs_thread_open(&vlu->threads, bs_vhd_request, nr_iothreads);
	if (err != TGTADM_SUCCESS) {
		pthread_cond_destroy(&vlu->settled);
		pthread_cond_destroy(&vlu->drained);
		pthread_mutex_destroy(&vlu->below_lock);
		pthread_mutex_destroy(&vlu->lock);
	}
	return err;
}

static void bs_vhd_exit(struct scsi_lu *lu)
{
	struct bs_vhd_lu *vlu = bs_vhd_lu_of(lu);

	bs_vhd_drain(vlu);
	bs_thread_close(&vlu->threads);
	if (vlu->kept)
		vhd_chain_close(vlu->kept);
	vlu->kept = NULL;
	bs_vhd_settle_kick(vlu);
	bs_vhd_settle_join(vlu);
	bs_vhd_release_chain(vlu);
	bs_vhd_put_caches(vlu->prev_caches, &vlu->nr_prev_caches);
	free(vlu->prev_top);
	vlu->prev_top = NULL;
	free(vlu->sync_child); /* NULL: the kick took it */
	vlu->sync_child = NULL;
	pthread_cond_destroy(&vlu->settled);
	pthread_cond_destroy(&vlu->drained);
	pthread_mutex_destroy(&vlu->below_lock);
	pthread_mutex_destroy(&vlu->lock);
}

static struct backingstore_template bs_vhd_template = {
	.bs_name = "vhd",
	.bs_datasize = sizeof(struct bs_vhd_lu),
	.bs_open = bs_vhd_open,
	.bs_close = bs_vhd_close,
	.bs_init = bs_vhd_init,
	.bs_exit = bs_vhd_exit,
	.bs_cmd_submit = bs_vhd_cmd_submit,
	.bs_oflags_supported = 0,
};

/* What bs_vhd_request() handles.  COMPARE AND WRITE is absent on purpose:
 * tgt 1.0.85's SBC table rejects it before any backing store sees it. */
static const unsigned char bs_vhd_opcodes[] = {
	ALLOW_MEDIUM_REMOVAL, FORMAT_UNIT, INQUIRY, MAINT_PROTOCOL_IN,
	MODE_SELECT, MODE_SELECT_10, MODE_SENSE, MODE_SENSE_10, ORWRITE_16,
	PERSISTENT_RESERVE_IN, PERSISTENT_RESERVE_OUT, PRE_FETCH_10,
	PRE_FETCH_16, READ_10, READ_12, READ_16, READ_6, READ_CAPACITY,
	RELEASE, REPORT_LUNS, REQUEST_SENSE, RESERVE, SEND_DIAGNOSTIC,
	SERVICE_ACTION_IN, START_STOP, SYNCHRONIZE_CACHE, SYNCHRONIZE_CACHE_16,
	TEST_UNIT_READY, UNMAP, VERIFY_10, VERIFY_12, VERIFY_16, WRITE_10,
	WRITE_12, WRITE_16, WRITE_6, WRITE_SAME, WRITE_SAME_16, WRITE_VERIFY,
	WRITE_VERIFY_12, WRITE_VERIFY_16,
};

/* Called by tgtd once, at start-up, after dlopen(); the module's only
 * exported symbol. */
__attribute__((visibility("default"))) void register_bs_module(void);
void register_bs_module(void)
{
	if (!bs_vhd_tgtd_matches())
		return; /* logged; --bstype vhd then fails cleanly */
	for (size_t i = 0; i < sizeof(bs_vhd_opcodes); i++)
		set_bit(bs_vhd_opcodes[i], bs_vhd_template.bs_supported_ops);
	register_backingstore_template(&bs_vhd_template);
}
