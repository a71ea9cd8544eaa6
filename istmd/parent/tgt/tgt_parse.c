/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* tgt_parse.c: parsers of tgtadm's human-readable listings, "--mode target
 * --op show" and "--mode conn --op show" (format of tgt 1.0.85: usr/
 * target.c tgt_target_show_all, usr/iscsi/target.c
 * iscsi_target_show_connections).
 *
 * Lines are "Key: value" under headers, nested by indentation; the parser
 * keys on the header names rather than exact indentation, ignores keys it
 * does not know (newer tgt versions add some), and refuses what cannot be
 * placed (a field before its object, overlong values, absurd counts) with
 * -EBADMSG naming the line.  Everything tgtadm prints came from tgtd, which
 * took part of it (initiator names, aliases) from the network: the parser
 * treats it as untrusted text and is fuzzable on its own.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_int.h"

#define LINE_MAX_BYTES 8192
#define COUNT_MAX 100000             /* of any one list */

enum section { SEC_NONE, SEC_SYSTEM, SEC_NEXUS, SEC_LUN, SEC_ACCOUNT, SEC_ACL };

/* The titles of a target's sections in a listing. */
static const struct {
	const char *title;
	enum section sec;
} section_titles[] = {
	{ "System information:", SEC_SYSTEM },
	{ "I_T nexus information:", SEC_NEXUS },
	{ "LUN information:", SEC_LUN },
	{ "Account information:", SEC_ACCOUNT },
	{ "ACL information:", SEC_ACL },
};

/* Is TXT a section's title?  Then *SEC is that section. */
static bool section_title(const char *txt, enum section *sec)
{
	for (size_t i = 0; i < sizeof(section_titles) / sizeof(section_titles[0]); i++)
		if (strcmp(txt, section_titles[i].title) == 0) {
			*sec = section_titles[i].sec;
			return true;
		}
	return false;
}

struct parser {
	const char *p;               /* next unread byte */
	const char *end;             /* end of the text */
	unsigned lineno;             /* of the line just read */
	char *err;                   /* message buffer */
	size_t errcap;               /* its size */
};

static int bad(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int bad(struct parser *ps, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->err && ps->errcap)
		snprintf(ps->err, ps->errcap, "line %u: %s", ps->lineno, msg);
	return -EBADMSG;
}

/* Next line into BUF (without the newline), indentation in *INDENT and the
 * text after it in *TEXT.  0 at the end, 1 for a line, <0 on error. */
static int next_line(struct parser *ps, char buf[LINE_MAX_BYTES], int *indent, char **text)
{
	const char *nl;
	size_t len;

	if (ps->p >= ps->end)
		return 0;
	nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
	len = nl ? (size_t)(nl - ps->p) : (size_t)(ps->end - ps->p);
	ps->lineno++;
	if (len >= LINE_MAX_BYTES)
		return bad(ps, "longer than %d bytes", LINE_MAX_BYTES);
	memcpy(buf, ps->p, len);
	buf[len] = '\0';
	ps->p += len + (nl ? 1 : 0);
	if (memchr(buf, '\0', len))
		return bad(ps, "contains a NUL byte");
	while (len && (buf[len - 1] == ' ' || buf[len - 1] == '\r' || buf[len - 1] == '\t'))
		buf[--len] = '\0';
	*indent = 0;
	while (buf[*indent] == ' ' || buf[*indent] == '\t')
		(*indent)++;
	*text = buf + *indent;
	return 1;
}

/* If TEXT is "KEY: value", the value; else NULL. */
static const char *value_of(const char *text, const char *key)
{
	size_t kl = strlen(key);

	if (strncmp(text, key, kl) != 0 || text[kl] != ':')
		return NULL;
	if (text[kl + 1] == '\0')
		return text + kl + 1;
	return text[kl + 1] == ' ' ? text + kl + 2 : NULL;
}

static int copy(struct parser *ps, char *dst, size_t cap, const char *src, const char *what)
{
	size_t len = strlen(src);

	if (len >= cap)
		return bad(ps, "%s longer than %zu bytes", what, cap - 1);
	memcpy(dst, src, len + 1);
	return 0;
}

static int number(struct parser *ps, const char *s, uint64_t max, uint64_t *out, const char *what)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return bad(ps, "%s is not a number", what);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || v > max)
		return bad(ps, "%s out of range", what);
	*out = v;
	return (int)(end - s);
}

/* Append one zeroed element to *ARR (*N elements of SIZE bytes). */
static void *grow(struct parser *ps, void *arr_p, size_t *n, size_t size, const char *what)
{
	void **arr = arr_p;
	char *na;

	if (*n >= COUNT_MAX) {
		bad(ps, "more than %d %s", COUNT_MAX, what);
		return NULL;
	}
	/* grow geometrically: capacity is the next power of two */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;

		na = realloc(*arr, cap * size);
		if (!na) {
			bad(ps, "out of memory");
			return NULL;
		}
		*arr = na;
	}
	na = (char *)*arr + *n * size;
	memset(na, 0, size);
	(*n)++;
	return na;
}

/* A numbered entry ("LUN: 3", V what follows the colon): its number, at
 * most MAX, in *NUM, and a new element of *ARR as grow() makes it; NULL,
 * the error recorded, when either fails. */
static void *grow_numbered(struct parser *ps, const char *v, uint64_t max, uint64_t *num,
			   void *arr_p, size_t *n, size_t size, const char *what,
			   const char *plural)
{
	if (number(ps, v, max, num, what) < 0)
		return NULL;
	return grow(ps, arr_p, n, size, plural);
}

void tgt_show_free(struct tgt_show *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntargets; i++) {
		struct tgt_show_target *t = &s->targets[i];

		for (size_t j = 0; j < t->nnexus; j++)
			free(t->nexus[j].conns);
		free(t->nexus);
		free(t->lus);
		free(t->accounts);
		free(t->acls);
	}
	free(s->targets);
	free(s);
}

const struct tgt_show_target *tgt_show_find(const struct tgt_show *s, int tid)
{
	for (size_t i = 0; i < s->ntargets; i++)
		if (s->targets[i].tid == tid)
			return &s->targets[i];
	return NULL;
}

static int parse_lu_field(struct parser *ps, struct tgt_show_lu *lu, const char *text)
{
	const char *v;
	uint64_t n;
	int r;

	if ((v = value_of(text, "Type")))
		return copy(ps, lu->type, sizeof(lu->type), v, "LU type");
	if ((v = value_of(text, "SCSI ID")))
		return copy(ps, lu->scsi_id, sizeof(lu->scsi_id), v, "SCSI ID");
	if ((v = value_of(text, "SCSI SN")))
		return copy(ps, lu->scsi_sn, sizeof(lu->scsi_sn), v, "SCSI serial number");
	if ((v = value_of(text, "Online"))) {
		lu->online = strcmp(v, "Yes") == 0;
		return 0;
	}
	if ((v = value_of(text, "Readonly"))) {
		lu->readonly = strcmp(v, "Yes") == 0;
		return 0;
	}
	if ((v = value_of(text, "Backing store type")))
		return copy(ps, lu->bstype, sizeof(lu->bstype), v, "backing store type");
	if ((v = value_of(text, "Backing store path"))) {
		if (strcmp(v, "None") == 0) {
			lu->path[0] = '\0';
			return 0;
		}
		return copy(ps, lu->path, sizeof(lu->path), v, "backing store path");
	}
	if ((v = value_of(text, "Size"))) {
		/* "Size: 10 MB, Block size: 512" */
		r = number(ps, v, UINT64_MAX / 2, &lu->size_mb, "size");
		if (r < 0)
			return r;
		v = strstr(v, "Block size: ");
		if (v) {
			r = number(ps, v + 12, UINT32_MAX, &n, "block size");
			if (r < 0)
				return r;
			lu->block_size = (uint32_t)n;
		}
		return 0;
	}
	return 0; /* a field this parser does not use */
}

int tgt_show_parse(const char *text, size_t len, struct tgt_show **out, char *err, size_t errcap)
{
	struct parser ps = { text, text + len, 0, err, errcap };
	struct tgt_show *s = calloc(1, sizeof(*s));
	struct tgt_show_target *t = NULL;
	struct tgt_show_nexus *nx = NULL;
	struct tgt_show_lu *lu = NULL;
	enum section sec = SEC_NONE;
	char *line = malloc(LINE_MAX_BYTES), *txt;
	int indent, r, rc = 0;

	*out = NULL;
	if (err && errcap)
		err[0] = '\0';
	if (!s || !line) {
		free(s);
		free(line);
		return -ENOMEM;
	}
	while ((r = next_line(&ps, line, &indent, &txt)) > 0) {
		const char *v;
		uint64_t n;

		if (!*txt)
			continue;
		if (indent == 0) {
			char *colon;

			if (strncmp(txt, "Target ", 7) != 0) {
				rc = bad(&ps, "expected 'Target N: name'");
				break;
			}
			r = number(&ps, txt + 7, 0x7fffffff, &n, "target id");
			if (r < 0) {
				rc = r;
				break;
			}
			colon = txt + 7 + r;
			if (colon[0] != ':' || colon[1] != ' ') {
				rc = bad(&ps, "expected 'Target N: name'");
				break;
			}
			t = grow(&ps, &s->targets, &s->ntargets, sizeof(*t), "targets");
			if (!t || (rc = copy(&ps, t->iqn, sizeof(t->iqn), colon + 2, "target name")) < 0) {
				rc = t ? rc : -EBADMSG;
				break;
			}
			t->tid = (int)n;
			sec = SEC_NONE;
			nx = NULL;
			lu = NULL;
			continue;
		}
		if (!t) {
			rc = bad(&ps, "indented line before any target");
			break;
		}
		if (section_title(txt, &sec))
			continue;
		switch (sec) {
		case SEC_NONE:
			continue; /* a section this parser does not know */
		case SEC_SYSTEM:
			if ((v = value_of(txt, "State")))
				rc = copy(&ps, t->state, sizeof(t->state), v, "state");
			break;
		case SEC_NEXUS:
			if ((v = value_of(txt, "I_T nexus"))) {
				nx = grow_numbered(&ps, v, UINT64_MAX, &n, &t->nexus, &t->nnexus,
						   sizeof(*nx), "I_T nexus", "I_T nexuses");
				if (!nx)
					rc = -EBADMSG;
				else
					nx->id = n;
			} else if ((v = value_of(txt, "Initiator"))) {
				const char *alias;
				size_t nl;

				if (!nx) {
					rc = bad(&ps, "initiator outside an I_T nexus");
					break;
				}
				alias = strstr(v, " alias: ");
				nl = alias ? (size_t)(alias - v) : strlen(v);
				if (nl >= sizeof(nx->initiator)) {
					rc = bad(&ps, "initiator name too long");
					break;
				}
				memcpy(nx->initiator, v, nl);
				nx->initiator[nl] = '\0';
				if (alias && strcmp(alias + 8, "none") != 0)
					rc = copy(&ps, nx->alias, sizeof(nx->alias), alias + 8, "alias");
			} else if ((v = value_of(txt, "Connection"))) {
				struct tgt_show_conn *c;

				if (!nx) {
					rc = bad(&ps, "connection outside an I_T nexus");
					break;
				}
				c = grow_numbered(&ps, v, UINT32_MAX, &n, &nx->conns, &nx->nconns,
						  sizeof(*c), "connection id", "connections");
				if (!c)
					rc = -EBADMSG;
				else
					c->cid = (uint32_t)n;
			} else if ((v = value_of(txt, "IP Address"))) {
				if (!nx || !nx->nconns) {
					rc = bad(&ps, "address outside a connection");
					break;
				}
				rc = copy(&ps, nx->conns[nx->nconns - 1].address,
					  sizeof(nx->conns[0].address), v, "address");
			}
			break;
		case SEC_LUN:
			if ((v = value_of(txt, "LUN"))) {
				lu = grow_numbered(&ps, v, UINT32_MAX, &n, &t->lus, &t->nlus,
						   sizeof(*lu), "LUN", "LUs");
				if (!lu)
					rc = -EBADMSG;
				else
					lu->lun = (uint32_t)n;
			} else if (!lu) {
				rc = bad(&ps, "LU field before any LUN");
			} else {
				rc = parse_lu_field(&ps, lu, txt);
			}
			break;
		case SEC_ACCOUNT: {
			struct tgt_show_account *a = grow(&ps, &t->accounts, &t->naccounts,
							  sizeof(*a), "accounts");
			size_t l = strlen(txt);

			if (!a) {
				rc = -EBADMSG;
				break;
			}
			if (l > 11 && strcmp(txt + l - 11, " (outgoing)") == 0) {
				a->outgoing = true;
				txt[l - 11] = '\0';
			}
			rc = copy(&ps, a->user, sizeof(a->user), txt, "account name");
			break;
		}
		case SEC_ACL: {
			struct tgt_show_acl *a = grow(&ps, &t->acls, &t->nacls, sizeof(*a), "ACLs");

			if (!a) {
				rc = -EBADMSG;
				break;
			}
			a->is_name = !strncmp(txt, "iqn.", 4) || !strncmp(txt, "eui.", 4) ||
				     !strncmp(txt, "naa.", 4);
			rc = copy(&ps, a->value, sizeof(a->value), txt, "ACL");
			break;
		}
		}
		if (rc < 0)
			break;
	}
	if (r < 0)
		rc = r;
	free(line);
	if (rc < 0) {
		tgt_show_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int tgt_conn_parse(const char *text, size_t len, struct tgt_conn **out, size_t *n,
		   char *err, size_t errcap)
{
	struct parser ps = { text, text + len, 0, err, errcap };
	struct tgt_conn *arr = NULL, *c = NULL;
	char *line = malloc(LINE_MAX_BYTES), *txt;
	uint64_t tsih = 0, v64;
	bool have_session = false;
	size_t cnt = 0;
	int indent, r, rc = 0;

	*out = NULL;
	*n = 0;
	if (err && errcap)
		err[0] = '\0';
	if (!line)
		return -ENOMEM;
	while ((r = next_line(&ps, line, &indent, &txt)) > 0) {
		const char *v;

		if (!*txt)
			continue;
		if ((v = value_of(txt, "Session"))) {
			rc = number(&ps, v, UINT32_MAX, &tsih, "session");
			have_session = true;
			c = NULL;
		} else if ((v = value_of(txt, "Connection"))) {
			if (!have_session) {
				rc = bad(&ps, "connection outside a session");
				break;
			}
			rc = number(&ps, v, UINT32_MAX, &v64, "connection id");
			if (rc < 0)
				break;
			c = grow(&ps, &arr, &cnt, sizeof(*c), "connections");
			if (!c) {
				rc = -EBADMSG;
				break;
			}
			c->tsih = (uint32_t)tsih;
			c->cid = (uint32_t)v64;
		} else if ((v = value_of(txt, "Initiator"))) {
			if (!c) {
				rc = bad(&ps, "initiator outside a connection");
				break;
			}
			rc = copy(&ps, c->initiator, sizeof(c->initiator), v, "initiator name");
		} else if ((v = value_of(txt, "IP Address"))) {
			if (!c) {
				rc = bad(&ps, "address outside a connection");
				break;
			}
			rc = copy(&ps, c->address, sizeof(c->address), v, "address");
		} else if (indent == 0) {
			rc = bad(&ps, "expected 'Session: N'");
		}
		if (rc < 0)
			break;
	}
	if (r < 0)
		rc = r;
	free(line);
	if (rc < 0) {
		free(arr);
		return rc;
	}
	*out = arr;
	*n = cnt;
	return 0;
}
