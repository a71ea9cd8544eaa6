/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* relink.c: pointing a differencing disk at its parent's new location
 * (what Hyper-V's import does after a chain was moved or copied).
 *
 * The new locator data never overwrites the old: it is appended where the
 * footer is, the footer moving up first (as for a block allocation, see
 * alloc.c), and only then is the header rewritten to point at it.  A crash
 * at any point leaves either the old links or the new ones, never a mix;
 * the cost is 16 KiB or so of dead space per relink.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "vhdx_internal.h"

#define LOCATOR_SPACE_MIN 8192u

int vhd_layer_relink(struct vhd_layer *l, const char *parent_abs, const struct vhd_footer *pf)
{
	struct vhd_header h;
	uint8_t *loc[2] = { NULL, NULL }, hraw[VHD_HEADER_SIZE];
	uint32_t len[2] = { 0, 0 }, space[2];
	uint64_t pos, new_end;
	int r;

	h = l->header;
	r = vhd_set_parent_fields(&h, l->path, parent_abs, pf, loc, len);
	if (r < 0)
		goto out;
	pos = l->footer_offset;
	for (int k = 0; k < 2; k++) {
		space[k] = (uint32_t)vhd_round_up(len[k], VHD_SECTOR);
		if (space[k] < LOCATOR_SPACE_MIN)
			space[k] = LOCATOR_SPACE_MIN;
	}
	new_end = pos + space[0] + space[1];
	memset(h.loc, 0, sizeof(h.loc));
	for (int k = 0; k < 2; k++) {
		h.loc[k].code = k == 0 ? VHD_PLAT_W2KU : VHD_PLAT_W2RU;
		h.loc[k].space = space[k];
		h.loc[k].length = len[k];
		h.loc[k].offset = k == 0 ? pos : pos + space[0];
	}
	pthread_mutex_lock(&l->alloc_lock);
	r = vhd_layer_write_footer(l, new_end);
	if (r == 0) {
		/* zeros over the old footer and the rest of the space */
		uint8_t *area = calloc(1, space[0] + space[1]);

		if (!area) {
			r = vhd_error(-ENOMEM, "cannot relink '%s': out of memory", l->path);
		} else {
			memcpy(area, loc[0], len[0]);
			memcpy(area + space[0], loc[1], len[1]);
			r = vhd_layer_pwrite(l, area, space[0] + space[1], pos);
			free(area);
		}
	}
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r == 0) {
		vhd_header_encode(&h, hraw);
		r = vhd_layer_pwrite(l, hraw, sizeof(hraw), l->footer.data_offset);
	}
	if (r == 0 && fdatasync(l->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", l->path, strerror(errno));
	if (r == 0) {
		l->header = h;
		l->footer_offset = new_end;
	}
	pthread_mutex_unlock(&l->alloc_lock);
out:
	free(loc[0]);
	free(loc[1]);
	return r;
}

int vhd_relink(const char *path, const char *new_parent)
{
	vhd_chain *c;
	struct vhd_layer *l, *p = NULL;
	char abs[PATH_MAX], want[37], got[37];
	int r;

	vhd_clear_error();
	r = vhd_chain_open(path, VHD_OPEN_NOPARENT, &c);
	if (r < 0)
		return r;
	l = c->layers[0];
	if (l->footer.type != VHD_TYPE_DIFF) {
		r = vhd_error(-EINVAL, "cannot relink '%s': not a differencing disk", path);
		goto out;
	}
	if (!realpath(new_parent, abs)) {
		r = vhd_error(-errno, "cannot relink '%s' to '%s': %s", path, new_parent, strerror(errno));
		goto out;
	}
	r = vhd_layer_open(abs, true, &p);
	if (r < 0)
		goto out;
	if (memcmp(p->footer.uuid, l->header.parent_uuid, 16) != 0) {
		vhd_uuid_format(p->footer.uuid, got);
		vhd_uuid_format(l->header.parent_uuid, want);
		r = vhd_error(-EINVAL, "cannot relink '%s' to '%s': its unique id is %s, the child expects %s",
		              path, new_parent, got, want);
		goto out;
	}
	if (p->dev == l->dev && p->ino == l->ino) {
		r = vhd_error(-ELOOP, "cannot relink '%s' to itself", path);
		goto out;
	}
	if (l->vhdx) {
		r = vhdx_relink(l, p, abs);
		goto out;
	}
	r = vhd_layer_relink(l, abs, &p->footer);
out:
	vhd_layer_close(p);
	vhd_chain_close(c);
	return r;
}
