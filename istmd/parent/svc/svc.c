/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* svc.c: the parent's service context: the store, the roots, the tgt
 * adapter, the settings the general verbs answer. */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent/svc/svc.h"
#include "parent/sync/sync.h"

int svc_reply_hr(uint8_t *reply, size_t *reply_len, uint32_t hr)
{
	struct svc_reply_hdr h = { hr };

	memcpy(reply, &h, sizeof(h));
	*reply_len = sizeof(h);
	return 0;
}

uint32_t svc_hresult(int err)
{
	return hresult_from_errno(err);
}

static int read_settings(struct svc *s)
{
	int rc = svc_server_guid(s->st, s->server_guid);

	if (rc < 0)
		log_warnx("the server GUID cannot be read or made: %s", state_errmsg(s->st));
	return rc;
}

int svc_open_settings(struct svc *s, const char *state_dir)
{
	int rc;

	memset(s, 0, sizeof(*s));
	paths_init(&s->paths);
	snprintf(s->state_dir, sizeof(s->state_dir), "%s", state_dir);
	if (gethostname(s->host, sizeof(s->host) - 1) < 0 || !s->host[0])
		snprintf(s->host, sizeof(s->host), "localhost");
	if ((rc = state_open(state_dir, &s->st)) < 0) {
		log_warnx("opening the state store in '%s' failed: %s", state_dir, strerror(-rc));
		return rc;
	}
	if ((rc = read_settings(s)) < 0)
		svc_close(s);
	return rc;
}

int svc_open(struct svc *s, const struct svc_conf *conf)
{
	struct sync_adopt_report adopt;
	struct sync_report rep;
	size_t i;
	int rc;

	memset(s, 0, sizeof(*s));
	snprintf(s->state_dir, sizeof(s->state_dir), "%s", conf->state_dir);
	snprintf(s->bstype, sizeof(s->bstype), "%s", conf->bstype ? conf->bstype : SVC_BSTYPE_DEFAULT);
	snprintf(s->vhdfs, sizeof(s->vhdfs), "%s", conf->vhdfs ? conf->vhdfs : SVC_VHDFS_DEFAULT);
	if (gethostname(s->host, sizeof(s->host) - 1) < 0 || !s->host[0])
		snprintf(s->host, sizeof(s->host), "localhost");
	paths_init(&s->paths);
	for (i = 0; i < conf->nroots; i++) {
		if ((rc = paths_add_root(&s->paths, conf->roots[i])) < 0) {
			log_warnx("storage root '%s' refused: %s", conf->roots[i],
				  paths_errmsg(&s->paths));
			goto fail;
		}
		log_info("storage root %c: is '%s'", s->paths.roots[s->paths.nroots - 1].letter,
			 s->paths.roots[s->paths.nroots - 1].dir);
	}
	tgt_init(&s->tgt, conf->tgtadm, conf->tgt_control_port);
	if ((rc = state_open(conf->state_dir, &s->st)) < 0) {
		log_warnx("opening the state store in '%s' failed: %s", conf->state_dir,
			  strerror(-rc));
		goto fail;
	}
	memset(&adopt, 0, sizeof(adopt));
	if (sync_adopt(s->st, &s->tgt, &s->paths, s->bstype, &adopt) < 0)
		log_warnx("adopting tgtd's own targets failed: %s", adopt.err);
	else if (adopt.targets || adopt.skipped)
		log_info("adopted %u targets made in tgtd (%u LUNs, %u ACLs), left %u alone",
			 adopt.targets, adopt.disks, adopt.ids, adopt.skipped);
	if ((rc = read_settings(s)) < 0) {
		state_close(s->st);
		s->st = NULL;
		goto fail;
	}
	svc_snapshot_check(s);
	(void)svc_portals_apply(s);
	(void)svc_isns_apply(s);
	memset(&rep, 0, sizeof(rep));
	rc = sync_apply_all(s->st, &s->tgt, s->bstype, &rep);
	if (rc < 0)
		log_warnx("applying the saved targets to tgtd failed: %s", rep.err);
	else if (rep.targets)
		log_info("tgtd serves %u saved targets (%u created, %u LUs, %u ACLs changed)",
			 rep.targets, rep.created, rep.lus, rep.acls);
	svc_snapshot_check_after_sync(s);
	s->ready = true;
	return 0;
fail:
	paths_release(&s->paths);
	return rc;
}

void svc_close(struct svc *s)
{
	if (s->st)
		state_close(s->st);
	s->st = NULL;
	s->ready = false;
	paths_release(&s->paths);
	svc_frozen_forget_all(s);
}
