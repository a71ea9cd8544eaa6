/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* check.c: vhd_check(), a structural check of one image that reports
 * every problem it finds instead of stopping at the first, as the open
 * path (layer.c) does.
 *
 * It re-reads the raw structures itself rather than going through
 * vhd_layer_open() for that reason; the rules are the same.  Space that no
 * BAT entry references (left by a crash between the footer move and the
 * BAT update, see alloc.c) is not a problem: it is unused, not corrupt.
 * Messages of one kind are capped so a garbage BAT cannot flood the caller;
 * the count returned is still the full count.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "vhdx_internal.h"

#define MAX_REPORTS_PER_KIND 20

struct checker {
	const char *path;           /* the file checked */
	int fd;                     /* open read-only */
	uint64_t size;              /* file size */
	vhd_problem_fn fn;          /* where problems go */
	void *arg;                  /* for fn */
	int count;                  /* problems found */
	int bat_reports;            /* BAT problems reported so far */
};

static void VHD_PRINTF(2, 3) report(struct checker *k, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	k->count++;
	if (!k->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->fn(k->path, msg, k->arg);
}

static void VHD_PRINTF(2, 3) report_bat(struct checker *k, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	k->count++;
	if (!k->fn || ++k->bat_reports > MAX_REPORTS_PER_KIND)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->fn(k->path, msg, k->arg);
}

static int read_at(struct checker *k, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(k->fd, p, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return vhd_error(-errno, "cannot read '%s': %s", k->path, strerror(errno));
		if (n == 0)
			return vhd_error(-EIO, "cannot read '%s': unexpected end of file", k->path);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

struct region {
	uint64_t start;             /* first byte */
	uint64_t end;               /* one past the last */
	const char *what;           /* for messages */
};

struct block {
	uint64_t start;             /* bitmap offset */
	uint32_t index;             /* BAT index */
};

static int cmp_block(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static bool locator_known(uint32_t code)
{
	return code == VHD_PLAT_W2KU || code == VHD_PLAT_W2RU || code == VHD_PLAT_MACX;
}

static int check_sparse(struct checker *k, const struct vhd_footer *f, uint64_t footer_at)
{
	uint8_t hraw[VHD_HEADER_SIZE], *raw = NULL;
	struct vhd_header h;
	struct region meta[3 + VHD_LOCATORS];
	struct block *blocks = NULL;
	uint32_t bitmap_size, nb = 0;
	uint64_t bat_bytes;
	int nmeta = 0, r;

	if (f->data_offset > k->size || k->size - f->data_offset < VHD_HEADER_SIZE) {
		report(k, "dynamic header offset %llu is past the end of the file",
		       (unsigned long long)f->data_offset);
		return 0;
	}
	r = read_at(k, hraw, sizeof(hraw), f->data_offset);
	if (r < 0)
		return r;
	vhd_header_decode(hraw, &h);
	if (memcmp(h.cookie, "cxsparse", 8) != 0) {
		report(k, "no dynamic disk header at offset %llu (bad cookie)",
		       (unsigned long long)f->data_offset);
		return 0;
	}
	if (!vhd_header_checksum_ok(hraw))
		report(k, "bad dynamic header checksum (stored 0x%08x, computed 0x%08x)", h.checksum,
		       vhd_checksum(hraw, sizeof(hraw), 36));
	if (!vhd_is_pow2(h.block_size) || h.block_size < VHD_SECTOR || h.block_size > VHD_MAX_BLOCK_SIZE) {
		report(k, "invalid block size %u", h.block_size);
		return 0;
	}
	if ((uint64_t)h.max_table_entries * h.block_size < f->current_size)
		report(k, "block table of %u entries is too small for virtual size %llu",
		       h.max_table_entries, (unsigned long long)f->current_size);
	bat_bytes = (uint64_t)h.max_table_entries * 4;
	if (h.table_offset > k->size || k->size - h.table_offset < bat_bytes) {
		report(k, "block table (%u entries at offset %llu) runs past the end of the file",
		       h.max_table_entries, (unsigned long long)h.table_offset);
		return 0;
	}
	bitmap_size = vhd_bitmap_size(h.block_size);
	meta[nmeta++] = (struct region){ f->data_offset, f->data_offset + VHD_HEADER_SIZE, "the dynamic header" };
	meta[nmeta++] = (struct region){ h.table_offset, h.table_offset + vhd_round_up(bat_bytes, VHD_SECTOR),
	                                 "the block table" };
	meta[nmeta++] = (struct region){ 0, VHD_FOOTER_SIZE, "the footer copy" };
	if (meta[0].start < meta[1].end && meta[1].start < meta[0].end)
		report(k, "the block table overlaps the dynamic header");

	if (f->type == VHD_TYPE_DIFF) {
		int usable = 0;

		for (int i = 0; i < VHD_LOCATORS; i++) {
			const struct vhd_locator *loc = &h.loc[i];

			if (!locator_known(loc->code) || loc->length == 0)
				continue;
			if (loc->length > VHD_MAX_LOCATOR_LEN) {
				report(k, "parent locator %d is absurdly long (%u bytes)", i, loc->length);
				continue;
			}
			if (loc->offset > k->size || k->size - loc->offset < loc->length) {
				report(k, "parent locator %d runs past the end of the file", i);
				continue;
			}
			if (loc->code != VHD_PLAT_MACX && (loc->length % 2)) {
				report(k, "parent locator %d has an odd length for UTF-16 (%u bytes)", i, loc->length);
				continue;
			}
			usable++;
			meta[nmeta++] = (struct region){ loc->offset, loc->offset + vhd_round_up(loc->length, VHD_SECTOR),
			                                 "a parent locator" };
		}
		if (!usable && h.parent_name[0] == 0 && h.parent_name[1] == 0)
			report(k, "no usable parent locator and no parent name");
	}

	raw = malloc(bat_bytes ? bat_bytes : 1);
	blocks = malloc((h.max_table_entries ? h.max_table_entries : 1) * sizeof(*blocks));
	if (!raw || !blocks) {
		free(raw);
		free(blocks);
		return vhd_error(-ENOMEM, "cannot check '%s': out of memory", k->path);
	}
	r = read_at(k, raw, bat_bytes, h.table_offset);
	if (r < 0)
		goto out;
	for (uint32_t i = 0; i < h.max_table_entries; i++) {
		uint32_t e = vhd_get_be32(raw + 4 * i);
		uint64_t start = (uint64_t)e * VHD_SECTOR, end;
		bool bad = false;

		if (e == VHD_BAT_UNUSED)
			continue;
		end = start + bitmap_size + h.block_size;
		if ((uint64_t)i * h.block_size >= f->current_size)
			report_bat(k, "block table entry %u is allocated beyond the virtual size", i);
		if (end > footer_at) {
			report_bat(k, "block table entry %u (sector %u) points past the end of the data", i, e);
			bad = true;
		}
		for (int m = 0; m < nmeta; m++) {
			if (start < meta[m].end && meta[m].start < end) {
				report_bat(k, "block %u (at offset %llu) overlaps %s", i, (unsigned long long)start,
				           meta[m].what);
				bad = true;
			}
		}
		if (!bad)
			blocks[nb++] = (struct block){ start, i };
	}
	qsort(blocks, nb, sizeof(*blocks), cmp_block);
	for (uint32_t i = 1; i < nb; i++)
		if (blocks[i].start < blocks[i - 1].start + bitmap_size + h.block_size)
			report_bat(k, "blocks %u and %u overlap", blocks[i - 1].index, blocks[i].index);
	if (k->bat_reports > MAX_REPORTS_PER_KIND && k->fn) {
		char msg[128];

		snprintf(msg, sizeof(msg), "%d more block table problems not listed",
		         k->bat_reports - MAX_REPORTS_PER_KIND);
		k->fn(k->path, msg, k->arg);
	}
	r = 0;
out:
	free(raw);
	free(blocks);
	return r;
}

static void check_parent(struct checker *k)
{
	vhd_chain *c;
	char saved[1024];

	if (vhd_chain_open(k->path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c) == 0) {
		vhd_chain_close(c);
		return;
	}
	snprintf(saved, sizeof(saved), "%s", vhd_errmsg());
	report(k, "parent: %s", saved);
}

int vhd_check(const char *path, vhd_problem_fn fn, void *arg)
{
	struct checker k = { .path = path, .fn = fn, .arg = arg };
	uint8_t end_raw[VHD_FOOTER_SIZE], copy_raw[VHD_FOOTER_SIZE];
	struct vhd_footer f, copy;
	bool end_ok, copy_ok;
	struct stat st;
	off_t size;
	int r;

	vhd_clear_error();
	k.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (k.fd < 0)
		return vhd_error(-errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(k.fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		r = vhd_error(-EINVAL, "cannot check '%s': not a regular file", path);
		goto out;
	}
	/* A writer holds an exclusive lock: its metadata may be mid-update. */
	if (flock(k.fd, LOCK_SH | LOCK_NB) < 0) {
		r = vhd_error(errno == EWOULDBLOCK ? -EBUSY : -errno, "cannot check '%s': %s", path,
		              errno == EWOULDBLOCK ? "it is open for writing elsewhere" : strerror(errno));
		goto out;
	}
	if (pread(k.fd, copy_raw, 8, 0) == 8 && memcmp(copy_raw, "vhdxfile", 8) == 0) {
		close(k.fd);
		return vhdx_check(path, fn, arg);
	}
	size = lseek(k.fd, 0, SEEK_END);
	if (size < (off_t)VHD_FOOTER_SIZE) {
		report(&k, "too small to be a VHD image (%lld bytes)", (long long)size);
		r = k.count;
		goto out;
	}
	k.size = (uint64_t)size;
	r = read_at(&k, end_raw, sizeof(end_raw), k.size - VHD_FOOTER_SIZE);
	if (r == 0)
		r = read_at(&k, copy_raw, sizeof(copy_raw), 0);
	if (r < 0)
		goto out;
	end_ok = memcmp(end_raw, "conectix", 8) == 0 && vhd_footer_checksum_ok(end_raw);
	copy_ok = memcmp(copy_raw, "conectix", 8) == 0 && vhd_footer_checksum_ok(copy_raw);
	vhd_footer_decode(end_raw, &f);
	vhd_footer_decode(copy_raw, &copy);
	if (!end_ok) {
		if (memcmp(end_raw, "conectix", 8) != 0)
			report(&k, "no footer at the end of the file");
		else
			report(&k, "bad footer checksum (stored 0x%08x, computed 0x%08x)", f.checksum,
			       vhd_checksum(end_raw, VHD_FOOTER_SIZE, 64));
		if (!copy_ok || copy.type == VHD_TYPE_FIXED) {
			if (memcmp(copy_raw, "vhdxfile", 8) == 0)
				report(&k, "this is a VHDX image, not VHD");
			r = k.count;
			goto out;
		}
		f = copy;
	}
	if (f.type != VHD_TYPE_FIXED && f.type != VHD_TYPE_DYNAMIC && f.type != VHD_TYPE_DIFF) {
		report(&k, "unsupported disk type %u", f.type);
		r = k.count;
		goto out;
	}
	if (end_ok && f.type != VHD_TYPE_FIXED) {
		if (!copy_ok)
			report(&k, "the footer copy at offset 0 is damaged");
		else if (memcmp(end_raw, copy_raw, VHD_FOOTER_SIZE) != 0)
			report(&k, "the footer copy at offset 0 differs from the footer at the end");
	}
	if ((f.version >> 16) != 1)
		report(&k, "unsupported format version %u.%u", f.version >> 16, f.version & 0xffff);
	if (f.current_size % VHD_SECTOR)
		report(&k, "virtual size %llu is not a multiple of 512", (unsigned long long)f.current_size);
	if (f.type == VHD_TYPE_FIXED) {
		if (f.current_size > k.size - VHD_FOOTER_SIZE)
			report(&k, "truncated: virtual size %llu needs %llu bytes, the file has %llu",
			       (unsigned long long)f.current_size,
			       (unsigned long long)(f.current_size + VHD_FOOTER_SIZE), (unsigned long long)k.size);
		r = k.count;
		goto out;
	}
	r = check_sparse(&k, &f, end_ok ? k.size - VHD_FOOTER_SIZE : k.size);
	if (r < 0)
		goto out;
	if (f.type == VHD_TYPE_DIFF && k.count == 0)
		check_parent(&k);
	r = k.count;
out:
	close(k.fd);
	return r;
}
