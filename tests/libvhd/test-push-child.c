/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-push-child.c: vhd_chain_push_child(), the live snapshot's switch,
 * against a model, for VHD and VHDX.
 *
 * One chain stays open for writing throughout: random writes, then a push
 * onto an empty placeholder, eight times (the first top never written, to
 * cover a VHDX whose DataWriteGuid has not changed yet in this session);
 * every other push leaves the old top to vhd_chain_settle_parents(), and
 * a VHDX one must then stay closed to other opens (-EBUSY) while the
 * chain goes on writing, until the settle.
 * After each push the chain must read as before, writes must reach only
 * the new top, and the frozen layer must be complete in its file: another
 * chain opened on it read-only (shared lock, allowed now) reads exactly
 * the data of the push, and vhd_check() finds it clean, while opening it
 * for writing is refused (-EBUSY).  At the end the chain is closed and
 * opened whole again from its top, and every layer's own chain reads its
 * moment.  A read-only chain is refused with -EROFS.
 * The pushes that settle later also leave the child unsynced
 * (VHD_PUSH_SYNC_LATER, as bs_vhd does): counted through libvhd's fault
 * hook (internal.h, the one private call here), they make no sync at all,
 * where an ordinary push syncs the child; the child is complete all the
 * same for every reader (the page cache), and a sync failure in an
 * ordinary push fails it.  Durability itself would need a power cut.
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
#include "model-support.h"

#define PUSHES 8
#define DISK ((6u << 20) + 1024u)

static const struct model_params params = {
	.seed = 0x2545F4914F6CDD1Dull, .prefix = "vhdpush", .disk = DISK,
	.mid_percent = 85, .big = 300000,
};

static uint8_t *model, *moments[PUSHES + 1], *got;

static void setup(void)
{
	model_setup(&params);
	model = model_alloc(DISK);
	got = model_alloc(DISK);
}

static void teardown(void)
{
	for (int i = 0; i <= PUSHES; i++) {
		free(moments[i]);
		moments[i] = NULL;
	}
	model_teardown();
}

static void problem(const char *path, const char *what, void *arg)
{
	(void)arg;
	fprintf(stderr, "%s: %s\n", path, what);
}

static void write_some(vhd_chain *c, int n)
{
	model_write_some(c, model, n);
}

static void reads_as(vhd_chain *c, const uint8_t *want, const char *what)
{
	model_reads_as(c, got, want, DISK, what);
}

static void layer_path(char *out, int i, const char *ext)
{
	snprintf(out, 512, "%s/l%d.%s", dir, i, ext);
}

static void run(enum vhd_format fmt)
{
	const char *ext = fmt == VHD_FORMAT_VHDX ? "vhdx" : "vhd";
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = DISK, .format = fmt };
	char path[512], what[64];
	vhd_chain *c, *ro;
	bool later;
	int fd;

	layer_path(path, 0, ext);
	ck_assert_msg(vhd_create(path, &o) == 0, "create: %s", vhd_errmsg());
	ck_assert_msg(vhd_chain_open(path, 0, &c) == 0, "open: %s", vhd_errmsg());
	for (int i = 1; i <= PUSHES; i++) {
		if (i > 1)
			write_some(c, 40);
		moments[i - 1] = malloc(DISK);
		ck_assert_ptr_nonnull(moments[i - 1]);
		memcpy(moments[i - 1], model, DISK);
		layer_path(path, i, ext);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600); /* the placeholder */
		ck_assert_int_ge(fd, 0);
		close(fd);
		later = i % 2 == 0;
		vhd_fault_arm(VHD_FAULT_SYNC, -1, 0, false); /* count only */
		ck_assert_msg(vhd_chain_push_child(c, path, later ? VHD_PUSH_SETTLE_LATER |
						   VHD_PUSH_SYNC_LATER : 0) == 0,
			      "push %d: %s", i, vhd_errmsg());
		if (later)
			ck_assert_msg(vhd_fault_calls() == 0, "push %d synced %ld times", i,
				      vhd_fault_calls());
		else
			ck_assert_msg(vhd_fault_calls() >= 1, "push %d synced nothing", i);
		vhd_fault_disarm();
		ck_assert_int_eq(vhd_chain_depth(c), i + 1);
		snprintf(what, sizeof(what), "%s after push %d%s", ext, i, later ? " (settled later)" : "");
		reads_as(c, model, what);

		layer_path(path, i - 1, ext);
		if (later && fmt == VHD_FORMAT_VHDX) {
			/* unsettled: kept from others while the chain works on */
			ck_assert_int_eq(vhd_chain_open(path, VHD_OPEN_RDONLY, &ro), -EBUSY);
			write_some(c, 10);
			reads_as(c, model, what);
		}
		ck_assert_msg(vhd_chain_settle_parents(c) == 0, "%s: settle: %s", what, vhd_errmsg());
		ck_assert_int_eq(vhd_chain_settle_parents(c), 0); /* nothing left */
		/* the frozen layer, from outside: complete, shared, clean */
		ck_assert_msg(vhd_chain_open(path, VHD_OPEN_RDONLY, &ro) == 0, "%s: open frozen: %s",
			      what, vhd_errmsg());
		reads_as(ro, moments[i - 1], what);
		vhd_chain_close(ro);
		ck_assert_int_eq(vhd_chain_open(path, 0, &ro), -EBUSY);
		ck_assert_msg(vhd_check(path, problem, NULL) == 0, "%s: check of the frozen layer", what);
	}
	write_some(c, 40);
	moments[PUSHES] = malloc(DISK);
	ck_assert_ptr_nonnull(moments[PUSHES]);
	memcpy(moments[PUSHES], model, DISK);
	vhd_chain_close(c);

	for (int i = 0; i <= PUSHES; i++) {
		layer_path(path, i, ext);
		ck_assert_msg(vhd_check(path, problem, NULL) == 0, "%s layer %d: check", ext, i);
		ck_assert_msg(vhd_chain_open(path, VHD_OPEN_RDONLY, &ro) == 0, "%s layer %d: open: %s",
			      ext, i, vhd_errmsg());
		ck_assert_int_eq(vhd_chain_depth(ro), i + 1);
		snprintf(what, sizeof(what), "%s layer %d reopened", ext, i);
		reads_as(ro, moments[i], what);
		vhd_chain_close(ro);
	}

	/* an ordinary push whose sync of the child fails fails, and leaves
	 * the chain as it was */
	layer_path(path, PUSHES, ext);
	ck_assert_int_eq(vhd_chain_open(path, 0, &c), 0);
	layer_path(path, PUSHES + 2, ext);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	/* settled later, the child's is its only sync */
	vhd_fault_arm(VHD_FAULT_SYNC, 0, EIO, true);
	ck_assert_int_eq(vhd_chain_push_child(c, path, VHD_PUSH_SETTLE_LATER), -EIO);
	vhd_fault_disarm();
	ck_assert_int_eq(vhd_chain_depth(c), PUSHES + 1);
	reads_as(c, moments[PUSHES], "after a push whose sync failed");
	vhd_chain_close(c);
	unlink(path);

	/* only a chain open for writing continues on a child */
	layer_path(path, PUSHES, ext);
	ck_assert_int_eq(vhd_chain_open(path, VHD_OPEN_RDONLY, &ro), 0);
	layer_path(path, PUSHES + 1, ext);
	ck_assert_int_eq(vhd_chain_push_child(ro, path, 0), -EROFS);
	ck_assert_int_eq(vhd_chain_depth(ro), PUSHES + 1);
	vhd_chain_close(ro);
}

START_TEST(push_vhd)
{
	run(VHD_FORMAT_VHD);
}
END_TEST

START_TEST(push_vhdx)
{
	run(VHD_FORMAT_VHDX);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("push");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, push_vhd);
	tcase_add_test(tc, push_vhdx);
	return check_run("push-child", tc);
}
