/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* alloc.c: block allocation and sector bitmap updates in the top layer,
 * ordered so that a crash (SIGKILL, or power loss after a flush) at any
 * point leaves a valid image.
 *
 * A new block goes where the footer is, moved up so that its DATA starts
 * on a 4 KiB boundary (bitmap just before it, as Windows lays blocks out).
 * The order is:
 *   1. the footer at the new end of the file (the file grows; the old
 *      footer is still in place, now just unreferenced bytes);
 *   2. the bitmap (and zeros over the old footer), then the data;
 *   3. the BAT entry.
 * A crash after 1 or 2 leaves a valid image with some unreferenced space
 * before the footer; after 3 the block is complete.  The copy of the
 * footer at offset 0 never changes, so a torn end footer is repaired from
 * it at the next open (layer.c).  The BAT entry is written before the
 * write returns, so vhd_chain_flush() (fdatasync of the top) makes it all
 * durable.
 *
 * Dynamic disks get an all-ones bitmap for a new block: its unwritten
 * sectors are holes past the old end of file, i.e. zeros, which is exactly
 * what an unset bit would read as, and later writes to the block need no
 * bitmap update (the fast path in io.c).  Differencing disks get exactly
 * the bits of the sectors written (their other sectors come from the
 * parent); a partial sector first gets the rest of its bytes from below.
 *
 * Everything here runs under the top layer's alloc_lock; the BAT entry and
 * the bitmap pointer are published with release stores only once the data
 * they describe is written, so lock-free readers never see a half-made
 * block.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define DATA_ALIGN 4096u

/* Write user data for [in_block, in_block+len) of block data at DATA_OFF,
 * first completing partial sectors whose bit is unset (BM NULL: all unset)
 * with the bytes from the layers below. */
static int write_with_fill(vhd_chain *c, const uint8_t *bm, uint64_t data_off, uint64_t in_block,
                           const uint8_t *buf, size_t len, uint64_t off)
{
	struct vhd_layer *top = c->layers[0];
	uint64_t start = in_block, end = in_block + len;
	uint64_t s_first = in_block / VHD_SECTOR, s_last = (end - 1) / VHD_SECTOR;
	bool fill_head = (in_block % VHD_SECTOR) && (!bm || !vhd_bit_test(bm, (uint32_t)s_first));
	bool fill_tail = (end % VHD_SECTOR) && (!bm || !vhd_bit_test(bm, (uint32_t)s_last));
	uint8_t *tmp;
	int r;

	if (s_first == s_last)
		fill_head = fill_tail = fill_head || fill_tail; /* one sector, one bit */
	if (!fill_head && !fill_tail)
		return vhd_layer_pwrite(top, buf, len, data_off + in_block);
	if (fill_head)
		start = s_first * VHD_SECTOR;
	if (fill_tail)
		end = (s_last + 1) * VHD_SECTOR;
	tmp = malloc(end - start);
	if (!tmp)
		return vhd_error(-ENOMEM, "cannot write to '%s': out of memory", top->path);
	if (fill_head) {
		r = vhd_chain_read_from(c, 1, tmp, VHD_SECTOR, off - (in_block - start));
		if (r < 0)
			goto out;
	}
	if (fill_tail && !(fill_head && s_first == s_last)) {
		r = vhd_chain_read_from(c, 1, tmp + (s_last * VHD_SECTOR - start), VHD_SECTOR,
		                        off - in_block + s_last * VHD_SECTOR);
		if (r < 0)
			goto out;
	}
	memcpy(tmp + (in_block - start), buf, len);
	r = vhd_layer_pwrite(top, tmp, end - start, data_off + start);
out:
	free(tmp);
	return r;
}

static int allocate(vhd_chain *c, uint32_t b, const uint8_t *buf, size_t len, uint64_t off)
{
	struct vhd_layer *top = c->layers[0];
	uint64_t in_block = off & (top->block_size - 1);
	uint64_t p = top->footer_offset;
	uint64_t bm_off = vhd_round_up(p + top->bitmap_size, DATA_ALIGN) - top->bitmap_size;
	uint64_t data_off = bm_off + top->bitmap_size;
	uint64_t new_end = data_off + top->block_size;
	bool dynamic = top->footer.type == VHD_TYPE_DYNAMIC;
	uint32_t s0 = (uint32_t)(in_block / VHD_SECTOR);
	uint32_t s1 = (uint32_t)((in_block + len + VHD_SECTOR - 1) / VHD_SECTOR);
	uint8_t *meta, *cached = NULL, be[4];
	size_t gap = (size_t)(bm_off - p);
	int r;

	if (bm_off / VHD_SECTOR >= VHD_BAT_UNUSED)
		return vhd_error(-EFBIG, "cannot allocate a block in '%s': the file would pass 2 TiB",
		                 top->path);
	meta = calloc(1, gap + top->bitmap_size);
	if (!meta)
		return vhd_error(-ENOMEM, "cannot allocate a block in '%s': out of memory", top->path);
	if (dynamic) {
		memset(meta + gap, 0xff, top->bitmap_size);
	} else {
		vhd_bits_set(meta + gap, s0, s1 - s0);
		cached = malloc(top->bitmap_size);
		if (!cached) {
			r = vhd_error(-ENOMEM, "cannot allocate a block in '%s': out of memory", top->path);
			goto out;
		}
		memcpy(cached, meta + gap, top->bitmap_size);
	}
	r = vhd_layer_write_footer(top, new_end);
	if (r < 0)
		goto out;
	r = vhd_layer_pwrite(top, meta, gap + top->bitmap_size, p);
	if (r < 0)
		goto out;
	if (dynamic)
		r = vhd_layer_pwrite(top, buf, len, data_off + in_block);
	else
		r = write_with_fill(c, NULL, data_off, in_block, buf, len, off);
	if (r < 0)
		goto out;
	vhd_put_be32(be, (uint32_t)(bm_off / VHD_SECTOR));
	r = vhd_layer_pwrite(top, be, 4, top->header.table_offset + 4ull * b);
	if (r < 0)
		goto out;
	top->footer_offset = new_end;
	/* a block dropped by discard may have left its old bitmap here */
	if (top->bitmaps[b] && top->bitmaps[b] != vhd_bitmap_full)
		free((void *)top->bitmaps[b]);
	__atomic_store_n(&top->bitmaps[b], dynamic ? vhd_bitmap_full : cached, __ATOMIC_RELEASE);
	cached = NULL;
	__atomic_store_n(&top->bat[b], (uint32_t)(bm_off / VHD_SECTOR), __ATOMIC_RELEASE);
out:
	/* On failure the file may have grown: the footer at the new end is
	 * valid, so the space is merely unreferenced; follow it.  (A plain
	 * read: its own failure must not replace the caller's message.) */
	if (r < 0 && top->footer_offset < new_end) {
		uint8_t probe[VHD_FOOTER_SIZE];

		if (vhd_sys_pread(top->fd, probe, VHD_FOOTER_SIZE, (off_t)new_end) == VHD_FOOTER_SIZE &&
		    memcmp(probe, top->footer_raw, VHD_FOOTER_SIZE) == 0)
			top->footer_offset = new_end;
	}
	free(meta);
	free(cached);
	return r;
}

/* Set bits [s0, s1) of allocated block B (lock held), on disk then in memory. */
static int set_bits(struct vhd_layer *top, uint32_t b, const uint8_t *bm, uint32_t s0, uint32_t s1,
                    bool set)
{
	uint64_t bm_off = (uint64_t)top->bat[b] * VHD_SECTOR;
	uint32_t first_sec = (s0 / 8) / VHD_SECTOR, last_sec = ((s1 - 1) / 8) / VHD_SECTOR;
	size_t n = (size_t)(last_sec - first_sec + 1) * VHD_SECTOR;
	uint8_t *copy;
	int r;

	copy = malloc(top->bitmap_size);
	if (!copy)
		return vhd_error(-ENOMEM, "cannot update a bitmap of '%s': out of memory", top->path);
	memcpy(copy, bm, top->bitmap_size);
	if (set)
		vhd_bits_set(copy, s0, s1 - s0);
	else
		vhd_bits_clear(copy, s0, s1 - s0);
	r = vhd_layer_pwrite(top, copy + (size_t)first_sec * VHD_SECTOR, n,
	                     bm_off + (uint64_t)first_sec * VHD_SECTOR);
	if (r < 0) {
		free(copy);
		return r;
	}
	if (bm == vhd_bitmap_full) {
		/* the shared all-ones bitmap is never written: publish a copy */
		__atomic_store_n(&top->bitmaps[b], copy, __ATOMIC_RELEASE);
	} else {
		/* Update the cache in place, each byte atomically, so that
		 * concurrent readers see every byte either before or after. */
		uint8_t *cache = (uint8_t *)bm;

		for (uint32_t i = s0 / 8; i <= (s1 - 1) / 8; i++)
			__atomic_store_n(&cache[i], copy[i], __ATOMIC_RELEASE);
		free(copy);
	}
	return 0;
}

int vhd_alloc_write(vhd_chain *c, uint32_t b, const uint8_t *buf, size_t len, uint64_t off)
{
	struct vhd_layer *top = c->layers[0];
	uint64_t in_block = off & (top->block_size - 1);
	uint32_t s0 = (uint32_t)(in_block / VHD_SECTOR);
	uint32_t s1 = (uint32_t)((in_block + len + VHD_SECTOR - 1) / VHD_SECTOR);
	const uint8_t *bm;
	uint32_t e;
	bool set;
	int r;

	pthread_mutex_lock(&top->alloc_lock);
	e = top->bat[b];
	if (e == VHD_BAT_UNUSED) {
		r = allocate(c, b, buf, len, off);
		goto out;
	}
	r = vhd_layer_bitmap(top, b, &bm);
	if (r < 0)
		goto out;
	if (vhd_bit_run(bm, s0, s1 - s0, &set) == s1 - s0 && set) {
		/* Another writer allocated the block (or set these bits) while
		 * this one waited for the lock: now it is a plain overwrite, as
		 * on io.c's fast path, so the lock is not held for the data (the
		 * other writes queued behind a new block proceed in parallel). */
		pthread_mutex_unlock(&top->alloc_lock);
		return vhd_layer_pwrite(top, buf, len, (uint64_t)e * VHD_SECTOR + top->bitmap_size + in_block);
	}
	r = write_with_fill(c, bm, (uint64_t)e * VHD_SECTOR + top->bitmap_size, in_block, buf, len, off);
	if (r < 0)
		goto out;
	r = set_bits(top, b, bm, s0, s1, true);
out:
	pthread_mutex_unlock(&top->alloc_lock);
	return r;
}

int vhd_alloc_clear_bits(vhd_chain *c, uint32_t b, uint32_t first, uint32_t count)
{
	struct vhd_layer *top = c->layers[0];
	const uint8_t *bm;
	bool set;
	int r = 0;

	pthread_mutex_lock(&top->alloc_lock);
	if (top->bat[b] == VHD_BAT_UNUSED)
		goto out;
	r = vhd_layer_bitmap(top, b, &bm);
	if (r < 0)
		goto out;
	if (!(vhd_bit_run(bm, first, count, &set) == count && !set))
		r = set_bits(top, b, bm, first, first + count, false);
out:
	pthread_mutex_unlock(&top->alloc_lock);
	return r;
}

int vhd_alloc_drop_block(vhd_chain *c, uint32_t b)
{
	struct vhd_layer *top = c->layers[0];
	uint8_t be[4];
	uint32_t e;
	int r = 0;

	pthread_mutex_lock(&top->alloc_lock);
	e = top->bat[b];
	if (e == VHD_BAT_UNUSED)
		goto out;
	/* The BAT entry first: a crash after it leaves only a leaked block. */
	vhd_put_be32(be, VHD_BAT_UNUSED);
	r = vhd_layer_pwrite(top, be, 4, top->header.table_offset + 4ull * b);
	if (r < 0)
		goto out;
	__atomic_store_n(&top->bat[b], VHD_BAT_UNUSED, __ATOMIC_RELEASE);
	/* The old bitmap stays cached (readers may hold it) until the block
	 * is allocated again or the layer closed. */
	if (fallocate(top->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	              (off_t)e * VHD_SECTOR, (off_t)(top->bitmap_size + top->block_size)) < 0) {
		/* no hole punching here: the space simply stays used */
	}
out:
	pthread_mutex_unlock(&top->alloc_lock);
	return r;
}
