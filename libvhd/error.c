/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* error.c: the one place libvhd records error messages and emits warnings.
 *
 * Each thread has its own last-error buffer, so concurrent callers (FUSE
 * workers, tgt worker threads) never see each other's messages.  Recording
 * a message costs one vsnprintf; it only happens on failure paths.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "vhd.h"
#include "internal.h"

static _Thread_local char errmsg[1024];

static void log_to_stderr(int level, const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "libvhd: %s: %s\n", level == 0 ? "warning" : "notice", msg);
}

static vhd_log_fn logger = log_to_stderr;
static void *logger_arg;

const char *vhd_errmsg(void)
{
	return errmsg[0] ? errmsg : "no error";
}

void vhd_set_logger(vhd_log_fn fn, void *arg)
{
	logger = fn ? fn : log_to_stderr;
	logger_arg = fn ? arg : NULL;
}

int vhd_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}

void vhd_clear_error(void)
{
	errmsg[0] = '\0';
}

void vhd_log(int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	logger(level, msg, logger_arg);
}
