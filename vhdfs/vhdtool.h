/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool.h: vhdtool's private declarations, one banner per file.
 *
 * vhdtool is a thin front end: every subcommand describes its options in
 * a table (struct tool_opt) that tool_parse_args() reads, calls libvhd
 * through vhd.h only, and reports failure through tool_fail() so
 * that every error is one line of the same shape.  Nothing here knows the
 * VHD format; that lives in libvhd alone.
 */
#ifndef VHDTOOL_H
#define VHDTOOL_H

#include <stdint.h>
#include <stdio.h>

#include "vhd.h"

#define TOOL_PRINTF(a, b) __attribute__((format(printf, a, b)))

/* Exit statuses: documented in vhdtool(1). */
#define EXIT_OK    0 /* success */
#define EXIT_ERROR 1 /* the operation failed, or check found problems */
#define EXIT_USAGE 2 /* bad command line */

/* vhdtool.c */
extern int tool_quiet; /* --quiet: no progress, no chatter */

/* One line "vhdtool: VERB failed: 'FILE': REASON" on stderr.  REASON is
 * libvhd's message for ERR when it recorded one, strerror otherwise. */
void tool_fail(const char *verb, const char *file, int err);
/* The same line with a reason built by the caller. */
void tool_failx(const char *verb, const char *file, const char *fmt, ...) TOOL_PRINTF(3, 4);
/* One usage line for VERB ("" for the dispatcher) and EXIT_USAGE. */
int tool_usage_error(const char *verb, const char *fmt, ...) TOOL_PRINTF(2, 3);

/* One option of a subcommand, in the table tool_parse_args() reads: the
 * getopt strings, the parsing of the value and the option's help line are
 * all made from it, so they cannot disagree.  --quiet and --help are
 * every subcommand's and are not listed. */
enum tool_opt_kind {
	TOOL_FLAG,    /* no value: *(int *)dest = 1 */
	TOOL_STRING,  /* *(const char **)dest = the value, checked by the caller */
	TOOL_SIZE,    /* *(uint64_t *)dest = the value as tool_parse_size reads it */
	TOOL_OUTPUT,  /* qemu-img's --output=human|json: *(int *)dest = 1 for json */
};
struct tool_opt {
	const char *name;         /* long name without "--"; NULL: the letter alone */
	int letter;               /* short option; 0: the long name alone */
	enum tool_opt_kind kind;
	void *dest;               /* where the value goes (see the kinds) */
	const char *value;        /* the value's name in the help ("SIZE"); NULL for a flag */
	const char *help;         /* help text; each '\n' starts an indented line */
	const char *what;         /* TOOL_SIZE: the "bad WHAT 'X'" word ("block size") */
	uint64_t max;             /* TOOL_SIZE: the largest value, 0 for any */
};
/* A subcommand's command line: its options (the table ends with an entry
 * of neither name nor letter) and how many operands it takes. */
struct tool_verb {
	const char *name;         /* as typed, and in messages */
	const char *usage;        /* "usage: ..." lines and the description, without the options */
	const char *quiet;        /* what --quiet does for this subcommand */
	const struct tool_opt *opts;
	int min_args, max_args;   /* operands allowed */
	const char *missing;      /* the usage error for fewer than MIN_ARGS ("no FILE given") */
	int operands_first;       /* stop at the first operand (so "-1G" after FILE is one) */
};
/* Parse ARGV (ARGV[0] is the subcommand) by V's table: the values land in
 * the options' destinations (--quiet in tool_quiet) and *ARGS, *NARGS get
 * the operands.  TOOL_PARSED to go on; otherwise the exit status to return
 * at once: EXIT_OK after --help, EXIT_USAGE after the one usage line. */
#define TOOL_PARSED (-1)
int tool_parse_args(const struct tool_verb *v, int argc, char **argv, char ***args, int *nargs);

/* Parse SIZE: decimal bytes with an optional K/M/G/T suffix (powers of
 * 1024, "KiB"/"K"/"k" all accepted).  0, or -EINVAL on junk or overflow. */
int tool_parse_size(const char *s, uint64_t *out);
/* "1.5 GiB" into BUF. */
void tool_format_size(uint64_t bytes, char *buf, size_t len);

/* Progress on stderr for a long operation: only when stderr is a terminal
 * and --quiet was not given; redrawn at most a few times a second. */
struct tool_progress {
	const char *label;    /* what is going on, e.g. "converting" */
	int enabled;          /* stderr is a tty and not --quiet */
	int64_t last_ms;      /* monotonic time of the last redraw */
	int drawn;            /* a line is on screen and needs clearing */
};
void tool_progress_init(struct tool_progress *p, const char *label);
/* A vhd_progress_fn: ARG is the struct tool_progress. */
void tool_progress_update(uint64_t done, uint64_t total, void *arg);
void tool_progress_end(struct tool_progress *p);

/* Same file (device and inode) as PATH, which may not exist yet. */
int tool_same_file(const char *a, const char *b);
/* The format a new image FILE gets: its parent's (PARENT may be NULL),
 * else VHDX for a name ending in .vhdx, else VHD (vhdtool-format.c). */
enum vhd_format tool_format_for(const char *file, const char *parent);

/* The subcommands: argc/argv start at the subcommand name. */
int cmd_create(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_commit(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_relink(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_resize(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_measure(int argc, char **argv);
int cmd_rebase(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_compact(int argc, char **argv);
int cmd_copy(int argc, char **argv);

/* vhdtool-output.c */
/* Set *JSON from --output's ARG ("human" or "json"): EXIT_OK, or the usage
 * error for VERB. */
int tool_parse_output(const char *verb, const char *arg, int *json);
/* Bytes PATH occupies on the host (st_blocks * 512): 0, or -1 with errno. */
int tool_disk_size(const char *path, uint64_t *bytes);

/* vhdtool-json.c */
/* Minimal JSON writer for info --json and map --json: keeps track of
 * indentation and commas, escapes strings. */
struct json_out {
	FILE *f;              /* where it goes */
	int depth;            /* current nesting, for indentation */
	int need_comma;       /* a value was written at this depth */
};
void json_init(struct json_out *j, FILE *f);
void json_begin_object(struct json_out *j, const char *key);
void json_end_object(struct json_out *j);
void json_begin_array(struct json_out *j, const char *key);
void json_end_array(struct json_out *j);
void json_string(struct json_out *j, const char *key, const char *val);
void json_uint(struct json_out *j, const char *key, uint64_t val);
void json_int(struct json_out *j, const char *key, int64_t val);
void json_bool(struct json_out *j, const char *key, int val);
void json_null(struct json_out *j, const char *key);
void json_finish(struct json_out *j);

#endif
