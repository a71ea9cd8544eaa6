/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* iscsi-verify.c: a libiscsi initiator that writes and reads back with
 * verification for a while and says how long each slow command took, for
 * the tests that change a LU under it (snapshot switches, merges, reopens).
 *
 * It first writes a span of the LUN, then for the given time picks random
 * 4 KiB units: half are rewritten with a new seed, half read and compared
 * with the seed it last wrote there; at the end the whole span is read and
 * compared again.  Every command's latency is measured on CLOCK_REALTIME,
 * so the test script can put its own timestamps (bash's EPOCHREALTIME) on
 * the same axis: commands slower than 1 ms are logged as "START_US END_US"
 * to --slow FILE, and the script finds the longest one overlapping each
 * switch.  Failed commands are counted, not fatal, so a run reports how
 * many there were.  One synchronous command at a time: a pause of the LU
 * is then exactly one command's latency.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define BLOCK 512u
#define UNIT_BLOCKS 8u     /* 4 KiB per random command */
#define FILL_BLOCKS 512u   /* 256 KiB per command of the first and last pass */
#define SLOW_US 1000

static const char *usage_text =
	"usage: iscsi-verify [OPTIONS] URL\n"
	"  --seconds S        random phase duration (10)\n"
	"  --lba N            first block of the span (0)\n"
	"  --blocks N         blocks in the span, a multiple of 8 (16384)\n"
	"  --slow FILE        log commands slower than 1 ms: START_US END_US\n"
	"  --initiator IQN    initiator name\n"
	"Prints: ops writes reads errors mismatches max_latency_us.\n"
	"Exit 0 when no command failed and nothing read differed, 1 otherwise.\n";

struct run {
	struct iscsi_context *iscsi;
	int lun;
	uint64_t lba0;               /* first block of the span */
	uint32_t units;              /* 4 KiB units in the span */
	uint32_t *seed;              /* per unit: the seed last written */
	FILE *slow;                  /* or NULL */
	uint64_t ops, writes, reads, errors, mismatches, max_us;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t rng = 0x853c49e6748fea9bull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fill(unsigned char *b, uint32_t seed, uint64_t lba)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ull ^ (lba + 1) * 0xbf58476d1ce4e5b9ull;

	for (unsigned i = 0; i < BLOCK; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(b + i, &x, 8);
	}
}

static void timed(struct run *r, uint64_t start)
{
	uint64_t end = now_us(), us = end - start;

	r->ops++;
	if (us > r->max_us)
		r->max_us = us;
	if (r->slow && us >= SLOW_US)
		fprintf(r->slow, "%" PRIu64 " %" PRIu64 "\n", start, end);
}

static int good(struct run *r, struct scsi_task *t, const char *what, uint64_t lba)
{
	if (t && t->status == SCSI_STATUS_GOOD)
		return 1;
	r->errors++;
	if (!t)
		fprintf(stderr, "iscsi-verify: %s at lba %" PRIu64 " failed: %s\n", what, lba,
			iscsi_get_error(r->iscsi));
	else
		fprintf(stderr, "iscsi-verify: %s at lba %" PRIu64 ": status 0x%x, sense %s asc/ascq 0x%04x\n",
			what, lba, t->status, scsi_sense_key_str(t->sense.key), t->sense.ascq);
	return 0;
}

/* Write units [u, u+n) with their current seeds. */
static void write_units(struct run *r, unsigned char *buf, uint32_t u, uint32_t n)
{
	uint64_t lba = r->lba0 + (uint64_t)u * UNIT_BLOCKS, start;
	struct scsi_task *t;

	for (uint32_t i = 0; i < n * UNIT_BLOCKS; i++)
		fill(buf + (size_t)i * BLOCK, r->seed[u + i / UNIT_BLOCKS], lba + i);
	start = now_us();
	t = iscsi_write16_sync(r->iscsi, r->lun, lba, buf, n * UNIT_BLOCKS * BLOCK, BLOCK, 0, 0, 0, 0, 0);
	timed(r, start);
	good(r, t, "WRITE(16)", lba);
	if (t)
		scsi_free_scsi_task(t);
	r->writes++;
}

/* Read units [u, u+n) and compare them with their seeds. */
static void check_units(struct run *r, unsigned char *want, uint32_t u, uint32_t n)
{
	uint64_t lba = r->lba0 + (uint64_t)u * UNIT_BLOCKS, start = now_us();
	struct scsi_task *t = iscsi_read16_sync(r->iscsi, r->lun, lba, n * UNIT_BLOCKS * BLOCK, BLOCK,
					       0, 0, 0, 0, 0);

	timed(r, start);
	r->reads++;
	if (good(r, t, "READ(16)", lba)) {
		for (uint32_t i = 0; i < n * UNIT_BLOCKS; i++) {
			fill(want, r->seed[u + i / UNIT_BLOCKS], lba + i);
			if (t->datain.size < (int)((i + 1) * BLOCK) ||
			    memcmp(t->datain.data + (size_t)i * BLOCK, want, BLOCK) != 0) {
				if (r->mismatches++ < 5)
					fprintf(stderr, "iscsi-verify: block %" PRIu64 " is not what was written (seed %u)\n",
						lba + i, r->seed[u + i / UNIT_BLOCKS]);
				break;
			}
		}
	}
	if (t)
		scsi_free_scsi_task(t);
}

static int connect_lun(struct run *r, const char *initiator, const char *urlstr)
{
	struct iscsi_url *url;

	r->iscsi = iscsi_create_context(initiator);
	if (!r->iscsi)
		return -1;
	url = iscsi_parse_full_url(r->iscsi, urlstr);
	if (!url) {
		fprintf(stderr, "iscsi-verify: bad URL: %s\n", iscsi_get_error(r->iscsi));
		return -1;
	}
	iscsi_set_targetname(r->iscsi, url->target);
	iscsi_set_session_type(r->iscsi, ISCSI_SESSION_NORMAL);
	iscsi_set_header_digest(r->iscsi, ISCSI_HEADER_DIGEST_NONE_CRC32C);
	iscsi_set_timeout(r->iscsi, 30);
	if (iscsi_full_connect_sync(r->iscsi, url->portal, url->lun) != 0) {
		fprintf(stderr, "iscsi-verify: login failed: %s\n", iscsi_get_error(r->iscsi));
		iscsi_destroy_url(url);
		return -1;
	}
	r->lun = url->lun;
	iscsi_destroy_url(url);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "lba", required_argument, NULL, 'l' },
		{ "blocks", required_argument, NULL, 'b' },
		{ "slow", required_argument, NULL, 'w' },
		{ "initiator", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *initiator = "iqn.2026-11.org.vhdtarget:verify";
	struct run r = { 0 };
	uint64_t blocks = 16384, seconds = 10, end;
	unsigned char *buf = malloc((size_t)FILL_BLOCKS * BLOCK);
	uint32_t seq = 1;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': seconds = strtoull(optarg, NULL, 0); break;
		case 'l': r.lba0 = strtoull(optarg, NULL, 0); break;
		case 'b': blocks = strtoull(optarg, NULL, 0); break;
		case 'w':
			r.slow = fopen(optarg, "w");
			if (!r.slow) {
				fprintf(stderr, "iscsi-verify: %s: %s\n", optarg, strerror(errno));
				return 1;
			}
			setvbuf(r.slow, NULL, _IOLBF, 0);
			break;
		case 'i': initiator = optarg; break;
		default: fputs(usage_text, stderr); return 1;
		}
	}
	if (optind != argc - 1 || blocks == 0 || blocks % UNIT_BLOCKS || !buf) {
		fputs(usage_text, stderr);
		return 1;
	}
	r.units = (uint32_t)(blocks / UNIT_BLOCKS);
	r.seed = calloc(r.units, sizeof(*r.seed));
	if (!r.seed || connect_lun(&r, initiator, argv[optind]) < 0)
		return 1;
	for (uint32_t u = 0; u < r.units; u++)
		r.seed[u] = seq;
	for (uint32_t u = 0; u < r.units; u += FILL_BLOCKS / UNIT_BLOCKS) {
		uint32_t n = r.units - u < FILL_BLOCKS / UNIT_BLOCKS ? r.units - u : FILL_BLOCKS / UNIT_BLOCKS;

		write_units(&r, buf, u, n);
	}
	end = now_us() + seconds * 1000000u;
	while (now_us() < end) {
		uint32_t u = (uint32_t)(rnd() % r.units);

		if (rnd() & 1) {
			r.seed[u] = ++seq;
			write_units(&r, buf, u, 1);
		} else {
			check_units(&r, buf, u, 1);
		}
	}
	for (uint32_t u = 0; u < r.units; u += FILL_BLOCKS / UNIT_BLOCKS) {
		uint32_t n = r.units - u < FILL_BLOCKS / UNIT_BLOCKS ? r.units - u : FILL_BLOCKS / UNIT_BLOCKS;

		check_units(&r, buf, u, n);
	}
	printf("ops=%" PRIu64 " writes=%" PRIu64 " reads=%" PRIu64 " errors=%" PRIu64
	       " mismatches=%" PRIu64 " max_latency_us=%" PRIu64 "\n",
	       r.ops, r.writes, r.reads, r.errors, r.mismatches, r.max_us);
	iscsi_logout_sync(r.iscsi);
	iscsi_destroy_context(r.iscsi);
	if (r.slow)
		fclose(r.slow);
	free(r.seed);
	free(buf);
	return r.errors || r.mismatches ? 1 : 0;
}
