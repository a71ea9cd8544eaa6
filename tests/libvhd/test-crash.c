/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-crash.c: the crash test.  A child process writes randomly to an
 * image (unaligned writes that allocate blocks and set bitmap bits, a
 * flush every few writes) and tells the parent over a pipe what it is
 * about to write and which writes a flush made durable; the parent kills
 * it with SIGKILL at a random moment, then checks, every time and on the
 * same image:
 *   - vhd_check() finds no problem;
 *   - every write that returned before a completed flush is there (bytes
 *     touched by writes not known durable may hold either version);
 *   - every 20th round, qemu-img opens the image and reads the same bytes
 *     (qemu 7.2 has no consistency check for vpc: `qemu-img check -f vpc`
 *     exits 63 "This image format does not support checks", which is
 *     accepted; `qemu-img info` and `qemu-img compare` against the
 *     expected raw bytes are what prove qemu accepts the image).
 * Run on a dynamic disk and on a differencing disk over a filled base
 * (bitmaps and partial-sector copies from the parent in play), in VHD and
 * in VHDX, CRASH_ROUNDS kills each (default 200, the figure, as in
 * make soak; make check sets 50: 3.4 minutes at load 13-15, where 200 per
 * disk took 19 minutes).  The dynamic disk
 * starts over, empty, every 4th round: a disk whose blocks are all
 * allocated changes no metadata, and the kills must keep landing in
 * block allocation (VHD: BAT and footer; VHDX: the log).  For
 * VHDX a killed writer leaves its log dirty: a read-only open applies it in
 * memory only (it says so in a notice) and must read exactly what a
 * writable open reads after replaying it into the file; the number of
 * rounds that needed a replay is printed and must not be zero.  A dynamic
 * VHDX also goes to qemu, an independent implementation, every round:
 *   - `qemu-img check -f vhdx` of the image (after our replay) must be
 *     clean;
 *   - when the kill left the log dirty, a copy of the image taken before
 *     our replay is replayed by qemu (`qemu-img check -r all`) and must
 *     read exactly what our replay reads (`qemu-img compare` of the two).
 * qemu cannot open a differencing VHDX at all, so those are checked by
 * vhd_check() (what `vhdtool check` runs) and the byte comparison only.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "vhd.h"

#define DISK_VHD (8u << 20)
/* VHDX blocks are 1 MiB at least: a larger disk keeps allocating (and so
 * logging) over more rounds. */
#define DISK_VHDX (24u << 20)
static uint64_t disk_size;      /* of the image under test */

struct msg {
	uint32_t kind;              /* 1 = about to write, 2 = flushed through seq,
	                             * 3 = opened, writing starts */
	uint32_t seq;               /* write number */
	uint64_t off;               /* write offset */
	uint64_t len;               /* write length */
	uint64_t seed;              /* data generator seed */
};

static char dir[256], img[512], raw[512], qcopy[512];
static uint8_t *model, *uncertain;
static bool have_qemu;
static bool vhdx;               /* the image under test is a VHDX */

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void gen(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1;

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)next(&s);
}

static void send_msg(int fd, const struct msg *m)
{
	if (write(fd, m, sizeof(*m)) != (ssize_t)sizeof(*m))
		_exit(4);
}

static void child_main(int fd, uint64_t seed)
{
	vhd_chain *c;
	uint8_t *buf = malloc(200000);
	uint32_t seq = 0;

	if (vhd_chain_open(img, 0, &c) < 0) {
		fprintf(stderr, "child: %s\n", vhd_errmsg());
		_exit(3);
	}
	send_msg(fd, &(struct msg){ 3, 0, 0, 0, 0 });
	for (;;) {
		struct msg m = { 1, ++seq, 0, 0, next(&seed) };
		uint64_t r = next(&seed) % 100;

		m.len = r < 40 ? 1 + next(&seed) % 1500 : r < 90 ? 1 + next(&seed) % 20000 : 1 + next(&seed) % 200000;
		m.off = next(&seed) % disk_size;
		if (m.len > disk_size - m.off)
			m.len = disk_size - m.off;
		send_msg(fd, &m);
		gen(buf, m.len, m.seed);
		if (vhd_chain_pwrite(c, buf, m.len, m.off) < 0) {
			fprintf(stderr, "child: %s\n", vhd_errmsg());
			_exit(5);
		}
		if (seq % 4 == 0) {
			if (vhd_chain_flush(c) < 0)
				_exit(6);
			send_msg(fd, &(struct msg){ 2, seq, 0, 0, 0 });
		}
	}
}

/* Counts the notices of a read-only open that applied a log in memory. */
static int in_memory_replays;

static void logger(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level == 1 && strstr(msg, "read through in memory"))
		in_memory_replays++;
	else
		fprintf(stderr, "libvhd: %s\n", msg);
}

static void problem(const char *path, const char *what, void *arg)
{
	(void)arg;
	fprintf(stderr, "problem: %s: %s\n", path, what);
}

static int run(const char *cmd)
{
	int st = system(cmd);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void verify_with_qemu(bool compare)
{
	char cmd[2048];
	const char *fmt = vhdx ? "vhdx" : "vpc";
	FILE *f;
	int rc;

	f = fopen(raw, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(model, 1, disk_size, f), disk_size);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "qemu-img check -f %s '%s' >/dev/null 2>&1", fmt, img);
	rc = run(cmd);
	ck_assert_msg(rc == 0 || (rc == 63 && !vhdx), "qemu-img check rejects the image (exit %d)", rc);
	snprintf(cmd, sizeof(cmd), "qemu-img info -f %s '%s' >/dev/null", fmt, img);
	ck_assert_msg(run(cmd) == 0, "qemu-img info rejects the image");
	if (compare) {
		snprintf(cmd, sizeof(cmd), "qemu-img compare -q -f %s -F raw '%s' '%s'", fmt, img, raw);
		ck_assert_msg(run(cmd) == 0, "qemu-img reads other bytes than expected");
	}
}

/* A copy of the killed image for qemu to replay on its own. */
static void qemu_copy_killed(void)
{
	char cmd[1200];

	snprintf(cmd, sizeof(cmd), "cp --sparse=always '%s' '%s'", img, qcopy);
	ck_assert_msg(run(cmd) == 0, "cannot copy the killed image");
}

/* qemu checks IMG (after our replay); with DIRTY, it also replays the copy
 * of the killed image's log (check -r all; exit 0 is "consistent now"),
 * which must read what our replay left in IMG. */
static void qemu_check(int round, bool dirty)
{
	char cmd[2048];
	int rc;

	snprintf(cmd, sizeof(cmd), "qemu-img check -q -f vhdx '%s' >/dev/null 2>&1", img);
	rc = run(cmd);
	ck_assert_msg(rc == 0, "round %d: qemu-img check rejects the image (exit %d)", round, rc);
	if (!dirty)
		return;
	snprintf(cmd, sizeof(cmd), "qemu-img check -q -r all -f vhdx '%s' >/dev/null 2>&1", qcopy);
	rc = run(cmd);
	ck_assert_msg(rc == 0, "round %d: qemu-img check -r all rejects the killed image (exit %d)", round, rc);
	snprintf(cmd, sizeof(cmd), "qemu-img compare -q -f vhdx -F vhdx '%s' '%s'", qcopy, img);
	rc = run(cmd);
	ck_assert_msg(rc == 0, "round %d: qemu's replay reads other bytes than ours (compare exit %d)", round, rc);
}

/* CRASH_ROUNDS from the environment (make soak sets more), else DEF. */
static int rounds_wanted(int def)
{
	const char *e = getenv("CRASH_ROUNDS");
	int n = e ? atoi(e) : 0;

	return n > 0 ? n : def;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* FRESH: how to remake the (dynamic) image every 4th round; NULL keeps it. */
static void crash_rounds(int rounds, bool qemu_compare, const struct vhd_create_opts *fresh)
{
	/* qemu opens a dynamic VHDX, never a differencing one */
	bool qemu_each = vhdx && qemu_compare && have_qemu;
	double t0 = now_s();
	int qemu_replays = 0;
	uint64_t seed = 0x243f6a8885a308d3ull;
	uint8_t *disk = malloc(disk_size), *buf = malloc(200000);
	int total_durable = 0, replays = 0;

	for (int round = 0; round < rounds; round++) {
		int p[2], st, problems;
		pid_t pid;
		struct msg m, *log = NULL;
		bool qemu_dirty = false;
		size_t nlog = 0, cap = 0;
		uint32_t durable = 0;
		vhd_chain *c;
		/* VHDX writers sync their header once per session: give them
		 * longer, or few rounds would get as far as a flush */
		struct timespec ts = { 0, (long)(1 + next(&seed) % (vhdx ? 120 : 40)) * 1000000L };

		if (fresh && round > 0 && round % 4 == 0) {
			ck_assert_int_eq(unlink(img), 0);
			ck_assert_int_eq(vhd_create(img, fresh), 0);
			memset(model, 0, disk_size);
			memset(uncertain, 0, disk_size);
		}

		ck_assert_int_eq(pipe(p), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(p[0]);
			child_main(p[1], next(&seed) + (uint64_t)round);
		}
		close(p[1]);
		/* the random delay counts from the moment the writer is ready,
		 * so slow starts (sanitizers, a loaded machine) do not matter */
		ck_assert_int_eq(read(p[0], &m, sizeof(m)), (ssize_t)sizeof(m));
		ck_assert_uint_eq(m.kind, 3);
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert_msg(WIFSIGNALED(st), "round %d: the writer exited by itself (status %d)", round,
		              WEXITSTATUS(st));
		while (read(p[0], &m, sizeof(m)) == (ssize_t)sizeof(m)) {
			if (m.kind == 2) {
				durable = m.seq;
				continue;
			}
			if (nlog == cap) {
				cap = cap ? 2 * cap : 64;
				log = realloc(log, cap * sizeof(*log));
			}
			log[nlog++] = m;
		}
		close(p[0]);
		/* Durable writes are in the model; later ones may or may not be. */
		for (size_t i = 0; i < nlog; i++) {
			if (log[i].seq <= durable) {
				gen(buf, log[i].len, log[i].seed);
				memcpy(model + log[i].off, buf, log[i].len);
				total_durable++;
			} else {
				memset(uncertain + log[i].off, 1, log[i].len);
			}
		}
		free(log);

		if (vhdx) {
			int before = in_memory_replays;

			vhd_set_logger(logger, NULL);
			ck_assert_msg(vhd_chain_open(img, VHD_OPEN_RDONLY, &c) == 0, "round %d: read-only open: %s",
			              round, vhd_errmsg());
			ck_assert_int_eq(vhd_chain_pread(c, disk, disk_size, 0), 0);
			vhd_chain_close(c);
			if (in_memory_replays > before) {
				uint8_t *replayed = malloc(disk_size);

				ck_assert_ptr_nonnull(replayed);
				replays++;
				/* the file is as the kill left it until the replay below */
				if (qemu_each) {
					qemu_copy_killed();
					qemu_dirty = true;
				}
				ck_assert_msg(vhd_chain_open(img, 0, &c) == 0, "round %d: replay: %s", round,
				              vhd_errmsg());
				ck_assert_int_eq(vhd_chain_pread(c, replayed, disk_size, 0), 0);
				vhd_chain_close(c);
				ck_assert_msg(memcmp(disk, replayed, disk_size) == 0,
				              "round %d: the log applied in memory reads differently", round);
				free(replayed);
			}
			vhd_set_logger(NULL, NULL);
		}
		problems = vhd_check(img, problem, NULL);
		ck_assert_msg(problems == 0, "round %d: vhd_check: %d problems (%s)", round, problems,
		              problems < 0 ? vhd_errmsg() : "see above");
		ck_assert_msg(vhd_chain_open(img, VHD_OPEN_RDONLY, &c) == 0, "round %d: %s", round, vhd_errmsg());
		ck_assert_int_eq(vhd_chain_pread(c, disk, disk_size, 0), 0);
		vhd_chain_close(c);
		for (size_t i = 0; i < disk_size; i++) {
			if (uncertain[i]) {
				model[i] = disk[i];
				uncertain[i] = 0;
			} else if (disk[i] != model[i]) {
				ck_abort_msg("round %d: byte %zu lost: 0x%02x, expected 0x%02x", round, i, disk[i],
				             model[i]);
			}
		}
		if (qemu_each) {
			qemu_check(round, qemu_dirty);
			qemu_replays += qemu_dirty;
		}
		/* qemu cannot open a differencing VHDX at all */
		if (have_qemu && round % 20 == 19 && !(vhdx && !qemu_compare))
			verify_with_qemu(qemu_compare);
	}
	printf("%s %s: %d rounds killed in %.1f s, %d durable writes verified, %d dirty logs replayed, "
	       "qemu-img: %d checks, %d replays of killed images compared\n", vhdx ? "VHDX" : "VHD",
	       qemu_compare ? "dynamic" : "differencing", rounds, now_s() - t0, total_durable, replays,
	       qemu_each ? rounds : 0, qemu_replays);
	ck_assert_msg(!vhdx || replays > 0, "no round left a dirty log: the replay went untested");
	ck_assert_msg(total_durable > rounds, "too few durable writes (%d) to prove anything", total_durable);
	free(disk);
	free(buf);
}

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/vhdcrash.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(raw, sizeof(raw), "%s/expected.raw", dir);
	snprintf(qcopy, sizeof(qcopy), "%s/qemu-replay.vhdx", dir);
	model = calloc(1, DISK_VHDX);
	uncertain = calloc(1, DISK_VHDX);
	have_qemu = run("qemu-img --version >/dev/null 2>&1") == 0;
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
	free(model);
	free(uncertain);
}

START_TEST(test_crash_dynamic)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = disk_size, .block_size = 65536 };

	vhdx = _i == 1;
	disk_size = vhdx ? DISK_VHDX : DISK_VHD;
	o.size = disk_size;
	if (vhdx)
		o = (struct vhd_create_opts){ .type = VHD_TYPE_DYNAMIC, .size = disk_size,
		                              .block_size = 1u << 20, .format = VHD_FORMAT_VHDX };
	snprintf(img, sizeof(img), "%s/dyn.vhd%s", dir, vhdx ? "x" : "");
	ck_assert_int_eq(vhd_create(img, &o), 0);
	crash_rounds(rounds_wanted(200), true, &o);
}
END_TEST

START_TEST(test_crash_differencing)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = disk_size, .block_size = 16384 };
	char base[512];
	vhd_chain *c;
	uint8_t *data;

	vhdx = _i == 1;
	disk_size = vhdx ? DISK_VHDX : DISK_VHD;
	o.size = disk_size;
	if (vhdx)
		o = (struct vhd_create_opts){ .type = VHD_TYPE_DYNAMIC, .size = disk_size,
		                              .block_size = 1u << 20, .format = VHD_FORMAT_VHDX };
	snprintf(base, sizeof(base), "%s/base.vhd%s", dir, vhdx ? "x" : "");
	ck_assert_int_eq(vhd_create(base, &o), 0);
	ck_assert_int_eq(vhd_chain_open(base, 0, &c), 0);
	data = malloc(disk_size);
	gen(data, disk_size, 12345);
	/* fill most of the base, leave holes */
	for (uint64_t off = 0; off < disk_size; off += 3 * 65536) {
		size_t n = disk_size - off < 2 * 65536 + 777 ? disk_size - off : 2 * 65536 + 777;

		ck_assert_int_eq(vhd_chain_pwrite(c, data + off, n, off), 0);
	}
	ck_assert_int_eq(vhd_chain_pread(c, model, disk_size, 0), 0);
	vhd_chain_close(c);
	o = (struct vhd_create_opts){ .type = VHD_TYPE_DIFF, .parent = base,
	                              .block_size = vhdx ? 1u << 20 : 4096,
	                              .format = vhdx ? VHD_FORMAT_VHDX : VHD_FORMAT_VHD };
	snprintf(img, sizeof(img), "%s/top.vhd%s", dir, vhdx ? "x" : "");
	ck_assert_int_eq(vhd_create(img, &o), 0);
	crash_rounds(rounds_wanted(200), false, NULL);
	free(data);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("crash");

	tcase_add_checked_fixture(tc, setup, teardown);
	/* about 1.5 s a round for a VHDX with qemu on a loaded machine */
	tcase_set_timeout(tc, 100 + 5 * rounds_wanted(200));
	/* loop index 0: VHD, 1: VHDX */
	tcase_add_loop_test(tc, test_crash_dynamic, 0, 2);
	tcase_add_loop_test(tc, test_crash_differencing, 0, 2);
	return check_run("crash", tc);
}
