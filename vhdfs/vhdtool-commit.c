/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-commit.c: `vhdtool commit`, merge a differencing disk into its
 * parent.
 *
 * The merge itself (ordering, crash safety, locking the parent writable)
 * is vhd_commit()'s; this file adds the terminal progress line.  The child
 * is left as it was, as with `qemu-img commit -d`: deleting it, or making a
 * new empty child, is the caller's choice.
 */
#include "config.h"

#include <stdio.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool commit [--quiet] FILE\n"
	"\n"
	"Copy every sector the differencing disk FILE holds into its parent, so\n"
	"the parent alone reads as the chain did.  FILE itself is not changed;\n"
	"delete it or create a new child afterwards.  The parent must not be in\n"
	"use by anyone else (it is opened writable and locked).\n";

int cmd_commit(int argc, char **argv)
{
	static const struct tool_verb verb = {
		"commit", usage, "no progress line", NULL, 1, 1, "no FILE given", 0,
	};
	struct tool_progress prog;
	const char *file;
	char **args;
	int nargs, r;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	file = args[0];

	tool_progress_init(&prog, "committing");
	r = vhd_commit(file, tool_progress_update, &prog);
	tool_progress_end(&prog);
	if (r < 0) {
		tool_fail("commit", file, r);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
