/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-info.c: `vhdtool info`, every layer of a chain, for people or
 * (with --json) for scripts.
 *
 * The chain is opened read-only without locks, as an inspection tool must
 * work on a disk that tgtd or vhdfs is serving.  The price is that a layer
 * being written at the same moment may show a stale block count; info never
 * reads data, so nothing worse can happen.  JSON keys follow qemu-img's
 * spelling (lowercase, dashes) so tools that read `qemu-img info` feel at home.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool info [--json | --output=human|json] [--no-parents] FILE\n"
	"\n"
	"Show FILE and, for a differencing disk, every parent down to the base:\n"
	"type, virtual size, unique id, creator, geometry, block use, parent link.\n";

/* VHD timestamps count seconds from 2000-01-01T00:00:00Z. */
#define VHD_EPOCH 946684800

static void format_timestamp(uint32_t ts, char *buf, size_t len)
{
	time_t t = (time_t)ts + VHD_EPOCH;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* On-disk strings go to a terminal: no escape sequences from a file. */
static void print_clean(const char *s)
{
	for (; *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

/* A VHDX GUID as Windows prints it: the first three groups are stored
 * little-endian ([MS-VHDX] 1.3), unlike a VHD unique id. */
static void guid_format(const uint8_t g[16], char out[39])
{
	snprintf(out, 39, "{%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x}",
	         g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8], g[9], g[10], g[11], g[12],
	         g[13], g[14], g[15]);
}

static void print_vhdx_layer(const struct vhd_info *in)
{
	char size[32], guid[39];

	printf("format:          vhdx\n");
	printf("type:            %s\n", vhd_type_name(in->type));
	tool_format_size(in->virtual_size, size, sizeof(size));
	printf("virtual size:    %s (%llu bytes)\n", size, (unsigned long long)in->virtual_size);
	tool_format_size(in->file_size, size, sizeof(size));
	printf("file size:       %s (%llu bytes)\n", size, (unsigned long long)in->file_size);
	guid_format(in->uuid, guid);
	printf("disk id:         %s\n", guid);
	guid_format(in->data_write_guid, guid);
	printf("data write guid: %s\n", guid);
	printf("sector size:     %u logical, %u physical\n", in->logical_sector_size,
	       in->physical_sector_size);
	tool_format_size(in->log_size, size, sizeof(size));
	printf("log size:        %s\n", size);
	tool_format_size(in->block_size, size, sizeof(size));
	printf("block size:      %s\n", size);
	printf("blocks:          %u of %u allocated\n", in->allocated_blocks, in->max_table_entries);
	if (in->type == VHD_TYPE_DIFF) {
		printf("parent linkage:  ");
		print_clean(in->parent_linkage);
		printf("\nparent path:     ");
		print_clean(in->parent_relative_path);
		printf("\nparent abs path: ");
		print_clean(in->parent_absolute_path);
		if (in->parent_volume_path[0]) {
			printf("\nparent volume:   ");
			print_clean(in->parent_volume_path);
		}
		putchar('\n');
	}
}

static void json_vhdx_keys(struct json_out *j, const struct vhd_info *in, const char *filename,
                           const char *backing)
{
	char guid[39];

	json_string(j, "filename", filename);
	json_string(j, "format", "vhdx");
	json_string(j, "type", vhd_type_name(in->type));
	json_uint(j, "virtual-size", in->virtual_size);
	json_uint(j, "file-size", in->file_size);
	guid_format(in->uuid, guid);
	json_string(j, "disk-id", guid);
	guid_format(in->data_write_guid, guid);
	json_string(j, "data-write-guid", guid);
	json_uint(j, "logical-sector-size", in->logical_sector_size);
	json_uint(j, "physical-sector-size", in->physical_sector_size);
	json_uint(j, "log-size", in->log_size);
	json_uint(j, "block-size", in->block_size);
	json_uint(j, "max-table-entries", in->max_table_entries);
	json_uint(j, "allocated-blocks", in->allocated_blocks);
	if (in->type == VHD_TYPE_DIFF) {
		json_begin_object(j, "parent-locator");
		json_string(j, "parent_linkage", in->parent_linkage);
		if (in->parent_relative_path[0])
			json_string(j, "relative_path", in->parent_relative_path);
		if (in->parent_absolute_path[0])
			json_string(j, "absolute_win32_path", in->parent_absolute_path);
		if (in->parent_volume_path[0])
			json_string(j, "volume_path", in->parent_volume_path);
		json_end_object(j);
		if (backing)
			json_string(j, "backing-filename", backing);
	}
	json_bool(j, "read-only", in->read_only);
}

static void print_layer(const struct vhd_info *in, int layer, int depth)
{
	char size[32], ts[32], uuid[37];
	uint64_t disk;

	printf("%slayer %d%s\n", layer ? "\n" : "", layer,
	       depth == 1 ? "" : layer == 0 ? " (top)" : layer == depth - 1 ? " (base)" : "");
	printf("image:           ");
	print_clean(in->path);
	putchar('\n');
	if (in->format == VHD_FORMAT_VHDX) {
		print_vhdx_layer(in);
		return;
	}
	printf("type:            %s\n", vhd_type_name(in->type));
	tool_format_size(in->virtual_size, size, sizeof(size));
	printf("virtual size:    %s (%llu bytes)\n", size, (unsigned long long)in->virtual_size);
	if (in->original_size != in->virtual_size) {
		tool_format_size(in->original_size, size, sizeof(size));
		printf("original size:   %s (%llu bytes)\n", size, (unsigned long long)in->original_size);
	}
	tool_format_size(in->file_size, size, sizeof(size));
	printf("file size:       %s (%llu bytes)\n", size, (unsigned long long)in->file_size);
	if (tool_disk_size(in->path, &disk) == 0) {
		tool_format_size(disk, size, sizeof(size));
		printf("disk size:       %s (%llu bytes allocated on the host)\n", size,
		       (unsigned long long)disk);
	}
	vhd_uuid_format(in->uuid, uuid);
	printf("uuid:            %s\n", uuid);
	format_timestamp(in->timestamp, ts, sizeof(ts));
	printf("timestamp:       %s\n", ts);
	printf("creator:         '");
	print_clean(in->creator_app);
	printf("' %u.%u", in->creator_version >> 16, in->creator_version & 0xffff);
	if (in->creator_os[0]) {
		printf(" on '");
		print_clean(in->creator_os);
		putchar('\'');
	}
	printf("\ngeometry:        %u/%u/%u (cylinders/heads/sectors per track)\n",
	       in->cylinders, in->heads, in->sectors_per_track);
	if (in->type != VHD_TYPE_FIXED) {
		tool_format_size(in->block_size, size, sizeof(size));
		printf("block size:      %s\n", size);
		printf("blocks:          %u of %u allocated\n", in->allocated_blocks, in->max_table_entries);
	}
	if (in->type == VHD_TYPE_DIFF) {
		vhd_uuid_format(in->parent_uuid, uuid);
		printf("parent uuid:     %s\n", uuid);
		printf("parent name:     ");
		print_clean(in->parent_name);
		putchar('\n');
		if (in->parent_timestamp) {
			format_timestamp(in->parent_timestamp, ts, sizeof(ts));
			printf("parent time:     %s\n", ts);
		}
	}
}

static void json_layer_keys(struct json_out *j, const struct vhd_info *in, const char *filename,
                            const char *backing)
{
	char ts[32], uuid[37], ver[16];
	uint64_t disk;

	if (in->format == VHD_FORMAT_VHDX) {
		json_vhdx_keys(j, in, filename, backing);
		return;
	}
	json_string(j, "filename", filename);
	json_string(j, "format", "vpc");
	json_string(j, "type", vhd_type_name(in->type));
	json_uint(j, "virtual-size", in->virtual_size);
	json_uint(j, "original-size", in->original_size);
	json_uint(j, "file-size", in->file_size);
	if (tool_disk_size(in->path, &disk) == 0)
		json_uint(j, "actual-size", disk); /* qemu-img's "disk size" */
	vhd_uuid_format(in->uuid, uuid);
	json_string(j, "uuid", uuid);
	format_timestamp(in->timestamp, ts, sizeof(ts));
	json_string(j, "timestamp", ts);
	json_string(j, "creator-app", in->creator_app);
	snprintf(ver, sizeof(ver), "%u.%u", in->creator_version >> 16, in->creator_version & 0xffff);
	json_string(j, "creator-version", ver);
	json_string(j, "creator-os", in->creator_os);
	json_begin_object(j, "geometry");
	json_uint(j, "cylinders", in->cylinders);
	json_uint(j, "heads", in->heads);
	json_uint(j, "sectors-per-track", in->sectors_per_track);
	json_end_object(j);
	if (in->type != VHD_TYPE_FIXED) {
		json_uint(j, "block-size", in->block_size);
		json_uint(j, "max-table-entries", in->max_table_entries);
		json_uint(j, "allocated-blocks", in->allocated_blocks);
	}
	if (in->type == VHD_TYPE_DIFF) {
		vhd_uuid_format(in->parent_uuid, uuid);
		json_string(j, "parent-uuid", uuid);
		json_string(j, "parent-name", in->parent_name);
		if (in->parent_timestamp) {
			format_timestamp(in->parent_timestamp, ts, sizeof(ts));
			json_string(j, "parent-timestamp", ts);
		} else {
			json_null(j, "parent-timestamp");
		}
		if (backing)
			json_string(j, "backing-filename", backing);
	}
	json_bool(j, "read-only", in->read_only);
}

int cmd_info(int argc, char **argv)
{
	unsigned flags = VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK;
	int json = 0, no_parents = 0, nargs, r, depth, i;
	const struct tool_opt opts[] = {
		{ "json", 'j', TOOL_FLAG, &json, NULL,
		  "one JSON object: the top layer's keys plus \"chain\",\n"
		  "one object per layer from the top down to the base", NULL, 0 },
		{ "output", 0, TOOL_OUTPUT, &json, "FMT", "human or json, as qemu-img spells it", NULL, 0 },
		{ "no-parents", 'n', TOOL_FLAG, &no_parents, NULL,
		  "open FILE alone (inspect a child whose parent is missing)", NULL, 0 },
		{ 0 },
	};
	const struct tool_verb verb = {
		"info", usage, "accepted for symmetry; info prints what was asked", opts, 1, 1,
		"no FILE given", 0,
	};
	struct vhd_info *infos;
	vhd_chain *chain;
	const char *file;
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	if (no_parents)
		flags |= VHD_OPEN_NOPARENT;
	file = args[0];

	r = vhd_chain_open(file, flags, &chain);
	if (r < 0) {
		tool_fail("info", file, r);
		return EXIT_ERROR;
	}
	depth = vhd_chain_depth(chain);
	/* struct vhd_info carries 5 KiB of paths: heap, not stack. */
	infos = calloc((size_t)depth, sizeof(*infos));
	if (!infos) {
		vhd_chain_close(chain);
		tool_failx("info", file, "out of memory");
		return EXIT_ERROR;
	}
	for (i = 0; i < depth; i++) {
		r = vhd_chain_layer_info(chain, i, &infos[i]);
		if (r < 0) {
			tool_fail("info", file, r);
			free(infos);
			vhd_chain_close(chain);
			return EXIT_ERROR;
		}
	}
	vhd_chain_close(chain);

	if (json) {
		struct json_out j;

		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_layer_keys(&j, &infos[0], file, depth > 1 ? infos[1].path : NULL);
		json_int(&j, "chain-depth", depth);
		json_begin_array(&j, "chain");
		for (i = 0; i < depth; i++) {
			json_begin_object(&j, NULL);
			json_layer_keys(&j, &infos[i], infos[i].path,
			                i + 1 < depth ? infos[i + 1].path : NULL);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		json_finish(&j);
	} else {
		for (i = 0; i < depth; i++)
			print_layer(&infos[i], i, depth);
	}
	free(infos);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		tool_failx("info", file, "cannot write the output");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
