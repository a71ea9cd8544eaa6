/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* paths.h: the storage-root sandbox.  Every file istmd touches on a
 * client's behalf is named through here, and nothing outside the configured
 * storage roots can be named.
 *
 * Roots are directories presented to clients as Windows volumes with drive
 * letters (configured "C:=/srv/iscsi", or just "/srv/iscsi" for the next
 * free letter from C).  A client path is one of
 *   - a drive path: "C:\iSCSI_target_disks\VirtualDisk1.vhd", "c:/a/b.vhd",
 *     "C:" or "C:\" (the root itself); backslashes and slashes both separate;
 *   - a POSIX path inside a root: "/srv/iscsi/a/b.vhd" (the root's canonical
 *     path, as realpath() gives it, must be a prefix at a component boundary).
 *
 * Rules (paths_parse, no file system access):
 *   E_INVALIDARG   empty, NUL byte inside, not UTF-8, relative ("a\b"),
 *                  drive-relative ("C:a"), rooted without a drive ("\a"),
 *                  UNC or device paths ("\\server\share", "\\?\C:\x",
 *                  "\\.\PhysicalDrive0", "\??\C:\x"), a component with
 *                  < > : " | ? * or a control character, a component ending
 *                  in a dot or space (Windows would strip it: two names for
 *                  one file), DOS device names (CON, NUL, COM1, LPT1.txt,
 *                  ...), a comma (tgt splits its backing-store parameters on
 *                  commas), a component over 255 bytes, a path over 4095.
 *   E_ACCESSDENIED a drive letter that is not configured, a POSIX path not
 *                  inside a root, ".." climbing above the root.
 * "." components and repeated separators are dropped and ".." is resolved
 * lexically, so what reaches the kernel is a plain relative path.
 *
 * Rules (paths_open, the file system): the relative path is resolved
 * beneath the root's directory fd with openat2(RESOLVE_BENEATH |
 * RESOLVE_NO_MAGICLINKS): a symlink may point elsewhere inside the root, but
 * one leading out (absolute, or ".." past the root) fails with
 * E_ACCESSDENIED, as do device files, FIFOs and sockets (checked on an
 * O_PATH descriptor before anything is really opened, so opening a FIFO
 * cannot block and a device is never opened).  Without openat2 (kernels
 * before 5.6) each component is walked with O_NOFOLLOW and no symlink is
 * followed at all: stricter, never looser.
 *
 * Errors are negative errno values with one recorded message
 * (paths_errmsg); paths_hresult() turns them into what the client sees.
 *
 * Threading: a struct paths is configured once at start-up, then read-only;
 * the message buffer makes concurrent calls unsafe: one thread per struct.
 */
#ifndef ISTMD_PATHS_H
#define ISTMD_PATHS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hresult.h"

#define PATHS_MAX_ROOTS 24            /* C: .. Z: */
#define PATHS_NAME_MAX 255            /* bytes in one component */
#define PATHS_PATH_MAX 4095           /* bytes in a client or POSIX path */

/* Windows file attributes in a directory listing ([MS-FSCC] 2.6). */
#define PATHS_ATTR_READONLY 0x1u
#define PATHS_ATTR_HIDDEN 0x2u
#define PATHS_ATTR_DIRECTORY 0x10u
#define PATHS_ATTR_ARCHIVE 0x20u
#define PATHS_ATTR_SPARSE 0x200u

struct paths_root {
	char letter;                 /* 'C'..'Z' */
	char dir[PATHS_PATH_MAX + 1];   /* canonical absolute directory */
	int fd;                      /* O_PATH | O_DIRECTORY descriptor of dir */
};

struct paths {
	struct paths_root roots[PATHS_MAX_ROOTS];  /* in the order added */
	size_t nroots;               /* roots in use */
	bool no_openat2;             /* walk components instead (old kernels, tests) */
	char err[512];               /* last recorded message */
};

/* A client path after parsing: a root and a clean relative path in it. */
struct paths_loc {
	const struct paths_root *root;  /* the root it is in */
	char rel[PATHS_PATH_MAX + 1];   /* "a/b.vhd"; "" is the root itself */
};

void paths_init(struct paths *p);
void paths_release(struct paths *p);
const char *paths_errmsg(const struct paths *p);

/* Add a root: SPEC is "C:=/dir", "C=/dir" or "/dir".  The directory must
 * exist; roots may not nest.  -EEXIST for a letter in use. */
int paths_add_root(struct paths *p, const char *spec);
const struct paths_root *paths_root_by_letter(const struct paths *p, char letter);

/* Parse LEN bytes of a client path (not NUL-terminated; a NUL inside is
 * refused).  No file system access. */
int paths_parse(struct paths *p, const char *client, size_t len, struct paths_loc *out);

/* Open what LOC names, beneath its root.  FLAGS: O_RDONLY, O_RDWR,
 * O_DIRECTORY, O_PATH, ... but never O_CREAT (use paths_open_parent).
 * Only regular files and directories are opened. */
int paths_open(struct paths *p, const struct paths_loc *loc, int flags, int *fd);

/* Open the directory that would hold LOC (O_PATH | O_DIRECTORY) and give
 * its last component, for creating, renaming or deleting with *at() calls
 * and O_NOFOLLOW / O_EXCL.  -EINVAL for the root itself. */
int paths_open_parent(struct paths *p, const struct paths_loc *loc, int *dirfd,
		      char name[PATHS_NAME_MAX + 1]);

/* The absolute POSIX path of FD (opened through this module), checked to be
 * inside a root: what tgtadm and libvhd are given. */
int paths_fd_path(struct paths *p, int fd, char *buf, size_t cap);

/* Client path -> absolute POSIX path of an existing regular file. */
int paths_resolve_file(struct paths *p, const char *client, size_t len,
		       char *abs, size_t cap);
/* Client path -> absolute POSIX path for a file to be created: the parent
 * directory must exist inside the root; the file itself must not
 * (-EEXIST). */
int paths_resolve_new(struct paths *p, const char *client, size_t len,
		      char *abs, size_t cap);

/* Absolute POSIX path inside a root -> "C:\dir\file.vhd". */
int paths_to_client(struct paths *p, const char *abs, char *buf, size_t cap);

/* E_INVALIDARG, E_ACCESSDENIED, ERROR_FILE_NOT_FOUND, ... */
hresult paths_hresult(int err);

/* --- the volume view ------------------------------------------------------ */

struct paths_drive_info {
	char drive[4];               /* "C:\" */
	uint64_t total_bytes;        /* statvfs: blocks * fragment size */
	uint64_t free_bytes;         /* available to unprivileged users */
	bool sparse;                 /* the file system supports holes */
	char fs_name[16];            /* "ext4", "xfs", "tmpfs", ... */
};

int paths_drive_info(struct paths *p, char letter, struct paths_drive_info *out);

struct paths_dirent {
	char name[PATHS_NAME_MAX + 1];  /* DIRECTORY_DATA szFileName */
	char full[PATHS_PATH_MAX + 1];  /* szFullPath, client form "C:\a\b" */
	bool is_dir;                 /* eType: Directory / File */
	uint64_t size;               /* bytes (0 for directories) */
	uint32_t attributes;         /* PATHS_ATTR_* */
	uint64_t mtime;              /* FILETIME: last write */
	uint64_t atime;              /* FILETIME: last access */
	uint64_t ctime;              /* FILETIME: last status change */
};

/* The regular files and directories in the directory a client path names,
 * sorted by name, into a malloc'd *OUT.  Symlinks, devices, FIFOs and
 * sockets are left out, as are names a Windows client could not send back
 * (they would fail paths_parse). */
int paths_list_dir(struct paths *p, const char *client, size_t len,
		   struct paths_dirent **out, size_t *n);

/* Seconds and nanoseconds since 1970 -> FILETIME. */
uint64_t paths_filetime(int64_t sec, long nsec);

#endif /* ISTMD_PATHS_H */
