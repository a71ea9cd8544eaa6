/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* test-io.c: read_all/write_all over a pipe that moves at most a pipe
 * buffer at a time (so the loops really see short transfers), the end of a
 * stream and of a file, pread_all/pwrite_all at offsets of a real file, and
 * sync_file_and_folder's results (durability itself needs a power cut).
 */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/checkrun.h"
#include "common/io.h"

#define BIG (1u << 20) /* far more than a pipe holds (64 KiB) */

START_TEST(test_stream_short_transfers)
{
	uint8_t *in = malloc(BIG), *out = malloc(BIG);
	int fds[2];
	pid_t pid;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < BIG; i++)
		in[i] = (uint8_t)(i * 7 + i / 251);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(write_all(fds[1], in, BIG) == 0 ? 0 : 1);
	}
	close(fds[1]);
	ck_assert_int_eq(read_all(fds[0], out, BIG), 0);
	ck_assert_mem_eq(in, out, BIG);
	/* the writer is gone: the end of the stream is -EPIPE */
	ck_assert_int_eq(read_all(fds[0], out, 1), -EPIPE);
	close(fds[0]);
	{
		int st;

		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	free(in);
	free(out);
}
END_TEST

START_TEST(test_errors)
{
	char b[4] = "abc";
	int fds[2];

	ck_assert_int_eq(read_all(-1, b, 1), -EBADF);
	ck_assert_int_eq(write_all(-1, b, 1), -EBADF);
	ck_assert_int_eq(pread_all(-1, b, 1, 0), -EBADF);
	ck_assert_int_eq(pwrite_all(-1, b, 1, 0), -EBADF);
	/* nothing to move is success, whatever the descriptor */
	ck_assert_int_eq(read_all(-1, b, 0), 0);
	/* positional I/O on a pipe is refused by the kernel, and passed up */
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(pwrite_all(fds[1], b, 1, 0), -ESPIPE);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(test_file_offsets)
{
	char path[] = "/tmp/test-io-XXXXXX";
	uint8_t buf[8192], back[8192];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	unlink(path);
	memset(buf, 0xa5, sizeof(buf));
	ck_assert_int_eq(pwrite_all(fd, buf, sizeof(buf), 1u << 20), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), (1 << 20) + 8192);
	ck_assert_int_eq(pread_all(fd, back, sizeof(back), 1u << 20), 0);
	ck_assert_mem_eq(buf, back, sizeof(buf));
	/* the hole before it reads as zeros */
	ck_assert_int_eq(pread_all(fd, back, 512, 4096), 0);
	ck_assert_uint_eq(back[0], 0);
	ck_assert_uint_eq(back[511], 0);
	/* reading past the end: -ENODATA, even when part of it was there */
	ck_assert_int_eq(pread_all(fd, back, 2, (1u << 20) + 8191), -ENODATA);
	ck_assert_int_eq(pread_all(fd, back, 1, 1u << 21), -ENODATA);
	close(fd);
}
END_TEST

/* A file and its folder synced: a file in /tmp, one named without a
 * folder (the current one), and the errors of a missing file or folder. */
START_TEST(test_sync_file_and_folder)
{
	char path[] = "/tmp/test-io-XXXXXX";
	char cwd[4096];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, "x", 1), 0);
	close(fd);
	ck_assert_int_eq(sync_file_and_folder(path), 0);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir("/tmp"), 0);
	ck_assert_int_eq(sync_file_and_folder(path + 5), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	unlink(path);
	ck_assert_int_eq(sync_file_and_folder(path), -ENOENT);
	ck_assert_int_eq(sync_file_and_folder("/nonexistent-dir-of-test-io/x"), -ENOENT);
}
END_TEST

int main(void)
{
	TCase *tc = tcase_create("io");

	tcase_add_test(tc, test_stream_short_transfers);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_file_offsets);
	tcase_add_test(tc, test_sync_file_and_folder);
	return check_run("io", tc);
}
