/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_device.c: the parent's answers for local devices ([MS-ISTM] 3.30,
 * 3.32, 3.33): the volumes (one per storage root), the checks a client
 * makes before it creates a disk (IsValidWtDevice, IsPathValid,
 * DoesFileExist, IsPathNtfs), directory listings (FindFirst/FindNext) and
 * the verb table.  Creating, growing and deleting VHD files is
 * svc_device_file.c.
 *
 * Trade-offs: every FindNext lists the directory again and returns the
 * first name sorting after the one sent last: O(n) per entry, but the
 * parent holds nothing between calls, and entries added or removed
 * meanwhile neither repeat nor break the walk.  A VHD is only ever
 * inspected one layer deep (VHD_OPEN_NOPARENT): a parent locator may name
 * any file on the machine, and nothing outside the roots is opened on a
 * client's word.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc_device_int.h"

#define NTFS_SB_MAGIC 0x5346544eu    /* ntfs3 and ntfs-3g report this */
#define DIRDATA_WCHARS 511u          /* DIRECTORY_DATA strings: WCHAR[512] */

/* --- shared helpers (svc_device_int.h) ------------------------------------ */

int dev_file_open(struct svc *s, const char *path, struct dev_file *f)
{
	int err;

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	err = paths_parse(&s->paths, path, strlen(path), &f->loc);
	if (err < 0)
		return err;
	f->parsed = true;
	err = paths_open(&s->paths, &f->loc, O_PATH, &f->fd);
	if (err < 0) {
		f->fd = -1;
		return err;
	}
	if (fstat(f->fd, &f->sb) < 0)
		err = -errno;
	else
		err = paths_fd_path(&s->paths, f->fd, f->abs, sizeof(f->abs));
	if (err < 0)
		dev_file_close(f);
	return err;
}

void dev_file_close(struct dev_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

void dev_proc_path(int fd, char *buf, size_t cap)
{
	snprintf(buf, cap, "/proc/self/fd/%d", fd);
}

int dev_vhd_info(const struct dev_file *f, struct vhd_info *info)
{
	char p[64];
	vhd_chain *ch;
	int rc;

	if (f->fd < 0 || !S_ISREG(f->sb.st_mode))
		return -EINVAL;
	dev_proc_path(f->fd, p, sizeof(p));
	rc = vhd_chain_open(p, VHD_OPEN_RDONLY | VHD_OPEN_NOPARENT | VHD_OPEN_NOLOCK, &ch);
	if (rc < 0)
		return rc;
	rc = vhd_chain_layer_info(ch, 0, info);
	vhd_chain_close(ch);
	return rc;
}

static bool same_file(const char *path, const struct stat *sb)
{
	struct stat o;

	return stat(path, &o) == 0 && o.st_dev == sb->st_dev && o.st_ino == sb->st_ino;
}

/* Does registered disk D use F (be it, or have it as an ancestor)? */
static int disk_uses(const struct state_disk *d, const struct dev_file *f,
		     const struct vhd_info *vi, char *why, size_t cap)
{
	struct vhd_info li;
	vhd_chain *ch;
	int k, depth, found = 0;

	if (!strcmp(d->path, f->abs) || same_file(d->path, &f->sb)) {
		snprintf(why, cap, "it is virtual disk %lld", (long long)d->wtd);
		return 1;
	}
	if (!vi || d->vhd_type == STATE_VHD_FIXED || d->vhd_type == STATE_VHD_DYNAMIC)
		return 0;    /* F is not a VHD, or D has no parent: nothing to open */
	/* The registered disk's own chain, as bs_vhd would open it. */
	if (vhd_chain_open(d->path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &ch) == 0) {
		depth = vhd_chain_depth(ch);
		for (k = 1; k < depth && !found; k++)
			found = vhd_chain_layer_info(ch, k, &li) == 0 && same_file(li.path, &f->sb);
		vhd_chain_close(ch);
	} else if (vhd_chain_open(d->path, VHD_OPEN_RDONLY | VHD_OPEN_NOPARENT | VHD_OPEN_NOLOCK,
				  &ch) == 0) {
		/* its chain is broken already: at least keep the direct link */
		found = vhd_chain_layer_info(ch, 0, &li) == 0 && vhd_info_is_child_of(&li, vi);
		vhd_chain_close(ch);
	}
	if (!found)
		return 0;
	snprintf(why, cap, "it is the parent of virtual disk %lld ('%.200s')",
		 (long long)d->wtd, d->path);
	return 2;
}

int dev_registered_use(struct svc *s, const struct dev_file *f, const struct vhd_info *vi,
		       char *why, size_t cap)
{
	enum { BATCH = 16 };
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_disk *d;
	size_t n = 0, i;
	int rc, found = 0;

	d = calloc(BATCH, sizeof(*d));
	if (!d)
		return -ENOMEM;
	do {
		rc = state_disk_next(s->st, &cur, true, d, BATCH, &n);
		if (rc < 0)
			break;
		for (i = 0; i < n && !found; i++)
			found = disk_uses(&d[i], f, vi, why, cap);
	} while (!found && n == BATCH);
	free(d);
	return rc < 0 ? rc : found;
}

/* The HRESULT for a file that is not there: ERROR_PATH_NOT_FOUND when a
 * directory on the way is missing, else ERROR_FILE_NOT_FOUND. */
static uint32_t missing_hr(struct svc *s, const struct dev_file *f, int err)
{
	char name[PATHS_NAME_MAX + 1];
	int dfd, rc;

	if (err == -ENOTDIR)
		return ERROR_PATH_NOT_FOUND;
	if (err != -ENOENT)
		return svc_hresult(err);
	rc = paths_open_parent(&s->paths, &f->loc, &dfd, name);
	if (rc < 0)
		return rc == -ENOENT || rc == -ENOTDIR ? ERROR_PATH_NOT_FOUND : svc_hresult(rc);
	close(dfd);
	return ERROR_FILE_NOT_FOUND;
}

/* --- volumes -------------------------------------------------------------- */

/* A stable name-based GUID for a root directory (two FNV-1a hashes). */
static void root_guid(const char *dir, char *out, size_t cap)
{
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	const unsigned char *p;

	for (p = (const unsigned char *)dir; *p; p++) {
		h1 = (h1 ^ *p) * 0x100000001b3ull;
		h2 = (h2 ^ *p) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
	}
	snprintf(out, cap, "\\\\?\\Volume{%08x-%04x-%04x-%04x-%012llx}\\", (unsigned)(h1 >> 32),
		 (unsigned)(h1 >> 16) & 0xffffu, ((unsigned)h1 & 0x0fffu) | 0x8000u,
		 ((unsigned)(h2 >> 48) & 0x3fffu) | 0x8000u,
		 (unsigned long long)(h2 & 0xffffffffffffull));
}

static int volume_of(struct svc *s, size_t i, struct svc_device_volume *v)
{
	const struct paths_root *r = &s->paths.roots[i];
	struct paths_drive_info di;
	const char *base;
	long bits;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = paths_drive_info(&s->paths, r->letter, &di);
	if (rc < 0)
		return rc;
	v->index = (uint32_t)i;
	v->sparse = di.sparse;
	snprintf(v->drive, sizeof(v->drive), "%c:\\", r->letter);
	root_guid(r->dir, v->guid, sizeof(v->guid));
	base = strrchr(r->dir, '/');
	snprintf(v->label, sizeof(v->label), "%s", base && base[1] ? base + 1 : "");
	snprintf(v->fs_name, sizeof(v->fs_name), "%s", di.fs_name);
	v->total_bytes = di.total_bytes;
	v->free_bytes = di.free_bytes;
	/* FILESIZEBITS: bits of a signed integer holding the largest size */
	bits = fpathconf(r->fd, _PC_FILESIZEBITS);
	v->max_file_size = bits > 1 && bits < 64 ? (1ull << (bits - 1)) - 1 : (uint64_t)INT64_MAX;
	return 0;
}

static int volumes_fetch(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
			 void *out, size_t max, size_t *n)
{
	size_t i = (size_t)(*cursor + 1), k = 0;
	int rc;

	(void)rq;
	for (; i < s->paths.nroots && k < max; i++, k++) {
		if (out && (rc = volume_of(s, i, (struct svc_device_volume *)out + k)) < 0)
			return rc;
		*cursor = (int64_t)i;
	}
	*n = k;
	return 0;
}

int answer_device_volumes(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct svc_device_volume),
			       volumes_fetch);
}

/* No physical disks or resource groups are exposed: always empty. */
static int empty_fetch(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor, void *out,
		       size_t max, size_t *n)
{
	(void)s;
	(void)rq;
	(void)cursor;
	(void)out;
	(void)max;
	*n = 0;
	return 0;
}

int answer_device_empty(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, 1, empty_fetch);
}

int dev_path_req(const uint8_t *req, struct svc_device_path_req *rq)
{
	memcpy(rq, req, sizeof(*rq));
	return SVC_STR_OK(rq->path) ? 0 : -EBADMSG;
}

static int volume_reply(struct svc *s, size_t root, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_volume_reply rp;
	int rc;

	memset(&rp, 0, sizeof(rp));
	rc = volume_of(s, root, &rp.v);
	if (rc < 0)
		return svc_reply_hr(reply, reply_len, svc_hresult(rc));
	rp.hr = S_OK;
	memcpy(reply, &rp, sizeof(rp));
	*reply_len = sizeof(rp);
	return 0;
}

/* GetVolumeInfo: the volume a path lives on; ERROR_FILE_NOT_FOUND for a
 * path on no storage root (3.32.4.3). */
int answer_device_volume_info(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	struct paths_loc loc;
	int rc;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	rc = paths_parse(&s->paths, rq.path, strlen(rq.path), &loc);
	if (rc == -EACCES)
		return svc_reply_hr(reply, reply_len, ERROR_FILE_NOT_FOUND);
	if (rc < 0)
		return svc_reply_hr(reply, reply_len, svc_hresult(rc));
	return volume_reply(s, (size_t)(loc.root - s->paths.roots), reply, reply_len);
}

/* GetDriveInfo: "C", "C:", "C:\" (or any path on the drive);
 * ERROR_INVALID_DRIVE for a letter that is not a storage root. */
int answer_device_drive_info(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	const struct paths_root *r;
	struct paths_loc loc;
	const char *d;
	int rc;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	d = rq.path;
	if (((d[0] >= 'A' && d[0] <= 'Z') || (d[0] >= 'a' && d[0] <= 'z')) &&
	    (d[1] == 0 || (d[1] == ':' && (d[2] == 0 || ((d[2] == '\\' || d[2] == '/') &&
							 d[3] == 0))))) {
		r = paths_root_by_letter(&s->paths, d[0]);
		if (!r)
			return svc_reply_hr(reply, reply_len, ERROR_INVALID_DRIVE);
		return volume_reply(s, (size_t)(r - s->paths.roots), reply, reply_len);
	}
	rc = paths_parse(&s->paths, d, strlen(d), &loc);
	if (rc == -EACCES)
		return svc_reply_hr(reply, reply_len, ERROR_INVALID_DRIVE);
	if (rc < 0)
		return svc_reply_hr(reply, reply_len, svc_hresult(rc));
	return volume_reply(s, (size_t)(loc.root - s->paths.roots), reply, reply_len);
}

/* --- checks ----------------------------------------------------------------- */

/* IsValidWtDevice (3.30.4.4, 3.31.4.1). */
int answer_device_is_valid(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	struct vhd_info vi;
	struct dev_file f;
	uint32_t hr = S_OK;
	int rc;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	rc = dev_file_open(s, rq.path, &f);
	if (rc < 0)
		hr = f.parsed ? missing_hr(s, &f, rc) : svc_hresult(rc);
	else if (S_ISDIR(f.sb.st_mode))
		hr = ERROR_PATH_NOT_FOUND;     /* "specifies the root directory" */
	else if (dev_vhd_info(&f, &vi) < 0)
		hr = ERROR_INVALID_DATA;
	else if (vi.type != VHD_TYPE_FIXED && vi.type != VHD_TYPE_DYNAMIC &&
		 vi.type != VHD_TYPE_DIFF)
		hr = ERROR_UNSUPPORTED_TYPE;
	dev_file_close(&f);
	return svc_reply_hr(reply, reply_len, hr);
}

/* IsPathValid (3.30.4.9, 4.1): a file (existing or to be made) inside a
 * root, on the root's own file system, not used by a virtual disk. */
int answer_device_path_valid(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	char name[PATHS_NAME_MAX + 1], why[512];
	struct stat rsb, dsb;
	struct dev_file f;
	uint32_t hr = S_OK;
	int rc, dfd;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	rc = dev_file_open(s, rq.path, &f);
	if (rc < 0 && !f.parsed) {
		hr = rc == -EACCES ? E_ACCESSDENIED : E_FAIL;
	} else if (rc == 0 && !S_ISREG(f.sb.st_mode)) {
		hr = E_FAIL;                   /* a directory */
	} else if (rc == 0) {
		rc = dev_registered_use(s, &f, NULL, why, sizeof(why));
		if (rc > 0)
			hr = ERROR_DEVICE_IN_USE;
		else if (rc < 0)
			hr = svc_hresult(rc);
	} else if (rc == -ENOTDIR) {
		hr = E_FAIL;                   /* a file where a directory should be */
	} else if (rc != -ENOENT) {
		hr = rc == -EACCES ? E_ACCESSDENIED : svc_hresult(rc);
	}
	/* a volume mounted inside the root is not the root's volume */
	if (hr == S_OK && paths_open_parent(&s->paths, &f.loc, &dfd, name) == 0) {
		if (fstat(f.loc.root->fd, &rsb) == 0 && fstat(dfd, &dsb) == 0 &&
		    rsb.st_dev != dsb.st_dev)
			hr = ERROR_INVALID_DRIVE;
		close(dfd);
	}
	dev_file_close(&f);
	return svc_reply_hr(reply, reply_len, hr);
}

/* DoesFileExist (3.30.4.11): S_OK for an existing regular file, E_FAIL
 * otherwise; a malformed path is E_INVALIDARG, one outside the roots
 * E_ACCESSDENIED (whether it exists is nobody's business). */
int answer_device_exists(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	struct dev_file f;
	uint32_t hr;
	int rc;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	rc = dev_file_open(s, rq.path, &f);
	if (rc < 0 && (!f.parsed || rc == -EACCES))
		hr = svc_hresult(rc);
	else
		hr = rc == 0 && S_ISREG(f.sb.st_mode) ? S_OK : E_FAIL;
	dev_file_close(&f);
	return svc_reply_hr(reply, reply_len, hr);
}

/* A path that need not exist but, where it does, must be something the
 * sandbox opens (no symlink out, no device): S_OK or the HRESULT. */
static uint32_t check_maybe(struct svc *s, const char *path, struct dev_file *f)
{
	int rc = dev_file_open(s, path, f);

	dev_file_close(f);
	if (rc < 0 && (!f->parsed || (rc != -ENOENT && rc != -ENOTDIR)))
		return svc_hresult(rc);
	return S_OK;
}

/* IsPathNtfs (3.30.4.10): S_OK only on an NTFS root, else S_FALSE. */
int answer_device_is_ntfs(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	struct dev_file f;
	struct statfs fs;
	uint32_t hr;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	hr = check_maybe(s, rq.path, &f);
	if (hr != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	if (fstatfs(f.loc.root->fd, &fs) == 0 && (uint32_t)fs.f_type == NTFS_SB_MAGIC)
		return svc_reply_hr(reply, reply_len, S_OK);
	return svc_reply_hr(reply, reply_len, S_FALSE);
}

/* GetResourceGroupFromPath (3.32.4.7): a well-formed path inside a root is
 * in no resource group (no HA cluster); the child answers "". */
int answer_device_rg_from_path(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_path_req rq;
	struct dev_file f;

	if (dev_path_req(req, &rq) < 0)
		return -EBADMSG;
	return svc_reply_hr(reply, reply_len, check_maybe(s, rq.path, &f));
}

/* --- directory listings ------------------------------------------------------ */

/* UTF-16 units of UTF-8 S. */
static size_t utf16_units(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/* FindFirst / FindNext (3.3.4.2, 3.3.4.3).  A last component with * or ?
 * is a pattern, as in FindFirstFile ("C:\disks\*", "C:\*.vhd"; "*.*"
 * matches every name), compared ignoring case. */
int answer_device_list_dir(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_device_dir_req *rq;
	struct svc_device_dir_reply *rp;
	struct paths_dirent *ents = NULL;
	char *sep, *dir, pat[PATHS_NAME_MAX + 1];
	const char *pattern = NULL;
	size_t n = 0, i;
	int rc;

	rq = malloc(sizeof(*rq));
	rp = calloc(1, sizeof(*rp));
	if (!rq || !rp) {
		free(rq);
		free(rp);
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	}
	memcpy(rq, req, sizeof(*rq));
	if (!SVC_STR_OK(rq->dir) || !SVC_STR_OK(rq->after)) {
		free(rq);
		free(rp);
		return -EBADMSG;
	}
	dir = rq->dir;
	sep = strrchr(dir, '\\');
	if (!sep || (strrchr(dir, '/') && strrchr(dir, '/') > sep))
		sep = strrchr(dir, '/');
	if (strpbrk(sep ? sep + 1 : dir, "*?")) {
		if (!sep) {
			rp->hr = E_INVALIDARG;
			goto out;
		}
		snprintf(pat, sizeof(pat), "%s", strcmp(sep + 1, "*.*") ? sep + 1 : "*");
		/* keep the separator of a drive root ("C:\*" lists "C:\") */
		if (sep > dir && sep[-1] == ':')
			sep[1] = '\0';
		else
			sep[0] = '\0';
		pattern = strcmp(pat, "*") ? pat : NULL;
	}
	rc = paths_list_dir(&s->paths, dir, strlen(dir), &ents, &n);
	if (rc < 0) {
		rp->hr = rc == -ENOENT ? ERROR_PATH_NOT_FOUND : svc_hresult(rc);
		goto out;
	}
	rp->hr = ERROR_NO_MORE_FILES;
	for (i = 0; i < n; i++) {
		if (rq->after[0] && strcmp(ents[i].name, rq->after) <= 0)
			continue;
		if (pattern && fnmatch(pattern, ents[i].name, FNM_CASEFOLD | FNM_PERIOD) != 0)
			continue;
		if (utf16_units(ents[i].full) > DIRDATA_WCHARS ||
		    strlen(ents[i].name) >= sizeof(rp->name))
			continue;    /* would not fit DIRECTORY_DATA: the client could not use it */
		rp->hr = S_OK;
		rp->type = ents[i].is_dir ? 0 : 1;
		snprintf(rp->name, sizeof(rp->name), "%s", ents[i].name);
		snprintf(rp->full, sizeof(rp->full), "%s", ents[i].full);
		break;
	}
out:
	free(ents);
	if (rp->hr == S_OK) {
		memcpy(reply, rp, sizeof(*rp));
		*reply_len = sizeof(*rp);
	} else {
		svc_reply_hr(reply, reply_len, rp->hr);
	}
	free(rq);
	free(rp);
	return 0;
}

