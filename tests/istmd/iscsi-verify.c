/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iscsi-verify.c: an initiator that writes and reads back with
 * verification while a test changes things under the LU (snapshots,
 * deletes): one libiscsi session, synchronous WRITE(16) of 4 KiB then
 * READ(16) of the same blocks, over a span, each block carrying the
 * sequence number of its write; every read must return exactly what was
 * written last.  It runs until SIGTERM/SIGINT or a time limit, then
 * prints one line: ops, errors (failed commands), mismatches and the
 * longest time one command took (the pause a switch caused), and logs out.
 *
 * Trade-off: one command in flight, so the pause measured is the one an
 * initiator waiting on a single command sees; a throughput load is
 * tests/tgt/iscsi-load.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <inttypes.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define BS 4096u

static const char *usage_text =
	"usage: iscsi-verify URL LBA BLOCKS SECONDS\n"
	"  URL is iscsi://HOST[:PORT]/TARGET-IQN/LUN; LBA and BLOCKS (512-byte\n"
	"  blocks, BLOCKS a multiple of 8) give the span it writes.\n"
	"Prints: ops errors mismatches max_ms.  Exit 0 when no command failed\n"
	"and every read matched, 1 otherwise, 2 on bad usage or no login.\n";

/* SIGTERM/SIGINT stay blocked (a signal would cut a synchronous command's
 * poll short and count as a failure); the loop looks for them between
 * commands. */
static bool asked_to_stop(void)
{
	sigset_t pend;

	return sigpending(&pend) == 0 && (sigismember(&pend, SIGTERM) || sigismember(&pend, SIGINT));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void fill(uint8_t *b, uint64_t seq, uint64_t lba)
{
	for (unsigned i = 0; i < BS; i += 16) {
		memcpy(b + i, &seq, 8);
		memcpy(b + i + 8, &lba, 8);
	}
}

int main(int argc, char **argv)
{
	struct iscsi_context *iscsi;
	struct iscsi_url *url;
	uint64_t lba0, nblk, ops = 0, errors = 0, mismatches = 0, seq = 0;
	double max_ms = 0, deadline;
	uint8_t wbuf[BS], *rbuf;
	sigset_t block;

	if (argc != 5) {
		fputs(usage_text, stderr);
		return 2;
	}
	lba0 = strtoull(argv[2], NULL, 0);
	nblk = strtoull(argv[3], NULL, 0) / 8;
	deadline = now_ms() + atof(argv[4]) * 1e3;
	if (nblk == 0) {
		fputs(usage_text, stderr);
		return 2;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, NULL);
	iscsi = iscsi_create_context("iqn.2026-11.org.vhdtarget:verify");
	url = iscsi ? iscsi_parse_full_url(iscsi, argv[1]) : NULL;
	if (!url) {
		fprintf(stderr, "iscsi-verify: bad URL '%s'\n", argv[1]);
		return 2;
	}
	iscsi_set_targetname(iscsi, url->target);
	iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(iscsi, ISCSI_HEADER_DIGEST_NONE);
	if (iscsi_full_connect_sync(iscsi, url->portal, url->lun) != 0) {
		fprintf(stderr, "iscsi-verify: cannot log in: %s\n", iscsi_get_error(iscsi));
		return 2;
	}
	printf("logged in\n");
	fflush(stdout);
	while (!asked_to_stop() && now_ms() < deadline) {
		uint64_t lba = lba0 + (seq % nblk) * 8;
		struct scsi_task *t;
		double t0 = now_ms(), dt;

		fill(wbuf, ++seq, lba);
		t = iscsi_write16_sync(iscsi, url->lun, lba, wbuf, BS, 512, 0, 0, 0, 0, 0);
		if (!t || t->status != SCSI_STATUS_GOOD) {
			fprintf(stderr, "iscsi-verify: WRITE at %" PRIu64 " failed: %s\n", lba,
				t ? iscsi_get_error(iscsi) : "no task");
			errors++;
		}
		if (t)
			scsi_free_scsi_task(t);
		dt = now_ms() - t0;
		if (dt > max_ms)
			max_ms = dt;
		t0 = now_ms();
		t = iscsi_read16_sync(iscsi, url->lun, lba, BS, 512, 0, 0, 0, 0, 0);
		dt = now_ms() - t0;
		if (dt > max_ms)
			max_ms = dt;
		if (!t || t->status != SCSI_STATUS_GOOD) {
			fprintf(stderr, "iscsi-verify: READ at %" PRIu64 " failed: %s\n", lba,
				t ? iscsi_get_error(iscsi) : "no task");
			errors++;
		} else {
			rbuf = t->datain.data;
			if (t->datain.size < (int)BS || memcmp(rbuf, wbuf, BS) != 0) {
				fprintf(stderr, "iscsi-verify: block at %" PRIu64 " reads other data "
					"than write %" PRIu64 "\n", lba, seq);
				mismatches++;
			}
		}
		if (t)
			scsi_free_scsi_task(t);
		ops += 2;
	}
	printf("ops=%" PRIu64 " errors=%" PRIu64 " mismatches=%" PRIu64 " max_ms=%.1f\n", ops,
	       errors, mismatches, max_ms);
	iscsi_logout_sync(iscsi);
	iscsi_destroy_url(url);
	iscsi_destroy_context(iscsi);
	return errors || mismatches ? 1 : 0;
}
