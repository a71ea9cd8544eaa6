/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_alloc.c: writes, discard, flush and close of a VHDX top layer.
 *
 * Payload data never goes through the log: writes to present blocks go
 * straight to pwrite (lock-free, like VHD), and a new block is placed at
 * the 1 MiB-aligned end of the file, its data written there before its BAT
 * entry changes.  Only metadata (BAT pages, sector bitmap pages) is staged
 * for the log (vhdx_log.c); readers see the new entry at once through the
 * in-memory BAT, and vhd_chain_flush() makes both durable with one log
 * entry and one sync.  A crash before a flush loses unflushed new blocks
 * (their space stays unreferenced) and never leaves a BAT entry pointing
 * at unwritten data.
 *
 * The first change of a session rewrites the header first (new
 * FileWriteGuid, DataWriteGuid and LogGuid, synced): children made from
 * the old contents then no longer match (parent_linkage), and entries left
 * in the log by an earlier session are ignored.  A clean close settles the
 * log and writes a header with LogGuid zero.
 *
 * Dynamic disks: a new block is FULLY_PRESENT (its unwritten sectors are
 * holes, i.e. zeros, which is what every non-present state reads as).
 * Differencing disks: a block written whole is FULLY_PRESENT; otherwise it
 * is PARTIALLY_PRESENT with exactly the written sectors' bits set (a
 * partial logical sector is first completed from the parent), and it turns
 * FULLY_PRESENT once every bit is set, so later writes take the fast path.
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

/* Pages staged before a write that may stage at most this many more
 * forces a log commit first, so one entry always fits the log. */
#define STAGE_SLACK 24

int vhdx_begin_write(struct vhd_layer *l, bool data)
{
	struct vhdx_layer *x = l->vhdx;
	struct vhdx_header h;
	int r;

	if (x->writing)
		return 0;
	h = x->hdr;
	r = vhdx_guid_generate(h.file_write_guid);
	if (r == 0 && data)
		r = vhdx_guid_generate(h.data_write_guid);
	if (r == 0)
		r = vhdx_guid_generate(h.log_guid);
	if (r < 0)
		return vhd_error(r, "cannot write to '%s': no random GUID", l->path);
	r = vhdx_header_update(l, &h);
	if (r < 0)
		return r;
	memcpy(l->footer.uuid, h.data_write_guid, 16);
	x->log_head = 0;
	x->log_unsettled = false;
	__atomic_store_n(&x->writing, true, __ATOMIC_RELEASE);
	return 0;
}

static int make_room(struct vhd_layer *l)
{
	struct vhdx_layer *x = l->vhdx;
	int budget = (int)(x->hdr.log_length / VHDX_LOG_SECTOR / 2);

	if (x->npages + STAGE_SLACK > budget)
		return vhdx_log_commit(l);
	return 0;
}

/* Change BAT entry I to E (in the raw copy and the staged page); the
 * caller publishes x->bat[i] when the data it describes is in place. */
static int stage_bat(struct vhd_layer *l, uint64_t i, uint64_t e)
{
	struct vhdx_layer *x = l->vhdx;
	uint64_t page = (8 * i) & ~(uint64_t)(VHDX_LOG_SECTOR - 1);

	vhdx_put_le64(x->bat_raw + 8 * i, e);
	return vhdx_log_stage(l, x->bat_offset + page, x->bat_raw + page);
}

/* Grow the file by LEN bytes at its end; returns where they start. */
static int grab(struct vhd_layer *l, uint64_t len, uint64_t *where)
{
	struct vhdx_layer *x = l->vhdx;

	if (ftruncate(l->fd, (off_t)(x->file_end + len)) < 0)
		return vhd_error(-errno, "cannot grow '%s': %s", l->path, strerror(errno));
	*where = x->file_end;
	x->file_end += len;
	return 0;
}

/* Set or clear bits [first, first+count) of chunk K's sector bitmap (which
 * must be present and cached) and stage the pages they live in. */
static int change_bits(struct vhd_layer *l, uint32_t k, uint64_t first, uint64_t count, bool set)
{
	struct vhdx_layer *x = l->vhdx;
	uint8_t *bm = x->sbm[k];
	uint64_t sbm_off = vhdx_bat_offset(x->bat[vhdx_sbm_index(x, k)]);
	uint64_t p0 = first / 8 / VHDX_LOG_SECTOR, p1 = (first + count - 1) / 8 / VHDX_LOG_SECTOR;

	for (uint64_t i = first; i < first + count; i++) {
		if (set)
			__atomic_fetch_or(&bm[i >> 3], (uint8_t)(1u << (i & 7)), __ATOMIC_RELEASE);
		else
			__atomic_fetch_and(&bm[i >> 3], (uint8_t)~(1u << (i & 7)), __ATOMIC_RELEASE);
	}
	for (uint64_t p = p0; p <= p1; p++) {
		int r = vhdx_log_stage(l, sbm_off + p * VHDX_LOG_SECTOR, bm + p * VHDX_LOG_SECTOR);

		if (r < 0)
			return r;
	}
	return 0;
}

/* Make chunk K's sector bitmap present on disk and cached (zeros). */
static int ensure_sbm(struct vhd_layer *l, uint32_t k)
{
	struct vhdx_layer *x = l->vhdx;
	uint64_t si = vhdx_sbm_index(x, k), where;
	const uint8_t *bm;
	uint8_t *fresh;
	int r;

	if (vhdx_bat_state(x->bat[si]) == VHDX_SB_PRESENT)
		return vhdx_layer_sbm(l, k, &bm);
	/* the file gets the whole 1 MiB block (zeros: grab() extends the
	 * file); memory only the bytes of the disk's bits */
	fresh = calloc(1, vhdx_sbm_used(x, k));
	if (!fresh)
		return vhd_error(-ENOMEM, "cannot write to '%s': out of memory", l->path);
	r = grab(l, VHDX_SBM_BLOCK, &where);
	if (r == 0)
		r = stage_bat(l, si, vhdx_bat_make(VHDX_SB_PRESENT, where));
	if (r < 0) {
		free(fresh);
		return r;
	}
	free(x->sbm[k]);
	__atomic_store_n(&x->sbm[k], fresh, __ATOMIC_RELEASE);
	__atomic_store_n(&x->bat[si], vhdx_bat_make(VHDX_SB_PRESENT, where), __ATOMIC_RELEASE);
	return 0;
}

static bool sbm_bit(const uint8_t *bm, uint64_t i)
{
	return (__atomic_load_n(&bm[i >> 3], __ATOMIC_ACQUIRE) >> (i & 7)) & 1;
}

/* Write BUF at IN_BLOCK of the block data at DATA_OFF, first completing
 * partial logical sectors whose bit is unset (BM NULL: all unset) with the
 * parent's bytes.  BIT0 is the bit of the block's first sector in BM. */
static int write_fill(vhd_chain *c, const uint8_t *bm, uint64_t bit0, uint64_t data_off,
                      uint64_t in_block, const uint8_t *buf, size_t len, uint64_t off)
{
	struct vhd_layer *top = c->layers[0];
	uint32_t ls = top->vhdx->lsec;
	uint64_t start = in_block / ls * ls, end = vhd_round_up(in_block + len, ls);
	bool head = in_block % ls, tail = (in_block + len) % ls;
	uint8_t *tmp;
	int r = 0;

	if (bm && head && sbm_bit(bm, bit0 + in_block / ls))
		head = false;
	if (bm && tail && sbm_bit(bm, bit0 + (in_block + len) / ls))
		tail = false;
	if (!head && !tail)
		return vhd_layer_pwrite(top, buf, len, data_off + in_block);
	/* only the sectors being completed widen the write */
	if (!head)
		start = in_block;
	if (!tail)
		end = in_block + len;
	tmp = malloc(end - start);
	if (!tmp)
		return vhd_error(-ENOMEM, "cannot write to '%s': out of memory", top->path);
	if (head)
		r = vhd_chain_read_from(c, 1, tmp, ls, off - (in_block - start));
	if (r == 0 && tail && !(head && end - start == ls))
		r = vhd_chain_read_from(c, 1, tmp + (end - start - ls), ls, off - in_block + end - ls);
	if (r == 0) {
		memcpy(tmp + (in_block - start), buf, len);
		r = vhd_layer_pwrite(top, tmp, end - start, data_off + start);
	}
	free(tmp);
	return r;
}

/* Bytes of payload block B that lie inside the disk. */
static uint64_t block_bytes(const struct vhd_layer *l, uint32_t b)
{
	uint64_t start = (uint64_t)b << l->vhdx->block_shift;

	return l->size - start < l->vhdx->block_size ? l->size - start : l->vhdx->block_size;
}

int vhdx_alloc_write(vhd_chain *c, uint32_t b, const uint8_t *buf, size_t len, uint64_t off)
{
	struct vhd_layer *top = c->layers[0];
	struct vhdx_layer *x = top->vhdx;
	uint64_t pi = vhdx_payload_index(x, b), e, where;
	uint64_t in_block = off & (x->block_size - 1);
	uint32_t k = b / x->chunk_ratio;
	uint64_t bit0 = ((uint64_t)(b % x->chunk_ratio) << x->block_shift) / x->lsec;
	uint64_t s0 = in_block / x->lsec, s1 = (in_block + len + x->lsec - 1) / x->lsec;
	uint64_t nbits = (block_bytes(top, b) + x->lsec - 1) / x->lsec;
	unsigned st;
	bool set;
	int r;

	pthread_mutex_lock(&top->alloc_lock);
	r = vhdx_begin_write(top, true);
	if (r == 0)
		r = make_room(top);
	if (r < 0)
		goto out;
	e = x->bat[pi];
	st = vhdx_bat_state(e);
	if (st == VHDX_PB_FULLY_PRESENT) {
		r = vhd_layer_pwrite(top, buf, len, vhdx_bat_offset(e) + in_block);
		goto out;
	}
	if (st == VHDX_PB_PARTIALLY_PRESENT) {
		const uint8_t *bm;

		r = vhdx_layer_sbm(top, k, &bm);
		if (r == 0)
			r = ensure_sbm(top, k);
		if (r == 0)
			r = write_fill(c, x->sbm[k], bit0, vhdx_bat_offset(e), in_block, buf, len, off);
		if (r == 0 && !(vhdx_bit_run(x->sbm[k], bit0 + s0, (uint32_t)(s1 - s0), &set) == s1 - s0 && set))
			r = change_bits(top, k, bit0 + s0, s1 - s0, true);
		if (r == 0 && vhdx_bit_run(x->sbm[k], bit0, (uint32_t)nbits, &set) == nbits && set) {
			e = vhdx_bat_make(VHDX_PB_FULLY_PRESENT, vhdx_bat_offset(e));
			r = stage_bat(top, pi, e);
			if (r == 0)
				__atomic_store_n(&x->bat[pi], e, __ATOMIC_RELEASE);
		}
		goto out;
	}
	/* a new block */
	r = grab(top, x->block_size, &where);
	if (r < 0)
		goto out;

	if (!x->has_parent || st == VHDX_PB_ZERO || (in_block == 0 && len >= block_bytes(top, b))) {
		r = vhd_layer_pwrite(top, buf, len, where + in_block);
		/* A differencing disk's full block gets its bits too: readers
		 * such as libvhdi consult the bitmap whatever the state. */
		if (r == 0 && x->has_parent)
			r = ensure_sbm(top, k);
		if (r == 0 && x->has_parent)
			r = change_bits(top, k, bit0, nbits, true);
		if (r == 0)
			e = vhdx_bat_make(VHDX_PB_FULLY_PRESENT, where);
	} else {
		r = ensure_sbm(top, k);
		if (r == 0)
			r = write_fill(c, NULL, bit0, where, in_block, buf, len, off);
		if (r == 0)
			r = change_bits(top, k, bit0 + s0, s1 - s0, true);
		if (r == 0)
			e = vhdx_bat_make(VHDX_PB_PARTIALLY_PRESENT, where);
	}
	if (r == 0)
		r = stage_bat(top, pi, e);
	if (r == 0)
		__atomic_store_n(&x->bat[pi], e, __ATOMIC_RELEASE);
out:
	pthread_mutex_unlock(&top->alloc_lock);
	return r;
}

int vhdx_write_placed(struct vhd_layer *top, uint32_t b, uint64_t in_block, size_t n, uint64_t *fo)
{
	struct vhdx_layer *x = top->vhdx;
	uint64_t e = __atomic_load_n(&x->bat[vhdx_payload_index(x, b)], __ATOMIC_ACQUIRE);

	(void)n;
	/* before the session's first write the headers need new GUIDs */
	if (!__atomic_load_n(&x->writing, __ATOMIC_ACQUIRE) || vhdx_bat_state(e) != VHDX_PB_FULLY_PRESENT)
		return 0;
	*fo = vhdx_bat_offset(e) + in_block;
	return 1;
}

static int punch(struct vhd_layer *l, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[65536];

	if (fallocate(l->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		int r = vhd_layer_pwrite(l, zeros, n, off);

		if (r < 0)
			return r;
		off += n;
		len -= n;
	}
	return 0;
}

/* Drop block B of a dynamic or differencing top back to NOT_PRESENT. */
static int drop_block(struct vhd_layer *l, uint32_t b)
{
	struct vhdx_layer *x = l->vhdx;
	uint64_t pi = vhdx_payload_index(x, b), e;
	uint32_t k = b / x->chunk_ratio;
	int r;

	pthread_mutex_lock(&l->alloc_lock);
	r = vhdx_begin_write(l, true);
	if (r == 0)
		r = make_room(l);
	if (r < 0)
		goto out;
	e = x->bat[pi];
	if (vhdx_bat_state(e) == VHDX_PB_NOT_PRESENT)
		goto out;
	r = stage_bat(l, pi, vhdx_bat_make(VHDX_PB_NOT_PRESENT, 0));
	if (r < 0)
		goto out;
	__atomic_store_n(&x->bat[pi], vhdx_bat_make(VHDX_PB_NOT_PRESENT, 0), __ATOMIC_RELEASE);
	if (x->has_parent && vhdx_bat_state(x->bat[vhdx_sbm_index(x, k)]) == VHDX_SB_PRESENT) {
		/* stale bits would resurface if the block became partial again */
		uint64_t bit0 = ((uint64_t)(b % x->chunk_ratio) << x->block_shift) / x->lsec;
		uint64_t nbits = (block_bytes(l, b) + x->lsec - 1) / x->lsec;
		const uint8_t *bm;

		r = vhdx_layer_sbm(l, k, &bm);
		if (r == 0)
			r = change_bits(l, k, bit0, nbits, false);
	}
	/* Dynamic: the old data may be punched now (old and new state both
	 * read zeros).  Differencing: it stays until the space is reused,
	 * since a crash before the next flush brings the old entry back. */
	if (r == 0 && !x->has_parent &&
	    (vhdx_bat_state(e) == VHDX_PB_FULLY_PRESENT || vhdx_bat_state(e) == VHDX_PB_PARTIALLY_PRESENT))
		r = punch(l, vhdx_bat_offset(e), x->block_size);
out:
	pthread_mutex_unlock(&l->alloc_lock);
	return r;
}

int vhdx_chain_discard(vhd_chain *c, uint64_t off, uint64_t len)
{
	struct vhd_layer *top = c->layers[0];
	struct vhdx_layer *x = top->vhdx;
	uint8_t *tmp = NULL;
	int r = 0;

	while (len > 0 && r == 0) {
		uint32_t b = (uint32_t)(off >> x->block_shift);
		uint64_t in_block = off & (x->block_size - 1);
		uint64_t n = len < x->block_size - in_block ? len : x->block_size - in_block;
		uint64_t e = __atomic_load_n(&x->bat[vhdx_payload_index(x, b)], __ATOMIC_ACQUIRE);
		unsigned st = vhdx_bat_state(e);

		if (top->footer.type == VHD_TYPE_FIXED) {
			if (st == VHDX_PB_FULLY_PRESENT)
				r = punch(top, vhdx_bat_offset(e) + in_block, n);
		} else if (in_block == 0 && n >= block_bytes(top, b)) {
			r = drop_block(top, b);
		} else if (!x->has_parent) {
			if (st == VHDX_PB_FULLY_PRESENT)
				r = punch(top, vhdx_bat_offset(e) + in_block, n);
		} else if (st == VHDX_PB_FULLY_PRESENT || st == VHDX_PB_PARTIALLY_PRESENT ||
		           st == VHDX_PB_ZERO) {
			/* part of a differencing block: give it the parent's bytes */
			for (uint64_t done = 0; done < n && r == 0;) {
				size_t step = n - done < VHDX_MIB ? (size_t)(n - done) : (size_t)VHDX_MIB;

				/* sized for this discard, at most 1 MiB: an 8 KiB
				 * discard has no use for a megabyte */
				if (!tmp && !(tmp = malloc(len < VHDX_MIB ? (size_t)len : VHDX_MIB))) {
					r = vhd_error(-ENOMEM, "cannot discard in '%s': out of memory", top->path);
					break;
				}
				r = vhd_chain_read_from(c, 1, tmp, step, off + done);
				if (r == 0)
					r = vhd_chain_pwrite(c, tmp, step, off + done);
				done += step;
			}
		}
		off += n;
		len -= n;
	}
	free(tmp);
	return r;
}

int vhdx_flush(struct vhd_layer *l)
{
	int r = 0;

	pthread_mutex_lock(&l->alloc_lock);
	if (l->vhdx->npages)
		r = vhdx_log_commit(l);
	else if (vhd_sys_fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot flush '%s': %s", l->path, strerror(errno));
	pthread_mutex_unlock(&l->alloc_lock);
	return r;
}

int vhdx_close_clean(struct vhd_layer *l)
{
	struct vhdx_layer *x = l->vhdx;
	struct vhdx_header h;
	int r;

	if (!x->writing)
		return 0;
	r = vhdx_log_commit(l);
	if (r < 0)
		return r;
	if (vhd_sys_fdatasync(l->fd) < 0)
		return vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	h = x->hdr;
	memset(h.log_guid, 0, 16);
	r = vhdx_header_update(l, &h);
	if (r == 0)
		x->writing = false;
	return r;
}
