/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iscsi-pattern.c: a libiscsi initiator for the tgt tests: writes
 * recognisable per-block patterns to an iSCSI LUN, reads and checks them,
 * and issues the other commands the tests exercise (SYNCHRONIZE CACHE,
 * UNMAP, WRITE SAME, VERIFY, a whole-LUN dump, a VPD page in hex).
 *
 * The pattern of a block depends only on (seed, LBA), so a reader needs no
 * record of what was written, and a block written with another seed, or not
 * at all, is told apart.  Synchronous libiscsi calls keep it simple; the load
 * generator (iscsi-load.c) is the asynchronous one.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define BLOCK 512u
#define CHUNK_BLOCKS 512u /* 256 KiB per command */

static const char *usage_text =
	"usage: iscsi-pattern [--initiator IQN] URL COMMAND [ARGS]\n"
	"  URL is iscsi://HOST[:PORT]/TARGET-IQN/LUN; blocks are 512 bytes\n"
	"commands:\n"
	"  capacity                      print the LUN size in bytes\n"
	"  write SEED LBA COUNT [fua]    write the pattern of SEED\n"
	"  check SEED LBA COUNT          read and compare with the pattern of SEED\n"
	"  zero LBA COUNT                read and check the blocks are zeros\n"
	"  sync                          SYNCHRONIZE CACHE (10) of the whole LUN\n"
	"  unmap LBA COUNT               UNMAP one range\n"
	"  writesame BYTE LBA COUNT [unmap]  WRITE SAME (16) of a block of BYTE\n"
	"  vpd PAGE                      print VPD page PAGE (e.g. 0x83) in hex\n"
	"  verify SEED LBA COUNT         VERIFY (16) with BYTCHK against the pattern;\n"
	"                                exit 2 on MISCOMPARE\n"
	"  dump FILE                     read the whole LUN into FILE\n"
	"  lbastatus LBA                 GET LBA STATUS: one line per descriptor,\n"
	"                                \"LBA COUNT mapped|deallocated|anchored\"\n"
	"Exit 0 on success, 1 on failure with one line on stderr.\n";

static void fill_block(unsigned char *b, uint64_t seed, uint64_t lba)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull ^ (lba + 1) * 0xbf58476d1ce4e5b9ull;

	for (unsigned i = 0; i < BLOCK; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(b + i, &x, 8);
	}
	/* Readable stamp, for humans looking at a hex dump. */
	snprintf((char *)b, 32, "seed=%" PRIu64 " lba=%" PRIu64, seed, lba);
}

static int task_ok(struct iscsi_context *iscsi, struct scsi_task *task,
		   const char *what)
{
	if (!task) {
		fprintf(stderr, "iscsi-pattern: %s failed: %s\n", what,
			iscsi_get_error(iscsi));
		return 0;
	}
	if (task->status != SCSI_STATUS_GOOD) {
		fprintf(stderr, "iscsi-pattern: %s failed: status 0x%x, sense %s (0x%x) asc/ascq 0x%04x\n",
			what, task->status, scsi_sense_key_str(task->sense.key),
			task->sense.key, task->sense.ascq);
		return 0;
	}
	return 1;
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || !*s) {
		fprintf(stderr, "iscsi-pattern: bad number '%s'\n", s);
		exit(1);
	}
	return v;
}

static int do_write(struct iscsi_context *iscsi, int lun, uint64_t seed,
		    uint64_t lba, uint64_t count, int fua)
{
	unsigned char *buf = malloc((size_t)CHUNK_BLOCKS * BLOCK);

	if (!buf)
		return 1;
	while (count) {
		uint32_t n = count < CHUNK_BLOCKS ? (uint32_t)count : CHUNK_BLOCKS;
		struct scsi_task *t;

		for (uint32_t i = 0; i < n; i++)
			fill_block(buf + (size_t)i * BLOCK, seed, lba + i);
		t = iscsi_write16_sync(iscsi, lun, lba, buf, n * BLOCK, BLOCK,
				       0, 0, fua, 0, 0);
		if (!task_ok(iscsi, t, "WRITE(16)")) {
			free(buf);
			return 1;
		}
		scsi_free_scsi_task(t);
		lba += n;
		count -= n;
	}
	free(buf);
	return 0;
}

/* check (seed >= 0) or zero (seed < 0) */
static int do_check(struct iscsi_context *iscsi, int lun, int64_t seed,
		    uint64_t lba, uint64_t count)
{
	unsigned char expect[BLOCK];

	while (count) {
		uint32_t n = count < CHUNK_BLOCKS ? (uint32_t)count : CHUNK_BLOCKS;
		struct scsi_task *t = iscsi_read16_sync(iscsi, lun, lba, n * BLOCK,
							BLOCK, 0, 0, 0, 0, 0);

		if (!task_ok(iscsi, t, "READ(16)"))
			return 1;
		if (t->datain.size < (int)(n * BLOCK)) {
			fprintf(stderr, "iscsi-pattern: short read at lba %" PRIu64 "\n", lba);
			return 1;
		}
		for (uint32_t i = 0; i < n; i++) {
			if (seed >= 0)
				fill_block(expect, (uint64_t)seed, lba + i);
			else
				memset(expect, 0, BLOCK);
			if (memcmp(t->datain.data + (size_t)i * BLOCK, expect, BLOCK)) {
				fprintf(stderr, "iscsi-pattern: block %" PRIu64
					" differs from the %s (starts \"%.24s\")\n",
					lba + i, seed >= 0 ? "pattern" : "zeros",
					(const char *)t->datain.data + (size_t)i * BLOCK);
				scsi_free_scsi_task(t);
				return 1;
			}
		}
		scsi_free_scsi_task(t);
		lba += n;
		count -= n;
	}
	return 0;
}

static int do_verify(struct iscsi_context *iscsi, int lun, uint64_t seed,
		     uint64_t lba, uint64_t count)
{
	unsigned char *buf = malloc((size_t)count * BLOCK);
	struct scsi_task *t;
	int ret = 1;

	if (!buf)
		return 1;
	for (uint64_t i = 0; i < count; i++)
		fill_block(buf + i * BLOCK, seed, lba + i);
	t = iscsi_verify16_sync(iscsi, lun, buf, (uint32_t)(count * BLOCK), lba,
				0, 0, 1, BLOCK);
	if (t && t->status == SCSI_STATUS_CHECK_CONDITION &&
	    t->sense.key == SCSI_SENSE_MISCOMPARE) {
		fprintf(stderr, "iscsi-pattern: VERIFY(16) reports MISCOMPARE\n");
		ret = 2;
	} else if (task_ok(iscsi, t, "VERIFY(16)")) {
		ret = 0;
	}
	if (t)
		scsi_free_scsi_task(t);
	free(buf);
	return ret;
}

static int do_dump(struct iscsi_context *iscsi, int lun, const char *file)
{
	struct scsi_task *t = iscsi_readcapacity16_sync(iscsi, lun);
	struct scsi_readcapacity16 *rc;
	uint64_t blocks, lba = 0;
	FILE *f;

	if (!task_ok(iscsi, t, "READ CAPACITY(16)"))
		return 1;
	rc = scsi_datain_unmarshall(t);
	if (!rc) {
		fprintf(stderr, "iscsi-pattern: cannot parse READ CAPACITY(16)\n");
		return 1;
	}
	blocks = rc->returned_lba + 1;
	scsi_free_scsi_task(t);
	f = fopen(file, "wb");
	if (!f) {
		fprintf(stderr, "iscsi-pattern: cannot create '%s': %s\n", file, strerror(errno));
		return 1;
	}
	while (lba < blocks) {
		uint32_t n = blocks - lba < CHUNK_BLOCKS ? (uint32_t)(blocks - lba) : CHUNK_BLOCKS;

		t = iscsi_read16_sync(iscsi, lun, lba, n * BLOCK, BLOCK, 0, 0, 0, 0, 0);
		if (!task_ok(iscsi, t, "READ(16)") ||
		    fwrite(t->datain.data, BLOCK, n, f) != n) {
			if (t)
				scsi_free_scsi_task(t);
			fclose(f);
			return 1;
		}
		scsi_free_scsi_task(t);
		lba += n;
	}
	if (fclose(f)) {
		fprintf(stderr, "iscsi-pattern: cannot write '%s': %s\n", file, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *initiator = "iqn.2026-11.org.vhdtarget:iscsi-pattern";
	struct iscsi_context *iscsi;
	struct iscsi_url *url = NULL;
	struct scsi_task *t;
	const char *cmd;
	int argi = 1, ret = 1;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--initiator")) {
		initiator = argv[2];
		argi = 3;
	}
	if (argc - argi < 2) {
		fputs(usage_text, stderr);
		return 1;
	}
	cmd = argv[argi + 1];
	/* A LUN briefly offline (a live path change) fails the login's TEST
	 * UNIT READY with NOT READY; an initiator retries, so do we (5 s). */
	for (int attempt = 0;; attempt++) {
		iscsi = iscsi_create_context(initiator);
		if (!iscsi) {
			fprintf(stderr, "iscsi-pattern: cannot create an iSCSI context\n");
			return 1;
		}
		url = iscsi_parse_full_url(iscsi, argv[argi]);
		if (!url) {
			fprintf(stderr, "iscsi-pattern: bad URL '%s': %s\n", argv[argi],
				iscsi_get_error(iscsi));
			goto out;
		}
		iscsi_set_targetname(iscsi, url->target);
		iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
		iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE_CRC32C);
		/* A dead target fails the command instead of hanging the test. */
		iscsi_set_timeout(iscsi, 30);
		if (iscsi_full_connect_sync(iscsi, url->portal, url->lun) == 0)
			break;
		if (attempt == 50 || !strstr(iscsi_get_error(iscsi), "NOT READY")) {
			fprintf(stderr, "iscsi-pattern: cannot log in to '%s': %s\n", argv[argi],
				iscsi_get_error(iscsi));
			goto out;
		}
		iscsi_destroy_url(url);
		iscsi_destroy_context(iscsi);
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}

	char **a = argv + argi + 2;
	int na = argc - argi - 2;
	int lun = url->lun;

	if (!strcmp(cmd, "capacity") && na == 0) {
		struct scsi_readcapacity16 *rc;

		t = iscsi_readcapacity16_sync(iscsi, lun);
		if (task_ok(iscsi, t, "READ CAPACITY(16)") &&
		    (rc = scsi_datain_unmarshall(t)) != NULL) {
			printf("%" PRIu64 "\n", (rc->returned_lba + 1) * rc->block_length);
			ret = 0;
		}
		if (t)
			scsi_free_scsi_task(t);
	} else if (!strcmp(cmd, "write") && (na == 3 || (na == 4 && !strcmp(a[3], "fua")))) {
		ret = do_write(iscsi, lun, num(a[0]), num(a[1]), num(a[2]), na == 4);
	} else if (!strcmp(cmd, "check") && na == 3) {
		ret = do_check(iscsi, lun, (int64_t)num(a[0]), num(a[1]), num(a[2]));
	} else if (!strcmp(cmd, "zero") && na == 2) {
		ret = do_check(iscsi, lun, -1, num(a[0]), num(a[1]));
	} else if (!strcmp(cmd, "sync") && na == 0) {
		t = iscsi_synchronizecache10_sync(iscsi, lun, 0, 0, 0, 0);
		ret = !task_ok(iscsi, t, "SYNCHRONIZE CACHE(10)");
		if (t)
			scsi_free_scsi_task(t);
	} else if (!strcmp(cmd, "unmap") && na == 2) {
		struct unmap_list ul = { .lba = num(a[0]), .num = (uint32_t)num(a[1]) };

		t = iscsi_unmap_sync(iscsi, lun, 0, 0, &ul, 1);
		ret = !task_ok(iscsi, t, "UNMAP");
		if (t)
			scsi_free_scsi_task(t);
	} else if (!strcmp(cmd, "writesame") && (na == 3 || (na == 4 && !strcmp(a[3], "unmap")))) {
		unsigned char block[BLOCK];

		memset(block, (int)num(a[0]), BLOCK);
		t = iscsi_writesame16_sync(iscsi, lun, num(a[1]), block, BLOCK,
					   (uint32_t)num(a[2]), 0, na == 4, 0, 0);
		ret = !task_ok(iscsi, t, "WRITE SAME(16)");
		if (t)
			scsi_free_scsi_task(t);
	} else if (!strcmp(cmd, "verify") && na == 3) {
		ret = do_verify(iscsi, lun, num(a[0]), num(a[1]), num(a[2]));
	} else if (!strcmp(cmd, "lbastatus") && na == 1) {
		struct scsi_get_lba_status *st;

		t = iscsi_get_lba_status_sync(iscsi, lun, num(a[0]), 4096);
		if (task_ok(iscsi, t, "GET LBA STATUS") && (st = scsi_datain_unmarshall(t))) {
			static const char *const kind[] = { "mapped", "deallocated", "anchored" };

			for (uint32_t i = 0; i < st->num_descriptors; i++)
				printf("%" PRIu64 " %" PRIu32 " %s\n", st->descriptors[i].lba,
				       st->descriptors[i].num_blocks,
				       st->descriptors[i].provisioning <= 2 ?
				       kind[st->descriptors[i].provisioning] : "?");
			ret = 0;
		}
		if (t)
			scsi_free_scsi_task(t);
	} else if (!strcmp(cmd, "dump") && na == 1) {
		ret = do_dump(iscsi, lun, a[0]);
	} else if (!strcmp(cmd, "vpd") && na == 1) {
		/* the page as the LU sends it: binary designators are read
		 * by the caller, not by libiscsi's unmarshalling (which
		 * keeps them as C strings) */
		t = iscsi_inquiry_sync(iscsi, lun, 1, (int)num(a[0]), 255);
		if (task_ok(iscsi, t, "INQUIRY (VPD)")) {
			for (int i = 0; i < t->datain.size; i++)
				printf("%02x", t->datain.data[i]);
			printf("\n");
			ret = 0;
		}
		if (t)
			scsi_free_scsi_task(t);
	} else {
		fputs(usage_text, stderr);
	}
	iscsi_logout_sync(iscsi);
out:
	if (url)
		iscsi_destroy_url(url);
	iscsi_destroy_context(iscsi);
	return ret;
}
