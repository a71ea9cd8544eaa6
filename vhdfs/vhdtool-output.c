/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-output.c: what several subcommands share about their output:
 * qemu-img's `--output=human|json` spelling next to our `--json`, and the
 * host's view of a file (allocated bytes, qemu's "disk size").
 *
 * --output is accepted wherever --json is, so a script written for qemu-img
 * works unchanged; both spellings set the same flag, the last one wins.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "vhdtool.h"

int tool_parse_output(const char *verb, const char *arg, int *json)
{
	if (strcmp(arg, "json") == 0)
		*json = 1;
	else if (strcmp(arg, "human") == 0)
		*json = 0;
	else
		return tool_usage_error(verb, "--output takes 'human' or 'json', not '%s'", arg);
	return EXIT_OK;
}

int tool_disk_size(const char *path, uint64_t *bytes)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	/* st_blocks counts 512-byte units whatever the file system's block. */
	*bytes = (uint64_t)st.st_blocks * 512;
	return 0;
}
