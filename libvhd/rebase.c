/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* rebase.c: vhd_rebase(), putting a differencing disk on another parent
 * without changing the data it shows (qemu-img rebase's two modes).
 *
 * Safe mode reads, for every range the child does not hold itself, the old
 * parent chain and the new one; where they differ, the old data is written
 * into the child, so the child then holds it and the new parent's bytes
 * there no longer matter.  Only then is the link rewritten (relink.c, with
 * the new parent's unique id).  A crash during the copy leaves the child on
 * its old parent with some of the old parent's data copied into it: the
 * same data as before.  A new parent equal to the old one (a copy, a
 * converted or compacted base) costs a read of both and no write.
 *
 * Unsafe mode (VHD_REBASE_UNSAFE) only rewrites the link, for a parent
 * known to hold the same data under another unique id, or when the old
 * parent is gone; nothing is compared, as with qemu-img rebase -u.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CHUNK (1u << 20)

/* Copy into the child (top of C) the sectors of [off, off+len), which the
 * child does not hold, where the old chain and the new one (N) differ. */
static int copy_differences(vhd_chain *c, vhd_chain *n, uint8_t *old, uint8_t *neu,
                            uint64_t off, size_t len)
{
	int r = vhd_chain_read_from(c, 1, old, len, off);

	if (r == 0)
		r = vhd_chain_pread(n, neu, len, off);
	for (size_t i = 0; r == 0 && i < len;) {
		size_t j;

		if (memcmp(old + i, neu + i, VHD_SECTOR) == 0) {
			i += VHD_SECTOR;
			continue;
		}
		for (j = i + VHD_SECTOR; j < len && memcmp(old + j, neu + j, VHD_SECTOR) != 0; j += VHD_SECTOR)
			;
		r = vhd_chain_pwrite(c, old + i, j - i, off + i);
		i = j;
	}
	return r;
}

static int rebase_safe(vhd_chain *c, vhd_chain *n, vhd_progress_fn progress, void *arg)
{
	struct vhd_layer *top = c->layers[0];
	uint8_t *old = malloc(CHUNK), *neu = malloc(CHUNK);
	uint64_t off = 0;
	int r = 0;

	if (!old || !neu)
		r = vhd_error(-ENOMEM, "cannot rebase '%s': out of memory", top->path);
	while (r == 0 && off < c->size) {
		uint64_t want = c->size - off < CHUNK ? c->size - off : CHUNK;
		struct vhd_run run;

		r = vhd_layer_lookup(top, off, want, &run);
		if (r < 0)
			break;
		if (run.state == VHD_RUN_ABSENT)
			r = copy_differences(c, n, old, neu, off, (size_t)run.length);
		off += run.length;
		if (progress)
			progress(off, c->size, arg);
	}
	if (r == 0)
		r = vhd_chain_flush(c);
	free(old);
	free(neu);
	return r;
}

int vhd_rebase(const char *path, const char *new_parent, unsigned flags, vhd_progress_fn progress,
               void *arg)
{
	bool unsafe = flags & VHD_REBASE_UNSAFE;
	vhd_chain *c = NULL, *n = NULL;
	char abs[PATH_MAX];
	struct vhd_layer *top;
	int r;

	vhd_clear_error();
	if (flags & ~VHD_REBASE_UNSAFE)
		return vhd_error(-EINVAL, "cannot rebase '%s': unknown flags 0x%x", path, flags);
	if (!realpath(new_parent, abs))
		return vhd_error(-errno, "cannot rebase '%s': parent '%s': %s", path, new_parent, strerror(errno));
	/* Safe mode reads the old parents, so it opens them (shared locks);
	 * unsafe mode works when they are gone. */
	r = vhd_chain_open(path, unsafe ? VHD_OPEN_NOPARENT : 0, &c);
	if (r < 0)
		return r;
	top = c->layers[0];
	if (top->footer.type != VHD_TYPE_DIFF) {
		r = vhd_error(-EINVAL, "cannot rebase '%s': not a differencing disk", path);
		goto out;
	}
	/* A chain that contains the disk cannot be opened with locks while we
	 * hold the disk's exclusive one: look at it without locks first, to
	 * say why instead of "in use". */
	r = vhd_chain_open(abs, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &n);
	if (r < 0)
		goto out;
	for (int k = 0; k < n->depth; k++) {
		if (n->layers[k]->dev == top->dev && n->layers[k]->ino == top->ino) {
			r = vhd_error(-ELOOP, "cannot rebase '%s' onto '%s': that chain contains the disk itself",
			              path, new_parent);
			goto out;
		}
	}
	if (n->size != c->size) {
		r = vhd_error(-EINVAL, "cannot rebase '%s' onto '%s': it is %llu bytes, the disk %llu",
		              path, new_parent, (unsigned long long)n->size, (unsigned long long)c->size);
		goto out;
	}
	vhd_chain_close(n);
	/* Now shared locks: the new parent must not change under the copy. */
	r = vhd_chain_open(abs, VHD_OPEN_RDONLY, &n);
	if (r < 0) {
		n = NULL;
		goto out;
	}
	if (!unsafe)
		r = rebase_safe(c, n, progress, arg);
	if (r == 0)
		r = vhd_layer_relink(top, abs, &n->layers[0]->footer);
out:
	if (n)
		vhd_chain_close(n);
	vhd_chain_close(c);
	return r;
}
