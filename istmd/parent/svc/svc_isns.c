/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc_isns.c: ISnsMgr's iSNS servers ([MS-ISTM] 3.37, 3.5): the names a
 * client added, kept in the store's settings ("isns_servers", one per
 * line) and given to tgtd's own iSNS client (tgt/tgt_isns.c), which then
 * registers every target and each one made or deleted later.
 *
 * tgt's client talks to one server, so the list holds at most one:
 * adding a second is ERROR_NOT_SUPPORTED rather than a name kept that no
 * target would be registered with.  A name is a DNS name, an IPv4 or IPv6
 * address, optionally with ":port" ("[v6]:port"; istmd's extension, the
 * default is iSNS's 3205).  Names are not resolved here (a verb must not
 * wait on DNS): tgtd resolves them when it connects.  Removing the server
 * turns tgtd's client off, which deregisters the targets; the setting is
 * applied again at every start, before the targets (svc_isns_apply).
 */
#include <config.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "parent/svc/answers.h"
#include "proto/serving.h"

#define SERVERS_KEY "isns_servers"
#define ISNS_PORT 3205               /* RFC 4171 */

/* NAME as tgt's server address and port; -EINVAL when it is not one. */
static int split(const char *name, char *host, size_t cap, uint32_t *port)
{
	const char *end, *colon = NULL;
	uint8_t buf[16];
	size_t len;

	*port = ISNS_PORT;
	if (name[0] == '[') {
		end = strchr(name, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		len = (size_t)(end - name - 1);
		if (len == 0 || len >= cap)
			return -EINVAL;
		memcpy(host, name + 1, len);
		host[len] = 0;
		if (inet_pton(AF_INET6, host, buf) != 1)
			return -EINVAL;
		colon = end[1] ? end + 1 : NULL;
	} else if (strchr(name, ':') != strrchr(name, ':')) {
		if (strlen(name) >= cap || inet_pton(AF_INET6, name, buf) != 1)
			return -EINVAL;
		snprintf(host, cap, "%s", name);
	} else {
		colon = strchr(name, ':');
		len = colon ? (size_t)(colon - name) : strlen(name);
		if (len == 0 || len > 253 || len >= cap || name[0] == '-' || name[0] == '.')
			return -EINVAL;
		for (size_t i = 0; i < len; i++)
			if (!isalnum((unsigned char)name[i]) && name[i] != '-' && name[i] != '.')
				return -EINVAL;
		memcpy(host, name, len);
		host[len] = 0;
	}
	if (colon) {
		char *e;
		unsigned long p;

		if (!isdigit((unsigned char)colon[1]))
			return -EINVAL;
		p = strtoul(colon + 1, &e, 10);
		if (*e || p == 0 || p > 65535)
			return -EINVAL;
		*port = (uint32_t)p;
	}
	return 0;
}

/* The stored list ("" when none); -ENOENT when never set. */
static int load(struct svc *s, char *list, size_t cap)
{
	return state_setting_get(s->st, SERVERS_KEY, list, cap);
}

/* Give tgtd the first server of LIST, or none. */
static int apply(struct svc *s, const char *list)
{
	char first[SVC_SNS_NAME_MAX + 1], host[SVC_SNS_NAME_MAX + 1];
	uint32_t port;

	snprintf(first, sizeof(first), "%.*s", (int)strcspn(list, "\n"), list);
	if (!first[0])
		return tgt_isns_set(&s->tgt, NULL, 0);
	if (split(first, host, sizeof(host), &port) < 0)
		return -EINVAL;
	return tgt_isns_set(&s->tgt, host, port);
}

int svc_isns_apply(struct svc *s)
{
	char list[4 * (SVC_SNS_NAME_MAX + 1)];
	int err = load(s, list, sizeof(list));

	if (err == -ENOENT)
		return 0;            /* never managed: tgtd's own configuration stays */
	if (err == 0)
		err = apply(s, list);
	if (err < 0)
		log_warnx("giving tgtd its iSNS server failed: %s", tgt_errmsg(&s->tgt));
	else if (list[0])
		log_info("tgtd registers its targets with iSNS server %.*s",
			 (int)strcspn(list, "\n"), list);
	return err;
}

/* Check RQ's name: E_INVALIDARG unless it is a server name. */
static uint32_t checked(const struct svc_sns_req *rq)
{
	char host[SVC_SNS_NAME_MAX + 1];
	uint32_t port;

	return split(rq->name, host, sizeof(host), &port) < 0 ? E_INVALIDARG : S_OK;
}

/* Change the list to LIST: tgtd first, then the store; an HRESULT. */
static uint32_t change(struct svc *s, const char *list, const char *what, const char *name)
{
	int err = apply(s, list);

	if (err < 0) {
		log_warnx("%s iSNS server '%s' failed: %s", what, name, tgt_errmsg(&s->tgt));
		return ERROR_NOT_READY;
	}
	err = state_setting_set(s->st, SERVERS_KEY, list);
	if (err < 0) {
		log_warnx("%s iSNS server '%s' failed: %s", what, name, state_errmsg(s->st));
		return svc_hresult(err);
	}
	log_info("%s iSNS server '%s'", what, name);
	return S_OK;
}

/* AddSnsServer (ADD) or RemoveSnsServer.  tgt registers with one server,
 * so the stored list holds one name or none ("" or never set). */
static int answer_sns_change(struct svc *s, const uint8_t *req, uint8_t *reply,
			     size_t *reply_len, bool add)
{
	struct svc_sns_req rq;
	char list[4 * (SVC_SNS_NAME_MAX + 1)];
	uint32_t hr;
	int err;

	memcpy(&rq, req, sizeof(rq));
	if (!SVC_STR_OK(rq.name))
		return -EBADMSG;
	hr = checked(&rq);
	if (hr != S_OK)
		return svc_reply_hr(reply, reply_len, hr);
	err = load(s, list, sizeof(list));
	if (err == -ENOENT)
		list[0] = 0;
	else if (err < 0)
		return svc_reply_hr(reply, reply_len, svc_hresult(err));
	if (add && !list[0])
		hr = change(s, rq.name, "adding", rq.name);
	else if (add)
		hr = strcasecmp(list, rq.name) == 0 ? ERROR_ALREADY_EXISTS
			: ERROR_NOT_SUPPORTED;    /* tgt registers with one server */
	else if (strcasecmp(list, rq.name) == 0)
		hr = change(s, "", "removing", rq.name);
	else
		hr = ERROR_FILE_NOT_FOUND;        /* also when none is set */
	return svc_reply_hr(reply, reply_len, hr);
}

int answer_serving_sns_add(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return answer_sns_change(s, req, reply, reply_len, true);
}

int answer_serving_sns_remove(struct svc *s, const uint8_t *req, uint8_t *reply,
			      size_t *reply_len)
{
	return answer_sns_change(s, req, reply, reply_len, false);
}

static int fetch_servers(struct svc *s, const struct svc_enum_req *rq, int64_t *cursor,
			 void *out, size_t max, size_t *n)
{
	char list[4 * (SVC_SNS_NAME_MAX + 1)];
	struct svc_sns_item item;
	int err = load(s, list, sizeof(list));
	int64_t i = 0;

	(void)rq;
	*n = 0;
	if (err == -ENOENT)
		return 0;
	if (err < 0)
		return err;
	for (char *line = list, *next; *line && *n < max; line = next, i++) {
		size_t len = strcspn(line, "\n");

		next = line[len] ? line + len + 1 : line + len;
		if (i <= *cursor)
			continue;
		if (out) {
			memset(&item, 0, sizeof(item));
			snprintf(item.name, sizeof(item.name), "%.*s", (int)len, line);
			memcpy((uint8_t *)out + *n * sizeof(item), &item, sizeof(item));
		}
		(*n)++;
		*cursor = i;
	}
	return 0;
}

int answer_serving_sns_enum(struct svc *s, const uint8_t *req, uint8_t *reply, size_t *reply_len)
{
	return svc_enum_answer(s, req, reply, reply_len, sizeof(struct svc_sns_item),
			       fetch_servers);
}
