/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_snapshot_settle.c: waiting for tgtd to settle a frozen layer.
 *
 * After a live switch, bs_vhd commits a VHDX top's log on a thread of its
 * own and keeps the file's exclusive lock until it is complete for other
 * readers (tgt-backend/bs_vhd_settle.c); a VHD top is shared at once.
 * Under a heavy writer that settle takes as long as the old top's dirty
 * data takes to reach the disk (up to a second measured), and the snapshot
 * exists from the switch on: nothing in it changes any more.  So istmd
 * answers the snapshot without waiting, and remembers each disk's last
 * switched top (a short list, in memory).  What opens a frozen layer
 * itself (export, shadow disk, rollback, mount, merge) first waits for it
 * if it is on that list (svc_frozen_wait_path), and the disk's next freeze
 * waits for its previous top before switching (svc_frozen_wait): bs_vhd
 * would otherwise wait for that settle on tgtd's main thread, inside the
 * next pause.  Only files on the list are waited for: any other file held
 * exclusively (a live top, a file another tool has open) is refused at
 * once with EBUSY, as before.  After a restart the list is empty; a settle
 * still running then makes an open fail with EBUSY, never read a partial
 * file.
 *
 * Licence: GPL-2.0-or-later.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "parent/svc/svc_snapshot_int.h"

struct svc_frozen {
	struct svc_frozen *next;
	int64_t wtd;
	char path[];
};

/* A shared lock of ours succeeds once tgtd has let go of its exclusive
 * one, that is once the file is complete for every other reader.  Bounded:
 * after SETTLE_WAIT_MS the caller goes on (logged), and its open then
 * fails with EBUSY; it never reads the layer partial. */
#define SETTLE_WAIT_MS 60000
static void wait_settled(const char *path)
{
	const struct timespec tick = { 0, 2000000 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return;
	for (int waited = 0; flock(fd, LOCK_SH | LOCK_NB) < 0; waited += 2) {
		if (errno != EWOULDBLOCK || waited >= SETTLE_WAIT_MS) {
			log_warnx("'%s' is still held exclusively after a switch: %s", path,
				  errno == EWOULDBLOCK ? "not settled in time" : strerror(errno));
			break;
		}
		nanosleep(&tick, NULL);
	}
	close(fd); /* and the lock with it */
}

/* Wait for the entry *P names, then drop it from the list. */
static void settle_and_drop(struct svc_frozen **p)
{
	struct svc_frozen *f = *p;

	wait_settled(f->path);
	*p = f->next;
	free(f);
}

void svc_frozen_wait(struct svc *s, int64_t wtd)
{
	for (struct svc_frozen **p = &s->frozen; *p; p = &(*p)->next)
		if ((*p)->wtd == wtd) {
			settle_and_drop(p);
			return;
		}
}

void svc_frozen_wait_path(struct svc *s, const char *path)
{
	for (struct svc_frozen **p = &s->frozen; *p; p = &(*p)->next)
		if (strcmp((*p)->path, path) == 0) {
			settle_and_drop(p);
			return;
		}
}

void svc_frozen_note(struct svc *s, int64_t wtd, const char *path)
{
	size_t len = strlen(path) + 1;
	struct svc_frozen *f = malloc(sizeof(*f) + len);

	svc_frozen_wait(s, wtd); /* normally long settled: one lock probe */
	if (!f) {
		wait_settled(path); /* no memory to wait later: now */
		return;
	}
	f->wtd = wtd;
	memcpy(f->path, path, len);
	f->next = s->frozen;
	s->frozen = f;
}

void svc_frozen_forget_all(struct svc *s)
{
	while (s->frozen) {
		struct svc_frozen *f = s->frozen;

		s->frozen = f->next;
		free(f);
	}
}
