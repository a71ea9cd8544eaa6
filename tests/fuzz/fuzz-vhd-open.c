/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-vhd-open.c: libFuzzer harness for libvhd's open and read paths.
 *
 * Each input is written to a private temporary file and opened the way
 * every user opens images (vhd_chain_open with parent resolution, so the
 * locator and unicode-name parsing run too), then read at the start, the
 * middle and the end, mapped, and checked with vhd_check().  Whatever the
 * input, libvhd must return an error or data, never crash, hang or leak.
 *
 * Built two ways: with clang -fsanitize=fuzzer for fuzzing, and with the
 * normal compiler plus fuzz-replay.c (a main() that feeds files) so that
 * make check always replays the corpus.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(int level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static char dir[256];

static void remove_dir(void)
{
	rmdir(dir);
}

static void ignore_problem(const char *path, const char *problem, void *arg)
{
	(void)path;
	(void)problem;
	(*(int *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[300];
	vhd_chain *c;
	int fd, n = 0;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "%s/fuzzvhd.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(remove_dir);
		vhd_set_logger(quiet, NULL);
	}
	snprintf(path, sizeof(path), "%s/input.vhd", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);

	if (vhd_chain_open(path, VHD_OPEN_RDONLY, &c) == 0) {
		uint64_t sz = vhd_chain_size(c);
		uint8_t buf[8192];
		struct vhd_extent e;
		struct vhd_info info;
		uint64_t offs[3] = { 0, sz / 2, sz > sizeof(buf) ? sz - sizeof(buf) : 0 };

		for (int i = 0; i < 3; i++) {
			size_t len = sz - offs[i] < sizeof(buf) ? (size_t)(sz - offs[i]) : sizeof(buf);

			(void)vhd_chain_pread(c, buf, len, offs[i]);
		}
		for (uint64_t off = 0, k = 0; off < sz && k < 64; off += e.length, k++)
			if (vhd_chain_map(c, off, sz - off, &e) < 0)
				break;
		for (int i = 0; i < vhd_chain_depth(c); i++)
			(void)vhd_chain_layer_info(c, i, &info);
		vhd_chain_close(c);
	}
	(void)vhd_check(path, ignore_problem, &n);
	unlink(path);
	return 0;
}
