/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_device_int.h: what the two halves of the local-device answers share
 * (svc_device.c: volumes, queries, listings; svc_device_file.c: creating,
 * growing and deleting VHD files).  Not a contract with the child. */
#ifndef ISTMD_SVC_DEVICE_INT_H
#define ISTMD_SVC_DEVICE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "parent/svc/svc.h"
#include "proto/device.h"
#include "vhd.h"

#define SVC_MIB (1ull << 20)

/* A client path as parsed and, when it exists, opened O_PATH. */
struct dev_file {
	struct paths_loc loc;        /* root and relative path */
	bool parsed;                 /* loc is valid (the path is well formed and in a root) */
	int fd;                      /* O_PATH descriptor, -1 when absent */
	struct stat sb;              /* its stat when fd >= 0 */
	char abs[SVC_DEVICE_PATH_MAX];   /* canonical absolute path when fd >= 0 */
};

/* Parse PATH (NUL-terminated) into F and open it if it exists.  Returns 0
 * (F->fd >= 0), -ENOENT / -ENOTDIR when it (or a directory on the way) is
 * missing (F->fd = -1, F->loc valid), or another negative errno from the
 * sandbox, whose message is paths_errmsg(). */
int dev_file_open(struct svc *s, const char *path, struct dev_file *f);
void dev_file_close(struct dev_file *f);

/* "/proc/self/fd/N" (N = FD), for libvhd, which takes paths: names the
 * object the sandbox opened, so nothing can be swapped in between. */
void dev_proc_path(int fd, char *buf, size_t cap);

/* Inspect the VHD F names (this layer only: parents are never opened).
 * 0 and *INFO filled; -EINVAL when it is not a VHD libvhd accepts. */
int dev_vhd_info(const struct dev_file *f, struct vhd_info *info);

/* Copy a request naming one path from REQ into RQ: -EBADMSG when the path
 * is not a terminated string. */
int dev_path_req(const uint8_t *req, struct svc_device_path_req *rq);
/* Does a registered virtual disk (pending ones included) use the file F:
 * is it one (1), or the parent at any depth of one (2)?  A description
 * goes to WHY; 0 when not, negative errno when the store cannot be read. */
int dev_registered_use(struct svc *s, const struct dev_file *f, const struct vhd_info *vi,
		       char *why, size_t cap);

#endif /* ISTMD_SVC_DEVICE_INT_H */
