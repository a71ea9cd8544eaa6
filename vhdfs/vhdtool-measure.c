/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-measure.c: `vhdtool measure`, the file size a new VHD needs:
 * empty (--size) or holding the data of an existing disk (a VHD chain or a
 * raw file) as `vhdtool convert` would write it.
 *
 * Output as qemu-img measure's ("required size", "fully allocated size";
 * JSON "required" and "fully-allocated").  The blocks the data needs are
 * found from allocation, not content: the extents of a VHD chain that come
 * from a file, the data (non-hole) ranges of a raw file.  So "required" is
 * exact for data without zero blocks and an upper bound otherwise, as
 * qemu-img's is; reading every byte would cost as much as the convert.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool measure [--output=human|json] [--type dynamic|fixed]\n"
	"                       [--block-size SIZE] (--size SIZE | [-f raw] FILE)\n"
	"\n"
	"Print the size of the VHD file that `vhdtool create` makes for --size SIZE,\n"
	"or that `vhdtool convert` makes from FILE (a VHD chain, or a raw file with\n"
	"-f raw): 'required size' with the blocks the data needs, 'fully allocated\n"
	"size' once every block is written.\n"
	"\n"
	"  -s, --size SIZE        an empty disk of SIZE bytes (K, M, G, T suffixes)\n"
	"  -t, --type TYPE        dynamic (default) or fixed\n"
	"  -b, --block-size SIZE  dynamic: block size (default 2M)\n"
	"  -f FMT                 format of FILE: vhd (default) or raw\n"
	"  -O FMT                 output format: vhd (qemu-img's vpc), the only one\n"
	"  -j, --json             JSON: {\"required\": N, \"fully-allocated\": N}\n"
	"      --output=FMT       human or json, as qemu-img spells it\n"
	"  -h, --help             this help\n";

/* Mark in USED the blocks of BLOCK bytes that [off, off+len) touches. */
static void mark(uint8_t *used, uint64_t block, uint64_t off, uint64_t len)
{
	for (uint64_t b = off / block; b <= (off + len - 1) / block; b++)
		used[b] = 1;
}

static int blocks_of_chain(const char *file, uint64_t block, uint64_t *size, uint8_t **used)
{
	vhd_chain *chain;
	uint64_t off;
	int r;

	r = vhd_chain_open(file, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &chain);
	if (r < 0) {
		tool_fail("measure", file, r);
		return -1;
	}
	*size = vhd_chain_size(chain);
	*used = calloc((size_t)((*size + block - 1) / block) + 1, 1);
	if (!*used) {
		vhd_chain_close(chain);
		tool_failx("measure", file, "out of memory");
		return -1;
	}
	for (off = 0; off < *size;) {
		struct vhd_extent ext;

		r = vhd_chain_map(chain, off, *size - off, &ext);
		if (r < 0 || ext.length == 0) {
			if (r < 0)
				tool_fail("measure", file, r);
			else
				tool_failx("measure", file, "bad extent at offset %llu", (unsigned long long)off);
			vhd_chain_close(chain);
			return -1;
		}
		if (ext.fd >= 0)
			mark(*used, block, off, ext.length);
		off += ext.length;
	}
	vhd_chain_close(chain);
	return 0;
}

static int blocks_of_raw(const char *file, uint64_t block, uint64_t *size, uint8_t **used)
{
	struct stat st;
	off_t data, hole;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		tool_failx("measure", file, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*size = (uint64_t)st.st_size;
	*used = calloc((size_t)((*size + block - 1) / block) + 1, 1);
	if (!*used) {
		close(fd);
		tool_failx("measure", file, "out of memory");
		return -1;
	}
	for (data = 0; (uint64_t)data < *size; data = hole) {
		data = lseek(fd, data, SEEK_DATA);
		if (data < 0) {
			if (errno == ENXIO)
				break;
			/* no SEEK_DATA here: all of it is data */
			mark(*used, block, 0, *size);
			break;
		}
		hole = lseek(fd, data, SEEK_HOLE);
		if (hole < 0)
			hole = (off_t)*size;
		mark(*used, block, (uint64_t)data, (uint64_t)(hole - data));
	}
	close(fd);
	return 0;
}

int cmd_measure(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "size",       required_argument, NULL, 's' },
		{ "type",       required_argument, NULL, 't' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "json",       no_argument, NULL, 'j' },
		{ "output",     required_argument, NULL, TOOL_OPT_OUTPUT },
		{ "quiet",      no_argument, NULL, 'q' },
		{ "help",       no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vhd_create_opts opts = { .type = VHD_TYPE_DYNAMIC };
	uint64_t size = 0, block, allocated = 0, v;
	int json = 0, raw = 0, have_size = 0, c, r;
	struct vhd_measure m;
	uint8_t *used = NULL;

	while ((c = getopt_long(argc, argv, ":s:t:b:f:O:jqh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (tool_parse_size(optarg, &size) < 0)
				return tool_usage_error("measure", "bad size '%s'", optarg);
			have_size = 1;
			break;
		case 't':
			if (strcmp(optarg, "dynamic") == 0)
				opts.type = VHD_TYPE_DYNAMIC;
			else if (strcmp(optarg, "fixed") == 0)
				opts.type = VHD_TYPE_FIXED;
			else
				return tool_usage_error("measure", "--type must be dynamic or fixed, not '%s'", optarg);
			break;
		case 'b':
			if (tool_parse_size(optarg, &v) < 0 || v > UINT32_MAX)
				return tool_usage_error("measure", "bad block size '%s'", optarg);
			opts.block_size = (uint32_t)v;
			break;
		case 'f':
			if (strcmp(optarg, "raw") == 0)
				raw = 1;
			else if (strcmp(optarg, "vhd") == 0 || strcmp(optarg, "vpc") == 0)
				raw = 0;
			else
				return tool_usage_error("measure", "unknown format '%s' (vhd or raw)", optarg);
			break;
		case 'O':
			if (strcmp(optarg, "vhd") != 0 && strcmp(optarg, "vpc") != 0)
				return tool_usage_error("measure", "can only measure for vhd, not '%s'", optarg);
			break;
		case 'j': json = 1; break;
		case TOOL_OPT_OUTPUT:
			if (tool_parse_output("measure", optarg, &json) != EXIT_OK)
				return EXIT_USAGE;
			break;
		case 'q': tool_quiet = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: return tool_option_error("measure", c, argv);
		}
	}
	if (have_size == (argc - optind == 1) || argc - optind > 1)
		return tool_usage_error("measure", "give either --size SIZE or one FILE");
	block = opts.block_size ? opts.block_size : 2u << 20;
	if (!have_size) {
		const char *file = argv[optind];

		if (opts.block_size && (!block || (block & (block - 1))))
			return tool_usage_error("measure", "bad block size '%llu'", (unsigned long long)block);
		r = raw ? blocks_of_raw(file, block, &size, &used) : blocks_of_chain(file, block, &size, &used);
		if (r < 0)
			return EXIT_ERROR;
		for (uint64_t b = 0; b < (size + block - 1) / block; b++)
			allocated += used[b];
		free(used);
		/* convert rounds a raw size up to whole sectors */
		size = (size + 511) / 512 * 512;
	}
	opts.size = size;
	r = vhd_measure(&opts, allocated, &m);
	if (r < 0) {
		tool_fail("measure", have_size ? "" : argv[optind], r);
		return EXIT_ERROR;
	}
	if (json)
		printf("{\n    \"required\": %llu,\n    \"fully-allocated\": %llu\n}\n",
		       (unsigned long long)m.required, (unsigned long long)m.fully_allocated);
	else
		printf("required size: %llu\nfully allocated size: %llu\n",
		       (unsigned long long)m.required, (unsigned long long)m.fully_allocated);
	return EXIT_OK;
}
