/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* priv_state.c: the small files the parent keeps in the state directory
 * until SQLite arrives (issue 6): the server GUID (created once) and the
 * IWTGeneral snapshot schedule.  Writes go to a temporary file, fsync,
 * rename, fsync of the directory, so a crash leaves the old or the new
 * file, never a torn one.  Trade-off: text files, one value per file,
 * read on every request (tiny and rare). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "log.h"
#include "priv.h"

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[4096], tmp[4096];
	size_t len = strlen(text);
	int fd, dfd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_warn("writing '%s' failed", tmp);
		return -errno;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc < 0) {
		errno = -rc;
		log_warn("writing '%s' failed", path);
		unlink(tmp);
		return rc;
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* Read NAME into BUF; -ENOENT when it does not exist. */
static int read_file(const char *dir, const char *name, char *buf, size_t size)
{
	char path[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno != ENOENT)
			log_warn("reading '%s' failed", path);
		return -errno;
	}
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0) {
		log_warn("reading '%s' failed", path);
		return -EIO;
	}
	buf[n] = 0;
	return 0;
}

int priv_state_server_guid(const char *state_dir, uint8_t guid[16])
{
	char text[64];
	int rc, i;

	rc = read_file(state_dir, "server-guid", text, sizeof(text));
	if (rc == 0) {
		for (i = 0; i < 16; i++)
			if (sscanf(text + 2 * i, "%2hhx", &guid[i]) != 1)
				break;
		if (i == 16)
			return 0;
		log_warnx("reading '%s/server-guid' failed: not 32 hex digits", state_dir);
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
	text[32] = '\n';
	text[33] = 0;
	return write_file(state_dir, "server-guid", text);
}

int priv_state_get_schedule(const char *state_dir, struct priv_schedule *s)
{
	char text[128];
	unsigned every, day;
	uint64_t start;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = read_file(state_dir, "schedule", text, sizeof(text));
	if (rc == -ENOENT)
		return 0;
	if (rc < 0)
		return rc;
	if (sscanf(text, "%u %u %" SCNu64, &every, &day, &start) != 3 || every > 1 || day > 6) {
		log_warnx("reading '%s/schedule' failed: malformed", state_dir);
		return -EINVAL;
	}
	s->every_day = every;
	s->day = day;
	s->start_time = start;
	return 0;
}

int priv_state_set_schedule(const char *state_dir, const struct priv_schedule *s)
{
	char text[128];

	if (s->every_day > 1 || s->day > 6)
		return -EINVAL;
	snprintf(text, sizeof(text), "%u %u %" PRIu64 "\n", s->every_day, s->day, s->start_time);
	return write_file(state_dir, "schedule", text);
}
