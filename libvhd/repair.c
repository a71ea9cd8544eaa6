/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* repair.c: vhd_repair(), the repairs that cannot lose data, and with
 * VHD_REPAIR_FORCE the one that drops what is already unreadable.
 *
 * Safe repairs: a damaged or stale footer copy at offset 0 is rewritten
 * from the footer at the end, and a damaged end footer from the copy (what
 * a writable open does anyway, see layer.c; here it is asked for and
 * reported).  Forced repair: block table entries that point past the end of
 * the file (a truncated file, a torn allocation) are cleared, so the disk
 * opens again; those blocks then read as zeros (or as the parent's data),
 * and each one is reported with how much of it was still inside the file.
 * Nothing else is changed: a header, BAT or locator that is wrong in any
 * other way is left for a person to look at (vhd_check() lists it).
 *
 * Each repair is reported through FIXED as it is made; the BAT is fixed
 * before the footers because a layer with such entries cannot be opened.
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
#include <unistd.h>

#include "internal.h"

struct repairer {
	const char *path;           /* the file */
	vhd_problem_fn fixed;       /* told about each repair */
	void *arg;                  /* for fixed */
	int count;                  /* repairs made */
};

static void VHD_PRINTF(2, 3) fixed(struct repairer *k, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	k->count++;
	if (!k->fixed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	k->fixed(k->path, msg, k->arg);
}

static int read_at(int fd, const char *path, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	if (n == (ssize_t)len)
		return 0;
	return vhd_error(n < 0 ? -errno : -EIO, "cannot read '%s': %s", path,
	                 n < 0 ? strerror(errno) : "unexpected end of file");
}

static bool footer_ok(const uint8_t *raw)
{
	return memcmp(raw, "conectix", 8) == 0 && vhd_footer_checksum_ok(raw);
}

/* Clear the BAT entries whose block runs past the end of the data. */
static int clear_bat_past_end(struct repairer *k, int fd, uint64_t size)
{
	uint8_t end_raw[VHD_FOOTER_SIZE], copy_raw[VHD_FOOTER_SIZE], hraw[VHD_HEADER_SIZE], *bat = NULL;
	struct vhd_footer f;
	struct vhd_header h;
	uint64_t data_end, bat_bytes;
	uint32_t bitmap;
	int r;

	r = read_at(fd, k->path, end_raw, sizeof(end_raw), size - VHD_FOOTER_SIZE);
	if (r == 0)
		r = read_at(fd, k->path, copy_raw, sizeof(copy_raw), 0);
	if (r < 0)
		return r;
	if (footer_ok(end_raw))
		vhd_footer_decode(end_raw, &f);
	else if (footer_ok(copy_raw))
		vhd_footer_decode(copy_raw, &f);
	else
		return 0; /* nothing to go on: left to check */
	if (f.type != VHD_TYPE_DYNAMIC && f.type != VHD_TYPE_DIFF)
		return 0;
	if (f.data_offset > size - VHD_HEADER_SIZE)
		return 0;
	r = read_at(fd, k->path, hraw, sizeof(hraw), f.data_offset);
	if (r < 0)
		return r;
	vhd_header_decode(hraw, &h);
	if (memcmp(h.cookie, "cxsparse", 8) != 0 || !vhd_header_checksum_ok(hraw) ||
	    !vhd_is_pow2(h.block_size) || h.block_size < VHD_SECTOR || h.block_size > VHD_MAX_BLOCK_SIZE)
		return 0;
	bat_bytes = (uint64_t)h.max_table_entries * 4;
	if (h.table_offset > size || size - h.table_offset < bat_bytes)
		return 0;
	bat = malloc(bat_bytes ? bat_bytes : 1);
	if (!bat)
		return vhd_error(-ENOMEM, "cannot repair '%s': out of memory", k->path);
	r = read_at(fd, k->path, bat, bat_bytes, h.table_offset);
	bitmap = vhd_bitmap_size(h.block_size);
	data_end = footer_ok(end_raw) ? size - VHD_FOOTER_SIZE : size;
	for (uint32_t i = 0; r == 0 && i < h.max_table_entries; i++) {
		uint32_t e = vhd_get_be32(bat + 4 * i);
		uint64_t start = (uint64_t)e * VHD_SECTOR, inside;
		uint8_t unused[4];

		if (e == VHD_BAT_UNUSED || start + bitmap + h.block_size <= data_end)
			continue;
		inside = start < data_end ? data_end - start : 0;
		vhd_put_be32(unused, VHD_BAT_UNUSED);
		if (pwrite(fd, unused, 4, (off_t)(h.table_offset + 4ull * i)) != 4) {
			r = vhd_error(-errno, "cannot write '%s': %s", k->path, strerror(errno));
			break;
		}
		fixed(k, "block table entry %u pointed past the end of the file (sector %u): cleared; "
		      "virtual bytes %llu to %llu now read as %s; %llu bytes of the block were inside the file",
		      i, e, (unsigned long long)i * h.block_size, (unsigned long long)(i + 1ull) * h.block_size,
		      f.type == VHD_TYPE_DIFF ? "the parent's data" : "zeros", (unsigned long long)inside);
	}
	if (r == 0 && k->count && fdatasync(fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", k->path, strerror(errno));
	free(bat);
	return r;
}

int vhd_repair(const char *path, unsigned flags, vhd_problem_fn fixed_fn, void *arg)
{
	struct repairer k = { .path = path, .fixed = fixed_fn, .arg = arg };
	struct vhd_layer *l = NULL;
	off_t size;
	int fd, r = 0;

	vhd_clear_error();
	if (flags & ~VHD_REPAIR_FORCE)
		return vhd_error(-EINVAL, "cannot repair '%s': unknown flags 0x%x", path, flags);
	if (flags & VHD_REPAIR_FORCE) {
		fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return vhd_error(-errno, "cannot open '%s': %s", path, strerror(errno));
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			r = vhd_error(errno == EWOULDBLOCK ? -EBUSY : -errno, "cannot repair '%s': %s", path,
			              errno == EWOULDBLOCK ? "it is in use" : strerror(errno));
		} else {
			size = lseek(fd, 0, SEEK_END);
			if (size >= (off_t)(VHD_FOOTER_SIZE + VHD_HEADER_SIZE))
				r = clear_bat_past_end(&k, fd, (uint64_t)size);
		}
		close(fd);
		if (r < 0)
			return r;
	}
	/* The footers: a writable open finds what needs rewriting. */
	r = vhd_layer_open(path, false, &l);
	if (r == -EINVAL)
		return k.count; /* malformed beyond these repairs: for check to list */
	if (r < 0)
		return r;
	r = vhd_layer_lock(l, true);
	if (r == 0 && (l->repair_end || l->repair_copy)) {
		bool end = l->repair_end, copy = l->repair_copy;

		r = vhd_layer_repair(l);
		if (r == 0 && end)
			fixed(&k, "the damaged footer at the end was rewritten from the copy at offset 0 (at offset %llu)",
			      (unsigned long long)l->footer_offset);
		if (r == 0 && copy)
			fixed(&k, "the footer copy at offset 0 was rewritten from the footer at the end");
	}
	vhd_layer_close(l);
	return r < 0 ? r : k.count;
}
