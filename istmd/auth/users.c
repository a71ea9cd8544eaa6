/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* users.c: the users file, `name:NT-hash-hex` per line ('#' starts a
 * comment, blank lines are skipped).  Read by the privileged parent only.
 * Trade-off: names are matched ASCII case-insensitively, as Windows
 * matches account names; the file is read at start-up and on SIGHUP.
 * NTLM names arrive as UTF-16LE and are converted here, where the file
 * is, rather than trusting a converted copy from the network child. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth/users.h"
#include "common/utf16.h"
#include "log.h"

static int parse_line(char *line, struct auth_user *u)
{
	char *colon = strchr(line, ':'), *hex;
	size_t i;

	if (!colon || colon == line || (size_t)(colon - line) >= sizeof(u->name))
		return -EINVAL;
	*colon = 0;
	hex = colon + 1;
	if (strlen(hex) != 32)
		return -EINVAL;
	for (i = 0; i < 16; i++) {
		if (!isxdigit((unsigned char)hex[2 * i]) || !isxdigit((unsigned char)hex[2 * i + 1]))
			return -EINVAL;
		sscanf(hex + 2 * i, "%2hhx", &u->nt_hash[i]);
	}
	snprintf(u->name, sizeof(u->name), "%s", line);
	return 0;
}

int auth_users_load(const char *path, struct auth_users *out)
{
	struct auth_users u = { 0 };
	char line[512];
	unsigned lineno = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		log_warn("reading users file '%s' failed", path);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		char *s = line, *e;
		struct auth_user *v;

		lineno++;
		while (isspace((unsigned char)*s))
			s++;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = 0;
		if (*s == 0 || *s == '#')
			continue;
		v = realloc(u.v, (u.n + 1) * sizeof(*v));
		if (!v) {
			fclose(f);
			auth_users_release(&u);
			return -ENOMEM;
		}
		u.v = v;
		if (parse_line(s, &u.v[u.n]) < 0) {
			log_warnx("reading users file '%s' failed: line %u is not name:32-hex-digits",
				  path, lineno);
			fclose(f);
			auth_users_release(&u);
			return -EINVAL;
		}
		u.n++;
	}
	fclose(f);
	*out = u;
	return 0;
}

const struct auth_user *auth_users_find(const struct auth_users *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (!strcasecmp(u->v[i].name, name))
			return &u->v[i];
	return NULL;
}

const struct auth_user *auth_users_find_utf16(const struct auth_users *u, const uint8_t *name,
					      size_t len)
{
	char utf8[sizeof(u->v[0].name)];

	/* Lossy is enough for a lookup: the NTLMv2 proof the parent checks
	 * next covers the name's exact UTF-16 bytes, so a name that maps to
	 * another account's (a '?' for a lone surrogate, a cut) cannot pass. */
	if (utf16_to_utf8(name, len / 2, UTF16_LE | UTF16_LOSSY, utf8, sizeof(utf8)) < 0)
		return NULL;
	return auth_users_find(u, utf8);
}

void auth_users_release(struct auth_users *u)
{
	if (u->v)
		memset(u->v, 0, u->n * sizeof(*u->v));
	free(u->v);
	u->v = NULL;
	u->n = 0;
}
