/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_create.c: creating fixed, dynamic and differencing VHDX files.
 *
 * Layout (every region 1 MiB aligned, as the specification requires):
 *   0      file identifier, headers 1 and 2, region tables 1 and 2
 *   1 MiB  log (1 MiB, empty: LogGuid zero)
 *   2 MiB  metadata region (1 MiB: the table, then the items from 64 KiB)
 *   3 MiB  BAT (rounded up to 1 MiB)
 *   then   payload blocks (fixed: all of them, in order); a differencing
 *          disk's sector bitmap blocks, one per chunk, zeros (holes)
 * The file is built under a temporary name and linked into place only when
 * complete and synced (create.c), so a crash never leaves half an image.
 *
 * Fixed disks set LeaveBlocksAllocated and reserve their data with
 * fallocate (fast: no zeros written) unless VHD_CREATE_SPARSE.  A
 * differencing disk takes its parent's size and logical sector size and
 * records parent_linkage (the parent's DataWriteGuid), relative_path
 * (".\name.vhdx" as Windows writes it) and absolute_win32_path (the
 * absolute path with backslashes: Linux has no drive letter).
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
#include <unistd.h>

#include "common/utf16.h"
#include "vhdx_internal.h"

#define LOG_OFF (1 * VHDX_MIB)
#define META_OFF (2 * VHDX_MIB)
#define BAT_OFF (3 * VHDX_MIB)
#define ITEMS (64 * VHDX_KIB)  /* first metadata item, from the region start */
#define CREATOR "vhdtarget libvhd"

const char *vhd_format_name(enum vhd_format format)
{
	return format == VHD_FORMAT_VHDX ? "vhdx" : format == VHD_FORMAT_VHD ? "vhd" : "unknown";
}

struct kv_out {
	const char *key;
	char value[PATH_MAX * 2];
};

/* The parent locator item for KV (N entries) into OUT (SPACE bytes);
 * returns its length or -errno. */
static int build_locator(const struct kv_out *kv, int n, uint8_t *out, size_t space)
{
	size_t pos = 20 + 12 * (size_t)n;

	memcpy(out, vhdx_guid_locator_type, 16);
	vhdx_put_le16(out + 18, (uint16_t)n);
	for (int i = 0; i < n; i++) {
		uint8_t *e = out + 20 + 12 * i;
		int kl, vl;

		kl = utf8_to_utf16(kv[i].key, UTF16_LE, out + pos, space - pos);
		if (kl < 0)
			return kl;
		vhdx_put_le32(e, (uint32_t)pos);
		vhdx_put_le16(e + 8, (uint16_t)kl);
		pos += (size_t)kl;
		vl = utf8_to_utf16(kv[i].value, UTF16_LE, out + pos, space - pos);
		if (vl < 0 || vl > 65535)
			return vl < 0 ? vl : -ENAMETOOLONG;
		vhdx_put_le32(e + 4, (uint32_t)pos);
		vhdx_put_le16(e + 10, (uint16_t)vl);
		pos += (size_t)vl;
	}
	return (int)pos;
}

int vhdx_build_locator(const char *child_path, const char *parent_abs, const vhdx_guid linkage,
                       uint8_t *out, size_t space)
{
	struct kv_out *kv = calloc(3, sizeof(*kv));
	char dir[PATH_MAX];
	int r;

	if (!kv)
		return vhd_error(-ENOMEM, "cannot write a parent locator: out of memory");
	kv[0].key = "parent_linkage";
	vhdx_guid_format(linkage, kv[0].value);
	kv[1].key = "relative_path";
	r = vhd_folder_of(child_path, dir);
	if (r < 0) {
		free(kv);
		return vhd_error(r, "cannot resolve the folder of '%s': %s", child_path, strerror(-r));
	}
	vhd_relative_path(dir, parent_abs, kv[1].value, sizeof(kv[1].value));
	kv[2].key = "absolute_win32_path";
	snprintf(kv[2].value, sizeof(kv[2].value), "%s", parent_abs);
	for (char *s = kv[2].value; *s; s++)
		if (*s == '/')
			*s = '\\';
	r = build_locator(kv, 3, out, space);
	free(kv);
	if (r < 0)
		return vhd_error(r, "cannot write a locator for '%s': path too long or not UTF-8",
		                 parent_abs);
	return r;
}

static void meta_entry(uint8_t *table, int i, const vhdx_guid id, uint32_t off, uint32_t len,
                       uint32_t flags)
{
	uint8_t *e = table + 32 + 32 * i;

	memcpy(e, id, 16);
	vhdx_put_le32(e + 16, off);
	vhdx_put_le32(e + 20, len);
	vhdx_put_le32(e + 24, flags);
}

/* Parent facts a differencing child needs. */
struct parent_facts {
	char abs[PATH_MAX];
	uint64_t size;
	uint32_t lsec, psec;
	vhdx_guid data_write_guid;
};

static void facts_of(const struct vhd_layer *p, struct parent_facts *pf)
{
	pf->size = p->size;
	pf->lsec = p->vhdx->lsec;
	pf->psec = p->vhdx->psec;
	memcpy(pf->data_write_guid, p->vhdx->hdr.data_write_guid, 16);
}

static int read_parent(const char *path, const char *parent, struct parent_facts *pf)
{
	struct vhd_layer *p;
	int r;

	if (!realpath(parent, pf->abs))
		return vhd_error(-errno, "cannot create '%s': parent '%s': %s", path, parent, strerror(errno));
	r = vhd_layer_open(pf->abs, true, &p);
	if (r < 0)
		return r;
	r = vhd_layer_lock(p, false);
	if (r == 0 && !p->vhdx)
		r = vhd_error(-EINVAL, "cannot create '%s': parent '%s' is a VHD; a VHDX child needs a VHDX parent",
		              path, parent);
	if (r == 0)
		facts_of(p, pf);
	vhd_layer_close(p);
	return r;
}

/* The facts of LIVE, an open VHDX layer (its DataWriteGuid as it is now,
 * which a later first write of a session would change: see
 * vhd_chain_push_child for why that cannot happen to it). */
static int live_parent(const char *path, const struct vhd_layer *live, struct parent_facts *pf)
{
	if (!realpath(live->path, pf->abs))
		return vhd_error(-errno, "cannot create '%s': parent '%s': %s", path, live->path,
		                 strerror(errno));
	facts_of(live, pf);
	return 0;
}

/* Write the 4 KiB pages of BUF (LEN bytes, a multiple of 4 KiB) that are
 * not all zeros, at OFF: the rest stays a hole, which reads as zeros.  A
 * new disk's regions are mostly zeros (1 MiB of metadata for a few
 * hundred bytes of items, a BAT of a few entries), and a snapshot child is
 * made while tgtd holds the LU still (bs_vhd): its sync then writes tens
 * of KiB instead of megabytes. */
static int write_pages(int fd, const char *path, const uint8_t *buf, uint64_t len, uint64_t off)
{
	static const uint8_t zero[4096];

	for (uint64_t p = 0; p < len; p += sizeof(zero)) {
		uint64_t run = p;

		while (run < len && memcmp(buf + run, zero, sizeof(zero)) != 0)
			run += sizeof(zero);
		if (run > p) {
			int r = vhd_write_at(fd, path, buf + p, run - p, off + p);

			if (r < 0)
				return r;
			p = run;
		}
	}
	return 0;
}

static int build(int fd, const char *path, const struct vhd_create_opts *o, uint32_t block_size,
                 uint64_t size, const struct parent_facts *pf)
{
	bool diff = o->type == VHD_TYPE_DIFF, fixed = o->type == VHD_TYPE_FIXED;
	uint32_t lsec = diff ? pf->lsec : 512, psec = diff ? pf->psec : 4096;
	uint32_t chunk_ratio = (uint32_t)(((uint64_t)1 << 23) * lsec / block_size);
	uint64_t payload = (size + block_size - 1) / block_size;
	uint64_t sbm = (payload + chunk_ratio - 1) / chunk_ratio;
	uint64_t entries = diff ? sbm * (chunk_ratio + 1) : payload + (payload - 1) / chunk_ratio;
	uint64_t bat_len = vhd_round_up(entries * 8, VHDX_MIB);
	uint64_t data_off = BAT_OFF + bat_len, end = data_off;
	uint8_t *buf = calloc(1, VHDX_MIB), *bat = NULL;
	struct vhdx_header h = { .version = 1, .log_length = VHDX_DEFAULT_LOG, .log_offset = LOG_OFF };
	uint8_t hraw[VHDX_HEADER_SIZE];
	int r, nmeta = 5, n;

	if (!buf)
		return vhd_error(-ENOMEM, "cannot create '%s': out of memory", path);
	/* file identifier */
	memcpy(buf, "vhdxfile", 8);
	n = utf8_to_utf16(CREATOR, UTF16_LE, buf + 8, 512);
	r = write_pages(fd, path, buf, 64 * VHDX_KIB, 0);
	if (r < 0)
		goto out;
	/* headers: the same contents, sequence 1 and 2 */
	if ((r = vhdx_guid_generate(h.file_write_guid)) < 0 ||
	    (r = vhdx_guid_generate(h.data_write_guid)) < 0) {
		r = vhd_error(r, "cannot create '%s': no random GUID", path);
		goto out;
	}
	for (int i = 0; i < 2 && r == 0; i++) {
		h.seq = (uint64_t)i + 1;
		vhdx_header_encode(&h, hraw);
		r = vhd_write_at(fd, path, hraw, sizeof(hraw), i ? VHDX_HEADER2_OFF : VHDX_HEADER1_OFF);
	}
	if (r < 0)
		goto out;
	/* region tables */
	memset(buf, 0, VHDX_REGION_SIZE);
	memcpy(buf, "regi", 4);
	vhdx_put_le32(buf + 8, 2);
	memcpy(buf + 16, vhdx_guid_bat, 16);
	vhdx_put_le64(buf + 32, BAT_OFF);
	vhdx_put_le32(buf + 40, (uint32_t)bat_len);
	vhdx_put_le32(buf + 44, 1);
	memcpy(buf + 48, vhdx_guid_metadata, 16);
	vhdx_put_le64(buf + 64, META_OFF);
	vhdx_put_le32(buf + 72, (uint32_t)VHDX_MIB);
	vhdx_put_le32(buf + 76, 1);
	vhdx_seal(buf, VHDX_REGION_SIZE);
	r = vhd_write_at(fd, path, buf, VHDX_REGION_SIZE, VHDX_REGION1_OFF);
	if (r == 0)
		r = vhd_write_at(fd, path, buf, VHDX_REGION_SIZE, VHDX_REGION2_OFF);
	if (r < 0)
		goto out;
	/* metadata: table, then the items packed from 64 KiB */
	memset(buf, 0, VHDX_MIB);
	memcpy(buf, "metadata", 8);
	meta_entry(buf, 0, vhdx_guid_file_params, ITEMS, 8, 4);
	vhdx_put_le32(buf + ITEMS, block_size);
	vhdx_put_le32(buf + ITEMS + 4, (fixed ? 1u : 0u) | (diff ? 2u : 0u));
	meta_entry(buf, 1, vhdx_guid_disk_size, ITEMS + 8, 8, 6);
	vhdx_put_le64(buf + ITEMS + 8, size);
	meta_entry(buf, 2, vhdx_guid_logical_sector, ITEMS + 16, 4, 6);
	vhdx_put_le32(buf + ITEMS + 16, lsec);
	meta_entry(buf, 3, vhdx_guid_physical_sector, ITEMS + 20, 4, 6);
	vhdx_put_le32(buf + ITEMS + 20, psec);
	meta_entry(buf, 4, vhdx_guid_disk_id, ITEMS + 24, 16, 6);
	r = vhdx_guid_generate(buf + ITEMS + 24);
	if (r < 0) {
		r = vhd_error(r, "cannot create '%s': no random GUID", path);
		goto out;
	}
	if (diff) {
		n = vhdx_build_locator(path, pf->abs, pf->data_write_guid, buf + ITEMS + 64,
		                       VHDX_MIB - ITEMS - 64);
		if (n < 0) {
			r = n;
			goto out;
		}
		meta_entry(buf, 5, vhdx_guid_parent_locator, ITEMS + 64, (uint32_t)n, 4);
		nmeta = 6;
	}
	vhdx_put_le16(buf + 10, (uint16_t)nmeta);
	r = write_pages(fd, path, buf, VHDX_MIB, META_OFF);
	if (r < 0)
		goto out;
	/* BAT */
	bat = calloc(1, bat_len);
	if (!bat) {
		r = vhd_error(-ENOMEM, "cannot create '%s': out of memory for the BAT", path);
		goto out;
	}
	if (fixed) {
		for (uint64_t b = 0; b < payload; b++)
			vhdx_put_le64(bat + 8 * (b + b / chunk_ratio),
			              vhdx_bat_make(VHDX_PB_FULLY_PRESENT, data_off + b * block_size));
		end = data_off + payload * block_size;
	}
	if (diff) {
		/* Every chunk gets its sector bitmap block now, all zeros (a hole):
		 * libvhdi reads the bitmap of a NOT_PRESENT block from where the
		 * chunk's bitmap entry points even when that entry is NOT_PRESENT
		 * (offset 0, the file identifier), see README.md. */
		for (uint64_t k = 0; k < sbm; k++, end += VHDX_SBM_BLOCK)
			vhdx_put_le64(bat + 8 * (k * (chunk_ratio + 1) + chunk_ratio),
			              vhdx_bat_make(VHDX_SB_PRESENT, end));
	}
	r = write_pages(fd, path, bat, bat_len, BAT_OFF);
	if (r < 0)
		goto out;
	if (fixed && !(o->flags & VHD_CREATE_SPARSE) &&
	    fallocate(fd, 0, (off_t)data_off, (off_t)(end - data_off)) < 0 && errno != EOPNOTSUPP) {
		r = vhd_error(-errno, "cannot reserve %llu bytes for '%s': %s",
		              (unsigned long long)(end - data_off), path, strerror(errno));
		goto out;
	}
	if (ftruncate(fd, (off_t)end) < 0)
		r = vhd_error(-errno, "cannot size '%s': %s", path, strerror(errno));
out:
	free(buf);
	free(bat);
	return r;
}

int vhdx_create(const char *path, const struct vhd_create_opts *o, const struct vhd_layer *live)
{
	struct parent_facts pf = { 0 };
	char tmp[PATH_MAX + 32];
	uint32_t block_size = o->block_size;
	uint64_t size = o->size;
	int fd, r;

	if (o->type == VHD_TYPE_DIFF) {
		if (!o->parent)
			return vhd_error(-EINVAL, "cannot create '%s': a differencing disk needs a parent", path);
		r = live ? live_parent(path, live, &pf) : read_parent(path, o->parent, &pf);
		if (r < 0)
			return r;
		size = pf.size;
	}
	if (!block_size)
		block_size = o->type == VHD_TYPE_DIFF ? 2u << 20 : VHDX_DEFAULT_BLOCK;
	if (!vhd_is_pow2(block_size) || block_size < VHDX_MIN_BLOCK || block_size > VHDX_MAX_BLOCK)
		return vhd_error(-EINVAL, "cannot create '%s': VHDX block size %u is not a power of two from 1 MiB to 256 MiB",
		                 path, block_size);
	if (size == 0 || size % VHD_SECTOR)
		return vhd_error(-EINVAL, "cannot create '%s': size %llu is not a positive multiple of 512",
		                 path, (unsigned long long)size);
	if (size > VHDX_MAX_SIZE)
		return vhd_error(-EFBIG, "cannot create '%s': size %llu is larger than the VHDX limit of 64 TiB",
		                 path, (unsigned long long)size);
	r = vhd_create_tmpfile(path, tmp, sizeof(tmp), &fd);
	if (r < 0)
		return r;
	r = build(fd, path, o, block_size, size, &pf);
	if (r < 0) {
		close(fd);
		unlink(tmp);
		return r;
	}
	return vhd_create_publish(fd, tmp, path, o->flags);
}
