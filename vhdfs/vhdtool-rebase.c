/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-rebase.c: `vhdtool rebase`, put a differencing disk on another
 * parent with its data unchanged (qemu-img rebase; -u for the unsafe mode
 * that only rewrites the link).
 *
 * relink is for the same parent moved (its unique id is checked); rebase
 * is for a different parent: a copy, a flattened or compacted base, a
 * sibling snapshot.  The new parent is given as qemu-img does (-b) or as a
 * second argument, like relink.
 */
#include "config.h"

#include <stdio.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool rebase [-u] FILE NEW_PARENT\n"
	"       vhdtool rebase [-u] -b NEW_PARENT FILE\n"
	"\n"
	"Make the differencing disk FILE a child of NEW_PARENT (a disk of the same\n"
	"size, or the top of a chain) with the data FILE shows unchanged: where\n"
	"the old parent chain and the new one differ, the old data is first\n"
	"copied into FILE.  Both chains are read in full.\n";

int cmd_rebase(int argc, char **argv)
{
	const char *file, *parent = NULL;
	struct tool_progress prog;
	unsigned flags = 0;
	int unsafe = 0, nargs, r;
	const struct tool_opt opts[] = {
		{ "backing", 'b', TOOL_STRING, &parent, "FILE", "the new parent (qemu-img's spelling)",
		  NULL, 0 },
		{ "unsafe", 'u', TOOL_FLAG, &unsafe, NULL,
		  "only rewrite the link: nothing is compared or copied,\n"
		  "the old parent need not exist; the data changes if\n"
		  "NEW_PARENT's differs", NULL, 0 },
		{ 0 },
	};
	const struct tool_verb verb = {
		"rebase", usage, "no progress", opts, 1, 2, "FILE and NEW_PARENT are required", 0,
	};
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	/* FILE NEW_PARENT, or -b NEW_PARENT FILE */
	if (nargs != (parent ? 1 : 2))
		return tool_usage_error("rebase", parent ? "too many arguments" : "FILE and NEW_PARENT are required");
	if (unsafe)
		flags |= VHD_REBASE_UNSAFE;
	file = args[0];
	if (!parent)
		parent = args[1];
	if (tool_same_file(file, parent)) {
		tool_failx("rebase", file, "a disk cannot be its own parent");
		return EXIT_ERROR;
	}
	tool_progress_init(&prog, "rebasing");
	r = vhd_rebase(file, parent, flags, tool_progress_update, &prog);
	tool_progress_end(&prog);
	if (r < 0) {
		tool_fail("rebase", file, r);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
