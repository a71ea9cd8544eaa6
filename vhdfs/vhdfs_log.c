/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdfs_log.c: where vhdfs's messages go.
 *
 * In the foreground (and until the daemon has detached) messages go to
 * stderr, prefixed "vhdfs: "; once detached, stderr is /dev/null and they go
 * to syslog (LOG_DAEMON).  libvhd's warnings and libfuse's own messages are
 * routed through the same switch so nothing is lost after detaching.  The
 * switch is a plain flag flipped once, before any worker thread exists.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include <fuse3/fuse_log.h>

#include "vhdfs.h"

static int use_syslog; /* set once by vhdfs_log_to_syslog(), before threads */

static void vlog(int prio, const char *fmt, va_list ap)
{
	if (use_syslog) {
		vsyslog(prio, fmt, ap);
		return;
	}
	fputs("vhdfs: ", stderr);
	if (prio == LOG_WARNING)
		fputs("warning: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void vhdfs_log_to_syslog(void)
{
	openlog("vhdfs", LOG_PID, LOG_DAEMON);
	use_syslog = 1;
}

void vhdfs_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void vhdfs_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void vhdfs_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

static void from_libvhd(int level, const char *msg, void *arg)
{
	(void)arg;
	if (level == 0)
		vhdfs_warn("%s", msg);
	else
		vhdfs_info("%s", msg);
}

/* libfuse's messages already end in a newline and carry their own prefix. */
static void from_libfuse(enum fuse_log_level level, const char *fmt, va_list ap)
{
	if (use_syslog)
		vsyslog((int)level, fmt, ap);
	else
		vfprintf(stderr, fmt, ap);
}

void vhdfs_log_install(void)
{
	vhd_set_logger(from_libvhd, NULL);
	fuse_set_log_func(from_libfuse);
}
