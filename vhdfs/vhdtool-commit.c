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

#include <getopt.h>
#include <stdio.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool commit [--quiet] FILE\n"
	"\n"
	"Copy every sector the differencing disk FILE holds into its parent, so\n"
	"the parent alone reads as the chain did.  FILE itself is not changed;\n"
	"delete it or create a new child afterwards.  The parent must not be in\n"
	"use by anyone else (it is opened writable and locked).\n"
	"\n"
	"  -q, --quiet   no progress line\n"
	"  -h, --help    this help\n";

int cmd_commit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help",  no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct tool_progress prog;
	const char *file;
	int c, r;

	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': tool_quiet = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: return tool_option_error("commit", c, argv);
		}
	}
	if (optind != argc - 1)
		return tool_usage_error("commit", optind >= argc ? "no FILE given" : "too many arguments");
	file = argv[optind];

	tool_progress_init(&prog, "committing");
	r = vhd_commit(file, tool_progress_update, &prog);
	tool_progress_end(&prog);
	if (r < 0) {
		tool_fail("commit", file, r);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
