/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-locators.c: parent resolution.  Each test rewrites the locators of
 * a real differencing disk to one form Windows, Mac or another tool
 * writes (W2ru with "..\", a stale W2ku with a drive letter, a MacX URL
 * with escapes, only the unicode name) and checks that the chain opens to
 * the right parent and reads the right bytes; plus a moved chain, relink
 * after the parent moved, and the timestamp warning.
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

static char dir[256], base[600], child[600];
static uint8_t pattern[4096];

static void setup(void)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = 1 << 20, .block_size = 4096 };
	vhd_chain *c;
	char sub[600];

	snprintf(dir, sizeof(dir), "%s/vhdloc.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/p", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/c", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(base, sizeof(base), "%s/p/base.vhd", dir);
	snprintf(child, sizeof(child), "%s/c/child.vhd", dir);
	ck_assert_int_eq(vhd_create(base, &o), 0);
	ck_assert_int_eq(vhd_chain_open(base, 0, &c), 0);
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + 3);
	ck_assert_int_eq(vhd_chain_pwrite(c, pattern, sizeof(pattern), 8192), 0);
	vhd_chain_close(c);
	o = (struct vhd_create_opts){ .type = VHD_TYPE_DIFF, .parent = base, .block_size = 4096 };
	ck_assert_int_eq(vhd_create(child, &o), 0);
}

static void teardown(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Opens CHILD and checks its parent is WANT (by basename) and the data. */
static void expect_parent(const char *child_path, const char *want)
{
	vhd_chain *c;
	struct vhd_info info;
	uint8_t buf[sizeof(pattern)];

	ck_assert_msg(vhd_chain_open(child_path, VHD_OPEN_RDONLY, &c) == 0, "open: %s", vhd_errmsg());
	ck_assert_int_eq(vhd_chain_depth(c), 2);
	ck_assert_int_eq(vhd_chain_layer_info(c, 1, &info), 0);
	ck_assert_msg(strcmp(strrchr(info.path, '/') + 1, want) == 0, "parent '%s', expected '%s'", info.path,
	              want);
	ck_assert_int_eq(vhd_chain_pread(c, buf, sizeof(buf), 8192), 0);
	ck_assert_mem_eq(buf, pattern, sizeof(buf));
	vhd_chain_close(c);
}

/* Replace all locators of CHILD with one: CODE with DATA (LEN bytes), and
 * the unicode name with NAME (NULL: empty). */
static void set_locator(const char *child_path, uint32_t code, const void *data, uint32_t len,
                        const char *name)
{
	uint8_t raw[1024];
	struct vhd_header h;
	uint64_t where;
	int fd = open(child_path, O_RDWR);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, raw, 1024, 512), 1024);
	vhd_header_decode(raw, &h);
	where = h.loc[0].offset; /* reuse the W2ku space (8 KiB) */
	memset(h.loc, 0, sizeof(h.loc));
	if (code) {
		h.loc[3] = (struct vhd_locator){ code, 8192, len, where };
		ck_assert_int_eq(pwrite(fd, data, len, (off_t)where), (ssize_t)len);
	}
	memset(h.parent_name, 0, sizeof(h.parent_name));
	if (name)
		ck_assert_int_gt(utf8_to_utf16(name, UTF16_BE, h.parent_name, sizeof(h.parent_name)), 0);
	vhd_header_encode(&h, raw);
	ck_assert_int_eq(pwrite(fd, raw, 1024, 512), 1024);
	close(fd);
}

static uint32_t utf16le(const char *s, uint8_t *out)
{
	int n = (int)utf8_to_utf16(s, UTF16_LE, out, 4096);

	ck_assert_int_gt(n, 0);
	return (uint32_t)n;
}

START_TEST(test_as_created)
{
	struct vhd_info info;
	vhd_chain *c;

	expect_parent(child, "base.vhd");
	ck_assert_int_eq(vhd_check(child, NULL, NULL), 0);
	ck_assert_int_eq(vhd_chain_open(child, VHD_OPEN_RDONLY, &c), 0);
	ck_assert_int_eq(vhd_chain_layer_info(c, 0, &info), 0);
	ck_assert_str_eq(info.parent_name, base); /* absolute, as Windows writes it */
	ck_assert_str_eq(info.creator_app, "qem2");
	vhd_chain_close(c);
}
END_TEST

START_TEST(test_w2ru_backslashes)
{
	uint8_t d[4096];

	set_locator(child, VHD_PLAT_W2RU, d, utf16le("..\\p\\base.vhd", d), NULL);
	expect_parent(child, "base.vhd");
}
END_TEST

START_TEST(test_w2ku_drive_letter)
{
	uint8_t d[4096];
	char copy[2000];

	/* a Windows path that means nothing here: the parent is found beside the child */
	set_locator(child, VHD_PLAT_W2KU, d, utf16le("C:\\Users\\someone\\VMs\\base.vhd", d), NULL);
	snprintf(copy, sizeof(copy), "cp '%s' '%s/c/base.vhd'", base, dir);
	ck_assert_int_eq(system(copy), 0);
	expect_parent(child, "base.vhd");
}
END_TEST

START_TEST(test_same_basename)
{
	uint8_t d[4096];
	char same[1200];
	vhd_chain *c;

	/* c/base.vhd is the child itself: a name match, not a loop */
	snprintf(same, sizeof(same), "%s/c/base.vhd", dir);
	ck_assert_int_eq(rename(child, same), 0);
	set_locator(same, VHD_PLAT_W2KU, d, utf16le("C:\\VMs\\base.vhd", d), NULL);
	ck_assert_int_eq(vhd_chain_open(same, VHD_OPEN_RDONLY, &c), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vhd_errmsg(), "cannot find the parent"));
}
END_TEST

START_TEST(test_macx_url)
{
	char url[1200], renamed[1200];

	snprintf(renamed, sizeof(renamed), "%s/p/my base.vhd", dir);
	ck_assert_int_eq(rename(base, renamed), 0);
	snprintf(url, sizeof(url), "file://localhost%s/p/my%%20base.vhd", dir);
	set_locator(child, VHD_PLAT_MACX, url, (uint32_t)strlen(url), NULL);
	expect_parent(child, "my base.vhd");
}
END_TEST

START_TEST(test_unicode_name_only)
{
	char moved[1200];

	snprintf(moved, sizeof(moved), "%s/c/base.vhd", dir);
	ck_assert_int_eq(rename(base, moved), 0);
	set_locator(child, 0, NULL, 0, "C:\\somewhere\\base.vhd");
	expect_parent(child, "base.vhd");
}
END_TEST

START_TEST(test_moved_chain)
{
	char from[1200], to[1200];
	vhd_chain *c;

	/* W2ku is now stale, W2ru (..\p\base.vhd) still right */
	snprintf(from, sizeof(from), "%s/c", dir);
	snprintf(to, sizeof(to), "%s/elsewhere", dir);
	ck_assert_int_eq(mkdir(to, 0755), 0);
	snprintf(to, sizeof(to), "%s/elsewhere/c", dir);
	ck_assert_int_eq(rename(from, to), 0);
	snprintf(from, sizeof(from), "%s/p", dir);
	snprintf(to, sizeof(to), "%s/elsewhere/p", dir);
	ck_assert_int_eq(rename(from, to), 0);
	snprintf(child, sizeof(child), "%s/elsewhere/c/child.vhd", dir);
	expect_parent(child, "base.vhd");
	/* the parent moves on its own: not found, then relinked */
	snprintf(from, sizeof(from), "%s/elsewhere/p/base.vhd", dir);
	snprintf(to, sizeof(to), "%s/renamed.vhd", dir);
	ck_assert_int_eq(rename(from, to), 0);
	ck_assert_int_eq(vhd_chain_open(child, VHD_OPEN_RDONLY, &c), -ENOENT);
	ck_assert_ptr_nonnull(strstr(vhd_errmsg(), "cannot find the parent"));
	ck_assert_msg(vhd_relink(child, to) == 0, "relink: %s", vhd_errmsg());
	expect_parent(child, "renamed.vhd");
	ck_assert_int_eq(vhd_check(child, NULL, NULL), 0);
	/* and again (new locators appended each time) */
	ck_assert_int_eq(vhd_relink(child, to), 0);
	expect_parent(child, "renamed.vhd");
	ck_assert_int_eq(vhd_check(child, NULL, NULL), 0);
}
END_TEST

static char logged[1024];

static void capture(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level == 0)
		snprintf(logged, sizeof(logged), "%s", msg);
}

static uint32_t new_ts;

static void set_ts(struct vhd_header *h) { h->parent_timestamp = new_ts; }

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

START_TEST(test_timestamps)
{
	vhd_chain *c;

	vhd_set_logger(capture, NULL);
	/* as created: the parent's own timestamp, no warning */
	logged[0] = 0;
	ck_assert_int_eq(vhd_chain_open(child, VHD_OPEN_RDONLY, &c), 0);
	vhd_chain_close(c);
	ck_assert_str_eq(logged, "");
	/* 0, as Windows writes: no warning */
	new_ts = 0;
	edit_header(child, set_ts);
	ck_assert_int_eq(vhd_chain_open(child, VHD_OPEN_RDONLY, &c), 0);
	vhd_chain_close(c);
	ck_assert_str_eq(logged, "");
	/* another time: opens, with a warning */
	new_ts = 12345;
	edit_header(child, set_ts);
	ck_assert_int_eq(vhd_chain_open(child, VHD_OPEN_RDONLY, &c), 0);
	vhd_chain_close(c);
	ck_assert_ptr_nonnull(strstr(logged, "may have changed"));
	vhd_set_logger(NULL, NULL);
}
END_TEST

START_TEST(test_grow)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_FIXED, .size = 1 << 20 };
	char fixed[1200];
	vhd_chain *c;
	uint8_t buf[4096];

	snprintf(fixed, sizeof(fixed), "%s/fixed.vhd", dir);
	ck_assert_int_eq(vhd_create(fixed, &o), 0);
	ck_assert_int_eq(vhd_chain_open(fixed, 0, &c), 0);
	ck_assert_int_eq(vhd_chain_pwrite(c, pattern, sizeof(pattern), (1 << 20) - 4096), 0);
	vhd_chain_close(c);
	ck_assert_int_eq(vhd_grow(fixed, 3 << 20), 0);
	ck_assert_int_eq(vhd_chain_open(fixed, VHD_OPEN_RDONLY, &c), 0);
	ck_assert_uint_eq(vhd_chain_size(c), 3 << 20);
	ck_assert_int_eq(vhd_chain_pread(c, buf, sizeof(buf), (1 << 20) - 4096), 0);
	ck_assert_mem_eq(buf, pattern, sizeof(buf));
	ck_assert_int_eq(vhd_chain_pread(c, buf, sizeof(buf), 1 << 20), 0); /* where the old footer was */
	for (size_t i = 0; i < sizeof(buf); i++)
		ck_assert_uint_eq(buf[i], 0);
	vhd_chain_close(c);
	ck_assert_int_eq(vhd_check(fixed, NULL, NULL), 0);
	/* dynamic: within the room the BAT has where it is (its sector
	 * padding), never by moving it */
	ck_assert_int_eq(vhd_grow(base, (1 << 20) + 4096), 0);
	ck_assert_int_eq(vhd_check(base, NULL, NULL), 0);
	ck_assert_int_eq(vhd_chain_open(base, VHD_OPEN_RDONLY, &c), 0);
	ck_assert_uint_eq(vhd_chain_size(c), (1 << 20) + 4096);
	vhd_chain_close(c);
	ck_assert_int_eq(vhd_grow(base, 2000ull << 30), -ENOSPC);
	ck_assert_ptr_nonnull(strstr(vhd_errmsg(), "block table"));
	ck_assert_int_eq(vhd_grow(base, 1 << 19), -EINVAL);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("locators");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_as_created);
	tcase_add_test(tc, test_w2ru_backslashes);
	tcase_add_test(tc, test_w2ku_drive_letter);
	tcase_add_test(tc, test_same_basename);
	tcase_add_test(tc, test_macx_url);
	tcase_add_test(tc, test_unicode_name_only);
	tcase_add_test(tc, test_moved_chain);
	tcase_add_test(tc, test_timestamps);
	tcase_add_test(tc, test_grow);
	return check_run("locators", tc);
}
