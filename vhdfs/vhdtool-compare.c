/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-compare.c: `vhdtool compare`, do two disks hold the same data?
 *
 * As qemu-img compare: the virtual disks (whole chains) are compared, not
 * the files; exit 0 when identical, 1 when not, naming the first differing
 * offset (rounded down to its 512-byte sector, as qemu-img does).  Disks of
 * different sizes are identical when the longer one's extra part reads as
 * zeros, unless --strict.  Either side may be a raw file (-f/-F raw), so a
 * VHD can be checked against the raw image it was made from.  Both are
 * opened read-only and without locks, like info: comparing a disk that is
 * being written gives an answer about some moment, not an error.
 * Exit 2 is bad usage and 3 an error (a file that cannot be opened or
 * read), where qemu-img says 2 for both.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdtool.h"

#define COMPARE_ERROR 3
#define CHUNK (1u << 20)
#define CMP_STEP 512u

static const char usage[] =
	"usage: vhdtool compare [--strict] [-f FMT] [-F FMT] FILE1 FILE2\n"
	"\n"
	"Compare the virtual disks FILE1 and FILE2 (each with its whole chain).\n"
	"Exit status 0 when they hold the same data, 1 when they differ (the\n"
	"first differing offset is printed), 2 bad usage, 3 an error.  Disks of\n"
	"different sizes are the same when the extra part reads as zeros.\n";

/* One side of the comparison: a VHD chain or a raw file. */
struct source {
	const char *path;    /* as given */
	vhd_chain *chain;    /* VHD, or NULL */
	int fd;              /* raw file, or -1 */
	uint64_t size;       /* virtual size */
};

static int parse_format(const char *arg, int *raw)
{
	if (strcmp(arg, "vhd") == 0 || strcmp(arg, "vpc") == 0)
		*raw = 0;
	else if (strcmp(arg, "raw") == 0)
		*raw = 1;
	else
		return tool_usage_error("compare", "unknown format '%s' (vhd or raw)", arg);
	return EXIT_OK;
}

static int source_open(struct source *s, const char *path, int raw)
{
	struct stat st;
	int r;

	s->path = path;
	s->chain = NULL;
	s->fd = -1;
	if (!raw) {
		r = vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &s->chain);
		if (r < 0) {
			tool_fail("compare", path, r);
			return -1;
		}
		s->size = vhd_chain_size(s->chain);
		return 0;
	}
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0 || fstat(s->fd, &st) < 0) {
		tool_failx("compare", path, "%s", strerror(errno));
		return -1;
	}
	s->size = (uint64_t)st.st_size;
	return 0;
}

static int source_read(struct source *s, uint8_t *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	int r;

	if (s->chain) {
		r = vhd_chain_pread(s->chain, buf, len, off);
		if (r < 0)
			tool_fail("compare", s->path, r);
		return r < 0 ? -1 : 0;
	}
	while (done < len) {
		ssize_t n = pread(s->fd, buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			tool_failx("compare", s->path, "cannot read at offset %llu: %s",
			           (unsigned long long)(off + done), n < 0 ? strerror(errno) : "end of file");
			return -1;
		}
		done += (size_t)n;
	}
	return 0;
}

static void source_close(struct source *s)
{
	if (s->chain)
		vhd_chain_close(s->chain);
	if (s->fd >= 0)
		close(s->fd);
}

/* Index of the first differing byte of A and B (LEN if none). */
static size_t first_difference(const uint8_t *a, const uint8_t *b, size_t len)
{
	size_t i = 0;

	/* memcmp over sectors first: the common case is equal data. */
	while (i + CMP_STEP <= len && memcmp(a + i, b + i, CMP_STEP) == 0)
		i += CMP_STEP;
	while (i < len && a[i] == b[i])
		i++;
	return i;
}

static size_t first_nonzero(const uint8_t *a, size_t len)
{
	size_t i = 0;

	while (i < len && a[i] == 0)
		i++;
	return i;
}

int cmd_compare(int argc, char **argv)
{
	struct source s[2] = { { .fd = -1 }, { .fd = -1 } };
	int strict = 0, raw[2] = { 0, 0 }, nargs, r, rc = COMPARE_ERROR;
	const char *fmt[2] = { "vhd", "vhd" };
	const struct tool_opt opts[] = {
		{ "strict", 's', TOOL_FLAG, &strict, NULL, "different sizes are a difference", NULL, 0 },
		{ NULL, 'f', TOOL_STRING, &fmt[0], "FMT", "format of FILE1: vhd (default) or raw", NULL, 0 },
		{ NULL, 'F', TOOL_STRING, &fmt[1], "FMT", "format of FILE2: vhd (default) or raw", NULL, 0 },
		{ 0 },
	};
	const struct tool_verb verb = {
		"compare", usage, "print nothing, only the exit status tells", opts, 2, 2,
		"FILE1 and FILE2 are required", 0,
	};
	uint8_t *buf[2] = { NULL, NULL };
	uint64_t off, common;
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	if (parse_format(fmt[0], &raw[0]) != EXIT_OK || parse_format(fmt[1], &raw[1]) != EXIT_OK)
		return EXIT_USAGE;
	if (source_open(&s[0], args[0], raw[0]) < 0 || source_open(&s[1], args[1], raw[1]) < 0)
		goto out;
	buf[0] = malloc(CHUNK);
	buf[1] = malloc(CHUNK);
	if (!buf[0] || !buf[1]) {
		tool_failx("compare", s[0].path, "out of memory");
		goto out;
	}
	if (strict && s[0].size != s[1].size) {
		if (!tool_quiet)
			printf("Image size mismatch: %llu and %llu bytes\n", (unsigned long long)s[0].size,
			       (unsigned long long)s[1].size);
		rc = EXIT_ERROR;
		goto out;
	}
	common = s[0].size < s[1].size ? s[0].size : s[1].size;
	for (off = 0; off < common; off += CHUNK) {
		size_t n = common - off < CHUNK ? (size_t)(common - off) : CHUNK, d;

		if (source_read(&s[0], buf[0], n, off) < 0 || source_read(&s[1], buf[1], n, off) < 0)
			goto out;
		d = first_difference(buf[0], buf[1], n);
		if (d < n) {
			if (!tool_quiet)
				printf("Content mismatch at offset %llu!\n",
				       (unsigned long long)((off + d) / 512 * 512));
			rc = EXIT_ERROR;
			goto out;
		}
	}
	/* The longer disk's tail must read as zeros. */
	for (int k = 0; k < 2; k++) {
		for (off = common; off < s[k].size; off += CHUNK) {
			size_t n = s[k].size - off < CHUNK ? (size_t)(s[k].size - off) : CHUNK, d;

			if (source_read(&s[k], buf[k], n, off) < 0)
				goto out;
			d = first_nonzero(buf[k], n);
			if (d < n) {
				if (!tool_quiet)
					printf("Content mismatch at offset %llu!\n",
					       (unsigned long long)((off + d) / 512 * 512));
				rc = EXIT_ERROR;
				goto out;
			}
		}
	}
	if (!tool_quiet)
		printf("Images are identical.\n");
	rc = EXIT_OK;
out:
	free(buf[0]);
	free(buf[1]);
	source_close(&s[0]);
	source_close(&s[1]);
	return rc;
}
