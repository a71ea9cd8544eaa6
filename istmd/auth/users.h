/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* users.h: who may log in: the users file (`name:NT-hash-hex` per line),
 * read by the privileged parent only. */
#ifndef ISTMD_AUTH_USERS_H
#define ISTMD_AUTH_USERS_H

#include <stddef.h>
#include <stdint.h>

struct auth_user {
	char name[128];              /* UTF-8, compared ASCII case-insensitively */
	uint8_t nt_hash[16];         /* MD4(UTF-16LE(password)) */
};
struct auth_users {
	struct auth_user *v;         /* entries */
	size_t n;                    /* count */
};

/* Read PATH; 0, or a negative errno with the reason logged (the accounts
 * in OUT are untouched then). */
int auth_users_load(const char *path, struct auth_users *out);
/* The account named NAME (UTF-8), or NULL. */
const struct auth_user *auth_users_find(const struct auth_users *u, const char *name);
/* The same for a name as NTLM carries it (UTF-16LE, LEN bytes). */
const struct auth_user *auth_users_find_utf16(const struct auth_users *u, const uint8_t *name,
					      size_t len);
/* Wipe the hashes and free. */
void auth_users_release(struct auth_users *u);

#endif /* ISTMD_AUTH_USERS_H */
