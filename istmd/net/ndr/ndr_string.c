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

#include "common/utf16.h"
#include "ndr/ndr.h"

int ndr_utf16_to_utf8(struct ndr_arena *a, const uint16_t *s, size_t n, char **out)
{
	char *o;

	if (n > NDR_MAX_COUNT)
		return -E2BIG;
	for (size_t i = 0; i < n; i++)
		if (s[i] == 0)
			return -EILSEQ;       /* embedded NUL would truncate the C string */
	o = ndr_arena_zalloc(a, n * 3 + 1);   /* a UTF-16 unit makes <= 3 bytes */
	if (!o)
		return -E2BIG;
	if (utf16_to_utf8(s, n, UTF16_HOST, o, n * 3 + 1) < 0)
		return -EILSEQ;
	*out = o;
	return 0;
}

int ndr_utf8_to_utf16(struct ndr_arena *a, const char *s, uint16_t **out, size_t *n)
{
	size_t len = strlen(s);
	uint16_t *u;
	ssize_t bytes;

	if (len > NDR_MAX_COUNT)
		return -E2BIG;
	u = ndr_arena_array(a, len + 1, sizeof(*u)); /* a UTF-8 byte makes <= 1 unit */
	if (!u)
		return -ENOMEM;
	bytes = utf8_to_utf16(s, UTF16_HOST, u, (len + 1) * sizeof(*u));
	if (bytes < 0)
		return -EILSEQ;
	*out = u;
	*n = (size_t)bytes / sizeof(*u);
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
