/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_general.c: the server-wide settings IWTGeneral shows, kept in the
 * store's settings table like every other piece of configuration: the
 * server GUID (made once, at the first start), the name and the snapshot
 * schedule; and the verbs of proto/general.h that read and change them.
 * Trade-off: values are text ("32 hex digits", "every-day day start"), so
 * the store needs no column per setting and sqlite3 shows them as they
 * are; each is parsed and checked again when read. */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc.h"

#define GUID_KEY "server_guid"             /* settings keys */
#define SCHEDULE_KEY "snapshot_schedule"
#define NAME_KEY "server_name"

int svc_server_guid(struct state *st, uint8_t guid[16])
{
	char text[64];
	int rc, i;

	rc = state_setting_get(st, GUID_KEY, text, sizeof(text));
	if (rc == 0) {
		for (i = 0; i < 16; i++)
			if (sscanf(text + 2 * i, "%2hhx", &guid[i]) != 1)
				break;
		if (i == 16 && strlen(text) == 32)
			return 0;
		log_warnx("setting %s is not 32 hex digits", GUID_KEY);
		return -EINVAL;
	}
	if (rc != -ENOENT)
		return rc;
	if (getrandom(guid, 16, 0) != 16)
		return -EIO;
	guid[7] = (uint8_t)((guid[7] & 0x0f) | 0x40); /* version 4, as stored little-endian */
	guid[8] = (uint8_t)((guid[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (i = 0; i < 16; i++)
		snprintf(text + 2 * i, 3, "%02x", guid[i]);
	return state_setting_set(st, GUID_KEY, text);
}

int svc_schedule_get(struct state *st, struct priv_schedule *s)
{
	char text[128];
	unsigned every, day;
	uint64_t start;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = state_setting_get(st, SCHEDULE_KEY, text, sizeof(text));
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (sscanf(text, "%u %u %" SCNu64, &every, &day, &start) != 3 || every > 1 || day > 6) {
		log_warnx("setting %s is malformed", SCHEDULE_KEY);
		return -EINVAL;
	}
	s->every_day = every;
	s->day = day;
	s->start_time = start;
	return 0;
}

int svc_schedule_set(struct state *st, const struct priv_schedule *s)
{
	char text[128];

	if (s->every_day > 1 || s->day > 6)
		return -EINVAL;
	snprintf(text, sizeof(text), "%" PRIu32 " %" PRIu32 " %" PRIu64, s->every_day, s->day,
		 s->start_time);
	return state_setting_set(st, SCHEDULE_KEY, text);
}

/* --- the verbs ------------------------------------------------------------ */

int answer_general_server_info(struct svc *s, const uint8_t *req, uint8_t *reply,
			       size_t *reply_len)
{
	struct priv_server_info info;

	(void)req;
	memset(&info, 0, sizeof(info));
	memcpy(info.server_guid, s->server_guid, 16);
	snprintf(info.host_name, sizeof(info.host_name), "%s", s->host);
	info.kerberos = s->kerberos;
	memcpy(reply, &info, sizeof(info));
	*reply_len = sizeof(info);
	return 0;
}

int answer_general_get_schedule(struct svc *s, const uint8_t *req, uint8_t *reply,
				size_t *reply_len)
{
	struct priv_schedule sch;
	int rc;

	(void)req;
	if ((rc = svc_schedule_get(s->st, &sch)) < 0)
		return rc;
	memcpy(reply, &sch, sizeof(sch));
	*reply_len = sizeof(sch);
	return 0;
}

int answer_general_set_schedule(struct svc *s, const uint8_t *req, uint8_t *reply,
				size_t *reply_len)
{
	struct priv_schedule sch;
	int rc;

	(void)reply;
	memcpy(&sch, req, sizeof(sch));
	*reply_len = 0;
	rc = svc_schedule_set(s->st, &sch);
	if (rc == 0)
		svc_snapshot_schedule_set(s);   /* runs from now on, none in the past */
	return rc;
}

/* The server name (IWTGeneral::Name): "" until set (the child then shows
 * the host name, as <124> says Windows does). */
int answer_general_get_name(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_name_reply r;
	int rc;

	(void)req;
	memset(&r, 0, sizeof(r));
	rc = state_setting_get(s->st, NAME_KEY, r.name, sizeof(r.name));
	if (rc < 0 && rc != -ENOENT) {
		log_warnx("reading the server name failed: %s", state_errmsg(s->st));
		return svc_reply_hr(reply, reply_len, svc_hresult(rc));
	}
	if (rc == -ENOENT)
		r.name[0] = 0;
	r.hr = S_OK;
	memcpy(reply, &r, sizeof(r));
	*reply_len = sizeof(r);
	return 0;
}

int answer_general_set_name(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_name_req rq;
	int rc;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.name))
		return -EBADMSG;
	if (!rq.name[0])
		return svc_reply_hr(reply, reply_len, E_INVALIDARG);
	if ((rc = state_setting_set(s->st, NAME_KEY, rq.name)) < 0) {
		log_warnx("saving the server name failed: %s", state_errmsg(s->st));
		return svc_reply_hr(reply, reply_len, svc_hresult(rc));
	}
	return svc_reply_hr(reply, reply_len, S_OK);
}

