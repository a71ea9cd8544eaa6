/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ip_literal.c: address literals in inet_ntop's spelling (ip_literal.h). */
#include <config.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "common/ip_literal.h"

bool ip_literal_canonical(const char *address, int af, char *out, size_t size)
{
	uint8_t buf[16];
	char tmp[INET6_ADDRSTRLEN];

	if (af != AF_INET6 && inet_pton(AF_INET, address, buf) == 1)
		af = AF_INET;
	else if (af != AF_INET && inet_pton(AF_INET6, address, buf) == 1)
		af = AF_INET6;
	else
		return false;
	if (!inet_ntop(af, buf, tmp, sizeof(tmp)) || strlen(tmp) >= size)
		return false;
	memcpy(out, tmp, strlen(tmp) + 1);
	return true;
}

bool ip_literal_same(const char *a, const char *b)
{
	char ca[INET6_ADDRSTRLEN], cb[INET6_ADDRSTRLEN];

	return ip_literal_canonical(a, 0, ca, sizeof(ca)) &&
	       ip_literal_canonical(b, 0, cb, sizeof(cb)) && strcmp(ca, cb) == 0;
}
