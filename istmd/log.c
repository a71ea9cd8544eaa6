/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* log.c: one sink for every message istmd prints.  Messages are built at
 * the edge (here) from what the failing code recorded; secrets never reach
 * this file.  The trade-off: syslog is opened with LOG_NDELAY so that the
 * chrooted network child keeps its /dev/log socket. */
#include <config.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int log_to_stderr = 1;   /* 1: stderr (-f), 0: syslog, -1: nowhere (fuzzing) */
static int log_verbose;         /* 1: log_debug messages are shown */
static const char *log_ident = "istmd"; /* prefix on stderr */

void log_init(int to_stderr, int verbose, const char *ident)
{
	log_to_stderr = to_stderr;
	log_verbose = verbose;
	log_ident = ident;
	if (to_stderr == 0)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
	char msg[1024];
	int saved = errno;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		size_t n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	if (log_to_stderr < 0)
		;
	else if (log_to_stderr)
		fprintf(stderr, "%s[%ld]: %s\n", log_ident, (long)getpid(), msg);
	else
		syslog(pri, "%s", msg);
	errno = saved;
}

#define LOG_BODY(pri, e) do { va_list ap; va_start(ap, fmt); vlog(pri, fmt, ap, e); va_end(ap); } while (0)

void log_warn(const char *fmt, ...) { LOG_BODY(LOG_WARNING, 1); }
void log_warnx(const char *fmt, ...) { LOG_BODY(LOG_WARNING, 0); }
void log_info(const char *fmt, ...) { LOG_BODY(LOG_INFO, 0); }

void log_debug(const char *fmt, ...)
{
	if (log_verbose)
		LOG_BODY(LOG_DEBUG, 0);
}

void fatal(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 1);
	exit(1);
}

void fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_CRIT, 0);
	exit(1);
}
