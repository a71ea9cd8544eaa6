/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_disk.c: virtual disks (IWTDisk) in the store.
 *
 * WTD indexes come from the table's AUTOINCREMENT sequence, shifted so the
 * first disk is 0 as on Windows, and are never reused: a client holding an
 * index of a deleted disk gets "not found", never another disk.
 * The store refuses to delete a disk that is mapped or is a parent; it does
 * not look at files (the ISTM layer owns the VHDs and the path sandbox).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state_int.h"

#define DISK_COLS \
	"wtd, guid, serial, path, size, description, wtd_flags, enabled, read_only," \
	" wtd_type, vhd_type, parent_wtd, lm_type, lm_mount_point, resource_group, flags," \
	" scsi_id"

/* The T10 vendor identification a disk's designator starts with: the one
 * tgt's standard INQUIRY answers (its VENDOR_ID, which istmd never
 * changes), padded to 8 bytes as SPC-4 7.8.6.4 wants. */
#define SCSI_ID_VENDOR "IET     "

void state_disk_init(struct state_disk *d, const char *path)
{
	memset(d, 0, sizeof(*d));
	d->wtd = -1;
	snprintf(d->path, sizeof(d->path), "%s", path ? path : "");
	if (state_new_guid(d->guid) < 0)
		memset(d->guid, 0, sizeof(d->guid)); /* add() refuses it */
	/* a serial number unique per disk, from its GUID (SPC-3 unit serial
	 * numbers are ASCII; 16 hex digits fit every initiator) */
	for (int i = 0; i < 8; i++)
		snprintf(d->serial + 2 * i, 3, "%02X", d->guid[i] ^ d->guid[i + 8]);
	state_disk_scsi_id(d->guid, d->scsi_id);
	d->wtd_flags = STATE_WTD_FLAG_ENABLE_LUN_MAPPING;
	d->enabled = true;
	d->wtd_type = STATE_WTD_FILE;
	d->vhd_type = STATE_VHD_FIXED;
	d->parent_wtd = -1;
}

void state_disk_scsi_id(const uint8_t guid[16], char out[STATE_SCSI_ID_MAX + 1])
{
	/* the vendor, then 14 of the GUID's 16 bytes: what fits in tgt's
	 * 36 bytes.  The schema's step 3 -> 4 computes the same in SQL. */
	memcpy(out, SCSI_ID_VENDOR, 8);
	for (int i = 0; i < 14; i++)
		snprintf(out + 8 + 2 * i, 3, "%02X", guid[i]);
}

static void read_disk(sqlite3_stmt *s, void *p)
{
	struct state_disk *d = p;

	memset(d, 0, sizeof(*d));
	d->wtd = sqlite3_column_int64(s, 0);
	state_col_guid(s, 1, d->guid);
	state_col_text(s, 2, d->serial, sizeof(d->serial));
	state_col_text(s, 3, d->path, sizeof(d->path));
	d->size = (uint64_t)sqlite3_column_int64(s, 4);
	state_col_text(s, 5, d->description, sizeof(d->description));
	d->wtd_flags = (uint32_t)sqlite3_column_int64(s, 6);
	d->enabled = sqlite3_column_int(s, 7) != 0;
	d->read_only = sqlite3_column_int(s, 8) != 0;
	d->wtd_type = (enum state_wtd_type)sqlite3_column_int(s, 9);
	d->vhd_type = (enum state_vhd_type)sqlite3_column_int(s, 10);
	d->parent_wtd = state_col_ref(s, 11);
	d->lm_type = (uint32_t)sqlite3_column_int64(s, 12);
	state_col_text(s, 13, d->lm_mount_point, sizeof(d->lm_mount_point));
	state_col_text(s, 14, d->resource_group, sizeof(d->resource_group));
	d->flags = (unsigned)sqlite3_column_int(s, 15);
	state_col_text(s, 16, d->scsi_id, sizeof(d->scsi_id));
}

static int check_disk(struct state *st, const struct state_disk *d)
{
	static const uint8_t zero[16];
	int err;

	if ((err = state_check_text(st, "disk path", d->path, 4095)) < 0 ||
	    (err = state_check_text(st, "disk serial number", d->serial, 63)) < 0 ||
	    (err = state_check_text(st, "disk description", d->description, STATE_TEXT_MAX)) < 0 ||
	    (err = state_check_text(st, "local mount point", d->lm_mount_point, 1023)) < 0 ||
	    (err = state_check_text(st, "resource group", d->resource_group, STATE_NAME_MAX)) < 0)
		return err;
	if (d->path[0] != '/')
		return state_fail(st, -EINVAL, "invalid disk path '%s': not absolute", d->path);
	if (!d->serial[0])
		return state_fail(st, -EINVAL, "invalid disk '%s': no serial number", d->path);
	if (!d->scsi_id[0] || strnlen(d->scsi_id, sizeof(d->scsi_id)) > STATE_SCSI_ID_MAX)
		return state_fail(st, -EINVAL, "invalid disk '%s': no SCSI designator", d->path);
	if (memcmp(d->guid, zero, 16) == 0)
		return state_fail(st, -EINVAL, "invalid disk '%s': no GUID", d->path);
	if (d->size > INT64_MAX)
		return state_fail(st, -EINVAL, "invalid disk '%s': size too large", d->path);
	if (d->parent_wtd >= 0 && d->parent_wtd == d->wtd)
		return state_fail(st, -EINVAL, "invalid disk '%s': its own parent", d->path);
	return 0;
}

/* Bind ?2..?17 in DISK_COLS order (wtd is ?1, bound by the caller). */
static void bind_disk(sqlite3_stmt *s, const struct state_disk *d)
{
	sqlite3_bind_blob(s, 2, d->guid, 16, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, d->serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, d->path, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)d->size);
	sqlite3_bind_text(s, 6, d->description, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 7, d->wtd_flags);
	sqlite3_bind_int(s, 8, d->enabled);
	sqlite3_bind_int(s, 9, d->read_only);
	sqlite3_bind_int(s, 10, (int)d->wtd_type);
	sqlite3_bind_int(s, 11, (int)d->vhd_type);
	state_bind_ref(s, 12, d->parent_wtd);
	sqlite3_bind_int64(s, 13, d->lm_type);
	sqlite3_bind_text(s, 14, d->lm_mount_point, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 15, d->resource_group, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 16, (int)d->flags);
	sqlite3_bind_text(s, 17, d->scsi_id, -1, SQLITE_TRANSIENT);
}

static int disk_conflict(struct state *st, int err, const char *verb,
			 const struct state_disk *d)
{
	if (err == -EEXIST)
		return state_fail(st, err, "cannot %s disk '%s': the path, GUID, serial "
				  "number or SCSI designator is already used by another disk",
				  verb, d->path);
	if (err == -EBUSY)
		return state_fail(st, -ENOENT, "cannot %s disk '%s': parent disk %lld does "
				  "not exist", verb, d->path, (long long)d->parent_wtd);
	return err;
}

int state_disk_usage(struct state *st, int64_t wtd, struct state_disk_usage *u)
{
	sqlite3_stmt *s;
	int err = state_prepare(st, "SELECT read_only,"
				" (SELECT count(*) FROM disks c WHERE c.parent_wtd = d.wtd),"
				" (SELECT count(*) FROM lun_mappings m WHERE m.wtd = d.wtd)"
				" FROM disks d WHERE wtd = ?1", &s);
	int rc;

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, wtd);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		u->read_only = sqlite3_column_int(s, 0) != 0;
		u->children = (size_t)sqlite3_column_int64(s, 1);
		u->mappings = (size_t)sqlite3_column_int64(s, 2);
	} else if (rc == SQLITE_DONE) {
		err = state_fail(st, -ENOENT, "no disk with index %lld", (long long)wtd);
	} else {
		err = state_sqlerr(st, sqlite3_extended_errcode(st->db), "read disk usage");
	}
	sqlite3_finalize(s);
	return err;
}

/* The base rule: a disk with differencing children is never writable
 * through a target, so a new child may not hang under a disk that is. */
static int check_new_parent(struct state *st, const struct state_disk *d, const char *verb)
{
	struct state_disk_usage u;
	int err;

	if (d->parent_wtd < 0)
		return 0;
	err = state_disk_usage(st, d->parent_wtd, &u);
	if (err == -ENOENT)
		return 0; /* the insert's foreign key reports it */
	if (err < 0)
		return err;
	if (u.mappings && !u.read_only)
		return state_fail(st, -EBUSY, "cannot %s disk '%s': its parent %lld is assigned "
				  "writable to %zu target(s); writing a parent corrupts its "
				  "children", verb, d->path, (long long)d->parent_wtd, u.mappings);
	return 0;
}

/* Add disk D (ADDED: where its new index goes) or, ADDED NULL, update the
 * row of D->wtd: both after the same checks, in one transaction. */
static int write_disk(struct state *st, const struct state_disk *d, int64_t *added)
{
	const char *verb = added ? "add" : "update";
	struct state_disk_usage u;
	sqlite3_stmt *s;
	int err = check_disk(st, d);

	if (err < 0)
		return err;
	err = state_begin(st);
	if (err < 0)
		return err;
	err = check_new_parent(st, d, verb);
	if (err == 0 && !added && !d->read_only) {
		err = state_disk_usage(st, d->wtd, &u);
		if (err == 0 && u.children && u.mappings)
			err = state_fail(st, -EBUSY, "cannot make disk '%s' writable: it is "
					 "assigned and the parent of %zu differencing disk(s)",
					 d->path, u.children);
	}
	if (err == 0 && added)
		err = state_prepare(st, "INSERT INTO disks (" DISK_COLS ") VALUES ("
			    " coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'disks'), -1) + 1,"
			    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,"
			    " ?17)", &s);
	else if (err == 0)
		err = state_prepare(st, "UPDATE disks SET guid = ?2, serial = ?3, path = ?4, size = ?5,"
			    " description = ?6, wtd_flags = ?7, enabled = ?8, read_only = ?9,"
			    " wtd_type = ?10, vhd_type = ?11, parent_wtd = ?12, lm_type = ?13,"
			    " lm_mount_point = ?14, resource_group = ?15, flags = ?16,"
			    " scsi_id = ?17"
			    " WHERE wtd = ?1", &s);
	if (err == 0) {
		sqlite3_bind_int64(s, 1, d->wtd);     /* the INSERT has no ?1 */
		bind_disk(s, d);
		err = disk_conflict(st, state_step_done(st, s, added ? "add disk" : "update disk"),
				    verb, d);
	}
	if (err == 0 && sqlite3_changes(st->db) == 0)
		err = state_fail(st, -ENOENT, "cannot update disk %lld: no such disk",
				 (long long)d->wtd);
	if (err < 0) {
		state_rollback(st);
		return err;
	}
	if (added)
		*added = sqlite3_last_insert_rowid(st->db);
	return state_commit(st);
}

int state_disk_add(struct state *st, struct state_disk *d)
{
	return write_disk(st, d, &d->wtd);
}

int state_disk_update(struct state *st, const struct state_disk *d)
{
	return write_disk(st, d, NULL);
}

int state_disk_save(struct state *st, struct state_disk *d)
{
	unsigned flags = d->flags;
	int err;

	d->flags &= ~STATE_PENDING;
	err = state_disk_update(st, d);
	if (err < 0)
		d->flags = flags;
	return err;
}

int state_disk_get(struct state *st, int64_t wtd, struct state_disk *out)
{
	sqlite3_stmt *s;
	char what[64];
	int err = state_prepare(st, "SELECT " DISK_COLS " FROM disks WHERE wtd = ?1", &s);

	if (err < 0)
		return err;
	sqlite3_bind_int64(s, 1, wtd);
	snprintf(what, sizeof(what), "with index %lld", (long long)wtd);
	return state_fetch_one(st, s, read_disk, out, "disk", what);
}

int state_disk_get_by_path(struct state *st, const char *path, struct state_disk *out)
{
	sqlite3_stmt *s;
	char what[128];
	/* a disk's top (state_snapshot.h) is that disk too: registering it
	 * again, or adopting it from tgtd, would serve one chain twice */
	int err = state_prepare(st, "SELECT " DISK_COLS " FROM disks WHERE path = ?1"
				" OR wtd = (SELECT wtd FROM disk_tops WHERE path = ?1)", &s);

	if (err < 0)
		return err;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_TRANSIENT);
	snprintf(what, sizeof(what), "at '%.100s'", path);
	return state_fetch_one(st, s, read_disk, out, "disk", what);
}

int state_disk_count_children(struct state *st, int64_t wtd, size_t *n)
{
	return state_count_rows(st, "SELECT count(*) FROM disks WHERE parent_wtd = ?1", wtd, n);
}

int state_disk_delete(struct state *st, int64_t wtd)
{
	size_t n;
	int err = state_lun_count_for_disk(st, wtd, &n);

	if (err < 0)
		return err;
	if (n)
		return state_fail(st, -EBUSY, "cannot delete disk %lld: assigned to %zu target(s)",
				  (long long)wtd, n);
	err = state_disk_count_children(st, wtd, &n);
	if (err < 0)
		return err;
	if (n)
		return state_fail(st, -EBUSY, "cannot delete disk %lld: parent of %zu "
				  "differencing disk(s)", (long long)wtd, n);
	return state_delete_row(st, "DELETE FROM disks WHERE wtd = ?1", wtd, "disk");
}

int state_disk_next(struct state *st, struct state_cursor *cur, bool with_pending,
		    struct state_disk *out, size_t max, size_t *n)
{
	return state_page(st, "SELECT " DISK_COLS " FROM disks WHERE wtd > ?1"
			  " AND (?3 OR flags & 1 = 0) ORDER BY wtd LIMIT ?2", with_pending,
			  cur, read_disk, out, sizeof(*out), max, n, "list disks");
}

int state_disk_count(struct state *st, bool with_pending, size_t *n)
{
	return state_count_rows(st, "SELECT count(*) FROM disks WHERE ?1 OR flags & 1 = 0",
				with_pending, n);
}
