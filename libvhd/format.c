/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* format.c: the VHD on-disk structures, their codecs, and the small
 * helpers that depend only on the format (checksum, CHS geometry, bitmaps,
 * UUIDs, timestamps; UTF-16 is common/utf16.c).
 *
 * Decoding copies fields out of fixed-size buffers with explicit big-endian
 * accessors rather than casting packed structs over them: a few more lines,
 * but no alignment or endianness surprises, and every offset is spelled
 * out once, in the tables below.
 *
 * HARD DISK FOOTER (512 bytes; at the end of every image, and a copy at
 * offset 0 of dynamic and differencing images), all fields big-endian:
 *
 *   off size  meaning
 *     0   8   cookie "conectix"
 *     8   4   features (bit 1 always set; bit 0 = temporary)
 *    12   4   file format version 0x00010000
 *    16   8   data offset: dynamic header offset, or all ones (fixed)
 *    24   4   timestamp: seconds since 2000-01-01 00:00:00 UTC
 *    28   4   creator application ("win ", "qemu", "vpc ", ...)
 *    32   4   creator version (major << 16 | minor)
 *    36   4   creator host OS ("Wi2k", "Mac ")
 *    40   8   original size (bytes)
 *    48   8   current size (bytes): the virtual size
 *    56   2   geometry: cylinders
 *    58   1   geometry: heads
 *    59   1   geometry: sectors per track
 *    60   4   disk type (2 fixed, 3 dynamic, 4 differencing)
 *    64   4   checksum: ones' complement of the byte sum, this field as 0
 *    68  16   unique id
 *    84   1   saved state
 *    85 427   reserved (zeros)
 *
 * DYNAMIC DISK HEADER (1024 bytes, at the footer's data offset):
 *
 *   off size  meaning
 *     0   8   cookie "cxsparse"
 *     8   8   data offset (unused, all ones)
 *    16   8   table offset: where the BAT is
 *    24   4   header version 0x00010000
 *    28   4   max table entries (BAT entries)
 *    32   4   block size (bytes of data per block; default 2 MiB)
 *    36   4   checksum (as for the footer)
 *    40  16   parent unique id (differencing)
 *    56   4   parent timestamp (0 is normal: Windows writes 0)
 *    60   4   reserved
 *    64 512   parent unicode name, UTF-16BE, NUL-padded
 *   576 192   8 parent locator entries of 24 bytes:
 *               +0 4 platform code ("W2ku", "W2ru", "MacX", ...)
 *               +4 4 data space (bytes as Windows writes it; the spec says
 *                    sectors: values below 512 are taken as sectors)
 *               +8 4 data length (bytes)
 *              +12 4 reserved
 *              +16 8 data offset (bytes, in the file)
 *   768 256   reserved
 *
 * BLOCK ALLOCATION TABLE: max-table-entries big-endian 32-bit sector
 * offsets; 0xFFFFFFFF = not allocated.  Each allocated entry points at a
 * block: a sector bitmap (one bit per sector of the block, MSB of byte 0 =
 * first sector, padded to a whole number of sectors) followed by the data.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "internal.h"

const uint8_t vhd_bitmap_full[VHD_MAX_BITMAP] = { [0 ... VHD_MAX_BITMAP - 1] = 0xff };

uint16_t vhd_get_be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
uint32_t vhd_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
uint64_t vhd_get_be64(const uint8_t *p) { return (uint64_t)vhd_get_be32(p) << 32 | vhd_get_be32(p + 4); }
void vhd_put_be16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
void vhd_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = (v >> 16) & 0xff; p[2] = (v >> 8) & 0xff; p[3] = v & 0xff;
}
void vhd_put_be64(uint8_t *p, uint64_t v) { vhd_put_be32(p, v >> 32); vhd_put_be32(p + 4, (uint32_t)v); }

uint32_t vhd_checksum(const uint8_t *buf, size_t len, size_t skip)
{
	uint32_t sum = 0;

	for (size_t i = 0; i < len; i++)
		if (i < skip || i >= skip + 4)
			sum += buf[i];
	return ~sum;
}

void vhd_footer_decode(const uint8_t b[VHD_FOOTER_SIZE], struct vhd_footer *f)
{
	memcpy(f->cookie, b, 8);
	f->features = vhd_get_be32(b + 8);
	f->version = vhd_get_be32(b + 12);
	f->data_offset = vhd_get_be64(b + 16);
	f->timestamp = vhd_get_be32(b + 24);
	memcpy(f->creator_app, b + 28, 4);
	f->creator_version = vhd_get_be32(b + 32);
	f->creator_os = vhd_get_be32(b + 36);
	f->original_size = vhd_get_be64(b + 40);
	f->current_size = vhd_get_be64(b + 48);
	f->cylinders = vhd_get_be16(b + 56);
	f->heads = b[58];
	f->sectors_per_track = b[59];
	f->type = vhd_get_be32(b + 60);
	f->checksum = vhd_get_be32(b + 64);
	memcpy(f->uuid, b + 68, 16);
	f->saved_state = b[84];
}

void vhd_footer_encode(struct vhd_footer *f, uint8_t b[VHD_FOOTER_SIZE])
{
	memset(b, 0, VHD_FOOTER_SIZE);
	memcpy(b, f->cookie, 8);
	vhd_put_be32(b + 8, f->features);
	vhd_put_be32(b + 12, f->version);
	vhd_put_be64(b + 16, f->data_offset);
	vhd_put_be32(b + 24, f->timestamp);
	memcpy(b + 28, f->creator_app, 4);
	vhd_put_be32(b + 32, f->creator_version);
	vhd_put_be32(b + 36, f->creator_os);
	vhd_put_be64(b + 40, f->original_size);
	vhd_put_be64(b + 48, f->current_size);
	vhd_put_be16(b + 56, f->cylinders);
	b[58] = f->heads;
	b[59] = f->sectors_per_track;
	vhd_put_be32(b + 60, f->type);
	memcpy(b + 68, f->uuid, 16);
	b[84] = f->saved_state;
	f->checksum = vhd_checksum(b, VHD_FOOTER_SIZE, 64);
	vhd_put_be32(b + 64, f->checksum);
}

bool vhd_footer_checksum_ok(const uint8_t b[VHD_FOOTER_SIZE])
{
	return vhd_checksum(b, VHD_FOOTER_SIZE, 64) == vhd_get_be32(b + 64);
}

void vhd_header_decode(const uint8_t b[VHD_HEADER_SIZE], struct vhd_header *h)
{
	memcpy(h->cookie, b, 8);
	h->data_offset = vhd_get_be64(b + 8);
	h->table_offset = vhd_get_be64(b + 16);
	h->version = vhd_get_be32(b + 24);
	h->max_table_entries = vhd_get_be32(b + 28);
	h->block_size = vhd_get_be32(b + 32);
	h->checksum = vhd_get_be32(b + 36);
	memcpy(h->parent_uuid, b + 40, 16);
	h->parent_timestamp = vhd_get_be32(b + 56);
	memcpy(h->parent_name, b + 64, 512);
	for (int i = 0; i < VHD_LOCATORS; i++) {
		const uint8_t *e = b + 576 + 24 * i;

		h->loc[i].code = vhd_get_be32(e);
		h->loc[i].space = vhd_get_be32(e + 4);
		h->loc[i].length = vhd_get_be32(e + 8);
		h->loc[i].offset = vhd_get_be64(e + 16);
	}
}

void vhd_header_encode(struct vhd_header *h, uint8_t b[VHD_HEADER_SIZE])
{
	memset(b, 0, VHD_HEADER_SIZE);
	memcpy(b, h->cookie, 8);
	vhd_put_be64(b + 8, h->data_offset);
	vhd_put_be64(b + 16, h->table_offset);
	vhd_put_be32(b + 24, h->version);
	vhd_put_be32(b + 28, h->max_table_entries);
	vhd_put_be32(b + 32, h->block_size);
	memcpy(b + 40, h->parent_uuid, 16);
	vhd_put_be32(b + 56, h->parent_timestamp);
	memcpy(b + 64, h->parent_name, 512);
	for (int i = 0; i < VHD_LOCATORS; i++) {
		uint8_t *e = b + 576 + 24 * i;

		vhd_put_be32(e, h->loc[i].code);
		vhd_put_be32(e + 4, h->loc[i].space);
		vhd_put_be32(e + 8, h->loc[i].length);
		vhd_put_be64(e + 16, h->loc[i].offset);
	}
	h->checksum = vhd_checksum(b, VHD_HEADER_SIZE, 36);
	vhd_put_be32(b + 36, h->checksum);
}

bool vhd_header_checksum_ok(const uint8_t b[VHD_HEADER_SIZE])
{
	return vhd_checksum(b, VHD_HEADER_SIZE, 36) == vhd_get_be32(b + 36);
}

/* The specification's algorithm (appendix "CHS Calculation"), verbatim in
 * intent: the result may describe fewer sectors than the disk has, which
 * is why readers must use the current size (see create.c). */
void vhd_geometry(uint64_t sectors, uint16_t *cyl, uint8_t *heads, uint8_t *spt)
{
	uint64_t cth;
	unsigned h, s;

	if (sectors > 65535ull * 16 * 255)
		sectors = 65535ull * 16 * 255;
	if (sectors >= 65535ull * 16 * 63) {
		s = 255;
		h = 16;
		cth = sectors / s;
	} else {
		s = 17;
		cth = sectors / s;
		h = (unsigned)((cth + 1023) / 1024);
		if (h < 4)
			h = 4;
		if (cth >= h * 1024ull || h > 16) {
			s = 31;
			h = 16;
			cth = sectors / s;
		}
		if (cth >= h * 1024ull) {
			s = 63;
			h = 16;
			cth = sectors / s;
		}
	}
	*cyl = (uint16_t)(cth / h);
	*heads = (uint8_t)h;
	*spt = (uint8_t)s;
}

uint32_t vhd_bitmap_size(uint32_t block_size)
{
	uint32_t bits = block_size / VHD_SECTOR;

	return (uint32_t)vhd_round_up((bits + 7) / 8, VHD_SECTOR);
}

uint32_t vhd_bit_run(const uint8_t *bm, uint32_t i, uint32_t n, bool *set)
{
	bool v = vhd_bit_test(bm, i);
	uint8_t flip = v ? 0xff : 0x00; /* XOR with it turns the run's bits to 0 */
	uint64_t flip64 = v ? ~(uint64_t)0 : 0;
	uint32_t j = i, end = i + n;

	*set = v;
	/* A byte at a time, its bits from J on shifted to the top so that the
	 * first differing bit is the leading one; whole words of the same
	 * value are skipped, as runs are usually long (a 4 KiB read is one
	 * byte of bitmap, a 2 MiB block 512). */
	while (j < end) {
		uint32_t sh = j & 7;
		uint8_t x;

		if (sh == 0) {
			uint64_t w;

			while (end - j >= 64) {
				memcpy(&w, bm + (j >> 3), sizeof(w));
				if (w != flip64)
					break;
				j += 64;
			}
			while (end - j >= 8 && bm[j >> 3] == flip)
				j += 8;
			if (j >= end)
				break;
		}
		x = (uint8_t)((bm[j >> 3] ^ flip) << sh);
		if (x) {
			j += (uint32_t)__builtin_clz((unsigned)x) - 24;
			break;
		}
		j += 8 - sh;
	}
	return (j < end ? j : end) - i;
}

void vhd_bits_set(uint8_t *bm, uint32_t first, uint32_t count)
{
	for (uint32_t i = first; i < first + count; i++)
		bm[i >> 3] |= (uint8_t)(0x80 >> (i & 7));
}

void vhd_bits_clear(uint8_t *bm, uint32_t first, uint32_t count)
{
	for (uint32_t i = first; i < first + count; i++)
		bm[i >> 3] &= (uint8_t)~(0x80 >> (i & 7));
}

uint32_t vhd_now(void)
{
	time_t t = time(NULL);

	return t > VHD_EPOCH_OFFSET ? (uint32_t)(t - VHD_EPOCH_OFFSET) : 0;
}

int vhd_uuid_generate(uint8_t uuid[16])
{
	if (getrandom(uuid, 16, 0) != 16)
		return vhd_error(-EIO, "cannot generate a unique id: no randomness");
	uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
	uuid[8] = (uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
	return 0;
}

/* The bytes in the order they are stored: this is what vhdiinfo and
 * qemu-img print for VHD ids (win8.vhd stores ad b7 19 75 ... and both
 * print adb71975-4b5b-...), not the mixed-endian Windows GUID order. */
void vhd_uuid_format(const uint8_t u[16], char out[37])
{
	static const char hex[] = "0123456789abcdef";
	int o = 0;

	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
}

const char *vhd_type_name(enum vhd_type type)
{
	switch (type) {
	case VHD_TYPE_FIXED:
		return "fixed";
	case VHD_TYPE_DYNAMIC:
		return "dynamic";
	case VHD_TYPE_DIFF:
		return "differencing";
	}
	return "unknown";
}
