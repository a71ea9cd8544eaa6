/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* check.c: vhd_check(), a structural check of one image that reports
 * every problem it finds instead of stopping at the first, as the open
 * path (layer.c) does.
 *
 * The rules are the ones vhd_layer_open() applies (validate.c), run in the
 * mode that collects every problem; this file only chooses which footer
 * to validate and reports what open would repair (a damaged footer or
 * footer copy).  Space that no BAT entry references (left by a crash
 * between the footer move and the BAT update, see alloc.c) is not a
 * problem: it is unused, not corrupt.  Reports of block table problems are
 * capped so a garbage BAT cannot flood the caller; the count returned is
 * still the full count.
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

static void check_parent(struct vhd_validator *v)
{
	vhd_chain *c;
	char saved[1024];

	if (vhd_chain_open(v->path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c) == 0) {
		vhd_chain_close(c);
		return;
	}
	snprintf(saved, sizeof(saved), "%s", vhd_errmsg());
	vhd_validate_problem(v, false, "parent: %s", saved);
}

/* Choose the footer to validate (the end one, or the copy at 0 when the
 * end one is damaged), reporting what is wrong with the end one.  Returns
 * 1 with F chosen, 0 when neither footer can be used, -errno when the file
 * cannot be read. */
static int choose_footer(struct vhd_validator *v, struct vhd_footer *f, uint8_t end_raw[VHD_FOOTER_SIZE],
                         uint8_t copy_raw[VHD_FOOTER_SIZE], bool *end_ok, bool *copy_ok)
{
	struct vhd_footer copy;
	int r;

	r = vhd_read_at(v->fd, v->path, end_raw, VHD_FOOTER_SIZE, v->file_size - VHD_FOOTER_SIZE);
	if (r == 0)
		r = vhd_read_at(v->fd, v->path, copy_raw, VHD_FOOTER_SIZE, 0);
	if (r < 0)
		return r;
	*end_ok = memcmp(end_raw, "conectix", 8) == 0 && vhd_footer_checksum_ok(end_raw);
	*copy_ok = memcmp(copy_raw, "conectix", 8) == 0 && vhd_footer_checksum_ok(copy_raw);
	vhd_footer_decode(end_raw, f);
	vhd_footer_decode(copy_raw, &copy);
	if (*end_ok)
		return 1;
	if (memcmp(end_raw, "conectix", 8) != 0)
		vhd_validate_problem(v, false, "no footer at the end of the file");
	else
		vhd_validate_problem(v, false, "bad footer checksum (stored 0x%08x, computed 0x%08x)",
		                     f->checksum, vhd_checksum(end_raw, VHD_FOOTER_SIZE, 64));
	if (!*copy_ok || copy.type == VHD_TYPE_FIXED) {
		if (vhd_head_is_vhdx(copy_raw, VHD_FOOTER_SIZE))
			vhd_validate_problem(v, false, "this is a VHDX image, not VHD");
		return 0;
	}
	*f = copy;
	return 1;
}

int vhd_check(const char *path, vhd_problem_fn fn, void *arg)
{
	struct vhd_validator v = { .path = path, .collect = true, .report = fn, .arg = arg };
	uint8_t end_raw[VHD_FOOTER_SIZE], copy_raw[VHD_FOOTER_SIZE];
	struct vhd_footer f;
	bool end_ok, copy_ok;
	struct stat st;
	off_t size;
	int r;

	vhd_clear_error();
	v.fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (v.fd < 0)
		return vhd_error(-errno, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(v.fd, &st) < 0 || (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))) {
		r = vhd_error(-EINVAL, "cannot check '%s': not a regular file", path);
		goto out;
	}
	/* A writer holds an exclusive lock: its metadata may be mid-update. */
	if (flock(v.fd, LOCK_SH | LOCK_NB) < 0) {
		r = vhd_error(errno == EWOULDBLOCK ? -EBUSY : -errno, "cannot check '%s': %s", path,
		              errno == EWOULDBLOCK ? "it is open for writing elsewhere" : strerror(errno));
		goto out;
	}
	if (pread(v.fd, copy_raw, 8, 0) == 8 && vhd_head_is_vhdx(copy_raw, 8)) {
		close(v.fd);
		return vhdx_check(path, fn, arg);
	}
	size = lseek(v.fd, 0, SEEK_END);
	if (size < (off_t)VHD_FOOTER_SIZE) {
		vhd_validate_problem(&v, false, "too small to be a VHD image (%lld bytes)", (long long)size);
		r = v.problems;
		goto out;
	}
	v.file_size = (uint64_t)size;
	r = choose_footer(&v, &f, end_raw, copy_raw, &end_ok, &copy_ok);
	if (r <= 0) {
		r = r < 0 ? r : v.problems;
		goto out;
	}
	v.data_end = end_ok ? v.file_size - VHD_FOOTER_SIZE : v.file_size;
	r = vhd_validate_footer(&v, &f);
	/* What open would repair (and warn about) is a problem for check. */
	if (!v.stopped && end_ok && f.type != VHD_TYPE_FIXED) {
		if (!copy_ok)
			vhd_validate_problem(&v, false, "the footer copy at offset 0 is damaged");
		else if (memcmp(end_raw, copy_raw, VHD_FOOTER_SIZE) != 0)
			vhd_validate_problem(&v, false, "the footer copy at offset 0 differs from the footer at the end");
	}
	if (r == 0 && f.type != VHD_TYPE_FIXED)
		r = vhd_validate_sparse(&v, &f);
	free(v.bat);
	if (r < 0 && !v.stopped)
		goto out; /* the file could not be read: the message says why */
	if (f.type == VHD_TYPE_DIFF && v.problems == 0)
		check_parent(&v);
	r = v.problems;
out:
	close(v.fd);
	return r;
}
