/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* resize.c: vhd_resize(), changing the virtual size of an image that nobody
 * else has open; growing is vhd_grow(), this file adds shrinking.
 *
 * Shrinking loses whatever lies past the new end, so it must be asked for
 * (VHD_RESIZE_SHRINK) and is refused, changing nothing, when any byte past
 * the new end reads as non-zero: a shrink can only drop space that holds no
 * data.  qemu-img resize --shrink drops the data instead; we are stricter
 * because a VHD has no snapshot to go back to.  Differencing disks are not
 * shrunk: their size is their parent's.
 *
 * Order, so a crash leaves a valid image: dynamic disks first return the
 * blocks wholly past the new end (BAT entries, as vhd_chain_discard does),
 * then write the new footer (end, then copy at 0; a torn end is repaired
 * from the copy at the next open).  Fixed disks get the new footer at the
 * new end (over bytes just checked to be zeros), a sync, then the file is
 * truncated: a crash before the truncation leaves the old, larger image
 * with 512 bytes of footer inside its zero tail.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

#define SCAN_CHUNK (1u << 20)

/* 0 when [from, to) of C reads as zeros; -ENOTEMPTY with a message naming
 * the first non-zero offset otherwise. */
static int check_tail_zero(vhd_chain *c, const char *path, uint64_t from, uint64_t to)
{
	uint8_t *buf = malloc(SCAN_CHUNK);
	uint64_t off = from;
	int r = 0;

	if (!buf)
		return vhd_error(-ENOMEM, "cannot shrink '%s': out of memory", path);
	while (off < to && r == 0) {
		struct vhd_extent ext;
		uint64_t n;

		r = vhd_chain_map(c, off, to - off, &ext);
		if (r < 0)
			break;
		if (ext.fd < 0) {              /* reads as zeros: nothing to look at */
			off += ext.length;
			continue;
		}
		n = ext.length < SCAN_CHUNK ? ext.length : SCAN_CHUNK;
		r = vhd_chain_pread(c, buf, n, off);
		for (uint64_t i = 0; r == 0 && i < n; i++)
			if (buf[i])
				r = vhd_error(-ENOTEMPTY, "cannot shrink '%s': there is data at offset %llu, past the new end %llu",
				              path, (unsigned long long)(off + i), (unsigned long long)from);
		off += n;
	}
	free(buf);
	return r;
}

static int shrink_fixed(struct vhd_layer *l, uint64_t new_size)
{
	int r;

	l->footer.current_size = new_size;
	vhd_geometry(new_size / VHD_SECTOR, &l->footer.cylinders, &l->footer.heads,
	             &l->footer.sectors_per_track);
	r = vhd_layer_write_footer(l, new_size);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r == 0 && ftruncate(l->fd, (off_t)(new_size + VHD_FOOTER_SIZE)) < 0)
		r = vhd_error(-errno, "cannot truncate '%s': %s", l->path, strerror(errno));
	if (r == 0)
		l->footer_offset = new_size;
	return r;
}

static int shrink_sparse(vhd_chain *c, uint64_t new_size)
{
	struct vhd_layer *l = c->layers[0];
	uint32_t first = (uint32_t)((new_size + l->block_size - 1) >> l->block_shift);
	int r = 0;

	for (uint32_t b = first; b < l->bat_entries && r == 0; b++)
		r = vhd_alloc_drop_block(c, b);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r == 0)
		r = vhd_layer_set_size(l, new_size);
	return r;
}

int vhd_resize(const char *path, uint64_t new_size, unsigned flags)
{
	struct vhd_layer *l;
	vhd_chain *c;
	int r;

	vhd_clear_error();
	if (flags & ~VHD_RESIZE_SHRINK)
		return vhd_error(-EINVAL, "cannot resize '%s': unknown flags 0x%x", path, flags);
	r = vhd_chain_open(path, VHD_OPEN_NOPARENT, &c);
	if (r < 0)
		return r;
	l = c->layers[0];
	if (new_size >= l->size) {
		vhd_chain_close(c);
		return vhd_grow(path, new_size);
	}
	if (!(flags & VHD_RESIZE_SHRINK))
		r = vhd_error(-EINVAL, "cannot resize '%s': %llu bytes is smaller than its %llu (shrinking must be asked for)",
		              path, (unsigned long long)new_size, (unsigned long long)l->size);
	else if (new_size == 0 || new_size % VHD_SECTOR)
		r = vhd_error(-EINVAL, "cannot shrink '%s': size %llu is not a positive multiple of 512", path,
		              (unsigned long long)new_size);
	else if (l->footer.type == VHD_TYPE_DIFF)
		r = vhd_error(-EINVAL, "cannot shrink '%s': a differencing disk has the size of its parent", path);
	else if (l->vhdx)
		r = vhd_error(-ENOTSUP, "cannot shrink '%s': shrinking a VHDX is not supported", path);
	else
		r = check_tail_zero(c, path, new_size, l->size);
	if (r == 0)
		r = l->footer.type == VHD_TYPE_FIXED ? shrink_fixed(l, new_size) : shrink_sparse(c, new_size);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", path, strerror(errno));
	vhd_chain_close(c);
	return r;
}
