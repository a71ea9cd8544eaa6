/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* grow.c: growing the virtual size of an image that nobody else has open.
 *
 * Fixed disks grow by extending the file and writing the footer at the new
 * end before zeroing the old one (a crash in between leaves a valid, grown
 * image with 512 stale bytes in the new space).  Dynamic and differencing
 * disks grow within the capacity of their BAT only: moving the BAT would
 * mean relocating blocks, and the common case (sizes created with room,
 * as Windows does for a 127 GiB disk) needs no move.  The end footer is
 * written before the copy at 0; a crash between them is repaired from the
 * end footer at the next open.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

static int grow_fixed(struct vhd_layer *l, uint64_t new_size)
{
	static const uint8_t zeros[VHD_FOOTER_SIZE];
	uint64_t old = l->size, total = new_size + VHD_FOOTER_SIZE;
	int r;

	if (fallocate(l->fd, 0, (off_t)(old + VHD_FOOTER_SIZE), (off_t)(total - old - VHD_FOOTER_SIZE)) < 0 &&
	    errno != EOPNOTSUPP && errno != ENOSYS)
		return vhd_error(-errno, "cannot grow '%s': %s", l->path, strerror(errno));
	l->footer.current_size = new_size;
	vhd_geometry(new_size / VHD_SECTOR, &l->footer.cylinders, &l->footer.heads,
	             &l->footer.sectors_per_track);
	r = vhd_layer_write_footer(l, new_size);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r == 0)
		r = vhd_layer_pwrite(l, zeros, sizeof(zeros), old);
	return r;
}

static int grow_sparse(struct vhd_layer *l, uint64_t new_size)
{
	int r;

	if ((uint64_t)l->bat_entries * l->block_size < new_size)
		return vhd_error(-ENOSPC, "cannot grow '%s' to %llu bytes: its block table holds at most %llu",
		                 l->path, (unsigned long long)new_size,
		                 (unsigned long long)l->bat_entries * l->block_size);
	l->footer.current_size = new_size;
	vhd_geometry(new_size / VHD_SECTOR, &l->footer.cylinders, &l->footer.heads,
	             &l->footer.sectors_per_track);
	r = vhd_layer_write_footer(l, l->footer_offset);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r == 0)
		r = vhd_layer_pwrite(l, l->footer_raw, VHD_FOOTER_SIZE, 0);
	return r;
}

int vhd_grow(const char *path, uint64_t new_size)
{
	vhd_chain *c;
	struct vhd_layer *l;
	int r;

	vhd_clear_error();
	r = vhd_chain_open(path, VHD_OPEN_NOPARENT, &c);
	if (r < 0)
		return r;
	l = c->layers[0];
	if (new_size % VHD_SECTOR)
		r = vhd_error(-EINVAL, "cannot grow '%s': size %llu is not a multiple of 512", path,
		              (unsigned long long)new_size);
	else if (new_size < l->size)
		r = vhd_error(-EINVAL, "cannot grow '%s' to %llu bytes: it is larger (%llu bytes); shrinking is not supported",
		              path, (unsigned long long)new_size, (unsigned long long)l->size);
	else if (new_size > VHD_MAX_CREATE_SIZE)
		r = vhd_error(-EFBIG, "cannot grow '%s' to %llu bytes: larger than the VHD limit of 2040 GiB",
		              path, (unsigned long long)new_size);
	else if (new_size == l->size)
		r = 0;
	else if (l->footer.type == VHD_TYPE_FIXED)
		r = grow_fixed(l, new_size);
	else
		r = grow_sparse(l, new_size);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", path, strerror(errno));
	vhd_chain_close(c);
	return r;
}
