/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* tgt_int.h: what the tgt adapter's files share; not for other modules. */
#ifndef ISTMD_TGT_INT_H
#define ISTMD_TGT_INT_H

#include "tgt.h"

/* tgt_run.c */
int tgt_fail(struct tgt *t, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Run "tgtadm -C N --lld iscsi ARGS..." (ARGS NULL-terminated).  WHAT names
 * the operation for messages ("delete target 3").  On success *OUT (may be
 * NULL) gets tgtadm's stdout, NUL-terminated, malloc'd. */
int tgt_run(struct tgt *t, const char *what, const char *const *args, char **out,
	    size_t *out_len);

#endif /* ISTMD_TGT_INT_H */
