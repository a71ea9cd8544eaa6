/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdx_check.c: vhd_check() for a VHDX file.
 *
 * It applies the open path's rules (vhdx_layer.c: headers, log, regions,
 * metadata, BAT states, bounds and overlaps) through a validator in the
 * mode that collects every problem (validate.c), read-only, so the rules
 * are written once and check lists all it finds, as for VHD.  A check goes
 * on past a problem except where the rules after it cannot be applied (no
 * usable header, region table, metadata item or block size).  What open
 * repairs or replays (one damaged header or region table, a log holding
 * unapplied changes) is a problem for check.  A differencing disk with no
 * problem of its own is then checked for a parent that opens and matches
 * (parent_linkage = DataWriteGuid).
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdx_internal.h"

/* The chain above a differencing disk: its parents open and match. */
static void check_parent(struct vhd_validator *v)
{
	char saved[1024];
	const char *m;
	size_t n = strlen(v->path);
	vhd_chain *c;

	if (vhd_chain_open(v->path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c) == 0) {
		vhd_chain_close(c);
		return;
	}
	/* the message without its "'PATH': " prefix: the problem names the file */
	m = vhd_errmsg();
	if (m[0] == '\'' && strncmp(m + 1, v->path, n) == 0 && strncmp(m + 1 + n, "': ", 3) == 0)
		m += n + 4;
	snprintf(saved, sizeof(saved), "%s", m);
	vhd_validate_problem(v, false, "%s", saved);
}

int vhdx_check(const char *path, vhd_problem_fn fn, void *arg)
{
	struct vhd_validator v = { .path = path, .collect = true, .report = fn, .arg = arg };
	struct vhd_layer *l;
	struct stat st;
	bool diff;
	int r;

	if (strlen(path) >= sizeof(l->path))
		return vhd_error(-ENAMETOOLONG, "cannot check '%.64s...': path too long", path);
	l = calloc(1, sizeof(*l));
	if (!l)
		return vhd_error(-ENOMEM, "cannot check '%s': out of memory", path);
	pthread_mutex_init(&l->alloc_lock, NULL);
	strcpy(l->path, path);
	l->read_only = true;
	l->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (l->fd < 0) {
		r = vhd_error(-errno, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fstat(l->fd, &st) < 0) {
		r = vhd_error(-errno, "cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	v.fd = l->fd;
	v.file_size = (uint64_t)st.st_size;
	r = vhdx_layer_validate(l, v.file_size, &v);
	if (r < 0 && !v.stopped)
		goto out; /* the file could not be read: the message says why */
	diff = r == 0 && l->vhdx->has_parent;
	if (diff && v.problems == 0)
		check_parent(&v);
	r = v.problems;
out:
	vhd_layer_close(l);
	return r;
}
