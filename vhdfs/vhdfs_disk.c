/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdfs_disk.c: the disks a mount shows, and when their chains are open.
 *
 * IMAGE mode opens the chain before mounting (so a bad image, a missing
 * parent or a lock held elsewhere is reported on the terminal and the mount
 * never happens) and keeps it until exit.  DIR mode only inspects each VHD
 * at mount time (unlocked, read-only, to learn its size and partitions) and
 * opens it for real on the first open() of one of its files, closing it on
 * the last release(): libvhd's locks then decide, at open time, what may be
 * used.  The chain is opened writable when the mount is; if that is refused
 * with -EBUSY (the disk is the parent of an open child, here or elsewhere)
 * a read-only open() falls back to a read-only chain, and a writing open()
 * fails with EBUSY.  Trade-off: the file list is fixed at mount time, so
 * VHDs added to DIR later are not shown until the next mount.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vhdfs.h"

#define MAX_PARTS 128 /* GPT's usual entry count */

static const char *errmsg_or(int err)
{
	const char *m = vhd_errmsg();

	return m && strcmp(m, "no error") != 0 ? m : strerror(-err);
}

/* Length of NAME's ".vhd" or ".vhdx" suffix, or 0. */
static size_t vhd_suffix_len(const char *name)
{
	size_t n = strlen(name);

	if (n > 4 && strcasecmp(name + n - 4, ".vhd") == 0)
		return 4;
	if (n > 5 && strcasecmp(name + n - 5, ".vhdx") == 0)
		return 5;
	return 0;
}

/* The name a disk gets in the mount: its basename without ".vhd" or
 * ".vhdx" (the format itself is told by content, not by this name). */
static char *disk_name(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;

	base = base ? base + 1 : path;
	name = strdup(base);
	if (name && vhd_suffix_len(name))
		name[strlen(name) - vhd_suffix_len(name)] = '\0';
	return name;
}

/* Give DISK its open CHAIN, with an empty table of O_DIRECT descriptors
 * (one per layer, opened on first use by vhdfs_disk_direct_fd()). */
static int disk_attach(struct vhdfs_disk *disk, vhd_chain *chain)
{
	int depth = vhd_chain_depth(chain);

	disk->direct_fd = malloc((size_t)depth * sizeof(*disk->direct_fd));
	if (!disk->direct_fd)
		return -ENOMEM;
	for (int i = 0; i < depth; i++)
		atomic_init(&disk->direct_fd[i], -1);
	disk->depth = depth;
	disk->chain = chain;
	disk->chain_ro = vhd_chain_read_only(chain);
	return 0;
}

static void disk_detach(struct vhdfs_disk *disk)
{
	for (int i = 0; i < disk->depth; i++) {
		int fd = atomic_load(&disk->direct_fd[i]);

		if (fd >= 0)
			close(fd);
	}
	free(disk->direct_fd);
	disk->direct_fd = NULL;
	disk->depth = 0;
	vhd_chain_close(disk->chain);
	disk->chain = NULL;
}

int vhdfs_disk_direct_fd(struct vhdfs_disk *disk, int layer, int fd)
{
	char path[64];
	int dfd, expected = -1;

	if (layer < 0 || layer >= disk->depth)
		return -1;
	dfd = atomic_load(&disk->direct_fd[layer]);
	if (dfd >= 0)
		return dfd;
	/* A second open file description of the same file, with O_DIRECT;
	 * through /proc so it is the very file libvhd has open. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	dfd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	if (!atomic_compare_exchange_strong(&disk->direct_fd[layer], &expected, dfd)) {
		close(dfd);
		dfd = expected;
	}
	return dfd;
}

static void disk_free(struct vhdfs_disk *disk)
{
	if (!disk)
		return;
	if (disk->chain)
		disk_detach(disk);
	pthread_mutex_destroy(&disk->lock);
	pthread_mutex_destroy(&disk->flush_lock);
	free(disk->path);
	free(disk->name);
	free(disk);
}

static struct vhdfs_disk *disk_new(const char *path, const struct stat *st)
{
	struct vhdfs_disk *disk = calloc(1, sizeof(*disk));

	if (!disk)
		return NULL;
	pthread_mutex_init(&disk->lock, NULL);
	pthread_mutex_init(&disk->flush_lock, NULL);
	disk->path = strdup(path);
	disk->name = disk_name(path);
	disk->uid = st->st_uid;
	disk->gid = st->st_gid;
	disk->mtime = st->st_mtim;
	if (!disk->path || !disk->name) {
		disk_free(disk);
		return NULL;
	}
	return disk;
}

static int add_file(struct vhdfs *fs, const char *name, struct vhdfs_disk *disk,
		    uint64_t offset, uint64_t size)
{
	struct vhdfs_file *files, *f;

	for (size_t i = 0; i < fs->nfiles; i++)
		if (strcmp(fs->files[i].name, name) == 0) {
			vhdfs_warn("skipping '%s': a file named '%s' is already shown",
				   disk->path, name);
			return 0;
		}
	files = realloc(fs->files, (fs->nfiles + 1) * sizeof(*files));
	if (!files)
		return -ENOMEM;
	fs->files = files;
	f = &files[fs->nfiles];
	f->name = strdup(name);
	if (!f->name)
		return -ENOMEM;
	f->disk = disk;
	f->offset = offset;
	f->size = size;
	fs->nfiles++;
	disk->nfiles++;
	return 0;
}

/* Add DISK (whose chain is CHAIN, open by the caller) and its files. */
static int add_disk(struct vhdfs *fs, struct vhdfs_disk *disk, vhd_chain *chain)
{
	struct vhdfs_disk **disks;
	struct vhdfs_part parts[MAX_PARTS];
	int n = 0, r;

	disk->size = vhd_chain_size(chain);
	disks = realloc(fs->disks, (fs->ndisks + 1) * sizeof(*disks));
	if (!disks)
		return -ENOMEM;
	fs->disks = disks;
	disks[fs->ndisks++] = disk;
	r = add_file(fs, disk->name, disk, 0, disk->size);
	if (r < 0 || !fs->partitions)
		return r;
	n = vhdfs_part_scan(chain, disk->size, parts, MAX_PARTS);
	for (int i = 0; i < n; i++) {
		char name[NAME_MAX + 1];

		snprintf(name, sizeof(name), "%s-p%d", disk->name, parts[i].number);
		r = add_file(fs, name, disk, parts[i].offset, parts[i].size);
		if (r < 0)
			return r;
	}
	return n < 0 ? n : 0;
}

static int load_image(struct vhdfs *fs, const struct stat *st)
{
	struct vhdfs_disk *disk = disk_new(fs->source, st);
	vhd_chain *chain;
	int r;

	if (!disk)
		return -ENOMEM;
	r = vhd_chain_open(fs->source, fs->read_only ? VHD_OPEN_RDONLY : 0, &chain);
	if (r < 0) {
		vhdfs_err("cannot mount '%s': %s", fs->source, errmsg_or(r));
		disk_free(disk);
		return r;
	}
	disk->held = 1;
	r = disk_attach(disk, chain);
	if (r < 0)
		vhd_chain_close(chain);
	else
		r = add_disk(fs, disk, chain);
	if (r < 0) {
		vhdfs_err("cannot mount '%s': %s", fs->source, strerror(-r));
		if (fs->ndisks == 0 || fs->disks[fs->ndisks - 1] != disk)
			disk_free(disk);
	}
	return r;
}

static int select_vhd(const struct dirent *d)
{
	return d->d_name[0] != '.' && vhd_suffix_len(d->d_name) != 0;
}

static int load_dir(struct vhdfs *fs)
{
	struct dirent **list;
	int n, r = 0;

	n = scandir(fs->source, &list, select_vhd, alphasort);
	if (n < 0) {
		r = -errno;
		vhdfs_err("cannot read directory '%s': %s", fs->source, strerror(errno));
		return r;
	}
	for (int i = 0; i < n; i++) {
		struct vhdfs_disk *disk;
		struct stat st;
		vhd_chain *chain;
		char *path;

		if (r < 0 || asprintf(&path, "%s/%s", fs->source, list[i]->d_name) < 0) {
			free(list[i]);
			continue;
		}
		free(list[i]);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		/* Inspect without locks: the disk may be in use elsewhere, which
		 * only matters when somebody opens its file here. */
		r = vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &chain);
		if (r < 0) {
			vhdfs_warn("skipping '%s': %s", path, errmsg_or(r));
			free(path);
			r = 0;
			continue;
		}
		disk = disk_new(path, &st);
		free(path);
		r = disk ? add_disk(fs, disk, chain) : -ENOMEM;
		vhd_chain_close(chain);
		if (r < 0 && disk && (fs->ndisks == 0 || fs->disks[fs->ndisks - 1] != disk))
			disk_free(disk);
	}
	free(list);
	if (r < 0)
		vhdfs_err("cannot mount '%s': %s", fs->source, strerror(-r));
	return r;
}

int vhdfs_disks_load(struct vhdfs *fs)
{
	struct stat st;

	if (stat(fs->source, &st) < 0) {
		int err = errno;

		vhdfs_err("cannot mount '%s': %s", fs->source, strerror(err));
		return -err;
	}
	fs->uid = st.st_uid;
	fs->gid = st.st_gid;
	fs->mtime = st.st_mtim;
	if (S_ISDIR(st.st_mode)) {
		fs->dir_mode = 1;
		return load_dir(fs);
	}
	return load_image(fs, &st);
}

void vhdfs_disks_free(struct vhdfs *fs)
{
	for (size_t i = 0; i < fs->ndisks; i++)
		disk_free(fs->disks[i]);
	for (size_t i = 0; i < fs->nfiles; i++)
		free(fs->files[i].name);
	free(fs->disks);
	free(fs->files);
	fs->disks = NULL;
	fs->files = NULL;
	fs->ndisks = fs->nfiles = 0;
}

int vhdfs_disk_get(struct vhdfs *fs, struct vhdfs_disk *disk, int want_write)
{
	vhd_chain *chain;
	int r = 0;

	if (want_write && fs->read_only)
		return -EROFS;
	pthread_mutex_lock(&disk->lock);
	if (disk->chain) {
		if (want_write && disk->chain_ro)
			r = disk->held ? -EROFS : -EBUSY;
		else
			disk->opens++;
		pthread_mutex_unlock(&disk->lock);
		return r;
	}
	r = vhd_chain_open(disk->path, fs->read_only ? VHD_OPEN_RDONLY : 0, &chain);
	if (r == -EBUSY && !want_write && !fs->read_only)
		r = vhd_chain_open(disk->path, VHD_OPEN_RDONLY, &chain);
	if (r < 0) {
		vhdfs_warn("cannot open '%s': %s", disk->path, errmsg_or(r));
	} else if ((r = disk_attach(disk, chain)) < 0) {
		vhd_chain_close(chain);
	} else {
		disk->opens = 1;
		atomic_store(&disk->flushed, atomic_load(&disk->writes));
	}
	pthread_mutex_unlock(&disk->lock);
	return r;
}

void vhdfs_disk_put(struct vhdfs_disk *disk)
{
	pthread_mutex_lock(&disk->lock);
	if (--disk->opens == 0 && !disk->held)
		disk_detach(disk);
	pthread_mutex_unlock(&disk->lock);
}

int vhdfs_disk_flush(struct vhdfs_disk *disk)
{
	uint_fast64_t target = atomic_load(&disk->writes);
	int r = 0;

	if (target == atomic_load(&disk->flushed))
		return 0;
	pthread_mutex_lock(&disk->flush_lock);
	/* Another flush may have covered our writes while we waited. */
	if (atomic_load(&disk->flushed) < target) {
		r = vhd_chain_flush(disk->chain);
		if (r < 0)
			vhdfs_warn("cannot flush '%s': %s", disk->path, errmsg_or(r));
		else
			atomic_store(&disk->flushed, target);
	}
	pthread_mutex_unlock(&disk->flush_lock);
	return r;
}
