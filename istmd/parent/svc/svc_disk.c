/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_disk.c: the parent's answers for virtual disks: IWTDiskMgr/2/3/4,
 * IWTDisk/2/3, IEnumWTDisk, IEnumLMMountPoint.
 *
 * A virtual disk is a VHD file inside a storage root, registered in the
 * store.  Registering reads the VHD's headers with libvhd without taking
 * its locks (tgtd's bs_vhd may hold the top exclusively while it serves
 * it): the type, the virtual size, and for a differencing disk every
 * ancestor, each of which must resolve inside a storage root too, so a
 * disk can never make tgtd read a file outside them.  A registered
 * ancestor becomes the new disk's parent (parent_wtd) and is made
 * read-only (the base rule, enforced by the store: a parent is never
 * written through a target or a local mount); differencing disks that
 * were registered before their parent are linked to it when it comes.
 *
 * Trade-off: libvhd opens by path, so a file swapped between the sandbox's
 * check and libvhd's open is not caught here; the parent chain is checked
 * with realpath() on what libvhd actually opened, which is what matters
 * for tgtd.  Changing a disk that targets map re-applies those targets
 * (sync), one tgtadm round per target.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "parent/state/state_snapshot.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc.h"
#include "parent/svc/svc_snapshot_int.h"
#include "parent/sync/sync.h"
#include "proto/disk.h"
#include "vhd.h"

/* --- reading a disk ------------------------------------------------------- */

static char drive_of(struct svc *s, const char *abs)
{
	struct paths_loc loc;

	if (paths_parse(&s->paths, abs, strlen(abs), &loc) < 0)
		return 0;
	return loc.root->letter;
}

/* Ancestor LAYER (1 = parent) of the differencing VHD at ABS, canonical,
 * into OUT; -ENOENT when there is none. */
static int vhd_ancestor(const char *abs, int layer, char *out, size_t cap)
{
	struct vhd_info *info = malloc(sizeof(*info));
	vhd_chain *c;
	char real[PATH_MAX];
	int err;

	if (!info)
		return -ENOMEM;
	err = vhd_chain_open(abs, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c);
	if (err == 0) {
		if (layer >= vhd_chain_depth(c))
			err = -ENOENT;
		else
			err = vhd_chain_layer_info(c, layer, info);
		vhd_chain_close(c);
	}
	if (err == 0 && !realpath(info->path, real))
		err = -errno;
	if (err == 0 && strlen(real) >= cap)
		err = -ENAMETOOLONG;
	if (err == 0)
		strcpy(out, real);
	free(info);
	return err;
}

static void to_info(struct svc *s, struct state_disk *d, struct svc_disk_info *out)
{
	struct state_disk_usage u;
	char parent[PATH_MAX];
	struct stat st;

	svc_disk_mount_live(s, d);
	memset(out, 0, sizeof(*out));
	out->wtd = d->wtd;
	memcpy(out->guid, d->guid, 16);
	snprintf(out->serial, sizeof(out->serial), "%s", d->serial);
	if (paths_to_client(&s->paths, d->path, out->path, sizeof(out->path)) < 0)
		snprintf(out->path, sizeof(out->path), "%s", d->path);
	snprintf(out->description, sizeof(out->description), "%s", d->description);
	out->size = d->size;
	out->parent_wtd = d->parent_wtd;
	out->wtd_flags = d->wtd_flags | (d->read_only ? SVC_WTD_FLAG_READ_ONLY : 0);
	out->wtd_type = (uint32_t)d->wtd_type;
	out->vhd_type = (uint32_t)d->vhd_type;
	out->lm_type = d->lm_mount_point[0] ? d->lm_type : SVC_MOUNT_NONE;
	snprintf(out->lm_mount_point, sizeof(out->lm_mount_point), "%s", d->lm_mount_point);
	out->enabled = d->enabled;
	out->read_only = d->read_only;
	out->persistent = !(d->flags & STATE_PENDING);
	out->cache_parent = !!(d->flags & STATE_CACHE_PARENT);
	out->drive = drive_of(s, d->path);
	if (state_disk_usage(s->st, d->wtd, &u) == 0) {
		out->mappings = (uint32_t)u.mappings;
		out->children = (uint32_t)u.children;
	}
	svc_disk_served_path(s, d, parent, sizeof(parent));   /* the top is what is served */
	if (stat(parent, &st) == 0 && S_ISREG(st.st_mode)) {
		out->file_ok = 1;
		out->allocated = d->vhd_type == STATE_VHD_FIXED ? d->size : (uint64_t)st.st_size;
	}
	if (d->vhd_type == STATE_VHD_DIFF && vhd_ancestor(d->path, 1, parent, sizeof(parent)) == 0 &&
	    paths_to_client(&s->paths, parent, out->parent_path, sizeof(out->parent_path)) < 0)
		out->parent_path[0] = 0;
}

/* REPLY is not aligned for the struct: build it aside, then copy. */
static int reply_info(struct svc *s, struct state_disk *d, uint8_t *reply, size_t *reply_len)
{
	struct svc_disk_reply *r = calloc(1, sizeof(*r));

	if (!r)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	r->hr = S_OK;
	to_info(s, d, &r->info);
	memcpy(reply, r, sizeof(*r));
	*reply_len = sizeof(*r);
	free(r);
	return 0;
}

/* Load disk WTD into *D, malloc'd (the struct is large for the stack);
 * the caller frees *D whatever the answer.  The HRESULT for a missing disk
 * is ERROR_FILE_NOT_FOUND. */
static uint32_t load(struct svc *s, int64_t wtd, struct state_disk **d)
{
	int err;

	*d = malloc(sizeof(**d));
	if (!*d)
		return E_OUTOFMEMORY;
	if (wtd < 0)
		return ERROR_FILE_NOT_FOUND;
	err = state_disk_get(s->st, wtd, *d);
	if (err < 0) {
		if (err != -ENOENT)
			log_warnx("reading disk %lld failed: %s", (long long)wtd, state_errmsg(s->st));
		return svc_hresult(err);
	}
	svc_disk_mount_live(s, *d);
	return S_OK;
}

/* load() the disk a struct svc_disk_ref_req names. */
static uint32_t load_ref(struct svc *s, const uint8_t *req, struct state_disk **d)
{
	struct svc_disk_ref_req rq;

	memcpy(&rq, req, sizeof(rq));
	return load(s, rq.wtd, d);
}

/* --- CreateWTDisk, CreateWTDiskNonPersistent -------------------------------- */

#define FETCH_BATCH 16               /* rows read per store query */

/* What the VHD at ABS is; every ancestor must be inside a root.  HRESULT. */
static uint32_t inspect(struct svc *s, const char *abs, struct state_disk *d, char *parent,
			size_t cap)
{
	struct vhd_info *info = malloc(sizeof(*info));
	vhd_chain *c = NULL;
	char real[PATH_MAX];
	struct paths_loc loc;
	uint32_t hr = S_OK;
	int err, depth;

	parent[0] = 0;
	if (!info)
		return E_OUTOFMEMORY;
	err = vhd_chain_open(abs, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c);
	if (err < 0) {
		log_warnx("registering '%s' refused: %s", abs, vhd_errmsg());
		hr = err == -ENOENT ? ERROR_FILE_NOT_FOUND : err == -ENOMEM ? E_OUTOFMEMORY
			: E_INVALIDARG;   /* not a VHD, corrupt, a loop */
		goto out;
	}
	depth = vhd_chain_depth(c);
	for (int i = 0; i < depth && hr == S_OK; i++) {
		if (vhd_chain_layer_info(c, i, info) < 0) {
			hr = E_INVALIDARG;
			break;
		}
		if (i == 0) {
			d->size = info->virtual_size;
			d->vhd_type = info->type == VHD_TYPE_DIFF ? STATE_VHD_DIFF
				: info->type == VHD_TYPE_DYNAMIC ? STATE_VHD_DYNAMIC : STATE_VHD_FIXED;
			continue;
		}
		/* an ancestor: tgtd will read it, so it must be ours */
		if (!realpath(info->path, real) ||
		    paths_parse(&s->paths, real, strlen(real), &loc) < 0) {
			log_warnx("registering '%s' refused: its ancestor '%s' is outside the "
				  "storage roots", abs, info->path);
			hr = E_ACCESSDENIED;
		} else if (i == 1) {
			snprintf(parent, cap, "%s", real);
		}
	}
	if (hr == S_OK && (d->size == 0 || d->size > VHD_MAX_CREATE_SIZE || d->size > INT64_MAX))
		hr = ERROR_BAD_LENGTH;
out:
	vhd_chain_close(c);
	free(info);
	return hr;
}

/* bClearPartTable: zero the MBR and both GPT headers and tables. */
static uint32_t clear_partition_table(const char *abs)
{
	static const uint8_t zero[34 * 512];
	vhd_chain *c;
	uint64_t size, n;
	int err;

	err = vhd_chain_open(abs, 0, &c);
	if (err < 0) {
		log_warnx("clearing the partition table of '%s' failed: %s", abs, vhd_errmsg());
		return err == -EBUSY ? ERROR_SHARING_VIOLATION : svc_hresult(err);
	}
	size = vhd_chain_size(c);
	n = size < sizeof(zero) ? size : sizeof(zero);
	err = vhd_chain_pwrite(c, zero, (size_t)n, 0);
	if (err >= 0 && size > sizeof(zero))
		err = vhd_chain_pwrite(c, zero, 33 * 512, size - 33 * 512);
	if (err >= 0)
		err = vhd_chain_flush(c);
	if (err < 0)
		log_warnx("clearing the partition table of '%s' failed: %s", abs, vhd_errmsg());
	vhd_chain_close(c);
	return err < 0 ? svc_hresult(err) : S_OK;
}

/* Differencing disks registered before their parent D: link them to it
 * (parent_wtd) and make D read-only, inside the caller's transaction. */
static int adopt_children(struct svc *s, struct state_disk *d)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_disk *batch = calloc(FETCH_BATCH, sizeof(*batch));
	char parent[PATH_MAX];
	size_t got, i, adopted = 0;
	int err;

	if (!batch)
		return -ENOMEM;
	while ((err = state_disk_next(s->st, &cur, true, batch, FETCH_BATCH, &got)) == 0 && got) {
		for (i = 0; i < got && err == 0; i++) {
			struct state_disk *c = &batch[i];

			if (c->vhd_type != STATE_VHD_DIFF || c->parent_wtd >= 0 || c->wtd == d->wtd ||
			    vhd_ancestor(c->path, 1, parent, sizeof(parent)) < 0 ||
			    strcmp(parent, d->path) != 0)
				continue;
			c->parent_wtd = d->wtd;
			err = state_disk_update(s->st, c);
			adopted++;
			log_info("disk %lld is the parent of disk %lld", (long long)d->wtd,
				 (long long)c->wtd);
		}
		if (err < 0)
			break;
	}
	if (err == 0 && adopted && !d->read_only) {
		d->read_only = true;
		err = state_disk_update(s->st, d);
	}
	free(batch);
	return err;
}

int answer_disk_create(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_disk_create_req rq;
	struct state_disk *d = NULL, *p = NULL;
	char abs[PATHS_PATH_MAX + 1], parent[PATH_MAX];
	struct state_disk_usage u;
	uint32_t hr = S_OK;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.path) || !SVC_STR_OK(rq.description))
		return -EBADMSG;
	if (rq.wtd_type == STATE_WTD_VOLUME || rq.wtd_type == STATE_WTD_RAM)
		return svc_reply_hr(reply, reply_len, ERROR_NOT_SUPPORTED);
	if (rq.wtd_type != STATE_WTD_FILE)
		return svc_reply_hr(reply, reply_len, E_INVALIDARG);
	err = paths_resolve_file(&s->paths, rq.path, strlen(rq.path), abs, sizeof(abs));
	if (err < 0) {
		log_info("registering disk '%s' refused: %s", rq.path, paths_errmsg(&s->paths));
		return svc_reply_hr(reply, reply_len, paths_hresult(err));
	}
	d = calloc(2, sizeof(*d));
	if (!d)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	p = d + 1;
	if (state_disk_get_by_path(s->st, abs, p) == 0) {
		hr = ERROR_ALREADY_EXISTS;
		goto out;
	}
	if (rq.wtd >= 0) {
		/* indexes are the store's, never reused: one cannot be chosen */
		hr = state_disk_get(s->st, rq.wtd, p) == 0 ? ERROR_ALREADY_EXISTS : E_INVALIDARG;
		goto out;
	}
	state_disk_init(d, abs);
	snprintf(d->description, sizeof(d->description), "%s", rq.description);
	err = svc_dvd_image_check(abs, &d->size, false);   /* most files are VHDs */
	if (err == 0) {
		/* an ISO image: a virtual DVD, only ever read (svc_dvd.c) */
		d->flags |= STATE_DVD;
		d->read_only = true;
		d->vhd_type = STATE_VHD_INVALID;
		parent[0] = 0;
	} else if (err != -EMEDIUMTYPE) {
		hr = svc_hresult(err);
		goto out;
	} else {
		hr = inspect(s, abs, d, parent, sizeof(parent));
		if (hr == E_INVALIDARG)         /* neither: say why it is no image either */
			svc_dvd_image_check(abs, &d->size, true);
	}
	if (hr != S_OK)
		goto out;
	if (parent[0] && state_disk_get_by_path(s->st, parent, p) == 0) {
		/* the base rule: a parent is only ever read */
		if (state_disk_usage(s->st, p->wtd, &u) < 0) {
			hr = E_FAIL;
			goto out;
		}
		svc_disk_mount_live(s, p);
		if ((u.mappings && !p->read_only) ||
		    (p->lm_mount_point[0] && !p->read_only && !u.children)) {
			log_info("registering '%s' refused: its parent disk %lld is in use writable",
				 abs, (long long)p->wtd);
			hr = ERROR_SHARING_VIOLATION;
			goto out;
		}
		d->parent_wtd = p->wtd;
	}
	if (rq.flags & SVC_DISK_CREATE_CLEAR) {
		hr = clear_partition_table(abs);
		if (hr != S_OK)
			goto out;
	}
	if (!(rq.flags & SVC_DISK_CREATE_PERSIST))
		d->flags |= STATE_PENDING;
	err = state_begin(s->st);
	if (err == 0 && d->parent_wtd >= 0 && !p->read_only) {
		p->read_only = true;
		err = state_disk_update(s->st, p);
	}
	if (err == 0)
		err = state_disk_add(s->st, d);
	if (err == 0)
		err = adopt_children(s, d);
	if (err == 0)
		err = state_commit(s->st);
	else
		state_rollback(s->st);
	if (err < 0) {
		log_warnx("registering disk '%s' failed: %s", abs, state_errmsg(s->st));
		hr = err == -EBUSY ? ERROR_SHARING_VIOLATION : err == -EINVAL ? E_INVALIDARG
			: svc_hresult(err);
		goto out;
	}
	log_info("disk %lld registered: '%s' (%s%s)", (long long)d->wtd, abs,
		 d->flags & STATE_DVD ? "ISO image, a virtual DVD"
		 : d->vhd_type == STATE_VHD_DIFF ? "differencing" : d->vhd_type == STATE_VHD_DYNAMIC
		 ? "dynamic" : "fixed", d->flags & STATE_PENDING ? ", not persistent" : "");
	reply_info(s, d, reply, reply_len);
	free(d);
	return 0;
out:
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

/* --- DeleteWTDisk, CloseWTDisk ---------------------------------------------- */

static uint32_t delete_disk(struct svc *s, struct state_disk *d)
{
	struct state_disk_usage u;
	size_t n = 0;
	int err;

	if (d->lm_mount_point[0])
		return ERROR_SHARING_VIOLATION;       /* "the present LUN is locally mounted" */
	err = state_disk_usage(s->st, d->wtd, &u);
	if (err < 0)
		return svc_hresult(err);
	if (u.mappings)
		return ERROR_DRIVE_LOCKED;            /* assigned: initiators may use it */
	if (u.children)
		return ERROR_DEPENDENT_RESOURCE_EXISTS;   /* differencing disks depend on it */
	if (state_snapshot_count(s->st, d->wtd, &n) == 0 && n)
		return ERROR_DEPENDENT_RESOURCE_EXISTS;   /* its snapshots read its layers */
	err = svc_disk_delete_record(s, d);   /* its snapshot layers folded into its file */
	if (err == -ENOENT)
		return S_OK;
	if (err < 0) {
		log_warnx("deleting disk %lld failed: %s", (long long)d->wtd,
			  err == -EBUSY ? state_errmsg(s->st) : strerror(-err));
		return err == -EBUSY ? ERROR_DRIVE_LOCKED : svc_hresult(err);
	}
	log_info("disk %lld ('%s') deleted", (long long)d->wtd, d->path);
	return S_OK;
}

int answer_disk_delete(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_disk *d;
	uint32_t hr = load_ref(s, req, &d);

	if (hr == ERROR_FILE_NOT_FOUND)
		hr = S_OK;          /* 3.46.4.4: an unknown index is not an error */
	else if (hr == S_OK)
		hr = delete_disk(s, d);
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

int answer_disk_close(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_disk *d;
	uint32_t hr = load_ref(s, req, &d);

	if (hr == S_OK && !(d->flags & STATE_PENDING))
		hr = ERROR_INVALID_OPERATION;   /* persistent: DeleteWTDisk removes it */
	if (hr == S_OK && d->lm_mount_point[0])
		hr = svc_disk_dismount(s, d);
	if (hr == S_OK)
		hr = delete_disk(s, d);
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

/* --- GetWTDisk ------------------------------------------------------------- */

int answer_disk_get(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_disk *d;
	uint32_t hr = load_ref(s, req, &d);

	if (hr == S_OK)
		reply_info(s, d, reply, reply_len);
	else
		svc_reply_hr(reply, reply_len, hr);
	free(d);
	return 0;
}

/* --- IWTDisk::Save ---------------------------------------------------------- */

/* Re-apply every saved target that maps disk WTD. */
uint32_t svc_disk_apply_targets(struct svc *s, int64_t wtd)
{
	struct state_lun_mapping *m = NULL;
	struct state_target *t;
	struct sync_report rep;
	uint32_t hr = S_OK;
	size_t n = 0;
	int err;

	err = state_lun_list_for_disk(s->st, wtd, &m, &n);
	if (err < 0)
		return svc_hresult(err);
	t = malloc(sizeof(*t));
	if (!t) {
		free(m);
		return E_OUTOFMEMORY;
	}
	for (size_t i = 0; i < n; i++) {
		if (state_target_get(s->st, m[i].wtd, t) < 0 || (t->flags & STATE_PENDING) ||
		    t->tid <= 0)
			continue;
		memset(&rep, 0, sizeof(rep));
		err = sync_apply_target(s->st, &s->tgt, t->id, s->bstype, &rep);
		if (err < 0) {
			log_warnx("re-applying target '%s' after a change of disk %lld failed",
				  t->name, (long long)wtd);
			if (hr == S_OK)
				hr = svc_hresult(err);
		}
	}
	free(t);
	free(m);
	return hr;
}

int answer_disk_save(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_disk_save_req rq;
	struct state_disk *d;
	bool changed;
	uint32_t hr;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.description) || rq.enabled > 1)
		return -EBADMSG;
	if (rq.wtd_flags & ~(SVC_WTD_FLAG_ENABLE_LUN_MAPPING | SVC_WTD_FLAG_READ_ONLY))
		return svc_reply_hr(reply, reply_len, E_INVALIDARG);
	hr = load(s, rq.wtd, &d);
	if (hr != S_OK)
		goto out;
	changed = d->enabled != !!rq.enabled ||
		  d->read_only != !!(rq.wtd_flags & SVC_WTD_FLAG_READ_ONLY) ||
		  (d->wtd_flags & SVC_WTD_FLAG_ENABLE_LUN_MAPPING) !=
		  (rq.wtd_flags & SVC_WTD_FLAG_ENABLE_LUN_MAPPING);
	if (d->enabled && !rq.enabled && d->lm_mount_point[0]) {
		hr = svc_disk_dismount(s, d);   /* 3.44.4.2: disabling dismounts */
		if (hr != S_OK)
			goto out;
	}
	if (!(rq.wtd_flags & SVC_WTD_FLAG_READ_ONLY) && (d->flags & STATE_DVD)) {
		hr = E_INVALIDARG;              /* an ISO image is never written */
		goto out;
	}
	if (!(rq.wtd_flags & SVC_WTD_FLAG_READ_ONLY) && d->read_only && d->lm_mount_point[0]) {
		hr = ERROR_SHARING_VIOLATION;   /* mounted read-only: dismount first */
		goto out;
	}
	snprintf(d->description, sizeof(d->description), "%s", rq.description);
	d->enabled = rq.enabled;
	d->read_only = !!(rq.wtd_flags & SVC_WTD_FLAG_READ_ONLY);
	d->wtd_flags = (d->wtd_flags & ~SVC_WTD_FLAG_ENABLE_LUN_MAPPING) |
		       (rq.wtd_flags & SVC_WTD_FLAG_ENABLE_LUN_MAPPING);
	err = state_disk_save(s->st, d);
	if (err < 0) {
		log_info("saving disk %lld refused: %s", (long long)d->wtd, state_errmsg(s->st));
		hr = err == -EBUSY ? ERROR_SHARING_VIOLATION : err == -EINVAL ? E_INVALIDARG
			: svc_hresult(err);
		goto out;
	}
	if (changed)
		hr = svc_disk_apply_targets(s, d->wtd);
out:
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

/* --- DVMountDirect, DVDismount ---------------------------------------------- */

int answer_disk_mount(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_disk_usage u;
	struct state_disk *d;
	uint32_t hr = load_ref(s, req, &d);

	if (hr == S_OK && !d->enabled)
		hr = E_FAIL;
	else if (hr == S_OK && d->wtd_type != STATE_WTD_FILE)
		hr = E_INVALIDARG;
	else if (hr == S_OK && d->vhd_type == STATE_VHD_DIFF)
		hr = ERROR_INVALID_FUNCTION;
	if (hr == S_OK && state_disk_usage(s->st, d->wtd, &u) < 0)
		hr = E_FAIL;
	if (hr == S_OK && u.mappings)
		hr = ERROR_SHARING_VIOLATION;   /* assigned to a target: tgtd owns it */
	if (hr == S_OK && d->lm_mount_point[0])
		hr = svc_disk_dismount(s, d);   /* "dismounts ... if it is currently mounted" */
	if (hr == S_OK)
		hr = svc_disk_mount(s, d, d->read_only || u.children);
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

int answer_disk_dismount(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_disk *d;
	uint32_t hr = load_ref(s, req, &d);

	if (hr == S_OK && d->vhd_type == STATE_VHD_DIFF)
		hr = ERROR_INVALID_FUNCTION;
	else if (hr == S_OK && !d->lm_mount_point[0])
		hr = ERROR_INVALID_OPERATION;   /* not mounted: out of sequence */
	if (hr == S_OK)
		hr = svc_disk_dismount(s, d);
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}

/* --- enumerations ----------------------------------------------------------- */

/* Disks after *CURSOR (all, or those on the root lettered RQ->arg). */
static int fetch_disks(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
		       void *out, size_t max, size_t *n)
{
	struct state_cursor cur = { *cursor };
	uint8_t *items = out;        /* not aligned for struct svc_disk_info */
	struct svc_disk_info *info;
	struct state_disk *batch;
	size_t got, i;
	int err = 0;

	*n = 0;
	if (rq->arg > 0xff)
		return -EINVAL;
	batch = calloc(FETCH_BATCH, sizeof(*batch));
	info = malloc(sizeof(*info));
	if (!batch || !info) {
		free(batch);
		free(info);
		return -ENOMEM;
	}
	while (*n < max) {
		err = state_disk_next(s->st, &cur, true, batch, FETCH_BATCH, &got);
		if (err < 0 || got == 0)
			break;
		for (i = 0; i < got && *n < max; i++) {
			if (rq->arg && drive_of(s, batch[i].path) != (char)rq->arg)
				continue;
			if (items) {
				to_info(s, &batch[i], info);
				memcpy(items + *n * sizeof(*info), info, sizeof(*info));
			}
			(*n)++;
		}
		*cursor = batch[i - 1].wtd;   /* the last row looked at */
		cur.last = *cursor;
		if (i < got)
			break;
	}
	free(batch);
	free(info);
	return err;
}

int answer_disk_enum(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct svc_disk_info),
			       fetch_disks);
}

/* The local mount of disk RQ->scope: one item (key 0) when mounted. */
static int fetch_mounts(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
			void *out, size_t max, size_t *n)
{
	struct svc_disk_mount_item *items = out;
	struct state_disk *d;
	int err;

	*n = 0;
	if (*cursor >= 0 || max == 0)
		return 0;
	d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	err = state_disk_get(s->st, rq->scope, d);
	if (err == 0 && svc_disk_mount_live(s, d)) {
		if (items)
			snprintf(items[0].path, sizeof(items[0].path), "%s", d->lm_mount_point);
		*n = 1;
		*cursor = 0;
	}
	free(d);
	return err;
}

int answer_disk_mounts(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct svc_disk_mount_item),
			       fetch_mounts);
}

/* --- the volume of a path --------------------------------------------------- */

void svc_disk_volume_guid(char letter, const char *dir, uint8_t guid[16])
{
	uint64_t h1 = 0xcbf29ce484222325ull, h2 = 0x84222325cbf29ce4ull;
	const unsigned char *p;
	uint32_t d1;
	uint16_t d2, d3, d4;

	/* the GUID svc_device.c shows as the root's VOLUME szGuid
	 * ("\\?\Volume{...}\"), so GetDeviceVolumeGuid and EnumVolumes agree:
	 * the same two FNV-1a hashes of the directory, laid out as a GUID */
	(void)letter;
	for (p = (const unsigned char *)dir; *p; p++) {
		h1 = (h1 ^ *p) * 0x100000001b3ull;
		h2 = (h2 ^ *p) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
	}
	d1 = (uint32_t)(h1 >> 32);
	d2 = (uint16_t)(h1 >> 16);
	d3 = (uint16_t)((h1 & 0x0fffu) | 0x8000u);
	d4 = (uint16_t)(((h2 >> 48) & 0x3fffu) | 0x8000u);
	guid[0] = (uint8_t)d1;          /* Data1..3 little-endian, as GUIDs travel */
	guid[1] = (uint8_t)(d1 >> 8);
	guid[2] = (uint8_t)(d1 >> 16);
	guid[3] = (uint8_t)(d1 >> 24);
	guid[4] = (uint8_t)d2;
	guid[5] = (uint8_t)(d2 >> 8);
	guid[6] = (uint8_t)d3;
	guid[7] = (uint8_t)(d3 >> 8);
	guid[8] = (uint8_t)(d4 >> 8);   /* Data4 in printed order */
	guid[9] = (uint8_t)d4;
	for (int i = 0; i < 6; i++)
		guid[10 + i] = (uint8_t)(h2 >> (40 - 8 * i));
}

int answer_disk_volume(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	const struct svc_disk_volume_req *rq = (const void *)req;   /* chars only */
	struct svc_disk_volume_reply r;
	struct paths_loc loc;
	int err;

	if (!SVC_STR_OK(rq->path))
		return -EBADMSG;
	err = paths_parse(&s->paths, rq->path, strlen(rq->path), &loc);
	if (err < 0)
		return svc_reply_hr(reply, reply_len, paths_hresult(err));
	memset(&r, 0, sizeof(r));
	r.hr = S_OK;
	r.drive = loc.root->letter;
	svc_disk_volume_guid(loc.root->letter, loc.root->dir, r.guid);
	memcpy(reply, &r, sizeof(r));
	*reply_len = sizeof(r);
	return 0;
}

