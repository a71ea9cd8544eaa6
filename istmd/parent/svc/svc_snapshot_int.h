/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_int.h: what the snapshot files of the parent share
 * (svc_snapshot.c: the collection, taking a snapshot, start-up checks;
 * svc_snapshot_ops.c: rollback, export, mount, delete; svc_snapshot_sched.c:
 * the schedule).  Not for other areas: they use svc.h.
 *
 * Layout on disk: a disk's layers other than its own file live in
 * <directory of the disk>/.istmd-layers/, named <wtd>-<16 hex>.vhd, so
 * they stay inside the disk's storage root (tgtd and the path sandbox
 * accept them) and one directory listing finds every layer of a disk.
 */
#ifndef ISTMD_SVC_SNAPSHOT_INT_H
#define ISTMD_SVC_SNAPSHOT_INT_H

#include "parent/state/state_snapshot.h"
#include "parent/svc/svc.h"
#include "proto/snapshot.h"
#include "vhd.h"

#define SVC_LAYER_DIR ".istmd-layers"

/* The snapshot GUID names, ERROR_FILE_NOT_FOUND when unknown. */
uint32_t svc_snapshot_load(struct svc *s, const uint8_t guid[16], struct state_snapshot *sn);
/* The snapshot a struct svc_snapshot_ref_req names, into a new *SN (NULL
 * when out of memory; the caller frees it whatever the answer). */
uint32_t svc_snapshot_load_ref(struct svc *s, const uint8_t *req, struct state_snapshot **sn);
/* The snapshot's disk, ERROR_FILE_NOT_FOUND when it is gone. */
uint32_t svc_snapshot_disk(struct svc *s, const struct state_snapshot *sn, struct state_disk *d);
/* D's layer directory (made when MAKE) into BUF. */
int svc_layer_dir(const struct state_disk *d, bool make, char *buf, size_t cap);
/* The format of the image at PATH, from its first bytes (VHD when it cannot
 * be read): a child is made in its parent's format. */
enum vhd_format svc_layer_format(const char *path);
/* A new, unused layer name of D in its layer directory (the file is not
 * made), with the extension of D's format. */
int svc_layer_new_name(const struct state_disk *d, const char *kind, char *buf, size_t cap);
/* ERROR_SHARING_VIOLATION when an initiator is logged in to a target that
 * maps D or D is mounted locally; S_OK otherwise. */
uint32_t svc_disk_busy(struct svc *s, struct state_disk *d);
/* Switch every LU serving D to PATH (tgtadm --params path=); *SWITCHED
 * counts them.  0 or the first negative errno (the others are still tried). */
int svc_disk_switch(struct svc *s, const struct state_disk *d, const char *path,
		    size_t *switched);
/* Freeze D's top: it becomes a read-only layer and D continues on a new
 * empty child whose name goes to NEW_TOP; the store records the new top.
 * With SN, SN becomes the snapshot of the frozen top, in the same
 * transaction.  HRESULT. */
uint32_t svc_disk_freeze(struct svc *s, struct state_disk *d, struct state_snapshot *sn,
			 char *new_top, size_t cap);
/* svc_snapshot_journal.c.  Drop a record, disk WTD's row when SNAPSHOT_ID
 * < 0, else that snapshot's row, with a journal row for each of the N
 * PATHS in one transaction; then (after svc_test_pause(STEP)) remove the
 * files and their rows.  Killed in between, the start-up check removes the
 * files (the record that named them is gone).  0 or the store's errno. */
int svc_layers_forget(struct svc *s, int64_t wtd, int64_t snapshot_id,
		      const char *const *paths, size_t n, const char *step);
/* svc_snapshot_fold.c.  Take D out of the store (DeleteWTDisk): first
 * commit the layers istmd made above its own file into it, newest first,
 * then drop the record and remove them.  0, or a negative errno (-EBUSY
 * from the store: assigned or a parent; from libvhd: a layer in use). */
int svc_disk_delete_record(struct svc *s, const struct state_disk *d);
/* svc_snapshot_settle.c.  When PATH is a top a live switch froze and tgtd
 * may still be settling (a VHDX top's log), wait (bounded) until tgtd no
 * longer holds it exclusively: call it before opening a frozen layer. */
void svc_frozen_wait_path(struct svc *s, const char *path);
/* Remember PATH as disk WTD's last switched top; svc_frozen_wait(), before
 * that disk's next switch, waits for it so that tgtd does not inside the
 * pause.  svc_close frees the list (svc_frozen_forget_all, svc.h). */
void svc_frozen_note(struct svc *s, int64_t wtd, const char *path);
void svc_frozen_wait(struct svc *s, int64_t wtd);
/* FILETIME now. */
uint64_t svc_filetime_now(void);
/* Take a snapshot of disk WTD now (the schedule's): prepare and create. */
uint32_t svc_snapshot_take(struct svc *s, int64_t wtd, uint8_t guid[16]);
/* Some other file of D's layer directory is a differencing child of PATH
 * (a chain reads PATH: a snapshot's, an export's or a branch a rollback
 * left). */
bool svc_layer_is_parent(const struct state_disk *d, const char *path);
/* Log the files of each disk's layer directory that no chain uses. */
void svc_snapshot_report_orphans(struct svc *s);
/* Empty regular file (a placeholder no one has made a VHD yet). */
bool svc_empty_file(const char *path);
/* The row as the child sees it. */
void svc_snapshot_to_info(const struct state_snapshot *sn, struct svc_snapshot_info *out);

#endif /* ISTMD_SVC_SNAPSHOT_INT_H */
