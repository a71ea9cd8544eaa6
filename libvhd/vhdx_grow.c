/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_grow.c: growing the virtual size of a fixed or dynamic VHDX that
 * nobody else has open ([MS-VHDX] 2.2.2 BAT, 2.6.2.2 virtual disk size).
 *
 * Everything a reader would see changes in ONE log entry (vhdx_log.c): the
 * page of the metadata region holding the virtual disk size and, when the
 * BAT must move, the first page of both region tables.  What the entry
 * makes visible is written before it, directly, where nothing refers to
 * it yet: the BAT entries past the old ones (zeros for a dynamic disk,
 * FULLY_PRESENT blocks fallocated at the end of the file for a fixed one),
 * either after the old entries when the BAT region has room, or as a whole
 * new BAT region at the end of the file.  A crash before the entry is
 * synced leaves the old disk (plus unreferenced space); after it, a replay
 * gives the grown one.  The old BAT region, when moved from, is left as
 * unreferenced space: reusing it would mean moving blocks.
 *
 * Differencing disks take their parent's size, as in Hyper-V, and are not
 * grown; shrinking a VHDX is not supported (vhd_resize() says so).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhdx_internal.h"

/* Stage the pages of the metadata region that hold the virtual disk size,
 * set to NEW_SIZE. */
static int stage_size(struct vhd_layer *l, uint64_t new_size)
{
	struct vhdx_layer *x = l->vhdx;
	uint8_t *table = malloc(VHDX_META_TABLE_SIZE), page[2 * VHDX_LOG_SECTOR];
	uint32_t off = 0, first;
	int r;

	if (!table)
		return vhd_error(-ENOMEM, "cannot grow '%s': out of memory", l->path);
	r = vhd_layer_pread(l, table, VHDX_META_TABLE_SIZE, x->meta_offset);
	for (uint16_t i = 0; r == 0 && i < vhdx_le16(table + 10) && i < 2047; i++)
		if (memcmp(table + 32 + 32 * i, vhdx_guid_disk_size, 16) == 0)
			off = vhdx_le32(table + 32 + 32 * i + 16);
	free(table);
	if (r < 0)
		return r;
	if (off < VHDX_META_TABLE_SIZE || off > x->meta_length - 8)
		return vhd_error(-EINVAL, "cannot grow '%s': no virtual disk size item", l->path);
	first = off & ~(VHDX_LOG_SECTOR - 1);
	r = vhd_layer_pread(l, page, sizeof(page), x->meta_offset + first);
	if (r < 0)
		return r;
	vhdx_put_le64(page + (off - first), new_size);
	r = vhdx_log_stage(l, x->meta_offset + first, page);
	if (r == 0 && off - first + 8 > VHDX_LOG_SECTOR)
		r = vhdx_log_stage(l, x->meta_offset + first + VHDX_LOG_SECTOR, page + VHDX_LOG_SECTOR);
	return r;
}

/* Stage both region tables with the BAT region at OFF, LEN bytes. */
static int stage_regions(struct vhd_layer *l, uint64_t off, uint32_t len)
{
	uint8_t *t = malloc(VHDX_REGION_SIZE);
	int r = 0;

	if (!t)
		return vhd_error(-ENOMEM, "cannot grow '%s': out of memory", l->path);
	for (int k = 0; k < 2 && r == 0; k++) {
		uint64_t at = k ? VHDX_REGION2_OFF : VHDX_REGION1_OFF;
		uint32_t count;
		bool found = false;

		r = vhd_layer_pread(l, t, VHDX_REGION_SIZE, at);
		if (r < 0)
			break;
		count = vhdx_le32(t + 8);
		/* entries beyond the first page would need more pages staged */
		for (uint32_t i = 0; i < count && 16 + 32 * (i + 1) <= VHDX_LOG_SECTOR; i++) {
			uint8_t *e = t + 16 + 32 * i;

			if (memcmp(e, vhdx_guid_bat, 16) == 0) {
				vhdx_put_le64(e + 16, off);
				vhdx_put_le32(e + 24, len);
				found = true;
			}
		}
		if (!found) {
			r = vhd_error(-EINVAL, "cannot grow '%s': region table %d has no BAT entry in its first 4 KiB",
			              l->path, k + 1);
			break;
		}
		vhdx_seal(t, VHDX_REGION_SIZE);
		r = vhdx_log_stage(l, at, t);
	}
	free(t);
	return r;
}

int vhdx_grow(struct vhd_layer *l, uint64_t new_size)
{
	struct vhdx_layer *x = l->vhdx;
	uint32_t pb = (uint32_t)((new_size + x->block_size - 1) / x->block_size);
	uint64_t entries = pb + (pb - 1) / x->chunk_ratio, old = x->bat_entries;
	uint64_t need = entries * 8, bat_off = x->bat_offset, bat_len = x->bat_length;
	bool move = need > x->bat_length;
	uint8_t *raw = NULL;
	int r;

	if (x->has_parent)
		return vhd_error(-EINVAL, "cannot grow '%s': a differencing disk has the size of its parent",
		                 l->path);
	if (new_size % x->lsec)
		return vhd_error(-EINVAL, "cannot grow '%s': size %llu is not a multiple of its %u-byte sectors",
		                 l->path, (unsigned long long)new_size, x->lsec);
	if (new_size > VHDX_MAX_SIZE)
		return vhd_error(-EFBIG, "cannot grow '%s' to %llu bytes: larger than the VHDX limit of 64 TiB",
		                 l->path, (unsigned long long)new_size);
	pthread_mutex_lock(&l->alloc_lock);
	r = vhdx_begin_write(l, true);
	if (r == 0 && x->npages)
		r = vhdx_log_commit(l);
	if (r < 0)
		goto out;
	if (move) {
		bat_len = (uint32_t)vhd_round_up(need, VHDX_MIB);
		if (bat_len > UINT32_MAX - VHDX_MIB) {
			r = vhd_error(-EFBIG, "cannot grow '%s': its BAT would exceed 4 GiB", l->path);
			goto out;
		}
	}
	raw = calloc(1, move ? bat_len : need);
	if (!raw) {
		r = vhd_error(-ENOMEM, "cannot grow '%s': out of memory for its BAT", l->path);
		goto out;
	}
	memcpy(raw, x->bat_raw, old * 8);
	if (x->leave_allocated) {
		/* a fixed disk keeps every block allocated */
		for (uint32_t b = x->payload_blocks; b < pb; b++) {
			uint64_t where = x->file_end;

			if (fallocate(l->fd, 0, (off_t)where, x->block_size) < 0 &&
			    ftruncate(l->fd, (off_t)(where + x->block_size)) < 0) {
				r = vhd_error(-errno, "cannot grow '%s': %s", l->path, strerror(errno));
				goto out;
			}
			x->file_end += x->block_size;
			vhdx_put_le64(raw + 8 * vhdx_payload_index(x, b),
			              vhdx_bat_make(VHDX_PB_FULLY_PRESENT, where));
		}
	}
	if (move) {
		bat_off = x->file_end;
		if (ftruncate(l->fd, (off_t)(bat_off + bat_len)) < 0) {
			r = vhd_error(-errno, "cannot grow '%s': %s", l->path, strerror(errno));
			goto out;
		}
		x->file_end += bat_len;
		r = vhd_layer_pwrite(l, raw, bat_len, bat_off);
		if (r == 0)
			r = stage_regions(l, bat_off, (uint32_t)bat_len);
	} else if (need > old * 8) {
		/* no reader looks past the old entries before the size changes */
		r = vhd_layer_pwrite(l, raw + old * 8, need - old * 8, bat_off + old * 8);
	}
	if (r == 0)
		r = stage_size(l, new_size);
	if (r == 0)
		r = vhdx_log_commit(l);
out:
	free(raw);
	pthread_mutex_unlock(&l->alloc_lock);
	return r;
}
