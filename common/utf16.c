/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* utf16.c: UTF-16 <-> UTF-8 (see utf16.h).  One code point at a time, with
 * the byte order a parameter, rather than a fast path per byte order: the
 * strings converted are names and paths of at most a few hundred units.
 */
#include <config.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "common/utf16.h"

static uint32_t get_unit(const uint8_t *p, unsigned flags)
{
	return flags & UTF16_BE ? (uint32_t)(p[0] << 8 | p[1]) : (uint32_t)(p[1] << 8 | p[0]);
}

static void put_unit(uint8_t *p, uint32_t u, unsigned flags)
{
	uint8_t hi = (uint8_t)(u >> 8), lo = (uint8_t)u;

	p[0] = flags & UTF16_BE ? hi : lo;
	p[1] = flags & UTF16_BE ? lo : hi;
}

/* CP as UTF-8 into TMP; returns its length (1 to 4). */
static size_t encode_utf8(uint32_t cp, char tmp[4])
{
	if (cp < 0x80) {
		tmp[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		tmp[0] = (char)(0xc0 | cp >> 6);
		tmp[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		tmp[0] = (char)(0xe0 | cp >> 12);
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		tmp[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	tmp[0] = (char)(0xf0 | cp >> 18);
	tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	tmp[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* One UTF-8 sequence at S into CP; returns its length, or 0 when it is not
 * the shortest form of a scalar value (overlong, surrogate, past U+10FFFF,
 * bad continuation byte; a NUL ends a short sequence there). */
static size_t decode_utf8(const unsigned char *s, uint32_t *cp)
{
	static const uint32_t min[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*cp = s[0] & 0x1fu;
		n = 2;
	} else if ((s[0] & 0xf0) == 0xe0) {
		*cp = s[0] & 0x0fu;
		n = 3;
	} else if ((s[0] & 0xf8) == 0xf0) {
		*cp = s[0] & 0x07u;
		n = 4;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3fu);
	}
	if (*cp < min[n] || *cp > 0x10ffff || (*cp >= 0xd800 && *cp < 0xe000))
		return 0;
	return n;
}

ssize_t utf16_to_utf8(const void *in, size_t units, unsigned flags, char *out, size_t outsz)
{
	const uint8_t *p = in;
	size_t o = 0;

	if (outsz == 0)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < units; i++) {
		uint32_t u = get_unit(p + 2 * i, flags), lo;
		char tmp[4];
		size_t n;

		if (u == 0)
			break;
		if (u >= 0xd800 && u < 0xe000) {
			lo = i + 1 < units ? get_unit(p + 2 * i + 2, flags) : 0;
			if (u < 0xdc00 && lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				i++;
			} else if (flags & UTF16_LOSSY) {
				u = '?';
			} else {
				out[0] = '\0';
				return -EILSEQ;
			}
		}
		n = encode_utf8(u, tmp);
		if (o + n >= outsz) {
			if (flags & UTF16_LOSSY)
				break;
			out[0] = '\0';
			return -ENAMETOOLONG;
		}
		memcpy(out + o, tmp, n);
		o += n;
	}
	out[o] = '\0';
	return (ssize_t)o;
}

ssize_t utf8_to_utf16(const char *in, unsigned flags, void *out, size_t outsz)
{
	const unsigned char *s = (const unsigned char *)in;
	uint8_t *p = out;
	size_t o = 0;

	while (*s) {
		uint32_t cp;
		size_t n = decode_utf8(s, &cp), need;

		if (n == 0)
			return -EILSEQ;
		s += n;
		need = cp >= 0x10000 ? 4 : 2;
		if (p && o + need > outsz)
			return -ENAMETOOLONG;
		if (p && cp >= 0x10000) {
			put_unit(p + o, 0xd800 + ((cp - 0x10000) >> 10), flags);
			put_unit(p + o + 2, 0xdc00 + ((cp - 0x10000) & 0x3ff), flags);
		} else if (p) {
			put_unit(p + o, cp, flags);
		}
		o += need;
	}
	return (ssize_t)o;
}
