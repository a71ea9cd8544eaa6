/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_check.c: vhd_check() for a VHDX file.
 *
 * It runs the open path's validation (vhdx_layer.c: headers, log, regions,
 * metadata, BAT states, bounds and overlaps) read-only and reports its
 * verdict, so the rules are written once; the trade-off is that only the
 * first structural problem is reported, not all of them as for VHD.  A log
 * that still holds unapplied changes is a problem (a writable open replays
 * it).  A differencing disk with no problem of its own is then checked for
 * a parent that opens and matches (parent_linkage = DataWriteGuid).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "vhdx_internal.h"

/* The open path's message without its "'PATH': " prefix (the problem
 * callback names the file itself). */
static void report(const char *path, vhd_problem_fn fn, void *arg)
{
	const char *m = vhd_errmsg();
	size_t n = strlen(path);

	if (m[0] == '\'' && strncmp(m + 1, path, n) == 0 && strncmp(m + 1 + n, "': ", 3) == 0)
		m += n + 4;
	if (fn)
		fn(path, m, arg);
}

int vhdx_check(const char *path, vhd_problem_fn fn, void *arg)
{
	struct vhd_layer *l;
	vhd_chain *c;
	bool diff;
	int r;

	r = vhd_layer_open(path, true, &l);
	if (r == -ENOENT || r == -EACCES || r == -EISDIR || r == -ENOMEM)
		return r;
	if (r < 0) {
		report(path, fn, arg);
		return 1;
	}
	diff = l->vhdx && l->vhdx->has_parent;
	vhd_layer_close(l);
	if (!diff)
		return 0;
	r = vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c);
	if (r < 0) {
		report(path, fn, arg);
		return 1;
	}
	vhd_chain_close(c);
	return 0;
}
