/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* tgt_verbs.c: the narrow operations on tgtd, each one tgtadm command line
 * built from typed, checked arguments.
 *
 * Checks happen here, before tgtadm runs, because tgtadm's own parsing is
 * lax (values are pasted into a comma-separated string; a comma inside a
 * value would smuggle in another parameter) and its errors are vague.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgt_int.h"

/* A value tgtadm can carry: 1..MAX bytes, no control characters, no comma. */
static int check_value(struct tgt *t, const char *what, const char *v, size_t max)
{
	size_t len;

	if (!v || !*v)
		return tgt_fail(t, -EINVAL, "invalid %s: empty", what);
	len = strlen(v);
	if (len > max)
		return tgt_fail(t, -EINVAL, "invalid %s: longer than %zu bytes", what, max);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c < 0x20 || c == 0x7f || c == ',')
			return tgt_fail(t, -EINVAL, "invalid %s: %s not allowed", what,
					c == ',' ? "a comma is" : "control characters are");
	}
	return 0;
}

static int check_tid(struct tgt *t, int tid)
{
	if (tid <= 0)
		return tgt_fail(t, -EINVAL, "invalid target id %d: must be positive", tid);
	return 0;
}

static int check_lun(struct tgt *t, uint32_t lun)
{
	if (lun == 0 || lun > 255)
		return tgt_fail(t, -EINVAL, "invalid tgt LUN %u: data LUNs are 1 to 255 "
				"(LUN 0 is tgt's controller)", lun);
	return 0;
}

bool tgt_name_valid(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len > 223)
		return false;
	if (strncmp(name, "iqn.", 4) == 0) {
		/* iqn.YYYY-MM.<reversed domain>[:<anything>].  RFC 3720
		 * 3.2.6.3.1 wants two month digits; Windows also takes one
		 * ([MS-ISTM] 4.5 sets "iqn.1991-5.com.contoso:..." and gets
		 * S_OK), and neither tgt nor initiators care, so one is
		 * accepted too. */
		const char *p = name + 4;
		int m = 5;

		for (int i = 0; i < 5; i++)
			if (i == 4 ? p[i] != '-' : !isdigit((unsigned char)p[i]))
				return false;
		if (!isdigit((unsigned char)p[m++]))
			return false;
		if (isdigit((unsigned char)p[m]))
			m++;
		if (p[m] != '.' || (!islower((unsigned char)p[m + 1]) && !isdigit((unsigned char)p[m + 1])))
			return false;
		for (const char *c = p + m + 1; *c; c++)
			if (!islower((unsigned char)*c) && !isdigit((unsigned char)*c) &&
			    *c != '-' && *c != '.' && *c != ':')
				return false;
		return true;
	}
	if (strncmp(name, "eui.", 4) == 0 || strncmp(name, "naa.", 4) == 0) {
		size_t hex = len - 4;

		if (!(hex == 16 || (name[0] == 'n' && hex == 32)))
			return false;
		for (const char *c = name + 4; *c; c++)
			if (!isxdigit((unsigned char)*c))
				return false;
		return true;
	}
	return false;
}

/* Append S to BUF at *O lower-cased, runs of other characters as one '-'. */
static void iqn_part(char *buf, size_t *o, size_t max, const char *s)
{
	for (; *s && *o < max; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalnum(c) || c == '.')
			buf[(*o)++] = (char)tolower(c);
		else if (*o && buf[*o - 1] != '-' && buf[*o - 1] != ':')
			buf[(*o)++] = '-';
	}
}

int tgt_default_iqn(const char *host, const char *name, char *buf, size_t cap)
{
	size_t o = strlen(TGT_IQN_PREFIX), start = o, max = cap - 1 < 223 ? cap - 1 : 223;

	if (cap <= o + 8)
		return -ERANGE;
	memcpy(buf, TGT_IQN_PREFIX, o);
	iqn_part(buf, &o, max - 7, host ? host : "");
	if (o > start && buf[o - 1] != '-')
		buf[o++] = '-';
	iqn_part(buf, &o, max - 7, name ? name : "");
	while (o > start && buf[o - 1] == '-')
		o--;
	if (o == start)
		return -EINVAL;
	memcpy(buf + o, "-target", 8);
	return tgt_name_valid(buf) ? 0 : -EINVAL;
}

static int check_name(struct tgt *t, const char *what, const char *name)
{
	if (!tgt_name_valid(name))
		return tgt_fail(t, -EINVAL, "invalid %s '%.223s': not an iSCSI name", what,
				name ? name : "");
	return 0;
}

/* "ALL", an IPv4/IPv6 address, optionally with a "/prefix". */
static int check_address(struct tgt *t, const char *addr)
{
	int err = check_value(t, "initiator address", addr, 64);

	if (err < 0)
		return err;
	if (strcmp(addr, "ALL") == 0)
		return 0;
	for (const char *c = addr; *c; c++)
		if (!isxdigit((unsigned char)*c) && !strchr(".:/[]", *c))
			return tgt_fail(t, -EINVAL, "invalid initiator address '%s'", addr);
	return 0;
}

int tgt_target_new(struct tgt *t, int tid, const char *iqn)
{
	char what[64], stid[16];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_name(t, "target name", iqn)) < 0)
		return err;
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(what, sizeof(what), "create target %d", tid);
	return tgt_run(t, what, (const char *[]){ "--mode", "target", "--op", "new",
			"--tid", stid, "--targetname", iqn, NULL }, NULL, NULL);
}

int tgt_target_delete(struct tgt *t, int tid, bool force)
{
	char what[64], stid[16];
	int err = check_tid(t, tid);

	if (err < 0)
		return err;
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(what, sizeof(what), "delete target %d", tid);
	err = tgt_run(t, what, (const char *[]){ "--mode", "target", "--op", "delete",
		      "--tid", stid, force ? "--force" : NULL, NULL }, NULL, NULL);
	return err;
}

static int acl(struct tgt *t, int tid, const char *op, const char *opt, const char *value,
	       const char *what)
{
	char stid[16];

	snprintf(stid, sizeof(stid), "%d", tid);
	return tgt_run(t, what, (const char *[]){ "--mode", "target", "--op", op, "--tid", stid,
		       opt, value, NULL }, NULL, NULL);
}

int tgt_target_bind_address(struct tgt *t, int tid, const char *addr)
{
	char what[128];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_address(t, addr)) < 0)
		return err;
	snprintf(what, sizeof(what), "allow '%s' into target %d", addr, tid);
	return acl(t, tid, "bind", "--initiator-address", addr, what);
}

int tgt_target_unbind_address(struct tgt *t, int tid, const char *addr)
{
	char what[128];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_address(t, addr)) < 0)
		return err;
	snprintf(what, sizeof(what), "remove '%s' from target %d", addr, tid);
	return acl(t, tid, "unbind", "--initiator-address", addr, what);
}

int tgt_target_bind_name(struct tgt *t, int tid, const char *initiator)
{
	char what[300];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_name(t, "initiator name", initiator)) < 0)
		return err;
	snprintf(what, sizeof(what), "allow '%s' into target %d", initiator, tid);
	return acl(t, tid, "bind", "--initiator-name", initiator, what);
}

int tgt_target_unbind_name(struct tgt *t, int tid, const char *initiator)
{
	char what[300];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_name(t, "initiator name", initiator)) < 0)
		return err;
	snprintf(what, sizeof(what), "remove '%s' from target %d", initiator, tid);
	return acl(t, tid, "unbind", "--initiator-name", initiator, what);
}

static const struct {
	const char *name;            /* tgt's key */
	uint32_t min;                /* RFC 3720 12.x / tgt limits */
	uint32_t max;
} params[] = {
	[TGT_PARAM_MAX_RECV_DSL] = { "MaxRecvDataSegmentLength", 512, 16777215 },
	[TGT_PARAM_FIRST_BURST] = { "FirstBurstLength", 512, 16777215 },
	[TGT_PARAM_MAX_BURST] = { "MaxBurstLength", 512, 16777215 },
	[TGT_PARAM_MAX_OUTSTANDING_R2T] = { "MaxOutstandingR2T", 1, 65535 },
	[TGT_PARAM_DEFAULT_TIME2WAIT] = { "DefaultTime2Wait", 0, 3600 },
	[TGT_PARAM_DEFAULT_TIME2RETAIN] = { "DefaultTime2Retain", 0, 3600 },
	[TGT_PARAM_MAX_QUEUE_CMD] = { "MaxQueueCmd", 1, 4096 },
};

const char *tgt_param_name(enum tgt_param p)
{
	if ((unsigned)p >= sizeof(params) / sizeof(params[0]))
		return NULL;
	return params[p].name;
}

int tgt_target_set_param(struct tgt *t, int tid, enum tgt_param p, uint32_t value)
{
	char what[128], stid[16], sval[16];
	const char *name = tgt_param_name(p);
	int err = check_tid(t, tid);

	if (err < 0)
		return err;
	if (!name)
		return tgt_fail(t, -EINVAL, "invalid target parameter %d", (int)p);
	if (value < params[p].min || value > params[p].max)
		return tgt_fail(t, -EINVAL, "invalid %s %u: must be %u to %u", name, value,
				params[p].min, params[p].max);
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(sval, sizeof(sval), "%u", value);
	snprintf(what, sizeof(what), "set %s of target %d", name, tid);
	return tgt_run(t, what, (const char *[]){ "--mode", "target", "--op", "update",
		       "--tid", stid, "--name", name, "--value", sval, NULL }, NULL, NULL);
}

int tgt_target_params(struct tgt *t, int tid, struct tgt_kv **out, size_t *n)
{
	char what[64], stid[16], *text, *line, *save = NULL;
	struct tgt_kv *kv = NULL;
	size_t cnt = 0, cap = 0;
	int err = check_tid(t, tid);

	*out = NULL;
	*n = 0;
	if (err < 0)
		return err;
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(what, sizeof(what), "show parameters of target %d", tid);
	err = tgt_run(t, what, (const char *[]){ "--mode", "target", "--op", "show", "--tid",
		      stid, NULL }, &text, NULL);
	if (err < 0)
		return err;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '=');

		if (!eq || (size_t)(eq - line) >= sizeof(kv->key) || strlen(eq + 1) >= sizeof(kv->value))
			continue;
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct tgt_kv *nk = realloc(kv, ncap * sizeof(*nk));

			if (!nk) {
				free(kv);
				free(text);
				return tgt_fail(t, -ENOMEM, "cannot %s: out of memory", what);
			}
			kv = nk;
			cap = ncap;
		}
		snprintf(kv[cnt].key, sizeof(kv[cnt].key), "%.*s", (int)(eq - line), line);
		snprintf(kv[cnt].value, sizeof(kv[cnt].value), "%s", eq + 1);
		cnt++;
	}
	free(text);
	*out = kv;
	*n = cnt;
	return 0;
}

const char *tgt_kv_get(const struct tgt_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

/* --- accounts ------------------------------------------------------------- */

int tgt_account_new(struct tgt *t, const char *user, const char *secret)
{
	char what[300];
	int err = check_value(t, "CHAP user name", user, 255);

	if (err < 0)
		return err;
	/* the secret is checked without being quoted in any message */
	err = check_value(t, "CHAP secret", secret, 255);
	if (err < 0)
		return err;
	if (strlen(secret) < 12)
		return tgt_fail(t, -EINVAL, "invalid CHAP secret for '%s': shorter than 12 bytes",
				user);
	snprintf(what, sizeof(what), "create account '%s'", user);
	return tgt_run(t, what, (const char *[]){ "--mode", "account", "--op", "new",
		       "--user", user, "--password", secret, NULL }, NULL, NULL);
}

int tgt_account_delete(struct tgt *t, const char *user)
{
	char what[300];
	int err = check_value(t, "CHAP user name", user, 255);

	if (err < 0)
		return err;
	snprintf(what, sizeof(what), "delete account '%s'", user);
	return tgt_run(t, what, (const char *[]){ "--mode", "account", "--op", "delete",
		       "--user", user, NULL }, NULL, NULL);
}

static int account_bind(struct tgt *t, const char *op, int tid, const char *user,
			bool outgoing)
{
	char what[320], stid[16];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_value(t, "CHAP user name", user, 255)) < 0)
		return err;
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(what, sizeof(what), "%s %saccount '%s' %s target %d",
		 strcmp(op, "bind") == 0 ? "bind" : "unbind", outgoing ? "outgoing " : "",
		 user, strcmp(op, "bind") == 0 ? "to" : "from", tid);
	return tgt_run(t, what, (const char *[]){ "--mode", "account", "--op", op, "--tid",
		       stid, "--user", user, outgoing ? "--outgoing" : NULL, NULL }, NULL, NULL);
}

int tgt_account_bind(struct tgt *t, int tid, const char *user, bool outgoing)
{
	return account_bind(t, "bind", tid, user, outgoing);
}

int tgt_account_unbind(struct tgt *t, int tid, const char *user, bool outgoing)
{
	return account_bind(t, "unbind", tid, user, outgoing);
}

/* --- logical units ------------------------------------------------------ */

static int check_path(struct tgt *t, const char *path)
{
	int err = check_value(t, "backing-store path", path, 4000);

	if (err < 0)
		return err;
	if (path[0] != '/')
		return tgt_fail(t, -EINVAL, "invalid backing-store path '%s': not absolute", path);
	return 0;
}

static int lu_update(struct tgt *t, int tid, uint32_t lun, const char *params, const char *what)
{
	char stid[16], slun[16];

	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(slun, sizeof(slun), "%u", lun);
	return tgt_run(t, what, (const char *[]){ "--mode", "logicalunit", "--op", "update",
		       "--tid", stid, "--lun", slun, "--params", params, NULL }, NULL, NULL);
}

/* "scsi_id=ID,scsi_sn=SN" (either may be NULL: left out) into BUF. */
static int identity_params(struct tgt *t, const char *scsi_id, const char *scsi_sn, char *buf,
			   size_t cap)
{
	int err;

	if ((scsi_id && (err = check_value(t, "SCSI ID", scsi_id, TGT_SCSI_ID_MAX)) < 0) ||
	    (scsi_sn && (err = check_value(t, "SCSI serial number", scsi_sn, TGT_SCSI_ID_MAX)) < 0))
		return err;
	snprintf(buf, cap, "%s%s%s%s%s", scsi_id ? "scsi_id=" : "", scsi_id ? scsi_id : "",
		 scsi_id && scsi_sn ? "," : "", scsi_sn ? "scsi_sn=" : "", scsi_sn ? scsi_sn : "");
	return 0;
}

int tgt_lu_set_identity(struct tgt *t, int tid, uint32_t lun, const char *scsi_id,
			const char *scsi_sn)
{
	char what[64], params[2 * TGT_SCSI_ID_MAX + 32];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_lun(t, lun)) < 0 ||
	    (err = identity_params(t, scsi_id, scsi_sn, params, sizeof(params))) < 0)
		return err;
	if (!params[0])
		return 0;
	snprintf(what, sizeof(what), "set the identity of LUN %u of target %d", lun, tid);
	return lu_update(t, tid, lun, params, what);
}

int tgt_lu_new(struct tgt *t, int tid, uint32_t lun, const struct tgt_lu_spec *spec)
{
	char what[96], stid[16], slun[16], params[2 * TGT_SCSI_ID_MAX + 48];
	const char *args[20];
	int err, a = 0;

	if ((err = identity_params(t, spec->scsi_id, spec->scsi_sn, params, sizeof(params))) < 0)
		return err;
	if (spec->readonly)
		snprintf(params + strlen(params), sizeof(params) - strlen(params), "%sreadonly=1",
			 params[0] ? "," : "");
	if ((err = check_tid(t, tid)) < 0 || (err = check_lun(t, lun)) < 0 ||
	    (err = check_value(t, "backing-store type", spec->bstype, 32)) < 0 ||
	    ((spec->path || !spec->device_type) && (err = check_path(t, spec->path)) < 0) ||
	    (spec->bsopts && (err = check_value(t, "backing-store options", spec->bsopts, 1024)) < 0) ||
	    (spec->device_type && (err = check_value(t, "device type", spec->device_type, 16)) < 0))
		return err;
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(slun, sizeof(slun), "%u", lun);
	snprintf(what, sizeof(what), "add LUN %u to target %d", lun, tid);
	args[a++] = "--mode";
	args[a++] = "logicalunit";
	args[a++] = "--op";
	args[a++] = "new";
	args[a++] = "--tid";
	args[a++] = stid;
	args[a++] = "--lun";
	args[a++] = slun;
	args[a++] = "--bstype";
	args[a++] = spec->bstype;
	if (spec->path) {
		args[a++] = "--backing-store";
		args[a++] = spec->path;
	}
	if (spec->bsopts) {
		args[a++] = "--bsopts";
		args[a++] = spec->bsopts;
	}
	if (spec->device_type) {
		args[a++] = "--device-type";
		args[a++] = spec->device_type;
	}
	args[a] = NULL;
	err = tgt_run(t, what, args, NULL, NULL);
	if (err < 0 || !params[0])
		return err;
	/* all in one request (tgtadm's "--op new" takes no --params) */
	snprintf(what, sizeof(what), "set %s%s%s of LUN %u of target %d",
		 spec->readonly ? "the read-only flag" : "",
		 spec->readonly && params[0] != 'r' ? " and " : "",
		 params[0] != 'r' ? "the identity" : "", lun, tid);
	err = lu_update(t, tid, lun, params, what);
	if (err < 0) {
		/* never leave a writable LU behind that was asked to be
		 * read-only, nor one presenting another identity */
		char keep[sizeof(t->err)];

		memcpy(keep, t->err, sizeof(keep));
		tgt_lu_delete(t, tid, lun);
		memcpy(t->err, keep, sizeof(keep));
	}
	return err;
}

int tgt_lu_delete(struct tgt *t, int tid, uint32_t lun)
{
	char what[64], stid[16], slun[16];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_lun(t, lun)) < 0)
		return err;
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(slun, sizeof(slun), "%u", lun);
	snprintf(what, sizeof(what), "delete LUN %u of target %d", lun, tid);
	return tgt_run(t, what, (const char *[]){ "--mode", "logicalunit", "--op", "delete",
		       "--tid", stid, "--lun", slun, NULL }, NULL, NULL);
}

int tgt_lu_set_online(struct tgt *t, int tid, uint32_t lun, bool online)
{
	char what[64];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_lun(t, lun)) < 0)
		return err;
	snprintf(what, sizeof(what), "take LUN %u of target %d %s", lun, tid,
		 online ? "online" : "offline");
	return lu_update(t, tid, lun, online ? "online=1" : "online=0", what);
}

int tgt_lu_set_readonly(struct tgt *t, int tid, uint32_t lun, bool readonly)
{
	char what[64];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_lun(t, lun)) < 0)
		return err;
	snprintf(what, sizeof(what), "make LUN %u of target %d %s", lun, tid,
		 readonly ? "read-only" : "writable");
	return lu_update(t, tid, lun, readonly ? "readonly=1" : "readonly=0", what);
}

int tgt_lu_set_path(struct tgt *t, int tid, uint32_t lun, const char *path)
{
	char what[64], params[4100];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_lun(t, lun)) < 0 ||
	    (err = check_path(t, path)) < 0)
		return err;
	snprintf(params, sizeof(params), "path=%s", path);
	snprintf(what, sizeof(what), "switch LUN %u of target %d to a new file", lun, tid);
	return lu_update(t, tid, lun, params, what);
}

int tgt_lu_switch(struct tgt *t, int tid, uint32_t lun, const char *path)
{
	char what[64], params[4100];
	int err;

	if ((err = check_tid(t, tid)) < 0 || (err = check_lun(t, lun)) < 0 ||
	    (err = check_path(t, path)) < 0)
		return err;
	if (strchr(path, ','))
		return tgt_fail(t, -EINVAL, "invalid backing-store path '%s': tgt splits "
				"parameters on commas", path);
	/* tgt applies the parameters in order: offline, then the new path,
	 * after which tgt_device_path_update() brings the LU online itself */
	snprintf(params, sizeof(params), "online=0,path=%s", path);
	snprintf(what, sizeof(what), "switch LUN %u of target %d to a new file", lun, tid);
	return lu_update(t, tid, lun, params, what);
}

/* --- portals and the daemon ------------------------------------------------- */

static int portal_op(struct tgt *t, const char *op, const char *address, uint32_t port)
{
	char what[256], param[160];
	int err = check_value(t, "portal address", address, 127);

	if (err < 0)
		return err;
	for (const char *c = address; *c; c++)
		if (!isxdigit((unsigned char)*c) && *c != '.' && *c != ':')
			return tgt_fail(t, -EINVAL, "invalid portal address '%s'", address);
	if (port == 0 || port > 65535)
		return tgt_fail(t, -EINVAL, "invalid portal port %u", port);
	snprintf(param, sizeof(param), strchr(address, ':') ? "portal=[%s]:%u" : "portal=%s:%u",
		 address, port);
	snprintf(what, sizeof(what), "%s portal %s", strcmp(op, "new") == 0 ? "add" : "delete",
		 param + 7);
	return tgt_run(t, what, (const char *[]){ "--mode", "portal", "--op", op, "--param",
		       param, NULL }, NULL, NULL);
}

int tgt_portal_new(struct tgt *t, const char *address, uint32_t port)
{
	return portal_op(t, "new", address, port);
}

int tgt_portal_delete(struct tgt *t, const char *address, uint32_t port)
{
	return portal_op(t, "delete", address, port);
}

int tgt_portal_list(struct tgt *t, struct tgt_portal **out, size_t *n)
{
	char *text, *line, *save = NULL;
	struct tgt_portal *arr = NULL;
	size_t cnt = 0, cap = 0;
	int err;

	*out = NULL;
	*n = 0;
	err = tgt_run(t, "list portals", (const char *[]){ "--mode", "portal", "--op", "show",
		      NULL }, &text, NULL);
	if (err < 0)
		return err;
	/* "Portal: 127.0.0.1:3260,1" or "Portal: [::1]:3260,1" */
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct tgt_portal pt = { 0 };
		char *addr, *colon, *comma;

		if (strncmp(line, "Portal: ", 8) != 0)
			continue;
		addr = line + 8;
		comma = strrchr(addr, ',');
		if (!comma)
			goto bad;
		*comma = '\0';
		colon = strrchr(addr, ':');
		if (!colon)
			goto bad;
		*colon = '\0';
		if (*addr == '[' && colon > addr + 1 && colon[-1] == ']') {
			addr++;
			colon[-1] = '\0';
		}
		if (strlen(addr) >= sizeof(pt.address))
			goto bad;
		snprintf(pt.address, sizeof(pt.address), "%s", addr);
		pt.port = (uint32_t)strtoul(colon + 1, NULL, 10);
		pt.tpgt = (uint32_t)strtoul(comma + 1, NULL, 10);
		if (cnt == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct tgt_portal *na = realloc(arr, ncap * sizeof(*na));

			if (!na) {
				err = tgt_fail(t, -ENOMEM, "cannot list portals: out of memory");
				break;
			}
			arr = na;
			cap = ncap;
		}
		arr[cnt++] = pt;
		continue;
bad:
		err = tgt_fail(t, -EBADMSG, "cannot list portals: unexpected line from tgtadm");
		break;
	}
	free(text);
	if (err < 0) {
		free(arr);
		return err;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int tgt_system_delete(struct tgt *t)
{
	return tgt_run(t, "stop tgtd", (const char *[]){ "--mode", "system", "--op", "delete",
		       NULL }, NULL, NULL);
}

int tgt_show(struct tgt *t, struct tgt_show **out)
{
	char *text, err_buf[256];
	size_t len;
	int err;

	*out = NULL;
	err = tgt_run(t, "list targets", (const char *[]){ "--mode", "target", "--op", "show",
		      NULL }, &text, &len);
	if (err < 0)
		return err;
	err = tgt_show_parse(text, len, out, err_buf, sizeof(err_buf));
	free(text);
	if (err < 0)
		return tgt_fail(t, err, "cannot list targets: %s", err_buf);
	return 0;
}

int tgt_conn_list(struct tgt *t, int tid, struct tgt_conn **out, size_t *n)
{
	char what[64], stid[16], *text, err_buf[256];
	size_t len;
	int err = check_tid(t, tid);

	*out = NULL;
	*n = 0;
	if (err < 0)
		return err;
	snprintf(stid, sizeof(stid), "%d", tid);
	snprintf(what, sizeof(what), "list connections of target %d", tid);
	err = tgt_run(t, what, (const char *[]){ "--mode", "conn", "--op", "show", "--tid",
		      stid, NULL }, &text, &len);
	if (err < 0)
		return err;
	err = tgt_conn_parse(text, len, out, n, err_buf, sizeof(err_buf));
	free(text);
	if (err < 0)
		return tgt_fail(t, err, "cannot %s: %s", what, err_buf);
	return 0;
}
