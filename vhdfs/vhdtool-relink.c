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

#include <getopt.h>
#include <stdio.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool relink FILE NEW_PARENT\n"
	"\n"
	"Rewrite the parent locators and parent name of the differencing disk\n"
	"FILE so that it finds its parent at NEW_PARENT (stored relative to FILE's\n"
	"folder and as an absolute path).  NEW_PARENT must have the unique id FILE\n"
	"records for its parent; otherwise nothing is changed.\n"
	"\n"
	"  -q, --quiet   print nothing on success\n"
	"  -h, --help    this help\n";

int cmd_relink(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' },
		{ "help",  no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *file, *parent;
	int c, r;

	while ((c = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'q': tool_quiet = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: return tool_option_error("relink", c, argv);
		}
	}
	if (argc - optind != 2)
		return tool_usage_error("relink", argc - optind < 2 ? "FILE and NEW_PARENT are required"
		                                                    : "too many arguments");
	file = argv[optind];
	parent = argv[optind + 1];
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
