/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* layer.c: opening one VHD file and validating everything about it that
 * can be checked without its parents.
 *
 * Validation is strict and happens once, at open, by the rules vhd_check()
 * also applies (validate.c): after it, the I/O paths trust the BAT (every
 * entry inside the file, no overlaps) and only assert.
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

#include "common/utf16.h"
#include "internal.h"
#include "vhdx_internal.h"

/* Every read and write of an image goes through vhd_sys_* (sysio.c), where
 * the tests inject faults; so these loops are libvhd's own and not
 * common/io.h's pread_all, which cannot be hooked. */
int vhd_read_at(int fd, const char *path, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = vhd_sys_pread(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vhd_error(-errno, "cannot read '%s' at offset %llu: %s", path,
			                 (unsigned long long)off, strerror(errno));
		}
		if (n == 0)
			return vhd_error(-EIO, "cannot read '%s' at offset %llu: unexpected end of file",
			                 path, (unsigned long long)off);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int vhd_write_at(int fd, const char *path, const void *buf, size_t len, uint64_t off)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = vhd_sys_pwrite(fd, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return vhd_error(-errno, "cannot write '%s' at offset %llu: %s", path,
			                 (unsigned long long)off, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int vhd_layer_pread(struct vhd_layer *l, void *buf, size_t len, uint64_t off)
{
	return vhd_read_at(l->fd, l->path, buf, len, off);
}

int vhd_layer_pwrite(struct vhd_layer *l, const void *buf, size_t len, uint64_t off)
{
	return vhd_write_at(l->fd, l->path, buf, len, off);
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
	if (l->vhdx) {
		if (!l->read_only && vhdx_close_clean(l) < 0)
			vhd_log(0, "%s", vhd_errmsg());
		vhdx_layer_free(l->vhdx);
	}
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
	struct vhd_validator v = { .path = l->path, .fd = l->fd, .file_size = file_size };

	return vhd_validate_footer(&v, &l->footer);
}

/* Validate the dynamic header, locators and BAT (validate.c) and keep what
 * the I/O paths need from them. */
static int load_sparse(struct vhd_layer *l, uint64_t file_size, uint64_t limit)
{
	struct vhd_validator v = { .path = l->path, .fd = l->fd, .file_size = file_size,
	                           .data_end = limit };
	int r = vhd_validate_sparse(&v, &l->footer);

	l->bat = v.bat; /* vhd_layer_close() frees it, whatever the outcome */
	if (r < 0)
		return r;
	l->header = v.header;
	l->block_size = v.header.block_size;
	l->block_shift = (uint32_t)__builtin_ctz(v.header.block_size);
	l->bitmap_size = vhd_bitmap_size(v.header.block_size);
	l->bat_entries = v.header.max_table_entries;
	l->meta_end = v.meta_end;
	l->bitmaps = calloc(l->bat_entries ? l->bat_entries : 1, sizeof(*l->bitmaps));
	if (!l->bitmaps)
		return vhd_error(-ENOMEM, "'%s': out of memory for a block table of %u entries", l->path,
		                 l->bat_entries);
	/* Where the footer goes: the end of the file when the end footer is
	 * good; otherwise past everything the BAT and metadata use. */
	if (!l->repair_end) {
		l->footer_offset = file_size - VHD_FOOTER_SIZE;
	} else {
		uint64_t pos = vhd_round_up(file_size, VHD_SECTOR) - VHD_FOOTER_SIZE;
		uint64_t used = vhd_round_up(v.used_end, VHD_SECTOR);

		l->footer_offset = pos > used ? pos : used;
	}
	return 0;
}

static int layer_open(const char *path, bool read_only, bool transparent, struct vhd_layer **out)
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
	l->transparent = transparent;
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
	if (vhd_head_is_vhdx(copy_raw, VHD_FOOTER_SIZE)) {
		/* the content, not the name, says which format this is */
		r = vhdx_layer_load(l, (uint64_t)size);
		if (r < 0)
			goto fail;
		*out = l;
		return 0;
	}
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

int vhd_layer_open(const char *path, bool read_only, struct vhd_layer **out)
{
	return layer_open(path, read_only, false, out);
}

int vhd_layer_open_transparent(const char *path, struct vhd_layer **out)
{
	return layer_open(path, false, true, out);
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

int vhd_info_is_child_of(const struct vhd_info *child, const struct vhd_info *parent)
{
	const uint8_t *id = parent->format == VHD_FORMAT_VHDX ? parent->data_write_guid : parent->uuid;

	return child->type == VHD_TYPE_DIFF && memcmp(child->parent_uuid, id, 16) == 0;
}

int vhd_layer_info(const struct vhd_layer *l, struct vhd_info *info)
{
	const struct vhd_footer *f = &l->footer;
	struct stat st;

	if (l->vhdx)
		return vhdx_layer_info(l, info);
	memset(info, 0, sizeof(*info));
	info->logical_sector_size = info->physical_sector_size = VHD_SECTOR;
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
		if (utf16_to_utf8(l->header.parent_name, 256, UTF16_BE, info->parent_name,
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

	if (l->vhdx)
		return vhdx_layer_lookup(l, off, len, run);
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
	if (bm == vhd_bitmap_full) { /* every block this library allocates in a dynamic disk */
		*run = (struct vhd_run){ len, VHD_RUN_DATA,
		                         (uint64_t)e * VHD_SECTOR + l->bitmap_size + in_block };
		return 0;
	}
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
