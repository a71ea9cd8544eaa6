/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_layer.c: opening one VHDX file ([MS-VHDX]) and validating it: the
 * headers (current one by sequence number), the log (replayed here, see
 * vhdx_log.c), the region table, the metadata items, the parent locator
 * and the BAT; then answering vhd_layer_lookup() for it.
 *
 * As for VHD (layer.c), validation is strict and happens once: after it,
 * lookups trust every BAT entry (inside the file, no overlaps).  The
 * generic layer's footer.uuid is set to the DataWriteGuid and
 * header.parent_uuid to the parent locator's parent_linkage, so that the
 * chain code's identity and loop checks work unchanged for VHDX.
 *
 * Block states map onto the format-neutral lookup: FULLY_PRESENT is data;
 * PARTIALLY_PRESENT is data or absent per sector bitmap bit; ZERO is
 * zeros; NOT_PRESENT and UNDEFINED are absent (the parent, or zeros in a
 * base); UNMAPPED is zeros in a base and absent in a differencing disk
 * (trimmed space there shows the parent, as a discard does in libvhd).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/utf16.h"
#include "vhdx_internal.h"

static const uint8_t sbm_zero[VHDX_SBM_BLOCK];

const char *vhdx_kv_get(const struct vhdx_layer *x, const char *key)
{
	for (int i = 0; i < x->nkv; i++)
		if (strcmp(x->kv[i].key, key) == 0)
			return x->kv[i].value;
	return NULL;
}

void vhdx_layer_free(struct vhdx_layer *x)
{
	if (!x)
		return;
	for (int i = 0; i < x->nkv; i++) {
		free(x->kv[i].key);
		free(x->kv[i].value);
	}
	free(x->kv);
	if (x->sbm) {
		for (uint32_t i = 0; i < x->sbm_blocks; i++)
			free(x->sbm[i]);
		free(x->sbm);
	}
	for (int i = 0; i < x->npages; i++)
		free(x->pages[i].data);
	free(x->pages);
	free(x->bat);
	free(x->bat_raw);
	free(x);
}

int vhdx_header_update(struct vhd_layer *l, struct vhdx_header *h)
{
	struct vhdx_layer *x = l->vhdx;
	uint8_t buf[VHDX_HEADER_SIZE];
	int slot = 1 - x->hdr_slot, r;

	h->seq = x->hdr.seq + 1;
	vhdx_header_encode(h, buf);
	r = vhd_layer_pwrite(l, buf, sizeof(buf), slot ? VHDX_HEADER2_OFF : VHDX_HEADER1_OFF);
	if (r < 0)
		return r;
	if (vhd_sys_fdatasync(l->fd) < 0)
		return vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	x->hdr = *h;
	x->hdr_slot = slot;
	return 0;
}

static int read_headers(struct vhd_layer *l, struct vhdx_layer *x, struct vhd_validator *v)
{
	uint8_t b1[VHDX_HEADER_SIZE], b2[VHDX_HEADER_SIZE];
	struct vhdx_header h1, h2;
	bool ok1, ok2;
	int r;

	r = vhd_layer_pread(l, b1, sizeof(b1), VHDX_HEADER1_OFF);
	if (r == 0)
		r = vhd_layer_pread(l, b2, sizeof(b2), VHDX_HEADER2_OFF);
	if (r < 0)
		return r;
	ok1 = vhdx_header_ok(b1);
	ok2 = vhdx_header_ok(b2);
	vhdx_header_decode(b1, &h1);
	vhdx_header_decode(b2, &h2);
	if (!ok1 && !ok2)
		return vhd_validate_problem(v, true, "both VHDX headers are damaged (bad signature or checksum)");
	if (ok1 && ok2 && h1.seq == h2.seq && memcmp(b1, b2, sizeof(b1)) != 0) {
		r = vhd_validate_problem(v, false, "the two VHDX headers differ but have the same sequence number");
		if (r < 0)
			return r;
	}
	if (!ok1 || !ok2) {
		/* open uses the other one (a writer rewrites it); check reports it */
		if (v->collect)
			vhd_validate_problem(v, false, "VHDX header %d is damaged (bad signature or checksum)",
			                     ok1 ? 2 : 1);
		else
			vhd_log(0, "'%s': VHDX header %d is damaged; using the other", l->path, ok1 ? 2 : 1);
	}
	if (ok1 && (!ok2 || h1.seq > h2.seq)) {
		x->hdr = h1;
		x->hdr_slot = 0;
	} else {
		x->hdr = h2;
		x->hdr_slot = 1;
	}
	if (x->hdr.version != 1)
		return vhd_validate_problem(v, true, "unsupported VHDX version %u", x->hdr.version);
	if (x->hdr.log_version != 0)
		return vhd_validate_problem(v, true, "unsupported VHDX log version %u", x->hdr.log_version);
	return 0;
}

/* Is the region table at OFF (in BUF) sealed? */
static int region_table(struct vhd_layer *l, uint8_t *buf, uint64_t off, bool *ok)
{
	int r = vhd_layer_pread(l, buf, VHDX_REGION_SIZE, off);

	*ok = r == 0 && memcmp(buf, "regi", 4) == 0 && vhdx_sealed_ok(buf, VHDX_REGION_SIZE);
	return r;
}

static int read_regions(struct vhd_layer *l, struct vhdx_layer *x, uint64_t file_size,
                        struct vhd_validator *v)
{
	uint8_t *buf = malloc(VHDX_REGION_SIZE);
	bool have_bat = false, have_meta = false, ok1, ok2 = true;
	uint32_t count;
	int r;

	if (!buf)
		return vhd_error(-ENOMEM, "'%s': out of memory", l->path);
	/* check reads the copy too (a damaged copy is a problem); open reads it
	 * only when the first table is damaged */
	if (v->collect) {
		r = region_table(l, buf, VHDX_REGION2_OFF, &ok2);
		if (r < 0)
			goto out;
	}
	r = region_table(l, buf, VHDX_REGION1_OFF, &ok1);
	if (r < 0)
		goto out;
	if (!ok1) {
		r = region_table(l, buf, VHDX_REGION2_OFF, &ok2);
		if (r < 0)
			goto out;
		if (!ok2) {
			r = vhd_validate_problem(v, true, "both VHDX region tables are damaged");
			goto out;
		}
		if (v->collect)
			vhd_validate_problem(v, false, "VHDX region table 1 is damaged");
		else
			vhd_log(0, "'%s': VHDX region table 1 is damaged; using the copy", l->path);
	} else if (!ok2) {
		vhd_validate_problem(v, false, "VHDX region table 2 (the copy) is damaged");
	}
	count = vhdx_le32(buf + 8);
	if (count > 2047) {
		r = vhd_validate_problem(v, true, "VHDX region table has %u entries (at most 2047)", count);
		goto out;
	}
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = buf + 16 + 32 * i;
		uint64_t off = vhdx_le64(e + 16);
		uint32_t len = vhdx_le32(e + 24);
		bool required = vhdx_le32(e + 28) & 1;
		bool is_bat = memcmp(e, vhdx_guid_bat, 16) == 0;
		bool is_meta = memcmp(e, vhdx_guid_metadata, 16) == 0;
		const char *what = is_bat ? "BAT" : "metadata";

		if (!is_bat && !is_meta) {
			if (required) {
				char g[39];

				vhdx_guid_format(e, g);
				r = vhd_validate_problem(v, false, "unknown required VHDX region %s", g);
				if (r < 0)
					goto out;
			}
			continue;
		}
		if ((is_bat && have_bat) || (is_meta && have_meta)) {
			r = vhd_validate_problem(v, false, "VHDX region table lists the %s twice", what);
			if (r < 0)
				goto out;
			continue;
		}
		if (off % VHDX_MIB || len % VHDX_MIB || len == 0 || off < VHDX_HEADER_AREA) {
			r = vhd_validate_problem(v, len == 0,
			                         "VHDX %s region (offset %llu, length %u) is not 1 MiB aligned",
			                         what, (unsigned long long)off, len);
			if (r < 0)
				goto out;
		}
		if (off > file_size || file_size - off < len) {
			r = vhd_validate_problem(v, true, "VHDX %s region runs past the end of the file", what);
			goto out;
		}
		if (is_bat) {
			x->bat_offset = off;
			x->bat_length = len;
			have_bat = true;
		} else {
			x->meta_offset = off;
			x->meta_length = len;
			have_meta = true;
		}
	}
	if (!have_bat || !have_meta) {
		r = vhd_validate_problem(v, true, "VHDX region table has no %s region",
		                         have_bat ? "metadata" : "BAT");
		goto out;
	}
	r = 0;
	if (x->bat_offset < x->meta_offset + x->meta_length && x->meta_offset < x->bat_offset + x->bat_length)
		r = vhd_validate_problem(v, false, "VHDX BAT and metadata regions overlap");
	for (int k = 0; k < 2 && r == 0; k++) {
		uint64_t o = k ? x->meta_offset : x->bat_offset, n = k ? x->meta_length : x->bat_length;

		if (o < x->hdr.log_offset + x->hdr.log_length && x->hdr.log_offset < o + n)
			r = vhd_validate_problem(v, false, "VHDX %s region overlaps the log",
			                         k ? "metadata" : "BAT");
	}
out:
	free(buf);
	return r;
}

/* A copy of the UTF-16 string at P as UTF-8 in *OUT; 1 when it is not
 * valid UTF-16 (a problem for the caller to report). */
static int utf16_dup(struct vhd_layer *l, const uint8_t *p, uint32_t len, char **out)
{
	size_t cap = (size_t)len * 2 + 1;
	char *s = malloc(cap);

	if (!s)
		return vhd_error(-ENOMEM, "'%s': out of memory", l->path);
	if (len % 2 || utf16_to_utf8(p, len / 2, UTF16_LE, s, cap) < 0) {
		free(s);
		return 1;
	}
	*out = s;
	return 0;
}

static int parse_locator(struct vhd_layer *l, struct vhdx_layer *x, const uint8_t *p, uint32_t len,
                         struct vhd_validator *v)
{
	uint16_t n;
	const char *link;
	int r;

	if (len < 20 || memcmp(p, vhdx_guid_locator_type, 16) != 0)
		return vhd_validate_problem(v, false, "VHDX parent locator of an unknown type");
	n = vhdx_le16(p + 18);
	if (20 + 12ull * n > len)
		return vhd_validate_problem(v, false, "VHDX parent locator entries run past the item");
	x->kv = calloc(n ? n : 1, sizeof(*x->kv));
	if (!x->kv)
		return vhd_error(-ENOMEM, "'%s': out of memory", l->path);
	for (uint16_t i = 0; i < n; i++) {
		const uint8_t *e = p + 20 + 12 * i;
		uint32_t ko = vhdx_le32(e), vo = vhdx_le32(e + 4);
		uint16_t kl = vhdx_le16(e + 8), vl = vhdx_le16(e + 10);

		if (kl == 0 || vl == 0 || ko > len || len - ko < kl || vo > len || len - vo < vl)
			return vhd_validate_problem(v, false, "VHDX parent locator entry %u runs past the item", i);
		r = utf16_dup(l, p + ko, kl, &x->kv[i].key);
		if (r == 0)
			r = utf16_dup(l, p + vo, vl, &x->kv[i].value);
		if (r == 0 || x->kv[i].key)
			x->nkv = i + 1;
		if (r == 1)
			return vhd_validate_problem(v, false, "VHDX parent locator holds invalid UTF-16");
		if (r < 0)
			return r;
	}
	link = vhdx_kv_get(x, "parent_linkage");
	if (!link)
		return vhd_validate_problem(v, false, "VHDX parent locator has no parent_linkage");
	if (vhdx_guid_parse(link, l->header.parent_uuid) < 0)
		return vhd_validate_problem(v, false, "VHDX parent_linkage '%s' is not a GUID", link);
	return 0;
}

/* Read the metadata table and the part of the region its items use,
 * through the log, into *OUT (allocated here: at least the table's 64 KiB,
 * zeroed past what the region holds, so the entry loop may index the whole
 * table whatever the region's length).  The region is usually 1 MiB with
 * a few hundred bytes of items: reading, or even allocating, all of it made
 * every open of a VHDX (each layer of a chain, at every snapshot switch)
 * copy a megabyte for nothing.  What lies past the last item is never
 * looked at: read_metadata() refuses items outside the region, and an item
 * reaching past what was read would lie past every entry's end. */
static int read_metadata_used(struct vhd_layer *l, struct vhdx_layer *x, uint8_t **out)
{
	uint32_t table = x->meta_length < VHDX_META_TABLE_SIZE ? x->meta_length : VHDX_META_TABLE_SIZE;
	uint64_t end = table;
	uint16_t count;
	uint8_t *m = calloc(1, VHDX_META_TABLE_SIZE), *more;
	int r;

	if (!m)
		return vhd_error(-ENOMEM, "'%s': out of memory", l->path);
	*out = m;
	r = vhd_layer_pread(l, m, table, x->meta_offset);
	if (r < 0)
		return r;
	vhdx_log_overlay(l, m, table, x->meta_offset);
	count = vhdx_le16(m + 10);
	for (uint32_t i = 0; i < count && 32 + 32 * (i + 1) <= table; i++) {
		const uint8_t *e = m + 32 + 32 * i;
		uint64_t item_end = (uint64_t)vhdx_le32(e + 16) + vhdx_le32(e + 20);

		if (item_end > end)
			end = item_end;
	}
	end = vhd_round_up(end, VHDX_LOG_SECTOR);
	if (end > x->meta_length)
		end = x->meta_length;
	if (end > table) {
		/* table is the whole 64 KiB here: the region is longer */
		more = realloc(m, end);
		if (!more)
			return vhd_error(-ENOMEM, "'%s': out of memory", l->path);
		*out = m = more;
		r = vhd_layer_pread(l, m + table, end - table, x->meta_offset + table);
		if (r < 0)
			return r;
		vhdx_log_overlay(l, m + table, end - table, x->meta_offset + table);
	}
	return 0;
}

static int read_metadata(struct vhd_layer *l, struct vhdx_layer *x, struct vhd_validator *v)
{
	uint8_t *m = NULL;
	uint16_t count;
	uint32_t seen = 0;
	int r;
	static const uint8_t *const known[] = { vhdx_guid_file_params, vhdx_guid_disk_size,
	                                        vhdx_guid_disk_id, vhdx_guid_logical_sector,
	                                        vhdx_guid_physical_sector, vhdx_guid_parent_locator };
	static const uint32_t sizes[] = { 8, 8, 16, 4, 4, 0 };
	static const char *const names[] = { "file parameters", "virtual disk size", "virtual disk id",
	                                     "logical sector size", "physical sector size",
	                                     "parent locator" };
	const uint8_t *item[6] = { 0 };
	uint32_t item_len[6] = { 0 };

	r = read_metadata_used(l, x, &m);
	if (r < 0)
		goto out;
	if (memcmp(m, "metadata", 8) != 0) {
		r = vhd_validate_problem(v, true, "no VHDX metadata table (bad signature)");
		goto out;
	}
	count = vhdx_le16(m + 10);
	if (count > 2047) {
		r = vhd_validate_problem(v, true, "VHDX metadata table has %u entries (at most 2047)", count);
		goto out;
	}
	for (uint16_t i = 0; i < count; i++) {
		const uint8_t *e = m + 32 + 32 * i;
		uint32_t off = vhdx_le32(e + 16), len = vhdx_le32(e + 20), flags = vhdx_le32(e + 24);
		int k;

		if (len != 0 && (off < VHDX_META_TABLE_SIZE || off > x->meta_length ||
		                 x->meta_length - off < len)) {
			r = vhd_validate_problem(v, false, "VHDX metadata item %u (offset %u, length %u) lies outside the metadata region",
			                         i, off, len);
			if (r < 0)
				goto out;
			continue;
		}
		/* an empty item overlaps nothing: skipping the pass keeps a
		 * table of 2047 mostly empty entries from costing 2 million
		 * comparisons per open */
		for (uint16_t j = 0; len && j < i; j++) {
			const uint8_t *f = m + 32 + 32 * j;
			uint32_t fo = vhdx_le32(f + 16), fl = vhdx_le32(f + 20);

			if (fl && off < fo + fl && fo < off + len) {
				r = vhd_validate_problem(v, false, "VHDX metadata items %u and %u overlap", j, i);
				if (r < 0)
					goto out;
			}
		}
		for (k = 0; k < 6; k++)
			if (memcmp(e, known[k], 16) == 0)
				break;
		if (k == 6) {
			if (flags & 4) {
				char g[39];

				vhdx_guid_format(e, g);
				r = vhd_validate_problem(v, false, "unknown required VHDX metadata item %s", g);
				if (r < 0)
					goto out;
			}
			continue;
		}
		if (seen & (1u << k)) {
			r = vhd_validate_problem(v, false, "VHDX metadata item '%s' appears twice", names[k]);
			if (r < 0)
				goto out;
			continue;
		}
		if (sizes[k] && len < sizes[k]) {
			r = vhd_validate_problem(v, false, "VHDX metadata item '%s' too short (%u bytes)",
			                         names[k], len);
			if (r < 0)
				goto out;
			continue;
		}
		seen |= 1u << k;
		item[k] = m + off;
		item_len[k] = len;
	}
	for (int k = 0; k < 5; k++) {
		if (!(seen & (1u << k))) {
			r = vhd_validate_problem(v, false, "VHDX metadata item '%s' is missing", names[k]);
			if (r < 0)
				goto out;
		}
	}
	if ((seen & 0x1f) != 0x1f) {
		/* check reported every missing item; the rest depends on them */
		v->stopped = true;
		r = -EINVAL;
		goto out;
	}
	x->block_size = vhdx_le32(item[0]);
	x->leave_allocated = vhdx_le32(item[0] + 4) & 1;
	x->has_parent = vhdx_le32(item[0] + 4) & 2;
	l->size = vhdx_le64(item[1]);
	memcpy(x->disk_id, item[2], 16);
	x->lsec = vhdx_le32(item[3]);
	x->psec = vhdx_le32(item[4]);
	if (!vhd_is_pow2(x->block_size) || x->block_size < VHDX_MIN_BLOCK || x->block_size > VHDX_MAX_BLOCK) {
		r = vhd_validate_problem(v, true, "invalid VHDX block size %u", x->block_size);
		goto out;
	}
	if ((x->lsec != 512 && x->lsec != 4096) || (x->psec != 512 && x->psec != 4096)) {
		r = vhd_validate_problem(v, x->lsec != 512 && x->lsec != 4096,
		                         "invalid VHDX sector sizes (logical %u, physical %u)", x->lsec, x->psec);
		if (r < 0)
			goto out;
	}
	if (l->size == 0 || l->size % x->lsec || l->size > VHDX_MAX_SIZE) {
		r = vhd_validate_problem(v, true, "invalid VHDX virtual size %llu", (unsigned long long)l->size);
		goto out;
	}
	if (x->has_parent) {
		if (!(seen & (1u << 5)))
			r = vhd_validate_problem(v, false, "differencing VHDX without a parent locator");
		else
			r = parse_locator(l, x, item[5], item_len[5], v);
		if (r < 0)
			goto out;
	}
	r = 0;
out:
	free(m);
	return r;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int read_bat(struct vhd_layer *l, struct vhdx_layer *x, uint64_t file_size,
                    struct vhd_validator *v)
{
	uint64_t need, raw_len, in_region;
	uint64_t *used = NULL; /* start offsets of present blocks, for overlaps */
	uint32_t nused = 0;
	uint64_t max_end = x->bat_offset + x->bat_length;
	struct { uint64_t s, e; const char *what; } meta[4] = {
		{ 0, VHDX_HEADER_AREA, "the VHDX headers" },
		{ x->hdr.log_offset, x->hdr.log_offset + x->hdr.log_length, "the log" },
		{ x->bat_offset, x->bat_offset + x->bat_length, "the BAT" },
		{ x->meta_offset, x->meta_offset + x->meta_length, "the metadata" },
	};
	int r = 0;

	x->block_shift = (uint32_t)__builtin_ctz(x->block_size);
	x->chunk_ratio = (uint32_t)(((uint64_t)1 << 23) * x->lsec / x->block_size);
	x->payload_blocks = (uint32_t)((l->size + x->block_size - 1) / x->block_size);
	x->sbm_blocks = (x->payload_blocks + x->chunk_ratio - 1) / x->chunk_ratio;
	if (x->has_parent)
		x->bat_entries = x->sbm_blocks * (x->chunk_ratio + 1);
	else
		x->bat_entries = x->payload_blocks + (x->payload_blocks - 1) / x->chunk_ratio;
	need = (uint64_t)x->bat_entries * 8;
	if (need > x->bat_length)
		return vhd_validate_problem(v, true, "VHDX BAT region (%u bytes) too small for %u entries",
		                            x->bat_length, x->bat_entries);
	if (x->meta_offset + x->meta_length > max_end)
		max_end = x->meta_offset + x->meta_length;
	if (x->hdr.log_offset + x->hdr.log_length > max_end)
		max_end = x->hdr.log_offset + x->hdr.log_length;
	/* Only the pages holding entries are read and kept: the region is
	 * often far larger than the table (1 MiB or more for a few KiB of
	 * entries), and the rest is never read or written (vhdx_alloc.c stages
	 * whole pages of entries, which lie inside these). */
	raw_len = vhd_round_up(need, VHDX_LOG_SECTOR);
	in_region = raw_len < x->bat_length ? raw_len : x->bat_length;
	x->bat_raw = calloc(1, raw_len);
	x->bat = malloc(need);
	x->sbm = calloc(x->sbm_blocks, sizeof(*x->sbm));
	used = malloc(need);
	if (!x->bat_raw || !x->bat || !x->sbm || !used) {
		free(used);
		return vhd_error(-ENOMEM, "'%s': out of memory for a BAT of %u entries", l->path,
		                 x->bat_entries);
	}
	r = vhd_layer_pread(l, x->bat_raw, in_region, x->bat_offset);
	if (r < 0)
		goto out;
	vhdx_log_overlay(l, x->bat_raw, in_region, x->bat_offset);
	/* Each bad entry is one problem (check reports them up to a cap) and
	 * takes no part in the overlap check. */
	for (uint32_t i = 0; i < x->bat_entries && r == 0; i++) {
		uint64_t e = vhdx_le64(x->bat_raw + 8ull * i);
		bool is_sbm = (i % (x->chunk_ratio + 1)) == x->chunk_ratio;
		unsigned st = vhdx_bat_state(e);
		uint64_t off = vhdx_bat_offset(e), len;
		bool bad = false;

		x->bat[i] = e;
		if (is_sbm) {
			if (st != VHDX_SB_NOT_PRESENT && st != VHDX_SB_PRESENT) {
				r = vhd_validate_bat_problem(v, "VHDX sector bitmap entry %u has invalid state %u",
				                             i, st);
				continue;
			}
			if (st != VHDX_SB_PRESENT || !x->has_parent)
				continue;
			len = VHDX_SBM_BLOCK;
		} else {
			if (st == 4 || st == 5 || (st == VHDX_PB_PARTIALLY_PRESENT && !x->has_parent)) {
				r = vhd_validate_bat_problem(v, "VHDX BAT entry %u has invalid state %u", i, st);
				continue;
			}
			if (st != VHDX_PB_FULLY_PRESENT && st != VHDX_PB_PARTIALLY_PRESENT)
				continue;
			len = x->block_size;
		}
		if (off > file_size || file_size - off < len) {
			r = vhd_validate_bat_problem(v, "VHDX BAT entry %u (offset %llu) points past the end of the file",
			                             i, (unsigned long long)off);
			continue;
		}
		for (int k = 0; k < 4 && !bad; k++) {
			if (off < meta[k].e && meta[k].s < off + len) {
				r = vhd_validate_bat_problem(v, "VHDX block at offset %llu (BAT entry %u) overlaps %s",
				                             (unsigned long long)off, i, meta[k].what);
				bad = true;
			}
		}
		if (bad)
			continue;
		/* low bit marks a sector bitmap block (1 MiB) for the overlap check */
		used[nused++] = off | (is_sbm ? 1 : 0);
		if (off + len > max_end)
			max_end = off + len;
	}
	if (r == 0) {
		qsort(used, nused, sizeof(*used), cmp_u64);
		for (uint32_t i = 1, prev = 0; i < nused && r == 0; i++) {
			uint64_t p = used[prev] & ~1ull;
			uint64_t plen = (used[prev] & 1) ? VHDX_SBM_BLOCK : x->block_size;

			if ((used[i] & ~1ull) < p + plen)
				r = vhd_validate_bat_problem(v, "VHDX blocks at offsets %llu and %llu overlap",
				                             (unsigned long long)p,
				                             (unsigned long long)(used[i] & ~1ull));
			else
				prev = i;
		}
	}
	vhd_validate_bat_tally(v);
	x->file_end = vhd_round_up(file_size > max_end ? file_size : max_end, VHDX_MIB);
out:
	free(used);
	return r;
}

int vhdx_layer_validate(struct vhd_layer *l, uint64_t file_size, struct vhd_validator *v)
{
	struct vhdx_layer *x = calloc(1, sizeof(*x));
	struct stat st;
	bool log_ok = true;
	int r;

	if (!x)
		return vhd_error(-ENOMEM, "cannot open '%s': out of memory", l->path);
	l->vhdx = x;
	if (file_size < VHDX_HEADER_AREA)
		return vhd_validate_problem(v, true, "truncated VHDX (%llu bytes, the headers alone need 1 MiB)",
		                            (unsigned long long)file_size);
	r = read_headers(l, x, v);
	if (r < 0)
		return r;
	if (x->hdr.log_offset % VHDX_MIB || x->hdr.log_length % VHDX_MIB || x->hdr.log_length == 0 ||
	    x->hdr.log_offset < VHDX_HEADER_AREA) {
		r = vhd_validate_problem(v, false, "VHDX log (offset %llu, length %u) is not 1 MiB aligned",
		                         (unsigned long long)x->hdr.log_offset, x->hdr.log_length);
		log_ok = false;
	} else if (x->hdr.log_offset > file_size || file_size - x->hdr.log_offset < x->hdr.log_length) {
		r = vhd_validate_problem(v, false, "VHDX log (offset %llu, length %u) runs past the end of the file (%llu bytes)",
		                         (unsigned long long)x->hdr.log_offset, x->hdr.log_length,
		                         (unsigned long long)file_size);
		log_ok = false;
	}
	if (r < 0)
		return r;
	if (log_ok && !vhdx_guid_is_zero(x->hdr.log_guid)) {
		r = vhdx_log_replay(l, file_size, !l->read_only);
		if (r == -EROFS && v->collect)
			/* what a writable open would replay; the checks below see
			 * the file as it is */
			r = vhd_validate_problem(v, false, "the VHDX log holds changes not yet applied (the image was not closed cleanly); a read-write open replays them");
		if (r < 0)
			return r;
		if (fstat(l->fd, &st) < 0)
			return vhd_error(-errno, "cannot stat '%s': %s", l->path, strerror(errno));
		file_size = (uint64_t)st.st_size;
	}
	r = read_regions(l, x, file_size, v);
	if (r == 0)
		r = read_metadata(l, x, v);
	if (r == 0)
		r = read_bat(l, x, file_size, v);
	if (r == 0 && l->read_only)
		r = vhdx_log_overlay_check(l);
	if (r < 0)
		return r;
	memcpy(l->footer.uuid, x->hdr.data_write_guid, 16);
	l->footer.current_size = l->footer.original_size = l->size;
	l->footer.type = x->has_parent ? VHD_TYPE_DIFF
	                 : x->leave_allocated ? VHD_TYPE_FIXED : VHD_TYPE_DYNAMIC;
	return 0;
}

int vhdx_layer_load(struct vhd_layer *l, uint64_t file_size)
{
	struct vhd_validator v = { .path = l->path, .fd = l->fd, .file_size = file_size };

	return vhdx_layer_validate(l, file_size, &v);
}

int vhdx_layer_sbm(struct vhd_layer *l, uint32_t k, const uint8_t **out)
{
	struct vhdx_layer *x = l->vhdx;
	uint8_t *p = __atomic_load_n(&x->sbm[k], __ATOMIC_ACQUIRE), *fresh, *expected = NULL;
	uint64_t e = __atomic_load_n(&x->bat[vhdx_sbm_index(x, k)], __ATOMIC_ACQUIRE);
	uint32_t used;
	int r;

	if (p) {
		*out = p;
		return 0;
	}
	if (vhdx_bat_state(e) != VHDX_SB_PRESENT) {
		*out = sbm_zero;
		return 0;
	}
	used = vhdx_sbm_used(x, k);
	fresh = malloc(used);
	if (!fresh)
		return vhd_error(-ENOMEM, "cannot cache a sector bitmap of '%s': out of memory", l->path);
	r = vhd_layer_pread(l, fresh, used, vhdx_bat_offset(e));
	if (r < 0) {
		free(fresh);
		return r;
	}
	vhdx_log_overlay(l, fresh, used, vhdx_bat_offset(e));
	if (!__atomic_compare_exchange_n(&x->sbm[k], &expected, fresh, false, __ATOMIC_ACQ_REL,
	                                 __ATOMIC_ACQUIRE)) {
		free(fresh);
		fresh = expected;
	}
	*out = fresh;
	return 0;
}

/* Bit I of BM (bit 0 of byte 0 first, as VHDX numbers them). */
static inline bool lsb_test(const uint8_t *bm, uint64_t i)
{
	return (__atomic_load_n(&bm[i >> 3], __ATOMIC_ACQUIRE) >> (i & 7)) & 1;
}

uint32_t vhdx_bit_run(const uint8_t *bm, uint64_t i, uint32_t n, bool *set)
{
	uint64_t j = i, end = i + n;
	uint8_t flip;

	*set = lsb_test(bm, i);
	flip = *set ? 0xff : 0x00;
	/* a byte at a time: the bits that differ from the first one, from J on
	 * (a bit at a time cost most of a 64 KiB read's instructions) */
	while (j < end) {
		unsigned sh = (unsigned)(j & 7);
		unsigned diff = (unsigned)((__atomic_load_n(&bm[j >> 3], __ATOMIC_ACQUIRE) ^ flip) >> sh);

		if (diff) {
			j += (unsigned)__builtin_ctz(diff);
			break;
		}
		j += 8 - sh;
	}
	return (uint32_t)((j < end ? j : end) - i);
}

int vhdx_layer_lookup(struct vhd_layer *l, uint64_t off, uint64_t len, struct vhd_run *run)
{
	struct vhdx_layer *x = l->vhdx;
	uint32_t b = (uint32_t)(off >> x->block_shift);
	uint64_t in_block = off & (x->block_size - 1);
	uint64_t e;
	int r;

	if (len > l->size - off)
		len = l->size - off;
	if (len > x->block_size - in_block)
		len = x->block_size - in_block;
	e = __atomic_load_n(&x->bat[vhdx_payload_index(x, b)], __ATOMIC_ACQUIRE);
	switch (vhdx_bat_state(e)) {
	case VHDX_PB_FULLY_PRESENT:
		*run = (struct vhd_run){ len, VHD_RUN_DATA, vhdx_bat_offset(e) + in_block };
		return 0;
	case VHDX_PB_ZERO:
		*run = (struct vhd_run){ len, VHD_RUN_ZERO, 0 };
		return 0;
	case VHDX_PB_UNMAPPED:
		*run = (struct vhd_run){ len, x->has_parent ? VHD_RUN_ABSENT : VHD_RUN_ZERO, 0 };
		return 0;
	case VHDX_PB_PARTIALLY_PRESENT: {
		uint32_t k = b / x->chunk_ratio;
		uint64_t chunk_off = off - (uint64_t)k * x->chunk_ratio * x->block_size;
		uint64_t s = chunk_off / x->lsec;
		uint32_t nsec = (uint32_t)((chunk_off + len + x->lsec - 1) / x->lsec - s);
		uint64_t covered;
		const uint8_t *bm;
		bool set;
		uint32_t bits;

		r = vhdx_layer_sbm(l, k, &bm);
		if (r < 0)
			return r;
		bits = vhdx_bit_run(bm, s, nsec, &set);
		covered = (s + bits) * x->lsec - chunk_off;
		if (covered < len)
			len = covered;
		if (set)
			*run = (struct vhd_run){ len, VHD_RUN_DATA, vhdx_bat_offset(e) + in_block };
		else
			*run = (struct vhd_run){ len, VHD_RUN_ABSENT, 0 };
		return 0;
	}
	default:
		*run = (struct vhd_run){ len, VHD_RUN_ABSENT, 0 };
		return 0;
	}
}

int vhdx_layer_info(const struct vhd_layer *l, struct vhd_info *info)
{
	const struct vhdx_layer *x = l->vhdx;
	struct stat st;
	const char *v;

	memset(info, 0, sizeof(*info));
	snprintf(info->path, sizeof(info->path), "%s", l->path);
	info->format = VHD_FORMAT_VHDX;
	info->type = (enum vhd_type)l->footer.type;
	info->virtual_size = info->original_size = l->size;
	if (fstat(l->fd, &st) == 0)
		info->file_size = (uint64_t)st.st_size;
	memcpy(info->uuid, x->disk_id, 16);
	info->read_only = l->read_only;
	info->block_size = x->block_size;
	info->max_table_entries = x->payload_blocks;
	for (uint32_t b = 0; b < x->payload_blocks; b++) {
		unsigned s = vhdx_bat_state(__atomic_load_n(&x->bat[vhdx_payload_index(x, b)],
		                                            __ATOMIC_ACQUIRE));

		if (s == VHDX_PB_FULLY_PRESENT || s == VHDX_PB_PARTIALLY_PRESENT)
			info->allocated_blocks++;
	}
	info->logical_sector_size = x->lsec;
	info->physical_sector_size = x->psec;
	info->log_size = x->hdr.log_length;
	memcpy(info->data_write_guid, x->hdr.data_write_guid, 16);
	if (x->has_parent) {
		memcpy(info->parent_uuid, l->header.parent_uuid, 16);
		if ((v = vhdx_kv_get(x, "parent_linkage")))
			snprintf(info->parent_linkage, sizeof(info->parent_linkage), "%s", v);
		if ((v = vhdx_kv_get(x, "relative_path")))
			snprintf(info->parent_relative_path, sizeof(info->parent_relative_path), "%s", v);
		if ((v = vhdx_kv_get(x, "absolute_win32_path")))
			snprintf(info->parent_absolute_path, sizeof(info->parent_absolute_path), "%s", v);
		if ((v = vhdx_kv_get(x, "volume_path")))
			snprintf(info->parent_volume_path, sizeof(info->parent_volume_path), "%s", v);
		snprintf(info->parent_name, sizeof(info->parent_name), "%s",
		         info->parent_relative_path[0] ? info->parent_relative_path
		                                       : info->parent_absolute_path);
	}
	return 0;
}
