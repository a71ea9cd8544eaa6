/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-istmd-state-crash.c: nothing acknowledged is lost when istmd dies.
 *
 * A child process commits transactions as fast as it can (a target with a
 * CHAP secret, an identification method, a disk and a LUN mapping each) and
 * reports each committed number on a pipe; the parent SIGKILLs it at a
 * random moment mid-stream, reopens the database, and checks that every
 * acknowledged transaction is there whole, that no transaction is there
 * half, and that PRAGMA integrity_check is "ok".  Several rounds append to
 * the same file, so recovery of a WAL left by a killed writer is exercised
 * repeatedly.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "parent/state/state.h"

static char dir[PATH_MAX];

static int commit_one(struct state *st, int i)
{
	char name[32], iqn[64], path[64];
	struct state_target t;
	struct state_disk d;
	struct state_id id = { STATE_ID_IQN, "" };
	int err;

	snprintf(name, sizeof(name), "crash%06d", i);
	snprintf(iqn, sizeof(iqn), "iqn.2026-11.test:crash%06d", i);
	snprintf(path, sizeof(path), "/srv/crash/%06d.vhd", i);
	state_target_init(&t, name);
	snprintf(t.iqn, sizeof(t.iqn), "%s", iqn);
	snprintf(t.chap_secret, sizeof(t.chap_secret), "secret%06d", i);
	state_disk_init(&d, path);
	snprintf(id.value, sizeof(id.value), "iqn.2026-11.initiator:%06d", i);

	if ((err = state_begin(st)) < 0)
		return err;
	if ((err = state_target_add(st, &t)) < 0 ||
	    (err = state_target_add_id(st, t.id, &id)) < 0 ||
	    (err = state_disk_add(st, &d)) < 0 ||
	    (err = state_lun_map(st, t.id, d.wtd, 0)) < 0) {
		state_rollback(st);
		return err;
	}
	return state_commit(st);
}

static void writer(int first, int fd)
{
	struct state *st;

	if (state_open(dir, &st) < 0)
		_exit(2);
	for (int i = first;; i++) {
		if (commit_one(st, i) < 0)
			_exit(3);
		if (write(fd, &i, sizeof(i)) != sizeof(i))
			_exit(4);
	}
}

/* Check that transaction I is present whole (want) or absent whole. */
static bool present(struct state *st, int i)
{
	char name[32], path[64];
	struct state_target t;
	struct state_disk d;
	struct state_id *ids;
	struct state_lun_mapping *m;
	size_t n;
	int err;

	snprintf(name, sizeof(name), "crash%06d", i);
	snprintf(path, sizeof(path), "/srv/crash/%06d.vhd", i);
	err = state_target_get_by_name(st, name, &t);
	if (err == -ENOENT) {
		ck_assert_int_eq(state_disk_get_by_path(st, path, &d), -ENOENT);
		return false;
	}
	ck_assert_int_eq(err, 0);
	ck_assert_int_eq(state_disk_get_by_path(st, path, &d), 0);
	ck_assert_int_eq(state_target_list_ids(st, t.id, &ids, &n), 0);
	ck_assert_uint_eq(n, 1);
	free(ids);
	ck_assert_int_eq(state_lun_list(st, t.id, &m, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(m[0].wtd, d.wtd);
	free(m);
	snprintf(name, sizeof(name), "secret%06d", i);
	ck_assert_str_eq(t.chap_secret, name);
	return true;
}

START_TEST(test_kill_mid_transaction)
{
	struct state *st;
	int next = 0;
	char cmd[PATH_MAX + 16];

	snprintf(dir, sizeof(dir), "%s/istmd-crash-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	srand((unsigned)time(NULL) ^ (unsigned)getpid());

	for (int round = 0; round < 5; round++) {
		int fds[2], acked = -1, v, status;
		int want = 20 + rand() % 60; /* acknowledgements before the kill */
		pid_t pid;

		ck_assert_int_eq(pipe(fds), 0);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			close(fds[0]);
			writer(next, fds[1]);
		}
		close(fds[1]);
		while (acked < next + want && read(fds[0], &v, sizeof(v)) == sizeof(v))
			acked = v;
		/* kill at a random point inside the following transactions */
		usleep((useconds_t)(rand() % 20000));
		kill(pid, SIGKILL);
		/* drain what was acknowledged before the kill landed */
		while (read(fds[0], &v, sizeof(v)) == sizeof(v))
			acked = v;
		close(fds[0]);
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		ck_assert_int_ge(acked, next + want);

		ck_assert_int_eq(state_open(dir, &st), 0);
		ck_assert_int_eq(state_check(st), 0);
		for (int i = 0; i <= acked; i++)
			ck_assert_msg(present(st, i), "acknowledged transaction %d lost", i);
		/* at most the one in flight may have committed unacknowledged */
		next = acked + 1;
		if (present(st, next))
			next++;
		ck_assert(!present(st, next));
		state_close(st);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("crash");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_kill_mid_transaction);
	return check_run("istmd-state-crash", tc);
}
