/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-check.c: `vhdtool check`, every structural problem of every
 * layer of a chain, one per line (or one JSON document); with --repair,
 * the repairs that cannot lose data first.
 *
 * vhd_check() examines one file (and its link to its parent); this command
 * walks the chain so a user who checks the top of a snapshot chain learns
 * about a damaged base too.  When the chain cannot be opened (a missing or
 * mismatched parent) the top's own check already reports why, so only the
 * top is checked.  Without --repair check never writes.  --repair touches
 * FILE only (never its parents: they may be shared by other children),
 * reports each repair, then checks again, so the exit status says whether
 * the disk is sound now.  JSON keys follow qemu-img check's where they
 * mean the same ("check-errors", "corruptions", "corruptions-fixed").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vhdtool.h"

static const char usage[] =
	"usage: vhdtool check [--repair [--force]] [--json | --output=human|json]\n"
	"                     [--no-parents] FILE\n"
	"\n"
	"Check FILE and every parent below it: footer and header checksums, sizes,\n"
	"block table bounds and overlaps, bitmaps, parent links.  Every problem is\n"
	"printed on standard output as 'FILE': PROBLEM; the exit status is 1 when\n"
	"any was found.  Nothing is changed without --repair.\n";

/* What was found and done, kept for the JSON document. */
struct check_state {
	int json;              /* print JSON at the end instead of lines */
	int problems;          /* problems found so far */
	int repairs;           /* repairs made */
	char **lines;          /* JSON: "path\0text" pairs, problems then repairs */
	int *is_repair;        /* per line: a repair (1) or a problem (0) */
	int n, cap;            /* lines kept, room */
};

static void keep(struct check_state *st, const char *path, const char *text, int repair)
{
	size_t lp = strlen(path) + 1, lt = strlen(text) + 1;
	char *s;

	if (st->n == st->cap) {
		int cap = st->cap ? 2 * st->cap : 16;
		char **l = realloc(st->lines, (size_t)cap * sizeof(*l));
		int *r = l ? realloc(st->is_repair, (size_t)cap * sizeof(*r)) : NULL;

		if (l)
			st->lines = l;
		if (!l || !r)
			return; /* out of memory: the count stays right */
		st->is_repair = r;
		st->cap = cap;
	}
	s = malloc(lp + lt);
	if (!s)
		return;
	memcpy(s, path, lp);
	memcpy(s + lp, text, lt);
	st->lines[st->n] = s;
	st->is_repair[st->n++] = repair;
}

static void print_problem(const char *path, const char *problem, void *arg)
{
	struct check_state *st = arg;

	st->problems++;
	if (st->json)
		keep(st, path, problem, 0);
	else
		printf("'%s': %s\n", path, problem);
}

static void print_repair(const char *path, const char *what, void *arg)
{
	struct check_state *st = arg;

	st->repairs++;
	if (st->json)
		keep(st, path, what, 1);
	else
		printf("'%s': repaired: %s\n", path, what);
}

static void print_json(struct check_state *st, const char *file, int errors, int layers)
{
	struct json_out j;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "filename", file);
	json_string(&j, "format", "vpc");
	json_int(&j, "check-errors", errors);
	json_int(&j, "corruptions", st->problems);
	json_int(&j, "corruptions-fixed", st->repairs);
	json_int(&j, "layers-checked", layers);
	for (int pass = 0; pass < 2; pass++) {
		json_begin_array(&j, pass ? "repairs" : "problems");
		for (int i = 0; i < st->n; i++) {
			if (st->is_repair[i] != pass)
				continue;
			json_begin_object(&j, NULL);
			json_string(&j, "filename", st->lines[i]);
			json_string(&j, pass ? "repair" : "problem", st->lines[i] + strlen(st->lines[i]) + 1);
			json_end_object(&j);
		}
		json_end_array(&j);
	}
	json_end_object(&j);
	json_finish(&j);
}

int cmd_check(int argc, char **argv)
{
	struct check_state st = { 0 };
	int no_parents = 0, repair = 0, force = 0, nargs, r, depth, i, layers = 1, errors = 0;
	const struct tool_opt opts[] = {
		{ "repair", 'r', TOOL_FLAG, &repair, NULL,
		  "first repair FILE where no data can be lost: a damaged\n"
		  "or stale footer copy, a damaged end footer; each repair\n"
		  "is printed as 'FILE': repaired: WHAT", NULL, 0 },
		{ "force", 'f', TOOL_FLAG, &force, NULL,
		  "with --repair, also clear block table entries that\n"
		  "point past the end of the file (their blocks, already\n"
		  "unreadable, then read as zeros or the parent's data)", NULL, 0 },
		{ "json", 'j', TOOL_FLAG, &st.json, NULL,
		  "one JSON object: filename, check-errors, corruptions,\n"
		  "corruptions-fixed, layers-checked, problems, repairs", NULL, 0 },
		{ "output", 0, TOOL_OUTPUT, &st.json, "FMT", "human or json, as qemu-img spells it", NULL, 0 },
		{ "no-parents", 'n', TOOL_FLAG, &no_parents, NULL, "check FILE alone", NULL, 0 },
		{ 0 },
	};
	const struct tool_verb verb = {
		"check", usage, "print only the problems", opts, 1, 1, "no FILE given", 0,
	};
	struct vhd_info *info = NULL;
	vhd_chain *chain = NULL;
	const char *file;
	char **args;

	if ((r = tool_parse_args(&verb, argc, argv, &args, &nargs)) != TOOL_PARSED)
		return r;
	if (force && !repair)
		return tool_usage_error("check", "--force only goes with --repair");
	file = args[0];

	if (repair) {
		r = vhd_repair(file, force ? VHD_REPAIR_FORCE : 0, print_repair, &st);
		if (r < 0) {
			fflush(stdout);
			tool_fail("check", file, r);
			errors = 1;
			goto out;
		}
	}
	r = vhd_check(file, print_problem, &st);
	if (r < 0) {
		fflush(stdout);
		tool_fail("check", file, r);
		errors = 1;
		goto out;
	}

	if (!no_parents && st.problems == 0) {
		/* vhd_check() found the link sound, so a failure here is news. */
		r = vhd_chain_open(file, VHD_OPEN_RDONLY | VHD_OPEN_NOLOCK, &chain);
		if (r < 0) {
			print_problem(file, vhd_errmsg(), &st);
			goto out;
		}
		depth = vhd_chain_depth(chain);
		info = malloc(sizeof(*info));
		for (i = 1; info && i < depth; i++) {
			if (vhd_chain_layer_info(chain, i, info) < 0)
				break;
			r = vhd_check(info->path, print_problem, &st);
			if (r < 0) {
				fflush(stdout);
				tool_fail("check", info->path, r);
				errors = 1;
				break;
			}
			layers++;
		}
		free(info);
		vhd_chain_close(chain);
	}

out:
	if (st.json)
		print_json(&st, file, errors, layers);
	fflush(stdout);
	for (i = 0; i < st.n; i++)
		free(st.lines[i]);
	free(st.lines);
	free(st.is_repair);
	if (errors)
		return EXIT_ERROR;
	if (st.problems) {
		tool_failx("check", file, "%d problem%s found", st.problems, st.problems == 1 ? "" : "s");
		return EXIT_ERROR;
	}
	if (!tool_quiet && !st.json)
		printf("'%s': no problems found (%d layer%s checked)\n", file, layers, layers == 1 ? "" : "s");
	return EXIT_OK;
}
