/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_cache_parent.c: IWTDisk3::CacheParent ([MS-ISTM] 3.45), kept as the
 * disk row's STATE_CACHE_PARENT flag and applied by sync as bs_vhd's
 * "cache_parent=1" on every LU of the disk, so many differencing disks over
 * one base share one cache of the base inside tgtd.
 *
 * tgt takes backing-store options only when an LU is created (there is no
 * update for them), so the setting can change only while no target maps
 * the disk: ERROR_SHARING_VIOLATION otherwise, as for other changes tgtd's
 * open LUs would not follow.  Trade-off: a client sets CacheParent before
 * assigning the disk (as the seed's NewDiffWTDisk(..., CacheParent) does)
 * rather than istmd pulling the LUs from under logged-in initiators.
 */
#include <config.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "proto/serving.h"

int answer_serving_cache_parent(struct svc *s, const uint8_t *req, uint8_t *reply,
				size_t *reply_len)
{
	struct svc_cache_parent_req rq;
	struct state_disk_usage u;
	struct state_disk *d;
	uint32_t hr = S_OK;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (rq.on > 1)
		return -EBADMSG;
	if (rq.wtd < 0)
		return svc_reply_hr(reply, reply_len, ERROR_FILE_NOT_FOUND);
	d = malloc(sizeof(*d));
	if (!d)
		return svc_reply_hr(reply, reply_len, E_OUTOFMEMORY);
	err = state_disk_get(s->st, rq.wtd, d);
	if (err < 0)
		hr = svc_hresult(err);
	else if (d->vhd_type != STATE_VHD_DIFF)
		hr = E_INVALIDARG;          /* no parent to cache */
	else if (!!(d->flags & STATE_CACHE_PARENT) == rq.on)
		hr = S_OK;                  /* already so */
	else if ((err = state_disk_usage(s->st, d->wtd, &u)) < 0)
		hr = svc_hresult(err);
	else if (u.mappings)
		hr = ERROR_SHARING_VIOLATION;
	else {
		d->flags = rq.on ? d->flags | STATE_CACHE_PARENT : d->flags & ~STATE_CACHE_PARENT;
		err = state_disk_update(s->st, d);
		if (err < 0) {
			log_warnx("setting CacheParent of disk %lld failed: %s", (long long)d->wtd,
				  state_errmsg(s->st));
			hr = svc_hresult(err);
		}
	}
	free(d);
	return svc_reply_hr(reply, reply_len, hr);
}
