/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-copy.c: `vhdtool copy`, a whole chain copied into another folder
 * with every copied child relinked to its copied parent: what Hyper-V's
 * export, and import with relocated VHD paths, do to a VM's disks.
 *
 * The chain is opened read-only first (shared locks: nobody can write to
 * any layer during the copy) and copied from the base up.  Each layer is
 * copied under a temporary name, made durable, relinked to its parent's
 * copy (libvhd checks the unique id, which a copy keeps), and only then
 * renamed to its final name: a crash leaves temporary files, never a final
 * name that is incomplete or still points into the source folder.  The
 * copy is sparse (SEEK_DATA/SEEK_HOLE, copy_file_range), so unallocated
 * space costs nothing.  The layers' file names are kept, so two layers of
 * one chain with the same name cannot be copied into one folder.
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

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool copy FILE DIR\n"
	"\n"
	"Copy FILE and every parent below it into the folder DIR, keeping their\n"
	"file names, and point each copied differencing disk at its copied\n"
	"parent (as relink does): the copy is a chain of its own and the source\n"
	"is not changed.  No file of those names may exist in DIR.\n";

/* Copy the data ranges of IN into OUT (both open), sparse. */
static int copy_sparse(int in, int out, uint64_t size)
{
	off_t data = 0, hole;

	if (ftruncate(out, (off_t)size) < 0)
		return -errno;
	while ((uint64_t)data < size) {
		data = lseek(in, data, SEEK_DATA);
		if (data < 0)
			return errno == ENXIO ? 0 : -errno;
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0)
			return -errno;
		for (off_t pos = data; pos < hole;) {
			loff_t ip = pos, op = pos;
			ssize_t n = copy_file_range(in, &ip, out, &op, (size_t)(hole - pos), 0);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EOPNOTSUPP)) {
				char buf[1 << 16];
				size_t want = (size_t)(hole - pos) < sizeof(buf) ? (size_t)(hole - pos) : sizeof(buf);

				n = pread(in, buf, want, pos);
				if (n > 0 && pwrite(out, buf, (size_t)n, pos) != n)
					return -errno;
			}
			if (n < 0)
				return -errno;
			if (n == 0)
				return -EIO;
			pos += n;
		}
		data = hole;
	}
	return 0;
}

/* Copy SRC to a temporary name beside DST; its name is left in TMP. */
static int copy_file(const char *src, const char *dst, char *tmp, size_t tmplen)
{
	struct stat st;
	int in, out, r = 0;
	const char *slash = strrchr(dst, '/');

	snprintf(tmp, tmplen, "%.*s.%s.copy.XXXXXX", slash ? (int)(slash - dst + 1) : 0, dst,
	         slash ? slash + 1 : dst);
	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0) {
		r = -errno;
		close(in);
		return r;
	}
	if (fstat(in, &st) < 0)
		r = -errno;
	if (r == 0)
		r = copy_sparse(in, out, (uint64_t)st.st_size);
	if (r == 0 && fchmod(out, st.st_mode & 07777) < 0)
		r = -errno;
	if (r == 0 && fsync(out) < 0)
		r = -errno;
	close(in);
	close(out);
	if (r < 0)
		unlink(tmp);
	return r;
}

int cmd_copy(int argc, char **argv)
{
	static const struct tool_verb verb = {
		"copy", usage, "print nothing on success", NULL, 2, 2, "FILE and DIR are required", 0,
	};
	char (*dst)[PATH_MAX + 1] = NULL, tmp[PATH_MAX + 64];
	const char *file, *dir;
	struct vhd_info *info = NULL;
	char **src = NULL;
	vhd_chain *chain;
	struct stat st;
	int nargs, r, depth = 0, i, rc = EXIT_ERROR;
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	file = args[0];
	dir = args[1];
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		tool_failx("copy", file, "'%s' is not a folder", dir);
		return EXIT_ERROR;
	}
	/* Shared locks on every layer: none can be written while we copy. */
	r = vhd_chain_open(file, VHD_OPEN_RDONLY, &chain);
	if (r < 0) {
		tool_fail("copy", file, r);
		return EXIT_ERROR;
	}
	depth = vhd_chain_depth(chain);
	info = malloc(sizeof(*info));
	src = calloc((size_t)depth, sizeof(*src));
	dst = calloc((size_t)depth, sizeof(*dst));
	if (!info || !src || !dst) {
		tool_failx("copy", file, "out of memory");
		goto out;
	}
	for (i = 0; i < depth; i++) {
		const char *base;

		r = vhd_chain_layer_info(chain, i, info);
		if (r < 0) {
			tool_fail("copy", file, r);
			goto out;
		}
		src[i] = strdup(info->path);
		if (!src[i]) {
			tool_failx("copy", file, "out of memory");
			goto out;
		}
		base = strrchr(src[i], '/') ? strrchr(src[i], '/') + 1 : src[i];
		if (snprintf(dst[i], sizeof(dst[i]), "%s/%s", dir, base) >= (int)sizeof(dst[i])) {
			tool_failx("copy", file, "path too long in '%s'", dir);
			goto out;
		}
		if (lstat(dst[i], &st) == 0) {
			tool_failx("copy", file, "'%s' exists", dst[i]);
			goto out;
		}
		for (int k = 0; k < i; k++) {
			if (strcmp(dst[k], dst[i]) == 0) {
				tool_failx("copy", file, "two layers are named '%s'", base);
				goto out;
			}
		}
	}
	/* From the base up, so each child's parent copy has its final name. */
	for (i = depth - 1; i >= 0; i--) {
		r = copy_file(src[i], dst[i], tmp, sizeof(tmp));
		if (r < 0) {
			tool_failx("copy", src[i], "cannot copy to '%s': %s", dst[i], strerror(-r));
			goto out;
		}
		if (i + 1 < depth) {
			r = vhd_relink(tmp, dst[i + 1]);
			if (r < 0) {
				tool_fail("copy", src[i], r);
				unlink(tmp);
				goto out;
			}
		}
		if (rename(tmp, dst[i]) < 0) {
			tool_failx("copy", src[i], "cannot rename to '%s': %s", dst[i], strerror(errno));
			unlink(tmp);
			goto out;
		}
		if (!tool_quiet)
			printf("'%s' -> '%s'\n", src[i], dst[i]);
	}
	rc = EXIT_OK;
out:
	if (src)
		for (i = 0; i < depth; i++)
			free(src[i]);
	free(src);
	free(dst);
	free(info);
	vhd_chain_close(chain);
	return rc;
}
