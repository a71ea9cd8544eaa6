/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ndr_string.c: UTF-16LE (the wire's wchar_t and BSTR) <-> UTF-8 (what the
 * rest of istmd uses), and GUID text forms.
 *
 * Strict on input: a lone surrogate is an error rather than a replacement
 * character, so a name never silently changes on its way to storage.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ndr/ndr.h"

int ndr_utf16_to_utf8(struct ndr_arena *a, const uint16_t *s, size_t n, char **out)
{
	char *o, *q;
	size_t i;

	if (n > NDR_MAX_COUNT)
		return -E2BIG;
	o = ndr_arena_zalloc(a, n * 3 + 1);   /* a UTF-16 unit makes <= 3 bytes */
	if (!o)
		return -E2BIG;
	for (q = o, i = 0; i < n; i++) {
		uint32_t c = s[i];

		if (c >= 0xd800 && c < 0xdc00) {
			if (i + 1 >= n || s[i + 1] < 0xdc00 || s[i + 1] >= 0xe000)
				return -EILSEQ;
			c = 0x10000 + ((c - 0xd800) << 10) + (s[++i] - 0xdc00);
		} else if (c >= 0xdc00 && c < 0xe000) {
			return -EILSEQ;
		}
		if (c == 0)
			return -EILSEQ;       /* embedded NUL would truncate the C string */
		if (c < 0x80) {
			*q++ = (char)c;
		} else if (c < 0x800) {
			*q++ = (char)(0xc0 | c >> 6);
			*q++ = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			*q++ = (char)(0xe0 | c >> 12);
			*q++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*q++ = (char)(0x80 | (c & 0x3f));
		} else {
			*q++ = (char)(0xf0 | c >> 18);
			*q++ = (char)(0x80 | ((c >> 12) & 0x3f));
			*q++ = (char)(0x80 | ((c >> 6) & 0x3f));
			*q++ = (char)(0x80 | (c & 0x3f));
		}
	}
	*q = 0;
	*out = o;
	return 0;
}

/* Decode one UTF-8 sequence at S; returns its length, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *c)
{
	size_t n, i;

	if (s[0] < 0x80) { *c = s[0]; return 1; }
	if ((s[0] & 0xe0) == 0xc0) { *c = s[0] & 0x1f; n = 2; }
	else if ((s[0] & 0xf0) == 0xe0) { *c = s[0] & 0x0f; n = 3; }
	else if ((s[0] & 0xf8) == 0xf0) { *c = s[0] & 0x07; n = 4; }
	else return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*c = *c << 6 | (s[i] & 0x3f);
	}
	if ((n == 2 && *c < 0x80) || (n == 3 && *c < 0x800) || (n == 4 && *c < 0x10000) ||
	    *c > 0x10ffff || (*c >= 0xd800 && *c < 0xe000))
		return 0;
	return n;
}

int ndr_utf8_to_utf16(struct ndr_arena *a, const char *s, uint16_t **out, size_t *n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), k = 0, step;
	uint16_t *u;
	uint32_t c;

	if (len > NDR_MAX_COUNT)
		return -E2BIG;
	u = ndr_arena_array(a, len + 1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	while (*p) {
		step = utf8_decode(p, &c);
		if (!step)
			return -EILSEQ;
		p += step;
		if (c >= 0x10000) {
			c -= 0x10000;
			u[k++] = (uint16_t)(0xd800 + (c >> 10));
			u[k++] = (uint16_t)(0xdc00 + (c & 0x3ff));
		} else {
			u[k++] = (uint16_t)c;
		}
	}
	*out = u;
	*n = k;
	return 0;
}

int ndr_bstr_from_utf8(struct ndr_arena *a, const char *s, struct ndr_bstr **out)
{
	struct ndr_bstr *b;
	size_t n;

	*out = NULL;
	if (!s)
		return 0;
	b = ndr_arena_zalloc(a, sizeof(*b));
	if (!b)
		return -ENOMEM;
	NDR_CHECK(ndr_utf8_to_utf16(a, s, &b->chars, &n));
	b->nchars = (uint32_t)n;
	b->cbytes = (uint32_t)(n * 2);
	*out = b;
	return 0;
}

int ndr_bstr_to_utf8(struct ndr_arena *a, const struct ndr_bstr *b, char **out)
{
	uint32_t n;

	*out = NULL;
	if (!b)
		return 0;
	n = b->nchars;
	while (n > 0 && b->chars[n - 1] == 0)
		n--;                      /* some clients send the terminator */
	return ndr_utf16_to_utf8(a, b->chars, n, out);
}

void ndr_wchar_fixed_set(uint16_t *dst, size_t n, const char *s)
{
	struct ndr_arena a;
	uint16_t *u;
	size_t k = 0;

	memset(dst, 0, n * sizeof(*dst));
	if (n == 0)
		return;
	ndr_arena_init(&a);
	if (ndr_utf8_to_utf16(&a, s, &u, &k) == 0) {
		if (k > n - 1)
			k = n - 1;
		if (k > 0 && u[k - 1] >= 0xd800 && u[k - 1] < 0xdc00)
			k--;                  /* don't cut a surrogate pair in half */
		memcpy(dst, u, k * sizeof(*u));
	}
	ndr_arena_release(&a);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Text order of the 16 wire bytes: Data1..Data3 are little-endian. */
static const uint8_t text_order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };

int ndr_guid_parse(const char *s, struct ndr_guid *g)
{
	size_t i, k = 0;
	int hi, lo;

	if (strlen(s) != 36)
		return -EINVAL;
	for (i = 0; i < 36; ) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i++] != '-')
				return -EINVAL;
			continue;
		}
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		g->b[text_order[k++]] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	return 0;
}

void ndr_guid_format(const struct ndr_guid *g, char out[37])
{
	char *q = out;
	size_t k;

	for (k = 0; k < 16; k++) {
		if (k == 4 || k == 6 || k == 8 || k == 10)
			*q++ = '-';
		q += sprintf(q, "%02x", g->b[text_order[k]]);
	}
	*q = 0;
}

bool ndr_guid_equal(const struct ndr_guid *a, const struct ndr_guid *b)
{
	return memcmp(a->b, b->b, 16) == 0;
}
