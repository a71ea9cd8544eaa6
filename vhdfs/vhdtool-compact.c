/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-compact.c: `vhdtool compact`, drop the all-zero blocks of a
 * dynamic or differencing disk so its file shrinks (what Hyper-V's
 * Optimize-VHD does after the guest zeroed its free space).
 *
 * libvhd rewrites the disk into a new file and renames it over the old
 * one, so the command needs free space for the kept blocks, and a crash
 * leaves the old disk or the new one.  The sizes before and after are
 * printed so the saving is visible.
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool compact FILE\n"
	"\n"
	"Rewrite the dynamic or differencing disk FILE without the blocks that\n"
	"read as zeros (in a differencing disk: zeros where the parent reads\n"
	"zeros too), so the file shrinks.  The data, unique id and timestamps do\n"
	"not change, so children of FILE stay valid.  FILE is replaced by a new\n"
	"file (free space for the kept blocks is needed meanwhile); it must not be\n"
	"open elsewhere, nor any child of it.\n";

int cmd_compact(int argc, char **argv)
{
	static const struct tool_verb verb = {
		"compact", usage, "print nothing on success, no progress", NULL, 1, 1, "no FILE given", 0,
	};
	struct tool_progress prog;
	struct stat before, after;
	const char *file;
	char **args;
	int nargs, r;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	file = args[0];
	if (stat(file, &before) < 0)
		before.st_size = 0;
	tool_progress_init(&prog, "compacting");
	r = vhd_compact(file, tool_progress_update, &prog);
	tool_progress_end(&prog);
	if (r < 0) {
		tool_fail("compact", file, r);
		return EXIT_ERROR;
	}
	if (!tool_quiet && stat(file, &after) == 0) {
		char b[32], a[32];

		tool_format_size((uint64_t)before.st_size, b, sizeof(b));
		tool_format_size((uint64_t)after.st_size, a, sizeof(a));
		printf("'%s': %s before, %s after\n", file, b, a);
	}
	return EXIT_OK;
}
