/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdfs_io.c: the data path, read and write of a flat file.
 *
 * A read asks libvhd where each run of the requested range lives
 * (vhd_chain_map) and replies with a fuse_bufvec: file-descriptor buffers
 * for allocated runs, so libfuse splices the bytes from the VHD file (or its
 * parent's) straight into /dev/fuse without copying them through vhdfs, and
 * a shared buffer of zeros for runs no layer has allocated, which costs no
 * disk access at all.  The map is taken without a lock: a write racing with
 * an overlapping read may be seen before or after, as with any block device.
 * Writes go through vhd_chain_pwrite(), which owns allocation, bitmaps and
 * the ordering of metadata; that costs one copy out of the FUSE buffer but
 * keeps one writer of the format.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <fuse3/fuse_lowlevel.h>

#include "vhdfs.h"

#define INLINE_BUFS 32 /* extents per read handled without malloc */

/* Zeros for holes; never written, shared by all threads. */
static char zeros[VHDFS_MAX_IO];

/* One reply buffer per worker thread, kept for the thread's life: libfuse's
 * own copy path mallocs (and so page-faults in) a fresh buffer for every
 * reply, which on this kind of virtual machine costs more than the copy. */
static pthread_key_t reply_buf_key;
static pthread_once_t reply_buf_once = PTHREAD_ONCE_INIT;

static void reply_buf_key_init(void)
{
	pthread_key_create(&reply_buf_key, free);
}

static char *reply_buf(void)
{
	char *buf;

	pthread_once(&reply_buf_once, reply_buf_key_init);
	buf = pthread_getspecific(reply_buf_key);
	if (!buf) {
		buf = aligned_alloc(4096, VHDFS_MAX_IO);
		if (buf && pthread_setspecific(reply_buf_key, buf) != 0) {
			free(buf);
			buf = NULL;
		}
	}
	return buf;
}

/* Reply with the runs in BV.  Replies that fit the splice pipe go through
 * libfuse, which splices the fd runs into /dev/fuse without a copy in user
 * space; larger ones are gathered into this thread's buffer. */
static void reply_bufvec(fuse_req_t req, struct fuse_bufvec *bv, size_t size, int gather)
{
	char *buf = gather || size > VHDFS_SPLICE_MAX ? reply_buf() : NULL;
	struct fuse_bufvec dst = FUSE_BUFVEC_INIT(size);
	ssize_t n;

	if (!buf) {
		fuse_reply_data(req, bv, FUSE_BUF_SPLICE_MOVE);
		return;
	}
	dst.buf[0].mem = buf;
	n = fuse_buf_copy(&dst, bv, 0);
	if (n < 0)
		fuse_reply_err(req, (int)-n);
	else
		fuse_reply_buf(req, buf, (size_t)n);
}

static const char *errmsg_or(int err)
{
	const char *m = vhd_errmsg();

	return m && strcmp(m, "no error") != 0 ? m : strerror(-err);
}

/* Append a run to BV, merging it with the previous one when contiguous. */
static void bufvec_add(struct fuse_bufvec *bv, int fd, uint64_t pos, size_t len)
{
	struct fuse_buf *last = bv->count ? &bv->buf[bv->count - 1] : NULL;

	if (fd < 0) {
		while (len) {
			size_t n = len < sizeof(zeros) ? len : sizeof(zeros);

			if (last && !(last->flags & FUSE_BUF_IS_FD) &&
			    last->size + n <= sizeof(zeros)) {
				last->size += n;
			} else {
				last = &bv->buf[bv->count++];
				*last = (struct fuse_buf){ .size = n, .mem = zeros };
			}
			len -= n;
		}
		return;
	}
	if (last && (last->flags & FUSE_BUF_IS_FD) && last->fd == fd &&
	    (uint64_t)last->pos + last->size == pos) {
		last->size += len;
		return;
	}
	bv->buf[bv->count++] = (struct fuse_buf){
		.size = len,
		.flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK,
		.fd = fd,
		.pos = (off_t)pos,
	};
}

void vhdfs_io_read(fuse_req_t req, struct vhdfs_file *file, size_t size, off_t off,
		   int direct)
{
	struct {
		struct fuse_bufvec bv;
		struct fuse_buf more[INLINE_BUFS];
	} inl;
	struct fuse_bufvec *bv = &inl.bv;
	vhd_chain *chain = file->disk->chain;
	uint64_t pos, left;
	size_t cap = INLINE_BUFS + 1;
	int r;

	if (off < 0 || (uint64_t)off >= file->size || size == 0) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	if (size > file->size - (uint64_t)off)
		size = file->size - (uint64_t)off;
	/* Worst case one run per sector, plus zero runs split by buffer size. */
	if (size / 512 + 2 > cap) {
		cap = size / 512 + 2 + size / sizeof(zeros);
		bv = malloc(sizeof(*bv) + cap * sizeof(struct fuse_buf));
		if (!bv) {
			fuse_reply_err(req, ENOMEM);
			return;
		}
	}
	*bv = (struct fuse_bufvec){ .count = 0 };

	pos = file->offset + (uint64_t)off;
	left = size;
	while (left) {
		struct vhd_extent ext;

		r = vhd_chain_map(chain, pos, left, &ext);
		if (r < 0)
			goto fail;
		if (ext.length == 0 || ext.length > left) {
			r = -EIO;
			vhdfs_warn("cannot read '%s': bad extent at %llu",
				   file->disk->path, (unsigned long long)pos);
			goto fail;
		}
		if (bv->count + 1 + ext.length / sizeof(zeros) >= cap) {
			r = -EIO; /* more runs than sectors: libvhd broke its contract */
			goto fail;
		}
		/* An O_DIRECT reader gets O_DIRECT reads of the VHD files: no
		 * second copy of the data in the page cache, and the device's
		 * own parallelism.  Only runs aligned to 4 KiB in the file and
		 * in the (page-aligned) reply buffer, which any device's
		 * logical block size divides; libvhd aligns the data of the
		 * blocks it allocates, other runs are read through the cache. */
		if (direct && ext.fd >= 0 && ext.file_offset % 4096 == 0 &&
		    ext.length % 4096 == 0 && (pos - file->offset - (uint64_t)off) % 4096 == 0) {
			int dfd = vhdfs_disk_direct_fd(file->disk, ext.layer, ext.fd);

			if (dfd >= 0)
				ext.fd = dfd;
		}
		bufvec_add(bv, ext.fd, ext.file_offset, ext.length);
		pos += ext.length;
		left -= ext.length;
	}
	reply_bufvec(req, bv, size, direct);
	if (bv != &inl.bv)
		free(bv);
	return;
fail:
	if (r == -EIO)
		vhdfs_warn("cannot read '%s': %s", file->disk->path, errmsg_or(r));
	if (bv != &inl.bv)
		free(bv);
	fuse_reply_err(req, -r);
}

ssize_t vhdfs_io_write(struct vhdfs_file *file, const char *buf, size_t size, off_t off)
{
	struct vhdfs_disk *disk = file->disk;
	int r;

	if (off < 0)
		return -EINVAL;
	if (size == 0)
		return 0;
	if ((uint64_t)off >= file->size)
		return -ENOSPC;
	if (size > file->size - (uint64_t)off)
		size = file->size - (uint64_t)off;
	r = vhd_chain_pwrite(disk->chain, buf, size, file->offset + (uint64_t)off);
	if (r < 0) {
		if (r != -EROFS && r != -ENOSPC)
			vhdfs_warn("cannot write '%s': %s", disk->path, errmsg_or(r));
		return r;
	}
	atomic_fetch_add(&disk->writes, 1);
	return (ssize_t)size;
}
