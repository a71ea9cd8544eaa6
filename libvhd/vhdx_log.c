/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_log.c: the VHDX metadata log ([MS-VHDX] 2.3): finding and replaying
 * the active sequence at open, and writing metadata changes through it.
 *
 * Writing: every metadata change (BAT pages, sector bitmap pages) is staged
 * as a dirty 4 KiB page in memory; readers already see the change through
 * the in-memory BAT and bitmaps.  vhdx_log_commit() writes all staged pages
 * as ONE log entry, syncs (which also makes the payload data written before
 * it durable), then writes the pages in place without syncing.  So a burst
 * of first writes into new blocks costs one log entry and one sync at the
 * next flush, not one per block (qemu logs and flushes per block).
 *
 * Entries are appended after the previous one; the new entry's Tail points
 * at the first entry whose in-place writes may not be on disk yet, so a
 * replay redoes all of them.  An entry never wraps around the end of the
 * log: when it would not fit, the file is synced first (settling every
 * in-place write) and the entry goes to offset 0 with a Tail of 0.  A new
 * LogGuid per writing session hides older entries.  A torn entry fails its
 * checksum and ends the sequence before it: it was never acknowledged.
 *
 * Reading accepts any valid layout, including entries that wrap.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "vhdx_internal.h"

/* The log is scanned LOG_WINDOW bytes at a time for sectors that start a
 * plausible entry header, and only those entries are read whole: an open
 * of an image with a dirty log read (and allocated) the whole log, 1 MiB
 * or more, where the entries are a few KiB. */
#define LOG_WINDOW (64u << 10)

/* Read the LEN bytes (at most the log's length) of the circular log that
 * start at O into BUF, contiguous even when they wrap. */
static int log_read(struct vhd_layer *l, uint32_t o, uint32_t len, uint8_t *buf)
{
	const struct vhdx_layer *x = l->vhdx;
	uint32_t first = len < x->hdr.log_length - o ? len : x->hdr.log_length - o;
	int r = vhd_layer_pread(l, buf, first, x->hdr.log_offset + o);

	if (r == 0 && len > first)
		r = vhd_layer_pread(l, buf + first, len - first, x->hdr.log_offset);
	return r;
}

/* Make *BUF (of *CAP bytes) hold at least LEN. */
static int entry_room(struct vhd_layer *l, uint8_t **buf, uint32_t *cap, uint32_t len)
{
	uint8_t *p;

	if (len <= *cap)
		return 0;
	p = realloc(*buf, len);
	if (!p)
		return vhd_error(-ENOMEM, "'%s': out of memory for the VHDX log", l->path);
	*buf = p;
	*cap = len;
	return 0;
}

static uint32_t header_sectors(uint32_t ndesc)
{
	return (uint32_t)((VHDX_LOG_HDR + (uint64_t)VHDX_LOG_DESC * ndesc + VHDX_LOG_SECTOR - 1) /
	                  VHDX_LOG_SECTOR);
}

/* Does the sector at P start a plausible entry header (signature, guid,
 * lengths)?  E is filled from it. */
static bool entry_header_ok(const struct vhdx_layer *x, const uint8_t *p, uint32_t loglen,
                            struct vhdx_log_entry *e)
{
	if (memcmp(p, "loge", 4) != 0)
		return false;
	vhdx_log_entry_decode(p, e);
	if (e->entry_length < VHDX_LOG_SECTOR || e->entry_length % VHDX_LOG_SECTOR ||
	    e->entry_length > loglen || e->tail % VHDX_LOG_SECTOR || e->tail >= loglen || e->seq == 0 ||
	    memcmp(e->log_guid, x->hdr.log_guid, 16) != 0 ||
	    e->desc_count > (loglen / VHDX_LOG_DESC))
		return false;
	return (uint64_t)header_sectors(e->desc_count) * VHDX_LOG_SECTOR <= e->entry_length;
}

/* Is the whole entry at P, whose header passed, valid (checksum,
 * descriptors, data sectors)? */
static bool entry_body_ok(const uint8_t *p, const struct vhdx_log_entry *e)
{
	uint32_t hs = header_sectors(e->desc_count), ndata = 0;

	if (!vhdx_sealed_ok(p, e->entry_length))
		return false;
	for (uint32_t i = 0; i < e->desc_count; i++) {
		const uint8_t *d = p + VHDX_LOG_HDR + VHDX_LOG_DESC * i;

		if (vhdx_le64(d + 24) != e->seq || vhdx_le64(d + 16) % VHDX_LOG_SECTOR)
			return false;
		if (memcmp(d, "zero", 4) == 0) {
			if (vhdx_le64(d + 8) % VHDX_LOG_SECTOR)
				return false;
		} else if (memcmp(d, "desc", 4) == 0) {
			const uint8_t *s = p + (uint64_t)(hs + ndata) * VHDX_LOG_SECTOR;

			if ((uint64_t)(hs + ndata + 1) * VHDX_LOG_SECTOR > e->entry_length ||
			    memcmp(s, "data", 4) != 0 || vhdx_le32(s + 4) != (uint32_t)(e->seq >> 32) ||
			    vhdx_le32(s + 4092) != (uint32_t)e->seq)
				return false;
			ndata++;
		} else {
			return false;
		}
	}
	return true;
}

/* Read the entry E at sector K again into *BUF (the scan kept only its
 * header) and check it is still the entry that was validated: an entry
 * applied before it may have written over the log, and only what was
 * validated is applied (the scan's copy is gone). */
static int entry_reread(struct vhd_layer *l, uint32_t k, const struct vhdx_log_entry *e, uint8_t **buf,
                        uint32_t *cap)
{
	const struct vhdx_layer *x = l->vhdx;
	struct vhdx_log_entry now;
	int r = entry_room(l, buf, cap, e->entry_length);

	if (r == 0)
		r = log_read(l, k * VHDX_LOG_SECTOR, e->entry_length, *buf);
	if (r < 0)
		return r;
	if (!entry_header_ok(x, *buf, x->hdr.log_length, &now) || now.seq != e->seq ||
	    now.entry_length != e->entry_length || now.desc_count != e->desc_count ||
	    !entry_body_ok(*buf, e))
		return vhd_error(-EINVAL, "'%s': VHDX log entry %llu changed during the replay (an entry before it wrote over the log)",
		                 l->path, (unsigned long long)e->seq);
	return 0;
}

/* Apply entry E (at P) to the file, or to the staged pages when IN_MEMORY
 * (a read-only open, see vhdx_log_replay). */
static int apply_entry(struct vhd_layer *l, const uint8_t *p, const struct vhdx_log_entry *e,
                       bool in_memory)
{
	static const uint8_t zeros[VHDX_LOG_SECTOR];
	uint32_t hs = header_sectors(e->desc_count), ndata = 0;
	uint8_t sector[VHDX_LOG_SECTOR];
	int r;

	for (uint32_t i = 0; i < e->desc_count; i++) {
		const uint8_t *d = p + VHDX_LOG_HDR + VHDX_LOG_DESC * i;
		uint64_t off = vhdx_le64(d + 16);

		if (memcmp(d, "zero", 4) == 0) {
			for (uint64_t n = vhdx_le64(d + 8); n > 0; n -= VHDX_LOG_SECTOR, off += VHDX_LOG_SECTOR) {
				r = in_memory ? vhdx_log_stage(l, off, zeros)
				              : vhd_layer_pwrite(l, zeros, VHDX_LOG_SECTOR, off);
				if (r < 0)
					return r;
			}
			continue;
		}
		memcpy(sector, d + 8, 8);
		memcpy(sector + 8, p + (uint64_t)(hs + ndata) * VHDX_LOG_SECTOR + 8, 4084);
		memcpy(sector + 4092, d + 4, 4);
		ndata++;
		r = in_memory ? vhdx_log_stage(l, off, sector) : vhd_layer_pwrite(l, sector, VHDX_LOG_SECTOR, off);
		if (r < 0)
			return r;
	}
	return 0;
}

int vhdx_log_replay(struct vhd_layer *l, uint64_t file_size, bool writable)
{
	struct vhdx_layer *x = l->vhdx;
	uint32_t loglen = x->hdr.log_length, nsec = loglen / VHDX_LOG_SECTOR;
	uint8_t *win = malloc(LOG_WINDOW), *buf = NULL;
	uint32_t cap = 0;
	struct vhdx_log_entry *ent = calloc(nsec, sizeof(*ent));
	bool *valid = calloc(nsec, sizeof(*valid));
	uint64_t best_seq = 0;
	uint32_t best_tail = 0, best_head = 0, count = 0;
	struct vhdx_header h;
	int r;

	if (!win || !ent || !valid) {
		r = vhd_error(-ENOMEM, "'%s': out of memory for the VHDX log", l->path);
		goto out;
	}
	for (uint32_t w = 0; w < loglen; w += LOG_WINDOW) {
		uint32_t n = loglen - w < LOG_WINDOW ? loglen - w : LOG_WINDOW;

		r = vhd_layer_pread(l, win, n, x->hdr.log_offset + w);
		for (uint32_t o = 0; r == 0 && o + VHDX_LOG_SECTOR <= n; o += VHDX_LOG_SECTOR) {
			uint32_t i = (w + o) / VHDX_LOG_SECTOR;

			if (!entry_header_ok(x, win + o, loglen, &ent[i]))
				continue;
			r = entry_room(l, &buf, &cap, ent[i].entry_length);
			if (r == 0)
				r = log_read(l, w + o, ent[i].entry_length, buf);
			if (r == 0)
				valid[i] = entry_body_ok(buf, &ent[i]);
		}
		if (r < 0)
			goto out;
	}
	/* The active sequence: the valid run of consecutive entries with the
	 * highest head sequence number whose head's Tail lies inside it. */
	for (uint32_t i = 0; i < nsec; i++) {
		uint32_t cur = i, steps = 0;
		bool tail_in = false;

		if (!valid[i])
			continue;
		for (;;) {
			uint32_t next = (uint32_t)(((uint64_t)cur * VHDX_LOG_SECTOR + ent[cur].entry_length) %
			                           loglen / VHDX_LOG_SECTOR);

			if (next == i || !valid[next] || ent[next].seq != ent[cur].seq + 1 || ++steps > nsec)
				break;
			cur = next;
		}
		for (uint32_t k = i;; ) {
			if (k * VHDX_LOG_SECTOR == ent[cur].tail)
				tail_in = true;
			if (k == cur)
				break;
			k = (uint32_t)(((uint64_t)k * VHDX_LOG_SECTOR + ent[k].entry_length) % loglen /
			               VHDX_LOG_SECTOR);
		}
		if (tail_in && ent[cur].seq > best_seq) {
			best_seq = ent[cur].seq;
			best_tail = ent[cur].tail / VHDX_LOG_SECTOR;
			best_head = cur;
		}
	}
	if (best_seq == 0) {
		r = 0; /* nothing to replay */
		goto out;
	}
	if (ent[best_head].flushed_file_offset > file_size) {
		r = vhd_error(-EINVAL, "'%s': the VHDX log expects the file to hold %llu bytes, it has %llu (truncated?)",
		              l->path, (unsigned long long)ent[best_head].flushed_file_offset,
		              (unsigned long long)file_size);
		goto out;
	}
	/* A read-only open cannot write the replay into the file: it applies
	 * the entries to its staged pages, which the metadata, BAT and sector
	 * bitmap loads read through (vhdx_log_overlay), so it sees the image
	 * as replayed.  Refused, as before, when the log would extend the file
	 * (nothing to read there) or, later, when an entry touches anything but
	 * metadata (vhdx_log_overlay_check). */
	if (!writable && ent[best_head].last_file_offset > file_size) {
		r = vhd_error(-EROFS, "'%s': the VHDX log holds changes not yet applied (the image was not closed cleanly); open it read-write once to replay them",
		              l->path);
		goto out;
	}
	if (!writable) {
		for (uint32_t k = best_tail;; ) {
			r = entry_reread(l, k, &ent[k], &buf, &cap);
			if (r == 0)
				r = apply_entry(l, buf, &ent[k], true);
			if (r < 0)
				goto out;
			count++;
			if (k == best_head)
				break;
			k = (uint32_t)(((uint64_t)k * VHDX_LOG_SECTOR + ent[k].entry_length) % loglen /
			               VHDX_LOG_SECTOR);
		}
		vhd_log(1, "'%s': %u VHDX log entr%s not yet applied to the file (not closed cleanly); read through in memory, a writable open applies them",
		        l->path, count, count == 1 ? "y" : "ies");
		goto out;
	}
	/* A transparent writer (merge.c) replays under its shared lock and the
	 * merge lock: no exclusive writer can hold the file, and a reader that
	 * holds it opened it with a clean log (read-only opens refuse a dirty
	 * one), so the entries can only be an interrupted merge's, which make
	 * visible data that reads the same. */
	if (!l->transparent && flock(l->fd, LOCK_EX | LOCK_NB) < 0) {
		r = vhd_error(errno == EWOULDBLOCK ? -EBUSY : -errno,
		              "cannot replay the log of '%s': it is in use", l->path);
		goto out;
	}
	for (uint32_t k = best_tail;; ) {
		r = entry_reread(l, k, &ent[k], &buf, &cap);
		if (r == 0)
			r = apply_entry(l, buf, &ent[k], false);
		if (r < 0)
			goto out;
		count++;
		if (k == best_head)
			break;
		k = (uint32_t)(((uint64_t)k * VHDX_LOG_SECTOR + ent[k].entry_length) % loglen /
		               VHDX_LOG_SECTOR);
	}
	if (ent[best_head].last_file_offset > file_size &&
	    ftruncate(l->fd, (off_t)ent[best_head].last_file_offset) < 0) {
		r = vhd_error(-errno, "cannot extend '%s': %s", l->path, strerror(errno));
		goto out;
	}
	if (vhd_sys_fdatasync(l->fd) < 0) {
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
		goto out;
	}
	h = x->hdr;
	memset(h.log_guid, 0, 16);
	r = vhdx_header_update(l, &h);
	if (r == 0)
		vhd_log(1, "'%s': replayed %u VHDX log entr%s (sequence %llu)", l->path, count,
		        count == 1 ? "y" : "ies", (unsigned long long)best_seq);
out:
	free(win);
	free(buf);
	free(ent);
	free(valid);
	return r;
}

uint8_t *vhdx_log_staged(struct vhd_layer *l, uint64_t file_off)
{
	struct vhdx_layer *x = l->vhdx;
	int lo = 0, hi = x->npages - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (x->pages[mid].file_off == file_off)
			return x->pages[mid].data;
		if (x->pages[mid].file_off < file_off)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return NULL;
}

int vhdx_log_stage(struct vhd_layer *l, uint64_t file_off, const uint8_t *data)
{
	struct vhdx_layer *x = l->vhdx;
	uint8_t *have = vhdx_log_staged(l, file_off), *copy;
	int pos;

	if (have) {
		memcpy(have, data, VHDX_LOG_SECTOR);
		return 0;
	}
	if (x->npages == x->cap_pages) {
		int cap = x->cap_pages ? x->cap_pages * 2 : 16;
		struct vhdx_page *p = realloc(x->pages, (size_t)cap * sizeof(*p));

		if (!p)
			return vhd_error(-ENOMEM, "cannot update '%s': out of memory", l->path);
		x->pages = p;
		x->cap_pages = cap;
	}
	copy = malloc(VHDX_LOG_SECTOR);
	if (!copy)
		return vhd_error(-ENOMEM, "cannot update '%s': out of memory", l->path);
	memcpy(copy, data, VHDX_LOG_SECTOR);
	for (pos = x->npages; pos > 0 && x->pages[pos - 1].file_off > file_off; pos--)
		x->pages[pos] = x->pages[pos - 1];
	x->pages[pos] = (struct vhdx_page){ file_off, copy };
	x->npages++;
	return 0;
}

int vhdx_log_commit(struct vhd_layer *l)
{
	struct vhdx_layer *x = l->vhdx;
	uint32_t n = (uint32_t)x->npages, hs = header_sectors(n);
	uint32_t len = (hs + n) * VHDX_LOG_SECTOR, head = x->log_head, tail;
	struct vhdx_log_entry e;
	uint8_t *buf;
	int r;

	if (n == 0)
		return 0;
	if (len > x->hdr.log_length)
		return vhd_error(-ENOSPC, "cannot update '%s': %u metadata pages do not fit its log", l->path, n);
	if ((uint64_t)head + len > x->hdr.log_length) {
		/* settle every earlier entry, then start again at 0 */
		if (vhd_sys_fdatasync(l->fd) < 0)
			return vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
		head = 0;
		x->log_unsettled = false;
	}
	tail = x->log_unsettled ? x->log_tail : head;
	buf = calloc(1, len);
	if (!buf)
		return vhd_error(-ENOMEM, "cannot update '%s': out of memory", l->path);
	e = (struct vhdx_log_entry){ .entry_length = len, .tail = tail, .seq = x->log_seq + 1,
	                             .desc_count = n, .flushed_file_offset = x->file_end,
	                             .last_file_offset = x->file_end };
	memcpy(e.log_guid, x->hdr.log_guid, 16);
	vhdx_log_entry_encode(&e, buf);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t *d = buf + VHDX_LOG_HDR + VHDX_LOG_DESC * i;
		uint8_t *s = buf + (uint64_t)(hs + i) * VHDX_LOG_SECTOR;
		const uint8_t *page = x->pages[i].data;

		memcpy(d, "desc", 4);
		memcpy(d + 4, page + 4092, 4);
		memcpy(d + 8, page, 8);
		vhdx_put_le64(d + 16, x->pages[i].file_off);
		vhdx_put_le64(d + 24, e.seq);
		memcpy(s, "data", 4);
		vhdx_put_le32(s + 4, (uint32_t)(e.seq >> 32));
		memcpy(s + 8, page + 8, 4084);
		vhdx_put_le32(s + 4092, (uint32_t)e.seq);
	}
	vhdx_seal(buf, len);
	r = vhd_layer_pwrite(l, buf, len, x->hdr.log_offset + head);
	free(buf);
	if (r < 0)
		return r;
	if (vhd_sys_fdatasync(l->fd) < 0)
		return vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	x->log_seq = e.seq;
	x->log_tail = tail;
	x->log_unsettled = true;
	x->log_head = head + len;
	for (uint32_t i = 0; i < n; i++) {
		r = vhd_layer_pwrite(l, x->pages[i].data, VHDX_LOG_SECTOR, x->pages[i].file_off);
		if (r < 0)
			return r; /* the log holds it: the next open replays it */
	}
	for (uint32_t i = 0; i < n; i++)
		free(x->pages[i].data);
	x->npages = 0;
	return 0;
}

void vhdx_log_overlay(struct vhd_layer *l, uint8_t *buf, size_t len, uint64_t off)
{
	struct vhdx_layer *x = l->vhdx;

	if (!l->read_only)
		return;
	for (int i = 0; i < x->npages; i++) {
		uint64_t p = x->pages[i].file_off, from, to;

		if (p + VHDX_LOG_SECTOR <= off || p >= off + len)
			continue;
		from = p > off ? p : off;
		to = p + VHDX_LOG_SECTOR < off + len ? p + VHDX_LOG_SECTOR : off + len;
		memcpy(buf + (from - off), x->pages[i].data + (from - p), (size_t)(to - from));
	}
}

int vhdx_log_overlay_check(struct vhd_layer *l)
{
	struct vhdx_layer *x = l->vhdx;

	for (int i = 0; i < x->npages; i++) {
		uint64_t p = x->pages[i].file_off;
		bool ok = (p >= x->meta_offset && p < x->meta_offset + x->meta_length) ||
		          (p >= x->bat_offset && p < x->bat_offset + x->bat_length);

		/* only a differencing disk has sector bitmap blocks (read_bat()):
		 * a dynamic or fixed one's BAT need not even hold their entries */
		for (uint32_t k = 0; !ok && x->has_parent && k < x->sbm_blocks; k++) {
			uint64_t e = x->bat[vhdx_sbm_index(x, k)];

			ok = vhdx_bat_state(e) == VHDX_SB_PRESENT && p >= vhdx_bat_offset(e) &&
			     p < vhdx_bat_offset(e) + VHDX_SBM_BLOCK;
		}
		if (!ok)
			return vhd_error(-EROFS, "'%s': the VHDX log holds changes not yet applied to data at offset %llu (the image was not closed cleanly); open it read-write once to replay them",
			                 l->path, (unsigned long long)p);
	}
	return 0;
}
