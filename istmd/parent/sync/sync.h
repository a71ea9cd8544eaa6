/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* sync.h: make tgtd serve what the state store holds.
 *
 * tgtd keeps nothing across a restart; istmd calls sync_apply_all() at start
 * and sync_apply_target() after each IHost::Save (and after any disk or
 * mapping change of a saved target).  Applying converges: what is missing in
 * tgtd is created, what differs is changed, what tgtd has for that target
 * and the store does not is removed; applying twice changes nothing.
 *
 * From a stored target (which must have a tid) to tgt:
 *   target        tid and IQN; a tgt target with that tid and another IQN
 *                 is not touched (-EEXIST);
 *   LUs           each LUN mapping of an enabled disk becomes tgt LUN
 *                 TGT_LUN_FROM_ISTM(lun) with --bstype BSTYPE on the disk's
 *                 path, read-only when the disk is, presenting the disk's
 *                 identity (scsi_id: its SCSI designator; scsi_sn: its
 *                 serial number) whatever the target and LUN; tgt LUs the
 *                 store does not have are deleted;
 *   CHAP          EnableCHAP binds the CHAPUserName account, EnableReverseCHAP
 *                 the ReverseCHAPUserName account as outgoing; an account is
 *                 (re)created with the stored secret, except one another
 *                 target also has bound (recreating would open that target
 *                 for a moment): a changed secret of a CHAP user shared by
 *                 targets reaches tgtd at its next start;
 *   parameters    non-zero MaxRecvDataSegmentLength, FirstBurstLength,
 *                 MaxBurstLength are set;
 *   ACLs          removed first and bound again last (fail closed: nobody
 *                 new logs in while the target changes; sessions stay): IDIQN values (lower
 *                 case) become initiator-name ACLs, IDIPAddress and
 *                 IDIPv6Address values address ACLs; IDDNSName, IDMACAddress
 *                 and IDNetBiosName have no tgt equivalent and are skipped
 *                 (counted in the report); a disabled target gets no ACL at
 *                 all, so nobody can log in.
 * Targets tgtd has and the store does not (made by hand or by tgt-admin) are
 * left alone by sync_apply_*; sync_adopt, run before sync_apply_all at
 * start, takes them into the store when the store can hold all of them.
 */
#ifndef ISTMD_SYNC_H
#define ISTMD_SYNC_H

#include <stddef.h>

#include "parent/state/state.h"
#include "parent/tgt/tgt.h"

struct sync_report {
	unsigned targets;            /* targets applied */
	unsigned created;            /* of which created in tgtd */
	unsigned lus;                /* LUs created, changed or deleted */
	unsigned acls;               /* ACLs bound or unbound */
	unsigned skipped_ids;        /* identification methods tgt cannot express */
	unsigned failed;             /* targets that could not be applied */
	char err[768];               /* the first failure, naming the target */
};

/* Apply the saved target ID.  BSTYPE is the tgt backing store ("vhd").
 * REPORT (zero it first) accumulates counts and the first failure. */
int sync_apply_target(struct state *st, struct tgt *t, int64_t id, const char *bstype,
		      struct sync_report *report);
/* Apply every saved target with a tid; carries on past failures and
 * returns the first error. */
int sync_apply_all(struct state *st, struct tgt *t, const char *bstype,
		   struct sync_report *report);

/* The backing-store options an LU of disk D gets from istmd: bs_vhd's
 * "cache_parent=1" for IWTDisk3::CacheParent, or NULL (nothing to pass,
 * or a backing store that would refuse it). */
const char *sync_lu_bsopts(const struct state_disk *d, const char *bstype);

/* The backing store an LU of disk D uses: tgt's "mmc" (its rdwr code) for
 * a virtual DVD (an ISO image, STATE_DVD), BSTYPE (bs_vhd) otherwise. */
const char *sync_lu_bstype(const struct state_disk *d, const char *bstype);

/* --- sync_adopt.c ---------------------------------------------------------
 * Insert every tgtd target the store does not have (by IQN) as a saved
 * target: Name from the IQN's last part (after the last ':'; "-tidN" added
 * when taken), the IQN, the tid, ACLs as identification methods (initiator
 * names IDIQN, addresses IDIPAddress/IDIPv6Address, "ALL" as IDIPAddress
 * "ALL"), and each LU as a disk (registered with its parent chain when
 * the store does not have it) mapped at ISTM LUN tgt LUN - 1.  A target
 * is adopted whole or left alone and logged: one with CHAP accounts
 * (tgtd shows no secrets), an LU of another backing store than BSTYPE, or
 * a backing file (or a parent of it) that does not resolve inside a
 * storage root of ROOTS.  Returns 0 or the first error that stopped it
 * (tgtd not answering, the store failing). */
struct sync_adopt_report {
	unsigned targets;            /* targets adopted */
	unsigned ids;                /* identification methods made from ACLs */
	unsigned disks;              /* LUs adopted as LUN mappings */
	unsigned skipped;            /* targets left alone */
	char err[768];               /* the first reason, naming the target */
};
struct paths;
int sync_adopt(struct state *st, struct tgt *t, struct paths *roots, const char *bstype,
	       struct sync_adopt_report *report);
/* A target Name from IQN: its part after the last ':' (the whole IQN when
 * there is none).  -EINVAL when it does not fit CAP. */
int sync_adopt_name(const char *iqn, char *buf, size_t cap);

#endif /* ISTMD_SYNC_H */
