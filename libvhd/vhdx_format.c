/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_format.c: VHDX on-disk structures ([MS-VHDX]) and their codecs:
 * little-endian fields, CRC-32C, GUIDs, headers and log entry headers.
 * Region and metadata tables are small and read in place by vhdx_layer.c;
 * their offset tables are here so that every layout is in one file.
 *
 * The CRC table is built once on first use (1 KiB) rather than written out
 * as a constant: 20 lines of code instead of 256 numbers to check.
 *
 * File layout (the first MiB):
 *   0       file type identifier: "vhdxfile", creator (UTF-16LE, 512 bytes)
 *   64 KiB  header 1 (4 KiB used)
 *   128 KiB header 2
 *   192 KiB region table 1 (64 KiB)
 *   256 KiB region table 2 (a copy)
 *
 * Header (4 KiB, checksum over all of it):
 *   0  "head"             4   signature
 *   4  Checksum           4   CRC-32C with this field zero
 *   8  SequenceNumber     8   the higher valid header is current
 *   16 FileWriteGuid      16
 *   32 DataWriteGuid      16  children store it as parent_linkage
 *   48 LogGuid            16  zero: the log is empty
 *   64 LogVersion         2   0
 *   66 Version            2   1
 *   68 LogLength          4   multiple of 1 MiB
 *   72 LogOffset          8   multiple of 1 MiB
 *   80 reserved           4016
 *
 * Region table (64 KiB, checksum over all of it):
 *   0  "regi" 4, 4 Checksum 4, 8 EntryCount 4 (<= 2047), 12 reserved 4
 *   16 + 32 * i: Guid 16, FileOffset 8 (1 MiB multiple), Length 4
 *                (1 MiB multiple), Required 4 (bit 0)
 *
 * Metadata table (first 64 KiB of the metadata region, no checksum):
 *   0  "metadata" 8, 8 reserved 2, 10 EntryCount 2 (<= 2047), 12 reserved 20
 *   32 + 32 * i: ItemId 16, Offset 4 (from the region start, >= 64 KiB),
 *                Length 4, flags 4 (bit 0 IsUser, bit 1 IsVirtualDisk,
 *                bit 2 IsRequired), reserved 4
 *   File Parameters 8: BlockSize 4, flags 4 (bit 0 LeaveBlocksAllocated,
 *                      bit 1 HasParent)
 *   Virtual Disk Size 8, Virtual Disk Id 16, Logical Sector Size 4,
 *   Physical Sector Size 4
 *   Parent Locator: LocatorType 16, reserved 2, KeyValueCount 2, then
 *                   12-byte entries KeyOffset 4, ValueOffset 4, KeyLength 2,
 *                   ValueLength 2 (offsets from the item start, UTF-16LE)
 *
 * BAT entry (8 bytes): State bits 0-2, reserved 3-19, FileOffsetMB 20-63.
 *
 * Log entry (a multiple of 4 KiB, checksum over all of it):
 *   0  "loge" 4, 4 Checksum 4, 8 EntryLength 4, 12 Tail 4,
 *   16 SequenceNumber 8, 24 DescriptorCount 4, 28 reserved 4,
 *   32 LogGuid 16, 48 FlushedFileOffset 8, 56 LastFileOffset 8
 *   64 + 32 * i descriptors, the header sectors padded to 4 KiB:
 *     "zero" 4, reserved 4, ZeroLength 8, FileOffset 8, SequenceNumber 8
 *     "desc" 4, TrailingBytes 4, LeadingBytes 8, FileOffset 8, SequenceNumber 8
 *   then one 4 KiB data sector per data descriptor:
 *     "data" 4, SequenceHigh 4, Data 4084, SequenceLow 4
 *   (the sector written is LeadingBytes + Data + TrailingBytes).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "vhdx_internal.h"

#define GUID(d1, d2, d3, a, b, c, d, e, f, g, h)                                         \
	{ (d1) & 0xff, ((d1) >> 8) & 0xff, ((d1) >> 16) & 0xff, ((unsigned)(d1) >> 24) & 0xff, \
	  (d2) & 0xff, ((d2) >> 8) & 0xff, (d3) & 0xff, ((d3) >> 8) & 0xff,              \
	  a, b, c, d, e, f, g, h }

const vhdx_guid vhdx_guid_bat =
	GUID(0x2dc27766, 0xf623, 0x4200, 0x9d, 0x64, 0x11, 0x5e, 0x9b, 0xfd, 0x4a, 0x08);
const vhdx_guid vhdx_guid_metadata =
	GUID(0x8b7ca206, 0x4790, 0x4b9a, 0xb8, 0xfe, 0x57, 0x5f, 0x05, 0x0f, 0x88, 0x6e);
const vhdx_guid vhdx_guid_file_params =
	GUID(0xcaa16737, 0xfa36, 0x4d43, 0xb3, 0xb6, 0x33, 0xf0, 0xaa, 0x44, 0xe7, 0x6b);
const vhdx_guid vhdx_guid_disk_size =
	GUID(0x2fa54224, 0xcd1b, 0x4876, 0xb2, 0x11, 0x5d, 0xbe, 0xd8, 0x3b, 0xf4, 0xb8);
const vhdx_guid vhdx_guid_disk_id =
	GUID(0xbeca12ab, 0xb2e6, 0x4523, 0x93, 0xef, 0xc3, 0x09, 0xe0, 0x00, 0xc7, 0x46);
const vhdx_guid vhdx_guid_logical_sector =
	GUID(0x8141bf1d, 0xa96f, 0x4709, 0xba, 0x47, 0xf2, 0x33, 0xa8, 0xfa, 0xab, 0x5f);
const vhdx_guid vhdx_guid_physical_sector =
	GUID(0xcda348c7, 0x445d, 0x4471, 0x9c, 0xc9, 0xe9, 0x88, 0x52, 0x51, 0xc5, 0x56);
const vhdx_guid vhdx_guid_parent_locator =
	GUID(0xa8d35f2d, 0xb30b, 0x454d, 0xab, 0xf7, 0xd3, 0xd8, 0x48, 0x34, 0xab, 0x0c);
const vhdx_guid vhdx_guid_locator_type =
	GUID(0xb04aefb7, 0xd19e, 0x4a81, 0xb7, 0x89, 0x25, 0xb8, 0xe9, 0x44, 0x59, 0x13);

int vhd_head_is_vhdx(const void *head, size_t len)
{
	return len >= 8 && memcmp(head, "vhdxfile", 8) == 0;
}

uint16_t vhdx_le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t vhdx_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
uint64_t vhdx_le64(const uint8_t *p) { return vhdx_le32(p) | (uint64_t)vhdx_le32(p + 4) << 32; }
void vhdx_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
void vhdx_put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}
void vhdx_put_le64(uint8_t *p, uint64_t v)
{
	vhdx_put_le32(p, (uint32_t)v);
	vhdx_put_le32(p + 4, (uint32_t)(v >> 32));
}

/* CRC-32C a slice of 8 bytes at a time (Intel's "slicing-by-8"): table k
 * gives the CRC of a byte followed by k zero bytes.  Every open checks two
 * 4 KiB headers, a 64 KiB region table and each log entry, and a byte at a
 * time that loop was a visible share of an open (more under the fuzzers'
 * instrumentation, which counts each iteration).  This is the portable
 * path: where the CPU has a CRC-32C instruction, vhdx_crc32c_hw.c's step
 * is chosen instead, once, with the table. */
static uint32_t crc_table[8][256];
static vhdx_crc_fn *crc_step;
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78u : c >> 1;
		crc_table[0][i] = c;
	}
	for (int k = 1; k < 8; k++)
		for (uint32_t i = 0; i < 256; i++)
			crc_table[k][i] = (crc_table[k - 1][i] >> 8) ^ crc_table[0][crc_table[k - 1][i] & 0xff];
	crc_step = vhdx_crc32c_hw();
	if (!crc_step)
		crc_step = vhdx_crc32c_table;
}

uint32_t vhdx_crc32c_table(uint32_t c, const uint8_t *p, size_t n)
{
	pthread_once(&crc_once, crc_init);
	for (; n >= 8; p += 8, n -= 8) {
		uint32_t lo = vhdx_le32(p) ^ c, hi = vhdx_le32(p + 4);

		c = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		    crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		    crc_table[3][hi & 0xff] ^ crc_table[2][(hi >> 8) & 0xff] ^
		    crc_table[1][(hi >> 16) & 0xff] ^ crc_table[0][hi >> 24];
	}
	for (; n; p++, n--)
		c = crc_table[0][(c ^ *p) & 0xff] ^ (c >> 8);
	return c;
}

uint32_t vhdx_crc32c(const uint8_t *buf, size_t len, size_t csum_off)
{
	static const uint8_t zero[4];
	size_t a = csum_off < len ? csum_off : len;           /* the field's start */
	size_t b = len - a < 4 ? len : a + 4;                   /* and end, read as zeros */
	uint32_t c;

	pthread_once(&crc_once, crc_init);
	c = crc_step(0xffffffffu, buf, a);
	c = crc_step(c, zero, b - a);
	c = crc_step(c, buf + b, len - b);
	return c ^ 0xffffffffu;
}

void vhdx_seal(uint8_t *buf, size_t len)
{
	vhdx_put_le32(buf + 4, vhdx_crc32c(buf, len, 4));
}

bool vhdx_sealed_ok(const uint8_t *buf, size_t len)
{
	return vhdx_le32(buf + 4) == vhdx_crc32c(buf, len, 4);
}

bool vhdx_guid_is_zero(const vhdx_guid g)
{
	static const vhdx_guid zero;

	return memcmp(g, zero, 16) == 0;
}

void vhdx_guid_format(const vhdx_guid g, char out[39])
{
	snprintf(out, 39, "{%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x}", vhdx_le32(g),
	         vhdx_le16(g + 4), vhdx_le16(g + 6), g[8], g[9], g[10], g[11], g[12], g[13], g[14],
	         g[15]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int vhdx_guid_parse(const char *s, vhdx_guid g)
{
	uint8_t raw[16];
	int n = 0;
	size_t len = strlen(s);

	if (len == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		len = 36;
	}
	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return -EINVAL;
	for (size_t i = 0; i < 36; i++) {
		int hi, lo;

		if (i == 8 || i == 13 || i == 18 || i == 23)
			continue;
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		raw[n++] = (uint8_t)(hi << 4 | lo);
		i++;
	}
	/* text is big-endian in the first three groups; disk is little-endian */
	g[0] = raw[3]; g[1] = raw[2]; g[2] = raw[1]; g[3] = raw[0];
	g[4] = raw[5]; g[5] = raw[4];
	g[6] = raw[7]; g[7] = raw[6];
	memcpy(g + 8, raw + 8, 8);
	return 0;
}

int vhdx_guid_generate(vhdx_guid g)
{
	/* Random (version 4) UUIDs; the byte order does not matter for them
	 * except for the version and variant bits, set in disk order. */
	int r = vhd_uuid_generate(g);

	if (r < 0)
		return r;
	g[7] = (uint8_t)((g[7] & 0x0f) | 0x40);
	g[8] = (uint8_t)((g[8] & 0x3f) | 0x80);
	return 0;
}

void vhdx_header_decode(const uint8_t buf[VHDX_HEADER_SIZE], struct vhdx_header *h)
{
	h->seq = vhdx_le64(buf + 8);
	memcpy(h->file_write_guid, buf + 16, 16);
	memcpy(h->data_write_guid, buf + 32, 16);
	memcpy(h->log_guid, buf + 48, 16);
	h->log_version = vhdx_le16(buf + 64);
	h->version = vhdx_le16(buf + 66);
	h->log_length = vhdx_le32(buf + 68);
	h->log_offset = vhdx_le64(buf + 72);
}

void vhdx_header_encode(const struct vhdx_header *h, uint8_t buf[VHDX_HEADER_SIZE])
{
	memset(buf, 0, VHDX_HEADER_SIZE);
	memcpy(buf, "head", 4);
	vhdx_put_le64(buf + 8, h->seq);
	memcpy(buf + 16, h->file_write_guid, 16);
	memcpy(buf + 32, h->data_write_guid, 16);
	memcpy(buf + 48, h->log_guid, 16);
	vhdx_put_le16(buf + 64, h->log_version);
	vhdx_put_le16(buf + 66, h->version);
	vhdx_put_le32(buf + 68, h->log_length);
	vhdx_put_le64(buf + 72, h->log_offset);
	vhdx_seal(buf, VHDX_HEADER_SIZE);
}

bool vhdx_header_ok(const uint8_t buf[VHDX_HEADER_SIZE])
{
	return memcmp(buf, "head", 4) == 0 && vhdx_sealed_ok(buf, VHDX_HEADER_SIZE);
}

void vhdx_log_entry_decode(const uint8_t *buf, struct vhdx_log_entry *e)
{
	e->entry_length = vhdx_le32(buf + 8);
	e->tail = vhdx_le32(buf + 12);
	e->seq = vhdx_le64(buf + 16);
	e->desc_count = vhdx_le32(buf + 24);
	memcpy(e->log_guid, buf + 32, 16);
	e->flushed_file_offset = vhdx_le64(buf + 48);
	e->last_file_offset = vhdx_le64(buf + 56);
}

void vhdx_log_entry_encode(const struct vhdx_log_entry *e, uint8_t *buf)
{
	memset(buf, 0, VHDX_LOG_HDR);
	memcpy(buf, "loge", 4);
	vhdx_put_le32(buf + 8, e->entry_length);
	vhdx_put_le32(buf + 12, e->tail);
	vhdx_put_le64(buf + 16, e->seq);
	vhdx_put_le32(buf + 24, e->desc_count);
	memcpy(buf + 32, e->log_guid, 16);
	vhdx_put_le64(buf + 48, e->flushed_file_offset);
	vhdx_put_le64(buf + 56, e->last_file_offset);
}
