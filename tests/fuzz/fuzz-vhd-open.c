/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-vhd-open.c: libFuzzer harness for libvhd's open and read paths.
 *
 * Each input is written to a memory file (memfd, rewritten in place for
 * every input: no file is created or removed per execution) and opened by
 * its /proc/self/fd path the way every user opens images (vhd_chain_open
 * with parent resolution, so the locator and unicode-name parsing run
 * too), then read at the start, the middle and the end, mapped, and
 * checked with vhd_check().  Whatever the input, libvhd must return an
 * error or data, never crash, hang or leak.  Trade-off: a relative parent
 * locator resolves under /proc/self/fd, where no parent is found; a
 * temporary directory found none either.
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
#include <sys/mman.h>
#include <unistd.h>

#include "vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(int level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static int mem = -1;          /* the memory file inputs are written to */
static char path[64];

static void ignore_problem(const char *path, const char *problem, void *arg)
{
	(void)path;
	(void)problem;
	(*(int *)arg)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vhd_chain *c;
	int n = 0;

	if (mem < 0) {
		mem = memfd_create("fuzz-vhd-open", MFD_CLOEXEC);
		if (mem < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", mem);
		vhd_set_logger(quiet, NULL);
	}
	if (ftruncate(mem, 0) < 0 || pwrite(mem, data, size, 0) != (ssize_t)size)
		abort();

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
	return 0;
}
