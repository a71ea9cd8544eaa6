/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* bs_vhd_settle.c: making the previous top durable after a switch instead
 * of during it.
 *
 * A switch runs on tgtd's main thread, so every millisecond it takes is a
 * millisecond no initiator's command is even submitted.  Under write load
 * almost all of it was the fdatasync of the old top at close: the page
 * cache holds every write since the initiator's last flush.  That sync is
 * not needed for the switch itself (the new chain reads the old top
 * through the same page cache), only for durability: a SYNCHRONIZE CACHE
 * answered after the switch must cover the writes made before it.  So for
 * a VHD top, bs_vhd_close() only drains and marks the sync pending; once
 * the new chain is open, the old top is synced by a thread of its own
 * while commands run on the new chain, and every flush of the
 * LU (bs_vhd_flush: SYNCHRONIZE CACHE, FUA, write-through) first waits for
 * that sync and reports its failure.  What a crash of the machine may lose
 * is what it could lose before: writes no flush was asked for.
 *
 * A VHDX top's new BAT entries live in its log until a flush commits them,
 * and another process (a merge, a mount of the snapshot) must find the
 * frozen layer complete in the file.  When the switch continued the open
 * chain (vhd_chain_push_child with VHD_PUSH_SETTLE_LATER), the old top is
 * read through its in-memory BAT, so its settling (log commit, syncs,
 * clean header) also runs here, after the switch: the settler calls
 * vhd_chain_settle_parents() on the live chain, and the old top stays
 * locked exclusively until that ends, so another process's open fails
 * (EBUSY) instead of reading it incomplete; istmd waits for the lock
 * before it calls the snapshot taken.  Nothing may push onto or close
 * that chain meanwhile: bs_vhd_close() waits for the settler first
 * (bs_vhd_settle_quiesce), which costs a switch time only when it follows
 * the previous one before that one settled.  A VHDX top that is closed
 * instead (no placeholder, or a failed push) settles in its close, during
 * the switch, as before.
 *
 * The new child is not synced during the switch either (VHD_PUSH_SYNC_LATER):
 * under a heavy writer its fsync waited for the file system's journal
 * commit, which in ext4's data=ordered mode waits for the old top's dirty
 * data (up to 137 ms measured, one switch in ten).  The settler syncs it
 * and its folder (the rename over the placeholder) after the old top, and
 * every flush waits for that as for the rest, so no flush is acknowledged
 * while the child could still be lost.  A crash of the machine before that
 * may leave the placeholder empty or the child torn; neither holds a write
 * any flush covered, and istmd's start-up check makes it again as an empty
 * child of the old top (istmd keeps the placeholder's journal row until
 * it has synced the child itself).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bs_vhd.h"
#include "common/io.h"

/* The settle itself, on the settler or (no thread) the main thread: the
 * parents CHAIN left unsettled, or the old top open as FD; then CHILD and
 * its folder.  The first failure, -errno. */
static int settle_steps(vhd_chain *chain, int fd, const char *child)
{
	int err = 0, e;

	if (chain) {
		err = vhd_chain_settle_parents(chain);
		if (err < 0)
			eprintf("bs_vhd: %s\n", vhd_errmsg());
	} else if (fd >= 0 && fdatasync(fd) < 0) {
		err = -errno;
	}
	if (child && (e = sync_file_and_folder(child)) < 0) {
		eprintf("bs_vhd: cannot sync the new child '%s': %s\n", child, strerror(-e));
		if (!err)
			err = e;
	}
	return err;
}

static void *settler_main(void *arg)
{
	struct bs_vhd_lu *vlu = arg;
	vhd_chain *chain;
	char *child;
	int fd, err;

	pthread_mutex_lock(&vlu->lock);
	fd = vlu->settle_fd;
	chain = vlu->settling;
	child = vlu->settle_child;
	pthread_mutex_unlock(&vlu->lock);
	err = settle_steps(chain, fd, child);
	if (fd >= 0)
		close(fd);
	pthread_mutex_lock(&vlu->lock);
	vlu->settle_fd = -1;
	vlu->settling = NULL;
	vlu->settle_child = NULL;
	if (err)
		vlu->settle_err = err;
	pthread_cond_broadcast(&vlu->settled);
	pthread_mutex_unlock(&vlu->lock);
	free(child);
	if (err)
		eprintf("bs_vhd: cannot sync the previous top after a switch: %s\n",
			strerror(-err));
	return NULL;
}

/* Wait for the sync of a previous top to end; its failure, once. */
int bs_vhd_settle_wait(struct bs_vhd_lu *vlu)
{
	int err;

	pthread_mutex_lock(&vlu->lock);
	while (vlu->settle_fd >= 0 || vlu->settling || vlu->settle_child)
		pthread_cond_wait(&vlu->settled, &vlu->lock);
	err = vlu->settle_err;
	vlu->settle_err = 0;
	pthread_mutex_unlock(&vlu->lock);
	return err;
}

/* Main thread: wait for the settler and reap it. */
void bs_vhd_settle_join(struct bs_vhd_lu *vlu)
{
	if (!vlu->settler_running)
		return;
	pthread_join(vlu->settler, NULL);
	vlu->settler_running = 0;
}

/* Main thread, nothing in flight: in the background, sync OLD_TOP (the VHD
 * top just drained) or with PARENTS settle the parents of the LU's chain;
 * then sync CHILD (malloc'd, taken on success) and its folder.  Fails (the
 * caller then does it at once) when the file cannot be opened again or no
 * thread can be started. */
static int settle_start(struct bs_vhd_lu *vlu, const char *old_top, bool parents, char *child)
{
	int fd = -1, err;

	bs_vhd_settle_join(vlu); /* an earlier one, normally long done */
	if (old_top) {
		fd = open(old_top, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	pthread_mutex_lock(&vlu->lock);
	vlu->settle_fd = fd;
	vlu->settling = parents ? vlu->chain : NULL;
	vlu->settle_child = child;
	pthread_mutex_unlock(&vlu->lock);
	err = pthread_create(&vlu->settler, NULL, settler_main, vlu);
	if (err) {
		pthread_mutex_lock(&vlu->lock);
		vlu->settle_fd = -1;
		vlu->settling = NULL;
		vlu->settle_child = NULL;
		pthread_mutex_unlock(&vlu->lock);
		if (fd >= 0)
			close(fd);
		return -err;
	}
	vlu->settler_running = 1;
	return 0;
}

/* Main thread, before the chain is pushed onto or closed: no settler may
 * work on it then. */
void bs_vhd_settle_quiesce(struct bs_vhd_lu *vlu)
{
	bool busy;

	pthread_mutex_lock(&vlu->lock);
	busy = vlu->settling != NULL;
	pthread_mutex_unlock(&vlu->lock);
	if (busy)
		bs_vhd_settle_join(vlu);
}

/* Main thread, after the new chain is open (or failed to open), and before
 * an LU goes away: start what bs_vhd_close() and the push left pending (the
 * old top, the new child).  It waits until then because the old top's sync
 * would otherwise queue in the file system's journal beside the switch.
 * When no thread can take it, it is done here. */
void bs_vhd_settle_kick(struct bs_vhd_lu *vlu)
{
	bool parents = vlu->settle_parents && vlu->chain;
	const char *old_top = vlu->settle_pending ? vlu->prev_top : NULL;
	char *child = vlu->sync_child;
	int fd, err, e;

	vlu->settle_parents = 0;
	vlu->settle_pending = 0;
	vlu->sync_child = NULL;
	if (!parents && !old_top && !child)
		return;
	if (settle_start(vlu, old_top, parents, child) == 0)
		return;
	fd = old_top ? open(old_top, O_RDONLY | O_CLOEXEC) : -1;
	err = old_top && fd < 0 ? -errno : 0;
	e = settle_steps(parents ? vlu->chain : NULL, fd, child);
	if (!err)
		err = e;
	if (fd >= 0)
		close(fd);
	free(child);
	if (err) {
		pthread_mutex_lock(&vlu->lock);
		vlu->settle_err = err;
		pthread_mutex_unlock(&vlu->lock);
		eprintf("bs_vhd: cannot sync the previous top after a switch: %s\n",
			strerror(-err));
	}
}

/* Make every write acknowledged so far durable: the previous top's and the
 * new child's (if a switch left them unsynced), then the chain's. */
int bs_vhd_flush(struct bs_vhd_lu *vlu)
{
	int err = bs_vhd_settle_wait(vlu);

	if (err < 0)
		return err;
	return vhd_chain_flush(vlu->chain);
}
