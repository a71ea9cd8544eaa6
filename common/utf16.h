/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* utf16.h: UTF-16 <-> UTF-8, the one conversion every part uses (VHD parent
 * names and locators, NDR strings and BSTRs, NTLMSSP names and passwords).
 *
 * UTF-16 is passed as bytes in an explicit byte order, because each caller's
 * data has one: VHD headers are big-endian, Windows paths and the wire are
 * little-endian, and NDR's decoded arrays are in host order (UTF16_HOST).
 * Strict in both directions by default (a lone surrogate, an overlong UTF-8
 * form or a value past U+10FFFF is -EILSEQ), so a name never silently
 * changes; UTF16_LOSSY is for text that is only shown or looked up.
 */
#ifndef COMMON_UTF16_H
#define COMMON_UTF16_H

#include <stddef.h>
#include <sys/types.h>

/* Flags for both directions. */
#define UTF16_LE    0x0u /* little-endian code units */
#define UTF16_BE    0x1u /* big-endian code units */
#define UTF16_LOSSY 0x2u /* utf16_to_utf8: a lone surrogate becomes '?' and
                          * a full OUT truncates, instead of failing */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define UTF16_HOST UTF16_BE
#else
#define UTF16_HOST UTF16_LE
#endif

/* Decode at most UNITS code units of IN (stopping at a NUL unit) into OUT as
 * NUL-terminated UTF-8 (OUTSZ > 0 bytes).  Returns the bytes written before
 * the NUL, -EILSEQ for a lone surrogate, -ENAMETOOLONG when OUT is too small
 * (with UTF16_LOSSY neither: OUT holds what fitted, cut at a character). */
ssize_t utf16_to_utf8(const void *in, size_t units, unsigned flags, char *out, size_t outsz);

/* Encode the NUL-terminated UTF-8 string IN as UTF-16 (no terminator) into
 * OUT, OUTSZ bytes; OUT may be NULL to measure.  Returns the bytes of UTF-16
 * (written or needed), -EILSEQ for invalid UTF-8, -ENAMETOOLONG when OUT is
 * too small. */
ssize_t utf8_to_utf16(const char *in, unsigned flags, void *out, size_t outsz);

#endif
