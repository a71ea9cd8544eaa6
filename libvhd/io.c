/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* io.c: reads, writes, mapping, flush and discard through a chain.
 *
 * Everything is built on one resolver: the longest run at an offset that
 * has one source (a file range in some layer, or zeros).  It asks the top,
 * and where the top has nothing, the parent map (parentmap.c), which knows
 * for the read-only layers below in one lookup, so a read costs the same
 * however deep the chain is.  Reads turn runs into preads
 * and merge neighbours whose file offsets are contiguous (across bitmap
 * runs and across blocks), so a sequentially written disk reads with one
 * system call per request.  Writes to sectors the top already holds go
 * straight to pwrite without a lock; everything else goes through alloc.c.
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

int vhd_chain_walk(vhd_chain *c, int first, uint64_t off, uint64_t len, struct vhd_extent *ext)
{
	for (int k = first; k < c->depth; k++) {
		struct vhd_layer *l = c->layers[k];
		struct vhd_run run;
		int r;

		if (off >= l->size)
			break; /* a parent smaller than its child: zeros */
		r = vhd_layer_lookup(l, off, len, &run);
		if (r < 0)
			return r;
		len = run.length;
		if (run.state == VHD_RUN_DATA) {
			*ext = (struct vhd_extent){ len, l->fd, run.file_offset, k };
			return 0;
		}
		if (run.state == VHD_RUN_ZERO)
			break;
	}
	if (c->noparent && c->layers[c->depth - 1]->footer.type == VHD_TYPE_DIFF &&
	    off < c->layers[c->depth - 1]->size)
		return vhd_error(-ENOENT, "'%s': offset %llu lies in the parent, which is not open",
		                 c->layers[c->depth - 1]->path, (unsigned long long)off);
	*ext = (struct vhd_extent){ len, -1, 0, -1 };
	return 0;
}

/* The top answers for itself (it changes while open); what it leaves to its
 * parents is answered by the parent map in one lookup, however deep. */
int vhd_chain_resolve(vhd_chain *c, int first, uint64_t off, uint64_t len, struct vhd_extent *ext)
{
	if (!c->below || first > 1)
		return vhd_chain_walk(c, first, off, len, ext);
	if (first == 0) {
		struct vhd_layer *top = c->layers[0];
		struct vhd_run run;
		int r;

		if (off >= top->size) {
			*ext = (struct vhd_extent){ len, -1, 0, -1 };
			return 0;
		}
		r = vhd_layer_lookup(top, off, len, &run);
		if (r < 0)
			return r;
		len = run.length;
		if (run.state == VHD_RUN_DATA) {
			*ext = (struct vhd_extent){ len, top->fd, run.file_offset, 0 };
			return 0;
		}
		if (run.state == VHD_RUN_ZERO) {
			*ext = (struct vhd_extent){ len, -1, 0, -1 };
			return 0;
		}
	}
	return vhd_parent_map_resolve(c, off, len, ext);
}

/* A pending pread, grown while the next run continues it in the file. */
struct pending {
	int layer;                  /* -1 = none */
	uint64_t file_off;          /* where in the layer's file */
	uint8_t *buf;               /* destination */
	size_t len;                 /* bytes */
};

static int pending_flush(vhd_chain *c, struct pending *p)
{
	int r = 0;

	if (p->layer >= 0 && p->len)
		r = vhd_layer_pread(c->layers[p->layer], p->buf, p->len, p->file_off);
	p->layer = -1;
	p->len = 0;
	return r;
}

int vhd_chain_read_from(vhd_chain *c, int first, void *buf, size_t len, uint64_t off)
{
	struct pending p = { .layer = -1 };
	uint8_t *out = buf;
	int r;

	while (len > 0) {
		struct vhd_extent ext;

		r = vhd_chain_resolve(c, first, off, len, &ext);
		if (r < 0)
			return r;
		if (ext.fd < 0) {
			memset(out, 0, ext.length);
		} else if (p.layer == ext.layer && p.file_off + p.len == ext.file_offset &&
		           p.buf + p.len == out) {
			p.len += ext.length;
		} else {
			r = pending_flush(c, &p);
			if (r < 0)
				return r;
			p = (struct pending){ ext.layer, ext.file_offset, out, ext.length };
		}
		out += ext.length;
		off += ext.length;
		len -= ext.length;
	}
	return pending_flush(c, &p);
}

static int check_range(vhd_chain *c, const char *what, size_t len, uint64_t off)
{
	if (off > c->size || len > c->size - off)
		return vhd_error(-EINVAL, "cannot %s %zu bytes at offset %llu of '%s': past the end (%llu bytes)",
		                 what, len, (unsigned long long)off, c->layers[0]->path,
		                 (unsigned long long)c->size);
	return 0;
}

int vhd_chain_pread(vhd_chain *c, void *buf, size_t len, uint64_t off)
{
	int r;

	vhd_clear_error();
	r = check_range(c, "read", len, off);
	if (r < 0)
		return r;
	return vhd_chain_read_from(c, 0, buf, len, off);
}

/* Where block B of VHD layer TOP holds the N bytes at IN_BLOCK when writing
 * them needs no metadata change: 1 with *FO set, else 0 (or -errno). */
static int vhd_write_placed(struct vhd_layer *top, uint32_t b, uint64_t in_block, size_t n, uint64_t *fo)
{
	uint32_t e = __atomic_load_n(&top->bat[b], __ATOMIC_ACQUIRE);
	uint32_t s = (uint32_t)(in_block / VHD_SECTOR);
	uint32_t nsec = (uint32_t)((in_block + n + VHD_SECTOR - 1) / VHD_SECTOR) - s;
	const uint8_t *bm;
	bool set;
	int r;

	if (e == VHD_BAT_UNUSED)
		return 0;
	r = vhd_layer_bitmap(top, b, &bm);
	if (r < 0)
		return r;
	if (!(vhd_bit_run(bm, s, nsec, &set) == nsec && set))
		return 0;
	*fo = (uint64_t)e * VHD_SECTOR + top->bitmap_size + in_block;
	return 1;
}

/* Each format's two halves of a write into a sparse top layer. */
struct write_ops {
	int (*placed)(struct vhd_layer *top, uint32_t b, uint64_t in_block, size_t n, uint64_t *fo);
	int (*alloc)(vhd_chain *c, uint32_t b, const uint8_t *buf, size_t len, uint64_t off);
};
static const struct write_ops vhd_write_ops = { vhd_write_placed, vhd_alloc_write };
static const struct write_ops vhdx_write_ops = { vhdx_write_placed, vhdx_alloc_write };

int vhd_chain_pwrite(vhd_chain *c, const void *buf, size_t len, uint64_t off)
{
	struct vhd_layer *top = c->layers[0];
	const struct write_ops *ops = top->vhdx ? &vhdx_write_ops : &vhd_write_ops;
	uint32_t shift = top->vhdx ? top->vhdx->block_shift : top->block_shift;
	const uint8_t *in = buf;
	/* Writes that need no metadata change, merged while contiguous. */
	uint64_t pend_off = 0, fo = 0;
	const uint8_t *pend_buf = NULL;
	size_t pend_len = 0;
	int r;

	vhd_clear_error();
	if (c->read_only)
		return vhd_error(-EROFS, "cannot write to '%s': opened read-only", top->path);
	r = check_range(c, "write", len, off);
	if (r < 0)
		return r;
	if (!top->vhdx && !vhd_layer_sparse(top))
		return vhd_layer_pwrite(top, buf, len, off);
	while (len > 0) {
		uint32_t b = (uint32_t)(off >> shift);
		uint64_t in_block = off & ((1ull << shift) - 1);
		size_t n = len < (1ull << shift) - in_block ? len : (size_t)((1ull << shift) - in_block);

		int placed = ops->placed(top, b, in_block, n, &fo);

		if (placed < 0)
			return placed;
		if (placed && pend_len && pend_off + pend_len == fo && pend_buf + pend_len == in) {
			pend_len += n;
		} else {
			if (pend_len && (r = vhd_layer_pwrite(top, pend_buf, pend_len, pend_off)) < 0)
				return r;
			pend_len = 0;
			if (placed) {
				pend_off = fo;
				pend_buf = in;
				pend_len = n;
			} else if ((r = ops->alloc(c, b, in, n, off)) < 0) {
				return r;
			}
		}
		in += n;
		off += n;
		len -= n;
	}
	if (pend_len)
		return vhd_layer_pwrite(top, pend_buf, pend_len, pend_off);
	return 0;
}

int vhd_chain_flush(vhd_chain *c)
{
	struct vhd_layer *top = c->layers[0];

	vhd_clear_error();
	if (c->read_only)
		return 0;
	if (top->vhdx)
		return vhdx_flush(top);
	if (vhd_sys_fdatasync(top->fd) < 0)
		return vhd_error(-errno, "cannot flush '%s': %s", top->path, strerror(errno));
	return 0;
}

int vhd_chain_map(vhd_chain *c, uint64_t off, uint64_t len, struct vhd_extent *ext)
{
	int r;

	vhd_clear_error();
	if (len == 0 || off >= c->size || len > c->size - off)
		return vhd_error(-EINVAL, "cannot map %llu bytes at offset %llu of '%s': outside the disk (%llu bytes)",
		                 (unsigned long long)len, (unsigned long long)off, c->layers[0]->path,
		                 (unsigned long long)c->size);
	r = vhd_chain_resolve(c, 0, off, len, ext);
	if (r == 0 && ext->fd >= 0) {
		/* Merge following runs that continue in the same file. */
		while (ext->length < len) {
			struct vhd_extent next;

			if (vhd_chain_resolve(c, 0, off + ext->length, len - ext->length, &next) < 0 ||
			    next.layer != ext->layer || next.file_offset != ext->file_offset + ext->length)
				break;
			ext->length += next.length;
		}
	} else if (r == 0) {
		while (ext->length < len) {
			struct vhd_extent next;

			if (vhd_chain_resolve(c, 0, off + ext->length, len - ext->length, &next) < 0 ||
			    next.fd >= 0)
				break;
			ext->length += next.length;
		}
	}
	return r;
}

/* Make [off, off+len) of the top's file read as zeros, returning the space
 * where the file system can. */
static int zero_file_range(struct vhd_layer *l, uint64_t off, uint64_t len)
{
	static const uint8_t zeros[65536];

	if (len == 0)
		return 0;
	if (fallocate(l->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)off, (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS && errno != EINVAL)
		return vhd_error(-errno, "cannot discard in '%s': %s", l->path, strerror(errno));
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

int vhd_chain_discard(vhd_chain *c, uint64_t off, uint64_t len)
{
	struct vhd_layer *top = c->layers[0];
	int r;

	vhd_clear_error();
	if (c->read_only)
		return vhd_error(-EROFS, "cannot discard in '%s': opened read-only", top->path);
	if (off > c->size || len > c->size - off)
		return vhd_error(-EINVAL, "cannot discard %llu bytes at offset %llu of '%s': past the end",
		                 (unsigned long long)len, (unsigned long long)off, top->path);
	if (top->vhdx)
		return vhdx_chain_discard(c, off, len);
	if (!vhd_layer_sparse(top))
		return zero_file_range(top, off, len);
	while (len > 0) {
		uint32_t b = (uint32_t)(off >> top->block_shift);
		uint64_t in_block = off & (top->block_size - 1);
		uint64_t n = len < top->block_size - in_block ? len : top->block_size - in_block;
		uint32_t e = __atomic_load_n(&top->bat[b], __ATOMIC_ACQUIRE);

		if (e == VHD_BAT_UNUSED) {
			/* nothing here */
		} else if (n == top->block_size) {
			r = vhd_alloc_drop_block(c, b);
			if (r < 0)
				return r;
		} else if (top->footer.type == VHD_TYPE_DYNAMIC) {
			r = zero_file_range(top, (uint64_t)e * VHD_SECTOR + top->bitmap_size + in_block, n);
			if (r < 0)
				return r;
		} else {
			/* Differencing: whole sectors go back to the parent; the
			 * discarded part of a partial sector gets the parent's bytes. */
			uint64_t s0 = vhd_round_up(in_block, VHD_SECTOR), s1 = (in_block + n) / VHD_SECTOR * VHD_SECTOR;
			uint8_t sec[VHD_SECTOR];

			if (s1 > s0) {
				/* bits first: a crash before the punch leaks space only */
				r = vhd_alloc_clear_bits(c, b, (uint32_t)(s0 / VHD_SECTOR),
				                         (uint32_t)((s1 - s0) / VHD_SECTOR));
				if (r == 0)
					r = zero_file_range(top, (uint64_t)e * VHD_SECTOR + top->bitmap_size + s0,
					                    s1 - s0);
				if (r < 0)
					return r;
			}
			if (in_block < s0 && in_block < s1) {
				r = vhd_chain_read_from(c, 1, sec, s0 - in_block, off);
				if (r == 0)
					r = vhd_chain_pwrite(c, sec, s0 - in_block, off);
				if (r < 0)
					return r;
			}
			if (s1 < in_block + n) {
				uint64_t from = s1 > in_block ? s1 : in_block;
				uint64_t vo = off - in_block + from;

				r = vhd_chain_read_from(c, 1, sec, in_block + n - from, vo);
				if (r == 0)
					r = vhd_chain_pwrite(c, sec, in_block + n - from, vo);
				if (r < 0)
					return r;
			}
		}
		off += n;
		len -= n;
	}
	return 0;
}
