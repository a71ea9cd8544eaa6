/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* layer.c: opening one VHD file and validating everything about it that
 * can be checked without its parents.
 *
 * Validation is strict and happens once, at open: after it, the I/O paths
 * trust the BAT (every entry inside the file, no overlaps) and only
 * assert.  The trade-off is an O(n log n) sort of the BAT at open (a few
 * milliseconds for a 2 TiB disk) for I/O paths that never re-check.
 *
 * A damaged end footer with a good copy at offset 0 is accepted with a
 * warning and repaired on a writable open; the copy is what allocation
 * never touches, which is what makes allocation crash-safe (see alloc.c).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Footers beyond this are refused as absurd (64 TiB is 32 times the
 * largest size the VHD format's geometry can describe). */
#define VHD_ABSURD_SIZE (64ull << 40)

int vhd_layer_pread(struct vhd_layer *l, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = vhd_sys_pread(l->fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vhd_error(-errno, "cannot read '%s' at offset %llu: %s", l->path,
			                 (unsigned long long)off, strerror(errno));
		}
		if (n == 0)
			return vhd_error(-EIO, "cannot read '%s' at offset %llu: unexpected end of file",
			                 l->path, (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int vhd_layer_pwrite(struct vhd_layer *l, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = vhd_sys_pwrite(l->fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vhd_error(-errno, "cannot write '%s' at offset %llu: %s", l->path,
			                 (unsigned long long)off, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int vhd_layer_write_footer(struct vhd_layer *l, uint64_t off)
{
	vhd_footer_encode(&l->footer, l->footer_raw);
	return vhd_layer_pwrite(l, l->footer_raw, VHD_FOOTER_SIZE, off);
}

int vhd_layer_lock(struct vhd_layer *l, bool exclusive)
{
	if (flock(l->fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			return vhd_error(-EBUSY, "cannot lock '%s': it is in use (%s lock held elsewhere)",
			                 l->path, exclusive ? "a" : "an exclusive");
		return vhd_error(-errno, "cannot lock '%s': %s", l->path, strerror(errno));
	}
	return 0;
}

void vhd_layer_close(struct vhd_layer *l)
{
	if (!l)
		return;
	if (l->bitmaps) {
		for (uint32_t i = 0; i < l->bat_entries; i++)
			if (l->bitmaps[i] && l->bitmaps[i] != vhd_bitmap_full)
				free((void *)l->bitmaps[i]);
		free(l->bitmaps);
	}
	free(l->bat);
	if (l->fd >= 0)
		close(l->fd);
	pthread_mutex_destroy(&l->alloc_lock);
	free(l);
}

int vhd_layer_bitmap(struct vhd_layer *l, uint32_t b, const uint8_t **out)
{
	const uint8_t *p = __atomic_load_n(&l->bitmaps[b], __ATOMIC_ACQUIRE);
	uint32_t e = __atomic_load_n(&l->bat[b], __ATOMIC_ACQUIRE);
	uint8_t *fresh;
	const uint8_t *expected = NULL;
	int r;

	if (p) {
		*out = p;
		return 0;
	}
	fresh = malloc(l->bitmap_size);
	if (!fresh)
		return vhd_error(-ENOMEM, "cannot cache a bitmap of '%s': out of memory", l->path);
	r = vhd_layer_pread(l, fresh, l->bitmap_size, (uint64_t)e * VHD_SECTOR);
	if (r < 0) {
		free(fresh);
		return r;
	}
	p = fresh;
	if (memcmp(fresh, vhd_bitmap_full, l->bitmap_size) == 0) {
		free(fresh);
		p = vhd_bitmap_full;
	}
	if (!__atomic_compare_exchange_n(&l->bitmaps[b], &expected, p, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		if (p != vhd_bitmap_full)
			free((void *)p);
		p = expected;
	}
	*out = p;
	return 0;
}

static bool footer_good(const uint8_t *raw)
{
	return memcmp(raw, "conectix", 8) == 0 && vhd_footer_checksum_ok(raw);
}

static int check_footer(struct vhd_layer *l, uint64_t file_size)
{
	const struct vhd_footer *f = &l->footer;

	if (f->type != VHD_TYPE_FIXED && f->type != VHD_TYPE_DYNAMIC && f->type != VHD_TYPE_DIFF)
		return vhd_error(-EINVAL, "'%s': unsupported disk type %u", l->path, f->type);
	if ((f->version >> 16) != 1)
		return vhd_error(-EINVAL, "'%s': unsupported format version %u.%u", l->path,
		                 f->version >> 16, f->version & 0xffff);
	if (f->current_size % VHD_SECTOR)
		return vhd_error(-EINVAL, "'%s': virtual size %llu is not a multiple of 512", l->path,
		                 (unsigned long long)f->current_size);
	if (f->current_size > VHD_ABSURD_SIZE)
		return vhd_error(-EINVAL, "'%s': absurd virtual size %llu", l->path,
		                 (unsigned long long)f->current_size);
	if (f->type == VHD_TYPE_FIXED && f->current_size > file_size - VHD_FOOTER_SIZE)
		return vhd_error(-EINVAL, "'%s': truncated: virtual size %llu needs %llu bytes, the file has %llu",
		                 l->path, (unsigned long long)f->current_size,
		                 (unsigned long long)(f->current_size + VHD_FOOTER_SIZE),
		                 (unsigned long long)file_size);
	return 0;
}

/* Byte ranges of the file that hold metadata (for overlap checks). */
struct range {
	uint64_t start;             /* first byte */
	uint64_t end;               /* one past the last */
	const char *what;           /* for messages */
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static bool locator_known(uint32_t code)
{
	return code == VHD_PLAT_W2KU || code == VHD_PLAT_W2RU || code == VHD_PLAT_MACX;
}

static int load_sparse(struct vhd_layer *l, uint64_t file_size, uint64_t limit)
{
	uint8_t hbuf[VHD_HEADER_SIZE];
	struct vhd_header *h = &l->header;
	struct range meta[3 + VHD_LOCATORS];
	int nmeta = 0, r;
	uint64_t bat_bytes, max_end;
	uint8_t *raw;
	uint32_t *sorted;
	uint32_t n = 0;

	if (l->footer.data_offset > file_size || file_size - l->footer.data_offset < VHD_HEADER_SIZE)
		return vhd_error(-EINVAL, "'%s': dynamic header offset %llu is past the end of the file",
		                 l->path, (unsigned long long)l->footer.data_offset);
	r = vhd_layer_pread(l, hbuf, sizeof(hbuf), l->footer.data_offset);
	if (r < 0)
		return r;
	vhd_header_decode(hbuf, h);
	if (memcmp(h->cookie, "cxsparse", 8) != 0)
		return vhd_error(-EINVAL, "'%s': no dynamic disk header at offset %llu (bad cookie)",
		                 l->path, (unsigned long long)l->footer.data_offset);
	if (!vhd_header_checksum_ok(hbuf))
		return vhd_error(-EINVAL, "'%s': bad dynamic header checksum (stored 0x%08x, computed 0x%08x)",
		                 l->path, h->checksum, vhd_checksum(hbuf, sizeof(hbuf), 36));
	if (!vhd_is_pow2(h->block_size) || h->block_size < VHD_SECTOR ||
	    h->block_size > VHD_MAX_BLOCK_SIZE)
		return vhd_error(-EINVAL, "'%s': invalid block size %u", l->path, h->block_size);
	l->block_size = h->block_size;
	l->block_shift = (uint32_t)__builtin_ctz(h->block_size);
	l->bitmap_size = vhd_bitmap_size(h->block_size);
	l->bat_entries = h->max_table_entries;
	if ((uint64_t)h->max_table_entries * h->block_size < l->footer.current_size)
		return vhd_error(-EINVAL, "'%s': block table of %u entries too small for virtual size %llu",
		                 l->path, h->max_table_entries, (unsigned long long)l->footer.current_size);
	bat_bytes = (uint64_t)h->max_table_entries * 4;
	if (h->table_offset > file_size || file_size - h->table_offset < bat_bytes)
		return vhd_error(-EINVAL, "'%s': block table (%u entries at offset %llu) runs past the end of the file",
		                 l->path, h->max_table_entries, (unsigned long long)h->table_offset);

	meta[nmeta++] = (struct range){ l->footer.data_offset, l->footer.data_offset + VHD_HEADER_SIZE,
	                                "the dynamic header" };
	meta[nmeta++] = (struct range){ h->table_offset, h->table_offset + vhd_round_up(bat_bytes, VHD_SECTOR),
	                                "the block table" };
	meta[nmeta++] = (struct range){ 0, VHD_FOOTER_SIZE, "the footer copy" };
	if (l->footer.type == VHD_TYPE_DIFF) {
		for (int i = 0; i < VHD_LOCATORS; i++) {
			const struct vhd_locator *loc = &h->loc[i];

			if (!locator_known(loc->code) || loc->length == 0)
				continue;
			if (loc->length > VHD_MAX_LOCATOR_LEN)
				return vhd_error(-EINVAL, "'%s': parent locator %d is absurdly long (%u bytes)",
				                 l->path, i, loc->length);
			if (loc->offset > file_size || file_size - loc->offset < loc->length)
				return vhd_error(-EINVAL, "'%s': parent locator %d runs past the end of the file",
				                 l->path, i);
			meta[nmeta++] = (struct range){ loc->offset,
			                                loc->offset + vhd_round_up(loc->length, VHD_SECTOR),
			                                "a parent locator" };
		}
	}
	max_end = 0;
	for (int i = 0; i < nmeta; i++)
		if (meta[i].end > max_end)
			max_end = meta[i].end;
	l->meta_end = max_end;

	raw = malloc(bat_bytes ? bat_bytes : 1);
	l->bat = malloc(bat_bytes ? bat_bytes : 1);
	l->bitmaps = calloc(h->max_table_entries ? h->max_table_entries : 1, sizeof(*l->bitmaps));
	sorted = malloc(bat_bytes ? bat_bytes : 1);
	if (!raw || !l->bat || !l->bitmaps || !sorted) {
		free(raw);
		free(sorted);
		return vhd_error(-ENOMEM, "'%s': out of memory for a block table of %u entries", l->path,
		                 h->max_table_entries);
	}
	r = vhd_layer_pread(l, raw, bat_bytes, h->table_offset);
	if (r < 0)
		goto out;
	for (uint32_t i = 0; i < h->max_table_entries; i++) {
		uint32_t e = vhd_get_be32(raw + 4 * i);
		uint64_t start = (uint64_t)e * VHD_SECTOR, end;

		l->bat[i] = e;
		if (e == VHD_BAT_UNUSED)
			continue;
		end = start + l->bitmap_size + l->block_size;
		if (end > limit) {
			r = vhd_error(-EINVAL, "'%s': block table entry %u (sector %u) points past the end of the file",
			              l->path, i, e);
			goto out;
		}
		for (int k = 0; k < nmeta; k++) {
			if (start < meta[k].end && meta[k].start < end) {
				r = vhd_error(-EINVAL, "'%s': block %u (at offset %llu) overlaps %s", l->path, i,
				              (unsigned long long)start, meta[k].what);
				goto out;
			}
		}
		if (end > max_end)
			max_end = end;
		sorted[n++] = e;
	}
	qsort(sorted, n, sizeof(*sorted), cmp_u32);
	for (uint32_t i = 1; i < n; i++) {
		if ((uint64_t)sorted[i] * VHD_SECTOR < (uint64_t)sorted[i - 1] * VHD_SECTOR +
		                                           l->bitmap_size + l->block_size) {
			r = vhd_error(-EINVAL, "'%s': blocks at sectors %u and %u overlap", l->path,
			              sorted[i - 1], sorted[i]);
			goto out;
		}
	}
	/* Where the footer goes: the end of the file when the end footer is
	 * good; otherwise past everything the BAT and metadata use. */
	if (!l->repair_end) {
		l->footer_offset = file_size - VHD_FOOTER_SIZE;
	} else {
		uint64_t pos = vhd_round_up(file_size, VHD_SECTOR) - VHD_FOOTER_SIZE;

		max_end = vhd_round_up(max_end, VHD_SECTOR);
		l->footer_offset = pos > max_end ? pos : max_end;
	}
	r = 0;
out:
	free(raw);
	free(sorted);
	return r;
}

int vhd_layer_open(const char *path, bool read_only, struct vhd_layer **out)
{
	struct vhd_layer *l;
	uint8_t end_raw[VHD_FOOTER_SIZE], copy_raw[VHD_FOOTER_SIZE];
	struct stat st;
	off_t size;
	bool end_ok, copy_ok;
	int r;

	*out = NULL;
	if (strlen(path) >= sizeof(l->path))
		return vhd_error(-ENAMETOOLONG, "cannot open '%.64s...': path too long", path);
	l = calloc(1, sizeof(*l));
	if (!l)
		return vhd_error(-ENOMEM, "cannot open '%s': out of memory", path);
	pthread_mutex_init(&l->alloc_lock, NULL);
	strcpy(l->path, path);
	l->read_only = read_only;
	/* O_NONBLOCK: a FIFO named by a hostile locator must not hang us. */
	l->fd = open(path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK);
	if (l->fd < 0) {
		r = vhd_error(-errno, "cannot open '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(l->fd, &st) < 0) {
		r = vhd_error(-errno, "cannot stat '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		r = vhd_error(-EINVAL, "cannot open '%s': not a regular file", path);
		goto fail;
	}
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	size = lseek(l->fd, 0, SEEK_END);
	if (size < 0) {
		r = vhd_error(-errno, "cannot find the size of '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (size < (off_t)VHD_FOOTER_SIZE) {
		r = vhd_error(-EINVAL, "'%s': too small to be a VHD image (%lld bytes)", path,
		              (long long)size);
		goto fail;
	}
	r = vhd_layer_pread(l, end_raw, VHD_FOOTER_SIZE, (uint64_t)size - VHD_FOOTER_SIZE);
	if (r < 0)
		goto fail;
	r = vhd_layer_pread(l, copy_raw, VHD_FOOTER_SIZE, 0);
	if (r < 0)
		goto fail;
	end_ok = footer_good(end_raw);
	copy_ok = footer_good(copy_raw) && vhd_get_be32(copy_raw + 60) != VHD_TYPE_FIXED;
	if (end_ok) {
		memcpy(l->footer_raw, end_raw, VHD_FOOTER_SIZE);
		vhd_footer_decode(end_raw, &l->footer);
		if (l->footer.type != VHD_TYPE_FIXED && memcmp(end_raw, copy_raw, VHD_FOOTER_SIZE) != 0) {
			vhd_log(0, "'%s': the footer copy at offset 0 %s the footer at the end%s", path,
			        copy_ok ? "differs from" : "is damaged; using",
			        read_only ? "" : "; repairing it");
			l->repair_copy = true;
		}
	} else if (copy_ok) {
		memcpy(l->footer_raw, copy_raw, VHD_FOOTER_SIZE);
		vhd_footer_decode(copy_raw, &l->footer);
		vhd_log(0, "'%s': the footer at the end is damaged; using the copy at offset 0%s", path,
		        read_only ? "" : " and repairing the end");
		l->repair_end = true;
	} else if (memcmp(end_raw, "conectix", 8) == 0) {
		r = vhd_error(-EINVAL, "'%s': bad footer checksum (stored 0x%08x, computed 0x%08x)", path,
		              vhd_get_be32(end_raw + 64), vhd_checksum(end_raw, VHD_FOOTER_SIZE, 64));
		goto fail;
	} else if (memcmp(copy_raw, "conectix", 8) == 0) {
		r = vhd_error(-EINVAL, "'%s': bad footer checksum in the copy at offset 0 (stored 0x%08x, computed 0x%08x) and no footer at the end",
		              path, vhd_get_be32(copy_raw + 64), vhd_checksum(copy_raw, VHD_FOOTER_SIZE, 64));
		goto fail;
	} else if (memcmp(copy_raw, "vhdxfile", 8) == 0) {
		r = vhd_error(-EINVAL, "'%s': a VHDX image, not VHD (unsupported)", path);
		goto fail;
	} else {
		r = vhd_error(-EINVAL, "'%s': not a VHD image (no footer)", path);
		goto fail;
	}
	r = check_footer(l, (uint64_t)size);
	if (r < 0)
		goto fail;
	l->size = l->footer.current_size;
	if (l->footer.type == VHD_TYPE_FIXED) {
		l->footer_offset = (uint64_t)size - VHD_FOOTER_SIZE;
		l->meta_end = 0;
	} else {
		uint64_t limit = l->repair_end ? (uint64_t)size : (uint64_t)size - VHD_FOOTER_SIZE;

		r = load_sparse(l, (uint64_t)size, limit);
		if (r < 0)
			goto fail;
	}
	*out = l;
	return 0;
fail:
	vhd_layer_close(l);
	return r;
}

int vhd_layer_repair(struct vhd_layer *l)
{
	int r;

	if (l->read_only || (!l->repair_end && !l->repair_copy))
		return 0;
	if (l->repair_end) {
		r = vhd_layer_pwrite(l, l->footer_raw, VHD_FOOTER_SIZE, l->footer_offset);
		if (r < 0)
			return r;
	}
	if (l->repair_copy) {
		r = vhd_layer_pwrite(l, l->footer_raw, VHD_FOOTER_SIZE, 0);
		if (r < 0)
			return r;
	}
	if (vhd_sys_fdatasync(l->fd) < 0)
		return vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	l->repair_end = l->repair_copy = false;
	return 0;
}

int vhd_layer_info(const struct vhd_layer *l, struct vhd_info *info)
{
	const struct vhd_footer *f = &l->footer;
	struct stat st;

	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "%s", l->path);
	info->type = (enum vhd_type)f->type;
	info->virtual_size = f->current_size;
	info->original_size = f->original_size;
	if (fstat(l->fd, &st) == 0)
		info->file_size = (uint64_t)st.st_size;
	memcpy(info->uuid, f->uuid, 16);
	info->timestamp = f->timestamp;
	memcpy(info->creator_app, f->creator_app, 4);
	info->creator_version = f->creator_version;
	if (f->creator_os)
		vhd_put_be32((uint8_t *)info->creator_os, f->creator_os);
	info->cylinders = f->cylinders;
	info->heads = f->heads;
	info->sectors_per_track = f->sectors_per_track;
	info->read_only = l->read_only;
	if (vhd_layer_sparse(l)) {
		info->block_size = l->block_size;
		info->max_table_entries = l->bat_entries;
		for (uint32_t i = 0; i < l->bat_entries; i++)
			if (__atomic_load_n(&l->bat[i], __ATOMIC_ACQUIRE) != VHD_BAT_UNUSED)
				info->allocated_blocks++;
	}
	if (f->type == VHD_TYPE_DIFF) {
		memcpy(info->parent_uuid, l->header.parent_uuid, 16);
		info->parent_timestamp = l->header.parent_timestamp;
		if (vhd_utf16_to_utf8(l->header.parent_name, 256, true, info->parent_name,
		                      sizeof(info->parent_name)) < 0)
			snprintf(info->parent_name, sizeof(info->parent_name), "(invalid UTF-16)");
	}
	return 0;
}

int vhd_layer_lookup(struct vhd_layer *l, uint64_t off, uint64_t len, struct vhd_run *run)
{
	uint64_t in_block;
	uint32_t b, e, s, nsec, bits;
	const uint8_t *bm;
	bool set;
	int r;

	if (len > l->size - off)
		len = l->size - off;
	if (!vhd_layer_sparse(l)) {
		*run = (struct vhd_run){ len, VHD_RUN_DATA, off };
		return 0;
	}
	b = (uint32_t)(off >> l->block_shift);
	in_block = off & (l->block_size - 1);
	if (len > l->block_size - in_block)
		len = l->block_size - in_block;
	e = __atomic_load_n(&l->bat[b], __ATOMIC_ACQUIRE);
	if (e == VHD_BAT_UNUSED) {
		*run = (struct vhd_run){ len, VHD_RUN_ABSENT, 0 };
		return 0;
	}
	r = vhd_layer_bitmap(l, b, &bm);
	if (r < 0)
		return r;
	s = (uint32_t)(in_block / VHD_SECTOR);
	nsec = (uint32_t)((in_block + len + VHD_SECTOR - 1) / VHD_SECTOR) - s;
	bits = vhd_bit_run(bm, s, nsec, &set);
	if ((uint64_t)(s + bits) * VHD_SECTOR - in_block < len)
		len = (uint64_t)(s + bits) * VHD_SECTOR - in_block;
	if (set)
		*run = (struct vhd_run){ len, VHD_RUN_DATA,
		                         (uint64_t)e * VHD_SECTOR + l->bitmap_size + in_block };
	else
		*run = (struct vhd_run){ len, VHD_RUN_ABSENT, 0 };
	return 0;
}
