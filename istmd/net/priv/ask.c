/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ask.c: the network child's stubs (proto/ask.h), one per verb, over
 * priv_call().  Trade-off: every stub blocks the poll loop for one round
 * trip to the parent; every verb is a local, bounded operation. */
#include <config.h>

#include <errno.h>
#include <string.h>

#include "hresult.h"
#include "proto/ask.h"
#include "proto/proto.h"
#include "rpc/ntlmssp.h"

/* Ask VERB with REQ, expecting a reply of exactly WANT bytes in REPLY. */
static int ask_exact(uint32_t verb, const void *req, size_t len, void *reply, size_t want)
{
	uint8_t none[1];
	size_t got = want;
	int rc;

	rc = priv_call(verb, req, len, reply ? reply : none, &got);
	if (rc < 0)
		return rc;
	return got == want ? 0 : -EPROTO;
}

/* An ISTM-style verb: the reply starts with the HRESULT; a reply other
 * than just the HRESULT must fill REPLY (CAP bytes) exactly when S_OK. */
static uint32_t ask_hr(uint32_t verb, const void *req, size_t len, void *reply, size_t cap)
{
	struct svc_reply_hdr h;
	size_t got = cap;

	if (cap < sizeof(h) || priv_call(verb, req, len, reply, &got) < 0 || got < sizeof(h))
		return ERROR_NOT_READY;
	memcpy(&h, reply, sizeof(h));
	if (h.hr == S_OK && got != cap)
		return ERROR_NOT_READY;
	return h.hr;
}

int ask_general_server_info(struct priv_server_info *out)
{
	static struct priv_server_info info;
	static int asked;
	int rc;

	if (!asked) {
		if ((rc = ask_exact(SVC_GENERAL_SERVER_INFO, NULL, 0, &info, sizeof(info))) < 0)
			return rc;
		info.host_name[sizeof(info.host_name) - 1] = 0;
		asked = 1;
	}
	*out = info;
	return 0;
}

int ask_general_set_schedule(const struct priv_schedule *s)
{
	return ask_exact(SVC_GENERAL_SET_SCHEDULE, s, sizeof(*s), NULL, 0);
}

int ask_general_get_schedule(struct priv_schedule *s)
{
	return ask_exact(SVC_GENERAL_GET_SCHEDULE, NULL, 0, s, sizeof(*s));
}

uint32_t ask_general_get_name(struct svc_name_reply *r)
{
	uint32_t hr = ask_hr(SVC_GENERAL_GET_NAME, NULL, 0, r, sizeof(*r));

	if (hr == S_OK && !memchr(r->name, 0, sizeof(r->name)))
		return ERROR_NOT_READY;
	return hr;
}

uint32_t ask_general_set_name(const struct svc_name_req *rq)
{
	struct svc_reply_hdr h;

	return ask_hr(SVC_GENERAL_SET_NAME, rq, sizeof(*rq), &h, sizeof(h));
}

int ask_auth_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
			 uint8_t session_key[16], enum ntlm_result *result)
{
	uint8_t buf[PRIV_MAX_MSG];
	struct svc_ntlm_req rq;
	struct svc_ntlm_reply rp;
	size_t len = sizeof(rq), rlen = sizeof(rp);
	int rc;

	if (a->user_len > NTLMSSP_MAX_NAME || a->domain_len > NTLMSSP_MAX_NAME ||
	    a->nt_len > NTLMSSP_MAX_NT_RESPONSE || a->enc_key_len > 16)
		return -EINVAL;
	memcpy(rq.challenge, challenge, 8);
	rq.flags = a->flags;
	rq.user_len = (uint16_t)a->user_len;
	rq.domain_len = (uint16_t)a->domain_len;
	rq.nt_len = (uint16_t)a->nt_len;
	rq.enc_key_len = (uint16_t)a->enc_key_len;
	memcpy(buf, &rq, sizeof(rq));
	if (a->user_len) { memcpy(buf + len, a->user, a->user_len); len += a->user_len; }
	if (a->domain_len) { memcpy(buf + len, a->domain, a->domain_len); len += a->domain_len; }
	if (a->nt_len) { memcpy(buf + len, a->nt, a->nt_len); len += a->nt_len; }
	if (a->enc_key_len) { memcpy(buf + len, a->enc_key, a->enc_key_len); len += a->enc_key_len; }
	rc = priv_call(SVC_AUTH_NTLM_VERIFY, buf, len, &rp, &rlen);
	if (rc < 0)
		return rc;
	if (rlen != sizeof(rp) || rp.result > NTLM_REFUSED)
		return -EPROTO;
	*result = (enum ntlm_result)rp.result;
	memcpy(session_key, rp.session_key, 16);
	memset(&rp, 0, sizeof(rp));
	return 0;
}

int ask_auth_krb5_accept(uint32_t handle, const uint8_t *token, size_t len,
			 struct svc_krb5_reply *rp, uint8_t *body, size_t cap)
{
	static uint8_t req[sizeof(struct svc_krb5_req) + SVC_KRB5_MAX_TOKEN], buf[PRIV_MAX_MSG];
	struct svc_krb5_req rq = { handle, (uint32_t)len };
	size_t rlen = sizeof(buf);
	int rc;

	if (len > SVC_KRB5_MAX_TOKEN)
		return -EINVAL;
	memcpy(req, &rq, sizeof(rq));
	memcpy(req + sizeof(rq), token, len);
	rc = priv_call(SVC_AUTH_KRB5_ACCEPT, req, sizeof(rq) + len, buf, &rlen);
	if (rc < 0)
		return rc;
	if (rlen < sizeof(*rp))
		return -EPROTO;
	memcpy(rp, buf, sizeof(*rp));
	if (rp->result > KRB5_NOT_ALLOWED || rp->token_len > SVC_KRB5_MAX_TOKEN ||
	    rp->context_len > SVC_KRB5_MAX_CONTEXT ||
	    rlen != sizeof(*rp) + rp->token_len + rp->context_len ||
	    rp->token_len + rp->context_len > cap || !memchr(rp->user, 0, sizeof(rp->user)))
		return -EPROTO;
	memcpy(body, buf + sizeof(*rp), rp->token_len + rp->context_len);
	explicit_bzero(buf, rlen);
	return 0;
}

/* --- the ISTM verbs ------------------------------------------------------- */

#define ASK_HR(x, verb, req_t) \
uint32_t ask_##x(const struct req_t *rq) \
{ \
	struct svc_reply_hdr h; \
	return ask_hr(verb, rq, sizeof(*rq), &h, sizeof(h)); \
}
#define ASK_REPLY(x, verb, req_t, reply_t) \
uint32_t ask_##x(const struct req_t *rq, struct reply_t *rp) \
{ \
	return ask_hr(verb, rq, sizeof(*rq), rp, sizeof(*rp)); \
}

ASK_HR(target_delete, SVC_TARGET_DELETE, svc_target_name_req)
ASK_HR(target_discard, SVC_TARGET_DISCARD, svc_target_id_req)
ASK_HR(target_id, SVC_TARGET_ID, svc_target_idm_req)
ASK_HR(target_lun, SVC_TARGET_LUN, svc_target_lun_req)
ASK_HR(disk_delete, SVC_DISK_DELETE, svc_disk_ref_req)
ASK_HR(disk_save, SVC_DISK_SAVE, svc_disk_save_req)
ASK_HR(disk_mount, SVC_DISK_MOUNT, svc_disk_ref_req)
ASK_HR(disk_dismount, SVC_DISK_DISMOUNT, svc_disk_ref_req)
ASK_HR(disk_close, SVC_DISK_CLOSE, svc_disk_ref_req)
ASK_HR(device_is_valid, SVC_DEVICE_IS_VALID, svc_device_path_req)
ASK_HR(device_path_valid, SVC_DEVICE_PATH_VALID, svc_device_path_req)
ASK_HR(device_exists, SVC_DEVICE_EXISTS, svc_device_path_req)
ASK_HR(device_is_ntfs, SVC_DEVICE_IS_NTFS, svc_device_path_req)
ASK_HR(device_rg_from_path, SVC_DEVICE_RG_FROM_PATH, svc_device_path_req)
ASK_HR(device_create, SVC_DEVICE_CREATE, svc_device_create_req)
ASK_HR(device_grow, SVC_DEVICE_GROW, svc_device_grow_req)
ASK_HR(device_delete, SVC_DEVICE_DELETE, svc_device_path_req)
ASK_HR(device_create_diff, SVC_DEVICE_CREATE_DIFF, svc_device_diff_req)
ASK_HR(serving_cache_parent, SVC_SERVING_CACHE_PARENT, svc_cache_parent_req)
ASK_HR(serving_portal, SVC_SERVING_PORTAL, svc_portal_req)
ASK_HR(serving_sns_add, SVC_SERVING_SNS_ADD, svc_sns_req)
ASK_HR(serving_sns_remove, SVC_SERVING_SNS_REMOVE, svc_sns_req)
ASK_HR(serving_host_portal, SVC_SERVING_HOST_PORTAL, svc_host_portal_req)

ASK_REPLY(target_new, SVC_TARGET_NEW, svc_target_new_req, svc_target_reply)
ASK_REPLY(target_get, SVC_TARGET_GET, svc_target_get_req, svc_target_reply)
ASK_REPLY(target_save, SVC_TARGET_SAVE, svc_target_save_req, svc_target_reply)
ASK_REPLY(target_status, SVC_TARGET_STATUS, svc_target_id_req, svc_target_status_reply)
ASK_REPLY(target_check, SVC_TARGET_CHECK, svc_target_check_req, svc_target_check_reply)
ASK_REPLY(disk_create, SVC_DISK_CREATE, svc_disk_create_req, svc_disk_reply)
ASK_REPLY(disk_get, SVC_DISK_GET, svc_disk_ref_req, svc_disk_reply)
ASK_REPLY(disk_volume, SVC_DISK_VOLUME, svc_disk_volume_req, svc_disk_volume_reply)
ASK_REPLY(device_volume_info, SVC_DEVICE_VOLUME_INFO, svc_device_path_req, svc_device_volume_reply)
ASK_REPLY(device_drive_info, SVC_DEVICE_DRIVE_INFO, svc_device_path_req, svc_device_volume_reply)
ASK_REPLY(dvd_medium, SVC_DVD_MEDIUM, svc_dvd_req, svc_dvd_reply)
/* snapshot.h */
ASK_HR(snapshot_create, SVC_SNAPSHOT_CREATE, svc_snapshot_ref_req)
ASK_HR(snapshot_end, SVC_SNAPSHOT_END, svc_snapshot_ref_req)
ASK_HR(snapshot_delete, SVC_SNAPSHOT_DELETE, svc_snapshot_ref_req)
ASK_HR(snapshot_rollback, SVC_SNAPSHOT_ROLLBACK, svc_snapshot_ref_req)
ASK_HR(snapshot_abort_rollback, SVC_SNAPSHOT_ABORT_ROLLBACK, svc_snapshot_ref_req)
ASK_HR(snapshot_mount, SVC_SNAPSHOT_MOUNT, svc_snapshot_ref_req)
ASK_HR(snapshot_dismount, SVC_SNAPSHOT_DISMOUNT, svc_snapshot_ref_req)
ASK_HR(snapshot_save, SVC_SNAPSHOT_SAVE, svc_snapshot_ref_req)
ASK_REPLY(snapshot_prepare, SVC_SNAPSHOT_PREPARE, svc_snapshot_prepare_req, svc_snapshot_reply)
ASK_REPLY(snapshot_get, SVC_SNAPSHOT_GET, svc_snapshot_ref_req, svc_snapshot_reply)
ASK_REPLY(snapshot_export, SVC_SNAPSHOT_EXPORT, svc_snapshot_ref_req, svc_snapshot_reply)
ASK_REPLY(snapshot_disk, SVC_SNAPSHOT_DISK, svc_snapshot_disk_req, svc_snapshot_disk_reply)
ASK_REPLY(snapshot_shadow, SVC_SNAPSHOT_SHADOW, svc_snapshot_shadow_req, svc_snapshot_shadow_reply)
ASK_REPLY(snapshot_lun_info, SVC_SNAPSHOT_LUN_INFO, svc_snapshot_disk_req, svc_lun_info_reply)
ASK_REPLY(device_list_dir, SVC_DEVICE_LIST_DIR, svc_device_dir_req, svc_device_dir_reply)
ASK_REPLY(session_get, SVC_SESSION_GET, svc_session_req, svc_session_reply)
ASK_REPLY(session_get_conn, SVC_SESSION_GET_CONN, svc_session_req, svc_conn_reply)

uint32_t ask_enum(uint32_t verb, const struct svc_enum_req *rq, void *reply, size_t cap,
		  size_t *got)
{
	struct svc_reply_hdr h;

	*got = cap;
	if (cap < sizeof(struct svc_enum_reply) || priv_call(verb, rq, sizeof(*rq), reply, got) < 0 ||
	    *got < sizeof(h))
		return ERROR_NOT_READY;
	memcpy(&h, reply, sizeof(h));
	if (h.hr == S_OK && *got < sizeof(struct svc_enum_reply))
		return ERROR_NOT_READY;
	return h.hr;
}

/* notify.h */
ASK_HR(notify_register, SVC_NOTIFY_REGISTER, svc_notify_register_req)
ASK_HR(notify_unregister, SVC_NOTIFY_UNREGISTER, svc_notify_unregister_req)

int ask_notify_drop_owner(uint64_t owner)
{
	struct svc_notify_owner_req rq = { owner };

	return ask_exact(SVC_NOTIFY_DROP_OWNER, &rq, sizeof(rq), NULL, 0);
}
