/* SPDX-License-Identifier: GPL-2.0-or-later
 * Copyright (C) 2026 The vhdtarget authors */
/* verbs.c: the one table of what the network child may ask the parent.
 * Every row is a verb of proto/ with the bounds of its request (a fixed
 * struct's size, both ways, for all but NTLM verification), what it needs
 * and who answers it.  Const and complete at compile time: nothing adds to
 * it or changes it at run time.  Trade-off: a linear search per request
 * over fifty rows, cheaper than a sorted index kept in step by hand. */
#include <config.h>

#include <stddef.h>

#include "parent/svc/answers.h"
#include "parent/svc/svc.h"
#include "proto/auth.h"
#include "proto/device.h"
#include "proto/disk.h"
#include "proto/general.h"
#include "proto/notify.h"
#include "proto/session.h"
#include "proto/snapshot.h"
#include "proto/target.h"
#include "proto/serving.h"
#include "proto/dvd.h"

#define FIXED(t) sizeof(t), sizeof(t)
#define NONE 0, 0
#define AUTH VERB_NEEDS_AUTH
#define ISTM (VERB_NEEDS_AUTH | VERB_ISTM)

static const struct verb verbs[] = {
	/* the server */
	{ SVC_GENERAL_SERVER_INFO, "general server info", NONE, VERB_ONCE,
	  answer_general_server_info },
	{ SVC_GENERAL_SET_SCHEDULE, "general set schedule", FIXED(struct priv_schedule), AUTH,
	  answer_general_set_schedule },
	{ SVC_GENERAL_GET_SCHEDULE, "general get schedule", NONE, AUTH,
	  answer_general_get_schedule },
	{ SVC_GENERAL_GET_NAME, "general get name", NONE, AUTH, answer_general_get_name },
	{ SVC_GENERAL_SET_NAME, "general set name", FIXED(struct svc_name_req), AUTH,
	  answer_general_set_name },
	/* proving who the client is */
	{ SVC_AUTH_NTLM_VERIFY, "auth ntlm verify", sizeof(struct svc_ntlm_req), SVC_NTLM_REQ_MAX,
	  VERB_AUTHENTICATES, answer_auth_ntlm_verify },
	{ SVC_AUTH_KRB5_ACCEPT, "auth krb5 accept", sizeof(struct svc_krb5_req),
	  sizeof(struct svc_krb5_req) + SVC_KRB5_MAX_TOKEN, VERB_AUTHENTICATES,
	  answer_auth_krb5_accept },
	/* targets */
	{ SVC_TARGET_NEW, "target new", FIXED(struct svc_target_new_req), ISTM, answer_target_new },
	{ SVC_TARGET_GET, "target get", FIXED(struct svc_target_get_req), ISTM, answer_target_get },
	{ SVC_TARGET_SAVE, "target save", FIXED(struct svc_target_save_req), ISTM,
	  answer_target_save },
	{ SVC_TARGET_DELETE, "target delete", FIXED(struct svc_target_name_req), ISTM,
	  answer_target_delete },
	{ SVC_TARGET_DISCARD, "target discard", FIXED(struct svc_target_id_req), ISTM,
	  answer_target_discard },
	{ SVC_TARGET_ID, "target id", FIXED(struct svc_target_idm_req), ISTM, answer_target_id },
	{ SVC_TARGET_LUN, "target lun", FIXED(struct svc_target_lun_req), ISTM, answer_target_lun },
	{ SVC_TARGET_STATUS, "target status", FIXED(struct svc_target_id_req), ISTM,
	  answer_target_status },
	{ SVC_TARGET_CHECK, "target check", FIXED(struct svc_target_check_req), ISTM,
	  answer_target_check },
	{ SVC_TARGET_ENUM_HOSTS, "target enum hosts", FIXED(struct svc_enum_req), ISTM,
	  answer_target_enum_hosts },
	{ SVC_TARGET_ENUM_IDS, "target enum ids", FIXED(struct svc_enum_req), ISTM,
	  answer_target_enum_ids },
	{ SVC_TARGET_ENUM_LUNS, "target enum luns", FIXED(struct svc_enum_req), ISTM,
	  answer_target_enum_luns },
	{ SVC_TARGET_ENUM_PORTALS, "target enum portals", FIXED(struct svc_enum_req), ISTM,
	  answer_target_enum_portals },
	/* virtual disks */
	{ SVC_DISK_CREATE, "disk create", FIXED(struct svc_disk_create_req), ISTM,
	  answer_disk_create },
	{ SVC_DISK_DELETE, "disk delete", FIXED(struct svc_disk_ref_req), ISTM, answer_disk_delete },
	{ SVC_DISK_GET, "disk get", FIXED(struct svc_disk_ref_req), ISTM, answer_disk_get },
	{ SVC_DISK_ENUM, "disk enum", FIXED(struct svc_enum_req), ISTM, answer_disk_enum },
	{ SVC_DISK_SAVE, "disk save", FIXED(struct svc_disk_save_req), ISTM, answer_disk_save },
	{ SVC_DISK_MOUNT, "disk mount", FIXED(struct svc_disk_ref_req), ISTM, answer_disk_mount },
	{ SVC_DISK_DISMOUNT, "disk dismount", FIXED(struct svc_disk_ref_req), ISTM,
	  answer_disk_dismount },
	{ SVC_DISK_MOUNTS, "disk mounts", FIXED(struct svc_enum_req), ISTM, answer_disk_mounts },
	{ SVC_DISK_VOLUME, "disk volume", FIXED(struct svc_disk_volume_req), ISTM,
	  answer_disk_volume },
	{ SVC_DISK_CLOSE, "disk close", FIXED(struct svc_disk_ref_req), ISTM, answer_disk_close },
	/* local devices */
	{ SVC_DEVICE_VOLUMES, "device volumes", FIXED(struct svc_enum_req), ISTM,
	  answer_device_volumes },
	{ SVC_DEVICE_EMPTY, "device empty", FIXED(struct svc_enum_req), ISTM, answer_device_empty },
	{ SVC_DEVICE_VOLUME_INFO, "device volume info", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_volume_info },
	{ SVC_DEVICE_DRIVE_INFO, "device drive info", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_drive_info },
	{ SVC_DEVICE_IS_VALID, "device is valid", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_is_valid },
	{ SVC_DEVICE_PATH_VALID, "device path valid", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_path_valid },
	{ SVC_DEVICE_EXISTS, "device exists", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_exists },
	{ SVC_DEVICE_IS_NTFS, "device is ntfs", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_is_ntfs },
	{ SVC_DEVICE_RG_FROM_PATH, "device rg from path", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_rg_from_path },
	{ SVC_DEVICE_CREATE, "device create", FIXED(struct svc_device_create_req), ISTM,
	  answer_device_create },
	{ SVC_DEVICE_GROW, "device grow", FIXED(struct svc_device_grow_req), ISTM,
	  answer_device_grow },
	{ SVC_DEVICE_DELETE, "device delete", FIXED(struct svc_device_path_req), ISTM,
	  answer_device_delete },
	{ SVC_DEVICE_CREATE_DIFF, "device create diff", FIXED(struct svc_device_diff_req), ISTM,
	  answer_device_create_diff },
	{ SVC_DEVICE_LIST_DIR, "device list dir", FIXED(struct svc_device_dir_req), ISTM,
	  answer_device_list_dir },
	/* sessions */
	{ SVC_SESSION_ENUM, "session enum", FIXED(struct svc_enum_req), ISTM, answer_session_enum },
	{ SVC_SESSION_GET, "session get", FIXED(struct svc_session_req), ISTM, answer_session_get },
	{ SVC_SESSION_ENUM_CONNS, "session enum conns", FIXED(struct svc_enum_req), ISTM,
	  answer_session_enum_conns },
	{ SVC_SESSION_GET_CONN, "session get conn", FIXED(struct svc_session_req), ISTM,
	  answer_session_get_conn },
	{ SVC_SESSION_ENUM_INITIATORS, "session enum initiators", FIXED(struct svc_enum_req), ISTM,
	  answer_session_enum_initiators },
	/* snapshots */
	{ SVC_SNAPSHOT_PREPARE, "snapshot prepare", FIXED(struct svc_snapshot_prepare_req), ISTM,
	  answer_snapshot_prepare },
	{ SVC_SNAPSHOT_CREATE, "snapshot create", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_create },
	{ SVC_SNAPSHOT_END, "snapshot end", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_end },
	{ SVC_SNAPSHOT_DELETE, "snapshot delete", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_delete },
	{ SVC_SNAPSHOT_GET, "snapshot get", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_get },
	{ SVC_SNAPSHOT_ENUM, "snapshot enum", FIXED(struct svc_enum_req), ISTM,
	  answer_snapshot_enum },
	{ SVC_SNAPSHOT_ROLLBACK, "snapshot rollback", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_rollback },
	{ SVC_SNAPSHOT_ABORT_ROLLBACK, "snapshot abort rollback", FIXED(struct svc_snapshot_ref_req),
	  ISTM, answer_snapshot_abort_rollback },
	{ SVC_SNAPSHOT_EXPORT, "snapshot export", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_export },
	{ SVC_SNAPSHOT_MOUNT, "snapshot mount", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_mount },
	{ SVC_SNAPSHOT_DISMOUNT, "snapshot dismount", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_dismount },
	{ SVC_SNAPSHOT_SAVE, "snapshot save", FIXED(struct svc_snapshot_ref_req), ISTM,
	  answer_snapshot_save },
	{ SVC_SNAPSHOT_DISK, "snapshot disk", FIXED(struct svc_snapshot_disk_req), ISTM,
	  answer_snapshot_disk },
	{ SVC_SNAPSHOT_SHADOW, "snapshot shadow", FIXED(struct svc_snapshot_shadow_req), ISTM,
	  answer_snapshot_shadow },
	{ SVC_SNAPSHOT_LUN_INFO, "snapshot lun info", FIXED(struct svc_snapshot_disk_req), ISTM,
	  answer_snapshot_lun_info },
	/* status notifications */
	{ SVC_NOTIFY_REGISTER, "notify register", FIXED(struct svc_notify_register_req), ISTM,
	  answer_notify_register },
	{ SVC_NOTIFY_UNREGISTER, "notify unregister", FIXED(struct svc_notify_unregister_req), ISTM,
	  answer_notify_unregister },
	{ SVC_NOTIFY_DROP_OWNER, "notify drop owner", FIXED(struct svc_notify_owner_req), AUTH,
	  answer_notify_drop_owner },
	/* how tgtd serves: parent caches, portals, iSNS */
	{ SVC_SERVING_CACHE_PARENT, "serving cache parent", FIXED(struct svc_cache_parent_req),
	  ISTM, answer_serving_cache_parent },
	{ SVC_SERVING_PORTAL, "serving portal", FIXED(struct svc_portal_req), ISTM,
	  answer_serving_portal },
	{ SVC_SERVING_SNS_ADD, "serving sns add", FIXED(struct svc_sns_req), ISTM,
	  answer_serving_sns_add },
	{ SVC_SERVING_SNS_REMOVE, "serving sns remove", FIXED(struct svc_sns_req), ISTM,
	  answer_serving_sns_remove },
	{ SVC_SERVING_SNS_ENUM, "serving sns enum", FIXED(struct svc_enum_req), ISTM,
	  answer_serving_sns_enum },
	/* a target's own portals (svc_host_portal.c) */
	{ SVC_SERVING_HOST_PORTAL, "serving host portal", FIXED(struct svc_host_portal_req),
	  ISTM, answer_serving_host_portal },
	/* virtual DVDs (proto/dvd.h) */
	{ SVC_DVD_MEDIUM, "dvd medium", FIXED(struct svc_dvd_req), ISTM, answer_dvd_medium },
};

const struct verb *verb_find(uint32_t verb)
{
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (verbs[i].verb == verb)
			return &verbs[i];
	return NULL;
}
