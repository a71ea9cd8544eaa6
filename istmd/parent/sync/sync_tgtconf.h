/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* sync_tgtconf.h: istmd's targets as a tgt-admin configuration file.
 *
 * tgt.service runs "tgt-admin -e" at start and "tgt-admin --update ALL" at
 * reload: targets not in /etc/tgt/targets.conf (and the conf.d files it
 * includes) are deleted, the others re-created from the file.  istmd keeps
 * a file there (default /etc/tgt/conf.d/istmd.conf, istmd --tgt-conf)
 * holding every saved target with a tid as sync_apply_target() gives it
 * to tgtd: controller_tid (so the tid istmd stored is kept), each LU with
 * "bs-type BSTYPE" (tgt-admin --dump loses it: this file, not a dump, is the
 * source of truth), read-only LUs with both bsopts "readonly=1" and
 * "readonly 1", each LU's identity (scsi_id, scsi_sn: the disk's), ACLs,
 * CHAP accounts and parameters.
 *
 * tgt-admin runs its commands through a shell with the values pasted in:
 * a target whose IQN, path, ACL or CHAP text holds anything but
 * [A-Za-z0-9._:@/+=,-] is left out of the file (with a message) rather than
 * written in a form that would run something else.
 *
 * tgt-admin binds the address ACL "ALL" to every target without an
 * initiator-address, and tgtd lets in an initiator whose address OR name
 * matches: a target istmd opened to some initiator names only (or to
 * nobody: disabled, or no identification tgt can express) would be open to
 * everyone.  Such a target gets the address ACL SYNC_TGTCONF_NOBODY, which
 * no peer address matches; istmd's next apply drops it again.
 *
 * Trade-off: the file is rewritten whole (only when its text changes, by
 * rename, mode 0600 as it holds CHAP secrets) after every operation, which
 * costs a few SQLite reads per request instead of tracking what changed.
 */
#ifndef ISTMD_SYNC_TGTCONF_H
#define ISTMD_SYNC_TGTCONF_H

#include <stddef.h>

#include "parent/state/state.h"

#define SYNC_TGTCONF_DEFAULT "/etc/tgt/conf.d/istmd.conf"
#define SYNC_TGTCONF_NOBODY "0.0.0.0/32"

/* Write the saved targets of ST to PATH (see above).  0 when written or
 * unchanged; -errno on failure, with a message in ERR.  *SKIPPED counts the
 * targets left out; the first one is named in ERR as well. */
int sync_tgtconf_write(struct state *st, const char *path, const char *bstype,
		       unsigned *skipped, char *err, size_t errlen);

/* The file istmd keeps, set once from main.c (NULL or "": none kept). */
void sync_tgtconf_set_path(const char *path);
const char *sync_tgtconf_path(void);
/* The privileged process's hook, after svc_open and after every request:
 * write the kept file (when there is one); a failure or a target left out
 * is logged, once while it stays the same. */
void sync_tgtconf_update(struct state *st, const char *bstype);

#endif /* ISTMD_SYNC_TGTCONF_H */
