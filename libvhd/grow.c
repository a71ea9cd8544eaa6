/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* grow.c: growing the virtual size of an image that nobody else has open.
 *
 * Fixed disks grow by extending the file and writing the footer at the new
 * end before zeroing the old one (a crash in between leaves a valid, grown
 * image with 512 stale bytes in the new space).  Dynamic and differencing
 * disks grow within the space their BAT has where it is (it is rounded up
 * to a sector, so a 20 MiB disk with 2 MiB blocks can reach 256 MiB):
 * moving the BAT would mean relocating blocks.  The end footer is
 * written before the copy at 0; a crash between them is repaired from the
 * end footer at the next open.  A VHDX grows through its log (vhdx_grow.c).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "vhdx_internal.h"

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

/* Entries the BAT can hold where it is: up to the first structure after it
 * (a block, a locator, the header, the footer).  Images are laid out with
 * the BAT rounded up to a sector (qemu-img, Windows, create.c), so there is
 * usually room for many more entries than the size needed. */
static uint64_t bat_room(const struct vhd_layer *l)
{
	uint64_t start = l->header.table_offset, limit = l->footer_offset;

	for (uint32_t i = 0; i < l->bat_entries; i++) {
		uint64_t at = (uint64_t)l->bat[i] * VHD_SECTOR;

		if (l->bat[i] != VHD_BAT_UNUSED && at > start && at < limit)
			limit = at;
	}
	for (int k = 0; k < VHD_LOCATORS; k++)
		if (l->header.loc[k].code && l->header.loc[k].offset > start && l->header.loc[k].offset < limit)
			limit = l->header.loc[k].offset;
	if (l->footer.data_offset > start && l->footer.data_offset < limit)
		limit = l->footer.data_offset;
	return (limit - start) / 4;
}

/* Make the BAT NEW_ENTRIES long in place: the new entries (unused) first,
 * then the header that counts them; a crash in between leaves unused bytes
 * that nothing reads. */
static int extend_bat(struct vhd_layer *l, uint32_t new_entries)
{
	uint64_t n = (uint64_t)(new_entries - l->bat_entries) * 4;
	uint8_t *ff = malloc(n), hraw[VHD_HEADER_SIZE];
	struct vhd_header h = l->header;
	int r;

	if (!ff)
		return vhd_error(-ENOMEM, "cannot grow '%s': out of memory", l->path);
	memset(ff, 0xff, n);
	r = vhd_layer_pwrite(l, ff, n, h.table_offset + 4ull * l->bat_entries);
	free(ff);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r < 0)
		return r;
	h.max_table_entries = new_entries;
	vhd_header_encode(&h, hraw);
	r = vhd_layer_pwrite(l, hraw, sizeof(hraw), l->footer.data_offset);
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r == 0)
		l->header = h; /* the in-memory BAT keeps its length: closed next */
	return r;
}

static int grow_sparse(struct vhd_layer *l, uint64_t new_size)
{
	uint64_t need = (new_size + l->block_size - 1) / l->block_size, room;
	int r;

	if (need > l->bat_entries) {
		room = bat_room(l);
		if (need > room || need > UINT32_MAX)
			return vhd_error(-ENOSPC, "cannot grow '%s' to %llu bytes: its block table has room for at most %llu",
			                 l->path, (unsigned long long)new_size,
			                 (unsigned long long)room * l->block_size);
		r = extend_bat(l, (uint32_t)need);
		if (r < 0)
			return r;
	}
	return vhd_layer_set_size(l, new_size);
}

int vhd_layer_set_size(struct vhd_layer *l, uint64_t new_size)
{
	int r;

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
	else if (l->vhdx)
		r = new_size == l->size ? 0 : vhdx_grow(l, new_size);
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
