/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-badinput.c: hostile and damaged images.  Each is made from a good
 * image by changing a few bytes (re-computing checksums where the point is
 * to reach a deeper check), and each must give the right errno and a clear
 * message naming the file, leave the file byte-for-byte unchanged (even
 * when opened writable), and make vhd_check() report a problem.  Also:
 * locator loops, lock conflicts, and the repair of a damaged end footer
 * from the copy at offset 0.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "common/utf16.h"
#include "internal.h"

static char dir[256], img[512];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s/vhdbad.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(img, sizeof(img), "%s/disk.vhd", dir);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static uint8_t *slurp(const char *p, size_t *len)
{
	int fd = open(p, O_RDONLY);
	struct stat st;
	uint8_t *buf;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_int_eq(pread(fd, buf, (size_t)st.st_size, 0), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static void poke(const char *p, uint64_t off, const void *data, size_t len)
{
	int fd = open(p, O_WRONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pwrite(fd, data, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static void make_dynamic(const char *p, uint64_t size, uint32_t block)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = size, .block_size = block };
	vhd_chain *c;
	uint8_t buf[5000];

	ck_assert_int_eq(vhd_create(p, &o), 0);
	ck_assert_int_eq(vhd_chain_open(p, 0, &c), 0);
	memset(buf, 0x5a, sizeof(buf));
	ck_assert_int_eq(vhd_chain_pwrite(c, buf, sizeof(buf), 0), 0);
	ck_assert_int_eq(vhd_chain_pwrite(c, buf, sizeof(buf), size - sizeof(buf)), 0);
	vhd_chain_close(c);
}

/* Rewrite both footers (end and copy) of a dynamic image through FN. */
static void edit_footers(const char *p, void (*fn)(struct vhd_footer *))
{
	size_t len;
	uint8_t *b = slurp(p, &len), raw[512];
	struct vhd_footer f;

	vhd_footer_decode(b + len - 512, &f);
	fn(&f);
	vhd_footer_encode(&f, raw);
	poke(p, len - 512, raw, 512);
	poke(p, 0, raw, 512);
	free(b);
}

static void edit_header(const char *p, void (*fn)(struct vhd_header *))
{
	uint8_t raw[1024];
	struct vhd_header h;
	int fd = open(p, O_RDWR);

	ck_assert_int_eq(pread(fd, raw, 1024, 512), 1024);
	vhd_header_decode(raw, &h);
	fn(&h);
	vhd_header_encode(&h, raw);
	ck_assert_int_eq(pwrite(fd, raw, 1024, 512), 1024);
	close(fd);
}

static uint32_t bat_get(const char *p, uint32_t i)
{
	uint8_t be[4];
	int fd = open(p, O_RDONLY);

	ck_assert_int_eq(pread(fd, be, 4, 1536 + 4 * i), 4);
	close(fd);
	return vhd_get_be32(be);
}

static void bat_set(const char *p, uint32_t i, uint32_t v)
{
	uint8_t be[4];

	vhd_put_be32(be, v);
	poke(p, 1536 + 4 * i, be, 4);
}

/* Opening P (writable, then read-only) fails with ERR and a message
 * containing WHAT and the file's name; the file does not change; and
 * vhd_check() reports at least one problem. */
static void expect_refused(const char *p, int err, const char *what)
{
	size_t before_len, after_len;
	uint8_t *before = slurp(p, &before_len), *after;
	vhd_chain *c = NULL;
	int r;

	for (int ro = 0; ro <= 1; ro++) {
		r = vhd_chain_open(p, ro ? VHD_OPEN_RDONLY : 0, &c);
		ck_assert_msg(r == err, "'%s': expected %d, got %d (%s)", what, err, r, vhd_errmsg());
		ck_assert_ptr_null(c);
		ck_assert_msg(strstr(vhd_errmsg(), what), "message '%s' lacks '%s'", vhd_errmsg(), what);
		ck_assert_msg(strstr(vhd_errmsg(), strrchr(p, '/') + 1), "message '%s' does not name the file",
		              vhd_errmsg());
	}
	after = slurp(p, &after_len);
	ck_assert_uint_eq(before_len, after_len);
	ck_assert_msg(memcmp(before, after, before_len) == 0, "'%s': the file changed", what);
	ck_assert_int_gt(vhd_check(p, NULL, NULL), 0);
	free(before);
	free(after);
}

START_TEST(test_truncated)
{
	make_dynamic(img, 8 << 20, 65536);
	ck_assert_int_eq(truncate(img, 300), 0);
	expect_refused(img, -EINVAL, "too small");
}
END_TEST

START_TEST(test_truncated_dynamic_block)
{
	size_t len;
	uint8_t *b;

	make_dynamic(img, 8 << 20, 65536);
	b = slurp(img, &len);
	free(b);
	/* cut into the last block: the end footer is gone, the copy at 0 is
	 * used, and the BAT now points past the end */
	ck_assert_int_eq(truncate(img, (off_t)len - 4096), 0);
	expect_refused(img, -EINVAL, "past the end");
}
END_TEST

START_TEST(test_truncated_fixed)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_FIXED, .size = 1 << 20 };

	ck_assert_int_eq(vhd_create(img, &o), 0);
	ck_assert_int_eq(truncate(img, 1 << 19), 0);
	expect_refused(img, -EINVAL, "not a VHD image");
}
END_TEST

START_TEST(test_footer_checksum)
{
	size_t len;
	uint8_t *b, one = 0x77;

	make_dynamic(img, 8 << 20, 65536);
	b = slurp(img, &len);
	/* the same byte of the creator version in both copies */
	poke(img, 34, &one, 1);
	poke(img, len - 512 + 34, &one, 1);
	free(b);
	expect_refused(img, -EINVAL, "bad footer checksum");
}
END_TEST

static void bad_type(struct vhd_footer *f) { f->type = 7; }
static void absurd_size(struct vhd_footer *f) { f->current_size = 1ull << 60; }
static void odd_size(struct vhd_footer *f) { f->current_size += 100; }
static void bad_version(struct vhd_footer *f) { f->version = 0x00090000; }

/* A fresh dynamic image whose footers FN changed is refused naming WHAT. */
static void expect_footer_refused(void (*fn)(struct vhd_footer *), const char *what)
{
	make_dynamic(img, 8 << 20, 65536);
	edit_footers(img, fn);
	expect_refused(img, -EINVAL, what);
	unlink(img);
}

START_TEST(test_footer_fields)
{
	expect_footer_refused(bad_type, "unsupported disk type 7");
	expect_footer_refused(absurd_size, "absurd virtual size");
	expect_footer_refused(odd_size, "not a multiple of 512");
	expect_footer_refused(bad_version, "unsupported format version");
}
END_TEST

static void bad_block_size(struct vhd_header *h) { h->block_size = 3000; }
static void small_bat(struct vhd_header *h) { h->max_table_entries = 3; }
static void far_bat(struct vhd_header *h) { h->table_offset = 1ull << 40; }

/* A fresh dynamic image whose header FN changed is refused naming WHAT. */
static void expect_header_refused(void (*fn)(struct vhd_header *), const char *what)
{
	make_dynamic(img, 8 << 20, 65536);
	edit_header(img, fn);
	expect_refused(img, -EINVAL, what);
	unlink(img);
}

START_TEST(test_header)
{
	uint8_t one = 0x33;

	make_dynamic(img, 8 << 20, 65536);
	poke(img, 512 + 900, &one, 1);
	expect_refused(img, -EINVAL, "bad dynamic header checksum");
	unlink(img);
	expect_header_refused(bad_block_size, "invalid block size 3000");
	expect_header_refused(small_bat, "too small for virtual size");
	expect_header_refused(far_bat, "runs past the end");
	make_dynamic(img, 8 << 20, 65536);
	poke(img, 512, "cxspar5e", 8);
	expect_refused(img, -EINVAL, "no dynamic disk header");
}
END_TEST

START_TEST(test_bat)
{
	uint32_t e0;

	make_dynamic(img, 8 << 20, 65536);
	bat_set(img, 5, 0x10000000);
	expect_refused(img, -EINVAL, "points past the end");
	unlink(img);

	make_dynamic(img, 8 << 20, 65536);
	e0 = bat_get(img, 0);
	ck_assert_uint_ne(e0, VHD_BAT_UNUSED);
	bat_set(img, 3, e0 + 8); /* inside block 0 */
	expect_refused(img, -EINVAL, "overlap");
	unlink(img);

	make_dynamic(img, 8 << 20, 65536);
	bat_set(img, 3, 1); /* over the dynamic header */
	expect_refused(img, -EINVAL, "overlaps the dynamic header");
	unlink(img);

	make_dynamic(img, 8 << 20, 65536);
	bat_set(img, 3, 3); /* over the BAT itself */
	expect_refused(img, -EINVAL, "overlaps the block table");
}
END_TEST

/* ---- chains ---- */

static char parent_of_loop[512];

static void point_at(struct vhd_header *h)
{
	/* only the unicode name, no locators: resolution by name */
	size_t len;
	uint8_t *b = slurp(parent_of_loop, &len);

	memcpy(h->parent_uuid, b + len - 512 + 68, 16);
	free(b);
	memset(h->parent_name, 0, sizeof(h->parent_name));
	utf8_to_utf16(strrchr(parent_of_loop, '/') + 1, UTF16_BE, h->parent_name, sizeof(h->parent_name));
	memset(h->loc, 0, sizeof(h->loc));
}

START_TEST(test_loops)
{
	char base[512], a[512], b[512];
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF, .block_size = 4096 };

	snprintf(base, sizeof(base), "%s/base.vhd", dir);
	snprintf(a, sizeof(a), "%s/a.vhd", dir);
	snprintf(b, sizeof(b), "%s/b.vhd", dir);
	make_dynamic(base, 1 << 20, 4096);
	o.parent = base;
	ck_assert_int_eq(vhd_create(a, &o), 0);
	o.parent = a;
	ck_assert_int_eq(vhd_create(b, &o), 0);
	/* a's parent is a */
	snprintf(parent_of_loop, sizeof(parent_of_loop), "%s", a);
	edit_header(a, point_at);
	expect_refused(a, -ELOOP, "loops back");
	/* b -> a -> b */
	snprintf(parent_of_loop, sizeof(parent_of_loop), "%s", b);
	edit_header(a, point_at);
	expect_refused(b, -ELOOP, "loops back");
	expect_refused(a, -ELOOP, "loops back");
}
END_TEST

START_TEST(test_locator_past_end)
{
	char base[512];
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF, .block_size = 4096 };
	uint8_t raw[1024];
	struct vhd_header h;
	int fd;

	snprintf(base, sizeof(base), "%s/base.vhd", dir);
	make_dynamic(base, 1 << 20, 4096);
	o.parent = base;
	ck_assert_int_eq(vhd_create(img, &o), 0);
	fd = open(img, O_RDWR);
	ck_assert_int_eq(pread(fd, raw, 1024, 512), 1024);
	vhd_header_decode(raw, &h);
	h.loc[1].offset = 1ull << 40;
	vhd_header_encode(&h, raw);
	ck_assert_int_eq(pwrite(fd, raw, 1024, 512), 1024);
	close(fd);
	expect_refused(img, -EINVAL, "parent locator 1 runs past the end");
}
END_TEST

START_TEST(test_locks)
{
	char base[512];
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF, .block_size = 4096 };
	vhd_chain *c, *d;

	snprintf(base, sizeof(base), "%s/base.vhd", dir);
	make_dynamic(base, 1 << 20, 4096);
	o.parent = base;
	ck_assert_int_eq(vhd_create(img, &o), 0);
	ck_assert_int_eq(vhd_chain_open(img, 0, &c), 0);
	/* the top is exclusive */
	ck_assert_int_eq(vhd_chain_open(img, VHD_OPEN_RDONLY, &d), -EBUSY);
	ck_assert_ptr_nonnull(strstr(vhd_errmsg(), "disk.vhd"));
	/* its parent can be read by others, not written */
	ck_assert_int_eq(vhd_chain_open(base, VHD_OPEN_RDONLY, &d), 0);
	vhd_chain_close(d);
	ck_assert_int_eq(vhd_chain_open(base, 0, &d), -EBUSY);
	ck_assert_ptr_nonnull(strstr(vhd_errmsg(), "base.vhd"));
	/* inspection without locks works */
	ck_assert_int_eq(vhd_chain_open(img, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &d), 0);
	vhd_chain_close(d);
	ck_assert_int_eq(vhd_chain_open(img, VHD_OPEN_NOLOCK, &d), -EINVAL);
	/* no commit, relink or check of a disk in use */
	ck_assert_int_eq(vhd_commit(img, NULL, NULL), -EBUSY);
	ck_assert_int_eq(vhd_check(img, NULL, NULL), -EBUSY);
	vhd_chain_close(c);
	ck_assert_int_eq(vhd_chain_open(base, 0, &d), 0);
	vhd_chain_close(d);
}
END_TEST

static char logged[1024];

static void capture(int level, const char *msg, void *arg)
{
	(void)level;
	(void)arg;
	snprintf(logged, sizeof(logged), "%s", msg);
}

START_TEST(test_footer_repair)
{
	size_t len, len2;
	uint8_t *good, *now, junk[512];
	vhd_chain *c;

	make_dynamic(img, 8 << 20, 65536);
	good = slurp(img, &len);
	memset(junk, 0xee, sizeof(junk));
	poke(img, len - 512, junk, sizeof(junk));
	vhd_set_logger(capture, NULL);
	/* read-only: a warning, the data, and no change */
	logged[0] = 0;
	ck_assert_int_eq(vhd_chain_open(img, VHD_OPEN_RDONLY, &c), 0);
	ck_assert_ptr_nonnull(strstr(logged, "damaged"));
	vhd_chain_close(c);
	now = slurp(img, &len2);
	ck_assert_int_eq(memcmp(now + len - 512, junk, 512), 0);
	free(now);
	ck_assert_int_gt(vhd_check(img, NULL, NULL), 0);
	/* writable: repaired */
	ck_assert_int_eq(vhd_chain_open(img, 0, &c), 0);
	vhd_chain_close(c);
	vhd_set_logger(NULL, NULL);
	now = slurp(img, &len2);
	ck_assert_uint_eq(len, len2);
	ck_assert_int_eq(memcmp(now, good, len), 0);
	ck_assert_int_eq(vhd_check(img, NULL, NULL), 0);
	free(now);
	free(good);
}
END_TEST

START_TEST(test_create_refusals)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = 1000 };
	struct stat st;

	ck_assert_int_eq(vhd_create(img, &o), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vhd_errmsg(), "multiple of 512"));
	o.size = VHD_MAX_CREATE_SIZE + 512;
	ck_assert_int_eq(vhd_create(img, &o), -EFBIG);
	o.size = 1 << 20;
	o.block_size = 5000;
	ck_assert_int_eq(vhd_create(img, &o), -EINVAL);
	ck_assert_int_ne(stat(img, &st), 0); /* nothing left behind */
	o.block_size = 0;
	ck_assert_int_eq(vhd_create(img, &o), 0);
	ck_assert_int_eq(vhd_create(img, &o), -EEXIST);
	o.flags = VHD_CREATE_OVERWRITE;
	ck_assert_int_eq(vhd_create(img, &o), 0);
	o.type = VHD_TYPE_DIFF;
	o.parent = "/nonexistent/parent.vhd";
	ck_assert_int_eq(vhd_create(img, &o), -ENOENT);
	/* only disk.vhd in the folder: no temporary files left */
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "test \"$(ls -A '%s')\" = disk.vhd", dir);
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

START_TEST(test_relink_wrong_parent)
{
	char base[512], other[512];
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF, .block_size = 4096 };

	snprintf(base, sizeof(base), "%s/base.vhd", dir);
	snprintf(other, sizeof(other), "%s/other.vhd", dir);
	make_dynamic(base, 1 << 20, 4096);
	make_dynamic(other, 1 << 20, 4096);
	o.parent = base;
	ck_assert_int_eq(vhd_create(img, &o), 0);
	ck_assert_int_eq(vhd_relink(img, other), -EINVAL);
	ck_assert_ptr_nonnull(strstr(vhd_errmsg(), "unique id"));
	ck_assert_int_eq(vhd_relink(img, base), 0);
	ck_assert_int_eq(vhd_check(img, NULL, NULL), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("badinput");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_truncated_dynamic_block);
	tcase_add_test(tc, test_truncated_fixed);
	tcase_add_test(tc, test_footer_checksum);
	tcase_add_test(tc, test_footer_fields);
	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_bat);
	tcase_add_test(tc, test_loops);
	tcase_add_test(tc, test_locator_past_end);
	tcase_add_test(tc, test_locks);
	tcase_add_test(tc, test_footer_repair);
	tcase_add_test(tc, test_create_refusals);
	tcase_add_test(tc, test_relink_wrong_parent);
	return check_run("badinput", tc);
}
