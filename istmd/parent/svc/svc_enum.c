/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_enum.c: the one answer every enumeration verb shares (count, Next,
 * Skip over a cursor the child keeps).  Trade-off: counting runs the
 * fetch to the end without output; collections are a few thousand rows
 * at most, and a count is rare (the count-only Next). */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "parent/svc/svc.h"

int svc_enum_answer(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len,
		    size_t item_size, svc_enum_fetch_fn fetch)
{
	struct svc_enum_req rq;
	struct svc_enum_reply rp;
	size_t room, n = 0;
	int64_t cur;
	int rc;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.text) || rq.cursor < -1 || (rq.flags & ~SVC_ENUM_SKIP))
		return -EBADMSG;
	memset(&rp, 0, sizeof(rp));
	cur = rq.cursor;
	rp.cursor = cur;
	if (rq.max == 0) {
		rc = fetch(s, &rq, &cur, NULL, SIZE_MAX, &n);
		rp.remaining = n;
	} else if (rq.flags & SVC_ENUM_SKIP) {
		rc = fetch(s, &rq, &cur, NULL, rq.max, &n);
		rp.n = (uint32_t)n;
		rp.cursor = cur;
	} else {
		room = (SVC_REPLY_MAX - sizeof(rp)) / item_size;
		rc = fetch(s, &rq, &cur, reply + sizeof(rp), rq.max < room ? rq.max : room, &n);
		rp.n = (uint32_t)n;
		rp.cursor = cur;
	}
	if (rc < 0) {
		memset(&rp, 0, sizeof(rp));
		rp.hr = svc_hresult(rc);
		n = 0;
	}
	memcpy(reply, &rp, sizeof(rp));
	*reply_len = sizeof(rp) + ((rq.max && !(rq.flags & SVC_ENUM_SKIP)) ? n * item_size : 0);
	return 0;
}
