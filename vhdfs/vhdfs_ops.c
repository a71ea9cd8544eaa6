/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdfs_ops.c: the FUSE low-level handlers.
 *
 * The tree is one directory (inode 1) of regular files whose inode numbers
 * are indexes into fs->files (inode = index + 2), fixed at mount time; so
 * lookups and getattr need no locks and the kernel may cache entries and
 * attributes for as long as it likes.  Per-disk state (open chains, write
 * counters) lives in struct vhdfs_disk under its own lock (vhdfs_disk.c).
 * Each handler ends in exactly one fuse_reply_*.
 *
 * Negotiation (init): 1 MiB requests (max_write, and so max_pages = 256,
 * libfuse 3.14's ceiling), splice for replies so read data goes from the VHD
 * file into /dev/fuse without passing through vhdfs, parallel O_DIRECT
 * (async_dio) and a deep background queue for readahead.  The readahead
 * window itself is a property of the mount's bdi, which the INIT reply can
 * only shrink; vhdfs_main.c raises it after the mount is up.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <fuse3/fuse_lowlevel.h>

#include "vhdfs.h"

#define ROOT_INO 1
#define FIRST_FILE_INO 2
#define CACHE_SECONDS 86400.0 /* nothing in the tree changes while mounted */

static struct vhdfs *fs_of(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static struct vhdfs_file *file_of_ino(struct vhdfs *fs, fuse_ino_t ino)
{
	if (ino < FIRST_FILE_INO || ino - FIRST_FILE_INO >= fs->nfiles)
		return NULL;
	return &fs->files[ino - FIRST_FILE_INO];
}

static void fill_stat(struct vhdfs *fs, fuse_ino_t ino, struct stat *st)
{
	struct vhdfs_file *f = file_of_ino(fs, ino);

	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	if (!f) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
		st->st_uid = fs->uid;
		st->st_gid = fs->gid;
		st->st_mtim = st->st_ctim = st->st_atim = fs->mtime;
		return;
	}
	st->st_mode = S_IFREG | (fs->read_only ? 0444 : 0644);
	st->st_nlink = 1;
	st->st_uid = f->disk->uid;
	st->st_gid = f->disk->gid;
	st->st_size = (off_t)f->size;
	st->st_blocks = (blkcnt_t)(f->size / 512);
	st->st_blksize = VHDFS_MAX_IO;
	st->st_mtim = f->disk->mtime;
	st->st_ctim = f->disk->mtime;
	st->st_atim = f->disk->mtime;
}

static void vhdfs_init(void *userdata, struct fuse_conn_info *conn)
{
	(void)userdata;
	conn->max_write = VHDFS_MAX_IO;
	conn->max_read = 0; /* no limit beyond max_pages */
	conn->max_background = 64;
	conn->congestion_threshold = 48;
	if (conn->capable & FUSE_CAP_SPLICE_WRITE)
		conn->want |= FUSE_CAP_SPLICE_WRITE;
	if (conn->capable & FUSE_CAP_SPLICE_MOVE)
		conn->want |= FUSE_CAP_SPLICE_MOVE;
	if (conn->capable & FUSE_CAP_ASYNC_DIO)
		conn->want |= FUSE_CAP_ASYNC_DIO;
	if (conn->capable & FUSE_CAP_ASYNC_READ)
		conn->want |= FUSE_CAP_ASYNC_READ;
	/* Writes must reach vhdfs in order and be acknowledged only once in
	 * the VHD: no writeback cache, no splice for incoming data. */
	conn->want &= ~(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_SPLICE_READ);
}

/* Unmount (or SIGTERM): make everything written durable before the chains
 * are closed by main. */
static void vhdfs_destroy(void *userdata)
{
	struct vhdfs *fs = userdata;

	for (size_t i = 0; i < fs->ndisks; i++) {
		struct vhdfs_disk *disk = fs->disks[i];

		pthread_mutex_lock(&disk->lock);
		if (disk->chain && !disk->chain_ro)
			vhdfs_disk_flush(disk);
		pthread_mutex_unlock(&disk->lock);
	}
}

static void vhdfs_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct vhdfs *fs = fs_of(req);
	struct fuse_entry_param e;

	if (parent != ROOT_INO) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	for (size_t i = 0; i < fs->nfiles; i++) {
		if (strcmp(fs->files[i].name, name) != 0)
			continue;
		memset(&e, 0, sizeof(e));
		e.ino = i + FIRST_FILE_INO;
		e.attr_timeout = CACHE_SECONDS;
		e.entry_timeout = CACHE_SECONDS;
		fill_stat(fs, e.ino, &e.attr);
		fuse_reply_entry(req, &e);
		return;
	}
	fuse_reply_err(req, ENOENT);
}

static void vhdfs_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct vhdfs *fs = fs_of(req);
	struct stat st;

	(void)fi;
	if (ino != ROOT_INO && !file_of_ino(fs, ino)) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fill_stat(fs, ino, &st);
	fuse_reply_attr(req, &st, CACHE_SECONDS);
}

/* A disk cannot change size or owner; truncation to its own size (what
 * `dd` or `cp` onto the file may ask) and time updates are accepted and
 * ignored. */
static void vhdfs_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
			  int to_set, struct fuse_file_info *fi)
{
	struct vhdfs *fs = fs_of(req);
	struct vhdfs_file *f = file_of_ino(fs, ino);
	struct stat st;

	(void)fi;
	if (!f && ino != ROOT_INO) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	if (to_set & (FUSE_SET_ATTR_MODE | FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if (to_set & FUSE_SET_ATTR_SIZE) {
		if (!f) {
			fuse_reply_err(req, EISDIR);
			return;
		}
		if (fs->read_only) {
			fuse_reply_err(req, EROFS);
			return;
		}
		if ((uint64_t)attr->st_size != f->size) {
			fuse_reply_err(req, EINVAL);
			return;
		}
	}
	fill_stat(fs, ino, &st);
	fuse_reply_attr(req, &st, CACHE_SECONDS);
}

static void vhdfs_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			  struct fuse_file_info *fi)
{
	struct vhdfs *fs = fs_of(req);
	size_t used = 0;
	char *buf;

	(void)fi;
	if (ino != ROOT_INO) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	/* Offsets: 0 start, 1 after ".", 2 after "..", 2 + i + 1 after file i. */
	for (off_t i = off; (size_t)i < fs->nfiles + 2; i++) {
		struct stat st = { 0 };
		const char *name;
		size_t n;

		if (i == 0) {
			name = ".";
			st.st_ino = ROOT_INO;
			st.st_mode = S_IFDIR;
		} else if (i == 1) {
			name = "..";
			st.st_ino = ROOT_INO;
			st.st_mode = S_IFDIR;
		} else {
			name = fs->files[i - 2].name;
			st.st_ino = (ino_t)(i - 2 + FIRST_FILE_INO);
			st.st_mode = S_IFREG;
		}
		n = fuse_add_direntry(req, buf + used, size - used, name, &st, i + 1);
		if (n > size - used)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void vhdfs_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct vhdfs *fs = fs_of(req);
	struct vhdfs_file *f = file_of_ino(fs, ino);
	int want_write = (fi->flags & O_ACCMODE) != O_RDONLY;
	int r;

	if (!f) {
		fuse_reply_err(req, ino == ROOT_INO ? EISDIR : ENOENT);
		return;
	}
	r = vhdfs_disk_get(fs, f->disk, want_write);
	if (r < 0) {
		fuse_reply_err(req, -r);
		return;
	}
	fi->fh = (uint64_t)(uintptr_t)f;
	/* In IMAGE mode every write to the disk comes through this mount and
	 * through this file (when it is the disk's only one), so its page
	 * cache stays valid across opens. */
	fi->keep_cache = f->disk->held && f->disk->nfiles == 1;
	fi->direct_io = (fi->flags & O_DIRECT) != 0;
	fi->noflush = !want_write;
	fuse_reply_open(req, fi);
}

static void vhdfs_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct vhdfs_file *f = (struct vhdfs_file *)(uintptr_t)fi->fh;

	(void)ino;
	vhdfs_disk_put(f->disk);
	fuse_reply_err(req, 0);
}

static void vhdfs_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	(void)ino;
	/* libfuse fills only fh, flags and lock_owner for a read (direct_io
	 * is an answer to open, not kept); flags are the file's open flags. */
	vhdfs_io_read(req, (struct vhdfs_file *)(uintptr_t)fi->fh, size, off,
		      (fi->flags & O_DIRECT) != 0);
}

/* A disk shown as several files (whole disk and partitions) has one page
 * cache per file: after writing through one, drop the overlapping pages of
 * the others before acknowledging, so a reader of any of them sees the
 * write.  Called with no vhdfs lock held (the kernel may need to wait for
 * reads in flight, which other worker threads answer). */
static void invalidate_others(struct vhdfs *fs, struct vhdfs_file *f, uint64_t off,
			      uint64_t len)
{
	uint64_t start = f->offset + off, end = start + len;

	for (size_t i = 0; i < fs->nfiles; i++) {
		struct vhdfs_file *g = &fs->files[i];
		uint64_t gs = g->offset, ge = g->offset + g->size;

		if (g == f || g->disk != f->disk || end <= gs || start >= ge)
			continue;
		gs = start > gs ? start - gs : 0;
		ge = (end < ge ? end : ge) - g->offset;
		fuse_lowlevel_notify_inval_inode(fs->se, i + FIRST_FILE_INO, (off_t)gs,
						 (off_t)(ge - gs));
	}
}

static void vhdfs_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	struct vhdfs_file *f = (struct vhdfs_file *)(uintptr_t)fi->fh;
	ssize_t n;

	(void)ino;
	n = vhdfs_io_write(f, buf, size, off);
	if (n < 0) {
		fuse_reply_err(req, (int)-n);
		return;
	}
	if (f->disk->nfiles > 1 && n > 0)
		invalidate_others(fs_of(req), f, (uint64_t)off, (uint64_t)n);
	fuse_reply_write(req, (size_t)n);
}

/* close(): a writer's close makes its writes durable, so `dd` without
 * conv=fsync and a loop device's release still leave a consistent image. */
static void vhdfs_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct vhdfs_file *f = (struct vhdfs_file *)(uintptr_t)fi->fh;
	int want_write = (fi->flags & O_ACCMODE) != O_RDONLY;

	(void)ino;
	fuse_reply_err(req, want_write ? -vhdfs_disk_flush(f->disk) : 0);
}

static void vhdfs_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	struct vhdfs_file *f = (struct vhdfs_file *)(uintptr_t)fi->fh;

	(void)ino;
	(void)datasync;
	fuse_reply_err(req, -vhdfs_disk_flush(f->disk));
}

/* FALLOC_FL_PUNCH_HOLE (what loop devices send for discard, and fstrim
 * through them) gives the blocks back to the VHD. */
static void vhdfs_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off,
			    off_t len, struct fuse_file_info *fi)
{
	struct vhdfs_file *f = (struct vhdfs_file *)(uintptr_t)fi->fh;
	struct vhdfs *fs = fs_of(req);
	int r;

	(void)ino;
	if (mode != (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)) {
		fuse_reply_err(req, EOPNOTSUPP);
		return;
	}
	if (fs->read_only || f->disk->chain_ro) {
		fuse_reply_err(req, EROFS);
		return;
	}
	if (off < 0 || len <= 0 || (uint64_t)off >= f->size) {
		fuse_reply_err(req, off < 0 || len <= 0 ? EINVAL : 0);
		return;
	}
	if ((uint64_t)len > f->size - (uint64_t)off)
		len = (off_t)(f->size - (uint64_t)off);
	r = vhd_chain_discard(f->disk->chain, f->offset + (uint64_t)off, (uint64_t)len);
	if (r == 0) {
		atomic_fetch_add(&f->disk->writes, 1);
		if (f->disk->nfiles > 1)
			invalidate_others(fs, f, (uint64_t)off, (uint64_t)len);
	}
	fuse_reply_err(req, -r);
}

static void vhdfs_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct vhdfs *fs = fs_of(req);
	struct statvfs sv = { 0 };
	uint64_t total = 0;

	(void)ino;
	for (size_t i = 0; i < fs->ndisks; i++)
		total += fs->disks[i]->size;
	sv.f_bsize = 4096;
	sv.f_frsize = 4096;
	sv.f_blocks = total / 4096;
	sv.f_files = fs->nfiles + 1;
	sv.f_namemax = 255;
	fuse_reply_statfs(req, &sv);
}

const struct fuse_lowlevel_ops vhdfs_ops = {
	.init = vhdfs_init,
	.destroy = vhdfs_destroy,
	.lookup = vhdfs_lookup,
	.getattr = vhdfs_getattr,
	.setattr = vhdfs_setattr,
	.readdir = vhdfs_readdir,
	.open = vhdfs_open,
	.release = vhdfs_release,
	.read = vhdfs_read,
	.write = vhdfs_write,
	.flush = vhdfs_flush,
	.fsync = vhdfs_fsync,
	.fallocate = vhdfs_fallocate,
	.statfs = vhdfs_statfs,
};
