/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool.c: the vhdtool command: dispatch to a subcommand, plus what every
 * subcommand shares (error lines, size parsing, progress).
 *
 * Each subcommand lives in its own vhdtool-<verb>.c and describes its
 * options in a table that tool_parse_args() here reads: getopt, the values'
 * parsing, the usage errors and the options' help lines are made from it,
 * the same for every subcommand.  Adding a subcommand touches this file in
 * one place (the table of subcommands, which also makes the global help).  Errors are printed here only, in one shape, so scripts and
 * tests can rely on it: exactly one line, the verb, the file, the reason.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/now.h"
#include "vhdtool.h"

int tool_quiet;

static const struct subcommand {
	const char *name;                   /* as typed */
	int (*run)(int argc, char **argv);  /* argv[0] is the name */
	const char *summary;                /* one line for --help */
} subcommands[] = {
	{ "create",  cmd_create,  "create a fixed, dynamic or differencing VHD" },
	{ "info",    cmd_info,    "show every layer of a chain (--json for scripts)" },
	{ "check",   cmd_check,   "check every layer of a chain, list every problem" },
	{ "commit",  cmd_commit,  "merge a differencing disk into its parent" },
	{ "convert", cmd_convert, "VHD chain to a sparse raw file, or raw to VHD" },
	{ "relink",  cmd_relink,  "point a differencing disk at its moved parent" },
	{ "map",     cmd_map,     "show which layer each extent of the disk comes from" },
	{ "resize",  cmd_resize,  "change the virtual size (shrinking only with --shrink)" },
	{ "compare", cmd_compare, "compare the data of two disks (exit 0 same, 1 different)" },
	{ "measure", cmd_measure, "file size needed for a new disk, or to convert one" },
	{ "rebase",  cmd_rebase,  "put a differencing disk on another parent, data unchanged" },
	{ "compact", cmd_compact, "drop all-zero blocks so the file shrinks" },
	{ "copy",    cmd_copy,    "copy a whole chain into a folder, relinked there" },
	{ "merge",   cmd_merge,   "merge a layer in the middle of a chain into its child" },
};

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: vhdtool [--quiet] COMMAND [OPTIONS] ARGS...\n"
	           "       vhdtool --help | --version | help COMMAND\n\n"
	           "Commands:\n");
	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(f, "  %-8s  %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(f, "\nSizes take K, M, G, T suffixes (powers of 1024).  Every command takes\n"
	           "--help and --quiet.  Exit status: 0 success, 1 failure (or problems\n"
	           "found by check, a difference found by compare), 2 bad usage; compare\n"
	           "exits 3 on an error.  See vhdtool(1).\n");
}

static const struct subcommand *find_subcommand(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (strcmp(subcommands[i].name, name) == 0)
			return &subcommands[i];
	return NULL;
}

/* libvhd warnings (a parent whose timestamp changed, a repaired footer) are
 * worth seeing even with --quiet: they are about the user's data. */
static void log_warning(int level, const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "vhdtool: %s: %s\n", level == 0 ? "warning" : "notice", msg);
}

int main(int argc, char **argv)
{
	const struct subcommand *sc;
	int i = 1;

	vhd_set_logger(log_warning, NULL);
	/* getopt's own messages would make a second line; see option_error. */
	opterr = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--version") == 0 || strcmp(argv[i], "-V") == 0) {
			printf("vhdtool (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return EXIT_OK;
		} else if (strcmp(argv[i], "--quiet") == 0 || strcmp(argv[i], "-q") == 0) {
			tool_quiet = 1;
		} else {
			return tool_usage_error("", "unknown option '%s'", argv[i]);
		}
	}
	if (i >= argc)
		return tool_usage_error("", "no command given");

	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 >= argc) {
			print_help(stdout);
			return EXIT_OK;
		}
		sc = find_subcommand(argv[i + 1]);
		if (!sc)
			return tool_usage_error("", "unknown command '%s'", argv[i + 1]);
		char *help_argv[] = { argv[i + 1], (char *)"--help", NULL };
		return sc->run(2, help_argv);
	}

	sc = find_subcommand(argv[i]);
	if (!sc)
		return tool_usage_error("", "unknown command '%s'", argv[i]);
	return sc->run(argc - i, argv + i);
}

/* libvhd words its messages "cannot VERB 'FILE': REASON" or "'FILE': REASON".
 * When FILE is the user's file, the line keeps only REASON, so the file is
 * named once; when it is another file (a parent), the whole message stays,
 * because that file is what the user needs to look at. */
static const char *reason_for(const char *file, const char *msg)
{
	const char *q1 = strchr(msg, '\''), *q2;
	char quoted[4096];
	size_t n;

	if (!q1 || (q1 != msg && strncmp(msg, "cannot ", 7) != 0))
		return msg;
	q2 = strstr(q1 + 1, "': ");
	if (!q2 || memchr(q1 + 1, '\'', (size_t)(q2 - q1 - 1)))
		return msg;
	n = (size_t)(q2 - q1 - 1);
	if (n >= sizeof(quoted))
		return msg;
	memcpy(quoted, q1 + 1, n);
	quoted[n] = '\0';
	if (strcmp(quoted, file) != 0 && !tool_same_file(quoted, file))
		return msg;
	return q2 + 3;
}

static void print_fail_line(const char *verb, const char *file, const char *reason)
{
	const char *r = reason_for(file, reason);

	/* strerror() capitalises ("No such file"); our messages are lowercase. */
	if (isupper((unsigned char)r[0]) && islower((unsigned char)r[1]))
		fprintf(stderr, "vhdtool: %s failed: '%s': %c%s\n", verb, file,
		        tolower((unsigned char)r[0]), r + 1);
	else
		fprintf(stderr, "vhdtool: %s failed: '%s': %s\n", verb, file, r);
}

void tool_fail(const char *verb, const char *file, int err)
{
	const char *msg = vhd_errmsg();

	if (!msg || !msg[0] || strcmp(msg, "no error") == 0)
		msg = strerror(err < 0 ? -err : err);
	print_fail_line(verb, file, msg);
}

void tool_failx(const char *verb, const char *file, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	print_fail_line(verb, file, reason);
}

int tool_usage_error(const char *verb, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (verb[0])
		fprintf(stderr, "vhdtool: %s: %s (see 'vhdtool %s --help')\n", verb, reason, verb);
	else
		fprintf(stderr, "vhdtool: %s (see 'vhdtool --help')\n", reason);
	return EXIT_USAGE;
}

/* The usage line for what getopt_long() returned as C ('?' or ':'). */
static int option_error(const char *verb, int c, char **argv)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		return tool_usage_error(verb, "option '%s' needs a value", arg);
	if (optopt && arg[0] == '-' && arg[1] != '-')
		return tool_usage_error(verb, "unknown option '-%c'", optopt);
	return tool_usage_error(verb, "unknown option '%s'", arg);
}

/* The most options a subcommand has besides --quiet and --help. */
#define TOOL_MAX_OPTS 16
/* getopt's value for an option without a letter: this plus its index. */
#define TOOL_KEY_LONG 0x100

static size_t count_opts(const struct tool_opt *o)
{
	size_t n = 0;

	while (o && (o[n].name || o[n].letter))
		n++;
	return n;
}

/* "-s, --size SIZE", "    --output=FMT" or "-f FMT" into BUF. */
static void option_left(char *buf, size_t len, int letter, const char *name, const char *value,
                        int joined)
{
	int n;

	if (letter)
		n = snprintf(buf, len, "-%c%s", letter, name ? ", " : "");
	else
		n = snprintf(buf, len, "    ");
	if (n < 0 || (size_t)n >= len)
		return;
	if (name)
		n += snprintf(buf + n, len - (size_t)n, "--%s", name);
	if (value && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, "%s%s", joined ? "=" : " ", value);
}

static void option_line(const char *left, int width, const char *help)
{
	printf("  %-*s", width, left);
	for (; *help; help++) {
		putchar(*help);
		if (*help == '\n')
			printf("  %-*s", width, "");
	}
	putchar('\n');
}

/* The subcommand's help: its usage text, then one line per option made
 * from the table, aligned in one column. */
static void print_verb_help(const struct tool_verb *v, size_t n)
{
	char left[TOOL_MAX_OPTS + 2][64];
	int width = 0, w;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct tool_opt *o = &v->opts[i];

		option_left(left[i], sizeof(left[i]), o->letter, o->name, o->value,
		            o->kind == TOOL_OUTPUT);
	}
	option_left(left[n], sizeof(left[n]), 'q', "quiet", NULL, 0);
	option_left(left[n + 1], sizeof(left[n + 1]), 'h', "help", NULL, 0);
	for (i = 0; i < n + 2; i++) {
		w = (int)strlen(left[i]);
		if (w > width)
			width = w;
	}
	width += 2;
	fputs(v->usage, stdout);
	putchar('\n');
	for (i = 0; i < n; i++)
		option_line(left[i], width, v->opts[i].help);
	option_line(left[n], width, v->quiet);
	option_line(left[n + 1], width, "this help");
}

int tool_parse_args(const struct tool_verb *v, int argc, char **argv, char ***args, int *nargs)
{
	struct option longopts[TOOL_MAX_OPTS + 3];
	char optstring[3 * TOOL_MAX_OPTS + 8], *p = optstring;
	size_t n = count_opts(v->opts), i, k = 0;
	uint64_t size;
	int c;

	if (n > TOOL_MAX_OPTS) {
		fprintf(stderr, "vhdtool: %s: more than %d options in its table\n", v->name, TOOL_MAX_OPTS);
		abort();
	}
	if (v->operands_first)
		*p++ = '+';
	*p++ = ':';
	for (i = 0; i < n; i++) {
		const struct tool_opt *o = &v->opts[i];
		int has_arg = o->kind == TOOL_FLAG ? no_argument : required_argument;

		if (o->letter) {
			*p++ = (char)o->letter;
			if (has_arg)
				*p++ = ':';
		}
		if (o->name)
			longopts[k++] = (struct option){ o->name, has_arg, NULL,
			                                 o->letter ? o->letter : TOOL_KEY_LONG + (int)i };
	}
	strcpy(p, "qh");
	longopts[k++] = (struct option){ "quiet", no_argument, NULL, 'q' };
	longopts[k++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[k] = (struct option){ NULL, 0, NULL, 0 };

	while ((c = getopt_long(argc, argv, optstring, longopts, NULL)) != -1) {
		const struct tool_opt *o = NULL;

		if (c == 'q') {
			tool_quiet = 1;
			continue;
		}
		if (c == 'h') {
			print_verb_help(v, n);
			return EXIT_OK;
		}
		for (i = 0; i < n && !o; i++)
			if (v->opts[i].letter ? v->opts[i].letter == c : TOOL_KEY_LONG + (int)i == c)
				o = &v->opts[i];
		if (!o)
			return option_error(v->name, c, argv);
		switch (o->kind) {
		case TOOL_FLAG:
			*(int *)o->dest = 1;
			break;
		case TOOL_STRING:
			*(const char **)o->dest = optarg;
			break;
		case TOOL_SIZE:
			if (tool_parse_size(optarg, &size) < 0 || (o->max && size > o->max))
				return tool_usage_error(v->name, "bad %s '%s'", o->what ? o->what : "size", optarg);
			*(uint64_t *)o->dest = size;
			break;
		case TOOL_OUTPUT:
			if (tool_parse_output(v->name, optarg, o->dest) != EXIT_OK)
				return EXIT_USAGE;
			break;
		}
	}
	if (argc - optind < v->min_args)
		return tool_usage_error(v->name, "%s", v->missing);
	if (argc - optind > v->max_args)
		return tool_usage_error(v->name, "too many arguments");
	*args = argv + optind;
	*nargs = argc - optind;
	return TOOL_PARSED;
}

int tool_parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = 1;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	switch (*p) {
	case '\0': break;
	case 'k': case 'K': mult = 1ull << 10; p++; break;
	case 'm': case 'M': mult = 1ull << 20; p++; break;
	case 'g': case 'G': mult = 1ull << 30; p++; break;
	case 't': case 'T': mult = 1ull << 40; p++; break;
	default: return -EINVAL;
	}
	if (mult > 1 && (strcmp(p, "iB") == 0 || strcmp(p, "B") == 0))
		p += strlen(p);
	if (*p)
		return -EINVAL;
	if (v > UINT64_MAX / mult)
		return -EINVAL;
	*out = v * mult;
	return 0;
}

void tool_format_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu bytes", (unsigned long long)bytes);
	else if (v == (double)(uint64_t)v)
		snprintf(buf, len, "%llu %s", (unsigned long long)v, units[u]);
	else
		snprintf(buf, len, "%.2f %s", v, units[u]);
}

void tool_progress_init(struct tool_progress *p, const char *label)
{
	p->label = label;
	p->enabled = !tool_quiet && isatty(STDERR_FILENO);
	p->last_ms = 0;
	p->drawn = 0;
}

void tool_progress_update(uint64_t done, uint64_t total, void *arg)
{
	struct tool_progress *p = arg;
	char d[32], t[32];
	int64_t now;

	if (!p->enabled)
		return;
	now = (int64_t)now_ms();
	/* A redraw costs a write to the terminal; 5 per second reads as live. */
	if (p->drawn && now - p->last_ms < 200 && done < total)
		return;
	p->last_ms = now;
	tool_format_size(done, d, sizeof(d));
	tool_format_size(total, t, sizeof(t));
	fprintf(stderr, "\r%s: %3d%% (%s of %s)\033[K", p->label,
	        total ? (int)(done * 100 / total) : 100, d, t);
	fflush(stderr);
	p->drawn = 1;
}

void tool_progress_end(struct tool_progress *p)
{
	if (p->enabled && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->drawn = 0;
}

int tool_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) < 0 || stat(b, &sb) < 0)
		return 0;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
