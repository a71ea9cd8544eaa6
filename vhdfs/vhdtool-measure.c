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
	"size' once every block is written.\n";

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
	struct vhd_create_opts opts = { .type = VHD_TYPE_DYNAMIC };
	uint64_t size = 0, block, allocated = 0, block_size = 0;
	const char *size_arg = NULL, *type_arg = NULL, *in_fmt = NULL, *out_fmt = NULL, *file = "";
	int json = 0, raw = 0, nargs, r;
	const struct tool_opt options[] = {
		{ "size", 's', TOOL_STRING, &size_arg, "SIZE", "an empty disk of SIZE bytes (K, M, G, T suffixes)",
		  NULL, 0 },
		{ "type", 't', TOOL_STRING, &type_arg, "TYPE", "dynamic (default) or fixed", NULL, 0 },
		{ "block-size", 'b', TOOL_SIZE, &block_size, "SIZE", "dynamic: block size (default 2M)",
		  "block size", UINT32_MAX },
		{ NULL, 'f', TOOL_STRING, &in_fmt, "FMT", "format of FILE: vhd (default) or raw", NULL, 0 },
		{ NULL, 'O', TOOL_STRING, &out_fmt, "FMT", "output format: vhd (qemu-img's vpc), the only one",
		  NULL, 0 },
		{ "json", 'j', TOOL_FLAG, &json, NULL, "JSON: {\"required\": N, \"fully-allocated\": N}",
		  NULL, 0 },
		{ "output", 0, TOOL_OUTPUT, &json, "FMT", "human or json, as qemu-img spells it", NULL, 0 },
		{ 0 },
	};
	const struct tool_verb verb = {
		"measure", usage, "accepted for symmetry", options, 0, 1,
		"give either --size SIZE or one FILE", 0,
	};
	struct vhd_measure m;
	uint8_t *used = NULL;
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	if (!size_arg == (nargs == 0))
		return tool_usage_error("measure", "give either --size SIZE or one FILE");
	if (size_arg && tool_parse_size(size_arg, &size) < 0)
		return tool_usage_error("measure", "bad size '%s'", size_arg);
	if (type_arg && strcmp(type_arg, "fixed") == 0)
		opts.type = VHD_TYPE_FIXED;
	else if (type_arg && strcmp(type_arg, "dynamic") != 0)
		return tool_usage_error("measure", "--type must be dynamic or fixed, not '%s'", type_arg);
	if (in_fmt && strcmp(in_fmt, "raw") == 0)
		raw = 1;
	else if (in_fmt && strcmp(in_fmt, "vhd") != 0 && strcmp(in_fmt, "vpc") != 0)
		return tool_usage_error("measure", "unknown format '%s' (vhd or raw)", in_fmt);
	if (out_fmt && strcmp(out_fmt, "vhd") != 0 && strcmp(out_fmt, "vpc") != 0)
		return tool_usage_error("measure", "can only measure for vhd, not '%s'", out_fmt);
	opts.block_size = (uint32_t)block_size;
	block = opts.block_size ? opts.block_size : 2u << 20;
	if (!size_arg) {
		file = args[0];
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
		tool_fail("measure", file, r);
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
