/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* fuzz-vhdx-open.c: libFuzzer harness for libvhd's VHDX open path (headers,
 * log scan and replay, region table, metadata, parent locator, BAT).
 *
 * A VHDX is at least 4 MiB of mostly zeros, too large for a corpus of whole
 * files and for a fuzzer to mutate blindly.  So the harness builds one
 * valid template at start-up (a differencing VHDX over a dynamic parent,
 * with data, partial blocks and a log left dirty by a writer that exits
 * without closing) and each input is a list of patches applied to a copy
 * of the child.  The first byte chooses what runs on the patched child, the
 * rest are patch records: offset (4 bytes, little-endian, taken modulo the
 * file size), length (1 byte) and that many bytes.  Modes (first byte % 3):
 *   0  the read-only open (the dirty log replayed in memory, its overlay
 *      checks), with the parent;
 *   1  the read-write open (the log replayed into the file), reads, map,
 *      writes, discard, flush, close, then vhd_check() of what it left;
 *   2  vhd_check() of the patched child as it is, dirty log and all.
 * An empty input runs all three.  Whatever the patches, libvhd must return
 * an error or data, never crash, hang or leak.
 *
 * Why modes: each execution used to run all three, six opens of a dirty
 * differencing VHDX, and the fuzzer paid for the three on every input
 * when most inputs reach new code in one of them.  One at a time, the same
 * CPU runs more inputs; mode 2 also checks a dirty log that a read-write
 * open would have replayed (vhd_check() used to run after that open, so it
 * saw a dirty log only where the open had failed).  Trade-off: an input
 * whose patches matter to two modes is two corpus entries.
 *
 * Speed: the child is 9 MiB, and copying and writing it whole cost more
 * than the opens.  So the template keeps only its runs of non-zero pages
 * (the payload written into it is zeros but for the first page of each
 * write: its bytes take no part in the parsing).  After an execution that
 * wrote (mode 1), the next one empties the one child file (ftruncate to 0
 * frees whatever libvhd wrote), sets its size back and writes those runs,
 * about 100 KiB; after a read-only one it only puts back the bytes its
 * patches changed.  Then the patches, in place.
 *
 * Built with clang -fsanitize=fuzzer, and with the normal compiler plus
 * fuzz-vhd-replay.c so that make check replays the seed corpus.
 */
#include "config.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vhd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define DISK (6u << 20)

static char dir[256], parent[300], child[300];
static uint8_t *tmpl;           /* the child as built */
static size_t tmpl_size;
static int child_fd = -1;       /* the child, rewritten in place per execution */

/* The template's runs of non-zero pages: the rest reads as zeros from the
 * holes ftruncate leaves. */
#define MAX_RUNS 64
static struct { size_t off, len; } runs[MAX_RUNS];
static int nruns;

static void quiet(int level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static void cleanup(void)
{
	unlink(child);
	unlink(parent);
	rmdir(dir);
}

static void ignore_problem(const char *path, const char *problem, void *arg)
{
	(void)path;
	(void)problem;
	(*(int *)arg)++;
}

/* A pattern in the first page of P, zeros after it: the images carry
 * recognisable data, and the template stays mostly holes. */
static void fill(uint8_t *p, size_t n, unsigned seed)
{
	memset(p, 0, n);
	for (size_t i = 0; i < n && i < 4096; i++)
		p[i] = (uint8_t)((i * 131 + seed * 7) ^ (i >> 9) ^ 1);
}

static bool page_is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static void find_runs(void)
{
	for (size_t off = 0; off < tmpl_size; off += 4096) {
		size_t n = tmpl_size - off < 4096 ? tmpl_size - off : 4096;

		if (page_is_zero(tmpl + off, n))
			continue;
		if (nruns && runs[nruns - 1].off + runs[nruns - 1].len == off) {
			runs[nruns - 1].len += n;
			continue;
		}
		if (nruns == MAX_RUNS)
			abort();
		runs[nruns].off = off;
		runs[nruns++].len = n;
	}
}

/* Parent with data; child with full and partial blocks, flushed by a
 * process that exits without closing, so its log stays dirty. */
static void build_template(void)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DYNAMIC, .size = DISK, .block_size = 1u << 20,
	                             .format = VHD_FORMAT_VHDX };
	uint8_t *buf = malloc(1u << 20);
	vhd_chain *c;
	pid_t pid;
	int st, fd;
	struct stat sb;

	snprintf(parent, sizeof(parent), "%s/parent.vhdx", dir);
	snprintf(child, sizeof(child), "%s/child.vhdx", dir);
	if (!buf || vhd_create(parent, &o) < 0 || vhd_chain_open(parent, 0, &c) < 0)
		abort();
	fill(buf, 1u << 20, 1);
	if (vhd_chain_pwrite(c, buf, 1u << 20, 0) < 0 || vhd_chain_pwrite(c, buf, 70000, 3u << 20) < 0)
		abort();
	vhd_chain_close(c);
	o = (struct vhd_create_opts){ .type = VHD_TYPE_DIFF, .parent = parent, .block_size = 1u << 20,
	                              .format = VHD_FORMAT_VHDX };
	if (vhd_create(child, &o) < 0)
		abort();
	pid = fork();
	if (pid == 0) {
		if (vhd_chain_open(child, 0, &c) < 0)
			_exit(1);
		fill(buf, 1u << 20, 2);
		if (vhd_chain_pwrite(c, buf, 1u << 20, 1u << 20) < 0 ||
		    vhd_chain_pwrite(c, buf, 5000, (2u << 20) + 777) < 0 ||
		    vhd_chain_pwrite(c, buf, 3000, (4u << 20) + 100) < 0 || vhd_chain_flush(c) < 0)
			_exit(1);
		_exit(0); /* no close: the log stays dirty */
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		abort();
	fd = open(child, O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) < 0)
		abort();
	tmpl_size = (size_t)sb.st_size;
	tmpl = malloc(tmpl_size);
	if (!tmpl || pread(fd, tmpl, tmpl_size, 0) != (ssize_t)tmpl_size)
		abort();
	close(fd);
	free(buf);
	find_runs();
	child_fd = open(child, O_RDWR | O_CLOEXEC);
	if (child_fd < 0)
		abort();
}

/* What the last execution changed in the child: a read-only one only its
 * patches, which are put back from the template; after a writer (or more
 * patches than fit here), the child is rebuilt whole. */
static bool child_written = true;
static struct { uint32_t off, len; } patched[2048];
static size_t npatched;

static void reset_child(void)
{
	if (child_written || npatched > sizeof(patched) / sizeof(patched[0])) {
		if (ftruncate(child_fd, 0) < 0 || ftruncate(child_fd, (off_t)tmpl_size) < 0)
			abort();
		for (int i = 0; i < nruns; i++)
			if (pwrite(child_fd, tmpl + runs[i].off, runs[i].len, (off_t)runs[i].off) !=
			    (ssize_t)runs[i].len)
				abort();
		child_written = false;
	} else {
		for (size_t i = 0; i < npatched; i++)
			if (pwrite(child_fd, tmpl + patched[i].off, patched[i].len, patched[i].off) !=
			    (ssize_t)patched[i].len)
				abort();
	}
	npatched = 0;
}

/* Records of offset, length, bytes, in input order (a later patch wins
 * where two overlap). */
static void patch_child(const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 5 <= size;) {
		uint32_t off = (uint32_t)data[i] | (uint32_t)data[i + 1] << 8 |
		               (uint32_t)data[i + 2] << 16 | (uint32_t)data[i + 3] << 24;
		size_t len = data[i + 4];

		i += 5;
		if (len > size - i)
			len = size - i;
		off %= (uint32_t)tmpl_size;
		if (len > tmpl_size - off)
			len = tmpl_size - off;
		if (len && pwrite(child_fd, data + i, len, off) != (ssize_t)len)
			abort();
		if (len && npatched < sizeof(patched) / sizeof(patched[0])) {
			patched[npatched].off = off;
			patched[npatched].len = (uint32_t)len;
		}
		if (len)
			npatched++;
		i += len;
	}
}

static void open_read_only(void)
{
	vhd_chain *c;

	if (vhd_chain_open(child, VHD_OPEN_RDONLY, &c) == 0)
		vhd_chain_close(c);
}

static void open_and_write(void)
{
	uint8_t buf[8192];
	vhd_chain *c;

	child_written = true;
	if (vhd_chain_open(child, 0, &c) == 0) {
		uint64_t sz = vhd_chain_size(c);
		struct vhd_extent e;
		struct vhd_info info;

		for (uint64_t off = 0; off + sizeof(buf) <= sz; off += sz / 7 + 1)
			(void)vhd_chain_pread(c, buf, sizeof(buf), off);
		for (uint64_t off = 0, k = 0; off < sz && k < 64; off += e.length, k++)
			if (vhd_chain_map(c, off, sz - off, &e) < 0)
				break;
		for (int i = 0; i < vhd_chain_depth(c); i++)
			(void)vhd_chain_layer_info(c, i, &info);
		memset(buf, 0x5a, sizeof(buf));
		if (sz > 3 * sizeof(buf)) {
			(void)vhd_chain_pwrite(c, buf, 1000, sz / 3 + 333);
			(void)vhd_chain_pwrite(c, buf, sizeof(buf), sz - sizeof(buf));
			(void)vhd_chain_discard(c, sz / 2, sizeof(buf));
		}
		(void)vhd_chain_flush(c);
		vhd_chain_close(c);
	}
}

static void check(void)
{
	int n = 0;

	(void)vhd_check(child, ignore_problem, &n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "%s/fuzzvhdx.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (!mkdtemp(dir))
			abort();
		atexit(cleanup);
		vhd_set_logger(quiet, NULL);
		build_template();
	}
	reset_child();
	if (size == 0) {
		open_read_only();
		open_and_write();
		check();
		return 0;
	}
	patch_child(data + 1, size - 1);
	switch (data[0] % 3) {
	case 0:
		open_read_only();
		break;
	case 1:
		open_and_write();
		check();
		break;
	default:
		check();
		break;
	}
	return 0;
}
