/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* vhdtool-json.c: a minimal streaming JSON writer for vhdtool's --json
 * output.
 *
 * Streaming (no document tree) because the output is a handful of flat
 * objects; the writer only tracks depth for indentation and whether a comma
 * is due.  Strings from disk (parent names, paths) are escaped here, so a
 * hostile name cannot break the document: control characters become \uXXXX
 * and invalid UTF-8 bytes become U+FFFD.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "vhdtool.h"

void json_init(struct json_out *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->need_comma = 0;
}

static void indent(struct json_out *j)
{
	int i;

	for (i = 0; i < j->depth; i++)
		fputs("    ", j->f);
}

static void put_escaped(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		unsigned char c = *p;
		int len = 0, i;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			p++;
			continue;
		}
		if (c < 0x20 || c == 0x7f) {
			fprintf(f, "\\u%04x", c);
			p++;
			continue;
		}
		if (c < 0x80) {
			fputc(c, f);
			p++;
			continue;
		}
		/* Pass well-formed UTF-8 sequences through, replace the rest. */
		if ((c & 0xe0) == 0xc0 && c >= 0xc2)
			len = 2;
		else if ((c & 0xf0) == 0xe0)
			len = 3;
		else if ((c & 0xf8) == 0xf0 && c <= 0xf4)
			len = 4;
		for (i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				len = 0;
		if (len == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		fwrite(p, 1, (size_t)len, f);
		p += len;
	}
	fputc('"', f);
}

/* Comma, newline, indentation and "key": before a value. */
static void start_value(struct json_out *j, const char *key)
{
	if (j->need_comma)
		fputc(',', j->f);
	if (j->depth > 0)
		fputc('\n', j->f);
	indent(j);
	if (key) {
		put_escaped(j->f, key);
		fputs(": ", j->f);
	}
	j->need_comma = 1;
}

static void begin(struct json_out *j, const char *key, char open)
{
	start_value(j, key);
	fputc(open, j->f);
	j->depth++;
	j->need_comma = 0;
}

static void end(struct json_out *j, char close)
{
	int empty = !j->need_comma;

	j->depth--;
	if (!empty) {
		fputc('\n', j->f);
		indent(j);
	}
	fputc(close, j->f);
	j->need_comma = 1;
}

void json_begin_object(struct json_out *j, const char *key) { begin(j, key, '{'); }
void json_end_object(struct json_out *j) { end(j, '}'); }
void json_begin_array(struct json_out *j, const char *key) { begin(j, key, '['); }
void json_end_array(struct json_out *j) { end(j, ']'); }

void json_string(struct json_out *j, const char *key, const char *val)
{
	start_value(j, key);
	put_escaped(j->f, val);
}

void json_uint(struct json_out *j, const char *key, uint64_t val)
{
	start_value(j, key);
	fprintf(j->f, "%llu", (unsigned long long)val);
}

void json_int(struct json_out *j, const char *key, int64_t val)
{
	start_value(j, key);
	fprintf(j->f, "%lld", (long long)val);
}

void json_bool(struct json_out *j, const char *key, int val)
{
	start_value(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json_out *j, const char *key)
{
	start_value(j, key);
	fputs("null", j->f);
}

void json_finish(struct json_out *j)
{
	fputc('\n', j->f);
	fflush(j->f);
}
