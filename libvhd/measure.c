/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* measure.c: vhd_measure(), how large a file vhd_create() and later writes
 * make, so a caller can check for space before a create or a convert (what
 * qemu-img measure answers for other formats; its vpc driver cannot).
 *
 * The figures are exact, not estimates: they follow the layout create.c
 * writes (footer copy, header, BAT, footer) and the placement alloc.c uses
 * for each new block (bitmap just before data aligned to 4 KiB, so every
 * block after the first costs the bitmap rounded up to 4 KiB plus the
 * block).  The price is that a change of that placement must change this
 * file too; tests/vhdtool/test-vhdtool-measure.sh compares the figures with
 * real files and fails when the two drift apart.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "internal.h"

#define DATA_ALIGN 4096u            /* as alloc.c */
#define DEFAULT_BLOCK (2u << 20)    /* as create.c */

int vhd_measure(const struct vhd_create_opts *opts, uint64_t allocated, struct vhd_measure *out)
{
	uint64_t size = opts->size, block, entries, meta, bitmap, first, next;

	vhd_clear_error();
	memset(out, 0, sizeof(*out));
	if (size == 0 || size % VHD_SECTOR)
		return vhd_error(-EINVAL, "cannot measure: size %llu is not a positive multiple of 512",
		                 (unsigned long long)size);
	if (size > VHD_MAX_CREATE_SIZE)
		return vhd_error(-EFBIG, "cannot measure: size %llu is larger than the VHD limit of 2040 GiB",
		                 (unsigned long long)size);
	if (opts->type == VHD_TYPE_FIXED) {
		out->required = out->fully_allocated = size + VHD_FOOTER_SIZE;
		return 0;
	}
	if (opts->type != VHD_TYPE_DYNAMIC)
		return vhd_error(-EINVAL, "cannot measure: only fixed and dynamic disks have a size of their own");
	block = opts->block_size ? opts->block_size : DEFAULT_BLOCK;
	if (!vhd_is_pow2(block) || block < 4096 || block > VHD_MAX_BLOCK_SIZE)
		return vhd_error(-EINVAL, "cannot measure: block size %llu is not a power of two from 4 KiB to 256 MiB",
		                 (unsigned long long)block);
	entries = (size + block - 1) / block;
	if (allocated > entries)
		return vhd_error(-EINVAL, "cannot measure: %llu blocks allocated of %llu",
		                 (unsigned long long)allocated, (unsigned long long)entries);
	/* footer copy + header, then the BAT; the footer ends the file */
	meta = 3 * VHD_SECTOR + vhd_round_up(entries * 4, VHD_SECTOR);
	bitmap = vhd_bitmap_size((uint32_t)block);
	/* the first block's data starts at the first 4 KiB boundary past
	 * the metadata and its bitmap; each later one a rounded bitmap on */
	first = vhd_round_up(meta + bitmap, DATA_ALIGN) + block;
	next = vhd_round_up(bitmap, DATA_ALIGN) + block;
	out->required = allocated ? first + (allocated - 1) * next : meta;
	out->fully_allocated = first + (entries - 1) * next;
	out->required += VHD_FOOTER_SIZE;
	out->fully_allocated += VHD_FOOTER_SIZE;
	return 0;
}
