/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhd-poke.c: test helper, writes the bytes of a file into a VHD chain at
 * a byte offset through libvhd (vhd_chain_pwrite + vhd_chain_flush).
 *
 * The tests need to put data into differencing disks, which neither qemu
 * nor vhdtool's convert can do; this is the smallest program that can.
 * usage: vhd-poke VHD OFFSET SRC [SRC_OFFSET LENGTH]
 *   writes SRC's whole content (or LENGTH bytes from SRC_OFFSET) at OFFSET,
 *   any alignment; the benchmark uses the long form to spread one random
 *   file over the layers of a chain without temporary files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhd.h"

static int parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "vhd-poke: bad number '%s'\n", s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long off, src_off = 0, len;
	struct stat st;
	vhd_chain *chain;
	char *buf;
	ssize_t n;
	int fd, r;

	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: vhd-poke VHD OFFSET SRC [SRC_OFFSET LENGTH]\n");
		return 2;
	}
	if (parse_u64(argv[2], &off) < 0)
		return 2;
	fd = open(argv[3], O_RDONLY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "vhd-poke: cannot open '%s': %s\n", argv[3], strerror(errno));
		return 1;
	}
	len = (unsigned long long)st.st_size;
	if (argc == 6 && (parse_u64(argv[4], &src_off) < 0 || parse_u64(argv[5], &len) < 0))
		return 2;
	buf = malloc(len ? (size_t)len : 1);
	if (!buf)
		return 1;
	n = pread(fd, buf, (size_t)len, (off_t)src_off);
	if (n < 0 || (unsigned long long)n != len) {
		fprintf(stderr, "vhd-poke: short read from '%s'\n", argv[3]);
		return 1;
	}
	close(fd);
	r = vhd_chain_open(argv[1], 0, &chain);
	if (r < 0) {
		fprintf(stderr, "vhd-poke: %s\n", vhd_errmsg());
		return 1;
	}
	r = vhd_chain_pwrite(chain, buf, (size_t)n, off);
	if (r == 0)
		r = vhd_chain_flush(chain);
	if (r < 0)
		fprintf(stderr, "vhd-poke: %s\n", vhd_errmsg());
	vhd_chain_close(chain);
	free(buf);
	return r < 0 ? 1 : 0;
}
