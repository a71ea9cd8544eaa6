/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* paths_open.c: the file-system half of the sandbox: resolving a parsed
 * path beneath its root's directory descriptor, and opening only regular
 * files and directories.
 *
 * Everything is first opened O_PATH (no side effects: a FIFO does not block,
 * a device driver is not called), checked with fstat, and only then
 * reopened for I/O through /proc/self/fd, which reopens that very inode:
 * no window in which a rename can swap in something else.  Trade-off: the
 * reopen needs /proc, which the privileged istmd process always has.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "paths_int.h"

static const char *where(const struct paths_loc *loc, char buf[PATHS_PATH_MAX + 8])
{
	snprintf(buf, PATHS_PATH_MAX + 8, "%c:\\%s", loc->root->letter, loc->rel);
	for (char *s = buf; *s; s++)
		if (*s == '/')
			*s = '\\';
	return buf;
}

/* Walk REL one component at a time, following no symlink at all. */
static int walk_nofollow(struct paths *p, const struct paths_loc *loc, const char *rel,
			 int *out)
{
	char w[PATHS_PATH_MAX + 8], comp[PATHS_NAME_MAX + 1];
	int cur = fcntl(loc->root->fd, F_DUPFD_CLOEXEC, 0);
	const char *s = rel;

	if (cur < 0)
		return paths_fail(p, -errno, "cannot open '%s': %s", where(loc, w), strerror(errno));
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		struct stat sb;
		int next, err;

		memcpy(comp, s, n);
		comp[n] = '\0';
		next = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		err = next < 0 ? -errno : 0;
		close(cur);
		if (err < 0)
			return paths_fail(p, err, "cannot open '%s': %s", where(loc, w), strerror(-err));
		if (fstat(next, &sb) < 0) {
			err = -errno;
			close(next);
			return paths_fail(p, err, "cannot open '%s': %s", where(loc, w), strerror(-err));
		}
		if (S_ISLNK(sb.st_mode)) {
			close(next);
			return paths_fail(p, -EACCES, "access denied to '%s': symbolic links are "
					  "not followed without openat2", where(loc, w));
		}
		s += n;
		if (*s == '/')
			s++;
		if (*s && !S_ISDIR(sb.st_mode)) {
			close(next);
			return paths_fail(p, -ENOTDIR, "cannot open '%s': '%s' is not a directory",
					  where(loc, w), comp);
		}
		cur = next;
	}
	*out = cur;
	return 0;
}

/* O_PATH descriptor of REL beneath LOC's root. */
static int open_beneath(struct paths *p, const struct paths_loc *loc, const char *rel,
			int *out)
{
	char w[PATHS_PATH_MAX + 8];
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = -1, err;

	if (p->no_openat2)
		return walk_nofollow(p, loc, rel, out);
	for (int tries = 0; tries < 8; tries++) {
		fd = (int)syscall(SYS_openat2, loc->root->fd, *rel ? rel : ".", &how, sizeof(how));
		if (fd >= 0 || errno != EAGAIN)
			break; /* EAGAIN: a rename raced the lookup; retry */
	}
	if (fd >= 0) {
		*out = fd;
		return 0;
	}
	err = -errno;
	switch (err) {
	case -ENOSYS:
		p->no_openat2 = true;
		return walk_nofollow(p, loc, rel, out);
	case -EXDEV:
		return paths_fail(p, -EACCES, "access denied to '%s': a symbolic link leads "
				  "out of drive %c:", where(loc, w), loc->root->letter);
	case -ELOOP:
		return paths_fail(p, -EACCES, "access denied to '%s': symbolic link loop",
				  where(loc, w));
	default:
		return paths_fail(p, err, "cannot open '%s': %s", where(loc, w), strerror(-err));
	}
}

/* Refuse anything but regular files and directories. */
static int check_type(struct paths *p, const struct paths_loc *loc, int fd, struct stat *sb)
{
	char w[PATHS_PATH_MAX + 8];

	if (fstat(fd, sb) < 0)
		return paths_fail(p, -errno, "cannot open '%s': %s", where(loc, w), strerror(errno));
	if (!S_ISREG(sb->st_mode) && !S_ISDIR(sb->st_mode))
		return paths_fail(p, -EACCES, "access denied to '%s': not a regular file or "
				  "directory", where(loc, w));
	return 0;
}

int paths_open(struct paths *p, const struct paths_loc *loc, int flags, int *out)
{
	char w[PATHS_PATH_MAX + 8], proc[64];
	struct stat sb;
	int fd, err, rfd;

	*out = -1;
	if ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE)
		return paths_fail(p, -EINVAL, "cannot open '%s': use paths_open_parent to create",
				  where(loc, w));
	err = open_beneath(p, loc, loc->rel, &fd);
	if (err < 0)
		return err;
	err = check_type(p, loc, fd, &sb);
	if (err == 0 && (flags & O_DIRECTORY) && !S_ISDIR(sb.st_mode))
		err = paths_fail(p, -ENOTDIR, "cannot open '%s': not a directory", where(loc, w));
	if (err == 0 && S_ISDIR(sb.st_mode) && (flags & O_ACCMODE) != O_RDONLY)
		err = paths_fail(p, -EISDIR, "cannot open '%s' for writing: a directory",
				 where(loc, w));
	if (err < 0) {
		close(fd);
		return err;
	}
	if (flags & O_PATH) {
		*out = fd;
		return 0;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	rfd = open(proc, (flags & ~(O_NOFOLLOW | O_EXCL | O_TRUNC)) | O_CLOEXEC | O_NOCTTY);
	err = rfd < 0 ? -errno : 0;
	close(fd);
	if (err < 0)
		return paths_fail(p, err, "cannot open '%s': %s", where(loc, w), strerror(-err));
	*out = rfd;
	return 0;
}

int paths_open_parent(struct paths *p, const struct paths_loc *loc, int *dirfd,
		      char name[PATHS_NAME_MAX + 1])
{
	char w[PATHS_PATH_MAX + 8], parent[PATHS_PATH_MAX + 1];
	const char *slash = strrchr(loc->rel, '/');
	const char *last = slash ? slash + 1 : loc->rel;
	struct stat sb;
	int fd, err;

	*dirfd = -1;
	if (!loc->rel[0])
		return paths_fail(p, -EINVAL, "invalid path '%s': the root of a drive is not a "
				  "file", where(loc, w));
	snprintf(parent, sizeof(parent), "%.*s", slash ? (int)(slash - loc->rel) : 0, loc->rel);
	/* paths_parse bounded every component to PATHS_NAME_MAX */
	memcpy(name, last, strnlen(last, PATHS_NAME_MAX) + 1);
	name[PATHS_NAME_MAX] = '\0';
	err = open_beneath(p, loc, parent, &fd);
	if (err < 0)
		return err;
	err = check_type(p, loc, fd, &sb);
	if (err == 0 && !S_ISDIR(sb.st_mode))
		err = paths_fail(p, -ENOTDIR, "cannot use '%s': its parent is not a directory",
				 where(loc, w));
	if (err < 0) {
		close(fd);
		return err;
	}
	*dirfd = fd;
	return 0;
}

int paths_fd_path(struct paths *p, int fd, char *buf, size_t cap)
{
	char proc[64], real[PATH_MAX + 1];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, real, sizeof(real) - 1);
	if (n < 0)
		return paths_fail(p, -errno, "cannot find the path of descriptor %d: %s", fd,
				  strerror(errno));
	real[n] = '\0';
	for (size_t i = 0; i < p->nroots; i++) {
		size_t dl = strlen(p->roots[i].dir);

		if (strncmp(real, p->roots[i].dir, dl) == 0 &&
		    (real[dl] == '\0' || real[dl] == '/' || dl == 1)) {
			if ((size_t)n >= cap)
				return paths_fail(p, -ENAMETOOLONG, "cannot return path '%.160s': "
						  "too long", real);
			memcpy(buf, real, (size_t)n + 1);
			return 0;
		}
	}
	return paths_fail(p, -EACCES, "access denied to '%.160s': not inside a storage root",
			  real);
}

int paths_resolve_file(struct paths *p, const char *client, size_t len, char *abs, size_t cap)
{
	char w[PATHS_PATH_MAX + 8];
	struct paths_loc loc;
	struct stat sb;
	int fd, err;

	err = paths_parse(p, client, len, &loc);
	if (err < 0)
		return err;
	err = paths_open(p, &loc, O_PATH, &fd);
	if (err < 0)
		return err;
	if (fstat(fd, &sb) == 0 && S_ISDIR(sb.st_mode))
		err = paths_fail(p, -EISDIR, "cannot use '%s': a directory, not a file",
				 where(&loc, w));
	if (err == 0)
		err = paths_fd_path(p, fd, abs, cap);
	close(fd);
	return err;
}

int paths_resolve_new(struct paths *p, const char *client, size_t len, char *abs, size_t cap)
{
	char w[PATHS_PATH_MAX + 8], name[PATHS_NAME_MAX + 1], dir[PATH_MAX + 1];
	struct paths_loc loc;
	struct stat sb;
	int dfd, err;

	err = paths_parse(p, client, len, &loc);
	if (err < 0)
		return err;
	err = paths_open_parent(p, &loc, &dfd, name);
	if (err < 0)
		return err;
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		err = paths_fail(p, -EEXIST, "cannot create '%s': it exists", where(&loc, w));
	else if (errno != ENOENT)
		err = paths_fail(p, -errno, "cannot create '%s': %s", where(&loc, w),
				 strerror(errno));
	if (err == 0)
		err = paths_fd_path(p, dfd, dir, sizeof(dir));
	close(dfd);
	if (err < 0)
		return err;
	if ((size_t)snprintf(abs, cap, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name) >= cap)
		return paths_fail(p, -ENAMETOOLONG, "cannot create '%s': path too long",
				  where(&loc, w));
	return 0;
}
