/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* paths_parse.c: storage roots and the pure-string half of the sandbox:
 * turning a client's path into (root, clean relative path), and back.
 *
 * Trade-off: rules are Windows' strictest reading (no trailing dots, no DOS
 * device names, no alternate streams) even though Linux would accept those
 * names, because a name two clients could spell two ways is a name two
 * ISTM objects could disagree about.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths_int.h"

int paths_fail(struct paths *p, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, sizeof(p->err), fmt, ap);
	va_end(ap);
	return err;
}

/* A printable copy of at most 160 bytes of S for messages: client paths
 * are hostile and may hold control characters meant for a terminal. */
static const char *printable(const char *s, size_t len, char buf[168])
{
	size_t i, o = 0;

	for (i = 0; i < len && o < 160; i++)
		buf[o++] = (s[i] >= 0x20 && s[i] < 0x7f) || (s[i] & 0x80) ? s[i] : '?';
	if (i < len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

void paths_init(struct paths *p)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < PATHS_MAX_ROOTS; i++)
		p->roots[i].fd = -1;
}

void paths_release(struct paths *p)
{
	for (size_t i = 0; i < p->nroots; i++)
		if (p->roots[i].fd >= 0)
			close(p->roots[i].fd);
	paths_init(p);
}

const char *paths_errmsg(const struct paths *p)
{
	return p->err;
}

const struct paths_root *paths_root_by_letter(const struct paths *p, char letter)
{
	letter = (char)toupper((unsigned char)letter);
	for (size_t i = 0; i < p->nroots; i++)
		if (p->roots[i].letter == letter)
			return &p->roots[i];
	return NULL;
}

/* Is directory A inside B or B inside A (or equal)? */
static bool nested(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t l = la < lb ? la : lb;

	if (strncmp(a, b, l) != 0)
		return false;
	if (la == lb)
		return true;
	/* "/" contains everything; otherwise the longer must continue with '/' */
	return l == 1 || (la > lb ? a[l] : b[l]) == '/';
}

int paths_add_root(struct paths *p, const char *spec)
{
	char letter = 0, real[PATH_MAX];
	const char *dir = spec;
	struct paths_root *r;
	struct stat sb;
	int fd;

	if (isalpha((unsigned char)spec[0]) && spec[1] == ':' && spec[2] == '=') {
		letter = spec[0];
		dir = spec + 3;
	} else if (isalpha((unsigned char)spec[0]) && spec[1] == '=') {
		letter = spec[0];
		dir = spec + 2;
	}
	letter = (char)toupper((unsigned char)letter);
	if (letter && (letter < 'C' || letter > 'Z'))
		return paths_fail(p, -EINVAL, "invalid storage root '%s': drive letter "
				  "must be C to Z", spec);
	if (dir[0] != '/')
		return paths_fail(p, -EINVAL, "invalid storage root '%s': not an absolute path",
				  spec);
	if (p->nroots == PATHS_MAX_ROOTS)
		return paths_fail(p, -ENOSPC, "cannot add storage root '%s': all drive "
				  "letters are in use", spec);
	if (!letter) {
		for (letter = 'C'; letter <= 'Z' && paths_root_by_letter(p, letter); letter++)
			;
	} else if (paths_root_by_letter(p, letter)) {
		return paths_fail(p, -EEXIST, "cannot add storage root '%s': drive %c: is "
				  "already configured", spec, letter);
	}
	if (!realpath(dir, real)) {
		int err = -errno;

		return paths_fail(p, err, "cannot add storage root '%s': %s", spec,
				  strerror(-err));
	}
	if (strlen(real) > PATHS_PATH_MAX - 1)
		return paths_fail(p, -ENAMETOOLONG, "cannot add storage root '%s': path too long",
				  spec);
	for (size_t i = 0; i < p->nroots; i++)
		if (nested(real, p->roots[i].dir))
			return paths_fail(p, -EINVAL, "cannot add storage root '%s': it overlaps "
					  "drive %c: ('%s')", spec, p->roots[i].letter,
					  p->roots[i].dir);
	fd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		int err = -errno;

		if (fd >= 0)
			close(fd);
		return paths_fail(p, err, "cannot add storage root '%s': %s", spec,
				  strerror(-err));
	}
	r = &p->roots[p->nroots++];
	r->letter = letter;
	snprintf(r->dir, sizeof(r->dir), "%s", real);
	r->fd = fd;
	return 0;
}

/* Length of the valid UTF-8 sequence at S (at most LEN bytes), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t len)
{
	uint32_t c;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		c = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past Unicode */
	if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return n;
}

static bool is_dos_device(const char *name, size_t len)
{
	static const char *const devices[] = {
		"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
	};
	const char *dot = memchr(name, '.', len);
	size_t base = dot ? (size_t)(dot - name) : len;

	/* "nul.vhd" is the device too: Windows ignores the extension */
	for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
		if (strlen(devices[i]) == base && strncasecmp(name, devices[i], base) == 0)
			return true;
	return false;
}

int paths_check_component(const char *name, size_t len, const char **why)
{
	if (len > PATHS_NAME_MAX) {
		*why = "a name longer than 255 bytes";
		return -ENAMETOOLONG;
	}
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)name[i];
		size_t n;

		if (c < 0x20 || c == 0x7f) {
			*why = "a control character";
			return -EINVAL;
		}
		if (strchr("<>:\"|?*,", c)) {
			*why = c == ',' ? "a comma" : "a character Windows forbids in names";
			return -EINVAL;
		}
		n = utf8_len((const unsigned char *)name + i, len - i);
		if (!n) {
			*why = "bytes that are not UTF-8";
			return -EILSEQ;
		}
		i += n;
	}
	/* "." and ".." never get here: paths_parse resolves them */
	if (len && (name[len - 1] == '.' || name[len - 1] == ' ')) {
		*why = "a name ending in a dot or a space";
		return -EINVAL;
	}
	if (is_dos_device(name, len)) {
		*why = "a DOS device name";
		return -EINVAL;
	}
	return 0;
}

static bool is_sep(char c)
{
	return c == '\\' || c == '/';
}

/* Append the components of S[0..LEN) to OUT->rel, resolving "." and "..". */
static int add_components(struct paths *p, const char *s, size_t len,
			  struct paths_loc *out, const char *client, size_t clen)
{
	char q[168];
	size_t o = strlen(out->rel);
	size_t i = 0;

	while (i < len) {
		size_t start, n;
		const char *why;
		int err;

		while (i < len && is_sep(s[i]))
			i++;
		start = i;
		while (i < len && !is_sep(s[i]))
			i++;
		n = i - start;
		if (n == 0 || (n == 1 && s[start] == '.'))
			continue;
		if (n == 2 && s[start] == '.' && s[start + 1] == '.') {
			if (o == 0)
				return paths_fail(p, -EACCES, "access denied to '%s': '..' "
						  "climbs out of drive %c:",
						  printable(client, clen, q), out->root->letter);
			while (o > 0 && out->rel[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			out->rel[o] = '\0';
			continue;
		}
		err = paths_check_component(s + start, n, &why);
		if (err < 0)
			return paths_fail(p, err, "invalid path '%s': %s",
					  printable(client, clen, q), why);
		if (o + (o ? 1 : 0) + n > PATHS_PATH_MAX)
			return paths_fail(p, -ENAMETOOLONG, "invalid path '%s': longer than %d bytes",
					  printable(client, clen, q), PATHS_PATH_MAX);
		if (o)
			out->rel[o++] = '/';
		memcpy(out->rel + o, s + start, n);
		o += n;
		out->rel[o] = '\0';
	}
	return 0;
}

int paths_parse(struct paths *p, const char *client, size_t len, struct paths_loc *out)
{
	char q[168];

	memset(out, 0, sizeof(*out));
	if (!client || len == 0)
		return paths_fail(p, -EINVAL, "invalid path: empty");
	if (memchr(client, '\0', len))
		return paths_fail(p, -EINVAL, "invalid path '%s': contains a NUL byte",
				  printable(client, strnlen(client, len), q));
	if (len > PATHS_PATH_MAX)
		return paths_fail(p, -ENAMETOOLONG, "invalid path '%s': longer than %d bytes",
				  printable(client, len, q), PATHS_PATH_MAX);

	/* "\\server\share", "\\?\C:\", "\\.\dev", "//?/..." and "\??\C:\" */
	if (len >= 2 && is_sep(client[0]) && is_sep(client[1]))
		return paths_fail(p, -EINVAL, "invalid path '%s': UNC and device paths are "
				  "not accepted", printable(client, len, q));
	if (len >= 4 && client[0] == '\\' && client[1] == '?' && client[2] == '?' &&
	    client[3] == '\\')
		return paths_fail(p, -EINVAL, "invalid path '%s': NT object paths are not "
				  "accepted", printable(client, len, q));

	if (len >= 2 && isalpha((unsigned char)client[0]) && client[1] == ':') {
		out->root = paths_root_by_letter(p, client[0]);
		if (len > 2 && !is_sep(client[2]))
			return paths_fail(p, -EINVAL, "invalid path '%s': drive-relative paths "
					  "are not accepted", printable(client, len, q));
		if (!out->root)
			return paths_fail(p, -EACCES, "access denied to '%s': drive %c: is not a "
					  "storage root", printable(client, len, q),
					  toupper((unsigned char)client[0]));
		return add_components(p, client + 2, len - 2, out, client, len);
	}

	if (client[0] == '/') {
		/* POSIX: normalise against "/" first, then find the root holding it */
		struct paths_root slash = { .letter = '/', .fd = -1 };
		struct paths_loc abs = { .root = &slash };
		int err;

		for (size_t i = 0; i < len; i++)
			if (client[i] == '\\')
				return paths_fail(p, -EINVAL, "invalid path '%s': a backslash in a "
						  "POSIX path", printable(client, len, q));
		err = add_components(p, client, len, &abs, client, len);
		if (err == -EACCES)
			return paths_fail(p, -EACCES, "access denied to '%s': not inside a "
					  "storage root", printable(client, len, q));
		if (err < 0)
			return err;
		for (size_t i = 0; i < p->nroots; i++) {
			const char *dir = p->roots[i].dir + 1; /* without the leading '/' */
			size_t dl = strlen(dir);

			if (strncmp(abs.rel, dir, dl) == 0 &&
			    (dl == 0 || abs.rel[dl] == '\0' || abs.rel[dl] == '/')) {
				const char *rest = abs.rel + dl;

				out->root = &p->roots[i];
				snprintf(out->rel, sizeof(out->rel), "%s",
					 *rest == '/' ? rest + 1 : rest);
				return 0;
			}
		}
		return paths_fail(p, -EACCES, "access denied to '%s': not inside a storage root",
				  printable(client, len, q));
	}

	if (client[0] == '\\')
		return paths_fail(p, -EINVAL, "invalid path '%s': no drive letter",
				  printable(client, len, q));
	return paths_fail(p, -EINVAL, "invalid path '%s': not absolute",
			  printable(client, len, q));
}

int paths_to_client(struct paths *p, const char *abs, char *buf, size_t cap)
{
	struct paths_loc loc;
	int err = paths_parse(p, abs, strlen(abs), &loc);
	size_t o;

	if (err < 0)
		return err;
	if (cap < 4 + strlen(loc.rel))
		return paths_fail(p, -ERANGE, "cannot show path '%.160s': buffer too small", abs);
	buf[0] = loc.root->letter;
	buf[1] = ':';
	buf[2] = '\\';
	o = 3;
	for (const char *s = loc.rel; *s; s++)
		buf[o++] = *s == '/' ? '\\' : *s;
	buf[o] = '\0';
	return 0;
}

hresult paths_hresult(int err)
{
	switch (err) {
	case -EXDEV:
	case -ELOOP:
	case -ENXIO:
	case -ENODEV:
		return E_ACCESSDENIED;
	case -ENOENT:
		return ERROR_FILE_NOT_FOUND;
	default:
		return hresult_from_errno(err);
	}
}
