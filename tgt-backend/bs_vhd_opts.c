/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* bs_vhd_opts.c: parse an LU's --bsopts ("cache_parent=1;readonly=1").
 *
 * tgtd splits --params on commas before the backing store sees them, so
 * options are separated by ';' (as bs_rbd does).  Unknown options and bad
 * values are refused, so a typo makes `tgtadm --op new` fail instead of
 * silently serving a disk with other settings than asked for.
 *
 * Licence: GPL-2.0-or-later.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bs_vhd.h"

#define BS_VHD_DEFAULT_CACHE_MIB 64

/* parse_uint: a decimal value in [0, max]. */
static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int bs_vhd_opts_parse(const char *bsopts, struct bs_vhd_opts *opts)
{
	char *copy, *save = NULL, *opt;
	int ret = 0;

	memset(opts, 0, sizeof(*opts));
	opts->cache_size = (size_t)BS_VHD_DEFAULT_CACHE_MIB << 20;
	if (!bsopts || !*bsopts)
		return 0;
	copy = strdup(bsopts);
	if (!copy)
		return -ENOMEM;
	for (opt = strtok_r(copy, ";", &save); opt; opt = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(opt, '=');
		unsigned long v;

		if (!eq) {
			eprintf("bs_vhd: bad option '%s' in bsopts: expected name=value\n", opt);
			ret = -EINVAL;
			break;
		}
		*eq = '\0';
		if (!strcmp(opt, "cache_parent") && parse_uint(eq + 1, 1, &v) == 0) {
			opts->cache_parent = (int)v;
		} else if (!strcmp(opt, "readonly") && parse_uint(eq + 1, 1, &v) == 0) {
			opts->readonly = (int)v;
		} else if (!strcmp(opt, "cache_size_mb") &&
			   parse_uint(eq + 1, 1ul << 20, &v) == 0 && v > 0) {
			opts->cache_size = (size_t)v << 20;
		} else {
			eprintf("bs_vhd: bad option '%s=%s' in bsopts "
				"(known: cache_parent=0|1, readonly=0|1, cache_size_mb=N)\n",
				opt, eq + 1);
			ret = -EINVAL;
			break;
		}
	}
	free(copy);
	return ret;
}
