/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-vhdx-torn.c: torn writes into a VHDX's log and metadata, at every
 * point of two flush sequences ([MS-VHDX] 2.3: a log entry is applied
 * whole or not at all, and replay redoes every entry from the tail).
 *
 * A session on a copy of a prepared image writes two sets of data into new
 * blocks (and, in a differencing disk, into other sectors of a partially
 * present block), flushing after each, then closes.  A dry run counts the
 * session's writes and syncs; then, for each of them in turn, the session
 * is run again with that call failing (through the test-only fault hook,
 * libvhd/sysio.c) and every later one too, as a crash there would leave
 * the file.  A failing write is torn: its first KEEP bytes reach the file,
 * KEEP going over every 512-byte sector boundary up to 16 KiB (a log
 * entry, a header, a BAT or bitmap page: every write of the metadata), in
 * 64 KiB steps beyond (payload data).  After each crash the image is
 * reopened as a user would:
 *   - a read-only open reads through a log holding changes in memory (or
 *     refuses one it cannot, -EROFS, and vhd_check() lists that log);
 *   - a writable open replays the log, reading as the read-only open did;
 *     vhd_check() then finds nothing;
 *   - the disk reads exactly as before the session, after the first set,
 *     or after the second: never a mix of metadata from two of them (the
 *     data of the sets lies in space that only metadata makes visible);
 *   - a flush that returned 0 made its set durable.
 * The trade-off: the crash is simulated in one process (the page cache is
 * the "disk"), so writes before the torn one are all present; the cases
 * of lost unsynced writes are what test-crash's kill -9 rounds cover.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "internal.h"
#include "vhd.h"

#define DISK (8u << 20)
#define MIB (1u << 20)
#define FINE_LIMIT (16u << 10) /* cut at every sector up to here */

static char dir[256], base[512], img[512];
static uint8_t *orig;          /* the image file before a session */
static size_t orig_len;
static uint8_t *state[3];      /* the disk before, after set 1, after set 2 */

struct wr {
	uint64_t off;
	size_t len;
	uint64_t seed;
};
static struct wr set1[3], set2[3];
static int n1, n2;

static void gen(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1;

	for (size_t i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		p[i] = (uint8_t)s;
	}
}

/* set when an open reports a log holding changes it read through in memory */
static bool log_pending;

static void quiet(int level, const char *msg, void *arg)
{
	(void)level;
	(void)arg;
	if (strstr(msg, "not yet applied"))
		log_pending = true;
}

/* The first problem vhd_check() reports, into ARG (512 bytes). */
static void first_problem(const char *path, const char *what, void *arg)
{
	char *keep = arg;

	(void)path;
	if (!keep[0])
		snprintf(keep, 512, "%s", what);
}

/* vhd_check() of the image, its first message in FIRST (512 bytes). */
static int count_problems(const char *path, char first[512])
{
	first[0] = 0;
	return vhd_check(path, first_problem, first);
}

static int read_disk(uint8_t *out)
{
	vhd_chain *c;
	int r = vhd_chain_open(img, VHD_OPEN_RDONLY, &c);

	if (r < 0)
		return r;
	r = vhd_chain_pread(c, out, DISK, 0);
	vhd_chain_close(c);
	return r;
}

static void restore(void)
{
	int fd = open(img, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	ck_assert_int_ge(fd, 0);
	for (size_t o = 0; o < orig_len; o += 65536) {
		size_t n = orig_len - o < 65536 ? orig_len - o : 65536;
		bool zero = true;

		for (size_t i = 0; i < n && zero; i++)
			zero = orig[o + i] == 0;
		if (!zero)
			ck_assert_int_eq(pwrite(fd, orig + o, n, (off_t)o), (ssize_t)n);
	}
	ck_assert_int_eq(ftruncate(fd, (off_t)orig_len), 0);
	close(fd);
}

/* The session; returns how many flushes succeeded (0-2). */
static int session(void)
{
	static uint8_t buf[MIB];
	vhd_chain *c;
	int done = 0;

	if (vhd_chain_open(img, 0, &c) < 0)
		return 0;
	for (int s = 0; s < 2; s++) {
		const struct wr *w = s ? set2 : set1;
		int n = s ? n2 : n1, i;

		for (i = 0; i < n; i++) {
			gen(buf, w[i].len, w[i].seed);
			if (vhd_chain_pwrite(c, buf, w[i].len, w[i].off) < 0)
				break;
		}
		if (i < n || vhd_chain_flush(c) < 0)
			break;
		done++;
	}
	vhd_chain_close(c);
	return done;
}

static void apply(uint8_t *disk, const struct wr *w, int n)
{
	for (int i = 0; i < n; i++)
		gen(disk + w[i].off, w[i].len, w[i].seed);
}

static void prepare(void)
{
	int fd;

	for (int i = 0; i < 3; i++)
		state[i] = malloc(DISK);
	ck_assert_int_eq(read_disk(state[0]), 0);
	memcpy(state[1], state[0], DISK);
	apply(state[1], set1, n1);
	memcpy(state[2], state[1], DISK);
	apply(state[2], set2, n2);
	fd = open(img, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	orig_len = (size_t)lseek(fd, 0, SEEK_END);
	orig = malloc(orig_len);
	ck_assert_int_eq(pread(fd, orig, orig_len, 0), (ssize_t)orig_len);
	close(fd);
}

static void torn_rounds(void)
{
	static uint8_t disk[DISK], ro_disk[DISK];
	long calls;
	int ro;
	int runs = 0, dirty = 0, seen[3] = { 0 }, torn = 0;
	char msg[512];

	/* dry run: the calls of the whole session, close included */
	restore();
	vhd_fault_arm(VHD_FAULT_WRITE | VHD_FAULT_SYNC, -1, EIO, true);
	ck_assert_int_eq(session(), 2);
	calls = vhd_fault_calls();
	vhd_fault_disarm();
	ck_assert_int_eq(read_disk(disk), 0);
	ck_assert_msg(memcmp(disk, state[2], DISK) == 0, "the session without faults is wrong");
	ck_assert_int_gt(calls, 6);

	for (long k = 0; k < calls; k++) {
		for (size_t keep = 0;; keep += keep < FINE_LIMIT ? 512 : 65536) {
			int flushed, m, r;
			bool tore;

			restore();
			vhd_fault_arm(VHD_FAULT_WRITE | VHD_FAULT_SYNC, k, EIO, true);
			vhd_fault_tear(keep);
			flushed = session();
			tore = vhd_fault_tore();
			vhd_fault_disarm();
			runs++;
			torn += tore;

			/* read-only first: through the log in memory, or refused */
			log_pending = false;
			r = read_disk(disk);
			ro = r;
			if (r == 0)
				memcpy(ro_disk, disk, DISK);
			else
				ck_assert_msg(r == -EROFS, "call %ld keep %zu: read-only open: %s", k, keep,
				              vhd_errmsg());
			if (r == -EROFS || log_pending) {
				/* a log holding changes: a writable open replays it, and
				 * reads as the read-only open did through it */
				vhd_chain *c;

				dirty++;
				if (r == -EROFS) {
					ck_assert_int_ge(count_problems(img, msg), 1);
					ck_assert_msg(strstr(msg, "log") != NULL,
					              "call %ld keep %zu: check says '%s'", k, keep, msg);
				}
				ck_assert_msg(vhd_chain_open(img, 0, &c) == 0, "call %ld keep %zu: replay: %s", k,
				              keep, vhd_errmsg());
				vhd_chain_close(c);
				r = read_disk(disk);
				ck_assert_msg(r != 0 || ro != 0 || memcmp(disk, ro_disk, DISK) == 0,
				              "call %ld keep %zu: the log read in memory differs from its replay",
				              k, keep);
			}
			ck_assert_msg(r == 0, "call %ld keep %zu: reopen: %s", k, keep, vhd_errmsg());
			ck_assert_msg(count_problems(img, msg) == 0, "call %ld keep %zu: check: %s", k,
			              keep, msg);
			for (m = 0; m < 3; m++)
				if (memcmp(disk, state[m], DISK) == 0)
					break;
			ck_assert_msg(m < 3, "call %ld keep %zu: the disk is none of the three states", k, keep);
			ck_assert_msg(m >= flushed, "call %ld keep %zu: %d flushes returned 0, the disk is state %d",
			              k, keep, flushed, m);
			seen[m]++;
			if (!tore)
				break; /* KEEP covered the whole call (or it was a sync) */
		}
	}
	printf("%ld calls, %d crashes (%d torn writes), %d dirty logs replayed; states before/set 1/set 2: %d/%d/%d\n",
	       calls, runs, torn, dirty, seen[0], seen[1], seen[2]);
	ck_assert_msg(dirty > 0, "no crash left a log to replay");
	ck_assert_msg(seen[0] > 0 && seen[1] > 0 && seen[2] > 0, "a state was never reached");
	for (int i = 0; i < 3; i++)
		free(state[i]);
	free(orig);
}

static void setup(void)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = DISK, .block_size = MIB,
	                             .format = VHD_FORMAT_VHDX };
	static uint8_t buf[3 * MIB];
	vhd_chain *c;

	vhd_set_logger(quiet, NULL);
	snprintf(dir, sizeof(dir), "%s/vhdxtorn.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(base, sizeof(base), "%s/base.vhdx", dir);
	ck_assert_int_eq(vhd_create(base, &o), 0);
	ck_assert_int_eq(vhd_chain_open(base, 0, &c), 0);
	gen(buf, sizeof(buf), 7);
	ck_assert_int_eq(vhd_chain_pwrite(c, buf, sizeof(buf), 0), 0); /* blocks 0-2 */
	vhd_chain_close(c);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_torn_dynamic)
{
	/* new blocks only: a dynamic block is whole once allocated */
	snprintf(img, sizeof(img), "%s", base);
	n1 = 2;
	set1[0] = (struct wr){ 4 * MIB + 1000, 3000, 11 };
	set1[1] = (struct wr){ 5 * MIB, MIB, 12 };
	n2 = 2;
	set2[0] = (struct wr){ 6 * MIB + 70000, 5000, 21 };
	set2[1] = (struct wr){ 7 * MIB + 4096, 8192, 22 };
	prepare();
	torn_rounds();
}
END_TEST

START_TEST(test_torn_differencing)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF, .parent = base, .block_size = MIB,
	                             .format = VHD_FORMAT_VHDX };

	snprintf(img, sizeof(img), "%s/top.vhdx", dir);
	ck_assert_int_eq(vhd_create(img, &o), 0);
	/* partial blocks over the parent's data (sector bitmaps change), a whole
	 * block, then other sectors of the partial blocks and a new one */
	n1 = 3;
	set1[0] = (struct wr){ 1 * MIB + 1000, 3000, 11 };
	set1[1] = (struct wr){ 2 * MIB, MIB, 12 };
	set1[2] = (struct wr){ 4 * MIB + 512, 512, 13 };
	n2 = 3;
	set2[0] = (struct wr){ 1 * MIB + 300001, 7000, 21 };
	set2[1] = (struct wr){ 4 * MIB + 65536, 4096, 22 };
	set2[2] = (struct wr){ 6 * MIB + 100, 100, 23 };
	prepare();
	torn_rounds();
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vhdx-torn");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_torn_dynamic);
	tcase_add_test(tc, test_torn_differencing);
	return check_run("vhdx-torn", tc);
}
