/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* sync_tgtconf.c: write istmd's saved targets as tgt-admin <target> blocks
 * (sync_tgtconf.h says what and why).  One target is built in memory, checked
 * for text tgt-admin's shell could misread, then added to the file's text;
 * the file is replaced only when that text differs. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "parent/state/state_snapshot.h"
#include "parent/sync/sync.h"
#include "parent/sync/sync_tgtconf.h"
#include "parent/tgt/tgt.h"

static char *kept_path;

void sync_tgtconf_set_path(const char *path)
{
	free(kept_path);
	kept_path = path && *path ? strdup(path) : NULL;
}

const char *sync_tgtconf_path(void)
{
	return kept_path;
}

/* Text tgt-admin pastes into a shell command line unquoted. */
static bool shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._:@/+=,-", *s))
			return false;
	return true;
}

/* An LU's identity, which tgt-admin passes inside double quotes
 * (--params scsi_id="..."): spaces are kept there, but not at either end
 * (the configuration parser trims them), and nothing the shell expands. */
static bool identity_safe(const char *s)
{
	size_t n = strlen(s);

	if (!n || s[0] == ' ' || s[n - 1] == ' ')
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(" ._:-", *s))
			return false;
	return true;
}

struct block {
	FILE *f;
	const char *unsafe;          /* the first value that is not shell_safe */
};

static void put(struct block *b, const char *fmt, const char *value, ...)
	__attribute__((format(printf, 2, 4)));

/* Print FMT with VALUE (checked) and the further arguments (numbers). */
static void put(struct block *b, const char *fmt, const char *value, ...)
{
	va_list ap;

	if (value && !shell_safe(value) && !b->unsafe)
		b->unsafe = value;
	va_start(ap, value);
	vfprintf(b->f, fmt, ap);
	va_end(ap);
}

/* The disk's identity, as sync.c gives it (tgt-admin sets it with one
 * update per value after making the LU), and the end of the LU's block. */
static void put_identity(struct block *b, const struct state_disk *d)
{
	if ((!identity_safe(d->scsi_id) || !identity_safe(d->serial)) && !b->unsafe)
		b->unsafe = "an LU identity";
	put(b, "\t\tscsi_id %s\n", NULL, d->scsi_id);
	put(b, "\t\tscsi_sn %s\n", NULL, d->serial);
	put(b, "\t</backing-store>\n", NULL);
}

static int put_lus(struct state *st, const struct state_target *tg, const char *bstype,
		   struct block *b)
{
	struct state_lun_mapping *m = NULL;
	size_t n = 0;
	int err = state_lun_list(st, tg->id, &m, &n);

	for (size_t i = 0; err == 0 && i < n; i++) {
		struct state_disk d;
		char top[sizeof(d.path)];
		const char *opts;

		if ((err = state_disk_get(st, m[i].wtd, &d)) < 0)
			break;
		if (!d.enabled || (d.flags & STATE_PENDING))
			continue;
		/* a disk with snapshots is served from its top layer (as sync.c
		 * does): its own file is then a frozen snapshot */
		if (state_disk_top_get(st, d.wtd, top, sizeof(top)) < 0)
			snprintf(top, sizeof(top), "%s", d.path);
		put(b, "\t<backing-store %s>\n", top, top);
		put(b, "\t\tbs-type %s\n", sync_lu_bstype(&d, bstype), sync_lu_bstype(&d, bstype));
		put(b, "\t\tlun %u\n", NULL, TGT_LUN_FROM_ISTM(m[i].lun));
		if (d.flags & STATE_DVD) {
			/* tgt-admin knows no empty drive: the last medium is
			 * written, and istmd's apply ejects it again */
			put(b, "\t\tdevice-type cd\n", NULL);
			put(b, "\t\treadonly 1\n", NULL);
			put_identity(b, &d);
			continue;
		}
		/* read-only: opened so from the start (bs_vhd takes shared
		 * locks), and shown read-only by tgtadm; tgt-admin takes one
		 * bsopts line, so the options travel together */
		opts = sync_lu_bsopts(&d, bstype);
		if (d.read_only || opts)
			put(b, "\t\tbsopts \"%s%s%s\"\n", NULL, d.read_only ? "readonly=1" : "",
			    d.read_only && opts ? ";" : "", opts ? opts : "");
		if (d.read_only)
			put(b, "\t\treadonly 1\n", NULL);
		put_identity(b, &d);
	}
	free(m);
	return err;
}

static int put_acls(struct state *st, const struct state_target *tg, struct block *b)
{
	struct state_id *ids = NULL;
	size_t n = 0, addresses = 0;
	int err = tg->enabled ? state_target_list_ids(st, tg->id, &ids, &n) : 0;

	for (size_t i = 0; err == 0 && i < n; i++) {
		char v[sizeof(ids[i].value)];

		if (ids[i].method == STATE_ID_IQN) {
			size_t k;

			for (k = 0; ids[i].value[k]; k++)
				v[k] = (char)tolower((unsigned char)ids[i].value[k]);
			v[k] = 0;
			put(b, "\tinitiator-name %s\n", v, v);
		} else if (ids[i].method == STATE_ID_IP || ids[i].method == STATE_ID_IPV6) {
			put(b, "\tinitiator-address %s\n", ids[i].value, ids[i].value);
			addresses++;
		}
	}
	free(ids);
	if (err == 0 && addresses == 0)
		put(b, "\t# no address ACL in istmd: keep tgt-admin from binding ALL\n"
		       "\tinitiator-address %s\n", NULL, SYNC_TGTCONF_NOBODY);
	return err;
}

static int put_target(struct state *st, const struct state_target *tg, const char *bstype,
		      struct block *b)
{
	int err;

	put(b, "<target %s>\n", tg->iqn, tg->iqn);
	put(b, "\t# istmd target '%s'\n", NULL, shell_safe(tg->name) ? tg->name : "(name)");
	put(b, "\tcontroller_tid %d\n", NULL, tg->tid);
	if ((err = put_lus(st, tg, bstype, b)) < 0 || (err = put_acls(st, tg, b)) < 0)
		return err;
	if (tg->chap_enabled && tg->chap_user[0]) {
		put(b, "\tincominguser %s", tg->chap_user, tg->chap_user);
		put(b, " %s\n", tg->chap_secret, tg->chap_secret);
	}
	if (tg->rchap_enabled && tg->rchap_user[0]) {
		put(b, "\toutgoinguser %s", tg->rchap_user, tg->rchap_user);
		put(b, " %s\n", tg->rchap_secret, tg->rchap_secret);
	}
	if (tg->max_recv_dsl)
		put(b, "\tMaxRecvDataSegmentLength %u\n", NULL, tg->max_recv_dsl);
	if (tg->first_burst)
		put(b, "\tFirstBurstLength %u\n", NULL, tg->first_burst);
	if (tg->max_burst)
		put(b, "\tMaxBurstLength %u\n", NULL, tg->max_burst);
	put(b, "</target>\n\n", NULL);
	return 0;
}

/* Is PATH's content exactly TEXT (LEN bytes)? */
static bool same_content(const char *path, const char *text, size_t len)
{
	char *buf = malloc(len + 1);
	FILE *f = fopen(path, "re");
	bool same = false;

	if (buf && f)
		same = fread(buf, 1, len + 1, f) == len && memcmp(buf, text, len) == 0;
	if (f)
		fclose(f);
	free(buf);
	return same;
}

static int replace_file(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
	char tmp[4200];
	int fd, e = 0;

	if (same_content(path, text, len))
		return 0;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp)) {
		snprintf(err, errlen, "cannot write '%.200s': path too long", path);
		return -ENAMETOOLONG;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "cannot write '%.200s': %s", tmp, strerror(-e));
		return e;
	}
	if (write(fd, text, len) != (ssize_t)len || fsync(fd) < 0)
		e = errno ? -errno : -EIO;
	if (close(fd) < 0 && !e)
		e = -errno;
	if (!e && rename(tmp, path) < 0)
		e = -errno;
	if (e) {
		unlink(tmp);
		snprintf(err, errlen, "cannot write '%.200s': %s", path, strerror(-e));
	}
	return e;
}

int sync_tgtconf_write(struct state *st, const char *path, const char *bstype,
		       unsigned *skipped, char *err, size_t errlen)
{
	struct state_cursor cur = STATE_CURSOR_INIT;
	struct state_target tg;
	char *text = NULL, *one = NULL;
	size_t len = 0, onelen = 0, n;
	FILE *f = open_memstream(&text, &len);
	int rc = 0;

	*skipped = 0;
	err[0] = 0;
	if (!f) {
		snprintf(err, errlen, "cannot write '%.200s': out of memory", path);
		return -ENOMEM;
	}
	fputs("# Written by istmd: the iSCSI targets it manages, so that tgt-admin\n"
	      "# (tgt.service: -e at start, --update ALL at reload) re-creates them as\n"
	      "# istmd has them instead of deleting them.  Do not edit: istmd rewrites\n"
	      "# this file whenever its targets change; use istmctl instead.\n\n", f);
	for (;;) {
		struct block b = { 0 };

		rc = state_target_next(st, &cur, false, &tg, 1, &n);
		if (rc < 0) {
			snprintf(err, errlen, "cannot list targets: %s", state_errmsg(st));
			break;
		}
		if (n == 0)
			break;
		if (tg.tid <= 0 || !tg.iqn[0])
			continue;
		if (!(b.f = open_memstream(&one, &onelen))) {
			rc = -ENOMEM;
			snprintf(err, errlen, "cannot write '%.200s': out of memory", path);
			break;
		}
		rc = put_target(st, &tg, bstype, &b);
		fclose(b.f);
		if (rc < 0) {
			snprintf(err, errlen, "cannot list target '%s': %s", tg.name, state_errmsg(st));
			break;
		}
		if (b.unsafe) {
			if ((*skipped)++ == 0)
				snprintf(err, errlen, "target '%s' is left out of '%.200s': a value "
					 "holds characters tgt-admin's shell would interpret", tg.name,
					 path);
		} else {
			fwrite(one, 1, onelen, f);
		}
		explicit_bzero(one, onelen);
		free(one);
		one = NULL;
	}
	explicit_bzero(&tg, sizeof(tg));
	if (fclose(f) != 0 && rc == 0) {
		rc = -ENOMEM;
		snprintf(err, errlen, "cannot write '%.200s': out of memory", path);
	}
	if (rc == 0)
		rc = replace_file(path, text, len, err, errlen);
	if (text)
		explicit_bzero(text, len);
	free(text);
	return rc;
}

void sync_tgtconf_update(struct state *st, const char *bstype)
{
	static char last[512];
	char err[512];
	unsigned skipped;
	int rc;

	if (!kept_path || !st)
		return;
	rc = sync_tgtconf_write(st, kept_path, bstype, &skipped, err, sizeof(err));
	if ((rc < 0 || skipped) && strcmp(err, last) != 0)
		log_warnx("tgt-admin configuration: %s", err);
	snprintf(last, sizeof(last), "%s", rc < 0 || skipped ? err : "");
}
