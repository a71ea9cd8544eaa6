/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* chain_refresh.c: vhd_chain_refresh(), bringing an open chain up to date
 * with parent links that changed on disk since it was opened: after a
 * merge (merge.c) relinked a layer past the layer it merged away.
 *
 * Why not just reopen the chain: a reopen opens, reads and locks every
 * layer again and, for a writable VHDX top, settles it (log commit and
 * syncs) on the way out; bs_vhd does it between two commands, so all of
 * that is a pause for the initiators.  Here only what the merge changed is
 * touched: the merged layer is closed (its lock goes with its descriptor)
 * and the relinked child, whose file the merge wrote through another
 * process, is opened again, so that its header, link, BAT, sector bitmaps
 * (VHD) or metadata, BAT and bitmaps (VHDX) are the file's.  Every other
 * layer keeps its open struct, descriptor and lock; the top is never
 * read, synced or relocked.
 *
 * How a changed link is found without opening every layer again: a VHD's
 * link is its dynamic header, read again (1 KiB) and compared; a VHDX's is
 * in its metadata, so its header is read instead (2 x 4 KiB): any write by
 * another process (a merge, even an interrupted one) begins with a header
 * update (vhdx_begin_write), so an unchanged SequenceNumber and
 * FileWriteGuid mean an unchanged file, and only a changed one is opened
 * again to read its link.  A layer written but not relinked (a merge that
 * stopped before its relink) is kept as it is: its old view is still true
 * (merge.c says why).
 *
 * Everything that can fail (reads, opens, locks) happens before the chain
 * is changed, so a failure leaves the chain as it was, still correct for
 * what it reads; the caller may then close it and open it whole.  Refused
 * (the caller reopens): the top's own link changed (a read-only top a
 * merge wrote into), a layer relinked to a file that is not further down
 * the open chain, a relinked file that is no longer the one open (renamed
 * over, another identity or size), a VHDX left with a log to replay (only
 * a writable open replays it), chains opened without their parents or
 * without locks.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vhdx_internal.h"

/* Does the file of L still hold what L was opened with, as far as its
 * link is concerned?  *SAME true when the link certainly did not change. */
static int link_unchanged(struct vhd_layer *l, const struct vhd_layer *parent, bool *same)
{
	if (l->vhdx) {
		uint8_t buf[VHDX_HEADER_SIZE];
		struct vhdx_header h, best = { 0 };
		bool any = false;
		int r;

		for (int k = 0; k < 2; k++) {
			r = vhd_layer_pread(l, buf, sizeof(buf), k ? VHDX_HEADER2_OFF : VHDX_HEADER1_OFF);
			if (r < 0)
				return r;
			if (!vhdx_header_ok(buf))
				continue;
			vhdx_header_decode(buf, &h);
			if (!any || h.seq > best.seq)
				best = h;
			any = true;
		}
		if (!any)
			return vhd_error(-EINVAL, "cannot refresh the chain: '%s' has no valid VHDX header",
			                 l->path);
		*same = best.seq == l->vhdx->hdr.seq &&
		        memcmp(best.file_write_guid, l->vhdx->hdr.file_write_guid, 16) == 0;
		return 0;
	} else {
		uint8_t raw[VHD_HEADER_SIZE];
		struct vhd_header h;
		int r = vhd_layer_pread(l, raw, sizeof(raw), l->footer.data_offset);

		if (r < 0)
			return r;
		if (!vhd_header_checksum_ok(raw))
			return vhd_error(-EINVAL, "cannot refresh the chain: the header of '%s' has a bad checksum",
			                 l->path);
		vhd_header_decode(raw, &h);
		*same = memcmp(h.parent_uuid, parent->footer.uuid, 16) == 0;
		return 0;
	}
}

/* L's file opened again read-only and locked shared, checked to be the
 * same disk (file, identity, size) with nothing left to replay. */
static int open_again(const struct vhd_layer *l, struct vhd_layer **out)
{
	struct vhd_layer *f = NULL;
	int r = vhd_layer_open(l->path, true, &f);

	if (r < 0)
		return r;
	if (f->dev != l->dev || f->ino != l->ino)
		r = vhd_error(-ESTALE, "cannot refresh the chain: '%s' is no longer the file that was open",
		              l->path);
	else if (memcmp(f->footer.uuid, l->footer.uuid, 16) != 0 || f->size != l->size ||
	         !f->vhdx != !l->vhdx || f->footer.type != l->footer.type)
		r = vhd_error(-ESTALE, "cannot refresh the chain: '%s' is another disk now (identity or size changed)",
		              l->path);
	else if (f->vhdx && !vhdx_guid_is_zero(f->vhdx->hdr.log_guid))
		r = vhd_error(-EBUSY, "cannot refresh the chain: '%s' has a log to replay", l->path);
	if (r == 0)
		r = vhd_layer_lock(f, false);
	if (r < 0) {
		vhd_layer_close(f);
		return r;
	}
	*out = f;
	return 0;
}

int vhd_chain_refresh(vhd_chain *c)
{
	struct vhd_layer **next, **drop;
	int depth = 0, ndrop = 0, r = 0;
	bool changed = false;

	vhd_clear_error();
	if (c->noparent || c->nolock)
		return vhd_error(-EINVAL, "cannot refresh the chain of '%s': it was opened without %s",
		                 c->layers[0]->path, c->noparent ? "its parents" : "locks");
	next = calloc(2 * (size_t)c->depth, sizeof(*next));
	if (!next)
		return vhd_error(-ENOMEM, "cannot refresh the chain of '%s': out of memory",
		                 c->layers[0]->path);
	drop = next + c->depth; /* replaced and merged layers, closed at the end */
	for (int i = 0; i < c->depth;) {
		struct vhd_layer *l = c->layers[i], *f = NULL;
		bool same = true;
		int j;

		/* A layer held exclusively here (the writable top, a VHDX
		 * not yet settled) cannot have been written by anyone else. */
		if (i + 1 < c->depth && l->footer.type == VHD_TYPE_DIFF && l->read_only &&
		    !l->unsettled) {
			r = link_unchanged(l, c->layers[i + 1], &same);
			if (r < 0)
				goto fail;
		}
		if (same) {
			next[depth++] = l;
			i++;
			continue;
		}
		if (i == 0) {
			r = vhd_error(-ESTALE, "cannot refresh the chain: its top '%s' was relinked", l->path);
			goto fail;
		}
		r = open_again(l, &f);
		if (r < 0)
			goto fail;
		for (j = i + 1; j < c->depth; j++)
			if (memcmp(f->header.parent_uuid, c->layers[j]->footer.uuid, 16) == 0)
				break;
		if (j == i + 1) {
			/* written, not relinked: the open view is still true */
			vhd_layer_close(f);
			next[depth++] = l;
			i++;
			continue;
		}
		if (j == c->depth) {
			vhd_layer_close(f);
			r = vhd_error(-ESTALE, "cannot refresh the chain: '%s' now names a parent that is not below it in the open chain",
			              l->path);
			goto fail;
		}
		for (int k = i + 1; k < j; k++) {
			if (c->layers[k]->unsettled) { /* never merged: held exclusively */
				vhd_layer_close(f);
				r = vhd_error(-EBUSY, "cannot refresh the chain: '%s' is not settled",
				              c->layers[k]->path);
				goto fail;
			}
		}
		next[depth++] = f;
		drop[ndrop++] = l;
		for (int k = i + 1; k < j; k++)
			drop[ndrop++] = c->layers[k];
		changed = true;
		i = j;
	}
	if (!changed) {
		free(next);
		return 0;
	}
	/* Nothing below fails: the chain moves to its new layers at once. */
	vhd_parent_map_detach(c);
	for (int i = 0; i < depth; i++)
		c->layers[i] = next[i];
	for (int i = depth; i < c->depth; i++)
		c->layers[i] = NULL;
	c->depth = depth;
	for (int i = 0; i < ndrop; i++)
		vhd_layer_close(drop[i]);
	free(next);
	/* without a map, reads walk the layers (parentmap.c): correct, slower */
	if (vhd_parent_map_attach(c) < 0)
		vhd_log(0, "%s", vhd_errmsg());
	return 0;
fail:
	/* the fresh opens made so far, which the chain never saw */
	for (int i = 0; i < depth; i++) {
		bool in_chain = false;

		for (int k = 0; k < c->depth && !in_chain; k++)
			in_chain = c->layers[k] == next[i];
		if (!in_chain)
			vhd_layer_close(next[i]);
	}
	free(next);
	return r;
}
