/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-create.c: `vhdtool create`, a new fixed, dynamic or differencing
 * image.
 *
 * All format decisions (geometry, footer, locators) belong to vhd_create();
 * this file only turns the command line into struct vhd_create_opts and
 * rejects contradictory options before anything touches the disk.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool create --type fixed|dynamic --size SIZE [--block-size SIZE]\n"
	"                      [--format vhd|vhdx] [--force] FILE\n"
	"       vhdtool create --type diff --parent PARENT [--block-size SIZE] [--force] FILE\n"
	"\n"
	"Create a VHD or VHDX.  SIZE is bytes or a number with a K, M, G or T suffix\n"
	"(powers of 1024); the virtual size is kept exactly (a multiple of 512\n"
	"bytes, at most 2040 GiB for VHD, 64 TiB for VHDX).  A differencing disk\n"
	"takes its parent's size and format.  The format is VHDX when FILE ends\n"
	"in .vhdx (or the parent is a VHDX), VHD otherwise, unless --format says.\n"
	"\n"
	"  -t, --type TYPE         fixed, dynamic or diff (differencing); default:\n"
	"                          diff with --parent, dynamic otherwise\n"
	"  -s, --size SIZE         virtual size (fixed, dynamic)\n"
	"  -b, --block-size SIZE   dynamic/diff block size, a power of two from 4K\n"
	"                          (VHDX: 1M) to 256M (default 2M; VHDX: 32M, 2M\n"
	"                          for diff; 1M is Microsoft's advice for Linux)\n"
	"  -F, --format FORMAT     vhd or vhdx (default: from the name or parent)\n"
	"  -p, --parent PARENT     the parent of a differencing disk\n"
	"  -f, --force             replace FILE if it exists\n"
	"  -q, --quiet             print nothing on success\n"
	"  -h, --help              this help\n";

static int parse_type(const char *s, enum vhd_type *type)
{
	if (strcmp(s, "fixed") == 0)
		*type = VHD_TYPE_FIXED;
	else if (strcmp(s, "dynamic") == 0)
		*type = VHD_TYPE_DYNAMIC;
	else if (strcmp(s, "diff") == 0 || strcmp(s, "differencing") == 0)
		*type = VHD_TYPE_DIFF;
	else
		return -EINVAL;
	return 0;
}

int cmd_create(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "type",       required_argument, NULL, 't' },
		{ "size",       required_argument, NULL, 's' },
		{ "block-size", required_argument, NULL, 'b' },
		{ "parent",     required_argument, NULL, 'p' },
		{ "format",     required_argument, NULL, 'F' },
		{ "force",      no_argument,       NULL, 'f' },
		{ "quiet",      no_argument,       NULL, 'q' },
		{ "help",       no_argument,       NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vhd_create_opts opts;
	const char *type_arg = NULL, *size_arg = NULL;
	uint64_t size = 0, block_size = 0;
	int have_type = 0, have_format = 0, c, r;
	const char *file;

	memset(&opts, 0, sizeof(opts));
	while ((c = getopt_long(argc, argv, ":t:s:b:p:F:fqh", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			type_arg = optarg;
			if (parse_type(optarg, &opts.type) < 0)
				return tool_usage_error("create", "unknown type '%s'", optarg);
			have_type = 1;
			break;
		case 's':
			size_arg = optarg;
			if (tool_parse_size(optarg, &size) < 0)
				return tool_usage_error("create", "bad size '%s'", optarg);
			break;
		case 'b':
			if (tool_parse_size(optarg, &block_size) < 0 || block_size > UINT32_MAX)
				return tool_usage_error("create", "bad block size '%s'", optarg);
			break;
		case 'p': opts.parent = optarg; break;
		case 'F':
			if (strcmp(optarg, "vhd") == 0)
				opts.format = VHD_FORMAT_VHD;
			else if (strcmp(optarg, "vhdx") == 0)
				opts.format = VHD_FORMAT_VHDX;
			else
				return tool_usage_error("create", "unknown format '%s' (vhd or vhdx)", optarg);
			have_format = 1;
			break;
		case 'f': opts.flags |= VHD_CREATE_OVERWRITE; break;
		case 'q': tool_quiet = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: return tool_option_error("create", c, argv);
		}
	}
	if (optind != argc - 1)
		return tool_usage_error("create", optind >= argc ? "no FILE given" : "too many arguments");
	file = argv[optind];

	if (!have_type)
		opts.type = opts.parent ? VHD_TYPE_DIFF : VHD_TYPE_DYNAMIC;
	if (!have_format)
		opts.format = tool_format_for(file, opts.parent);
	if (opts.type == VHD_TYPE_DIFF) {
		if (!opts.parent)
			return tool_usage_error("create", "--type %s needs --parent", type_arg);
		if (size_arg)
			return tool_usage_error("create", "a differencing disk takes its parent's size; drop --size");
	} else {
		if (opts.parent)
			return tool_usage_error("create", "--parent needs --type diff");
		if (!size_arg)
			return tool_usage_error("create", "--size is required for a %s disk",
			                        vhd_type_name(opts.type));
		if (opts.type == VHD_TYPE_FIXED && block_size)
			return tool_usage_error("create", "--block-size is for dynamic and diff disks");
	}

	/* Sizes are checked here as well as in libvhd so the message can use
	 * the user's own spelling of the number. */
	if (opts.type != VHD_TYPE_DIFF) {
		if (size == 0 || size % 512) {
			tool_failx("create", file, "size '%s' is not a positive multiple of 512 bytes", size_arg);
			return EXIT_ERROR;
		}
		if (size > VHD_MAX_CREATE_SIZE && opts.format == VHD_FORMAT_VHD) {
			tool_failx("create", file, "size '%s' is larger than the VHD limit of 2040 GiB", size_arg);
			return EXIT_ERROR;
		}
	}
	opts.size = size;
	opts.block_size = (uint32_t)block_size;

	r = vhd_create(file, &opts);
	if (r < 0) {
		tool_fail("create", file, r);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
