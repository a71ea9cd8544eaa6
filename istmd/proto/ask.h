/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* ask.h: the network child's stubs, one per verb and named after it: verb
 * SVC_X is asked by ask_x() and answered in the parent by answer_x()
 * (parent/svc/answers.h), as OpenSSH pairs mm_x with mm_answer_x.  A stub
 * sends the verb's request struct, checks the reply's length and returns
 * what the caller needs; nothing else in the child builds a request.
 * Implemented in net/priv/ask.c over priv_call() (proto/proto.h).
 *
 * The ISTM verbs' stubs return the operation's HRESULT, and
 * ERROR_NOT_READY when the parent could not be asked or answered with a
 * malformed reply ([MS-ISTM] 3.1.4.2.1: the service is not ready). */
#ifndef ISTMD_PROTO_ASK_H
#define ISTMD_PROTO_ASK_H

#include <stddef.h>
#include <stdint.h>

#include "proto/auth.h"
#include "proto/device.h"
#include "proto/disk.h"
#include "proto/general.h"
#include "proto/notify.h"
#include "proto/proto.h"
#include "proto/session.h"
#include "proto/snapshot.h"
#include "proto/target.h"
#include "proto/serving.h"
#include "proto/dvd.h"

/* --- general.h ------------------------------------------------------------ */
/* The server's identity: asked of the parent once (the verb is VERB_ONCE),
 * then the copy.  0 or a negative errno. */
int ask_general_server_info(struct priv_server_info *out);
/* 0, -EINVAL for values the parent refuses, or the channel's errno. */
int ask_general_set_schedule(const struct priv_schedule *s);
int ask_general_get_schedule(struct priv_schedule *s);
/* HRESULTs; R->name is "" when never set. */
uint32_t ask_general_get_name(struct svc_name_reply *r);
uint32_t ask_general_set_name(const struct svc_name_req *rq);

/* --- auth.h --------------------------------------------------------------- */
struct ntlmssp_auth_msg;             /* rpc/ntlmssp.h: the AUTHENTICATE fields */
/* Forward A's proof and CHALLENGE; *RESULT says whether it held, and
 * SESSION_KEY is the exported key when it did.  0 or a negative errno. */
int ask_auth_ntlm_verify(const uint8_t challenge[8], const struct ntlmssp_auth_msg *a,
			 uint8_t session_key[16], enum ntlm_result *result);
/* One Kerberos leg: TOKEN to the parent's acceptor; *RP and, in BODY (CAP
 * bytes), RP->token_len bytes of token then RP->context_len bytes of the
 * exported context.  0 (the result is in RP) or a negative errno. */
int ask_auth_krb5_accept(uint32_t handle, const uint8_t *token, size_t len,
			 struct svc_krb5_reply *rp, uint8_t *body, size_t cap);

/* --- the ISTM verbs ----------------------------------------------------------
 * ask_x(rq) for a verb answered by its HRESULT alone; ask_x(rq, rp) for
 * one whose S_OK reply is the struct RP, filled whole (a shorter reply is
 * ERROR_NOT_READY), which the caller may read only after S_OK. */

/* target.h */
uint32_t ask_target_delete(const struct svc_target_name_req *rq);
uint32_t ask_target_discard(const struct svc_target_id_req *rq);
uint32_t ask_target_id(const struct svc_target_idm_req *rq);
uint32_t ask_target_lun(const struct svc_target_lun_req *rq);
uint32_t ask_target_new(const struct svc_target_new_req *rq, struct svc_target_reply *rp);
uint32_t ask_target_get(const struct svc_target_get_req *rq, struct svc_target_reply *rp);
uint32_t ask_target_save(const struct svc_target_save_req *rq, struct svc_target_reply *rp);
uint32_t ask_target_status(const struct svc_target_id_req *rq,
			   struct svc_target_status_reply *rp);
uint32_t ask_target_check(const struct svc_target_check_req *rq,
			  struct svc_target_check_reply *rp);

/* disk.h */
uint32_t ask_disk_delete(const struct svc_disk_ref_req *rq);
uint32_t ask_disk_save(const struct svc_disk_save_req *rq);
uint32_t ask_disk_mount(const struct svc_disk_ref_req *rq);
uint32_t ask_disk_dismount(const struct svc_disk_ref_req *rq);
uint32_t ask_disk_close(const struct svc_disk_ref_req *rq);
uint32_t ask_disk_create(const struct svc_disk_create_req *rq, struct svc_disk_reply *rp);
uint32_t ask_disk_get(const struct svc_disk_ref_req *rq, struct svc_disk_reply *rp);
uint32_t ask_disk_volume(const struct svc_disk_volume_req *rq,
			 struct svc_disk_volume_reply *rp);

/* device.h */
uint32_t ask_device_is_valid(const struct svc_device_path_req *rq);
uint32_t ask_device_path_valid(const struct svc_device_path_req *rq);
uint32_t ask_device_exists(const struct svc_device_path_req *rq);
uint32_t ask_device_is_ntfs(const struct svc_device_path_req *rq);
uint32_t ask_device_rg_from_path(const struct svc_device_path_req *rq);
uint32_t ask_device_create(const struct svc_device_create_req *rq);
uint32_t ask_device_grow(const struct svc_device_grow_req *rq);
uint32_t ask_device_delete(const struct svc_device_path_req *rq);
uint32_t ask_device_create_diff(const struct svc_device_diff_req *rq);
uint32_t ask_device_volume_info(const struct svc_device_path_req *rq,
				struct svc_device_volume_reply *rp);
uint32_t ask_device_drive_info(const struct svc_device_path_req *rq,
			       struct svc_device_volume_reply *rp);
uint32_t ask_device_list_dir(const struct svc_device_dir_req *rq,
			     struct svc_device_dir_reply *rp);

/* session.h */
uint32_t ask_session_get(const struct svc_session_req *rq, struct svc_session_reply *rp);
uint32_t ask_session_get_conn(const struct svc_session_req *rq, struct svc_conn_reply *rp);

/* snapshot.h */
uint32_t ask_snapshot_create(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_end(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_delete(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_rollback(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_abort_rollback(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_mount(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_dismount(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_save(const struct svc_snapshot_ref_req *rq);
uint32_t ask_snapshot_prepare(const struct svc_snapshot_prepare_req *rq,
			      struct svc_snapshot_reply *rp);
uint32_t ask_snapshot_get(const struct svc_snapshot_ref_req *rq, struct svc_snapshot_reply *rp);
uint32_t ask_snapshot_export(const struct svc_snapshot_ref_req *rq,
			     struct svc_snapshot_reply *rp);
uint32_t ask_snapshot_disk(const struct svc_snapshot_disk_req *rq,
			   struct svc_snapshot_disk_reply *rp);
uint32_t ask_snapshot_shadow(const struct svc_snapshot_shadow_req *rq,
			     struct svc_snapshot_shadow_reply *rp);
uint32_t ask_snapshot_lun_info(const struct svc_snapshot_disk_req *rq,
			       struct svc_lun_info_reply *rp);

/* serving.h */
uint32_t ask_serving_cache_parent(const struct svc_cache_parent_req *rq);
uint32_t ask_serving_portal(const struct svc_portal_req *rq);
uint32_t ask_serving_sns_add(const struct svc_sns_req *rq);
uint32_t ask_serving_sns_remove(const struct svc_sns_req *rq);
uint32_t ask_serving_host_portal(const struct svc_host_portal_req *rq);

/* dvd.h */
uint32_t ask_dvd_medium(const struct svc_dvd_req *rq, struct svc_dvd_reply *rp);

/* Every enumeration verb (the kinds' .verb) takes struct svc_enum_req and
 * answers struct svc_enum_reply then items, so they share one stub: REPLY
 * has room for CAP bytes, *GOT is what came (at least the header on S_OK). */
uint32_t ask_enum(uint32_t verb, const struct svc_enum_req *rq, void *reply, size_t cap,
		  size_t *got);

/* notify.h */
uint32_t ask_notify_register(const struct svc_notify_register_req *rq);
uint32_t ask_notify_unregister(const struct svc_notify_unregister_req *rq);
int ask_notify_drop_owner(uint64_t owner);

#endif /* ISTMD_PROTO_ASK_H */
