/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* commit.c: merging a differencing disk into its parent.
 *
 * The child is opened alone and locked exclusively (so nobody reads
 * through it while its parent changes underneath), the parent's chain is
 * opened writable (so nobody else uses the parent either), and every run
 * of set bitmap bits is copied with one read and one write.  The child is
 * left as it was: after a commit it holds nothing its parent does not, so
 * it still reads the same; callers usually delete it or recreate it.
 *
 * A crash mid-commit leaves the parent partly updated and the child
 * intact; running the commit again finishes it (copying is idempotent).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>

#include "internal.h"
#include "vhdx_internal.h"

#define COPY_CHUNK (4u << 20)

int vhd_commit(const char *path, vhd_progress_fn progress, void *arg)
{
	vhd_chain *probe = NULL, *child = NULL, *parent = NULL;
	struct vhd_layer *cl;
	char parent_path[4096];
	uint8_t *buf = NULL;
	int r;

	vhd_clear_error();
	/* Find the parent through the normal resolution (UUID checked). */
	r = vhd_chain_open(path, VHD_OPEN_RDONLY, &probe);
	if (r < 0)
		return r;
	if (probe->layers[0]->footer.type != VHD_TYPE_DIFF) {
		r = vhd_error(-EINVAL, "cannot commit '%s': not a differencing disk", path);
		vhd_chain_close(probe);
		return r;
	}
	snprintf(parent_path, sizeof(parent_path), "%s", probe->layers[1]->path);
	vhd_chain_close(probe);

	r = vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOPARENT, &child);
	if (r < 0)
		return r;
	cl = child->layers[0];
	if (flock(cl->fd, LOCK_EX | LOCK_NB) < 0) {
		r = vhd_error(-EBUSY, "cannot commit '%s': it is in use", path);
		goto out;
	}
	r = vhd_chain_open(parent_path, 0, &parent);
	if (r < 0)
		goto out;
	if (memcmp(parent->layers[0]->footer.uuid, cl->header.parent_uuid, 16) != 0) {
		r = vhd_error(-EINVAL, "cannot commit '%s': parent '%s' changed while opening it", path,
		              parent_path);
		goto out;
	}
	if (parent->size < cl->size) {
		r = vhd_error(-EINVAL, "cannot commit '%s' (%llu bytes) into the smaller parent '%s' (%llu bytes)",
		              path, (unsigned long long)cl->size, parent_path,
		              (unsigned long long)parent->size);
		goto out;
	}
	buf = malloc(COPY_CHUNK);
	if (!buf) {
		r = vhd_error(-ENOMEM, "cannot commit '%s': out of memory", path);
		goto out;
	}
	if (cl->vhdx) {
		r = vhdx_commit_copy(cl, parent, buf, COPY_CHUNK, progress, arg);
		if (r < 0)
			goto out;
	}
	for (uint32_t b = 0; b < cl->bat_entries && !cl->vhdx; b++) {
		uint64_t block_off = (uint64_t)b << cl->block_shift;
		uint32_t nsec = cl->block_size / VHD_SECTOR, s = 0;
		const uint8_t *bm;
		uint32_t e = cl->bat[b];

		if (progress)
			progress(block_off < cl->size ? block_off : cl->size, cl->size, arg);
		if (e == VHD_BAT_UNUSED || block_off >= cl->size)
			continue;
		if (block_off + cl->block_size > cl->size)
			nsec = (uint32_t)((cl->size - block_off) / VHD_SECTOR);
		r = vhd_layer_bitmap(cl, b, &bm);
		if (r < 0)
			goto out;
		while (s < nsec) {
			bool set;
			uint32_t run = vhd_bit_run(bm, s, nsec - s, &set);

			if (set) {
				for (uint32_t done = 0; done < run;) {
					uint32_t n = run - done;
					uint64_t in_block = (uint64_t)(s + done) * VHD_SECTOR;

					if ((uint64_t)n * VHD_SECTOR > COPY_CHUNK)
						n = COPY_CHUNK / VHD_SECTOR;
					r = vhd_layer_pread(cl, buf, (size_t)n * VHD_SECTOR,
					                    (uint64_t)e * VHD_SECTOR + cl->bitmap_size + in_block);
					if (r < 0)
						goto out;
					r = vhd_chain_pwrite(parent, buf, (size_t)n * VHD_SECTOR, block_off + in_block);
					if (r < 0)
						goto out;
					done += n;
				}
			}
			s += run;
		}
	}
	r = vhd_chain_flush(parent);
	if (r == 0 && progress)
		progress(cl->size, cl->size, arg);
out:
	free(buf);
	vhd_chain_close(parent);
	vhd_chain_close(child);
	return r;
}
