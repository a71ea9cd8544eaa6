/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-chain-refresh.c: vhd_chain_refresh(), the reopen after a merge
 * that reuses the open chain, for VHD and VHDX, against a model.
 *
 * One chain stays open for writing throughout, as bs_vhd keeps it: four
 * layers made by pushes (l0 <- l1 <- l2 <- l3, l3 the top), written
 * between pushes.  Then, as istmd's DeleteSnapshot does, with a second
 * open (vhd_merge_layer's own): l1 is merged into l2 (a middle layer), and
 * the chain refreshed; then a push freezes the top l3 and l2 is merged
 * into it, refreshed again.  Before each merge the whole disk is read, so
 * the parent map and the layers' BATs and bitmaps are the old ones.
 * After each refresh: the depth dropped by one; the merged file is no
 * longer open anywhere in this process (/proc/self/fd); the relinked
 * child is held through a new descriptor (read again from its file),
 * while every other layer keeps the descriptor it had (its open struct
 * was not reopened); every byte reads as the model and as a fresh open of
 * the chain; writes go on; the frozen layers still read their moments.
 * A merge stopped half way (written, not relinked) changes nothing the
 * refresh does: no layer dropped, no descriptor changed.  Refused, the
 * chain left as it was: a read-only chain whose own top a merge relinked
 * (-ESTALE), a chain opened without locks (-EINVAL).  Public API only.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "vhd.h"
#include "model-support.h"

#define DISK ((6u << 20) + 1024u)
#define LAYERS 5 /* l0..l4: four by the first pushes, one to freeze l3 */

static const struct model_params params = {
	.seed = 0x9E3779B97F4A7C15ull, .prefix = "vhdrefresh", .disk = DISK,
	.mid_percent = 85, .big = 300000,
};

static uint8_t *model, *moments[LAYERS], *got;
static char paths[LAYERS][512];

static void setup(void)
{
	model_setup(&params);
	model = model_alloc(DISK);
	got = model_alloc(DISK);
	for (int i = 0; i < LAYERS; i++)
		moments[i] = model_alloc(DISK);
}

static void teardown(void)
{
	model_teardown();
}

static void write_some(vhd_chain *c, int n)
{
	model_write_some(c, model, n);
}

static void reads_as(vhd_chain *c, const uint8_t *want, const char *what)
{
	model_reads_as(c, got, want, DISK, what);
}

/* The descriptors of this process open on PATH's file, as a bit set of
 * descriptor numbers below 1024 (enough for a test). */
struct fdset {
	uint64_t bits[16];
	int n;
};

static struct fdset fds_on(const char *path)
{
	struct fdset s = { { 0 }, 0 };
	struct stat want, st;
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;

	ck_assert_int_eq(stat(path, &want), 0);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d))) {
		char p[300];
		int fd = atoi(e->d_name);

		if (e->d_name[0] == '.' || fd >= 1024 || fd == dirfd(d))
			continue;
		snprintf(p, sizeof(p), "/proc/self/fd/%s", e->d_name);
		if (stat(p, &st) == 0 && st.st_dev == want.st_dev && st.st_ino == want.st_ino) {
			s.bits[fd / 64] |= 1ull << (fd % 64);
			s.n++;
		}
	}
	closedir(d);
	return s;
}

static bool same_fds(const struct fdset *a, const struct fdset *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

/* Freeze the top of C as layer I (a push onto path I). */
static void push(vhd_chain *c, int i)
{
	int fd = open(paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	close(fd);
	memcpy(moments[i - 1], model, DISK);
	ck_assert_msg(vhd_chain_push_child(c, paths[i], 0) == 0, "push %d: %s", i, vhd_errmsg());
}

/* Every byte of C reads as the model and as a fresh open of its top. */
static void check_against_fresh(vhd_chain *c, const char *what)
{
	struct vhd_info *info = malloc(sizeof(*info));
	vhd_chain *fresh;

	ck_assert_ptr_nonnull(info);
	reads_as(c, model, what);
	/* the top is ours (exclusive): flushed, it can be read without locks */
	ck_assert_msg(vhd_chain_flush(c) == 0, "%s: flush: %s", what, vhd_errmsg());
	ck_assert_int_eq(vhd_chain_layer_info(c, 0, info), 0);
	ck_assert_msg(vhd_chain_open(info->path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &fresh) == 0,
		      "%s: fresh open: %s", what, vhd_errmsg());
	ck_assert_int_eq(vhd_chain_depth(fresh), vhd_chain_depth(c));
	for (int k = 0; k < vhd_chain_depth(c); k++) {
		struct vhd_info *fi = malloc(sizeof(*fi));

		ck_assert_ptr_nonnull(fi);
		ck_assert_int_eq(vhd_chain_layer_info(c, k, info), 0);
		ck_assert_int_eq(vhd_chain_layer_info(fresh, k, fi), 0);
		ck_assert_msg(strcmp(info->path, fi->path) == 0, "%s: layer %d is '%s', freshly '%s'",
			      what, k, info->path, fi->path);
		free(fi);
	}
	reads_as(fresh, model, what);
	vhd_chain_close(fresh);
	free(info);
}

/* A merge stopped half way: what it copied stays, the link does not change. */
static int stop_half_way(uint64_t done, uint64_t total, void *arg)
{
	(void)arg;
	return done * 2 >= total && done < total;
}

/* Merge layer M into its child M + 1 from a second open, refresh C, and
 * check what the file says: LIVE are the layers C holds, top first. */
static void merge_and_refresh(vhd_chain *c, int m, int *live, int *n, const char *fmt)
{
	struct fdset before[LAYERS], after;
	char what[96];
	int depth = vhd_chain_depth(c);

	snprintf(what, sizeof(what), "%s: merge of l%d into l%d", fmt, m, m + 1);
	reads_as(c, model, what); /* the parent map and bitmaps: the old ones */
	for (int k = 0; k < *n; k++)
		before[live[k]] = fds_on(paths[live[k]]);

	/* stopped half way: written, not relinked; the refresh keeps all */
	ck_assert_int_eq(vhd_merge_layer(paths[m], paths[m + 1], 0, stop_half_way, NULL), -ECANCELED);
	ck_assert_msg(vhd_chain_refresh(c) == 0, "%s (stopped): refresh: %s", what, vhd_errmsg());
	ck_assert_int_eq(vhd_chain_depth(c), depth);
	for (int k = 0; k < *n; k++) {
		after = fds_on(paths[live[k]]);
		ck_assert_msg(same_fds(&before[live[k]], &after), "%s (stopped): l%d reopened", what,
			      live[k]);
	}
	reads_as(c, model, what);

	ck_assert_msg(vhd_merge_layer(paths[m], paths[m + 1], 0, NULL, NULL) == 0, "%s: %s", what,
		      vhd_errmsg());
	/* until the refresh, the chain still reads through the merged file */
	ck_assert_int_ge(fds_on(paths[m]).n, 1);
	reads_as(c, model, what);
	ck_assert_msg(vhd_chain_refresh(c) == 0, "%s: refresh: %s", what, vhd_errmsg());
	ck_assert_int_eq(vhd_chain_depth(c), depth - 1);
	ck_assert_msg(fds_on(paths[m]).n == 0, "%s: the merged file is still open", what);
	for (int k = 0; k < *n; k++) {
		int l = live[k];

		if (l == m)
			continue;
		after = fds_on(paths[l]);
		ck_assert_int_ge(after.n, 1);
		if (l == m + 1)
			ck_assert_msg(!same_fds(&before[l], &after), "%s: l%d (relinked) not read again",
				      what, l);
		else
			ck_assert_msg(same_fds(&before[l], &after), "%s: l%d (unchanged) reopened", what, l);
	}
	for (int k = 0, o = 0; k < *n; k++)
		if (live[k] != m)
			live[o++] = live[k];
	(*n)--;
	check_against_fresh(c, what);
	ck_assert_msg(vhd_chain_refresh(c) == 0, "%s: second refresh: %s", what, vhd_errmsg());
	ck_assert_int_eq(vhd_chain_depth(c), depth - 1);
	/* the merged file can go, as istmd removes it; reads never need it */
	ck_assert_int_eq(unlink(paths[m]), 0);
	write_some(c, 30);
	reads_as(c, model, what);
}

/* The frozen layer L still reads its moment, opened on its own. */
static void layer_reads_its_moment(int l, const char *fmt)
{
	vhd_chain *ro;
	char what[64];

	snprintf(what, sizeof(what), "%s: l%d alone", fmt, l);
	ck_assert_msg(vhd_chain_open(paths[l], VHD_OPEN_RDONLY, &ro) == 0, "%s: %s", what,
		      vhd_errmsg());
	reads_as(ro, moments[l], what);
	vhd_chain_close(ro);
}

static void run(enum vhd_format fmt)
{
	const char *ext = fmt == VHD_FORMAT_VHDX ? "vhdx" : "vhd";
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = DISK, .format = fmt };
	int live[LAYERS] = { 3, 2, 1, 0 }, n = 4;
	vhd_chain *c, *nl;

	for (int i = 0; i < LAYERS; i++)
		snprintf(paths[i], sizeof(paths[i]), "%s/l%d.%s", dir, i, ext);
	ck_assert_msg(vhd_create(paths[0], &o) == 0, "create: %s", vhd_errmsg());
	ck_assert_msg(vhd_chain_open(paths[0], 0, &c) == 0, "open: %s", vhd_errmsg());
	for (int i = 1; i <= 3; i++) {
		write_some(c, 40);
		push(c, i);
	}
	write_some(c, 40);
	ck_assert_int_eq(vhd_chain_depth(c), 4);

	/* nothing changed yet: nothing done */
	ck_assert_int_eq(vhd_chain_refresh(c), 0);
	ck_assert_int_eq(vhd_chain_depth(c), 4);

	/* a middle layer: l1 into l2, both frozen */
	merge_and_refresh(c, 1, live, &n, ext);
	ck_assert_int_eq(vhd_chain_depth(c), 3);
	layer_reads_its_moment(2, ext);
	layer_reads_its_moment(0, ext);

	/* the live top's own parent: freeze the top (l3) first, as istmd does */
	push(c, 4);
	memmove(&live[1], &live[0], (size_t)n * sizeof(live[0]));
	live[0] = 4;
	n++;
	merge_and_refresh(c, 2, live, &n, ext);
	ck_assert_int_eq(vhd_chain_depth(c), 3);
	layer_reads_its_moment(3, ext);
	layer_reads_its_moment(0, ext);
	vhd_chain_close(c);

	/* the chain on disk is what the refreshed one was */
	ck_assert_msg(vhd_chain_open(paths[4], 0, &c) == 0, "reopen: %s", vhd_errmsg());
	ck_assert_int_eq(vhd_chain_depth(c), 3);
	reads_as(c, model, "reopened whole");
	vhd_chain_close(c);

	/* a read-only chain whose own top a merge relinked is refused and
	 * left as it was (the caller reopens it whole) */
	ck_assert_int_eq(vhd_chain_open(paths[4], VHD_OPEN_RDONLY, &nl), 0);
	reads_as(nl, model, "read-only top");
	ck_assert_msg(vhd_merge_layer(paths[3], paths[4], 0, NULL, NULL) == 0, "merge into the top: %s",
		      vhd_errmsg());
	ck_assert_int_eq(vhd_chain_refresh(nl), -ESTALE);
	ck_assert_int_eq(vhd_chain_depth(nl), 3);
	reads_as(nl, model, "read-only top, refresh refused");
	vhd_chain_close(nl);

	/* a chain opened without locks has no business being refreshed */
	ck_assert_int_eq(vhd_chain_open(paths[4], VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &nl), 0);
	ck_assert_int_eq(vhd_chain_refresh(nl), -EINVAL);
	vhd_chain_close(nl);
}

START_TEST(refresh_vhd)
{
	run(VHD_FORMAT_VHD);
}
END_TEST

START_TEST(refresh_vhdx)
{
	run(VHD_FORMAT_VHDX);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("refresh");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, refresh_vhd);
	tcase_add_test(tc, refresh_vhdx);
	return check_run("chain-refresh", tc);
}
