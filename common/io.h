/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* io.h: read and write all of a buffer, retrying short transfers and EINTR;
 * make a file and its name durable.
 *
 * Every part had its own copy of these loops.  They return 0 or -errno and
 * print nothing: the caller knows the file's name and builds the message.
 * End of file before the last byte is -EPIPE from read_all() (the peer of a
 * socket or pipe went away) and -ENODATA from pread_all() (the file is
 * shorter than its metadata says), so callers can say which it was.
 */
#ifndef COMMON_IO_H
#define COMMON_IO_H

#include <stddef.h>
#include <stdint.h>

/* A stream (socket, pipe): all LEN bytes or -errno. */
int read_all(int fd, void *buf, size_t len);
int write_all(int fd, const void *buf, size_t len);

/* A file at byte offset OFF: all LEN bytes or -errno. */
int pread_all(int fd, void *buf, size_t len, uint64_t off);
int pwrite_all(int fd, const void *buf, size_t len, uint64_t off);

/* Make the file at PATH durable, then its folder, so that its name
 * survives a crash too (a rename is durable once its folder is synced):
 * 0 or -errno. */
int sync_file_and_folder(const char *path);

#endif
