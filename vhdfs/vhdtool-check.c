/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-check.c: `vhdtool check`, every structural problem of every
 * layer of a chain, one per line.
 *
 * vhd_check() examines one file (and its link to its parent); this command
 * walks the chain so a user who checks the top of a snapshot chain learns
 * about a damaged base too.  When the chain cannot be opened (a missing or
 * mismatched parent) the top's own check already reports why, so only the
 * top is checked.  Check never writes: a repair is a separate decision.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool check [--no-parents] FILE\n"
	"\n"
	"Check FILE and every parent below it: footer and header checksums, sizes,\n"
	"block table bounds and overlaps, bitmaps, parent links.  Every problem is\n"
	"printed on standard output as 'FILE': PROBLEM; the exit status is 1 when\n"
	"any was found.  Nothing is changed.\n"
	"\n"
	"  -n, --no-parents   check FILE alone\n"
	"  -q, --quiet        print only the problems\n"
	"  -h, --help         this help\n";

struct check_state {
	int problems;          /* problems printed so far */
};

static void print_problem(const char *path, const char *problem, void *arg)
{
	struct check_state *st = arg;

	printf("'%s': %s\n", path, problem);
	st->problems++;
}

int cmd_check(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-parents", no_argument, NULL, 'n' },
		{ "quiet",      no_argument, NULL, 'q' },
		{ "help",       no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct check_state st = { 0 };
	int no_parents = 0, c, r, depth, i, layers = 1;
	struct vhd_info *info = NULL;
	vhd_chain *chain = NULL;
	const char *file;

	while ((c = getopt_long(argc, argv, ":nqh", longopts, NULL)) != -1) {
		switch (c) {
		case 'n': no_parents = 1; break;
		case 'q': tool_quiet = 1; break;
		case 'h': fputs(usage, stdout); return EXIT_OK;
		default: return tool_option_error("check", c, argv);
		}
	}
	if (optind != argc - 1)
		return tool_usage_error("check", optind >= argc ? "no FILE given" : "too many arguments");
	file = argv[optind];

	r = vhd_check(file, print_problem, &st);
	if (r < 0) {
		fflush(stdout);
		tool_fail("check", file, r);
		return EXIT_ERROR;
	}

	if (!no_parents && st.problems == 0) {
		/* vhd_check() found the link sound, so a failure here is news. */
		r = vhd_chain_open(file, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &chain);
		if (r < 0) {
			print_problem(file, vhd_errmsg(), &st);
			goto out;
		}
		depth = vhd_chain_depth(chain);
		info = malloc(sizeof(*info));
		for (i = 1; info && i < depth; i++) {
			if (vhd_chain_layer_info(chain, i, info) < 0)
				break;
			r = vhd_check(info->path, print_problem, &st);
			if (r < 0) {
				fflush(stdout);
				tool_fail("check", info->path, r);
				free(info);
				vhd_chain_close(chain);
				return EXIT_ERROR;
			}
			layers++;
		}
		free(info);
		vhd_chain_close(chain);
	}

out:
	fflush(stdout);
	if (st.problems) {
		tool_failx("check", file, "%d problem%s found", st.problems, st.problems == 1 ? "" : "s");
		return EXIT_ERROR;
	}
	if (!tool_quiet)
		printf("'%s': no problems found (%d layer%s checked)\n", file, layers, layers == 1 ? "" : "s");
	return EXIT_OK;
}
