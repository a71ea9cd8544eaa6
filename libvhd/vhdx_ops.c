/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_ops.c: commit and relink for a differencing VHDX.
 *
 * Commit walks the child with the format-neutral vhd_layer_lookup(), so it
 * copies exactly what the child holds (fully and partially present blocks,
 * sector by sector) and writes zeros where the child says ZERO; the
 * parent's own write path (VHD or VHDX, its log included) does the rest.
 *
 * Relink writes a new parent locator item at the end of the used part of
 * the metadata region and points the metadata table at it; both changes
 * go through the log as one entry, so a crash leaves the old locator or
 * the new one, never half of either.  It changes the FileWriteGuid only:
 * the disk's contents, and so its children's parent_linkage, stay valid.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhdx_internal.h"

int vhdx_commit_copy(struct vhd_layer *cl, vhd_chain *parent, uint8_t *buf, size_t bufsz,
                     vhd_progress_fn progress, void *arg)
{
	uint64_t off = 0;
	int r;

	memset(buf, 0, bufsz);
	while (off < cl->size) {
		struct vhd_run run;
		uint64_t n;

		r = vhd_layer_lookup(cl, off, cl->size - off < bufsz ? cl->size - off : bufsz, &run);
		if (r < 0)
			return r;
		n = run.length;
		if (run.state == VHD_RUN_DATA) {
			r = vhd_layer_pread(cl, buf, n, run.file_offset);
			if (r == 0)
				r = vhd_chain_pwrite(parent, buf, n, off);
			memset(buf, 0, n);
		} else if (run.state == VHD_RUN_ZERO) {
			r = vhd_chain_pwrite(parent, buf, n, off);
		}
		if (r < 0)
			return r;
		off += n;
		if (progress)
			progress(off, cl->size, arg);
	}
	return 0;
}

int vhdx_relink(struct vhd_layer *l, struct vhd_layer *p, const char *abs)
{
	struct vhdx_layer *x = l->vhdx;
	uint8_t *old = malloc(x->meta_length), *m = malloc(x->meta_length);
	uint32_t used = VHDX_META_TABLE_SIZE, where;
	uint16_t count;
	int idx = -1, n, r;

	if (!old || !m) {
		r = vhd_error(-ENOMEM, "cannot relink '%s': out of memory", l->path);
		goto out;
	}
	if (!p->vhdx) {
		r = vhd_error(-EINVAL, "cannot relink '%s' to '%s': a VHDX child needs a VHDX parent", l->path,
		              abs);
		goto out;
	}
	r = vhd_layer_pread(l, old, x->meta_length, x->meta_offset);
	if (r < 0)
		goto out;
	memcpy(m, old, x->meta_length);
	count = vhdx_le16(m + 10);
	for (int i = 0; i < count; i++) {
		const uint8_t *e = m + 32 + 32 * i;
		uint32_t end = vhdx_le32(e + 16) + vhdx_le32(e + 20);

		if (memcmp(e, vhdx_guid_parent_locator, 16) == 0)
			idx = i;
		if (end > used)
			used = end;
	}
	if (idx < 0) {
		r = vhd_error(-EINVAL, "cannot relink '%s': no parent locator", l->path);
		goto out;
	}
	where = (uint32_t)vhd_round_up(used, 8);
	if (where >= x->meta_length) {
		r = vhd_error(-ENOSPC, "cannot relink '%s': its metadata region is full", l->path);
		goto out;
	}
	n = vhdx_build_locator(l->path, abs, p->vhdx->hdr.data_write_guid, m + where,
	                       x->meta_length - where);
	if (n < 0) {
		r = n;
		goto out;
	}
	vhdx_put_le32(m + 32 + 32 * idx + 16, where);
	vhdx_put_le32(m + 32 + 32 * idx + 20, (uint32_t)n);
	pthread_mutex_lock(&l->alloc_lock);
	r = vhdx_begin_write(l, false);
	for (uint32_t pg = 0; r == 0 && pg < x->meta_length; pg += VHDX_LOG_SECTOR)
		if (memcmp(old + pg, m + pg, VHDX_LOG_SECTOR) != 0)
			r = vhdx_log_stage(l, x->meta_offset + pg, m + pg);
	if (r == 0)
		r = vhdx_log_commit(l);
	if (r == 0 && vhd_sys_fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	pthread_mutex_unlock(&l->alloc_lock);
out:
	free(old);
	free(m);
	return r;
}
