/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* create.c: making new fixed, dynamic and differencing images.
 *
 * The image is built under a temporary name in the target's folder and
 * linked into place only when complete and synced, so a failure (or a
 * crash) leaves nothing behind under the target name, and an existing file
 * is never clobbered unless VHD_CREATE_OVERWRITE asks for it.
 *
 * Creator fields: creator application "qem2", version 0.1, host OS
 * "Wi2k".  Readers disagree on where the virtual size lives: Virtual PC
 * and qemu derive it from the CHS geometry, which the specification's
 * algorithm rounds DOWN (a 40 MiB disk becomes 41909760 bytes), while
 * Hyper-V and libvhdi use the current-size field.  qemu 7.2 (block/vpc.c,
 * vpc_open) trusts current_size only for the creator applications "win ",
 * "qem2", "d2v ", "CTXS" and "tap\0".  "qem2" is the one that says just
 * that ("written by a tool that means current_size"), without claiming the
 * image came from Windows, XenServer or Disk2vhd, so every size we write
 * reads back exactly in qemu-img, vhdiinfo and Windows alike.  The CHS
 * field is still filled in as the specification computes it.
 *
 * Layout of a dynamic or differencing image we create:
 *   0        footer copy
 *   512      dynamic header
 *   1536     BAT (sector-padded)
 *   ...      differencing: W2ku then W2ru locator data, each in its own
 *            sector-aligned space of at least 8 KiB (room for a relink)
 *   ...      footer; blocks are added in its place (see alloc.c)
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/utf16.h"
#include "internal.h"
#include "vhdx_internal.h"

#define DEFAULT_BLOCK_SIZE (2u << 20)
#define MIN_LOCATOR_SPACE 8192u
#define CREATOR_APP "qem2"
#define CREATOR_VERSION 0x00000001u /* libvhd 0.1 */
#define CREATOR_OS 0x5769326bu      /* "Wi2k" */

static void footer_init(struct vhd_footer *f, enum vhd_type type, uint64_t size)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->cookie, "conectix", 8);
	f->features = 2;
	f->version = 0x00010000;
	f->data_offset = type == VHD_TYPE_FIXED ? ~0ull : VHD_FOOTER_SIZE;
	f->timestamp = vhd_now();
	memcpy(f->creator_app, CREATOR_APP, 4);
	f->creator_version = CREATOR_VERSION;
	f->creator_os = CREATOR_OS;
	f->original_size = size;
	f->current_size = size;
	vhd_geometry(size / VHD_SECTOR, &f->cylinders, &f->heads, &f->sectors_per_track);
	f->type = type;
}

/* The folder of PATH (which need not exist) as an absolute, resolved path. */
int vhd_folder_of(const char *path, char *out)
{
	char tmp[PATH_MAX];
	char *slash;

	snprintf(tmp, sizeof(tmp), "%s", path);
	slash = strrchr(tmp, '/');
	if (!slash)
		strcpy(tmp, ".");
	else if (slash == tmp)
		tmp[1] = '\0';
	else
		*slash = '\0';
	if (!realpath(tmp, out))
		return -errno;
	return 0;
}

/* TARGET relative to folder FROM (both absolute and resolved), written the
 * way Windows writes W2ru: ".\x.vhd", "..\dir\x.vhd". */
void vhd_relative_path(const char *from, const char *target, char *out, size_t outsz)
{
	size_t common = 0, i = 0;
	size_t o = 0;

	/* longest common prefix ending at a component boundary */
	while (from[i] && target[i] && from[i] == target[i]) {
		i++;
		if (from[i] == '/' || from[i] == '\0')
			if (target[i] == '/')
				common = i;
	}
	if (strcmp(from, "/") == 0)
		common = 0;
	out[0] = '\0';
	if (from[common] == '\0' || strcmp(from, "/") == 0) {
		o += (size_t)snprintf(out + o, outsz - o, ".");
	} else {
		for (const char *s = from + common; *s && o < outsz; s++)
			if (*s == '/')
				o += (size_t)snprintf(out + o, outsz - o, o ? "\\.." : "..");
	}
	if (o < outsz)
		snprintf(out + o, outsz - o, "%s", target + common);
	for (char *s = out; *s; s++)
		if (*s == '/')
			*s = '\\';
}

/* Fill the parent fields of H for a child at CHILD_PATH whose parent is
 * PARENT_ABS (absolute, resolved) with footer PF.  Locator data is
 * returned in LOC_DATA (malloc'd, UTF-16LE), W2ku first. */
int vhd_set_parent_fields(struct vhd_header *h, const char *child_path, const char *parent_abs,
                          const struct vhd_footer *pf, uint8_t *loc_data[2], uint32_t loc_len[2])
{
	char dir[PATH_MAX], rel[PATH_MAX * 2];
	const char *name;
	int r, n;

	r = vhd_folder_of(child_path, dir);
	if (r < 0)
		return vhd_error(r, "cannot resolve the folder of '%s': %s", child_path, strerror(-r));
	vhd_relative_path(dir, parent_abs, rel, sizeof(rel));
	memcpy(h->parent_uuid, pf->uuid, 16);
	h->parent_timestamp = pf->timestamp;
	memset(h->parent_name, 0, sizeof(h->parent_name));
	/* The unicode name holds 256 UTF-16 units: the absolute path when
	 * it fits (as Windows writes), else the basename. */
	name = parent_abs;
	if (utf8_to_utf16(name, UTF16_BE, h->parent_name, sizeof(h->parent_name)) < 0) {
		name = strrchr(parent_abs, '/') ? strrchr(parent_abs, '/') + 1 : parent_abs;
		memset(h->parent_name, 0, sizeof(h->parent_name));
		if (utf8_to_utf16(name, UTF16_BE, h->parent_name, sizeof(h->parent_name)) < 0)
			return vhd_error(-ENAMETOOLONG, "cannot name parent '%s': name too long or not UTF-8",
			                 parent_abs);
	}
	for (int k = 0; k < 2; k++) {
		const char *s = k == 0 ? parent_abs : rel;
		size_t cap = strlen(s) * 4 + 2;

		loc_data[k] = malloc(cap);
		if (!loc_data[k])
			return vhd_error(-ENOMEM, "cannot write locators: out of memory");
		n = (int)utf8_to_utf16(s, UTF16_LE, loc_data[k], cap);
		if (n < 0)
			return vhd_error(n, "cannot write a locator for '%s': not UTF-8", s);
		loc_len[k] = (uint32_t)n;
	}
	return 0;
}

static int build_fixed(int fd, const char *path, struct vhd_footer *f, bool sparse)
{
	uint8_t raw[VHD_FOOTER_SIZE];
	uint64_t total = f->current_size + VHD_FOOTER_SIZE;

	/* fallocate reserves the space without writing it (a 24 GiB disk in
	 * milliseconds); where the file system cannot, or the caller asks for
	 * a sparse file, the data area is a hole. */
	if (sparse) {
		if (ftruncate(fd, (off_t)total) < 0)
			return vhd_error(-errno, "cannot size '%s': %s", path, strerror(errno));
	} else if (fallocate(fd, 0, 0, (off_t)total) < 0) {
		if (errno != EOPNOTSUPP && errno != ENOSYS)
			return vhd_error(-errno, "cannot allocate %llu bytes for '%s': %s",
			                 (unsigned long long)total, path, strerror(errno));
		if (ftruncate(fd, (off_t)total) < 0)
			return vhd_error(-errno, "cannot size '%s': %s", path, strerror(errno));
	}
	vhd_footer_encode(f, raw);
	return vhd_write_at(fd, path, raw, sizeof(raw), f->current_size);
}

static int build_sparse(int fd, const char *path, struct vhd_footer *f, uint32_t block_size,
                        const char *parent_abs, const struct vhd_footer *pf)
{
	struct vhd_header h;
	uint8_t fraw[VHD_FOOTER_SIZE], hraw[VHD_HEADER_SIZE], *bat = NULL, *loc[2] = { NULL, NULL };
	uint32_t loc_len[2] = { 0, 0 };
	uint64_t entries = (f->current_size + block_size - 1) / block_size;
	uint64_t bat_bytes = vhd_round_up(entries * 4, VHD_SECTOR);
	uint64_t pos = 3 * VHD_SECTOR + bat_bytes;
	int r;

	memset(&h, 0, sizeof(h));
	memcpy(h.cookie, "cxsparse", 8);
	h.data_offset = ~0ull;
	h.table_offset = 3 * VHD_SECTOR;
	h.version = 0x00010000;
	h.max_table_entries = (uint32_t)entries;
	h.block_size = block_size;
	if (parent_abs) {
		r = vhd_set_parent_fields(&h, path, parent_abs, pf, loc, loc_len);
		if (r < 0)
			goto out;
		for (int k = 0; k < 2; k++) {
			uint32_t space = (uint32_t)vhd_round_up(loc_len[k], VHD_SECTOR);

			if (space < MIN_LOCATOR_SPACE)
				space = MIN_LOCATOR_SPACE;
			h.loc[k].code = k == 0 ? VHD_PLAT_W2KU : VHD_PLAT_W2RU;
			h.loc[k].space = space;
			h.loc[k].length = loc_len[k];
			h.loc[k].offset = pos;
			r = vhd_write_at(fd, path, loc[k], loc_len[k], pos);
			if (r < 0)
				goto out;
			pos += space;
		}
	}
	bat = malloc(bat_bytes);
	if (!bat) {
		r = vhd_error(-ENOMEM, "cannot create '%s': out of memory", path);
		goto out;
	}
	memset(bat, 0xff, bat_bytes);
	vhd_footer_encode(f, fraw);
	vhd_header_encode(&h, hraw);
	r = vhd_write_at(fd, path, fraw, sizeof(fraw), 0);
	if (r == 0)
		r = vhd_write_at(fd, path, hraw, sizeof(hraw), VHD_SECTOR);
	if (r == 0)
		r = vhd_write_at(fd, path, bat, bat_bytes, h.table_offset);
	if (r == 0)
		r = vhd_write_at(fd, path, fraw, sizeof(fraw), pos);
out:
	free(bat);
	free(loc[0]);
	free(loc[1]);
	return r;
}

int vhd_create_tmpfile(const char *path, char *tmp, size_t tmpsz, int *fd)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		snprintf(tmp, tmpsz, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1);
	else
		snprintf(tmp, tmpsz, ".%s.XXXXXX", path);
	*fd = mkostemp(tmp, O_CLOEXEC);
	if (*fd < 0)
		return vhd_error(-errno, "cannot create '%s': %s", path, strerror(errno));
	if (fchmod(*fd, 0644) < 0) {
		int r = vhd_error(-errno, "cannot create '%s': %s", path, strerror(errno));

		close(*fd);
		unlink(tmp);
		return r;
	}
	return 0;
}

int vhd_create_publish(int fd, const char *tmp, const char *path, unsigned flags)
{
	int r;

	if (!(flags & VHD_CREATE_NOSYNC_) && vhd_sys_fsync(fd) < 0) {
		r = vhd_error(-errno, "cannot sync '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (flags & VHD_CREATE_OVERWRITE) {
		if (rename(tmp, path) < 0) {
			r = vhd_error(-errno, "cannot create '%s': %s", path, strerror(errno));
			goto fail;
		}
	} else {
		if (link(tmp, path) < 0) {
			r = errno == EEXIST ? vhd_error(-EEXIST, "cannot create '%s': file exists", path)
			                    : vhd_error(-errno, "cannot create '%s': %s", path, strerror(errno));
			goto fail;
		}
		unlink(tmp);
	}
	close(fd);
	return 0;
fail:
	close(fd);
	unlink(tmp);
	return r;
}

/* vhd_create(), for a VHD whose parent (if any) is LIVE when not NULL: the
 * parent's identity is taken from that open layer instead of its file. */
static int create_vhd(const char *path, const struct vhd_create_opts *opts,
                      const struct vhd_layer *live)
{
	struct vhd_footer f, pf = { 0 };
	struct vhd_layer *parent = NULL;
	char tmp[PATH_MAX + 32], parent_abs[PATH_MAX];
	uint32_t block_size = opts->block_size ? opts->block_size : DEFAULT_BLOCK_SIZE;
	uint64_t size = opts->size;
	int fd, r;

	if (opts->type != VHD_TYPE_FIXED &&
	    (!vhd_is_pow2(block_size) || block_size < 4096 || block_size > VHD_MAX_BLOCK_SIZE))
		return vhd_error(-EINVAL, "cannot create '%s': block size %u is not a power of two from 4 KiB to 256 MiB",
		                 path, block_size);
	if (opts->type == VHD_TYPE_DIFF && live) {
		if (!realpath(live->path, parent_abs))
			return vhd_error(-errno, "cannot create '%s': parent '%s': %s", path, live->path,
			                 strerror(errno));
		pf = live->footer;
		size = live->size;
	} else if (opts->type == VHD_TYPE_DIFF) {
		if (!opts->parent)
			return vhd_error(-EINVAL, "cannot create '%s': a differencing disk needs a parent", path);
		if (!realpath(opts->parent, parent_abs))
			return vhd_error(-errno, "cannot create '%s': parent '%s': %s", path, opts->parent,
			                 strerror(errno));
		r = vhd_layer_open(parent_abs, true, &parent);
		if (r < 0)
			return r;
		/* A parent open for writing elsewhere would change under its
		 * new child: refuse, as for any parent (see chain.c). */
		r = vhd_layer_lock(parent, false);
		if (r < 0) {
			vhd_layer_close(parent);
			return r;
		}
		pf = parent->footer;
		size = parent->size;
		vhd_layer_close(parent);
	}
	if (size == 0 || size % VHD_SECTOR)
		return vhd_error(-EINVAL, "cannot create '%s': size %llu is not a positive multiple of 512",
		                 path, (unsigned long long)size);
	if (size > VHD_MAX_CREATE_SIZE)
		return vhd_error(-EFBIG, "cannot create '%s': size %llu is larger than the VHD limit of 2040 GiB",
		                 path, (unsigned long long)size);
	footer_init(&f, opts->type, size);
	r = vhd_uuid_generate(f.uuid);
	if (r < 0)
		return r;

	r = vhd_create_tmpfile(path, tmp, sizeof(tmp), &fd);
	if (r < 0)
		return r;
	if (opts->type == VHD_TYPE_FIXED)
		r = build_fixed(fd, path, &f, (opts->flags & VHD_CREATE_SPARSE) != 0);
	else
		r = build_sparse(fd, path, &f, block_size,
		                 opts->type == VHD_TYPE_DIFF ? parent_abs : NULL, &pf);
	if (r < 0)
		goto fail;
	return vhd_create_publish(fd, tmp, path, opts->flags);
fail:
	close(fd);
	unlink(tmp);
	return r;
}

int vhd_create(const char *path, const struct vhd_create_opts *opts)
{
	vhd_clear_error();
	if (opts->type != VHD_TYPE_FIXED && opts->type != VHD_TYPE_DYNAMIC && opts->type != VHD_TYPE_DIFF)
		return vhd_error(-EINVAL, "cannot create '%s': unknown disk type %d", path, (int)opts->type);
	if (opts->format == VHD_FORMAT_VHDX)
		return vhdx_create(path, opts, NULL);
	if (opts->format != VHD_FORMAT_VHD)
		return vhd_error(-EINVAL, "cannot create '%s': unknown format %d", path, (int)opts->format);
	return create_vhd(path, opts, NULL);
}

int vhd_create_child_of(const char *path, const struct vhd_layer *parent, unsigned flags)
{
	struct vhd_create_opts o = {
		.type = VHD_TYPE_DIFF,
		.format = parent->vhdx ? VHD_FORMAT_VHDX : VHD_FORMAT_VHD,
		.parent = parent->path,
		.flags = flags,
	};

	vhd_clear_error();
	return parent->vhdx ? vhdx_create(path, &o, parent) : create_vhd(path, &o, parent);
}
