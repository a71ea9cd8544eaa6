/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* notify.h: the parent's side of status notifications ([MS-ISTM] 3.42):
 * the registrations, the LUN changes they are told about, and the
 * notifier process that makes the calls (proto/notify.h has the
 * messages).  One instance per parent, run on its poll loop.
 *
 * Registrations are object references: kept in memory only, dropped when
 * the network child that took them restarts, when the IWTGeneral object
 * they came through goes (SVC_NOTIFY_DROP_OWNER), on UnregisterNotification
 * and when a call to them fails (3.42.4.1). */
#ifndef ISTMD_PARENT_NOTIFY_H
#define ISTMD_PARENT_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "proto/notify.h"

struct state;

/* The account callbacks authenticate as (before notify_start; user_len
 * 0, the default: unauthenticated, logged once at start). */
void notify_set_credentials(const struct ntlm_creds *creds);
/* Start the notifier: SELF re-executed with ARGV (role flag included),
 * its end of a SOCK_SEQPACKET pair on fd 3.  A failure is logged; the
 * server runs on without notifications. */
int notify_start(const char *self, char *const *argv);
/* Stop it (SIGTERM, then SIGKILL) and forget every registration. */
void notify_stop(void);
/* The socket to poll for the notifier's reports, or -1. */
int notify_fd(void);
/* Read the notifier's reports (failed registrations are dropped). */
void notify_read(void);
/* PID exited: when it was the notifier, start another (at most 5 a minute). */
void notify_reaped(pid_t pid);

/* Add a registration (the view of ST becomes the baseline for the first):
 * 0, -EEXIST (that pointer and cookie are registered already: kept once),
 * -ENOSPC (NOTIFY_REGS_MAX), -ENOTCONN (no notifier). */
int notify_register(struct state *st, const struct svc_notify_register_req *rq);
/* Remove every registration of REF's pointer: how many went. */
unsigned notify_unregister(const struct notify_ref *ref);
/* Remove the registrations made through OWNER, or all of them. */
void notify_drop_owner(uint64_t owner);
void notify_drop_all(void);
/* After an operation: compare ST's LUN view with the last one and queue
 * LunListChanged / LunStatusUpdate for every registration. */
void notify_after_operation(struct state *st);

#endif /* ISTMD_PARENT_NOTIFY_H */
