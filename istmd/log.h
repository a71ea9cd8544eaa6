/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* log.h: istmd's logging, to stderr in the foreground and to syslog as a
 * daemon.  log_warn appends strerror(errno), log_warnx does not; fatal*
 * are for start-up and broken IPC only (as bgpd's log.h). */
#ifndef ISTMD_LOG_H
#define ISTMD_LOG_H

#include <stdnoreturn.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

void log_init(int to_stderr, int verbose, const char *ident);
void log_warn(const char *fmt, ...) LOG_FMT(1, 2);
void log_warnx(const char *fmt, ...) LOG_FMT(1, 2);
void log_info(const char *fmt, ...) LOG_FMT(1, 2);
void log_debug(const char *fmt, ...) LOG_FMT(1, 2);
noreturn void fatal(const char *fmt, ...) LOG_FMT(1, 2);
noreturn void fatalx(const char *fmt, ...) LOG_FMT(1, 2);

#endif /* ISTMD_LOG_H */
