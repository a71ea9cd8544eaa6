/* internal.h: libvhd's private declarations, one banner per file. */
#ifndef LIBVHD_INTERNAL_H
#define LIBVHD_INTERNAL_H

#include "vhd.h"

#define VHD_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* error.c */
/* Record a message for vhd_errmsg() and return -|err|, so a failure path
 * reads: return vhd_error(-EINVAL, "'%s': bad footer checksum", path); */
int vhd_error(int err, const char *fmt, ...) VHD_PRINTF(2, 3);
void vhd_clear_error(void);
/* Send a warning (level 0) or notice (level 1) to the installed logger. */
void vhd_log(int level, const char *fmt, ...) VHD_PRINTF(2, 3);

#endif
