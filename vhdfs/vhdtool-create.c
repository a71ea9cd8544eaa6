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
	"in .vhdx (or the parent is a VHDX), VHD otherwise, unless --format says.\n";

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
	struct vhd_create_opts opts;
	const char *type_arg = NULL, *size_arg = NULL, *format_arg = NULL;
	uint64_t size = 0, block_size = 0;
	int force = 0, nargs, r;
	const struct tool_opt options[] = {
		{ "type", 't', TOOL_STRING, &type_arg, "TYPE",
		  "fixed, dynamic or diff (differencing); default:\n"
		  "diff with --parent, dynamic otherwise", NULL, 0 },
		{ "size", 's', TOOL_STRING, &size_arg, "SIZE", "virtual size (fixed, dynamic)", NULL, 0 },
		{ "block-size", 'b', TOOL_SIZE, &block_size, "SIZE",
		  "dynamic/diff block size, a power of two from 4K\n"
		  "(VHDX: 1M) to 256M (default 2M; VHDX: 32M, 2M\n"
		  "for diff; 1M is Microsoft's advice for Linux)", "block size", UINT32_MAX },
		{ "format", 'F', TOOL_STRING, &format_arg, "FORMAT",
		  "vhd or vhdx (default: from the name or parent)", NULL, 0 },
		{ "parent", 'p', TOOL_STRING, &opts.parent, "PARENT", "the parent of a differencing disk",
		  NULL, 0 },
		{ "force", 'f', TOOL_FLAG, &force, NULL, "replace FILE if it exists", NULL, 0 },
		{ 0 },
	};
	const struct tool_verb verb = {
		"create", usage, "print nothing on success", options, 1, 1, "no FILE given", 0,
	};
	const char *file;
	char **args;

	memset(&opts, 0, sizeof(opts));
	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	file = args[0];
	/* The size stays a string here: the messages below quote the user's
	 * own spelling of it. */
	if (size_arg && tool_parse_size(size_arg, &size) < 0)
		return tool_usage_error("create", "bad size '%s'", size_arg);
	if (type_arg && parse_type(type_arg, &opts.type) < 0)
		return tool_usage_error("create", "unknown type '%s'", type_arg);
	if (!format_arg)
		opts.format = tool_format_for(file, opts.parent);
	else if (strcmp(format_arg, "vhd") == 0)
		opts.format = VHD_FORMAT_VHD;
	else if (strcmp(format_arg, "vhdx") == 0)
		opts.format = VHD_FORMAT_VHDX;
	else
		return tool_usage_error("create", "unknown format '%s' (vhd or vhdx)", format_arg);
	if (force)
		opts.flags |= VHD_CREATE_OVERWRITE;
	if (!type_arg)
		opts.type = opts.parent ? VHD_TYPE_DIFF : VHD_TYPE_DYNAMIC;
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
