/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-vhdx-logwrap.c: a VHDX log whose active entries wrap around the end
 * of the log ([MS-VHDX] 2.3.1: the log is circular, an entry may start in
 * its last sector and go on at its first).  libvhd's writer never wraps an
 * entry (vhdx_log.c), but other writers may, and the replay scans the log
 * a window at a time and reads each entry on its own, so the wrapped read
 * is a path of its own.
 *
 * A writer session leaves a dirty log (it flushes and exits without
 * closing); the BAT region is then put back as it was before the session,
 * as if the in-place writes after the log entry had been lost, so that the
 * data is visible only through the log.  The log is rotated so that its
 * first entry starts in the last sector (each entry's Tail moved along and
 * its checksum recomputed).  Then the read-only open (replay in memory),
 * the writable open (replay into the file) and vhd_check() must all see
 * the data written, as they do on the unrotated copy.  Trade-off: the
 * rotation is done here, by hand, rather than by a second VHDX writer.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "vhd.h"
#include "vhdx_internal.h"

#define MIB (1u << 20)
#define DISK (8u * MIB)

static char dir[256], img[512];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/vhdx-logwrap.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static uint8_t pattern(uint64_t off)
{
	return (uint8_t)((off * 131) ^ (off >> 12) ^ 0x5a);
}

/* What the session writes: two whole blocks and part of a third. */
static const struct { uint64_t off, len; } writes[] = {
	{ 1 * MIB, MIB }, { 3 * MIB + 4096, 70000 }, { 6 * MIB, MIB },
};

static bool written(uint64_t off)
{
	for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++)
		if (off >= writes[i].off && off < writes[i].off + writes[i].len)
			return true;
	return false;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;
	uint8_t *p;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	*len = (size_t)st.st_size;
	p = malloc(*len);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(pread(fd, p, *len, 0), (ssize_t)*len);
	close(fd);
	return p;
}

static void spill(const char *path, const uint8_t *p, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, p, len), (ssize_t)len);
	close(fd);
}

/* The whole disk of PATH (opened with FLAGS) reads as the session wrote. */
static void check_data(const char *path, int flags)
{
	uint8_t *buf = malloc(DISK);
	vhd_chain *c;

	ck_assert_ptr_nonnull(buf);
	ck_assert_msg(vhd_chain_open(path, flags, &c) == 0, "open %s: %s", path, vhd_errmsg());
	ck_assert_int_eq(vhd_chain_pread(c, buf, DISK, 0), 0);
	vhd_chain_close(c);
	for (uint64_t off = 0; off < DISK; off++)
		if (buf[off] != (written(off) ? pattern(off) : 0))
			ck_abort_msg("%s: byte %llu reads %u", path, (unsigned long long)off, buf[off]);
	free(buf);
}

static void count_problem(const char *path, const char *problem, void *arg)
{
	fprintf(stderr, "%s: %s\n", path, problem);
	(*(int *)arg)++;
}

/* Rotate the log of the image in F so that its first sector becomes its
 * last: every sector moves along, each entry's Tail with it, and each entry
 * is resealed (over its bytes before the move, where they are contiguous).
 * Returns how many entries now wrap. */
static int rotate_log(uint8_t *f)
{
	struct vhdx_header h1, h2, *h;
	uint8_t *log, *moved;
	uint32_t len, r;
	int wrapped = 0;

	vhdx_header_decode(f + VHDX_HEADER1_OFF, &h1);
	vhdx_header_decode(f + VHDX_HEADER2_OFF, &h2);
	h = h1.seq > h2.seq ? &h1 : &h2;
	ck_assert(!vhdx_guid_is_zero(h->log_guid));
	len = h->log_length;
	r = len - VHDX_LOG_SECTOR;
	log = f + h->log_offset;
	moved = malloc(len);
	ck_assert_ptr_nonnull(moved);
	for (uint32_t o = 0; o < len; o += VHDX_LOG_SECTOR) {
		struct vhdx_log_entry e;

		if (memcmp(log + o, "loge", 4) != 0)
			continue;
		vhdx_log_entry_decode(log + o, &e);
		ck_assert_uint_le((uint64_t)o + e.entry_length, len); /* contiguous before */
		e.tail = (e.tail + r) % len;
		vhdx_log_entry_encode(&e, log + o);
		vhdx_seal(log + o, e.entry_length);
		if ((o + r) % len + e.entry_length > len)
			wrapped++;
	}
	for (uint32_t o = 0; o < len; o += VHDX_LOG_SECTOR)
		memcpy(moved + (o + r) % len, log + o, VHDX_LOG_SECTOR);
	memcpy(log, moved, len);
	free(moved);
	return wrapped;
}

/* Offset and length of the BAT region, from region table 1. */
static void bat_region(const uint8_t *f, uint64_t *off, uint32_t *len)
{
	const uint8_t *t = f + VHDX_REGION1_OFF;

	for (uint32_t i = 0; i < vhdx_le32(t + 8); i++) {
		const uint8_t *e = t + 16 + 32 * i;

		if (memcmp(e, vhdx_guid_bat, 16) == 0) {
			*off = vhdx_le64(e + 16);
			*len = vhdx_le32(e + 24);
			return;
		}
	}
	ck_abort_msg("no BAT region");
}

START_TEST(test_wrapped_entry_replays)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = DISK, .block_size = MIB,
	                             .format = VHD_FORMAT_VHDX };
	char plain[600], rotated[600];
	uint8_t *before, *after;
	size_t before_len, after_len;
	uint64_t bat_off = 0;
	uint32_t bat_len = 0;
	int st, problems = 0;
	pid_t pid;

	snprintf(img, sizeof(img), "%s/disk.vhdx", dir);
	snprintf(plain, sizeof(plain), "%s/plain.vhdx", dir);
	snprintf(rotated, sizeof(rotated), "%s/rotated.vhdx", dir);
	ck_assert_int_eq(vhd_create(img, &o), 0);
	before = slurp(img, &before_len);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		uint8_t *buf = malloc(MIB);
		vhd_chain *c;

		if (!buf || vhd_chain_open(img, 0, &c) < 0)
			_exit(1);
		for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
			for (uint64_t k = 0; k < writes[i].len; k++)
				buf[k] = pattern(writes[i].off + k);
			if (vhd_chain_pwrite(c, buf, writes[i].len, writes[i].off) < 0)
				_exit(1);
		}
		_exit(vhd_chain_flush(c) < 0 ? 1 : 0); /* no close: the log stays dirty */
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	after = slurp(img, &after_len);
	/* the in-place BAT writes lost: only the log makes the data visible */
	bat_region(after, &bat_off, &bat_len);
	ck_assert_uint_le(bat_off + bat_len, before_len);
	ck_assert(memcmp(after + bat_off, before + bat_off, bat_len) != 0);
	memcpy(after + bat_off, before + bat_off, bat_len);
	spill(plain, after, after_len);
	ck_assert_int_ge(rotate_log(after), 1);
	spill(rotated, after, after_len);

	check_data(plain, VHD_OPEN_RDONLY);
	check_data(rotated, VHD_OPEN_RDONLY);   /* replayed in memory */
	check_data(rotated, 0);                 /* replayed into the file */
	check_data(rotated, VHD_OPEN_RDONLY);   /* and the log is clean now */
	ck_assert_int_eq(vhd_check(rotated, count_problem, &problems), 0);
	ck_assert_int_eq(problems, 0);
	free(before);
	free(after);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("vhdx-logwrap");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_wrapped_entry_replays);
	return check_run("vhdx-logwrap", tc);
}
