/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdfs_part.c: find the partitions of a virtual disk (-o partitions).
 *
 * Reads the MBR of the flat disk; a protective MBR (type 0xee) leads to the
 * GPT at LBA 1, otherwise the four primary entries are used and an extended
 * partition's chain of EBRs gives logical partitions numbered from 5, as
 * Linux numbers them.  512-byte sectors only (what VHD disks have).  The
 * table is trusted only as far as it stays inside the disk: entries that
 * point past the end are skipped, the EBR chain is bounded, and a GPT whose
 * header CRC is wrong is ignored (the backup GPT is not consulted: a disk
 * whose primary GPT is damaged shows no partitions, which is the safe side).
 *
 *   MBR (LBA 0):  446 + 16 * i  partition entry i (i = 0..3):
 *                   +4 type, +8 first LBA (le32), +12 sector count (le32)
 *                 510  0x55 0xaa signature
 *   GPT header (LBA 1): 0 "EFI PART", 12 header size (le32), 16 header CRC32
 *                 (computed with this field zeroed), 72 entries LBA (le64),
 *                 80 number of entries (le32), 84 entry size (le32),
 *                 88 CRC32 of the entry array
 *   GPT entry:    0 type GUID (all zero = unused), 32 first LBA (le64),
 *                 40 last LBA (le64, inclusive)
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vhdfs.h"

#define SECTOR 512u
#define MAX_EBRS 128     /* bound on the logical-partition chain */
#define MAX_GPT_ENTRIES 1024

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* CRC-32 (IEEE 802.3, reflected), as GPT uses; computed bitwise because a
 * table is not worth it for a few KiB read once per mount. */
static uint32_t crc32_ieee(const uint8_t *p, size_t n)
{
	uint32_t crc = 0xffffffffu;

	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static int add(struct vhdfs_part *parts, int n, int max, int number,
	       uint64_t first_lba, uint64_t sectors, uint64_t disk_size)
{
	uint64_t off = first_lba * SECTOR, len = sectors * SECTOR;

	if (n >= max || sectors == 0 || first_lba == 0 ||
	    first_lba > disk_size / SECTOR || sectors > disk_size / SECTOR ||
	    off + len > disk_size)
		return n;
	parts[n].number = number;
	parts[n].offset = off;
	parts[n].size = len;
	return n + 1;
}

static int is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static int scan_gpt(vhd_chain *chain, uint64_t disk_size,
		    struct vhdfs_part *parts, int max)
{
	uint8_t hdr[SECTOR];
	uint32_t hsize, count, esize, crc;
	uint64_t table;
	uint8_t *entries;
	int n = 0;

	if (vhd_chain_pread(chain, hdr, SECTOR, SECTOR) < 0 ||
	    memcmp(hdr, "EFI PART", 8) != 0)
		return 0;
	hsize = le32(hdr + 12);
	if (hsize < 92 || hsize > SECTOR)
		return 0;
	crc = le32(hdr + 16);
	memset(hdr + 16, 0, 4);
	if (crc32_ieee(hdr, hsize) != crc)
		return 0;
	table = le64(hdr + 72);
	count = le32(hdr + 80);
	esize = le32(hdr + 84);
	if (count == 0 || count > MAX_GPT_ENTRIES || esize < 128 || esize > 4096 ||
	    table == 0 || table > disk_size / SECTOR ||
	    (uint64_t)count * esize > disk_size - table * SECTOR)
		return 0;
	entries = malloc((size_t)count * esize);
	if (!entries)
		return -ENOMEM;
	if (vhd_chain_pread(chain, entries, (size_t)count * esize, table * SECTOR) < 0 ||
	    crc32_ieee(entries, (size_t)count * esize) != le32(hdr + 88)) {
		free(entries);
		return 0;
	}
	for (uint32_t i = 0; i < count; i++) {
		const uint8_t *e = entries + (size_t)i * esize;
		static const uint8_t unused[16];
		uint64_t first = le64(e + 32), last = le64(e + 40);

		if (memcmp(e, unused, 16) == 0 || last < first)
			continue;
		n = add(parts, n, max, (int)i + 1, first, last - first + 1, disk_size);
	}
	free(entries);
	return n;
}

int vhdfs_part_scan(vhd_chain *chain, uint64_t disk_size,
		    struct vhdfs_part *parts, int max)
{
	uint8_t mbr[SECTOR], ebr[SECTOR];
	uint64_t ext_start = 0;
	int n = 0, logical = 5;

	if (disk_size < 2 * SECTOR || vhd_chain_pread(chain, mbr, SECTOR, 0) < 0)
		return 0;
	if (mbr[510] != 0x55 || mbr[511] != 0xaa)
		return 0;
	for (int i = 0; i < 4; i++)
		if (mbr[446 + 16 * i + 4] == 0xee)
			return scan_gpt(chain, disk_size, parts, max);

	for (int i = 0; i < 4; i++) {
		const uint8_t *e = mbr + 446 + 16 * i;

		if (e[4] == 0)
			continue;
		if (is_extended(e[4])) {
			if (!ext_start)
				ext_start = le32(e + 8);
			continue;
		}
		n = add(parts, n, max, i + 1, le32(e + 8), le32(e + 12), disk_size);
	}

	/* Each EBR describes one logical partition (relative to the EBR) and
	 * links to the next EBR (relative to the extended partition). */
	for (uint64_t lba = ext_start, hops = 0; lba && hops < MAX_EBRS; hops++) {
		const uint8_t *e0 = ebr + 446, *e1 = ebr + 462;

		if (lba >= disk_size / SECTOR ||
		    vhd_chain_pread(chain, ebr, SECTOR, lba * SECTOR) < 0 ||
		    ebr[510] != 0x55 || ebr[511] != 0xaa)
			break;
		if (e0[4] != 0 && !is_extended(e0[4]))
			n = add(parts, n, max, logical++, lba + le32(e0 + 8),
				le32(e0 + 12), disk_size);
		if (!is_extended(e1[4]) || le32(e1 + 8) == 0)
			break;
		lba = ext_start + le32(e1 + 8);
	}
	return n;
}
