/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-resize.c: `vhdtool resize`, change the virtual size of an image.
 *
 * Spelled as qemu-img's: an absolute SIZE, or +SIZE / -SIZE relative to the
 * current size, and --shrink to allow getting smaller.  Unlike qemu-img,
 * a shrink is refused when the part cut off holds data (libvhd checks),
 * because there is no undo.  The partition table and file systems inside
 * are not touched: growing them is the guest's job, as with qemu-img.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool resize [--shrink] FILE [+|-]SIZE\n"
	"\n"
	"Set the virtual size of FILE to SIZE, or grow (+) or shrink (-) it by SIZE.\n"
	"Dynamic disks grow within their block table (made with room by create;\n"
	"a VHDX's moves to the end of the file when full); fixed disks grow the\n"
	"file.  Getting smaller needs --shrink, and is refused while the part cut\n"
	"off holds any non-zero byte (a VHDX is never shrunk).  A differencing\n"
	"disk has its parent's size.  FILE must not be open elsewhere.\n";

int cmd_resize(int argc, char **argv)
{
	unsigned flags = 0;
	uint64_t size, cur;
	const char *file, *arg;
	vhd_chain *chain;
	int shrink = 0, nargs, r, sign = 0;
	const struct tool_opt opts[] = {
		{ "shrink", 0, TOOL_FLAG, &shrink, NULL, "allow a smaller size", NULL, 0 },
		{ 0 },
	};
	/* operands first: a "-1G" after FILE is the size, not an option */
	const struct tool_verb verb = {
		"resize", usage, "print nothing on success", opts, 2, 2, "FILE and SIZE are required", 1,
	};
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	if (shrink)
		flags |= VHD_RESIZE_SHRINK;
	file = args[0];
	arg = args[1];
	if (arg[0] == '+' || arg[0] == '-')
		sign = *arg++ == '+' ? 1 : -1;
	if (tool_parse_size(arg, &size) < 0)
		return tool_usage_error("resize", "bad size '%s'", args[1]);

	if (sign) {
		r = vhd_chain_open(file, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK | VHD_OPEN_NOPARENT, &chain);
		if (r < 0) {
			tool_fail("resize", file, r);
			return EXIT_ERROR;
		}
		cur = vhd_chain_size(chain);
		vhd_chain_close(chain);
		if (sign < 0 && size > cur) {
			tool_failx("resize", file, "cannot shrink by %s: the disk is only %llu bytes",
			           arg, (unsigned long long)cur);
			return EXIT_ERROR;
		}
		size = sign > 0 ? cur + size : cur - size;
	}
	r = vhd_resize(file, size, flags);
	if (r < 0) {
		tool_fail("resize", file, r);
		return EXIT_ERROR;
	}
	if (!tool_quiet) {
		char buf[32];

		tool_format_size(size, buf, sizeof(buf));
		printf("'%s': virtual size is now %s (%llu bytes)\n", file, buf, (unsigned long long)size);
	}
	return EXIT_OK;
}
