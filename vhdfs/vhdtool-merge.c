/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-merge.c: `vhdtool merge LAYER CHILD`, merge a layer in the middle
 * of a chain (a snapshot) into its direct child, so the layer drops out of
 * the chain.
 *
 * The merge itself (order of writes, crash safety, the locks that let a
 * running tgtd keep reading the chain) is vhd_merge_layer()'s; this file
 * adds the terminal progress line.  CHILD is named explicitly rather than
 * guessed from the folder: a layer can have several children (an exported
 * snapshot), and merging into the wrong one would be silent.
 */
#include "config.h"

#include <stdio.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool merge [--quiet] LAYER CHILD\n"
	"\n"
	"Merge the differencing disk LAYER into CHILD, its direct child: every\n"
	"sector LAYER holds and CHILD does not is copied into CHILD, then CHILD is\n"
	"relinked to LAYER's parent.  CHILD reads exactly as before and LAYER is\n"
	"no longer in its chain; LAYER is not changed (delete it afterwards when\n"
	"it has no other child).  Both must be the same format (VHD or VHDX).\n"
	"\n"
	"The chain may be open read-only elsewhere meanwhile (tgtd serving a newer\n"
	"top, vhdfs -o ro); the merge is refused while LAYER or CHILD is open for\n"
	"writing or another merge uses them.  Interrupted, it leaves every chain\n"
	"reading as before; run it again to finish (it exits 0 at once when the\n"
	"merge was already done).\n";

static int merge_progress(uint64_t done, uint64_t total, void *arg)
{
	tool_progress_update(done, total, arg);
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	const struct tool_opt opts[] = { { 0 } };
	const struct tool_verb verb = {
		"merge", usage, "no progress line", opts, 2, 2, "LAYER and CHILD are needed", 0,
	};
	struct tool_progress prog;
	char **args;
	int nargs, r;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	tool_progress_init(&prog, "merging");
	r = vhd_merge_layer(args[0], args[1], 0, merge_progress, &prog);
	tool_progress_end(&prog);
	if (r < 0) {
		tool_fail("merge", args[0], r);
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
