/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* compact.c: vhd_compact(), a dynamic or differencing disk rewritten
 * without its all-zero blocks, so the file shrinks.
 *
 * The disk is copied into a new file beside it, block by block, leaving
 * out what reads as zeros anyway: in a dynamic disk, blocks that hold only
 * zeros; in a differencing disk, runs the disk holds as zeros where its
 * parent also reads zeros (zeros that hide parent data are data, and
 * stay).  The new file gets the old footer (unique id, timestamps,
 * creator, geometry), so children and tools that know the disk find it
 * unchanged, and then replaces the old one with rename(2).  A crash at any
 * point leaves either the old file or the new, complete one; the price is
 * space for both meanwhile, and that hard links to the old file keep the
 * old file.  The disk is locked exclusively throughout, so it cannot be
 * compacted while in use or while a child of it is open.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static bool all_zero(const uint8_t *p, size_t len)
{
	return len == 0 || (p[0] == 0 && memcmp(p, p + 1, len - 1) == 0);
}

/* Copy what the top of C holds in [off, off+len) into N, except zeros that
 * change nothing. */
static int copy_run(vhd_chain *c, vhd_chain *n, uint8_t *buf, uint8_t *below, uint64_t off, size_t len)
{
	int r = vhd_chain_pread(c, buf, len, off);

	if (r < 0 || !all_zero(buf, len))
		return r < 0 ? r : vhd_chain_pwrite(n, buf, len, off);
	if (c->layers[0]->footer.type != VHD_TYPE_DIFF)
		return 0;
	r = vhd_chain_read_from(c, 1, below, len, off);
	if (r < 0 || all_zero(below, len))
		return r;
	return vhd_chain_pwrite(n, buf, len, off); /* zeros over parent data */
}

static int copy_blocks(vhd_chain *c, vhd_chain *n, vhd_progress_fn progress, void *arg)
{
	struct vhd_layer *top = c->layers[0];
	uint8_t *buf = malloc(top->block_size), *below = malloc(top->block_size);
	uint64_t off = 0;
	int r = 0;

	if (!buf || !below)
		r = vhd_error(-ENOMEM, "cannot compact '%s': out of memory", top->path);
	while (r == 0 && off < top->size) {
		/* runs never cross a block, so BUF holds any of them */
		uint64_t end = (off | (top->block_size - 1)) + 1;
		struct vhd_run run;

		if (end > top->size)
			end = top->size;
		r = vhd_layer_lookup(top, off, end - off, &run);
		if (r < 0)
			break;
		if (run.state == VHD_RUN_DATA)
			r = copy_run(c, n, buf, below, off, (size_t)run.length);
		off += run.length;
		if (progress)
			progress(off, top->size, arg);
	}
	free(buf);
	free(below);
	return r;
}

/* Give the new top the old footer (identity, timestamps, geometry). */
static int adopt_footer(struct vhd_layer *nl, const struct vhd_layer *ol)
{
	int r;

	nl->footer = ol->footer;
	nl->footer.data_offset = VHD_FOOTER_SIZE; /* where create put the header */
	r = vhd_layer_write_footer(nl, nl->footer_offset);
	if (r == 0)
		r = vhd_layer_pwrite(nl, nl->footer_raw, VHD_FOOTER_SIZE, 0);
	if (r == 0 && fsync(nl->fd) < 0)
		r = vhd_error(-errno, "cannot sync '%s': %s", nl->path, strerror(errno));
	return r;
}

static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	char *slash;
	int fd, r = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	fd = open(slash ? (dir[0] ? dir : "/") : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		r = vhd_error(-errno, "cannot sync the folder of '%s': %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return r;
}

int vhd_compact(const char *path, vhd_progress_fn progress, void *arg)
{
	struct vhd_create_opts opts = { 0 };
	char tmp[PATH_MAX + 32], parent[PATH_MAX];
	vhd_chain *c = NULL, *n = NULL;
	struct vhd_layer *top;
	struct stat st;
	int fd, r;

	vhd_clear_error();
	r = vhd_chain_open(path, 0, &c);
	if (r < 0)
		return r;
	top = c->layers[0];
	if (!vhd_layer_sparse(top)) {
		r = vhd_error(-EINVAL, "cannot compact '%s': a fixed disk has no blocks to drop", path);
		goto out;
	}
	if (fstat(top->fd, &st) < 0) {
		r = vhd_error(-errno, "cannot stat '%s': %s", path, strerror(errno));
		goto out;
	}
	opts.type = (enum vhd_type)top->footer.type;
	opts.size = top->size;
	opts.block_size = top->block_size;
	opts.flags = VHD_CREATE_OVERWRITE;
	if (opts.type == VHD_TYPE_DIFF) {
		snprintf(parent, sizeof(parent), "%s", c->layers[1]->path);
		opts.parent = parent;
	}
	/* A name of our own beside the disk (same file system, for rename). */
	snprintf(tmp, sizeof(tmp), "%s.compact.XXXXXX", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		r = vhd_error(-errno, "cannot compact '%s': %s", path, strerror(errno));
		goto out;
	}
	close(fd);
	r = vhd_create(tmp, &opts);
	if (r == 0)
		r = vhd_chain_open(tmp, 0, &n);
	if (r == 0)
		r = copy_blocks(c, n, progress, arg);
	if (r == 0)
		r = vhd_chain_flush(n);
	if (r == 0)
		r = adopt_footer(n->layers[0], top);
	if (r == 0 && (fchmod(n->layers[0]->fd, st.st_mode & 07777) < 0 ||
	               (fchown(n->layers[0]->fd, st.st_uid, st.st_gid) < 0 && errno != EPERM)))
		r = vhd_error(-errno, "cannot compact '%s': %s", path, strerror(errno));
	if (n)
		vhd_chain_close(n);
	if (r == 0 && rename(tmp, path) < 0)
		r = vhd_error(-errno, "cannot replace '%s': %s", path, strerror(errno));
	if (r < 0)
		unlink(tmp);
	else
		r = sync_dir(path);
out:
	vhd_chain_close(c);
	return r;
}
