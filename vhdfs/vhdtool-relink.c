/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-relink.c: `vhdtool relink`, point a differencing disk at its
 * parent's new location after a chain was moved or copied.
 *
 * This is the step Hyper-V's import performs when it copies a VM's disks
 * to new paths: the child's locators still name the old parent, so it is
 * rewritten to the new one.  vhd_relink() refuses a NEW_PARENT whose unique
 * id differs from the one the child records, and then changes nothing, so
 * a relink can never silently graft a child onto the wrong data.
 */
#include "config.h"

#include <stdio.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool relink FILE NEW_PARENT\n"
	"\n"
	"Rewrite the parent locators and parent name of the differencing disk\n"
	"FILE so that it finds its parent at NEW_PARENT (stored relative to FILE's\n"
	"folder and as an absolute path).  NEW_PARENT must have the unique id FILE\n"
	"records for its parent; otherwise nothing is changed.\n";

int cmd_relink(int argc, char **argv)
{
	static const struct tool_verb verb = {
		"relink", usage, "print nothing on success", NULL, 2, 2,
		"FILE and NEW_PARENT are required", 0,
	};
	const char *file, *parent;
	char **args;
	int nargs, r;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	file = args[0];
	parent = args[1];
	if (tool_same_file(file, parent)) {
		tool_failx("relink", file, "a disk cannot be its own parent");
		return EXIT_ERROR;
	}

	r = vhd_relink(file, parent);
	if (r < 0) {
		tool_fail("relink", file, r);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
