/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* targets-disk-row.c: add virtual-disk rows to istmd's store for the
 * targets tests, until IWTDiskMgr can make them over ISTM.  Run while
 * istmd is stopped (opening the store drops placeholders).
 *
 *   targets-disk-row STATE_DIR PATH SIZE [parent=WTD] [ro] [mounted]
 *
 * prints the new disk's WTD index.  Licence: GPL-2.0-or-later.
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parent/state/state.h"

int main(int argc, char **argv)
{
	struct state *st;
	struct state_disk d;
	int err;

	if (argc < 4) {
		fprintf(stderr, "usage: targets-disk-row STATE_DIR PATH SIZE [parent=WTD] [ro] [mounted]\n");
		return 2;
	}
	state_disk_init(&d, argv[2]);
	d.size = strtoull(argv[3], NULL, 0);
	d.vhd_type = STATE_VHD_FIXED;
	for (int i = 4; i < argc; i++) {
		if (strncmp(argv[i], "parent=", 7) == 0) {
			d.parent_wtd = strtoll(argv[i] + 7, NULL, 0);
			d.vhd_type = STATE_VHD_DIFF;
		} else if (strcmp(argv[i], "ro") == 0) {
			d.read_only = true;
		} else if (strcmp(argv[i], "mounted") == 0) {
			snprintf(d.lm_mount_point, sizeof(d.lm_mount_point), "%s/mnt", argv[1]);
		} else {
			fprintf(stderr, "targets-disk-row: unknown option '%s'\n", argv[i]);
			return 2;
		}
	}
	if ((err = state_open(argv[1], &st)) < 0) {
		fprintf(stderr, "targets-disk-row: opening the store in '%s' failed\n", argv[1]);
		return 1;
	}
	err = state_disk_add(st, &d);
	if (err == 0)
		err = state_disk_save(st, &d);
	if (err < 0) {
		fprintf(stderr, "targets-disk-row: adding '%s' failed: %s\n", argv[2], state_errmsg(st));
		state_close(st);
		return 1;
	}
	printf("%lld\n", (long long)d.wtd);
	state_close(st);
	return 0;
}
