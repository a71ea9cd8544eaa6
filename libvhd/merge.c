/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* merge.c: vhd_merge_layer(), merging a snapshot layer in the middle of a
 * chain into its direct child, while the chain may be in use.
 *
 * What it does: every sector LAYER holds (data, or zeros a VHDX ZERO block
 * states) and CHILD does not is written into CHILD; CHILD is flushed; then
 * CHILD's link is rewritten to name LAYER's parent (relink.c: a crash leaves
 * the old link or the new one).  LAYER is never written.
 *
 * Why readers may keep CHILD open meanwhile (the "transparent writer"):
 * through CHILD, a sector CHILD does not hold reads as LAYER's (or, where
 * LAYER does not hold it either, as LAYER's parents', which the merge leaves
 * alone).  The merge writes into CHILD exactly LAYER's bytes, and only where
 * CHILD has nothing, through the ordinary crash-safe allocation (data
 * before the bitmap bit or BAT entry that makes it visible).  So at every
 * moment, and in every state a crash can leave, each sector of CHILD reads
 * the same whichever of the two places a reader takes it from.  A reader's
 * cached view (BAT, bitmaps, the parent map, bs_vhd's byte cache) is older
 * than the file but still true: it sends the reader to LAYER, which is
 * unchanged and stays open through the reader's descriptor even after the
 * caller deletes it; sectors CHILD held before are never rewritten.  Before
 * the relink, CHILD holds everything LAYER did, so the old link and the new
 * one read the same too.
 *
 * The lock rule that makes this safe:
 *   - CHILD and LAYER: flock(LOCK_SH), like any reader, so a writer (which
 *     takes LOCK_EX: a writable chain top, commit's parent, relink, rebase,
 *     compact) is refused while the merge runs, and the merge is refused
 *     while one holds either file.
 *   - the merge lock, an OFD byte-range lock on one byte far past any data
 *     (MERGE_LOCK_OFF), independent of flock on Linux: write-locked on
 *     CHILD (the file the merge writes), read-locked on LAYER (a file it
 *     needs unchanged).  Two merges into one CHILD, or a merge into LAYER
 *     while LAYER is merged away, therefore exclude each other; merges of
 *     unrelated layers of one chain do not.
 *   Readers (shared flock, no merge lock) are never refused.  An OFD lock
 *   belongs to the open file description, so it is released when the merge
 *   closes it or dies: a SIGKILL leaves no stale lock behind.
 *
 * A VHDX CHILD keeps its DataWriteGuid (the data it shows does not change;
 * its own children name it by that id), and an interrupted merge's log is
 * replayed by the next merge under the same locks (vhdx_log.c).
 *
 * Re-running: when CHILD already names LAYER's parent the merge was
 * completed (it crashed after the relink, or ran twice): 0 at once.
 * Otherwise the copy starts again from the beginning and skips what CHILD
 * now holds.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "internal.h"
#include "vhdx_internal.h"

#define COPY_CHUNK (1u << 20)
/* The byte the merge lock covers: past any image (VHDX_MAX_SIZE is 64 TiB). */
#define MERGE_LOCK_OFF ((off_t)1 << 60)

/* Take the locks above on PATH; FD stays open to hold them. */
static int merge_lock(const char *path, bool writes, int *fd)
{
	struct flock fl = {
		.l_type = writes ? F_WRLCK : F_RDLCK,
		.l_whence = SEEK_SET,
		.l_start = MERGE_LOCK_OFF,
		.l_len = 1,
	};

	/* a write lock needs a descriptor open for writing */
	*fd = open(path, (writes ? O_RDWR : O_RDONLY) | O_CLOEXEC | O_NONBLOCK);
	if (*fd < 0)
		return vhd_error(-errno, "cannot merge: '%s': %s", path, strerror(errno));
	if (flock(*fd, LOCK_SH | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return vhd_error(-EBUSY, "cannot merge: '%s' is open for writing elsewhere", path);
		return vhd_error(-errno, "cannot lock '%s': %s", path, strerror(errno));
	}
	if (fcntl(*fd, F_OFD_SETLK, &fl) < 0) {
		if (errno == EAGAIN || errno == EACCES)
			return vhd_error(-EBUSY, "cannot merge: another merge is %s '%s'", path,
			                 writes ? "using" : "writing");
		return vhd_error(-errno, "cannot lock '%s': %s", path, strerror(errno));
	}
	return 0;
}

/* Does CHILD's link name P (VHD: unique id; VHDX: the DataWriteGuid, which
 * both keep in the same fields, see vhdx_layer.c)? */
static bool names_parent(const struct vhd_layer *child, const struct vhd_layer *p)
{
	return memcmp(child->header.parent_uuid, p->footer.uuid, 16) == 0;
}

struct copier {
	struct vhd_layer *layer;    /* read */
	vhd_chain *child;           /* CHILD alone, writable */
	uint8_t *buf;               /* COPY_CHUNK bytes */
};

/* Copy the part of LAYER's run RUN at OFF (LEN bytes) that CHILD lacks. */
static int copy_run(struct copier *cp, const struct vhd_run *run, uint64_t off, uint64_t len)
{
	struct vhd_layer *cl = cp->child->layers[0];

	for (uint64_t o = off; o < off + len;) {
		struct vhd_run cr;
		int r = vhd_layer_lookup(cl, o, off + len - o, &cr);

		if (r < 0)
			return r;
		if (cr.state == VHD_RUN_ABSENT) {
			if (run->state == VHD_RUN_DATA)
				r = vhd_layer_pread(cp->layer, cp->buf, (size_t)cr.length,
				                    run->file_offset + (o - off));
			else
				memset(cp->buf, 0, (size_t)cr.length);
			if (r == 0)
				r = vhd_chain_pwrite(cp->child, cp->buf, (size_t)cr.length, o);
			if (r < 0)
				return r;
		}
		o += cr.length;
	}
	return 0;
}

static int copy_all(struct copier *cp, vhd_merge_progress_fn progress, void *arg)
{
	uint64_t size = cp->layer->size, off = 0;

	while (off < size) {
		struct vhd_run run;
		uint64_t want = size - off < COPY_CHUNK ? size - off : COPY_CHUNK;
		int r = vhd_layer_lookup(cp->layer, off, want, &run);

		if (r == 0 && run.state != VHD_RUN_ABSENT)
			r = copy_run(cp, &run, off, run.length);
		if (r < 0)
			return r;
		off += run.length;
		if (progress && progress(off, size, arg) != 0)
			return vhd_error(-ECANCELED, "merge of '%s' stopped at %llu of %llu bytes",
			                 cp->layer->path, (unsigned long long)off, (unsigned long long)size);
	}
	return 0;
}

/* CHILD (open writable, transparent) as a one-layer chain, for the
 * ordinary write path; it never reads a parent since only whole sectors are
 * written. */
static int child_chain(struct vhd_layer *cl, vhd_chain **out)
{
	vhd_chain *c = calloc(1, sizeof(*c));

	if (!c)
		return vhd_error(-ENOMEM, "cannot merge into '%s': out of memory", cl->path);
	c->depth = 1;
	c->noparent = true;
	c->size = cl->size;
	c->layers[0] = cl;
	*out = c;
	return 0;
}

static int check_pair(const struct vhd_layer *ll, const struct vhd_layer *cl)
{
	if (ll->footer.type != VHD_TYPE_DIFF)
		return vhd_error(-EINVAL, "cannot merge '%s': not a differencing disk (nothing below it)",
		                 ll->path);
	if (cl->footer.type != VHD_TYPE_DIFF)
		return vhd_error(-EINVAL, "cannot merge into '%s': not a differencing disk", cl->path);
	if (!ll->vhdx != !cl->vhdx)
		return vhd_error(-EINVAL, "cannot merge '%s' into '%s': one is a VHD, the other a VHDX",
		                 ll->path, cl->path);
	if (ll->size != cl->size)
		return vhd_error(-EINVAL, "cannot merge '%s' (%llu bytes) into '%s' (%llu bytes)",
		                 ll->path, (unsigned long long)ll->size, cl->path,
		                 (unsigned long long)cl->size);
	if (ll->vhdx && ll->vhdx->lsec != cl->vhdx->lsec)
		return vhd_error(-EINVAL, "cannot merge '%s' into '%s': logical sectors of %u and %u bytes",
		                 ll->path, cl->path, ll->vhdx->lsec, cl->vhdx->lsec);
	return 0;
}

int vhd_merge_layer(const char *layer_path, const char *child_path, unsigned flags,
                    vhd_merge_progress_fn progress, void *arg)
{
	int child_lock = -1, layer_lock = -1, r;
	vhd_chain *lc = NULL, *cc = NULL;
	struct vhd_layer *cl = NULL, *ll, *lp;
	char parent_abs[PATH_MAX];
	struct copier cp = { 0 };

	vhd_clear_error();
	if (flags)
		return vhd_error(-EINVAL, "cannot merge '%s': unknown flags 0x%x", layer_path, flags);
	r = merge_lock(child_path, true, &child_lock);
	if (r == 0)
		r = merge_lock(layer_path, false, &layer_lock);
	/* LAYER and its parents as a reader would open them (shared locks). */
	if (r == 0)
		r = vhd_chain_open(layer_path, VHD_OPEN_RDONLY, &lc);
	if (r < 0)
		goto out;
	ll = lc->layers[0];
	if (ll->footer.type != VHD_TYPE_DIFF || lc->depth < 2) {
		r = vhd_error(-EINVAL, "cannot merge '%s': not a differencing disk (nothing below it)",
		              layer_path);
		goto out;
	}
	lp = lc->layers[1];
	if (!realpath(lp->path, parent_abs)) {
		r = vhd_error(-errno, "cannot merge '%s': its parent '%s': %s", layer_path, lp->path,
		              strerror(errno));
		goto out;
	}
	r = vhd_layer_open_transparent(child_path, &cl);
	if (r < 0)
		goto out;
	if (ll->dev == cl->dev && ll->ino == cl->ino) {
		r = vhd_error(-EINVAL, "cannot merge '%s' into itself", layer_path);
		goto out;
	}
	r = check_pair(ll, cl);
	if (r < 0)
		goto out;
	if (names_parent(cl, lp)) {
		/* done before (interrupted after the relink, or run twice) */
		if (progress)
			progress(ll->size, ll->size, arg);
		goto out;
	}
	if (!names_parent(cl, ll)) {
		r = vhd_error(-EINVAL, "cannot merge '%s' into '%s': that is not its child", layer_path,
		              child_path);
		goto out;
	}
	r = vhd_layer_repair(cl);
	if (r == 0 && cl->vhdx) {
		/* keep the DataWriteGuid: CHILD's own children name it by it */
		pthread_mutex_lock(&cl->alloc_lock);
		r = vhdx_begin_write(cl, false);
		pthread_mutex_unlock(&cl->alloc_lock);
	}
	if (r == 0)
		r = child_chain(cl, &cc);
	if (r < 0)
		goto out;
	cp.layer = ll;
	cp.child = cc;
	cp.buf = malloc(COPY_CHUNK);
	if (!cp.buf) {
		r = vhd_error(-ENOMEM, "cannot merge '%s': out of memory", layer_path);
		goto out;
	}
	r = copy_all(&cp, progress, arg);
	/* Durable before the link changes: the new link is only right once
	 * CHILD holds everything. */
	if (r == 0)
		r = vhd_chain_flush(cc);
	if (r == 0)
		r = cl->vhdx ? vhdx_relink(cl, lp, parent_abs) : vhd_layer_relink(cl, parent_abs, &lp->footer);
out:
	free(cp.buf);
	if (cc)
		vhd_chain_close(cc); /* closes CL */
	else
		vhd_layer_close(cl);
	vhd_chain_close(lc);
	if (layer_lock >= 0)
		close(layer_lock);
	if (child_lock >= 0)
		close(child_lock);
	return r;
}
