/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* paths_volume.c: the storage roots seen as Windows volumes: drive
 * information (GetDriveInfo, IEnumVolume) and directory listings
 * (IDirectoryEnum, ILocalDeviceMgr::EnumDirectory), inside roots only.
 *
 * A listing is read whole and sorted, so FindFirst/FindNext and enumerator
 * Skip/Clone over it are stable; directories holding millions of entries
 * are not what storage roots look like.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "paths_int.h"

/* 100 ns intervals between 1601-01-01 and 1970-01-01 */
#define FILETIME_UNIX_EPOCH 116444736000000000ull

uint64_t paths_filetime(int64_t sec, long nsec)
{
	if (sec < -(int64_t)(FILETIME_UNIX_EPOCH / 10000000))
		return 0;
	return (uint64_t)(sec * 10000000 + nsec / 100) + FILETIME_UNIX_EPOCH;
}

static const char *fs_name(unsigned long type)
{
	switch (type) {
	case EXT4_SUPER_MAGIC:
		return "ext4"; /* ext2/3/4 share the magic */
	case XFS_SUPER_MAGIC:
		return "xfs";
	case BTRFS_SUPER_MAGIC:
		return "btrfs";
	case TMPFS_MAGIC:
		return "tmpfs";
	case 0x65735546: /* FUSE_SUPER_MAGIC */
		return "fuse";
	case OVERLAYFS_SUPER_MAGIC:
		return "overlay";
	case NFS_SUPER_MAGIC:
		return "nfs";
	default:
		return "unknown";
	}
}

int paths_drive_info(struct paths *p, char letter, struct paths_drive_info *out)
{
	const struct paths_root *r = paths_root_by_letter(p, letter);
	struct statvfs vfs;
	struct statfs fs;

	memset(out, 0, sizeof(*out));
	if (!r)
		return paths_fail(p, -EACCES, "access denied to drive %c: not a storage root",
				  letter);
	if (fstatvfs(r->fd, &vfs) < 0 || fstatfs(r->fd, &fs) < 0)
		return paths_fail(p, -errno, "cannot read drive %c: ('%s'): %s", r->letter, r->dir,
				  strerror(errno));
	snprintf(out->drive, sizeof(out->drive), "%c:\\", r->letter);
	out->total_bytes = (uint64_t)vfs.f_blocks * vfs.f_frsize;
	out->free_bytes = (uint64_t)vfs.f_bavail * vfs.f_frsize;
	snprintf(out->fs_name, sizeof(out->fs_name), "%s", fs_name((unsigned long)fs.f_type));
	/* every Linux file system a storage root sensibly lives on keeps holes;
	 * FAT does not, and is the one worth naming */
	out->sparse = fs.f_type != MSDOS_SUPER_MAGIC;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct paths_dirent *)a)->name, ((const struct paths_dirent *)b)->name);
}

int paths_list_dir(struct paths *p, const char *client, size_t len,
		   struct paths_dirent **out, size_t *n)
{
	struct paths_loc loc;
	struct paths_dirent *arr = NULL;
	size_t cap = 0, cnt = 0, prefix;
	char base[PATHS_PATH_MAX + 8];
	struct dirent *de;
	DIR *dir;
	int fd, err;

	*out = NULL;
	*n = 0;
	err = paths_parse(p, client, len, &loc);
	if (err < 0)
		return err;
	err = paths_open(p, &loc, O_RDONLY | O_DIRECTORY, &fd);
	if (err < 0)
		return err;
	dir = fdopendir(fd);
	if (!dir) {
		err = -errno;
		close(fd);
		return paths_fail(p, err, "cannot list '%.160s': %s", loc.rel, strerror(-err));
	}
	prefix = (size_t)snprintf(base, sizeof(base), "%c:\\%s%s", loc.root->letter, loc.rel,
				  loc.rel[0] ? "\\" : "");
	for (char *s = base; *s; s++)
		if (*s == '/')
			*s = '\\';

	while ((errno = 0, de = readdir(dir))) {
		struct paths_dirent *e;
		const char *why;
		struct stat sb;
		size_t nl = strlen(de->d_name);

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (paths_check_component(de->d_name, nl, &why) < 0)
			continue; /* a client could not name it back */
		if (fstatat(dirfd(dir), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue; /* vanished meanwhile */
		if (!S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode))
			continue;
		if (prefix + nl > PATHS_PATH_MAX)
			continue;
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct paths_dirent *na = realloc(arr, ncap * sizeof(*na));

			if (!na) {
				err = paths_fail(p, -ENOMEM, "cannot list '%s': out of memory", base);
				break;
			}
			arr = na;
			cap = ncap;
		}
		e = &arr[cnt++];
		memset(e, 0, sizeof(*e));
		memcpy(e->name, de->d_name, nl + 1);
		memcpy(e->full, base, prefix);
		memcpy(e->full + prefix, de->d_name, nl + 1);
		e->is_dir = S_ISDIR(sb.st_mode);
		e->size = e->is_dir ? 0 : (uint64_t)sb.st_size;
		e->attributes = e->is_dir ? PATHS_ATTR_DIRECTORY : PATHS_ATTR_ARCHIVE;
		if (!(sb.st_mode & 0222))
			e->attributes |= PATHS_ATTR_READONLY;
		if (de->d_name[0] == '.')
			e->attributes |= PATHS_ATTR_HIDDEN;
		if (!e->is_dir && (uint64_t)sb.st_blocks * 512 < (uint64_t)sb.st_size)
			e->attributes |= PATHS_ATTR_SPARSE;
		e->mtime = paths_filetime(sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
		e->atime = paths_filetime(sb.st_atim.tv_sec, sb.st_atim.tv_nsec);
		e->ctime = paths_filetime(sb.st_ctim.tv_sec, sb.st_ctim.tv_nsec);
	}
	if (!err && errno)
		err = paths_fail(p, -errno, "cannot list '%s': %s", base, strerror(errno));
	closedir(dir);
	if (err < 0) {
		free(arr);
		return err;
	}
	if (cnt)
		qsort(arr, cnt, sizeof(*arr), by_name);
	*out = arr;
	*n = cnt;
	return 0;
}
