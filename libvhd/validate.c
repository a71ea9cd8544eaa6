/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* validate.c: the structural rules of one VHD file, each stated once, for
 * the two callers that apply them: vhd_layer_open() stops at the first
 * problem (an -EINVAL whose message names the file and the rule), and
 * vhd_check() collects every problem (each one message to its callback).
 *
 * Every rule goes through problem(): in open mode that records the error
 * and stops; in check mode it counts and reports, and stops only where the
 * rules after it cannot be applied (no header, no usable block size, a
 * block table outside the file).  So a rule cannot be enforced by one
 * caller and forgotten by the other.  The footer that is validated is
 * chosen by each caller (open repairs a damaged footer from its copy, check
 * reports it), which is why the footer selection is not here.
 *
 * The trade-off: open builds the BAT and the overlap list of every block
 * while validating (an O(n log n) sort, a few milliseconds for a 2 TiB
 * disk), so the I/O paths never re-check an entry.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Footers beyond this are refused as absurd (64 TiB is 32 times the
 * largest size the VHD format's geometry can describe). */
#define VHD_ABSURD_SIZE (64ull << 40)

/* Block table problems reported one by one; the rest are only counted, so
 * a garbage BAT cannot flood the caller. */
#define MAX_BAT_REPORTS 20

/* Byte ranges of the file that hold metadata (for overlap checks). */
struct range {
	uint64_t start;             /* first byte */
	uint64_t end;               /* one past the last */
	const char *what;           /* for messages */
};

/* One allocated block, for the overlap check between blocks. */
struct block {
	uint64_t start;             /* offset of its bitmap */
	uint32_t index;             /* BAT index */
};

/* Count one problem; in open mode record it and stop, in collect mode
 * report it (block table problems up to a cap) and stop only if FATAL. */
static int VHD_PRINTF(4, 0) vproblem(struct vhd_validator *v, bool fatal, bool bat, const char *fmt,
                                     va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	v->problems++;
	if (!v->collect) {
		v->stopped = true;
		return vhd_error(-EINVAL, "'%s': %s", v->path, msg);
	}
	if (bat)
		v->bat_problems++;
	if (v->report && (!bat || v->bat_problems <= MAX_BAT_REPORTS))
		v->report(v->path, msg, v->arg);
	if (fatal) {
		v->stopped = true;
		return -EINVAL;
	}
	return 0;
}

int vhd_validate_problem(struct vhd_validator *v, bool fatal, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vproblem(v, fatal, false, fmt, ap);
	va_end(ap);
	return r;
}

int vhd_validate_bat_problem(struct vhd_validator *v, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vproblem(v, false, true, fmt, ap);
	va_end(ap);
	return r;
}

void vhd_validate_bat_tally(struct vhd_validator *v)
{
	char msg[128];

	if (!v->collect || !v->report || v->bat_problems <= MAX_BAT_REPORTS)
		return;
	snprintf(msg, sizeof(msg), "%d more block table problems not listed",
	         v->bat_problems - MAX_BAT_REPORTS);
	v->report(v->path, msg, v->arg);
}

int vhd_validate_footer(struct vhd_validator *v, const struct vhd_footer *f)
{
	int r = 0;

	if (f->type != VHD_TYPE_FIXED && f->type != VHD_TYPE_DYNAMIC && f->type != VHD_TYPE_DIFF)
		return vhd_validate_problem(v, true, "unsupported disk type %u", f->type);
	if ((f->version >> 16) != 1)
		r = vhd_validate_problem(v, false, "unsupported format version %u.%u", f->version >> 16,
		                         f->version & 0xffff);
	if (r == 0 && f->current_size % VHD_SECTOR)
		r = vhd_validate_problem(v, false, "virtual size %llu is not a multiple of 512",
		                         (unsigned long long)f->current_size);
	if (r == 0 && f->current_size > VHD_ABSURD_SIZE)
		r = vhd_validate_problem(v, false, "absurd virtual size %llu",
		                         (unsigned long long)f->current_size);
	if (r == 0 && f->type == VHD_TYPE_FIXED && f->current_size > v->file_size - VHD_FOOTER_SIZE)
		r = vhd_validate_problem(v, false, "truncated: virtual size %llu needs %llu bytes, the file has %llu",
		                         (unsigned long long)f->current_size,
		                         (unsigned long long)(f->current_size + VHD_FOOTER_SIZE),
		                         (unsigned long long)v->file_size);
	return r;
}

static bool locator_known(uint32_t code)
{
	return code == VHD_PLAT_W2KU || code == VHD_PLAT_W2RU || code == VHD_PLAT_MACX;
}

/* The parent locators of a differencing disk: each in the file and of a
 * sane length, and at least one (or the unicode name) to find the parent
 * by.  Adds the usable ones to META. */
static int validate_locators(struct vhd_validator *v, const struct vhd_header *h, struct range *meta,
                             int *nmeta)
{
	int usable = 0, r;

	for (int i = 0; i < VHD_LOCATORS; i++) {
		const struct vhd_locator *loc = &h->loc[i];

		if (!locator_known(loc->code) || loc->length == 0)
			continue;
		if (loc->length > VHD_MAX_LOCATOR_LEN)
			r = vhd_validate_problem(v, false, "parent locator %d is absurdly long (%u bytes)", i,
			                         loc->length);
		else if (loc->offset > v->file_size || v->file_size - loc->offset < loc->length)
			r = vhd_validate_problem(v, false, "parent locator %d runs past the end of the file", i);
		else if (loc->code != VHD_PLAT_MACX && (loc->length % 2))
			r = vhd_validate_problem(v, false, "parent locator %d has an odd length for UTF-16 (%u bytes)",
			                         i, loc->length);
		else {
			usable++;
			meta[(*nmeta)++] = (struct range){ loc->offset,
			                                   loc->offset + vhd_round_up(loc->length, VHD_SECTOR),
			                                   "a parent locator" };
			continue;
		}
		if (r < 0)
			return r;
	}
	if (!usable && h->parent_name[0] == 0 && h->parent_name[1] == 0)
		return vhd_validate_problem(v, false, "no usable parent locator and no parent name");
	return 0;
}

static int cmp_block(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The block table: every entry inside the data area, clear of the metadata
 * and of every other block.  Fills V->bat and V->used_end. */
static int validate_bat(struct vhd_validator *v, const struct vhd_footer *f, const struct range *meta,
                        int nmeta)
{
	const struct vhd_header *h = &v->header;
	uint64_t bat_bytes = (uint64_t)h->max_table_entries * 4;
	uint32_t bitmap_size = vhd_bitmap_size(h->block_size), nb = 0;
	uint64_t span = (uint64_t)bitmap_size + h->block_size;
	uint8_t *raw = malloc(bat_bytes ? bat_bytes : 1);
	struct block *blocks = malloc((h->max_table_entries ? h->max_table_entries : 1) * sizeof(*blocks));
	int r = 0;

	v->bat = malloc(bat_bytes ? bat_bytes : 1);
	if (!raw || !blocks || !v->bat) {
		r = vhd_error(-ENOMEM, "'%s': out of memory for a block table of %u entries", v->path,
		              h->max_table_entries);
		goto out;
	}
	r = vhd_read_at(v->fd, v->path, raw, bat_bytes, h->table_offset);
	if (r < 0)
		goto out;
	for (uint32_t i = 0; i < h->max_table_entries && r == 0; i++) {
		uint32_t e = vhd_get_be32(raw + 4 * i);
		uint64_t start = (uint64_t)e * VHD_SECTOR, end = start + span;
		bool bad = false;

		v->bat[i] = e;
		if (e == VHD_BAT_UNUSED)
			continue;
		if ((uint64_t)i * h->block_size >= f->current_size)
			r = vhd_validate_bat_problem(v, "block table entry %u is allocated beyond the virtual size", i);
		if (r == 0 && end > v->data_end) {
			r = vhd_validate_bat_problem(v, "block table entry %u (sector %u) points past the end of the file", i, e);
			bad = true;
		}
		for (int m = 0; m < nmeta && r == 0; m++) {
			if (start < meta[m].end && meta[m].start < end) {
				r = vhd_validate_bat_problem(v, "block %u (at offset %llu) overlaps %s", i,
				                (unsigned long long)start, meta[m].what);
				bad = true;
			}
		}
		if (!bad) {
			blocks[nb++] = (struct block){ start, i };
			if (end > v->used_end)
				v->used_end = end;
		}
	}
	if (r < 0)
		goto out;
	qsort(blocks, nb, sizeof(*blocks), cmp_block);
	for (uint32_t i = 1; i < nb && r == 0; i++)
		if (blocks[i].start < blocks[i - 1].start + span)
			r = vhd_validate_bat_problem(v, "blocks %u and %u (at offsets %llu and %llu) overlap",
			                blocks[i - 1].index, blocks[i].index,
			                (unsigned long long)blocks[i - 1].start, (unsigned long long)blocks[i].start);
	vhd_validate_bat_tally(v);
out:
	free(raw);
	free(blocks);
	return r;
}

int vhd_validate_sparse(struct vhd_validator *v, const struct vhd_footer *f)
{
	uint8_t hraw[VHD_HEADER_SIZE];
	struct vhd_header *h = &v->header;
	struct range meta[3 + VHD_LOCATORS];
	uint64_t bat_bytes;
	int nmeta = 0, r;

	if (f->data_offset > v->file_size || v->file_size - f->data_offset < VHD_HEADER_SIZE)
		return vhd_validate_problem(v, true, "dynamic header offset %llu is past the end of the file",
		                            (unsigned long long)f->data_offset);
	r = vhd_read_at(v->fd, v->path, hraw, sizeof(hraw), f->data_offset);
	if (r < 0)
		return r;
	vhd_header_decode(hraw, h);
	if (memcmp(h->cookie, "cxsparse", 8) != 0)
		return vhd_validate_problem(v, true, "no dynamic disk header at offset %llu (bad cookie)",
		                            (unsigned long long)f->data_offset);
	if (!vhd_header_checksum_ok(hraw) &&
	    (r = vhd_validate_problem(v, false, "bad dynamic header checksum (stored 0x%08x, computed 0x%08x)",
	                              h->checksum, vhd_checksum(hraw, sizeof(hraw), 36))) < 0)
		return r;
	if (!vhd_is_pow2(h->block_size) || h->block_size < VHD_SECTOR || h->block_size > VHD_MAX_BLOCK_SIZE)
		return vhd_validate_problem(v, true, "invalid block size %u", h->block_size);
	if ((uint64_t)h->max_table_entries * h->block_size < f->current_size &&
	    (r = vhd_validate_problem(v, false, "block table of %u entries is too small for virtual size %llu",
	                              h->max_table_entries, (unsigned long long)f->current_size)) < 0)
		return r;
	bat_bytes = (uint64_t)h->max_table_entries * 4;
	if (h->table_offset > v->file_size || v->file_size - h->table_offset < bat_bytes)
		return vhd_validate_problem(v, true, "block table (%u entries at offset %llu) runs past the end of the file",
		                            h->max_table_entries, (unsigned long long)h->table_offset);

	meta[nmeta++] = (struct range){ f->data_offset, f->data_offset + VHD_HEADER_SIZE, "the dynamic header" };
	meta[nmeta++] = (struct range){ h->table_offset, h->table_offset + vhd_round_up(bat_bytes, VHD_SECTOR),
	                                "the block table" };
	meta[nmeta++] = (struct range){ 0, VHD_FOOTER_SIZE, "the footer copy" };
	if (meta[0].start < meta[1].end && meta[1].start < meta[0].end &&
	    (r = vhd_validate_problem(v, false, "the block table overlaps the dynamic header")) < 0)
		return r;
	if (f->type == VHD_TYPE_DIFF && (r = validate_locators(v, h, meta, &nmeta)) < 0)
		return r;
	v->meta_end = 0;
	for (int i = 0; i < nmeta; i++)
		if (meta[i].end > v->meta_end)
			v->meta_end = meta[i].end;
	v->used_end = v->meta_end;
	return validate_bat(v, f, meta, nmeta);
}
