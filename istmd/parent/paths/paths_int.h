/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* paths_int.h: what the path sandbox's files share; not for other modules. */
#ifndef ISTMD_PATHS_INT_H
#define ISTMD_PATHS_INT_H

#include "paths.h"

/* paths_parse.c */
int paths_fail(struct paths *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* 0 when NAME (LEN bytes) is acceptable as a component, else -EINVAL or
 * -ENAMETOOLONG with *WHY set to a short reason. */
int paths_check_component(const char *name, size_t len, const char **why);

#endif /* ISTMD_PATHS_INT_H */
