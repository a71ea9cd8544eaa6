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
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "bs_vhd.h"

static void *settler_main(void *arg)
{
	struct bs_vhd_lu *vlu = arg;
	vhd_chain *chain;
	int fd, err = 0;

	pthread_mutex_lock(&vlu->lock);
	fd = vlu->settle_fd;
	chain = vlu->settling;
	pthread_mutex_unlock(&vlu->lock);
	if (chain) {
		err = vhd_chain_settle_parents(chain);
		if (err < 0)
			eprintf("bs_vhd: %s\n", vhd_errmsg());
	} else {
		if (fdatasync(fd) < 0)
			err = -errno;
		close(fd);
	}
	pthread_mutex_lock(&vlu->lock);
	vlu->settle_fd = -1;
	vlu->settling = NULL;
	if (err)
		vlu->settle_err = err;
	pthread_cond_broadcast(&vlu->settled);
	pthread_mutex_unlock(&vlu->lock);
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
	while (vlu->settle_fd >= 0 || vlu->settling)
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

/* Main thread, nothing in flight: sync PATH (the top just drained) in the
 * background, or with PATH NULL settle the parents of the LU's chain.
 * Fails (the caller then does it at once) when the file cannot be opened
 * again or no thread can be started. */
int bs_vhd_settle_start(struct bs_vhd_lu *vlu, const char *path)
{
	int fd = -1, err;

	bs_vhd_settle_join(vlu); /* an earlier one, normally long done */
	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
	}
	pthread_mutex_lock(&vlu->lock);
	vlu->settle_fd = fd;
	vlu->settling = path ? NULL : vlu->chain;
	pthread_mutex_unlock(&vlu->lock);
	err = pthread_create(&vlu->settler, NULL, settler_main, vlu);
	if (err) {
		pthread_mutex_lock(&vlu->lock);
		vlu->settle_fd = -1;
		vlu->settling = NULL;
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
 * an LU goes away: start the sync bs_vhd_close() left pending.  It waits
 * until then because the child's own sync at creation would otherwise
 * queue behind it in the file system's journal (measured: 18 ms when the
 * old top is synced after, 135 ms when both run at once).  When no thread
 * can take it, it is done here. */
void bs_vhd_settle_kick(struct bs_vhd_lu *vlu)
{
	int fd;

	if (vlu->settle_parents) {
		vlu->settle_parents = 0;
		if (vlu->chain && bs_vhd_settle_start(vlu, NULL) < 0 &&
		    vhd_chain_settle_parents(vlu->chain) < 0) {
			pthread_mutex_lock(&vlu->lock);
			vlu->settle_err = -EIO;
			pthread_mutex_unlock(&vlu->lock);
			eprintf("bs_vhd: %s\n", vhd_errmsg());
		}
	}
	if (!vlu->settle_pending)
		return;
	vlu->settle_pending = 0;
	if (vlu->prev_top && bs_vhd_settle_start(vlu, vlu->prev_top) == 0)
		return;
	fd = vlu->prev_top ? open(vlu->prev_top, O_RDONLY | O_CLOEXEC) : -1;
	if (fd < 0 || fdatasync(fd) < 0) {
		pthread_mutex_lock(&vlu->lock);
		vlu->settle_err = -EIO;
		pthread_mutex_unlock(&vlu->lock);
		eprintf("bs_vhd: cannot sync the previous top after a switch: %m\n");
	}
	if (fd >= 0)
		close(fd);
}

/* Make every write acknowledged so far durable: the previous top's (if a
 * switch left it unsynced), then the chain's. */
int bs_vhd_flush(struct bs_vhd_lu *vlu)
{
	int err = bs_vhd_settle_wait(vlu);

	if (err < 0)
		return err;
	return vhd_chain_flush(vlu->chain);
}
