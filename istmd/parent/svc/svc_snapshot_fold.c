/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_fold.c: a disk's layers folded back into its own file when
 * DeleteWTDisk takes the disk out of the store.
 *
 * After its first snapshot a disk is served from a top in .istmd-layers
 * (svc_snapshot.c), and with its snapshots deleted that top (and a top a
 * delete froze) still holds what was written since, above the disk's own
 * file.  DeleteWTDisk only unregisters: the file stays, and it is what an
 * administrator keeps, registers again or deletes.  So the layers are
 * committed into it, newest first (vhd_commit), before the record goes,
 * then removed: the file holds the disk's data as it was served, as the
 * VHD file of a Windows target does.  Before, only the record went: the
 * file held the data of the first snapshot (registered again, it served
 * that), the top stayed behind in .istmd-layers, and DeleteWtFile refused
 * the file as the parent of that top.
 *
 * Crash safety: a commit writes into a layer only sectors the layer above
 * also holds, so the chain reads the same at every step, and after a kill
 * the record is still there and the delete runs again whole.  The record
 * goes with a journal row per layer in one transaction, then the files go
 * (a kill in between: the start-up check removes them, nothing names
 * them), as DeleteSnapshot removes a layer.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent/svc/svc_snapshot_int.h"
#include "vhd.h"

#define FOLD_MAX_LAYERS 256u     /* deeper than any chain a disk gets */

/* The layers of the chain of TOP above the file BASE, newest first, into
 * LAYERS (*N of them, canonical paths).  -ENOENT when BASE is not in that
 * chain (the disk's records and files disagree: nothing is touched). */
static int layers_above(const char *top, const char *base, char (*layers)[PATH_MAX], size_t *n)
{
	struct vhd_info *info = malloc(sizeof(*info));
	vhd_chain *c;
	int err, i, depth;

	*n = 0;
	if (!info)
		return -ENOMEM;
	err = vhd_chain_open(top, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c);
	if (err == 0) {
		bool found = false;

		depth = vhd_chain_depth(c);
		for (i = 0; i < depth && err == 0 && !found; i++) {
			if ((err = vhd_chain_layer_info(c, i, info)) < 0)
				break;
			if (!realpath(info->path, layers[*n]))
				err = -errno;
			else if (strcmp(layers[*n], base) == 0)
				found = true;
			else if (++*n == FOLD_MAX_LAYERS)
				err = -E2BIG;
		}
		if (err == 0 && !found)
			err = -ENOENT;
		vhd_chain_close(c);
	}
	free(info);
	return err;
}

int svc_disk_delete_record(struct svc *s, const struct state_disk *d)
{
	char top[PATH_MAX], base[PATH_MAX], (*layers)[PATH_MAX];
	size_t n = 0, i;
	int err;

	svc_disk_served_path(s, d, top, sizeof(top));
	if (strcmp(top, d->path) == 0)
		return state_disk_delete(s->st, d->wtd);     /* no layer of istmd's */
	if (!realpath(d->path, base))
		return -errno;
	layers = calloc(FOLD_MAX_LAYERS, sizeof(*layers));
	if (!layers)
		return -ENOMEM;
	err = layers_above(top, base, layers, &n);
	if (err < 0)
		log_warnx("disk %lld: its file '%s' is not under its top '%s': %s",
			  (long long)d->wtd, d->path, top, strerror(-err));
	/* newest first: each layer's data goes into the one below, so the
	 * disk's file ends with what the top read */
	for (i = 0; err == 0 && i < n; i++) {
		svc_frozen_wait_path(s, layers[i]);
		if ((err = vhd_commit(layers[i], NULL, NULL)) < 0)
			log_warnx("disk %lld: committing '%s' into its parent failed: %s",
				  (long long)d->wtd, layers[i], vhd_errmsg());
	}
	if (err == 0 && n)
		log_info("disk %lld: %zu layer(s) above '%s' committed into it", (long long)d->wtd,
			 n, d->path);
	if (err == 0) {
		const char *paths[FOLD_MAX_LAYERS];

		for (i = 0; i < n; i++)
			paths[i] = layers[i];
		err = svc_layers_forget(s, d->wtd, -1, paths, n, "disk-delete-recorded");
	}
	free(layers);
	return err;
}
