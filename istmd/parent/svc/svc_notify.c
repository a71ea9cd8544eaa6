/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_notify.c: the answers of the status notification verbs
 * (proto/notify.h, 700..799); the registrations themselves are
 * parent/notify/notify.c's.  HRESULTs: a pointer and cookie registered
 * already is S_OK (kept once); NOTIFY_REGS_MAX registrations E_OUTOFMEMORY;
 * no notifier running ERROR_NOT_READY ("a transient condition makes the
 * service unavailable", 3.52.4.9); UnregisterNotification of a pointer
 * with no registration E_INVALIDARG, nothing changed. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "hresult.h"
#include "parent/notify/notify.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc.h"

/* What no honest child sends: a count out of range, an unterminated or
 * empty binding, padding that is not zero. */
static bool ref_ok(const struct notify_ref *ref)
{
	uint32_t i;

	if (ref->n_bindings < 1 || ref->n_bindings > NOTIFY_BINDINGS_MAX || ref->pad)
		return false;
	for (i = 0; i < ref->n_bindings; i++)
		if (!SVC_STR_OK(ref->bindings[i]) || !ref->bindings[i][0])
			return false;
	return true;
}

int answer_notify_register(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_notify_register_req rq;
	int rc;

	memcpy(&rq, req, sizeof(rq));
	if (!ref_ok(&rq.ref) || rq.pad)
		return -EBADMSG;
	rc = notify_register(s->st, &rq);
	if (rc == 0 || rc == -EEXIST)
		return svc_reply_hr(reply, reply_len, S_OK);
	return svc_reply_hr(reply, reply_len, rc == -ENOSPC ? E_OUTOFMEMORY : ERROR_NOT_READY);
}

int answer_notify_unregister(struct svc *s, const uint8_t *req, uint8_t *reply,
			     size_t *reply_len)
{
	struct svc_notify_unregister_req rq;

	(void)s;
	memcpy(&rq, req, sizeof(rq));
	if (!ref_ok(&rq.ref))
		return -EBADMSG;
	return svc_reply_hr(reply, reply_len, notify_unregister(&rq.ref) ? S_OK : E_INVALIDARG);
}

int answer_notify_drop_owner(struct svc *s, const uint8_t *req, uint8_t *reply,
			     size_t *reply_len)
{
	struct svc_notify_owner_req rq;

	(void)s;
	(void)reply;
	memcpy(&rq, req, sizeof(rq));
	notify_drop_owner(rq.owner);
	*reply_len = 0;
	return 0;
}
