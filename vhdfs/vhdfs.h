/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdfs.h: vhdfs's private declarations, one banner per file.
 *
 * vhdfs presents VHD chains as flat files through FUSE's low-level API.
 * The set of files is fixed when the file system is mounted: one per disk
 * (IMAGE mode: one disk; DIR mode: one per *.vhd in the directory) and,
 * with -o partitions, one per MBR/GPT partition of each disk.  Inode
 * numbers are indexes into that table, so lookups need no locking.
 */
#ifndef VHDFS_VHDFS_H
#define VHDFS_VHDFS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "vhd.h"

struct fuse_session;

#define VHDFS_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* The largest FUSE request libfuse 3.14 can take (FUSE_MAX_MAX_PAGES = 256
 * pages); the kernel's max_pages follows max_write. */
#define VHDFS_MAX_IO (1u << 20)
/* Replies up to this size are spliced: the pipe libfuse splices through
 * holds at most /proc/sys/fs/pipe-max-size (1 MiB by default) including
 * the 16-byte reply header. */
#define VHDFS_SPLICE_MAX (VHDFS_MAX_IO - 4096)

/* One VHD presented by the mount.  In IMAGE mode the chain is opened at
 * start-up and held until exit; in DIR mode it is opened on the first open()
 * of any of its files and closed on the last release(), so libvhd's locks
 * are held only while somebody uses the disk. */
struct vhdfs_disk {
	char *path;               /* absolute path of the top VHD */
	char *name;               /* file name in the mount (basename less .vhd) */
	uint64_t size;            /* virtual size in bytes */
	uid_t uid;                /* owner of the VHD file, shown on its files */
	gid_t gid;                /* group of the VHD file */
	struct timespec mtime;    /* mtime of the VHD file at mount time */
	pthread_mutex_t lock;     /* protects chain, opens, chain_ro */
	vhd_chain *chain;         /* open chain, or NULL (DIR mode, unused) */
	int opens;                /* open file handles on this disk's files */
	int chain_ro;             /* chain is open read-only */
	int held;                 /* IMAGE mode: chain stays open until exit */
	int nfiles;               /* files showing this disk (1 + partitions) */
	atomic_int *direct_fd;    /* per layer: O_DIRECT fd of its file, or -1;
	                           * set once (compare-exchange), closed with
	                           * the chain */
	int depth;                /* entries in direct_fd (layers of chain) */
	atomic_uint_fast64_t writes;   /* writes acknowledged so far */
	atomic_uint_fast64_t flushed;  /* value of writes at the last flush */
	pthread_mutex_t flush_lock;    /* serialises flushes of this disk */
};

/* One file in the mount: a whole disk or one partition of it. */
struct vhdfs_file {
	char *name;               /* name in the root directory */
	struct vhdfs_disk *disk;  /* the disk it reads from */
	uint64_t offset;          /* byte offset of the file in the disk */
	uint64_t size;            /* bytes */
};

/* Everything the handlers need; built before mounting, then read-only
 * (except inside each disk, under its lock). */
struct vhdfs {
	int read_only;            /* -o ro: refuse writes, open chains read-only */
	int partitions;           /* -o partitions: add one file per partition */
	int dir_mode;             /* SOURCE is a directory */
	char *source;             /* absolute path of IMAGE or DIR */
	struct vhdfs_disk **disks; /* the disks, in name order */
	size_t ndisks;            /* entries in disks */
	struct vhdfs_file *files; /* the files; inode = index + 2 */
	size_t nfiles;            /* entries in files */
	uid_t uid;                /* owner of the root directory (of SOURCE) */
	gid_t gid;                /* group of the root directory */
	struct timespec mtime;    /* times of the root directory (of SOURCE) */
	struct fuse_session *se;  /* for cache invalidation between files */
};

/* vhdfs_log.c */
/* Send messages to stderr (foreground) or syslog (daemon). */
void vhdfs_log_to_syslog(void);
void vhdfs_err(const char *fmt, ...) VHDFS_PRINTF(1, 2);
void vhdfs_warn(const char *fmt, ...) VHDFS_PRINTF(1, 2);
void vhdfs_info(const char *fmt, ...) VHDFS_PRINTF(1, 2);
/* Route libvhd's and libfuse's own warnings through the same place. */
void vhdfs_log_install(void);

/* vhdfs_disk.c */
/* Fill FS->disks and FS->files from FS->source.  IMAGE mode opens the chain
 * now and keeps it; a failure is reported with libvhd's message. */
int vhdfs_disks_load(struct vhdfs *fs);
void vhdfs_disks_free(struct vhdfs *fs);
/* Take a reference to DISK's chain for a file handle, opening it if needed;
 * WANT_WRITE asks for a writable chain.  Returns 0 or a negative errno. */
int vhdfs_disk_get(struct vhdfs *fs, struct vhdfs_disk *disk, int want_write);
void vhdfs_disk_put(struct vhdfs_disk *disk);
/* An O_DIRECT descriptor of LAYER's file (whose libvhd descriptor is FD),
 * opened on first use; -1 when it cannot be had. */
int vhdfs_disk_direct_fd(struct vhdfs_disk *disk, int layer, int fd);
/* Make every acknowledged write durable (no-op when nothing was written). */
int vhdfs_disk_flush(struct vhdfs_disk *disk);

/* vhdfs_part.c */
/* One partition found in a partition table. */
struct vhdfs_part {
	int number;               /* Linux numbering: 1-4 primary/GPT, 5+ logical */
	uint64_t offset;          /* bytes from the start of the disk */
	uint64_t size;            /* bytes */
};
/* Read DISK's MBR (with logical partitions) or GPT through CHAIN.  Fills at
 * most MAX entries of PARTS; returns how many, 0 without a table. */
int vhdfs_part_scan(vhd_chain *chain, uint64_t disk_size,
		    struct vhdfs_part *parts, int max);

/* vhdfs_ops.c */
struct fuse_lowlevel_ops;
extern const struct fuse_lowlevel_ops vhdfs_ops;

/* vhdfs_io.c */
struct fuse_file_info;
typedef struct fuse_req *fuse_req_t;
/* Reply to a read with extents of the chain: fds for data, zeros for holes.
 * DIRECT (an O_DIRECT open) reads the VHD files with O_DIRECT too. */
void vhdfs_io_read(fuse_req_t req, struct vhdfs_file *file, size_t size, off_t off,
		   int direct);
/* Write through libvhd; returns the bytes written or a negative errno. */
ssize_t vhdfs_io_write(struct vhdfs_file *file, const char *buf, size_t size, off_t off);

#endif
