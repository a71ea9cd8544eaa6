/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot.c: the parent's answers for ISnapshotMgr's collection
 * (PrepareCreateSnapshot, DoCreateSnapshot, DoEndSnapshot, GetSnapshot,
 * EnumSnapshots, ISnapshot::Save) and for IWTDisk's snapshot properties;
 * taking a snapshot; and the start-up check of the store against the files.
 *
 * A snapshot freezes the disk's top layer; the disk continues on a new
 * empty differencing child (DESIGN.md "Snapshots").  When a target serves
 * the disk, tgtd holds the top open for writing, so the child is made by
 * bs_vhd inside tgtd: istmd creates an empty placeholder and switches the
 * LU to it (--params path=), and bs_vhd makes it a child of the top it just
 * closed, between two commands.  When nothing serves the disk, istmd makes
 * the child itself with libvhd.
 *
 * Crash safety: a layer journal row (the placeholder, its parent: the old
 * top) is written, the placeholder is made, then the store records the
 * snapshot and the new top in one transaction, then the LU is switched.
 * Killed before the commit: the journal's empty file, removed at start.
 * Killed after it: the store names a top tgtd does not serve yet; at start
 * the empty top is made a child of the journal's parent when nothing holds
 * it, or sync switches the LU to it (bs_vhd makes the child then).  Either
 * way the frozen layer was never written after the snapshot.  bs_vhd makes
 * the child without a sync (its fsync inside the switch waited for the old
 * top's data), so the row stays until istmd has synced the child and its
 * folder; a journalled top found empty or torn at start (a crash of the
 * machine) is made again, empty: no flush covered a write to it.
 *
 * Trade-off: DoCreateSnapshot does the whole work (a switch is a few
 * milliseconds), so DoEndSnapshot only checks that it happened.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "common/io.h"
#include "common/now.h"
#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc_snapshot_int.h"
#include "vhd.h"

#define FREE_MIN_BYTES (32ull << 20)    /* refuse a snapshot below this much free space */
#define FREE_MIN_PERCENT 1              /* ... or below this share of the volume */

uint64_t svc_filetime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return 116444736000000000ull + (uint64_t)ts.tv_sec * 10000000ull +
	       (uint64_t)ts.tv_nsec / 100;
}

static bool guid_zero(const uint8_t g[16])
{
	for (int i = 0; i < 16; i++)
		if (g[i])
			return false;
	return true;
}

uint32_t svc_snapshot_load(struct svc *s, const uint8_t guid[16], struct state_snapshot *sn)
{
	int err = state_snapshot_get(s->st, guid, sn);

	if (err == -ENOENT)
		return ERROR_FILE_NOT_FOUND;
	if (err < 0) {
		log_warnx("reading a snapshot failed: %s", state_errmsg(s->st));
		return svc_hresult(err);
	}
	return S_OK;
}

uint32_t svc_snapshot_load_ref(struct svc *s, const uint8_t *req, struct state_snapshot **sn)
{
	struct svc_snapshot_ref_req rq;

	memcpy(&rq, req, sizeof(rq));
	*sn = calloc(1, sizeof(**sn));      /* read (taken) even when not found */
	return *sn ? svc_snapshot_load(s, rq.guid, *sn) : E_OUTOFMEMORY;
}

uint32_t svc_snapshot_disk(struct svc *s, const struct state_snapshot *sn, struct state_disk *d)
{
	int err = state_disk_get(s->st, sn->wtd, d);

	if (err == -ENOENT)
		return ERROR_FILE_NOT_FOUND;
	return err < 0 ? svc_hresult(err) : S_OK;
}

void svc_snapshot_to_info(const struct state_snapshot *sn, struct svc_snapshot_info *out)
{
	memset(out, 0, sizeof(*out));
	memcpy(out->guid, sn->guid, 16);
	out->orig_wtd = sn->wtd;
	out->exported_wtd = sn->exported_wtd;
	out->timestamp = sn->timestamp;
	/* Exported follows the exported disk: deleting it clears the index */
	out->status = (sn->status & ~STATE_SNAP_EXPORTED) |
		      (sn->exported_wtd >= 0 ? STATE_SNAP_EXPORTED : 0);
	out->persistent = sn->taken;
	out->taken = sn->taken;
}

int svc_layer_dir(const struct state_disk *d, bool make, char *buf, size_t cap)
{
	const char *slash = strrchr(d->path, '/');
	int n;

	if (!slash)
		return -EINVAL;
	n = snprintf(buf, cap, "%.*s/" SVC_LAYER_DIR, (int)(slash - d->path), d->path);
	if (n < 0 || (size_t)n >= cap)
		return -ENAMETOOLONG;
	if (make && mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

enum vhd_format svc_layer_format(const char *path)
{
	char head[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool vhdx = fd >= 0 && pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
		    vhd_head_is_vhdx(head, sizeof(head));

	if (fd >= 0)
		close(fd);
	return vhdx ? VHD_FORMAT_VHDX : VHD_FORMAT_VHD;
}

int svc_layer_new_name(const struct state_disk *d, const char *kind, char *buf, size_t cap)
{
	char dir[PATH_MAX];
	uint8_t r[16];
	int err = svc_layer_dir(d, true, dir, sizeof(dir)), n;

	/* a layer has its disk's format, and its name says which (Windows
	 * and Hyper-V go by the extension) */
	const char *ext = svc_layer_format(d->path) == VHD_FORMAT_VHDX ? "vhdx" : "vhd";

	if (err < 0 || (err = state_new_guid(r)) < 0)
		return err;
	n = snprintf(buf, cap, "%s/%lld-%s%02x%02x%02x%02x%02x%02x%02x%02x.%s", dir,
		     (long long)d->wtd, kind, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], ext);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

/* The file D is served from. */
static void served(struct svc *s, const struct state_disk *d, char *buf, size_t cap)
{
	if (state_disk_top_get(s->st, d->wtd, buf, cap) < 0)
		snprintf(buf, cap, "%s", d->path);
}

void svc_disk_served_path(struct svc *s, const struct state_disk *d, char *buf, size_t cap)
{
	served(s, d, buf, cap);
}

uint32_t svc_disk_busy(struct svc *s, struct state_disk *d)
{
	struct state_lun_mapping *m = NULL;
	struct state_target *t;
	uint32_t hr = S_OK;
	size_t n = 0;

	if (svc_disk_mount_live(s, d))
		return ERROR_SHARING_VIOLATION;
	if (state_lun_list_for_disk(s->st, d->wtd, &m, &n) < 0)
		return E_FAIL;
	t = malloc(sizeof(*t));
	for (size_t i = 0; t && i < n && hr == S_OK; i++) {
		struct tgt_conn *c = NULL;
		size_t nc = 0;

		if (state_target_get(s->st, m[i].wtd, t) < 0 || t->tid <= 0)
			continue;
		if (tgt_conn_list(&s->tgt, t->tid, &c, &nc) == 0 && nc > 0)
			hr = ERROR_SHARING_VIOLATION;
		free(c);
	}
	if (!t)
		hr = E_OUTOFMEMORY;
	free(t);
	free(m);
	return hr;
}

int svc_disk_switch(struct svc *s, const struct state_disk *d, const char *path,
		    size_t *switched)
{
	struct state_lun_mapping *m = NULL;
	struct state_target *t;
	size_t n = 0;
	int err, first = 0;

	*switched = 0;
	err = state_lun_list_for_disk(s->st, d->wtd, &m, &n);
	if (err < 0)
		return err;
	t = malloc(sizeof(*t));
	if (!t) {
		free(m);
		return -ENOMEM;
	}
	/* once per switch, not per LU: the kill test cuts here */
	if (n)
		svc_test_pause("switch-request");
	for (size_t i = 0; i < n; i++) {
		if (state_target_get(s->st, m[i].wtd, t) < 0 || t->tid <= 0 ||
		    (t->flags & STATE_PENDING) || !d->enabled)
			continue;
		/* tgt changes the path of an offline LU only, and brings it back
		 * online after; commands that arrive meanwhile wait in bs_vhd
		 * (tgt-backend/README.md, live snapshots).  One request; only a
		 * failed one can leave the LU offline. */
		err = tgt_lu_switch(&s->tgt, t->tid, TGT_LUN_FROM_ISTM(m[i].lun), path);
		if (err < 0 && err != -ENOENT)
			tgt_lu_set_online(&s->tgt, t->tid, TGT_LUN_FROM_ISTM(m[i].lun), true);
		if (err == 0) {
			(*switched)++;
		} else if (err != -ENOENT) {
			log_warnx("switching disk %lld on target '%s' to '%s' failed: %s",
				  (long long)d->wtd, t->name, path, tgt_errmsg(&s->tgt));
			if (!first)
				first = err;
		}
	}
	free(t);
	free(m);
	return first;
}

static bool empty_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
}

bool svc_empty_file(const char *path)
{
	return empty_file(path);
}

/* Make PATH a new empty file, durable (the directory entry too). */
static int make_placeholder(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return -errno;
	close(fd);
	(void)sync_file_and_folder(path); /* a lost placeholder is a snapshot not taken */
	return 0;
}

/* Make the empty placeholder TOP a child of PARENT with libvhd (nothing
 * serves the disk).  -EBUSY when PARENT is held for writing elsewhere. */
static int make_child(const char *top, const char *parent)
{
	struct vhd_create_opts o = { .type = VHD_TYPE_DIFF, .parent = parent,
				     .format = svc_layer_format(parent),
				     .flags = VHD_CREATE_OVERWRITE };
	int err = vhd_create(top, &o);

	if (err < 0)
		log_warnx("making '%s' a child of '%s' failed: %s", top, parent, vhd_errmsg());
	return err;
}

static uint32_t free_space_check(const char *dir)
{
	struct statvfs v;
	uint64_t avail, total;

	if (statvfs(dir, &v) < 0)
		return S_OK;          /* cannot tell: the create itself will fail if full */
	avail = (uint64_t)v.f_bavail * v.f_frsize;
	total = (uint64_t)v.f_blocks * v.f_frsize;
	if (avail < FREE_MIN_BYTES || avail * 100 < total * FREE_MIN_PERCENT) {
		log_info("snapshot refused: %llu bytes free in '%s'", (unsigned long long)avail, dir);
		return VSS_E_INSUFFICIENT_STORAGE;
	}
	return S_OK;
}

uint32_t svc_disk_freeze(struct svc *s, struct state_disk *d, struct state_snapshot *sn,
			 char *new_top, size_t cap)
{
	char old_top[PATH_MAX], dir[PATH_MAX];
	size_t switched = 0;
	uint32_t hr;
	int err;
	struct timespec t;
	double ms_check, ms_prev, ms_placeholder, ms_store, ms_switch, ms_child = 0;
	bool durable;

	now_lap_start(&t);

	served(s, d, old_top, sizeof(old_top));
	if ((err = svc_layer_dir(d, true, dir, sizeof(dir))) < 0 ||
	    (err = svc_layer_new_name(d, "", new_top, cap)) < 0) {
		log_warnx("freezing disk %lld failed: no layer directory: %s", (long long)d->wtd,
			  strerror(-err));
		return E_FAIL;
	}
	hr = free_space_check(dir);
	if (hr != S_OK)
		return hr;
	if (svc_disk_mount_live(s, d))
		return ERROR_SHARING_VIOLATION;    /* vhdfs holds the top for writing */
	ms_check = now_lap_ms(&t);
	/* the previous switch's top settled first, or tgtd would wait for it
	 * inside this switch */
	svc_frozen_wait(s, d->wtd);
	ms_prev = now_lap_ms(&t);
	/* journal first: a placeholder cut off before the commit is removed at
	 * start, one cut off after it becomes a child of OLD_TOP */
	if ((err = state_journal_add(s->st, d->wtd, new_top, old_top)) < 0) {
		log_warnx("freezing disk %lld failed: %s", (long long)d->wtd, state_errmsg(s->st));
		return svc_hresult(err);
	}
	if ((err = make_placeholder(new_top)) < 0) {
		log_warnx("freezing disk %lld failed: cannot make '%s': %s", (long long)d->wtd,
			  new_top, strerror(-err));
		state_journal_drop(s->st, new_top);
		return svc_hresult(err);
	}
	ms_placeholder = now_lap_ms(&t);
	svc_test_pause("freeze-placeholder");
	err = state_begin(s->st);
	if (err == 0 && sn) {
		snprintf(sn->layer, sizeof(sn->layer), "%s", old_top);
		sn->taken = true;
		sn->timestamp = svc_filetime_now();
		err = state_snapshot_update(s->st, sn);
	}
	if (err == 0)
		err = state_disk_top_set(s->st, d->wtd, new_top);
	if (err == 0)
		err = state_commit(s->st);
	else
		state_rollback(s->st);
	if (err < 0) {
		log_warnx("recording the snapshot of disk %lld failed: %s", (long long)d->wtd,
			  state_errmsg(s->st));
		unlink(new_top);
		state_journal_drop(s->st, new_top);
		return svc_hresult(err);
	}
	svc_test_pause("freeze-recorded");
	/* from here the store says NEW_TOP: make it real */
	ms_store = now_lap_ms(&t);
	err = svc_disk_switch(s, d, new_top, &switched);
	if (err == 0 && empty_file(new_top))
		err = make_child(new_top, old_top);
	ms_switch = now_lap_ms(&t);
	if (err < 0 && empty_file(new_top)) {
		/* nothing moved to it: undo, the disk stays on OLD_TOP */
		int e2 = state_begin(s->st);

		if (e2 == 0 && sn) {
			sn->layer[0] = 0;
			sn->taken = false;
			sn->timestamp = 0;
			e2 = state_snapshot_update(s->st, sn);
		}
		if (e2 == 0)
			e2 = strcmp(old_top, d->path) == 0 ? state_disk_top_set(s->st, d->wtd, NULL)
				: state_disk_top_set(s->st, d->wtd, old_top);
		if (e2 == 0)
			e2 = state_commit(s->st);
		else
			state_rollback(s->st);
		if (e2 == 0 && unlink(new_top) == 0)
			state_journal_drop(s->st, new_top);
		return err == -EBUSY || err == -EAGAIN ? ERROR_SHARING_VIOLATION : E_FAIL;
	}
	svc_test_pause("freeze-switched");
	/* tgtd wrote the child and renamed it over the placeholder without a
	 * sync (one inside the switch waited for the old top's data:
	 * tgt-backend/README.md), and libvhd syncs no folder: the journal row
	 * stays until the child and its name are durable, so that a crash of
	 * the machine before finds it at start and makes it again
	 * (svc_snapshot_check) */
	durable = !empty_file(new_top) && sync_file_and_folder(new_top) == 0;
	ms_child = now_lap_ms(&t);
	/* a VHDX top settles in tgtd after the switch: what opens it waits
	 * then (svc_snapshot_settle.c), not the snapshot */
	if (switched)
		svc_frozen_note(s, d->wtd, old_top);
	if (durable)
		state_journal_drop(s->st, new_top);   /* else the start-up check finishes it */
	log_info("disk %lld frozen at '%s'; it continues on '%s'%s", (long long)d->wtd, old_top,
		 new_top, switched ? " (switched live in tgtd)" : "");
	log_info("freeze of disk %lld took: checks %.1f ms, previous top settled %.1f ms, "
		 "placeholder %.1f ms, store %.1f ms, %s %.1f ms, child synced %.1f ms",
		 (long long)d->wtd, ms_check, ms_prev, ms_placeholder, ms_store,
		 switched ? "switch in tgtd (one tgtadm request)" : "child made here", ms_switch,
		 ms_child);
	return S_OK;
}

/* --- PrepareCreateSnapshot, DoCreateSnapshot, DoEndSnapshot ---------------- */

/* Can disk D have a snapshot?  HRESULT ([MS-ISTM] 3.38.4.3). */
static uint32_t disk_snapshottable(struct svc *s, struct state_disk *d)
{
	struct state_disk_usage u;

	if (!d->enabled || (d->flags & STATE_PENDING))
		return ERROR_FILE_NOT_FOUND;      /* "not found or was disabled" */
	if (d->wtd_type != STATE_WTD_FILE || d->vhd_type == STATE_VHD_DIFF)
		return ERROR_INVALID_FUNCTION;    /* <80>: not of a differencing disk */
	if (d->flags & STATE_DVD)
		return ERROR_INVALID_FUNCTION;    /* an ISO image is read-only: nothing to keep */
	if (state_disk_usage(s->st, d->wtd, &u) < 0)
		return E_FAIL;
	if (u.children)
		return ERROR_INVALID_FUNCTION;    /* a parent: its children read it as it is */
	return S_OK;
}

static uint32_t prepare(struct svc *s, int64_t wtd, uint8_t guid[16], struct state_snapshot *sn)
{
	struct state_disk *d = malloc(sizeof(*d));
	uint32_t hr = S_OK;
	size_t n = 0;
	int err;

	if (!d)
		return E_OUTOFMEMORY;
	err = wtd < 0 ? -ENOENT : state_disk_get(s->st, wtd, d);
	if (err < 0)
		hr = err == -ENOENT ? ERROR_FILE_NOT_FOUND : svc_hresult(err);
	if (hr == S_OK)
		hr = disk_snapshottable(s, d);
	if (hr == S_OK && state_snapshot_count(s->st, wtd, &n) < 0)
		hr = E_FAIL;
	if (hr == S_OK && n >= SVC_SNAPSHOT_MAX_PER_DISK)
		hr = VSS_E_MAXIMUM_NUMBER_OF_SNAPSHOTS_REACHED;
	if (hr == S_OK && !guid_zero(guid) && state_snapshot_get(s->st, guid, sn) == 0)
		hr = E_INVALIDARG;                /* "MUST NOT match an existing snapshot" */
	if (hr == S_OK) {
		memset(sn, 0, sizeof(*sn));
		if (guid_zero(guid))
			state_new_guid(guid);
		memcpy(sn->guid, guid, 16);
		sn->wtd = wtd;
		sn->exported_wtd = -1;
		err = state_snapshot_add(s->st, sn);
		if (err < 0) {
			log_warnx("preparing a snapshot of disk %lld failed: %s", (long long)wtd,
				  state_errmsg(s->st));
			hr = svc_hresult(err);
		}
	}
	free(d);
	return hr;
}

static uint32_t create(struct svc *s, struct state_snapshot *sn)
{
	struct state_disk *d = malloc(sizeof(*d));
	char top[PATH_MAX];
	uint32_t hr;

	if (!d)
		return E_OUTOFMEMORY;
	hr = svc_snapshot_disk(s, sn, d);
	if (hr == S_OK)
		hr = disk_snapshottable(s, d);
	if (hr == S_OK)
		hr = svc_disk_freeze(s, d, sn, top, sizeof(top));
	if (hr == S_OK)
		log_info("snapshot of disk %lld taken: layer '%s'", (long long)d->wtd, sn->layer);
	free(d);
	return hr;
}

uint32_t svc_snapshot_take(struct svc *s, int64_t wtd, uint8_t guid[16])
{
	struct state_snapshot *sn = malloc(sizeof(*sn));
	uint32_t hr;

	if (!sn)
		return E_OUTOFMEMORY;
	memset(guid, 0, 16);
	hr = prepare(s, wtd, guid, sn);
	if (hr == S_OK) {
		hr = create(s, sn);
		if (hr != S_OK)
			state_snapshot_delete(s->st, sn->id);
	}
	free(sn);
	return hr;
}

static int reply_snapshot(const struct state_snapshot *sn, uint8_t *reply, size_t *reply_len)
{
	struct svc_snapshot_reply r;

	memset(&r, 0, sizeof(r));
	r.hr = S_OK;
	svc_snapshot_to_info(sn, &r.info);
	memcpy(reply, &r, sizeof(r));
	*reply_len = sizeof(r);
	return 0;
}

int answer_snapshot_prepare(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_snapshot_prepare_req rq;
	struct state_snapshot *sn = malloc(sizeof(*sn));
	uint32_t hr;

	memcpy(&rq, req, sizeof(rq));
	if (!sn)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	hr = prepare(s, rq.wtd, rq.guid, sn);
	if (hr == S_OK)
		reply_snapshot(sn, reply, reply_len);
	else
		svc_reply_hr(reply, reply_len, hr);
	free(sn);
	return 0;
}

int answer_snapshot_create(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_snapshot *sn;
	uint32_t hr = svc_snapshot_load_ref(s, req, &sn);

	if (hr == S_OK && sn->taken)
		hr = S_OK;            /* done already: creating again changes nothing */
	else if (hr == S_OK)
		hr = create(s, sn);
	free(sn);
	return svc_reply_hr(reply, reply_len, hr);
}

int answer_snapshot_end(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_snapshot *sn;
	uint32_t hr = svc_snapshot_load_ref(s, req, &sn);

	if (hr == S_OK && !sn->taken)
		hr = VSS_E_BAD_STATE;         /* DoCreateSnapshot did not run (or failed) */
	free(sn);
	return svc_reply_hr(reply, reply_len, hr);
}

int answer_snapshot_get(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_snapshot *sn;
	uint32_t hr = svc_snapshot_load_ref(s, req, &sn);

	if (hr == S_OK)
		reply_snapshot(sn, reply, reply_len);
	else
		svc_reply_hr(reply, reply_len, hr);
	free(sn);
	return 0;
}

/* Save: every taken snapshot is in the store already. */
int answer_snapshot_save(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct state_snapshot *sn;
	uint32_t hr = svc_snapshot_load_ref(s, req, &sn);

	free(sn);
	return svc_reply_hr(reply, reply_len, hr);
}

/* --- EnumSnapshots ------------------------------------------------------------ */

#define FETCH_BATCH 16

static int fetch_snapshots(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
			   void *out, size_t max, size_t *n)
{
	struct state_cursor cur = { *cursor };
	struct state_snapshot *batch = calloc(FETCH_BATCH, sizeof(*batch));
	struct svc_snapshot_info info;
	uint8_t *items = out;
	size_t got;
	int err = 0;

	*n = 0;
	if (!batch)
		return -ENOMEM;
	while (*n < max) {
		size_t want = max - *n < FETCH_BATCH ? max - *n : FETCH_BATCH;

		err = state_snapshot_next(s->st, &cur, rq->scope, batch, want, &got);
		if (err < 0 || got == 0)
			break;
		for (size_t i = 0; i < got; i++) {
			if (items) {
				svc_snapshot_to_info(&batch[i], &info);
				memcpy(items + *n * sizeof(info), &info, sizeof(info));
			}
			(*n)++;
		}
		*cursor = cur.last;
	}
	free(batch);
	return err;
}

int answer_snapshot_enum(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct svc_snapshot_info),
			       fetch_snapshots);
}

/* --- IWTDisk's snapshot properties ------------------------------------------- */

/* SnapshotStorageUsedSize: the bytes of every layer istmd made for D other
 * than its live top (that is the disk's data) and its exports (other
 * disks): the snapshots' layers, and the layers that stay in a chain
 * without a snapshot of their own (a deleted snapshot's layer a rollback
 * left with two children, a top a delete froze).  The disk's own file is
 * the disk's storage even when it is a snapshot's layer. */
static uint64_t layers_used(const struct state_disk *d, const char *top)
{
	char dir[PATH_MAX], prefix[48], path[PATH_MAX];
	struct dirent *e;
	uint64_t used = 0;
	DIR *dh;

	if (svc_layer_dir(d, false, dir, sizeof(dir)) < 0 || !(dh = opendir(dir)))
		return 0;
	snprintf(prefix, sizeof(prefix), "%lld-", (long long)d->wtd);
	while ((e = readdir(dh))) {
		struct stat st;

		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0 ||
		    strncmp(e->d_name + strlen(prefix), "export-", 7) == 0 ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    strcmp(path, top) == 0 || lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
			continue;
		used += (uint64_t)st.st_blocks * 512u;
	}
	closedir(dh);
	return used;
}

int answer_snapshot_disk(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_snapshot_disk_req rq;
	struct svc_snapshot_disk_reply *r = calloc(1, sizeof(*r));
	struct state_disk *d = malloc(sizeof(*d));
	struct state_snapshot *sn = malloc(sizeof(*sn));
	struct state_cursor cur = STATE_CURSOR_INIT;
	char dir[PATH_MAX], top[PATH_MAX];
	struct statvfs v;
	size_t got;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!r || !d || !sn) {
		free(r);
		free(d);
		free(sn);
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	}
	err = rq.wtd < 0 ? -ENOENT : state_disk_get(s->st, rq.wtd, d);
	r->hr = err == -ENOENT ? ERROR_FILE_NOT_FOUND : err < 0 ? svc_hresult(err) : S_OK;
	if (r->hr != S_OK)
		goto out;
	served(s, d, top, sizeof(top));
	r->used = layers_used(d, top);
	while (state_snapshot_next(s->st, &cur, d->wtd, sn, 1, &got) == 0 && got) {
		if (!sn->taken)
			continue;
		r->count++;
		if (sn->mount_point[0]) {
			memcpy(r->lm_guid, sn->guid, 16);
			r->lm_timestamp = sn->timestamp;
		}
	}
	if (svc_layer_dir(d, false, dir, sizeof(dir)) == 0) {
		if (paths_to_client(&s->paths, dir, r->path, sizeof(r->path)) < 0)
			r->path[0] = 0;
		if (statvfs(d->path, &v) == 0)
			r->size = r->used + (uint64_t)v.f_bavail * v.f_frsize;
	}
	/* 3.43.4.18/20/22: a disabled disk, a shadow of another (an export or
	 * a shadow disk is a differencing one) and a differencing disk answer
	 * S_OK with an empty path and zero sizes; the local mount stays */
	if (!d->enabled || d->vhd_type == STATE_VHD_DIFF) {
		r->path[0] = 0;
		r->size = r->used = 0;
	}
out:
	memcpy(reply, r, sizeof(*r));
	*reply_len = r->hr == S_OK ? sizeof(*r) : sizeof(r->hr);
	free(r);
	free(d);
	free(sn);
	return 0;
}

/* --- start-up: the store against the files ------------------------------------ */

/* PATH, a top the journal still names, is no image: an empty placeholder,
 * or a child tgtd made (unsynced, VHD_PUSH_SYNC_LATER) that a crash of the
 * machine cut off before istmd synced it: torn, or the placeholder again.
 * No flush covered a write to it (bs_vhd syncs the child before it
 * acknowledges one), so it is made again, empty. */
static bool top_unmade(const char *path)
{
	struct stat st;
	vhd_chain *c;

	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return false;
	if (st.st_size == 0)
		return true;
	if (vhd_chain_open(path, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK | VHD_OPEN_NOPARENT, &c) < 0) {
		log_warnx("'%s' (%lld bytes) is no valid image: a new top a crash cut off before "
			  "it was synced; it is made again, empty", path, (long long)st.st_size);
		return true;
	}
	vhd_chain_close(c);
	return false;
}

/* An empty top left by a snapshot cut off before its switch, or a child
 * cut off before it was durable: make it a child of the layer it froze
 * when nothing holds that layer (else sync's switch makes it in tgtd). */
static void finish_top(struct svc *s, const struct state_disk *d)
{
	struct state_snapshot *sn = malloc(sizeof(*sn)), *last = malloc(sizeof(*last));
	struct state_journal *j = malloc(sizeof(*j));
	struct state_cursor cur = STATE_CURSOR_INIT;
	char top[PATH_MAX];
	size_t got;
	bool have = false;

	if (!j)
		goto out;

	if (!sn || !last || state_disk_top_get(s->st, d->wtd, top, sizeof(top)) < 0)
		goto out;
	/* the journal names the top it froze (a delete's freeze records no
	 * snapshot, so the newest snapshot's layer is not always the parent) */
	if (state_journal_get(s->st, top, j) == 0 && j->parent[0]) {
		if (!top_unmade(top))
			goto out;
		if (make_child(top, j->parent) == 0)
			log_info("disk %lld: its top '%s' is made now, a child of '%s'",
				 (long long)d->wtd, top, j->parent);
		goto out;
	}
	if (!empty_file(top))
		goto out;
	while (state_snapshot_next(s->st, &cur, d->wtd, sn, 1, &got) == 0 && got)
		if (sn->taken) {
			*last = *sn;
			have = true;
		}
	if (have && make_child(top, last->layer) == 0)
		log_info("disk %lld: the top '%s' of its last snapshot is made now", (long long)d->wtd,
			 top);
out:
	free(sn);
	free(last);
	free(j);
}

/* NAME is what a create of one of PREFIX's layers leaves when it is cut
 * off between making its temporary file (vhd_create_tmpfile: ".NAME.XXXXXX")
 * and publishing it: a file nothing names, which the prefix match below
 * would not see.  It is reported, not removed: a switch tgtd is still
 * making at this moment writes one too. */
static bool is_create_leftover(const char *name, const char *prefix)
{
	size_t n = strlen(name), p = strlen(prefix);

	return name[0] == '.' && strncmp(name + 1, prefix, p) == 0 && n > p + 8 && name[n - 7] == '.';
}

/* Report files of D's layer directory that no chain of D uses. */
static void report_orphans(struct svc *s, const struct state_disk *d)
{
	char dir[PATH_MAX], prefix[32], path[PATH_MAX], top[PATH_MAX];
	struct state_snapshot *sn = malloc(sizeof(*sn));
	struct dirent *e;
	DIR *dh;

	if (!sn || svc_layer_dir(d, false, dir, sizeof(dir)) < 0 || !(dh = opendir(dir))) {
		free(sn);
		return;
	}
	served(s, d, top, sizeof(top));
	snprintf(prefix, sizeof(prefix), "%lld-", (long long)d->wtd);
	while ((e = readdir(dh))) {
		vhd_chain *c;
		bool used;

		if (is_create_leftover(e->d_name, prefix)) {
			log_warnx("disk %lld: '%s/%s' is the temporary file of a layer's creation that "
				  "was cut off (nothing refers to it; delete it by hand)",
				  (long long)d->wtd, dir, e->d_name);
			continue;
		}
		if (strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		used = strcmp(path, top) == 0 || state_snapshot_get_by_layer(s->st, path, sn) == 0 ||
		       state_disk_get_by_path(s->st, path, &(struct state_disk){ 0 }) == 0;
		if (!used && vhd_chain_open(top, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &c) == 0) {
			struct vhd_info info;

			for (int i = 1; i < vhd_chain_depth(c) && !used; i++)
				used = vhd_chain_layer_info(c, i, &info) == 0 &&
				       strcmp(info.path, path) == 0;
			vhd_chain_close(c);
		}
		/* a layer below a snapshot's (a top a delete froze, now on the
		 * branch a rollback left) is in no top's chain but is read */
		if (!used)
			used = svc_layer_is_parent(d, path);
		if (!used)
			log_warnx("disk %lld: '%s' is no layer of its snapshots or of the disk "
				  "(left in place; delete it by hand if it is not needed)",
				  (long long)d->wtd, path);
	}
	closedir(dh);
	free(sn);
}

void svc_snapshot_check(struct svc *s)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_snapshot *sn = malloc(sizeof(*sn));
	struct state_disk *d = malloc(sizeof(*d));
	size_t got, dropped = 0;

	if (!sn || !d)
		goto out;
	if (state_snapshot_drop_prepared(s->st, &dropped) == 0 && dropped)
		log_info("%zu snapshots prepared but never created were dropped", dropped);
	while (state_snapshot_next(s->st, &cur, -1, sn, 1, &got) == 0 && got) {
		struct stat st;

		if (stat(sn->layer, &st) < 0)
			log_warnx("snapshot of disk %lld: its layer '%s' is missing (%s); the store "
				  "keeps the record", (long long)sn->wtd, sn->layer, strerror(errno));
	}
	cur = (struct state_cursor)STATE_CURSOR_INIT;
	while (state_disk_next(s->st, &cur, true, d, 1, &got) == 0 && got)
		finish_top(s, d);
out:
	free(sn);
	free(d);
}

void svc_snapshot_report_orphans(struct svc *s)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_disk *d = malloc(sizeof(*d));
	size_t got;

	while (d && state_disk_next(s->st, &cur, true, d, 1, &got) == 0 && got)
		report_orphans(s, d);
	free(d);
}
