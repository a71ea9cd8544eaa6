/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-map.c: `vhdtool map`, which layer of a chain each extent of the
 * virtual disk comes from.
 *
 * Useful before a commit or a snapshot delete (how much lives in the top?)
 * and for debugging a chain.  Consecutive runs from the same layer at
 * consecutive file offsets are merged, so the output shows the layout, not
 * libvhd's block size.  Read-only and lock-free, like info.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool map [--json | --output=human|json] FILE\n"
	"\n"
	"List the extents of FILE's virtual disk: offset, length, the layer that\n"
	"holds them (0 = FILE, 1 = its parent, ...; zero = reads as zeros), the\n"
	"offset inside that layer's file, and the file.\n";

struct map_run {
	uint64_t start;        /* virtual offset */
	uint64_t length;       /* bytes */
	int layer;             /* -1 for zeros */
	uint64_t file_offset;  /* in the layer's file */
};

/* qemu-img map's keys mean: depth, the layer that answers for the run (for
 * a run no layer holds, the base, which defines it as zeros); present, the
 * chain defines the bytes (always, since a VHD chain ends in a base);
 * zero and data, whether they read as zeros or come from a file. */
static void emit(const struct map_run *m, char **paths, int depth, int json, struct json_out *j)
{
	if (json) {
		json_begin_object(j, NULL);
		json_uint(j, "start", m->start);
		json_uint(j, "length", m->length);
		json_int(j, "depth", m->layer < 0 ? depth - 1 : m->layer);
		json_bool(j, "present", 1);
		json_bool(j, "zero", m->layer < 0);
		json_bool(j, "data", m->layer >= 0);
		json_int(j, "layer", m->layer);
		if (m->layer >= 0) {
			json_uint(j, "offset", m->file_offset);
			json_string(j, "filename", paths[m->layer]);
		}
		json_end_object(j);
		return;
	}
	if (m->layer < 0)
		printf("0x%-16llx 0x%-16llx %-5s %-18s %s\n", (unsigned long long)m->start,
		       (unsigned long long)m->length, "zero", "-", "-");
	else
		printf("0x%-16llx 0x%-16llx %-5d 0x%-16llx %s\n", (unsigned long long)m->start,
		       (unsigned long long)m->length, m->layer, (unsigned long long)m->file_offset,
		       paths[m->layer]);
}

int cmd_map(int argc, char **argv)
{
	struct map_run cur = { 0, 0, -2, 0 };
	int json = 0, nargs, r, depth, i, rc = EXIT_ERROR;
	const struct tool_opt opts[] = {
		{ "json", 'j', TOOL_FLAG, &json, NULL,
		  "a JSON array of {start, length, layer, offset, filename}\n"
		  "with qemu-img map's keys too: depth, present, zero, data", NULL, 0 },
		{ "output", 0, TOOL_OUTPUT, &json, "FMT", "human or json, as qemu-img spells it", NULL, 0 },
		{ 0 },
	};
	const struct tool_verb verb = {
		"map", usage, "accepted for symmetry", opts, 1, 1, "no FILE given", 0,
	};
	char **args;
	struct vhd_info *info = NULL;
	char **paths = NULL;
	vhd_chain *chain;
	struct json_out j;
	uint64_t off, size;
	const char *file;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	file = args[0];

	r = vhd_chain_open(file, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &chain);
	if (r < 0) {
		tool_fail("map", file, r);
		return EXIT_ERROR;
	}
	depth = vhd_chain_depth(chain);
	size = vhd_chain_size(chain);
	info = malloc(sizeof(*info));
	paths = calloc((size_t)depth, sizeof(*paths));
	if (!info || !paths) {
		tool_failx("map", file, "out of memory");
		goto out;
	}
	for (i = 0; i < depth; i++) {
		r = vhd_chain_layer_info(chain, i, info);
		if (r < 0) {
			tool_fail("map", file, r);
			goto out;
		}
		paths[i] = strdup(info->path);
		if (!paths[i]) {
			tool_failx("map", file, "out of memory");
			goto out;
		}
	}

	if (json) {
		json_init(&j, stdout);
		json_begin_array(&j, NULL);
	} else {
		printf("%-18s %-18s %-5s %-18s %s\n", "offset", "length", "layer", "file offset", "file");
	}
	for (off = 0; off < size;) {
		struct vhd_extent ext;

		r = vhd_chain_map(chain, off, size - off, &ext);
		if (r < 0 || ext.length == 0 || ext.length > size - off) {
			fflush(stdout);
			if (r < 0)
				tool_fail("map", file, r);
			else
				tool_failx("map", file, "bad extent at offset %llu", (unsigned long long)off);
			goto out;
		}
		if (ext.fd < 0)
			ext.layer = -1;
		if (cur.layer == ext.layer &&
		    (ext.layer < 0 || cur.file_offset + cur.length == ext.file_offset)) {
			cur.length += ext.length;
		} else {
			if (cur.length)
				emit(&cur, paths, depth, json, &j);
			cur.start = off;
			cur.length = ext.length;
			cur.layer = ext.layer;
			cur.file_offset = ext.file_offset;
		}
		off += ext.length;
	}
	if (cur.length)
		emit(&cur, paths, depth, json, &j);
	if (json) {
		json_end_array(&j);
		json_finish(&j);
	}
	rc = EXIT_OK;
out:
	if (paths)
		for (i = 0; i < depth; i++)
			free(paths[i]);
	free(paths);
	free(info);
	vhd_chain_close(chain);
	return rc;
}
