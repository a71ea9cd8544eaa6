/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_device_file.c: creating, growing and deleting VHD files for
 * ILocalDeviceMgr::CreateWtFile, GrowWtFile, DeleteWtFile and
 * ILocalDeviceMgr3::CreateDiffWtFile ([MS-ISTM] 3.30.4.6-8, 3.33.4.1).
 *
 * Every file is named through the sandbox (paths/) and handed to libvhd
 * as /proc/self/fd/N: the directory or file the sandbox opened, so
 * nothing can be swapped in between the check and the use.  libvhd builds
 * a new image under a temporary name and links it into place, which never
 * replaces an existing file: unlike the specification's "SHOULD overwrite",
 * an existing file is refused (ERROR_FILE_EXISTS), because overwriting
 * someone's disk over the network is the mistake worth making impossible.
 *
 * The base rule (a disk that is somebody's parent must not change): a file
 * that is a registered disk, or an ancestor of one, is never deleted or
 * grown; a parent open for writing anywhere (libvhd's flock) gets no new
 * child; a registered parent mapped writable gets none either.  Files
 * that are not registered count too: before a VHD is deleted or grown the
 * roots are walked for differencing VHDs naming it as parent (a bounded
 * walk: roots hold disks, not millions of files).
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc_device_int.h"

#define CREATE_MIN (8 * SVC_MIB)     /* <62>: below 8 MB is ERROR_BAD_LENGTH */
#define MAX_NEW_DIRS 32              /* directories one create may make */

/* Directories made for a new file, undone when the create fails. */
struct made_dirs {
	int n;                       /* how many */
	int dirfd[MAX_NEW_DIRS];     /* the directory each was made in */
	char name[MAX_NEW_DIRS][PATHS_NAME_MAX + 1];   /* and its name there */
};

static void undo_dirs(struct made_dirs *m)
{
	while (m->n > 0) {
		m->n--;
		unlinkat(m->dirfd[m->n], m->name[m->n], AT_REMOVEDIR);
		close(m->dirfd[m->n]);
	}
}

static void keep_dirs(struct made_dirs *m)
{
	while (m->n > 0)
		close(m->dirfd[--m->n]);
}

/* Make the missing directories above LOC's file beneath its root, one
 * component at a time, never following a symbolic link (an existing
 * component that is not a plain directory stops it: -ENOTDIR). */
static int make_dirs(const struct paths_loc *loc, struct made_dirs *m)
{
	char comp[PATHS_NAME_MAX + 1];
	const char *p = loc->rel, *slash;
	int cur, next, err = 0;
	size_t n;

	m->n = 0;
	cur = fcntl(loc->root->fd, F_DUPFD_CLOEXEC, 0);
	if (cur < 0)
		return -errno;
	while ((slash = strchr(p, '/'))) {
		n = (size_t)(slash - p);
		if (n > PATHS_NAME_MAX) {
			err = -ENAMETOOLONG;
			break;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		if (mkdirat(cur, comp, 0755) == 0) {
			if (m->n == MAX_NEW_DIRS) {
				unlinkat(cur, comp, AT_REMOVEDIR);
				err = -ENAMETOOLONG;
				break;
			}
			m->dirfd[m->n] = fcntl(cur, F_DUPFD_CLOEXEC, 0);
			if (m->dirfd[m->n] < 0) {
				err = -errno;
				unlinkat(cur, comp, AT_REMOVEDIR);
				break;
			}
			memcpy(m->name[m->n++], comp, n + 1);
		} else if (errno != EEXIST) {
			err = -errno;
			break;
		}
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			err = errno == ELOOP ? -ENOTDIR : -errno;
			break;
		}
		close(cur);
		cur = next;
		p = slash + 1;
	}
	close(cur);
	if (err < 0)
		undo_dirs(m);
	return err;
}

/* HRESULT of a failed libvhd create/grow, logged with libvhd's message. */
static uint32_t vhd_hr(const char *what, const char *path, int rc)
{
	log_warnx("%s '%s' failed: %s", what, path, vhd_errmsg());
	switch (rc) {
	case -EEXIST:
		return ERROR_FILE_EXISTS;
	case -EBUSY:
		return ERROR_SHARING_VIOLATION;   /* locked by tgtd, vhdfs, ... */
	case -EFBIG:
		return ERROR_BAD_LENGTH;
	case -EINVAL:
		return ERROR_INVALID_DATA;
	default:
		return svc_hresult(rc);
	}
}

/* Check that NEW names a file that can be created: well formed, inside a
 * root, not existing (a directory: E_INVALIDARG, a file:
 * ERROR_FILE_EXISTS).  S_OK with F parsed. */
static uint32_t check_new(struct svc *s, const char *path, struct dev_file *f)
{
	int rc = dev_file_open(s, path, f);

	if (rc == 0) {
		uint32_t hr = S_ISDIR(f->sb.st_mode) ? E_INVALIDARG : ERROR_FILE_EXISTS;

		dev_file_close(f);
		return hr;
	}
	if (!f->parsed)
		return svc_hresult(rc);
	if (rc == -ENOTDIR)
		return ERROR_PATH_NOT_FOUND;
	return rc == -ENOENT ? S_OK : svc_hresult(rc);
}

/* Create LOC's file with OPTS (its missing directories too).  PARENT_FD:
 * the parent of a differencing disk, or -1. */
static uint32_t create_at(struct svc *s, const struct dev_file *f, struct vhd_create_opts *opts,
			  int parent_fd)
{
	char name[PATHS_NAME_MAX + 1], target[PATHS_NAME_MAX + 64], parent[64];
	struct made_dirs m = { .n = 0 };
	struct stat sb;
	int rc, dfd;

	rc = paths_open_parent(&s->paths, &f->loc, &dfd, name);
	if (rc == -ENOENT) {
		rc = make_dirs(&f->loc, &m);
		if (rc == 0)
			rc = paths_open_parent(&s->paths, &f->loc, &dfd, name);
	}
	if (rc < 0) {
		undo_dirs(&m);
		return rc == -ENOTDIR || rc == -ENOENT ? ERROR_PATH_NOT_FOUND : svc_hresult(rc);
	}
	/* a name that is taken, by a dangling symbolic link too, is refused
	 * before libvhd makes its temporary file (nothing to undo then) */
	if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == 0)
		rc = -EEXIST;
	else
		rc = errno == ENOENT ? 0 : -errno;
	if (rc < 0) {
		close(dfd);
		undo_dirs(&m);
		return rc == -EEXIST ? ERROR_FILE_EXISTS : svc_hresult(rc);
	}
	snprintf(target, sizeof(target), "/proc/self/fd/%d/%s", dfd, name);
	if (parent_fd >= 0) {
		dev_proc_path(parent_fd, parent, sizeof(parent));
		opts->parent = parent;
	}
	rc = vhd_create(target, opts);
	close(dfd);
	if (rc < 0) {
		undo_dirs(&m);
		return vhd_hr("creating", f->loc.rel, rc);
	}
	keep_dirs(&m);
	return S_OK;
}

/* CreateWtFile: a fixed VHD of hyFileSize bytes (<61>, <62>: below 1 MiB
 * E_INVALIDARG; truncated to whole MiB; below 8 MiB or above libvhd's
 * limit ERROR_BAD_LENGTH).  bSparse leaves the data area a hole. */
int answer_device_create(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_create_req *rq;
	struct vhd_create_opts opts;
	struct dev_file f;
	uint64_t size;
	uint32_t hr;

	rq = malloc(sizeof(*rq));
	if (!rq)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	memcpy(rq, req, sizeof(*rq));
	if (!SVC_STR_OK(rq->path) || rq->sparse > 1 || rq->pad) {
		free(rq);
		return -EBADMSG;
	}
	hr = check_new(s, rq->path, &f);
	size = rq->size & ~(SVC_MIB - 1);
	if (hr == S_OK && (int64_t)rq->size < (int64_t)SVC_MIB)
		hr = E_INVALIDARG;
	else if (hr == S_OK && (size < CREATE_MIN || size > VHD_MAX_CREATE_SIZE))
		hr = ERROR_BAD_LENGTH;
	if (hr == S_OK) {
		memset(&opts, 0, sizeof(opts));
		opts.type = VHD_TYPE_FIXED;
		opts.size = size;
		opts.flags = rq->sparse ? VHD_CREATE_SPARSE : 0;
		hr = create_at(s, &f, &opts, -1);
		if (hr == S_OK)
			log_info("created fixed VHD %c:\\%s (%llu bytes%s)", f.loc.root->letter,
				 f.loc.rel, (unsigned long long)size, rq->sparse ? ", sparse" : "");
	}
	free(rq);
	return svc_reply_hr(reply, reply_len, hr);
}

/* CreateDiffWtFile: a differencing VHD whose parent is an existing fixed
 * VHD inside a root (3.33.4.1). */
int answer_device_create_diff(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_diff_req *rq;
	struct vhd_create_opts opts;
	struct state_disk_usage u;
	struct dev_file *f, *pf;
	struct state_disk *d;
	struct vhd_info vi;
	uint32_t hr;
	int rc;

	rq = malloc(sizeof(*rq));
	f = calloc(2, sizeof(*f));
	d = malloc(sizeof(*d));
	if (!rq || !f || !d) {
		free(rq);
		free(f);
		free(d);
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	}
	pf = &f[1];
	pf->fd = -1;
	memcpy(rq, req, sizeof(*rq));
	if (!SVC_STR_OK(rq->path) || !SVC_STR_OK(rq->parent)) {
		free(rq);
		free(f);
		free(d);
		return -EBADMSG;
	}
	hr = check_new(s, rq->path, f);
	if (hr == S_OK) {
		rc = dev_file_open(s, rq->parent, pf);
		if (rc < 0)
			hr = !pf->parsed ? svc_hresult(rc) :
			     rc == -ENOENT ? ERROR_FILE_NOT_FOUND :
			     rc == -ENOTDIR ? ERROR_PATH_NOT_FOUND : svc_hresult(rc);
		else if (!S_ISREG(pf->sb.st_mode))
			hr = E_INVALIDARG;
		else if (dev_vhd_info(pf, &vi) < 0)
			hr = ERROR_INVALID_DATA;
		else if (vi.type != VHD_TYPE_FIXED)
			hr = ERROR_UNSUPPORTED_TYPE;   /* "The parent VHD file is of type FixedVhd" */
	}
	/* a registered parent mapped writable would change under its child */
	if (hr == S_OK && state_disk_get_by_path(s->st, pf->abs, d) == 0 &&
	    state_disk_usage(s->st, d->wtd, &u) == 0 && u.mappings > 0 && !u.read_only)
		hr = ERROR_DEVICE_IN_USE;
	if (hr == S_OK) {
		memset(&opts, 0, sizeof(opts));
		opts.type = VHD_TYPE_DIFF;
		hr = create_at(s, f, &opts, pf->fd);
		if (hr == S_OK)
			log_info("created differencing VHD %c:\\%s on '%s'", f->loc.root->letter,
				 f->loc.rel, pf->abs);
	}
	dev_file_close(pf);
	free(rq);
	free(f);
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

/* Is there a differencing VHD anywhere in the storage roots whose parent
 * is VI (by unique id), registered or not?  Walks the roots without
 * following symbolic links, SCAN_MAX_DEPTH levels and SCAN_MAX_FILES
 * files at most.  1 and its path in WHY, 0 when none. */
#define SCAN_MAX_DEPTH 8
#define SCAN_MAX_FILES 20000
static int scan_dir(int dfd, const struct dev_file *f, const struct vhd_info *vi, int depth,
		    size_t *budget, char *why, size_t cap)
{
	struct vhd_info ci;
	struct dirent *de;
	struct stat sb;
	vhd_chain *ch;
	char p[64];
	int fd, found = 0;
	DIR *dir;

	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	while (!found && *budget > 0 && (de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (fstatat(dirfd(dir), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(sb.st_mode) && depth < SCAN_MAX_DEPTH) {
			int sub = openat(dirfd(dir), de->d_name,
					 O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				found = scan_dir(sub, f, vi, depth + 1, budget, why, cap);
				close(sub);
			}
			continue;
		}
		if (!S_ISREG(sb.st_mode) || sb.st_size < 2048 ||
		    (sb.st_dev == f->sb.st_dev && sb.st_ino == f->sb.st_ino))
			continue;
		(*budget)--;
		fd = openat(dirfd(dir), de->d_name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		dev_proc_path(fd, p, sizeof(p));
		if (vhd_chain_open(p, VHD_OPEN_RDONLY | VHD_OPEN_NOPARENT | VHD_OPEN_NOLOCK, &ch) == 0) {
			found = vhd_chain_layer_info(ch, 0, &ci) == 0 && vhd_info_is_child_of(&ci, vi);
			vhd_chain_close(ch);
			if (found)
				snprintf(why, cap, "it is the parent of '%.200s'", de->d_name);
		}
		close(fd);
	}
	closedir(dir);
	return found;
}

static int find_child(struct svc *s, const struct dev_file *f, const struct vhd_info *vi,
		      char *why, size_t cap)
{
	size_t budget = SCAN_MAX_FILES, i;
	int found = 0;

	for (i = 0; i < s->paths.nroots && !found; i++)
		found = scan_dir(s->paths.roots[i].fd, f, vi, 0, &budget, why, cap);
	return found;
}

/* Open an existing VHD for GrowWtFile / DeleteWtFile: S_OK, or the
 * HRESULT (BAD: what a malformed or unusable path gives). */
static uint32_t open_existing(struct svc *s, const char *path, struct dev_file *f,
			      struct vhd_info *vi, uint32_t bad)
{
	int rc = dev_file_open(s, path, f);

	if (rc < 0 && !f->parsed)
		return rc == -EACCES ? E_ACCESSDENIED : bad;
	if (rc == -ENOENT)
		return ERROR_FILE_NOT_FOUND;
	if (rc == -ENOTDIR)
		return ERROR_PATH_NOT_FOUND;
	if (rc < 0)
		return svc_hresult(rc);
	if (!S_ISREG(f->sb.st_mode))
		return bad;
	if (dev_vhd_info(f, vi) < 0)
		return ERROR_INVALID_DATA;
	return S_OK;
}

/* Whether the file F may change (VERB: "growing", for the log): S_OK, or
 * ERROR_DEVICE_IN_USE when a registered disk uses it beyond ALLOW (what
 * dev_registered_use() answers that the caller accepts: 0 nothing, 1 the
 * disk is that file) or a differencing VHD under a root names it. */
static uint32_t check_unused(struct svc *s, const struct dev_file *f, const struct vhd_info *vi,
			     int allow, const char *verb)
{
	char why[512];
	int rc = dev_registered_use(s, f, vi, why, sizeof(why));

	if (rc < 0)
		return svc_hresult(rc);
	if (rc > allow || (rc == 0 && find_child(s, f, vi, why, sizeof(why)))) {
		log_warnx("%s '%s' refused: %s", verb, f->abs, why);
		return ERROR_DEVICE_IN_USE;
	}
	return S_OK;
}

/* GrowWtFile: add hyAdditionalSize (unsigned; <63>: below 1 MiB
 * E_INVALIDARG, truncated to whole MiB) to a fixed or dynamic VHD. */
int answer_device_grow(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_grow_req *rq;
	char p[64];
	struct state_disk *d = NULL;
	struct vhd_info vi;
	struct dev_file f;
	uint64_t add, size = 0;
	uint32_t hr;
	int rc;

	rq = malloc(sizeof(*rq));
	if (!rq)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	memcpy(rq, req, sizeof(*rq));
	if (!SVC_STR_OK(rq->path)) {
		free(rq);
		return -EBADMSG;
	}
	hr = open_existing(s, rq->path, &f, &vi, E_INVALIDARG);
	if (hr == ERROR_INVALID_DATA || (hr == S_OK && vi.type == VHD_TYPE_DIFF))
		hr = E_INVALIDARG;   /* "not meaningful for a differencing VHD" */
	add = rq->add & ~(SVC_MIB - 1);
	if (hr == S_OK && rq->add < SVC_MIB)
		hr = E_INVALIDARG;
	if (hr == S_OK) {
		size = vi.virtual_size + add;
		if (size < vi.virtual_size || size > VHD_MAX_CREATE_SIZE)
			hr = ERROR_BAD_LENGTH;
		/* a dynamic VHD's block table is sized when it is made: past
		 * it is a limit of the file, not a full disk */
		else if (vi.type == VHD_TYPE_DYNAMIC &&
			 size > (uint64_t)vi.max_table_entries * vi.block_size)
			hr = ERROR_BAD_LENGTH;
	}
	if (hr == S_OK)   /* a registered disk itself may grow: its record follows */
		hr = check_unused(s, &f, &vi, 1, "growing");
	if (hr == S_OK) {
		dev_proc_path(f.fd, p, sizeof(p));
		rc = vhd_grow(p, size);
		if (rc < 0) {
			hr = vhd_hr("growing", f.abs, rc);
		} else {
			log_info("grew '%s' to %llu bytes", f.abs, (unsigned long long)size);
			/* a registered disk's size follows its file */
			d = malloc(sizeof(*d));
			if (d && state_disk_get_by_path(s->st, f.abs, d) == 0) {
				d->size = size;
				if (state_disk_update(s->st, d) < 0)
					log_warnx("recording the new size of '%s' failed: %s", f.abs,
						  state_errmsg(s->st));
			}
		}
	}
	dev_file_close(&f);
	free(d);
	free(rq);
	return svc_reply_hr(reply, reply_len, hr);
}

/* DeleteWtFile: delete a VHD file that no registered disk uses and that
 * nothing has open (libvhd users hold a flock on it). */
int answer_device_delete(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	char name[PATHS_NAME_MAX + 1];
	struct vhd_info vi;
	struct dev_file f;
	struct stat now;
	int rc, fd = -1, dfd = -1;
	uint32_t hr;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	hr = open_existing(s, rq.path, &f, &vi, E_INVALIDARG);
	if (hr == S_OK)
		hr = check_unused(s, &f, &vi, 0, "deleting");
	if (hr == S_OK) {
		/* the lock libvhd users hold: taken, nobody has it open */
		rc = paths_open(&s->paths, &f.loc, O_RDONLY | O_NONBLOCK, &fd);
		if (rc < 0)
			hr = svc_hresult(rc);
		else if (flock(fd, LOCK_EX | LOCK_NB) < 0)
			hr = errno == EWOULDBLOCK ? ERROR_SHARING_VIOLATION : svc_hresult(-errno);
	}
	if (hr == S_OK) {
		rc = paths_open_parent(&s->paths, &f.loc, &dfd, name);
		if (rc < 0)
			hr = svc_hresult(rc);
		else if (fstatat(dfd, name, &now, AT_SYMLINK_NOFOLLOW) < 0)
			hr = svc_hresult(-errno);
		/* a symbolic link is not the VHD it names: deleting it is no
		 * DeleteWtFile, and deleting what it names is not what was asked */
		else if (S_ISLNK(now.st_mode))
			hr = E_INVALIDARG;
		/* the name must still be the file checked above */
		else if (now.st_dev != f.sb.st_dev || now.st_ino != f.sb.st_ino)
			hr = ERROR_SHARING_VIOLATION;
		else if (unlinkat(dfd, name, 0) < 0)
			hr = svc_hresult(-errno);
		else
			log_info("deleted '%s'", f.abs);
	}
	if (dfd >= 0)
		close(dfd);
	if (fd >= 0)
		close(fd);
	dev_file_close(&f);
	return svc_reply_hr(reply, reply_len, hr);
}
