/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-format.c: which image format a new file gets (create, convert).
 *
 * libvhd tells formats apart by content when opening; only a file that
 * does not exist yet needs a rule: a differencing disk takes its parent's
 * format (Windows chains one format only), otherwise a name ending in
 * ".vhdx" means VHDX and anything else VHD, the format of old.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "vhdtool.h"

enum vhd_format tool_format_for(const char *file, const char *parent)
{
	size_t n = strlen(file);

	if (parent) {
		vhd_chain *c;
		struct vhd_info info;
		enum vhd_format f = VHD_FORMAT_VHD;

		if (vhd_chain_open(parent, VHD_OPEN_RDONLY | VHD_OPEN_NOPARENT | VHD_OPEN_NOLOCK, &c) == 0) {
			if (vhd_chain_layer_info(c, 0, &info) == 0)
				f = info.format;
			vhd_chain_close(c);
			return f;
		}
		/* unreadable: vhd_create() reports why */
	}
	return n > 5 && strcasecmp(file + n - 5, ".vhdx") == 0 ? VHD_FORMAT_VHDX : VHD_FORMAT_VHD;
}
