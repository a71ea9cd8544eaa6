/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhd-probe.c: a small driver of libvhd for the shell tests of the library
 * (kept separate from vhdtool so the library's tests do not depend on the
 * CLI).  Usage:
 *   vhd-probe info FILE            one line per layer
 *   vhd-probe cat FILE             the flat disk to stdout
 *   vhd-probe open FILE            open (read-only) and close; errors to stderr
 *   vhd-probe openrw FILE          open writable and close
 *   vhd-probe create fixed|dynamic SIZE FILE [BLOCK]
 *   vhd-probe diff PARENT FILE [BLOCK]
 *   vhd-probe write FILE OFF       stdin to the disk at byte OFF
 *   vhd-probe check FILE           problems to stdout; exit 1 if any
 *   vhd-probe commit FILE | relink FILE PARENT | grow FILE SIZE
 *   vhd-probe discard FILE OFF LEN
 *   vhd-probe map FILE             extents, one per line
 *   vhd-probe randread FILE COUNT [SIZE]  COUNT reads of SIZE (4096) bytes at
 *                                  pseudo-random aligned offsets (the same
 *                                  sequence every run); prints a checksum
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vhd.h"

static int fail(const char *what)
{
	fprintf(stderr, "vhd-probe: %s: %s\n", what, vhd_errmsg());
	return 1;
}

static void problem(const char *path, const char *msg, void *arg)
{
	(void)arg;
	printf("%s: %s\n", path, msg);
}

int main(int argc, char **argv)
{
	vhd_chain *c;
	const char *cmd = argc > 1 ? argv[1] : "";
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: vhd-probe COMMAND FILE ...\n");
		return 2;
	}
	if (!strcmp(cmd, "info")) {
		if (vhd_chain_open(argv[2], VHD_OPEN_RDONLY, &c) < 0)
			return fail("open");
		for (int i = 0; i < vhd_chain_depth(c); i++) {
			struct vhd_info info;
			char u[37], pu[37];

			vhd_chain_layer_info(c, i, &info);
			vhd_uuid_format(info.uuid, u);
			vhd_uuid_format(info.parent_uuid, pu);
			printf("%d %s %s size=%" PRIu64 " uuid=%s creator=%s blocks=%u/%u block_size=%u chs=%u/%u/%u parent=%s name=%s\n",
			       i, info.path, vhd_type_name(info.type), info.virtual_size, u,
			       info.creator_app, info.allocated_blocks, info.max_table_entries,
			       info.block_size, info.cylinders, info.heads, info.sectors_per_track,
			       info.type == VHD_TYPE_DIFF ? pu : "-", info.parent_name);
		}
		vhd_chain_close(c);
		return 0;
	}
	if (!strcmp(cmd, "randread") && argc >= 4) {
		static uint8_t buf[1 << 20];
		uint64_t n = strtoull(argv[3], NULL, 0), x = 88172645463325252ull, sum = 0, slots;
		size_t size = argc > 4 ? strtoul(argv[4], NULL, 0) : 4096;

		if (size == 0 || size > sizeof(buf))
			return 2;
		if (vhd_chain_open(argv[2], VHD_OPEN_RDONLY, &c) < 0)
			return fail("open");
		slots = vhd_chain_size(c) / size;
		for (uint64_t i = 0; i < n && slots; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			if (vhd_chain_pread(c, buf, size, x % slots * size) < 0)
				return fail("read");
			sum += buf[0] + buf[size - 1];
		}
		printf("%" PRIu64 "\n", sum);
		vhd_chain_close(c);
		return 0;
	}
	if (!strcmp(cmd, "cat")) {
		static uint8_t buf[1 << 20];

		if (vhd_chain_open(argv[2], VHD_OPEN_RDONLY, &c) < 0)
			return fail("open");
		for (uint64_t off = 0; off < vhd_chain_size(c); off += sizeof(buf)) {
			size_t n = vhd_chain_size(c) - off < sizeof(buf) ? vhd_chain_size(c) - off : sizeof(buf);

			if (vhd_chain_pread(c, buf, n, off) < 0)
				return fail("read");
			if (fwrite(buf, 1, n, stdout) != n)
				return 1;
		}
		vhd_chain_close(c);
		return 0;
	}
	if (!strcmp(cmd, "open") || !strcmp(cmd, "openrw")) {
		if (vhd_chain_open(argv[2], cmd[4] ? 0 : VHD_OPEN_RDONLY, &c) < 0)
			return fail("open");
		vhd_chain_close(c);
		return 0;
	}
	if (!strcmp(cmd, "create") && argc >= 5) {
		struct vhd_create_opts o = { 0 };

		o.type = !strcmp(argv[2], "fixed") ? VHD_TYPE_FIXED : VHD_TYPE_DYNAMIC;
		o.size = strtoull(argv[3], NULL, 0);
		o.block_size = argc > 5 ? (uint32_t)strtoul(argv[5], NULL, 0) : 0;
		if (vhd_create(argv[4], &o) < 0)
			return fail("create");
		return 0;
	}
	if (!strcmp(cmd, "diff") && argc >= 4) {
		struct vhd_create_opts o = { 0 };

		o.type = VHD_TYPE_DIFF;
		o.parent = argv[2];
		o.block_size = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 0) : 0;
		if (vhd_create(argv[3], &o) < 0)
			return fail("create");
		return 0;
	}
	if (!strcmp(cmd, "write") && argc >= 4) {
		static uint8_t buf[1 << 20];
		uint64_t off = strtoull(argv[3], NULL, 0);
		size_t n;

		if (vhd_chain_open(argv[2], 0, &c) < 0)
			return fail("open");
		while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0) {
			if (vhd_chain_pwrite(c, buf, n, off) < 0)
				return fail("write");
			off += n;
		}
		if (vhd_chain_flush(c) < 0)
			return fail("flush");
		vhd_chain_close(c);
		return 0;
	}
	if (!strcmp(cmd, "discard") && argc >= 5) {
		if (vhd_chain_open(argv[2], 0, &c) < 0)
			return fail("open");
		if (vhd_chain_discard(c, strtoull(argv[3], NULL, 0), strtoull(argv[4], NULL, 0)) < 0)
			return fail("discard");
		vhd_chain_close(c);
		return 0;
	}
	if (!strcmp(cmd, "map")) {
		struct vhd_extent e;

		if (vhd_chain_open(argv[2], VHD_OPEN_RDONLY, &c) < 0)
			return fail("open");
		for (uint64_t off = 0; off < vhd_chain_size(c); off += e.length) {
			if (vhd_chain_map(c, off, vhd_chain_size(c) - off, &e) < 0)
				return fail("map");
			printf("%" PRIu64 " %" PRIu64 " %d %" PRIu64 "\n", off, e.length, e.layer,
			       e.fd < 0 ? 0 : e.file_offset);
		}
		vhd_chain_close(c);
		return 0;
	}
	if (!strcmp(cmd, "check")) {
		r = vhd_check(argv[2], problem, NULL);
		if (r < 0)
			return fail("check");
		return r ? 1 : 0;
	}
	if (!strcmp(cmd, "commit"))
		return vhd_commit(argv[2], NULL, NULL) < 0 ? fail("commit") : 0;
	if (!strcmp(cmd, "relink") && argc >= 4)
		return vhd_relink(argv[2], argv[3]) < 0 ? fail("relink") : 0;
	if (!strcmp(cmd, "grow") && argc >= 4)
		return vhd_grow(argv[2], strtoull(argv[3], NULL, 0)) < 0 ? fail("grow") : 0;
	fprintf(stderr, "vhd-probe: unknown command '%s'\n", cmd);
	return 2;
}
