/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ip_literal.h: an IPv4 or IPv6 address literal in its one spelling,
 * inet_ntop's.  An IPv6 address has many (0:0:0:0:0:0:0:1, 0:0::1, ::1,
 * upper or lower case); tgtd lists its portals in inet_ntop's, so istmd
 * compares, stores and passes on addresses in that one, in the parent (the
 * store, tgtd) and in the sandboxed child alike (no system call).
 */
#ifndef COMMON_IP_LITERAL_H
#define COMMON_IP_LITERAL_H

#include <stdbool.h>
#include <stddef.h>

/* ADDRESS, a literal of family AF (AF_INET, AF_INET6, or 0 for either), as
 * inet_ntop writes it, into OUT (INET6_ADDRSTRLEN bytes hold any); false,
 * OUT unchanged, when ADDRESS is no such literal or OUT is too small. */
bool ip_literal_canonical(const char *address, int af, char *out, size_t size);

/* Whether A and B are literals of the same address (false when either is
 * no literal). */
bool ip_literal_same(const char *a, const char *b);

#endif
