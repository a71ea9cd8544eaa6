/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* state_lunview.c: the LUN view status notifications compare ([MS-ISTM]
 * 3.42.4): per saved virtual disk whether it is enabled and in use
 * (mapped to a target or mounted locally), and one digest of every saved
 * target's LUN mappings and enabled flag.  Trade-off: two queries over
 * all disks and mappings per comparison, instead of hooks in every
 * operation that could change a LUN; the parent runs it only while a
 * client is registered, and it cannot miss a path that changes the store. */
#include <config.h>

#include <errno.h>
#include <stdlib.h>

#include "parent/state/state_int.h"

static void read_row(sqlite3_stmt *s, void *p)
{
	struct state_lun_view_row *r = p;

	r->wtd = sqlite3_column_int64(s, 0);
	r->enabled = sqlite3_column_int(s, 1) != 0;
	r->in_use = sqlite3_column_int(s, 2) != 0;
}

int state_lun_view(struct state *st, struct state_lun_view_row **rows, size_t *n,
		   uint64_t *mappings_digest)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	sqlite3_stmt *s;
	int err, rc, i;

	err = state_prepare(st, "SELECT d.wtd, d.enabled,"
			    " EXISTS (SELECT 1 FROM lun_mappings m JOIN targets t ON t.id = m.target_id"
			    "   WHERE m.wtd = d.wtd AND t.flags & 1 = 0) OR d.lm_mount_point <> ''"
			    " FROM disks d WHERE d.flags & 1 = 0 ORDER BY d.wtd", &s);
	if (err < 0)
		return err;
	err = state_collect(st, s, sizeof(**rows), read_row, (void **)rows, n, "read the LUN view");
	if (err < 0)
		return err;
	err = state_prepare(st, "SELECT m.target_id, m.wtd, m.lun, t.enabled"
			    " FROM lun_mappings m JOIN targets t ON t.id = m.target_id"
			    " WHERE t.flags & 1 = 0 ORDER BY m.target_id, m.lun", &s);
	if (err < 0) {
		free(*rows);
		*rows = NULL;
		return err;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < 4; i++) {
			uint64_t v = (uint64_t)sqlite3_column_int64(s, i);
			int b;

			for (b = 0; b < 64; b += 8) {
				h ^= (v >> b) & 0xff;
				h *= 0x100000001b3ull;
			}
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		return state_sqlerr(st, rc, "read the LUN mappings");
	}
	*mappings_digest = h;
	return 0;
}
