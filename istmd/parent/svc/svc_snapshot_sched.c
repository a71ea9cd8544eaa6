/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_sched.c: running the snapshot schedule that
 * IWTGeneral::DVSetSnapshotSchedule stores ([MS-ISTM] 2.2.4.17, 3.52.4.12).
 *
 * SNAPSHOT_SCHEDULE_SETTINGS is one schedule: hyStartTime (FILETIME, UTC)
 * gives the time of day, bEveryday or eDay the days.  A run is due at that
 * time of day on those days, never before hyStartTime itself; it takes a
 * snapshot of every disk that can have one (enabled, file-based, not
 * differencing, no differencing children).  The last run's time is a
 * setting (set to the moment the schedule is set, so setting one never
 * makes a run in the past), so a restart neither repeats a run nor loses
 * one: a run that fell while istmd was down is made at start (once,
 * however many fell).
 *
 * Trade-off: the parent's poll loop is the timer (svc_snapshot_tick), so a
 * run waits for the request being answered, and the requests wait for the
 * run: a few milliseconds per disk.
 */
#include <config.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "parent/svc/svc_snapshot_int.h"

#define LAST_RUN_KEY "snapshot_schedule_last_run"
#define FT_SECOND 10000000ull
#define FT_DAY (86400ull * FT_SECOND)
#define FT_UNIX_EPOCH 116444736000000000ull
#define TICK_MAX_MS 30000L

static uint64_t last_run(struct svc *s)
{
	char text[64];
	uint64_t v = 0;

	if (state_setting_get(s->st, LAST_RUN_KEY, text, sizeof(text)) == 0)
		sscanf(text, "%" SCNu64, &v);
	return v;
}

/* Day of week of FILETIME T (0 Sunday); 1601-01-01 was a Monday. */
static unsigned weekday(uint64_t t)
{
	return (unsigned)((t / FT_DAY + 1) % 7);
}

/* The first run of SCH at or after FROM (FILETIME), 0 when not scheduled. */
static uint64_t next_run(const struct priv_schedule *sch, uint64_t from)
{
	uint64_t tod, t;

	if (!sch->start_time)
		return 0;
	if (from < sch->start_time)
		from = sch->start_time;
	tod = sch->start_time % FT_DAY;
	t = from - from % FT_DAY + tod;
	if (t < from)
		t += FT_DAY;
	for (int i = 0; i < 8 && !sch->every_day && weekday(t) != sch->day; i++)
		t += FT_DAY;
	return t;
}

/* The run due at or before NOW and after the last one, 0 when none. */
static uint64_t due(struct svc *s, const struct priv_schedule *sch, uint64_t now, uint64_t *next)
{
	uint64_t last = last_run(s), t;

	*next = 0;
	if (!sch->start_time)
		return 0;
	/* the first run after the last one; then whether it has come */
	t = next_run(sch, last ? last + 1 : sch->start_time);
	if (t && t <= now) {
		*next = next_run(sch, now + 1);
		return t;
	}
	*next = t;
	return 0;
}

static void run(struct svc *s, uint64_t when)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_disk *d = malloc(sizeof(*d));
	char text[64];
	size_t got, taken = 0, refused = 0;
	uint8_t guid[16];

	/* recorded first: a run cut off by a crash is not repeated, its
	 * snapshots are whole or absent */
	snprintf(text, sizeof(text), "%" PRIu64, when);
	if (state_setting_set(s->st, LAST_RUN_KEY, text) < 0) {
		log_warnx("recording the snapshot schedule's run failed: %s", state_errmsg(s->st));
		free(d);
		return;
	}
	while (d && state_disk_next(s->st, &cur, false, d, 1, &got) == 0 && got) {
		uint32_t hr;

		if (!d->enabled || d->wtd_type != STATE_WTD_FILE || d->vhd_type == STATE_VHD_DIFF ||
		    (d->flags & STATE_DVD))
			continue;
		hr = svc_snapshot_take(s, d->wtd, guid);
		if (hr == S_OK) {
			taken++;
		} else if (hr != ERROR_INVALID_FUNCTION) {
			refused++;
			log_warnx("scheduled snapshot of disk %lld failed: %s", (long long)d->wtd,
				  hresult_name(hr));
		}
	}
	log_info("snapshot schedule ran: %zu snapshots taken, %zu refused", taken, refused);
	free(d);
}

void svc_snapshot_schedule_set(struct svc *s)
{
	char text[64];

	snprintf(text, sizeof(text), "%" PRIu64, svc_filetime_now());
	if (state_setting_set(s->st, LAST_RUN_KEY, text) < 0)
		log_warnx("recording when the snapshot schedule was set failed: %s",
			  state_errmsg(s->st));
}

long svc_snapshot_tick(struct svc *s)
{
	struct priv_schedule sch;
	uint64_t now = svc_filetime_now(), when, next;
	long ms;

	if (!s->ready || svc_schedule_get(s->st, &sch) < 0)
		return TICK_MAX_MS;
	when = due(s, &sch, now, &next);
	if (when)
		run(s, when);
	if (!next)
		return TICK_MAX_MS;
	now = svc_filetime_now();
	ms = next <= now ? 0 : (long)((next - now) / 10000u) + 1;
	return ms > TICK_MAX_MS ? TICK_MAX_MS : ms;
}
