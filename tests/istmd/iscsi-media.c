/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iscsi-media.c: one libiscsi session to a removable-medium LU (a virtual
 * DVD), kept open while a test changes the medium under it.  Commands
 * come one per line on stdin, and each gets one answer line on stdout, so
 * a shell test can drive it through two FIFOs:
 *   inq          "type T removable R" (standard INQUIRY)
 *   tur          "good", or "sense K ASC ASCQ" (hex) of TEST UNIT READY
 *   cap          "blocks N size B" (READ CAPACITY(10): last LBA + 1), or sense
 *   read FILE    reads the whole LU with READ(10) and compares it with FILE:
 *                "same BYTES", "differ at OFFSET", "size BYTES not FILE's", or sense
 *   write        WRITE(10) of one block of zeros at LBA 16: "good" or sense
 *   prevent N    PREVENT ALLOW MEDIUM REMOVAL, prevent N (0 or 1): "good" or sense
 *   quit         logs out
 * A CHECK CONDITION is an answer, not a failure: the test decides which
 * sense it expects (UNIT ATTENTION, NOT READY/MEDIUM NOT PRESENT, DATA
 * PROTECT).  Exit 1 when the login fails.
 *
 * Trade-off: synchronous calls, one command at a time; the test wants
 * what the initiator sees at each step, not throughput.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define CHUNK_BLOCKS 64u

static struct iscsi_context *iscsi;
static int lun;

/* "good", or the sense of a CHECK CONDITION; 1 when the task succeeded. */
static int status(struct scsi_task *t)
{
	if (!t) {
		printf("error %s\n", iscsi_get_error(iscsi));
		return 0;
	}
	if (t->status == SCSI_STATUS_GOOD)
		return 1;
	if (t->status == SCSI_STATUS_CHECK_CONDITION)
		printf("sense %x %02x %02x\n", (unsigned)t->sense.key,
		       (unsigned)(t->sense.ascq >> 8) & 0xffu, (unsigned)t->sense.ascq & 0xffu);
	else
		printf("status %d\n", t->status);
	return 0;
}

static int capacity(uint32_t *blocks, uint32_t *size)
{
	struct scsi_task *t = iscsi_readcapacity10_sync(iscsi, lun, 0, 0);
	struct scsi_readcapacity10 *rc;
	int ok = status(t);

	if (ok) {
		rc = scsi_datain_unmarshall(t);
		if (!rc) {
			printf("error unmarshalling READ CAPACITY\n");
			ok = 0;
		} else {
			*blocks = rc->lba + 1;
			*size = rc->block_size;
		}
	}
	if (t)
		scsi_free_scsi_task(t);
	return ok;
}

static void cmd_inq(void)
{
	struct scsi_task *t = iscsi_inquiry_sync(iscsi, lun, 0, 0, 255);
	struct scsi_inquiry_standard *inq;

	if (status(t)) {
		inq = scsi_datain_unmarshall(t);
		if (inq)
			printf("type %d removable %d\n", (int)inq->device_type, inq->rmb);
		else
			printf("error unmarshalling INQUIRY\n");
	}
	if (t)
		scsi_free_scsi_task(t);
}

static void cmd_tur(void)
{
	struct scsi_task *t = iscsi_testunitready_sync(iscsi, lun);

	if (status(t))
		printf("good\n");
	if (t)
		scsi_free_scsi_task(t);
}

static void cmd_cap(void)
{
	uint32_t blocks, size;

	if (capacity(&blocks, &size))
		printf("blocks %u size %u\n", blocks, size);
}

static void cmd_read(const char *path)
{
	uint32_t blocks, size, lba = 0;
	unsigned char *want;
	FILE *f;
	long flen;

	if (!capacity(&blocks, &size))
		return;
	f = fopen(path, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (flen = ftell(f)) < 0) {
		printf("error cannot read %s\n", path);
		if (f)
			fclose(f);
		return;
	}
	rewind(f);
	if ((uint64_t)flen != (uint64_t)blocks * size) {
		printf("size %llu not FILE's\n", (unsigned long long)blocks * size);
		fclose(f);
		return;
	}
	want = malloc((size_t)CHUNK_BLOCKS * size);
	while (want && lba < blocks) {
		uint32_t n = blocks - lba < CHUNK_BLOCKS ? blocks - lba : CHUNK_BLOCKS;
		struct scsi_task *t = iscsi_read10_sync(iscsi, lun, lba, n * size, (int)size,
							0, 0, 0, 0, 0);
		int ok = status(t);

		if (ok && (t->datain.size != (int)(n * size) ||
			   fread(want, size, n, f) != n ||
			   memcmp(want, t->datain.data, (size_t)n * size) != 0)) {
			printf("differ at %llu\n", (unsigned long long)lba * size);
			ok = 0;
		}
		scsi_free_scsi_task(t);
		if (!ok)
			break;
		lba += n;
	}
	if (want && lba == blocks)
		printf("same %llu\n", (unsigned long long)blocks * size);
	free(want);
	fclose(f);
}

static void cmd_write(void)
{
	uint32_t blocks, size;
	unsigned char *zero;
	struct scsi_task *t;

	if (!capacity(&blocks, &size))
		return;
	zero = calloc(1, size);
	t = iscsi_write10_sync(iscsi, lun, 16, zero, size, (int)size, 0, 0, 0, 0, 0);
	if (status(t))
		printf("good\n");
	if (t)
		scsi_free_scsi_task(t);
	free(zero);
}

static void cmd_prevent(int prevent)
{
	struct scsi_task *t = iscsi_preventallow_sync(iscsi, lun, prevent);

	if (status(t))
		printf("good\n");
	if (t)
		scsi_free_scsi_task(t);
}

int main(int argc, char **argv)
{
	char line[4200];

	if (argc != 5) {
		fprintf(stderr, "usage: iscsi-media INITIATOR PORTAL TARGET-IQN LUN\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	lun = atoi(argv[4]);
	iscsi = iscsi_create_context(argv[1]);
	if (!iscsi)
		return 1;
	iscsi_set_targetname(iscsi, argv[3]);
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE);
	if (iscsi_connect_sync(iscsi, argv[2]) != 0 || iscsi_login_sync(iscsi) != 0) {
		fprintf(stderr, "iscsi-media: login to '%s' failed: %s\n", argv[3],
			iscsi_get_error(iscsi));
		iscsi_destroy_context(iscsi);
		return 1;
	}
	printf("logged in\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = 0;
		if (strcmp(line, "inq") == 0)
			cmd_inq();
		else if (strcmp(line, "tur") == 0)
			cmd_tur();
		else if (strcmp(line, "cap") == 0)
			cmd_cap();
		else if (strncmp(line, "read ", 5) == 0)
			cmd_read(line + 5);
		else if (strcmp(line, "write") == 0)
			cmd_write();
		else if (strncmp(line, "prevent ", 8) == 0)
			cmd_prevent(atoi(line + 8));
		else if (strcmp(line, "quit") == 0)
			break;
		else
			printf("error unknown command '%s'\n", line);
		fflush(stdout);
	}
	alarm(5);
	iscsi_logout_sync(iscsi);
	iscsi_destroy_context(iscsi);
	return 0;
}
