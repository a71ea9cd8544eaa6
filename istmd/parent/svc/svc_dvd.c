/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_dvd.c: virtual DVDs, the ISO images istmd serves as read-only CD/DVD
 * LUs (tgt's mmc device type and its "mmc" backing store), and the medium
 * changes [MS-ISTM] cannot express (verb SVC_DVD_MEDIUM, proto/dvd.h).
 *
 * A DVD is a disk row (CreateWTDisk on an existing image) flagged
 * STATE_DVD; its path is the medium in the drive, and STATE_DVD_EJECTED
 * says the drive is empty (the path then names the last medium, for the
 * client to see; sync makes the LU without a backing store).  Both live
 * in the row's flags, so the medium survives istmd and tgtd restarts
 * through the same sync that serves every other disk; an eject or insert
 * changes the row, then re-applies the targets mapping it, and puts the row
 * back when tgtd refuses (an initiator that sent PREVENT ALLOW MEDIUM
 * REMOVAL): nothing changes on a failure.
 *
 * Trade-off: the image check reads 4 KiB at 32 KiB (the volume recognition
 * sequence of ECMA-119 and ECMA-167) rather than walking the file system,
 * which catches a wrong file (a VHD, a raw disk) but not a damaged image;
 * an initiator reads a damaged image as it is.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "parent/paths/paths.h"
#include "parent/svc/answers.h"
#include "proto/dvd.h"

#define DVD_SECTOR 2048u
#define DVD_VRS_OFFSET (16u * DVD_SECTOR)   /* system area: sectors 0-15 */

/* A volume structure descriptor: type, 5-byte standard identifier,
 * version.  ISO 9660 volumes say CD001; UDF's recognition sequence opens
 * with BEA01 and names its volume NSR02/NSR03 (ECMA-167 2/9.1). */
static bool vrs_recognised(const uint8_t *vsd, bool *udf)
{
	if (memcmp(vsd + 1, "CD001", 5) == 0 && vsd[6] == 1)
		return true;
	if (memcmp(vsd + 1, "BEA01", 5) == 0 || memcmp(vsd + 1, "NSR02", 5) == 0 ||
	    memcmp(vsd + 1, "NSR03", 5) == 0) {
		*udf = true;
		return true;
	}
	return false;
}

int svc_dvd_image_check(const char *abs, uint64_t *size, bool say_why)
{
	uint8_t vsd[2 * DVD_SECTOR];
	struct stat st;
	bool udf = false;
	ssize_t got;
	int fd, err = 0;

	fd = open(abs, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		err = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		err = -EACCES;
	} else if ((uint64_t)st.st_size < DVD_VRS_OFFSET + sizeof(vsd) ||
		   (uint64_t)st.st_size % DVD_SECTOR) {
		if (say_why)
			log_info("'%s' is not an ISO 9660/UDF image: %lld bytes is not a whole "
				 "number of 2048-byte sectors past the volume descriptors", abs,
				 (long long)st.st_size);
		err = -EMEDIUMTYPE;
	} else if ((got = pread(fd, vsd, sizeof(vsd), DVD_VRS_OFFSET)) < 0) {
		err = -errno;
	} else if (got != (ssize_t)sizeof(vsd) ||
		   !(vrs_recognised(vsd, &udf) || vrs_recognised(vsd + DVD_SECTOR, &udf))) {
		if (say_why)
			log_info("'%s' is not an ISO 9660/UDF image: no volume descriptor at 32 KiB",
				 abs);
		err = -EMEDIUMTYPE;
	} else {
		*size = (uint64_t)st.st_size;
	}
	close(fd);
	return err;
}

static int reply_state(struct svc *s, const struct state_disk *d, uint32_t hr, uint8_t *reply,
		       size_t *reply_len)
{
	struct svc_dvd_reply *rp = (struct svc_dvd_reply *)reply;

	memset(rp, 0, sizeof(*rp));
	rp->hr = hr;
	if (d) {
		rp->present = !(d->flags & STATE_DVD_EJECTED);
		if (paths_to_client(&s->paths, d->path, rp->path, sizeof(rp->path)) < 0)
			snprintf(rp->path, sizeof(rp->path), "%s", d->path);
	}
	*reply_len = sizeof(*rp);
	return 0;
}

/* The medium of D becomes ABS (NULL: keep it) and PRESENT; HRESULT. */
static uint32_t change_medium(struct svc *s, struct state_disk *d, const char *abs, bool present)
{
	struct state_disk was = *d;
	uint64_t size = d->size;
	uint32_t hr;
	int err;

	if (abs && strcmp(abs, d->path) != 0) {
		err = svc_dvd_image_check(abs, &size, true);
		if (err < 0)
			return err == -EMEDIUMTYPE ? E_INVALIDARG : svc_hresult(err);
		snprintf(d->path, sizeof(d->path), "%s", abs);
	}
	d->size = size;
	d->flags = present ? d->flags & ~STATE_DVD_EJECTED : d->flags | STATE_DVD_EJECTED;
	err = state_disk_update(s->st, d);
	if (err < 0) {
		log_info("changing the medium of disk %lld refused: %s", (long long)d->wtd,
			 state_errmsg(s->st));
		*d = was;
		return err == -EEXIST ? ERROR_ALREADY_EXISTS : svc_hresult(err);
	}
	hr = svc_disk_apply_targets(s, d->wtd);
	if (hr != S_OK) {
		/* tgtd kept the medium (PREVENT ALLOW MEDIUM REMOVAL, or the
		 * file vanished): so does the store */
		log_warnx("changing the medium of disk %lld failed: %s", (long long)d->wtd,
			  tgt_errmsg(&s->tgt));
		*d = was;
		if (state_disk_update(s->st, d) == 0)
			svc_disk_apply_targets(s, d->wtd);
		/* as a rollback under a logged-in initiator answers */
		return hr == ERROR_DEVICE_IN_USE ? ERROR_SHARING_VIOLATION : hr;
	}
	log_info("disk %lld: %s '%s'", (long long)d->wtd, present ? "medium" : "ejected",
		 d->path);
	return S_OK;
}

int answer_dvd_medium(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	struct svc_dvd_req rq;
	char abs[PATHS_PATH_MAX + 1];
	struct state_disk *d;
	uint32_t hr = S_OK;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.path) || rq.op > SVC_DVD_INSERT)
		return -EBADMSG;
	if (rq.wtd < 0)
		return reply_state(s, NULL, ERROR_FILE_NOT_FOUND, reply, reply_len);
	d = malloc(sizeof(*d));
	if (!d)
		return reply_state(s, NULL, E_OUTOFMEMORY, reply, reply_len);
	err = state_disk_get(s->st, rq.wtd, d);
	if (err < 0) {
		hr = svc_hresult(err);
	} else if (!(d->flags & STATE_DVD)) {
		log_info("disk %lld is not a virtual DVD: no medium to change", (long long)d->wtd);
		hr = ERROR_NOT_SUPPORTED;
	} else if (rq.op == SVC_DVD_EJECT) {
		hr = (d->flags & STATE_DVD_EJECTED) ? S_OK : change_medium(s, d, NULL, false);
	} else if (rq.op == SVC_DVD_INSERT) {
		err = paths_resolve_file(&s->paths, rq.path, strlen(rq.path), abs, sizeof(abs));
		if (err < 0) {
			log_info("inserting '%s' refused: %s", rq.path, paths_errmsg(&s->paths));
			hr = paths_hresult(err);
		} else {
			hr = change_medium(s, d, abs, true);
		}
	}
	err = reply_state(s, hr == S_OK || err == 0 ? d : NULL, hr, reply, reply_len);
	free(d);
	return err;
}
